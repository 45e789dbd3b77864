#!/bin/bash
# VM smoke test: the test kernel exposes its BTF at /sys/kernel/btf/vmlinux,
# and the host's bpftool reads it (task_struct is there).
set -euo pipefail

btf=/sys/kernel/btf/vmlinux
[ -s "$btf" ] || { echo "$btf missing or empty"; exit 1; }
echo "$btf: $(stat -c %s "$btf") bytes"
bpftool btf dump file "$btf" >/tmp/btf.txt
echo "$(wc -l </tmp/btf.txt) lines of bpftool btf dump"
grep "STRUCT 'task_struct'" /tmp/btf.txt
