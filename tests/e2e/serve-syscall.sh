#!/bin/bash
# kfault serve (issue 20, test 8): FailSyscall for mount with err 5: the
# container's mount(2) fails with EIO (bpfki's FailSyscall did nothing),
# another cgroup's does not; RecoverSyscall: it mounts again. With
# probability 0.5: some of 40 mounts fail, not all.
#
#   serve-syscall.sh KFAULT CLIENT STUBS VICTIM
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 victim=$4
. "$(dirname "$0")/lib.sh"
trap serve_cleanup EXIT
mnt=/tmp/mnt
cga=/sys/fs/cgroup/kf-serve-sys cgo=/sys/fs/cgroup/kf-serve-sys-other
mkdir -p "$mnt" "$cga" "$cgo"
start_container "$cga"
pid_a=$container_pid

start_serve "$KFAULT_OUT/serve.log"
expect_bpfki OK FailSyscall "{\"pid\": $pid_a, \"methods\": [\"mount\"], \"err\": 5}"
echo "container:"
expect_result EIO 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"
echo "other cgroup:"
expect_result ok 3 "$(in_cgroup "$cgo" "$victim" mount 3 "$mnt")"
expect_bpfki OK RecoverSyscall "{\"pid\": $pid_a, \"methods\": [\"mount\"], \"err\": 5}"
echo "container, recovered:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" mount 3 "$mnt")"

expect_bpfki OK FailSyscall "{\"pid\": $pid_a, \"methods\": [\"mount\"], \"err\": 5, \"probability\": 0.5}"
out=$(in_cgroup "$cga" "$victim" mount 40 "$mnt")
echo "$out" | sed 's/^/  /'
failed=$(sed -n 's/^EIO //p' <<<"$out")
echo "probability 50%: ${failed:-0} of 40 mounts failed"
[ "${failed:-0}" -ge 5 ] && [ "${failed:-0}" -le 35 ] || { echo "FAILED: not about half"; exit 1; }
expect_bpfki OK RecoverSyscall "{\"pid\": $pid_a, \"methods\": [\"mount\"]}"

kill -TERM "$serve_pid"
wait "$serve_pid"
serve_cleanup
wait "$pid_a" 2>/dev/null || true
cat "$KFAULT_OUT/serve.log"
no_programs_left
rmdir "$cga" "$cgo"
