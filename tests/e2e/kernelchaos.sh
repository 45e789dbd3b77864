#!/bin/bash
# KernelChaos YAML end to end: the Chaos Mesh docs example, unchanged
# (callchain [{funcname: '__x64_sys_mount'}], failtype 0, a pod selector),
# run as 'kfault run chaos.yaml --comm mount-loop'. kfault compiles the YAML
# in the guest against its kernel's BTF, notes that mode and selector are
# kept for Kubernetes, and injects: the mount loop fails with ENOMEM, a
# bystander mounts fine, and mounts succeed again once kfault stops.
#
#   kernelchaos.sh KFAULT YAML VICTIM BACKEND
set -euo pipefail
KFAULT=$1 yaml=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"
ARM_TIMEOUT=300	# the compile runs under emulation

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json --comm mount-loop "$yaml"
expect_backend "$backend"
grep -q "note: kept for Kubernetes: mode, selector" "$KFAULT_OUT/kfault.log" ||
	{ echo "FAILED: no note that mode and selector are kept for Kubernetes"; exit 1; }

expect_mount_loop_armed "$victim" "$mnt"

stop_kfault
expect_mount_loop_after "$victim" "$mnt"
