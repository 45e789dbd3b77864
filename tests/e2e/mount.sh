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
expect_backend "$backend"

expect_mount_loop_armed "$victim" "$mnt"

stop_kfault
expect_mount_loop_after "$victim" "$mnt"
