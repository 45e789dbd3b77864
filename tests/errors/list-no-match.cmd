# kfault list exits 1 when no function matches, and says so
want=1
. tests/errors/test-btf
args=(list --btf "$KFAULT_BTF" --injectable 'vfs_read*')
