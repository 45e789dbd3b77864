# --timeout is a duration
want=2
args=(sweep --timeout soon examples/mount.fault -- true)
