# --check writes nothing, -w writes: not both
want=2
args=(fmt --check -w examples/mount.fault)
