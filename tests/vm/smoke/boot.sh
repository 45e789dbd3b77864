#!/bin/bash
# VM smoke test: the guest boots the test kernel and is set up as documented
# in tests/vm/README.md: host root read-only over 9p, the pseudo file systems
# and tmpfs mounted, host binaries (dynamically linked, python3 too) run, and
# a file written to $KFAULT_OUT comes back to the host (checked there).
set -euo pipefail

echo "kernel $(uname -r), $(nproc) CPU(s), $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
[ "${KFAULT_VM:-}" = 1 ] || { echo "KFAULT_VM is not 1"; exit 1; }
grep -q 'kfault.driver=' /proc/cmdline || { echo "not booted by tests/vm/run"; exit 1; }
[ -x "$KFAULT_SRC/tests/vm/run" ] || { echo "KFAULT_SRC='$KFAULT_SRC' is not the source tree"; exit 1; }
[ -d "${KFAULT_BUILD:?}" ] || { echo "KFAULT_BUILD='$KFAULT_BUILD' is not a directory"; exit 1; }
[ "$PWD" = "$KFAULT_OUT" ] || { echo "working directory $PWD, not \$KFAULT_OUT"; exit 1; }
echo "KFAULT_SRC=$KFAULT_SRC KFAULT_BUILD=$KFAULT_BUILD"

want() { # MOUNTPOINT FSTYPE
	local got
	got=$(findmnt -n -o FSTYPE --mountpoint "$1" | tail -n1)
	[ "$got" = "$2" ] || { echo "$1: file system '$got', want '$2'"; exit 1; }
	echo "$1: $2"
}
want / 9p
want /proc proc
want /sys sysfs
want /dev devtmpfs
want /sys/kernel/debug debugfs
want /sys/kernel/tracing tracefs
want /sys/fs/cgroup cgroup2
want /tmp tmpfs
got=$(findmnt -n -o FSTYPE --target "$KFAULT_OUT")
[ "$got" = 9p ] || { echo "\$KFAULT_OUT is on '$got', want 9p"; exit 1; }
echo "\$KFAULT_OUT: 9p"

findmnt -n -o OPTIONS --mountpoint / | grep -qw ro || { echo "/ is not read-only"; exit 1; }
if touch /usr/kfault-vm-write-probe 2>/dev/null; then
	echo "could write to the host's /usr"
	exit 1
fi
echo ok >/tmp/probe && [ "$(cat /tmp/probe)" = ok ]
python3 -c 'import sys; print("python", sys.version.split()[0])'
echo "hello from the guest, $(uname -r)" >"$KFAULT_OUT/hello.txt"
