#!/bin/bash
# examples/bio.fault: O_DIRECT writes of "dd" to /dev/ram0 (dev_t 1:0) fail
# with EIO; to /dev/ram1 they succeed; after kfault, /dev/ram0 works. Also
# --log --stack: each failure is logged with the kernel stack.
#
#   bio.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
[ -b /dev/ram0 ] && [ -b /dev/ram1 ] || { echo "FAILED: no /dev/ram0 and /dev/ram1"; exit 1; }

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --log --stack --json "$obj"
echo "dd to /dev/ram0:"
expect_result EIO 3 "$("$victim" -c dd direct 3 /dev/ram0)"
echo "dd to /dev/ram1:"
expect_result ok 3 "$("$victim" -c dd direct 3 /dev/ram1)"
stop_kfault
grep -q 'comm dd: should_fail_bio failed \[bio.fault:7\]' "$KFAULT_OUT/stdout" ||
	{ echo "FAILED: no event line for the injected failure"; exit 1; }
grep -q '^    submit_bio' "$KFAULT_OUT/stdout" || { echo "FAILED: no symbolised stack"; exit 1; }

echo "after kfault:"
expect_result ok 3 "$("$victim" -c dd direct 3 /dev/ram0)"
