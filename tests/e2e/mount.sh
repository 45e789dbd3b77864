#!/bin/bash
# The seed example, end to end: while 'kfault run examples/mount.fault'
# runs, a mount(2) loop named "mount-loop" fails with ENOMEM (the slab
# allocations under __x64_sys_mount fail); a task named otherwise mounts
# fine; once kfault is stopped, mounts succeed again.
#
#   mount.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"

echo "before kfault:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 "$mnt")"

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$obj"
grep -q "($backend backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not the $backend backend"; exit 1; }

echo "armed, comm mount-loop:"
expect_result ENOMEM 3 "$("$victim" -c mount-loop mount 3 "$mnt")"
echo "armed, comm bystander:"
expect_result ok 3 "$("$victim" -c bystander mount 3 "$mnt")"

stop_kfault
injected=$(json_field "$KFAULT_OUT/stdout" injected)
echo "kfault injected $injected failures"
[ "$injected" -ge 3 ] || { echo "FAILED: expected at least 3 injections"; exit 1; }

echo "after kfault:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 "$mnt")"
