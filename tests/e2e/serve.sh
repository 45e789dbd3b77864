#!/bin/bash
# kfault serve (issue 20), as Chaos Mesh's KernelChaos controller drives it:
# the seed KernelChaos example's fields (SLAB, callchain __x64_sys_mount)
# for a "container" (a cgroup) through FailMMOrBIO and RecoverMMOrBIO.
#  (1) the container's mounts fail with ENOMEM, a bystander's in another
#      cgroup and on the host do not; recovered, they succeed;
#  (3) two containers, the same callchain: one object (the second request
#      loads nothing: the number of kfault programs stays), two targets;
#      recover one, the other still fails; recover it, nothing is left;
#  (4) a bad predicate: INVALID_ARGUMENT with the located message, and the
#      daemon keeps serving;
#  (5) a recover of a callchain that is not armed: OK; of an armed one for a
#      pid it does not target: INTERNAL "Error removing value: No such file
#      or directory", as bpfki answers.
#
#   serve.sh KFAULT CLIENT STUBS VICTIM
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 victim=$4
. "$(dirname "$0")/lib.sh"
trap serve_cleanup EXIT
mnt=/tmp/mnt
cga=/sys/fs/cgroup/kf-serve-a cgb=/sys/fs/cgroup/kf-serve-b cgo=/sys/fs/cgroup/kf-serve-other
mkdir -p "$mnt" "$cga" "$cgb" "$cgo"

# The containers' main processes (what the controller asks chaos-daemon for).
start_container "$cga"
pid_a=$container_pid
start_container "$cgb"
pid_b=$container_pid
mount_chain='"ftype": "SLAB", "callchain": [{"funcname": "__x64_sys_mount"}]'
before=$(kf_programs)

start_serve "$KFAULT_OUT/serve.log"
echo "health: $("$CLIENT" "$STUBS" "$SERVE_ADDR" health)"
[ "$("$CLIENT" "$STUBS" "$SERVE_ADDR" health bpfki.BPFKIService)" = SERVING ] ||
	{ echo "FAILED: bpfki.BPFKIService is not SERVING"; exit 1; }

echo "== (1) FailMMOrBIO for container a"
expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, $mount_chain}"
one=$(kf_programs)
echo "in container a:"
expect_result ENOMEM 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
echo "in another cgroup:"
expect_result ok 3 "$(in_cgroup "$cgo" "$victim" mount 3 "$mnt")"
echo "on the host (root cgroup):"
expect_result ok 3 "$("$victim" mount 3 "$mnt")"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]}"
echo "container a, recovered:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
[ "$(kf_programs)" = "$before" ] || { echo "FAILED: programs left after the last recover"; exit 1; }

echo "== (3) two containers, one callchain"
expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, $mount_chain}"
expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_b, $mount_chain}"
echo "kfault programs: $before before, $one with one container, $(kf_programs) with two"
[ "$(kf_programs)" = "$one" ] || { echo "FAILED: the second container loaded programs"; exit 1; }
grep -q "FailMMOrBIO pid $pid_b: .*(loaded): OK" "$KFAULT_OUT/serve.log" ||
	{ echo "FAILED: the log does not say the second request reused the object"; exit 1; }
echo "container a:"
expect_result ENOMEM 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
echo "container b:"
expect_result ENOMEM 3 "$(in_cgroup "$cgb" "$victim" mount 3 "$mnt")"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]}"
echo "container a, recovered:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
echo "container b, still failing:"
expect_result ENOMEM 3 "$(in_cgroup "$cgb" "$victim" mount 3 "$mnt")"

echo "== (5) recovers bpfki answers"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, \"callchain\": [{\"funcname\": \"__x64_sys_umount\"}]}"
expect_bpfki INTERNAL RecoverMMOrBIO "{\"pid\": $pid_a, \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]}"
[ "$msg" = "Error removing value: No such file or directory" ] || { echo "FAILED: message '$msg'"; exit 1; }
echo "container b, still failing:"
expect_result ENOMEM 3 "$(in_cgroup "$cgb" "$victim" mount 3 "$mnt")"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_b, \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]}"
echo "container b, recovered:"
expect_result ok 3 "$(in_cgroup "$cgb" "$victim" mount 3 "$mnt")"
[ "$(kf_programs)" = "$before" ] || { echo "FAILED: programs left after the last recover"; exit 1; }

echo "== (4) a bad predicate"
expect_bpfki INVALID_ARGUMENT FailMMOrBIO "{\"pid\": $pid_a, \"ftype\": \"SLAB\", \"callchain\": [
	{\"funcname\": \"d_alloc_parallel\", \"parameters\": \"struct dentry *parent, const struct qstr *name\",
	 \"predicate\": \"STRNCMP(nmae->name, \\\"bananas\\\", 8)\"}]}"
grep -qE "^FailKernRequest.yaml:[0-9]+:[0-9]+: error: .*'nmae'" <<<"$msg" ||
	{ echo "FAILED: not a located error about 'nmae'"; exit 1; }
grep -q "hint: did you mean 'name'" <<<"$msg" || { echo "FAILED: no hint"; exit 1; }
echo "still serving: $("$CLIENT" "$STUBS" "$SERVE_ADDR" health)"
expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, $mount_chain}"
expect_result ENOMEM 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]}"

kill -TERM "$serve_pid"
status=0
wait "$serve_pid" || status=$?
serve_cleanup
wait "$pid_a" "$pid_b" 2>/dev/null || true
cat "$KFAULT_OUT/serve.log"
[ "$status" = 0 ] || { echo "FAILED: kfault serve exited $status"; exit 1; }
[ "$(grep -c '^kfault serve: [A-Za-z]* pid ' "$KFAULT_OUT/serve.log")" = 11 ] ||
	{ echo "FAILED: not one log line per request (11)"; exit 1; }
no_programs_left
rmdir "$cga" "$cgb" "$cgo"
