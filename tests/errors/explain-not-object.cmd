# an ELF file that is no kfault object
want=3
args=(explain /bin/true)
