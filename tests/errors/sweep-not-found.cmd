# a command that is not found: 127 before anything is compiled or loaded
want=127
args=(sweep --btf "$KFAULT_BTF" examples/mount.fault -- kfault-no-such-command)
