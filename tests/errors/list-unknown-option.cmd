# kfault list's options are its own
want=2
args=(list --emit c 'ext4_*')
