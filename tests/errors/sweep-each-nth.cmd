# an N-th decision happens once per run: --each always needs --by stack
want=2
args=(sweep --by nth --each always examples/mount.fault -- true)
