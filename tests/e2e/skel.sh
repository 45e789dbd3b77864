#!/bin/bash
# The skeleton: examples/mount.fault embedded in a C program by
# 'kfault build --emit skel' (tests/outputs/skel-mount.c, built by the
# outputs.skel test), which opens, loads, attaches and arms it through
# mount.skel.h and runs a mount(2) loop named "mount-loop": the loop sees
# ENOMEM; once the program is gone, mounts succeed again.
#
#   skel.sh SKEL_MOUNT VICTIM BACKEND
set -euo pipefail
prog=$1 victim=$2 backend=$3
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"

echo "under the skeleton, comm mount-loop:"
status=0
out=$("$prog" "$backend" "$victim" -c mount-loop mount 3 "$mnt") || status=$?
[ "$status" -eq 0 ] || { echo "$out"; echo "FAILED: skel-mount exited $status"; exit 1; }
echo "$out" | grep -qx "armed ($backend backend)" || { echo "$out"; echo "FAILED: not armed with $backend"; exit 1; }
expect_result ENOMEM 3 "$out"
injected=$(echo "$out" | sed -n 's/^injected //p')
echo "the skeleton counted $injected injections"
[ "${injected:-0}" -ge 3 ] || { echo "FAILED: expected at least 3 injections"; exit 1; }

echo "after the skeleton's program:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 "$mnt")"
