#!/bin/bash
# times 50 with two threads racing: exactly 50 calls fail, never 51, and
# kfault stops by itself once they are used up.
#
#   times.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$obj"
out=$("$victim" -c kf-times -t 2 umask 3000)
expect_result EPERM 50 "$out"
expect_result ok 5950 "$out"
wait_kfault
grep -q '"stopped_by": "times"' "$KFAULT_OUT/stdout" || { echo "FAILED: not stopped by times"; exit 1; }
[ "$(json_field "$KFAULT_OUT/stdout" injected)" = 50 ] || { echo "FAILED: kfault counted other than 50"; exit 1; }
