# --errno takes an errno name or number
want=2
args=(sweep --sites errinj --errno ENOMEN examples/mount.fault -- true)
