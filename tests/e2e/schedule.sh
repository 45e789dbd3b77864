#!/bin/bash
# schedule "@every 2s" with duration 1s: over 9 seconds of calls the victim
# sees both failures (while armed) and successes (while disarmed), without
# kfault reloading anything, and --duration ends the run.
#
#   schedule.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --duration 12s --json "$obj"
out=$("$victim" -c kf-sched -s 50 umask 180)
echo "$out"
echo "$out" | grep -q '^EPERM [1-9]' || { echo "FAILED: never armed"; exit 1; }
echo "$out" | grep -q '^ok [1-9]' || { echo "FAILED: never disarmed"; exit 1; }
wait_kfault
grep -q '"stopped_by": "duration"' "$KFAULT_OUT/stdout" || { echo "FAILED: not stopped by --duration"; exit 1; }
