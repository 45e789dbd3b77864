# a file with errors: reported, and the command never runs (exit 1)
want=1
args=(sweep --btf "$KFAULT_BTF" tests/errors/nth-bad.fault -- sh -c 'echo ran >&2')
