#!/bin/bash
# kfault serve (issue 20, test 7): with injections armed for a container,
# SIGTERM detaches everything and the daemon exits 0; SIGKILL leaves
# nothing attached either (links belong to the process). Either way the
# container's mounts succeed again and no kfault program is left.
#
#   serve-signals.sh KFAULT CLIENT STUBS VICTIM
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 victim=$4
. "$(dirname "$0")/lib.sh"
trap serve_cleanup EXIT
mnt=/tmp/mnt
cga=/sys/fs/cgroup/kf-serve-sig
mkdir -p "$mnt" "$cga"
start_container "$cga"
pid_a=$container_pid
mount_chain='"ftype": "SLAB", "callchain": [{"funcname": "__x64_sys_mount"}]'

for sig in TERM KILL; do
	echo "== SIG$sig"
	start_serve "$KFAULT_OUT/serve-$sig.log"
	expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, $mount_chain}"
	expect_bpfki OK FailSyscall "{\"pid\": $pid_a, \"methods\": [\"umask\"], \"err\": 1}"
	echo "container, armed:"
	expect_result ENOMEM 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
	expect_result EPERM 3 "$(in_cgroup "$cga" "$victim" umask 3)"
	echo "kfault programs: $(kf_programs)"
	kill -$sig "$serve_pid"
	status=0
	wait "$serve_pid" || status=$?
	cat "$KFAULT_OUT/serve-$sig.log"
	if [ $sig = TERM ]; then
		[ "$status" = 0 ] || { echo "FAILED: exit status $status after SIGTERM"; exit 1; }
		grep -q '^kfault serve: detached 2 injections (2 targets); exiting$' "$KFAULT_OUT/serve-$sig.log" ||
			{ echo "FAILED: it does not say it detached both"; exit 1; }
	else
		[ "$status" = 137 ] || { echo "FAILED: exit status $status after SIGKILL"; exit 1; }
	fi
	no_programs_left
	echo "container, after SIG$sig:"
	expect_result ok 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
	expect_result ok 3 "$(in_cgroup "$cga" "$victim" umask 3)"
done
serve_cleanup
wait "$pid_a" 2>/dev/null || true
rmdir "$cga"
