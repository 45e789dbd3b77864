# kfault list takes one GLOB at most
want=2
args=(list 'ext4_*' 'vfs_*')
