#!/bin/bash
# examples/bio.fault on a kernel where should_fail_bio() is compiled into
# submit_bio_noacct() (the newest Debian kernel, 7.3): kfault arms, O_DIRECT
# writes of "dd" to /dev/ram0 reach no probe and succeed, and kfault's
# report says why a bio injection may see no hit (runtime/injector.c,
# kf_injector__unreached_note). When a kernel of the matrix calls the
# function again, this fails: bio.sh is then the scenario for it.
#
#   bio-unreached.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/../lib.sh"
[ -b /dev/ram0 ] || { echo "FAILED: no /dev/ram0"; exit 1; }

status=0
"$KFAULT" run --backend "$backend" "$obj" -- "$victim" -c dd direct 3 /dev/ram0 \
	>"$KFAULT_OUT/out" 2>"$KFAULT_OUT/err" || status=$?
cat "$KFAULT_OUT/err"
[ "$status" = 0 ] || { echo "FAILED: kfault exited $status"; exit 1; }
expect_result ok 3 "$(cat "$KFAULT_OUT/out")"
grep -q 'should_fail_bio: 0 hits' "$KFAULT_OUT/err" ||
	{ echo "FAILED: should_fail_bio was reached: use bio.sh on this kernel"; exit 1; }
grep -q "note: 0 hits: if the target did block I/O, this kernel may be one where should_fail_bio is compiled into submit_bio_noacct" "$KFAULT_OUT/err" ||
	{ echo "FAILED: no note on why there was no hit"; exit 1; }
no_programs_left
