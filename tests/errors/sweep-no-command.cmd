# no command to sweep
want=2
args=(sweep examples/mount.fault)
