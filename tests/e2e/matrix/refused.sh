#!/bin/bash
# A kernel that cannot do what an object asks: kfault run stops in preflight,
# before anything is loaded, with exit status 4 and the message given (one
# line, which must name the missing kernel option), and the kernel is left
# with no kfault program.
#
#   refused.sh KFAULT OBJECT BACKEND MESSAGE
set -euo pipefail
KFAULT=$1 obj=$2 backend=$3 message=$4
status=0
"$KFAULT" run --backend "$backend" "$obj" >"$KFAULT_OUT/out" 2>&1 || status=$?
cat "$KFAULT_OUT/out"
[ "$status" = 4 ] || { echo "FAILED: exit status $status, wanted 4 (the kernel cannot do it)"; exit 1; }
grep -qF -- "$message" "$KFAULT_OUT/out" || { echo "FAILED: no line saying: $message"; exit 1; }
if bpftool prog show 2>/dev/null | grep -q 'name kf'; then
	echo "FAILED: a kfault program is loaded after the refusal:"
	bpftool prog show
	exit 1
fi
echo "refused, as it should be"
