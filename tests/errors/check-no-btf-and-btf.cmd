# check reads kernel BTF, or with --no-btf none: not both
want=2
args=(check --no-btf --btf vmlinux examples/mount.fault)
