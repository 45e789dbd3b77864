# --errno says what the error-injection list's ERRNO functions fail with: not for the file's own sites
want=2
args=(sweep --errno EIO examples/mount.fault -- true)
