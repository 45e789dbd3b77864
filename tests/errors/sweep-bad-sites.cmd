# --sites takes file or errinj
want=2
args=(sweep --sites functions examples/mount.fault -- true)
