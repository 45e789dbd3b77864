#!/usr/bin/env bash
# kfault set-up, the first of the README's two commands. On a fresh Debian 12
# machine it:
#   1. installs every package kfault needs (scripts/install-deps.sh);
#   2. configures and builds kfault into build/;
#   3. builds the test kernel, or reuses the cached one (tests/vm/build-kernel;
#      about 20-30 minutes on 2 cores the first time, instant afterwards);
#   4. runs the main job: compiles examples/mount.fault to BPF C and a BPF
#      object, then boots the test kernel in qemu and injects a slab failure
#      into a mount(2) loop there (this machine's own kernel cannot inject).
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
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"

step "building (or reusing) the test kernel"
kdir=$(tests/vm/build-kernel | tail -n1)
echo "test kernel: $kdir"

step "compiling examples/mount.fault"
out=$build/example
mkdir -p "$out"
"$build/compiler/kfault" check examples/mount.fault
"$build/compiler/kfault" gen examples/mount.fault -o "$out/mount.bpf.c"
"$build/compiler/kfault" templates "$out"
bpftool btf dump file "$kdir/vmlinux" format c >"$out/vmlinux.h"
clang-19 -target bpf -D__TARGET_ARCH_x86 -O2 -g -mcpu=v3 -I "$out" \
	-c "$out/mount.bpf.c" -o "$out/mount.bpf.o"
echo "generated C: $out/mount.bpf.c"
echo "BPF object:  $out/mount.bpf.o ($(stat -c %s "$out/mount.bpf.o") bytes)"

step "injecting in the test VM: a mount(2) loop fails with ENOMEM while the probe is attached"
ctest --test-dir "$build" -R '^vm\.bpf-override$' --output-on-failure

printf '\nkfault is built: %s/compiler/kfault. Run the tests with scripts/test.sh.\n' "$build"
