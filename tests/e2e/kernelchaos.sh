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
grep -q "($backend backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not the $backend backend"; exit 1; }
grep -q "note: kept for Kubernetes: mode, selector" "$KFAULT_OUT/kfault.log" ||
	{ echo "FAILED: no note that mode and selector are kept for Kubernetes"; exit 1; }

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
