# --vm-kernel DIR: a directory without a kernel's bzImage and vmlinux
want=3
args=(run --vm --vm-kernel tests/errors examples/mount.fault -- true)
