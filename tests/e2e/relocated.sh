#!/bin/bash
# In the guest, a kfault whose source and build trees the guest cannot see
# (issue 24): the trees are hidden in a mount namespace of this scenario's
# own (an empty tmpfs over each), and the kfault run comes from a copy of
# the installed prefix elsewhere. 'kfault run FILE.fault' and 'kfault
# inject' compile in the guest, without any file of those trees, and inject.
#
#   relocated.sh KFAULT VICTIM BACKEND SOURCE-DIR BUILD-DIR FAULT-FILE
set -euo pipefail
KFAULT=$1 victim=$2 backend=$3 src=$4 build=$5 fault=$6
if [ "${KF_TREES_HIDDEN:-}" != 1 ]; then
	exec env KF_TREES_HIDDEN=1 unshare -m bash -c '
		set -e
		mount --make-rprivate /
		mount -t tmpfs -o ro,size=4k kfault-hidden "$4"
		mount -t tmpfs -o ro,size=4k kfault-hidden "$5" 2>/dev/null || true	# inside the source tree
		exec "$0" "$@"' "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
[ -z "$(ls -A "$src")" ] || { echo "FAILED: $src is still visible"; exit 1; }
[ ! -e "$build/compiler" ] || { echo "FAILED: $build is still visible"; exit 1; }
echo "kfault: $KFAULT; $src and $build hidden"
mnt=/tmp/mnt
mkdir -p "$mnt"
ARM_TIMEOUT=300	# the compiles run under emulation

echo "== kfault run $(basename "$fault")"
start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json --comm mount-loop "$fault"
expect_backend "$backend"
expect_mount_loop_armed "$victim" "$mnt"
stop_kfault
expect_mount_loop_after "$victim" "$mnt"

echo "== kfault inject kmalloc '__x64_sys_mount()'"
KFAULT_CMD=inject start_kfault "$KFAULT_OUT/kfault.log" kmalloc '__x64_sys_mount()' \
	--comm mount-loop --duration 20m --backend "$backend" --json
expect_mount_loop_armed "$victim" "$mnt"
stop_kfault
expect_mount_loop_after "$victim" "$mnt"
