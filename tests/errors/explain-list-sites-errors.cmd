# kfault run --list-sites: the same diagnostics, nothing loaded
want=1
args=(run --list-sites --comm x tests/errors/duplicate-times.fault)
