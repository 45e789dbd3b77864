#!/usr/bin/env bash
# kfault set-up, the first of the README's two commands. On a fresh Debian 12
# machine it:
#   1. installs every package kfault needs (scripts/install-deps.sh);
#   2. configures and builds kfault into build/;
#   3. builds the test kernel, or reuses the cached one (tests/vm/build-kernel;
#      5 to 13 minutes on 2 cores the first time, instant afterwards);
#   4. runs the main job: compiles examples/mount.fault to BPF C and to a
#      CO-RE BPF object, then 'kfault run --vm examples/mount.fault --
#      examples/mount-loop 3': the test kernel boots in qemu and the mount
#      loop fails with ENOMEM there (this machine's own kernel cannot
#      inject; with one that can, 'sudo kfault run' runs it here).
# It works from a clone anywhere, /tmp included (the VM shares what its own
# /tmp would hide).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${KFAULT_BUILD_DIR:-$src/build}
cd "$src"

step() { printf '\n==> %s\n' "$*"; }

step "installing packages"
if [ "$(id -u)" -eq 0 ]; then
	scripts/install-deps.sh
else
	sudo scripts/install-deps.sh
fi

step "building kfault in $build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKFAULT_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

step "building (or reusing) the test kernel"
kdir=$(tests/vm/build-kernel | tail -n1)
echo "test kernel: $kdir"

step "compiling examples/mount.fault"
out=$build/example
mkdir -p "$out"
"$build/cli/kfault" check examples/mount.fault
"$build/cli/kfault" gen examples/mount.fault -o "$out/mount.bpf.c"
"$build/cli/kfault" build --btf "$kdir/vmlinux" examples/mount.fault -o "$out/mount.bpf.o"
echo "generated C: $out/mount.bpf.c"
echo "BPF object:  $out/mount.bpf.o ($(stat -c %s "$out/mount.bpf.o") bytes)"

step "the main job: kfault run --vm examples/mount.fault -- examples/mount-loop"
# The README's first example: a mount(2) loop under the injection, in the
# test VM (this machine's own kernel cannot inject); every mount fails with
# ENOMEM, and the loop's status (the number that failed) comes back.
status=0
"$build/cli/kfault" run --vm examples/mount.fault -- examples/mount-loop 3 || status=$?
if [ "$status" != 3 ]; then
	echo "setup: the example ended with status $status, not 3 (three failed mounts); see above" >&2
	exit 1
fi
printf '\nkfault is built: %s/cli/kfault. Run the tests with scripts/test.sh.\n' "$build"
