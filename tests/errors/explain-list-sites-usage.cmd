# --list-sites with the options of run that do not parse: run's usage errors
want=2
args=(run --list-sites --children examples/mount.fault)
