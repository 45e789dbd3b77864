#!/bin/bash
# cgroup targeting from the command line (replacing the object's comm
# target): tasks in the cgroup and in cgroups below it fail, tasks outside
# do not, whatever their name.
#
#   cgroup.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
cg=/sys/fs/cgroup/kf-e2e
mkdir -p "$cg/child" /tmp/mnt

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --cgroup "$cg" "$obj"
echo "in $cg:"
expect_result ENOMEM 3 "$(in_cgroup "$cg" "$victim" mount 3 /tmp/mnt)"
echo "in $cg/child:"
expect_result ENOMEM 3 "$(in_cgroup "$cg/child" "$victim" mount 3 /tmp/mnt)"
echo "outside, even named mount-loop:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
stop_kfault
rmdir "$cg/child" "$cg"
