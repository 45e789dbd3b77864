#!/bin/bash
# probability 30% over 2000 decisions (one per umask call): the failures
# the victim sees lie within 4 standard deviations of 600 (sigma = 20.5), and
# kfault counted exactly the 2000 decisions.
#
#   probability.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$obj"
out=$("$victim" -c kf-prob umask 2000)
stop_kfault
echo "$out"
failed=$(echo "$out" | awk '$1 == "EPERM" { print $2 }')
failed=${failed:-0}
echo "failed $failed of 2000 (expected 600 +- 82)"
[ "$failed" -ge 518 ] && [ "$failed" -le 682 ] || { echo "FAILED: outside the 4-sigma band"; exit 1; }
[ "$(json_field "$KFAULT_OUT/stdout" decisions)" = 2000 ] || { echo "FAILED: decisions != 2000"; exit 1; }
[ "$(json_field "$KFAULT_OUT/stdout" injected)" = "$failed" ] || { echo "FAILED: kfault's count differs"; exit 1; }
