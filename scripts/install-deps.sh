#!/usr/bin/env bash
# Installs every Debian package kfault needs to build, test and run its VM tests
# on a fresh Debian 12 (bookworm) machine. Safe to run again; needs root.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config flex bison git
	# in-process compiler: LLVM/Clang 19 and its C++ API
	llvm-19-dev libclang-19-dev libclang-cpp19-dev clang-19 libzstd-dev
	# lld lays out kfault's code (compiler/CMakeLists.txt); valgrind finds
	# what to lay out (scripts/gen-symbol-order.sh)
	lld-19 valgrind
	# fuzzing (tests/fuzz): libFuzzer and the sanitizer runtimes for clang-19
	libclang-rt-19-dev
	# BPF object handling and runtime
	libbpf-dev bpftool libelf-dev zlib1g-dev
	# compatibility front ends and unit tests
	libyaml-dev libcmocka-dev
	# diagnostics as JSON and SARIF (--diagnostics-format), the language server's
	# JSON-RPC (kfault lsp); Neovim to test the server as an editor drives it
	libjson-c-dev neovim
	# kfault serve (bpfki's gRPC protocol): libgrpc++ and the code generators;
	# its tests' client: Python gRPC, stubs generated at test time
	libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-grpc-tools
	# VM test harness: emulator, guest userspace, kernel build
	qemu-system-x86 busybox-static cpio bc libssl-dev dwarves xz-utils
	kmod python3
	# docs tests: man pages rendered (man, groff), dependency files read by ninja
	man-db groff-base ninja-build
	# editor support tests (tests/editors): Vim for the syntax file; Node.js
	# for the tree-sitter grammar ('tree-sitter generate' runs grammar.js)
	vim
)
# Node.js: Debian's unless a node is installed already.
command -v node >/dev/null || packages+=(nodejs)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
else
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# tree-sitter-cli for the grammar's test: Debian 13's, unpacked into kfault's
# cache with its C library (scripts/install-tree-sitter says why); run as the
# user who runs the tests, not through sudo.
if ts=$("$(dirname "$0")/install-tree-sitter"); then
	echo "install-deps: tree-sitter-cli at $ts"
else
	echo "install-deps: WARNING: could not install tree-sitter-cli" \
		"(scripts/install-tree-sitter): the test editors.tree-sitter will fail" >&2
fi
