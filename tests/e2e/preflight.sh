#!/bin/bash
# Preflight: each problem stops kfault before anything is loaded, with one
# line saying what is wrong, and exit status 4: a chain function that does
# not exist (with the name it probably meant), a function that cannot be
# failed, a value its error-injection type does not allow, and a user
# without the privileges; with a problem in each of two injections, the
# first one's.
#
#   preflight.sh KFAULT TYPO-OBJECT NOT-INJECTABLE-OBJECT GOOD-OBJECT RETURNS-TYPE-OBJECT TWO-PROBLEMS-OBJECT
set -euo pipefail
KFAULT=$1 typo=$2 nope=$3 good=$4 type=$5 two=$6

expect_refusal() { # PATTERN CMD...: CMD exits 4 and says PATTERN
	local pattern=$1 status=0
	shift
	"$@" >"$KFAULT_OUT/out" 2>&1 || status=$?
	cat "$KFAULT_OUT/out"
	[ "$status" = 4 ] || { echo "FAILED: exit status $status, wanted 4"; exit 1; }
	grep -q -- "$pattern" "$KFAULT_OUT/out" || { echo "FAILED: no '$pattern'"; exit 1; }
}

expect_refusal "typo.fault:3: 'SyS_mount' is not a function of this kernel; did you mean '__x64_sys_mount'?" \
	"$KFAULT" run "$typo"
expect_refusal "not-injectable.fault:2: 'vfs_read' cannot be failed: it is not in the kernel's error-injection list" \
	"$KFAULT" run "$nope"
expect_refusal "returns-type.fault:3: 'should_failslab' cannot fail with 0: its error-injection type is ERRNO" \
	"$KFAULT" run "$type"
expect_refusal "two-problems.fault:4: 'vfs_read' cannot be failed" "$KFAULT" run "$two"
# The unprivileged user must be able to read the object (a tree under
# /root is not): give it a copy on the guest's tmpfs.
cp "$good" /tmp/preflight.bpf.o
chmod 644 /tmp/preflight.bpf.o
expect_refusal "kfault needs root, or CAP_BPF with CAP_PERFMON" \
	setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$KFAULT" run /tmp/preflight.bpf.o
