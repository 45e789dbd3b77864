# one FILE
want=2
args=(explain examples/mount.fault examples/bananas.fault)
