# the same for KernelChaos YAML, as JSON was asked for: nothing on stdout
want=1
args=(explain --json tests/errors/kc-bad-failtype.yaml)
