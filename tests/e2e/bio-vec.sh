#!/bin/bash
# Issue 22: a predicate on a bio's first segment, bio->bi_io_vec[0].bv_len.
# faults/bio-vec.fault matches the victim's 4 KiB O_DIRECT writes to
# /dev/ram0, which fail with EIO; faults/bio-vec-miss.fault asks for 512
# bytes, and the same writes succeed: the element's member is really read.
#
#   bio-vec.sh KFAULT OBJECT MISS-OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 miss=$3 victim=$4 backend=$5
. "$(dirname "$0")/lib.sh"
[ -b /dev/ram0 ] || { echo "FAILED: no /dev/ram0"; exit 1; }

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --log "$obj"
echo "dd to /dev/ram0, first segment of 4096 bytes:"
expect_result EIO 3 "$("$victim" -c dd direct 3 /dev/ram0)"
wait_kfault	# 'times 3': used up, it stops by itself
grep -q 'comm dd: should_fail_bio failed \[bio-vec.fault:3\]' "$KFAULT_OUT/stdout" ||
	{ echo "FAILED: no event line for the injected failure"; exit 1; }

start_kfault "$KFAULT_OUT/kfault-miss.log" --backend "$backend" "$miss"
echo "dd to /dev/ram0, predicate on 512 bytes:"
expect_result ok 3 "$("$victim" -c dd direct 3 /dev/ram0)"
stop_kfault
