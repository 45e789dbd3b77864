#!/bin/bash
# VM smoke test: a BPF kprobe on should_failslab that calls
# bpf_override_return, filtered by comm (failslab.bpf.c, loaded by
# failslab-loader), makes the victim's tmpfs mount fail with ENOMEM while
# attached, spares a task with another comm, and stops once detached.
#
#   bpf-override.sh LOADER BPF-OBJECT MOUNT-VICTIM
set -euo pipefail

loader=$1 obj=$2 victim=$3
mnt=/tmp/bpf-override-mnt
mkdir -p "$mnt"

check() { # WANT OUTPUT: all 3 attempts in OUTPUT must say WANT
	echo "$2" | sed 's/^/  /'
	if [ "$(echo "$2" | grep -c "^mount [0-9]: $1\$")" != 3 ]; then
		echo "FAILED: wanted 3 x '$1'"
		exit 1
	fi
}

echo "before attaching:"
check ok "$("$victim" comm:kfault-victim "$mnt" 3)"

echo "attached, victim comm kfault-victim:"
out=$("$loader" "$obj" kfault-victim "$victim" comm:kfault-victim "$mnt" 3)
check ENOMEM "$out"
echo "$out" | grep -q '^detached: [1-9][0-9]* allocations failed$' ||
	{ echo "FAILED: the loader did not count the failed allocations"; exit 1; }

echo "attached, another comm:"
out=$("$loader" "$obj" kfault-victim "$victim" comm:bystander "$mnt" 3)
check ok "$out"
echo "$out" | grep -q '^detached: 0 allocations failed$' ||
	{ echo "FAILED: the program failed allocations of another comm"; exit 1; }

echo "after detaching:"
check ok "$("$victim" comm:kfault-victim "$mnt" 3)"
