#!/bin/bash
# kill -9 of kfault mid-run removes the injection: the victim fails while
# kfault lives, mounts fine once it is killed, and no kfault program or link
# is left in the kernel. Then --duration: kfault stops by itself.
#
#   kill9.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/mnt

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" "$obj"
expect_result ENOMEM 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
kill -9 "$kfault_pid"
wait "$kfault_pid" 2>/dev/null || true
echo "killed with SIGKILL:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
for _ in $(seq 50); do
	left=$(bpftool prog show | grep -c ' name kf' || true)
	[ "$left" = 0 ] && break
	sleep 0.1
done
bpftool prog show | grep ' name kf' && { echo "FAILED: kfault programs left in the kernel"; exit 1; }
# (no separate link check: a link holds its program, and 'bpftool link show'
# names no programs to grep for)
echo "no kfault program left"

echo "--duration 2s:"
"$KFAULT" run --backend "$backend" --duration 2s --json "$obj" >"$KFAULT_OUT/duration.json" 2>"$KFAULT_OUT/duration.log"
cat "$KFAULT_OUT/duration.log" "$KFAULT_OUT/duration.json"
grep -q '"stopped_by": "duration"' "$KFAULT_OUT/duration.json" || { echo "FAILED: not stopped by duration"; exit 1; }
