#!/usr/bin/env bash
# Runs the whole kfault test suite, the second of the README's two commands:
# unit, golden, error and VM tests (ctest labels unit, golden, errors, vm).
# Builds kfault and the test kernel first if needed (the kernel is cached
# outside the work tree, so only the first run on a machine pays for it).
#
#   scripts/test.sh [ctest arguments...]     e.g. scripts/test.sh -L golden
#                                            (none: every test but the kernel matrix
#                                            and tree-sitter-cli's)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${KFAULT_BUILD_DIR:-$src/build}
cd "$src"

# KFAULT_INSTALL_STATIC: the install tests build the examples against
# libkfault.a too.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKFAULT_WERROR=ON \
	-DKFAULT_INSTALL_STATIC=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

# The golden compile checks and the VM tests use the test kernel's BTF.
kdir=$(tests/vm/build-kernel | tail -n1)
export KFAULT_BTF=$kdir/vmlinux

# The kernel matrix (label matrix: four more kernels, 5 to 13 minutes each
# to build on 2 cores the first time) runs when asked for, e.g.
# 'scripts/test.sh -L matrix'; docs/testing.md says why it is not in the
# default run.
if [ $# -eq 0 ]; then
	set -- -LE matrix
fi
ctest --test-dir "$build" --output-on-failure -j2 "$@"
