# --btf given an ELF file without .BTF (a program)
want=3
args=(check --btf /bin/true examples/bio.fault)
