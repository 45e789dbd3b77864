# kfault vm build NAME: a name that is not in the kernel table
want=3
args=(vm build 5.10)
