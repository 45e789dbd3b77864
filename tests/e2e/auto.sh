#!/bin/bash
# The backend 'auto' chooses (the default): fmod_ret when the kernel has
# BTF for every function of the run, and it injects; kprobe with --stack,
# and when a chain function has no BTF, where --backend fmod_ret is refused
# saying why.
#
#   auto.sh KFAULT MOUNT-OBJECT NO-BTF-OBJECT VICTIM
set -euo pipefail
KFAULT=$1 obj=$2 nobtf=$3 victim=$4
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"

[ -e /sys/kernel/btf/vmlinux ] && grep -qw bpf_override_return /proc/kallsyms ||
	{ echo "FAILED: this test wants a kernel with BTF and bpf_override_return"; exit 1; }

echo "no --backend, every function with BTF: fmod_ret"
start_kfault "$KFAULT_OUT/kfault.log" --json "$obj"
grep -q "(fmod_ret backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not fmod_ret"; exit 1; }
expect_mount_loop_armed "$victim" "$mnt"
stop_kfault
expect_mount_loop_after "$victim" "$mnt"

echo "no --backend, with --stack: kprobe (a trampoline's stacks name the function twice)"
start_kfault "$KFAULT_OUT/kfault.log" --log --stack --duration 1s "$obj"
grep -q "(kprobe backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not kprobe"; exit 1; }
wait_kfault

echo "no --backend, a chain function without BTF: kprobe"
start_kfault "$KFAULT_OUT/kfault.log" --duration 1s "$nobtf"
grep -q "(kprobe backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not kprobe"; exit 1; }
wait_kfault

echo "--backend fmod_ret, the same: refused"
status=0
"$KFAULT" run --backend fmod_ret "$nobtf" >"$KFAULT_OUT/out" 2>&1 || status=$?
cat "$KFAULT_OUT/out"
[ "$status" = 4 ] || { echo "FAILED: exit status $status, wanted 4"; exit 1; }
grep -q "no-btf-frame.fault:6: '__x64_sys_sync' has no BTF (inlined, or an alias?), so fentry cannot attach to it; use --backend kprobe" \
	"$KFAULT_OUT/out" || { echo "FAILED: not the message wanted"; exit 1; }
