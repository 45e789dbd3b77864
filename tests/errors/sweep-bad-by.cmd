# --by takes stack or nth
want=2
args=(sweep --by calls examples/mount.fault -- true)
