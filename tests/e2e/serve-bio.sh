#!/bin/bash
# kfault serve (issue 20, test 2): FailMMOrBIO with a BIO callchain, headers
# and a site predicate (a nameless last frame), as KernelChaos writes one:
# O_DIRECT writes (pwrite(2)) to /dev/ram0 from the container fail with EIO,
# at most `times` of them; to /dev/ram1 they do not, nor from another cgroup.
# Then with probability 50% and no times: some of 40 writes fail, not all.
#
#   serve-bio.sh KFAULT CLIENT STUBS VICTIM
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 victim=$4
. "$(dirname "$0")/lib.sh"
trap serve_cleanup EXIT
[ -b /dev/ram0 ] && [ -b /dev/ram1 ] || { echo "FAILED: no /dev/ram0 and /dev/ram1"; exit 1; }
cga=/sys/fs/cgroup/kf-serve-bio cgo=/sys/fs/cgroup/kf-serve-bio-other
mkdir -p "$cga" "$cgo"
start_container "$cga"
pid_a=$container_pid
# /dev/ram0 is MKDEV(1, 0): 1 << 20
chain='"callchain": [{"funcname": "__x64_sys_pwrite64"},
	{"predicate": "bio->bi_bdev->bd_dev == (1 << 20)"}]'

start_serve "$KFAULT_OUT/serve.log"
expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, \"ftype\": \"BIO\", \"headers\": [\"linux/blkdev.h\"],
	$chain, \"probability\": 1, \"times\": 2}"
echo "container, /dev/ram0 (times 2):"
out=$(in_cgroup "$cga" "$victim" direct 3 /dev/ram0)
expect_result EIO 2 "$out"
expect_result ok 1 "$out"
echo "container, /dev/ram0, times used up:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" direct 3 /dev/ram0)"
echo "container, /dev/ram1:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" direct 3 /dev/ram1)"
echo "other cgroup, /dev/ram0:"
expect_result ok 3 "$(in_cgroup "$cgo" "$victim" direct 3 /dev/ram0)"
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, $chain}"

expect_bpfki OK FailMMOrBIO "{\"pid\": $pid_a, \"ftype\": \"BIO\", \"headers\": [\"linux/blkdev.h\"],
	$chain, \"probability\": 0.5}"
out=$(in_cgroup "$cga" "$victim" direct 40 /dev/ram0)
echo "$out" | sed 's/^/  /'
failed=$(sed -n 's/^EIO //p' <<<"$out")
echo "probability 50%: ${failed:-0} of 40 writes failed"
[ "${failed:-0}" -ge 5 ] && [ "${failed:-0}" -le 35 ] || { echo "FAILED: not about half"; exit 1; }
expect_bpfki OK RecoverMMOrBIO "{\"pid\": $pid_a, $chain}"
echo "recovered:"
expect_result ok 3 "$(in_cgroup "$cga" "$victim" direct 3 /dev/ram0)"

kill -TERM "$serve_pid"
wait "$serve_pid"
serve_cleanup
wait "$pid_a" 2>/dev/null || true
cat "$KFAULT_OUT/serve.log"
no_programs_left
rmdir "$cga" "$cgo"
