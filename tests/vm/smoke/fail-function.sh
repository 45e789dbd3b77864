#!/bin/bash
# VM smoke test: the kernel's own fail_function, limited to one process by
# task-filter and /proc/self/make-it-fail, makes that process's tmpfs mount
# fail with ENOMEM (by failing should_failslab), leaves other processes
# alone, and stops when disarmed.
#
#   fail-function.sh MOUNT-VICTIM
set -euo pipefail

victim=$1
ff=/sys/kernel/debug/fail_function
mnt=/tmp/fail-function-mnt
mkdir -p "$mnt"

expect() { # WANT MODE: run the victim 3 times, every attempt must say WANT
	local out
	out=$("$victim" "$2" "$mnt" 3)
	echo "$out" | sed "s/^/  [$2] /"
	if [ "$(echo "$out" | grep -c ": $1\$")" != 3 ]; then
		echo "FAILED: wanted 3 x '$1' with mode $2"
		exit 1
	fi
}

echo "before arming:"
expect ok make-it-fail

echo should_failslab >"$ff/inject"
printf '%#x' -12 >"$ff/should_failslab/retval"
echo Y >"$ff/task-filter"
echo 100 >"$ff/probability"
echo 1 >"$ff/interval"
echo -1 >"$ff/times"
echo 1 >"$ff/verbose"
echo "armed: $(cat "$ff/inject")"
expect ENOMEM make-it-fail
echo "armed, but the process is not marked make-it-fail:"
expect ok plain

echo >"$ff/inject"
echo "disarmed:"
expect ok make-it-fail
