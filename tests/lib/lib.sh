# Shared by the install tests (sourced). Sets $btf: the test kernel's BTF
# ($KFAULT_BTF, else tests/vm/build-kernel's vmlinux), never the host's.
btf=${KFAULT_BTF:-}
if [ -z "$btf" ]; then
	kdir=$("$(dirname "${BASH_SOURCE[0]}")/../vm/build-kernel" "${KFAULT_VM_KERNEL_VERSION:-6.12}" | tail -n1)
	btf=$kdir/vmlinux
fi

fail() {
	echo "FAILED: $*"
	exit 1
}

# is_bpf_object FILE: an ELF object for the BPF machine.
is_bpf_object() {
	[ -s "$1" ] || fail "$1 missing or empty"
	local h
	h=$(readelf -h "$1")
	grep -q 'Machine: *Linux BPF' <<<"$h" || fail "$1 is not a BPF object"
}

# mtime FILE: modification time in nanoseconds.
mtime() {
	stat -c %.9Y "$1"
}
