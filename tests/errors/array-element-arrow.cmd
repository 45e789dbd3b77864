# '->' on an array element that is a structure: the element named as written
want=1
args=(check --btf "${KFAULT_BTF:-/sys/kernel/btf/vmlinux}" tests/errors/btf/array-element-arrow.fault)
