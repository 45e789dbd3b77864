#!/bin/bash
# 'kfault run examples/mount.fault' straight from the .fault file: kfault
# compiles it inside the guest, against the guest kernel's own BTF, then
# injects: the mount loop fails with ENOMEM, and succeeds after.
#
#   run-fault.sh KFAULT FAULT-FILE VICTIM BACKEND
set -euo pipefail
KFAULT=$1 fault=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/mnt
ARM_TIMEOUT=300	# the compile runs under emulation

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$fault"
expect_result ENOMEM 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
stop_kfault
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
