#!/bin/bash
# --pid P --children: a process P starts after kfault attaches a child
# victim, which is tracked through fork and fails; a process outside P's
# tree does not, whatever its name.
#
#   children.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/mnt
fifo=/tmp/children.fifo
rm -f "$fifo"
mkfifo "$fifo"

# P waits for the go, then runs the victim as its child (the trailing echo
# keeps bash from exec'ing the victim in P itself).
( read -r _ <"$fifo"; "$victim" -c mount-loop mount 3 /tmp/mnt >/tmp/child.out; echo done >>/tmp/child.out ) &
parent=$!

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --pid "$parent" --children "$obj"
echo go >"$fifo"
wait "$parent"
echo "child of $parent:"
expect_result ENOMEM 3 "$(cat /tmp/child.out)"
echo "not in the tree:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
stop_kfault
