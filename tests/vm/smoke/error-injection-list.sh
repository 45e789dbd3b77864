#!/bin/bash
# VM smoke test: the hooks kfault overrides are in the kernel's error
# injection list (so bpf_override_return and fail_function accept them).
set -euo pipefail

list=/sys/kernel/debug/error_injection/list
[ -r "$list" ] || { echo "$list missing"; exit 1; }
echo "$(wc -l <"$list") injectable functions"
status=0
for fn in should_failslab should_fail_alloc_page should_fail_bio; do
	if line=$(grep -E "^${fn}[[:space:]]" "$list"); then
		echo "found: $line"
	else
		echo "MISSING: $fn"
		status=1
	fi
done
exit $status
