#!/bin/bash
# bcc inject.py's command line, run by 'kfault inject': the spec is
# compiled inside the guest against its kernel's BTF, -v prints the
# generated C first (as inject.py does), and with --comm only the mount
# loop sees its mounts fail with ENOMEM, a bystander mounting the same way
# is unaffected; once kfault is stopped, mounts succeed again.
#
#   inject.sh KFAULT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 victim=$2 backend=$3
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"
ARM_TIMEOUT=300	# the compile runs under emulation

echo "before kfault:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 "$mnt")"

# --duration bounds the run should the test die; it is stopped before that
KFAULT_CMD=inject start_kfault "$KFAULT_OUT/kfault.log" -v kmalloc '__x64_sys_mount()' \
	--comm mount-loop --duration 20m --backend "$backend" --json
expect_backend "$backend"
grep -q '^SEC("kprobe/__x64_sys_mount")' "$KFAULT_OUT/stdout" ||
	{ echo "FAILED: -v did not print the generated C"; exit 1; }
grep -qF '.comm = "mount-loop",' "$KFAULT_OUT/stdout" ||
	{ echo "FAILED: the generated C does not hold the target"; exit 1; }

expect_mount_loop_armed "$victim" "$mnt"

stop_kfault >/dev/null	# its stdout is the generated C, then the summary
tail -n 1 "$KFAULT_OUT/stdout"
expect_mount_loop_after "$victim" "$mnt"
