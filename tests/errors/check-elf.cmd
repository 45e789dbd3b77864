# an ELF file where source is wanted: one error in words, no bytes of it shown
want=1
args=(check /bin/true)
