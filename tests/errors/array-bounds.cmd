# a constant index past the end of an array, or negative; in bounds is fine
want=1
args=(check --btf "${KFAULT_BTF:-/sys/kernel/btf/vmlinux}" tests/errors/btf/array-bounds.fault)
