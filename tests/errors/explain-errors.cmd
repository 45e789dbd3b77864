# kfault explain of a file with errors: kfault check's diagnostics and exit status
want=1
args=(explain tests/errors/dot-on-pointer.fault)
