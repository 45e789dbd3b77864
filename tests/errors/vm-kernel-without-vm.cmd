# --vm-kernel says which kernel --vm boots: alone it is a usage error
want=2
args=(sweep --vm-kernel 6.1 examples/mount.fault -- true)
