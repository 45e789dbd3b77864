# --btf given a text file: what it is and what --btf takes; no libbpf line, no errno number
want=3
args=(build --btf /etc/passwd examples/bio.fault -o /dev/null)
