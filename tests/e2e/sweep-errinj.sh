#!/bin/bash
# kfault sweep --sites errinj (issue 18, test e) in the VM: the ext4
# workload (sweep/ext4: mount -o loop of an ext4 image, a file written and
# read back, umount) swept over the functions of the kernel's
# error-injection list that mount(2) calls (sweep/mount.fault's chain):
#   - the functions attached are in the kernel's list with the types the
#     JSON gives them, and none is another system call's; all in one
#     kprobe.multi link when the kernel has fprobe, else a kprobe each;
#   - the sweep finds at least two of them, runs every point and fails
#     each point's function there, with the value of its type (ERRNO and
#     ERRNO_NULL -ENOMEM, NULL 0, TRUE true);
#   - the table, --json and --junit agree;
#   - a reproducer ('inject function NAME returns VALUE') replays its
#     point: the workload ends as it did in the sweep;
#   - --errno EIO: ERRNO functions fail with -EIO instead;
#   - the whole list (no chain): every function attached (a function ftrace
#     cannot trace: a kprobe of its own beside the kprobe.multi link), or
#     left out when the kernel refuses to probe it, and said so;
#   - --backend fmod_ret is refused, saying why.
#
#   sweep-errinj.sh KFAULT DIR(tests/e2e/sweep)
set -euo pipefail
KFAULT=$1 dir=$2
. "$(dirname "$0")/lib.sh"
out=$KFAULT_OUT
work=/tmp/sweep-errinj
list=/sys/kernel/debug/error_injection/list
mkdir -p $work
fail() {
	echo "FAILED: $*"
	exit 1
}
[ -r $list ] || fail "$list is not readable"

image=$work/ext4.img
truncate -s 8M "$image"
mkfs.ext4 -q -F "$image"
"$dir/ext4" $work/mnt "$image" || fail "the workload fails without injection"

echo "== e: --sites errinj, by stack"
status=0
"$KFAULT" sweep --sites errinj --timeout 30s --json $out/e.json --junit $out/e.xml \
	--repro $out/repro "$dir/mount.fault" -- "$dir/ext4" $work/mnt "$image" \
	>$out/e.txt 2>$out/e.err || status=$?
cat $out/e.txt
grep 'errinj' $out/e.err || true
[ "$status" = 0 ] || [ "$status" = 6 ] || { cat $out/e.err; fail "kfault sweep exited $status"; }
grep -q '"sites": "errinj"' $out/e.json || fail "the JSON does not say --sites errinj"

# the functions attached: in the kernel's list, with its type; no other system call's
grep -o '"name": "[^"]*", "type": "[^"]*", "returns": "[^"]*"' $out/e.json |
	sed 's/"name": "\([^"]*\)", "type": "\([^"]*\)", "returns": "\([^"]*\)"/\1 \2 \3/' >$out/attached
nattached=$(wc -l <$out/attached)
echo "$nattached functions attached ($(grep -o '"attach": "[^"]*"' $out/e.json))"
[ "$nattached" -ge 2 ] || fail "fewer than 2 functions attached"
# one kprobe.multi link where the kernel has fprobe (the 6.12 test kernel),
# else a kprobe each (6.1 in the matrix)
attach=kprobe
! grep -qw register_fprobe_ips /proc/kallsyms || attach=kprobe.multi
grep -q "\"attach\": \"$attach\"" $out/e.json || fail "attached with $(grep -o '"attach": "[^"]*"' $out/e.json), not $attach"
while read -r name type returns; do
	awk -v n="$name" -v t="$type" '$1 == n && $2 == t { found = 1 } END { exit !found }' $list ||
		fail "$name ($type) is not so in $list"
	case $name in
	*_sys_*) [ "${name##*_sys_}" = mount ] || fail "$name, another system call's, attached" ;;
	esac
	case $type in
	ERRNO | ERRNO_NULL) want=-ENOMEM ;;
	NULL) want=0 ;;
	TRUE) want=true ;;
	*) fail "$name: unknown type $type" ;;
	esac
	[ "$returns" = "$want" ] || fail "$name ($type) fails with $returns, not $want"
done <$out/attached

# the points: every one run; each function found fails there
sweep_points $out/e.txt 2
[ "$(grep -o '"point": [0-9]*' $out/e.json | wc -l)" = "$points" ] || fail "JSON has another number of points"
[ "$(grep -c '<testcase ' $out/e.xml)" = "$points" ] || fail "JUnit has another number of test cases"
# a line per point (the guest's devtmpfs has no /dev/fd: a pipe, not <(...))
sed 's/}, {"point"/}\n{"point"/g' $out/e.json |
	grep -o '"function": "[^"]*".*"class": "[^"]*", "status": [-0-9]*, "signal": [0-9]*, "seconds": [0-9.]*, "reached": [0-9]*, "injected": [0-9]*' |
	sed 's/"function": "\([^"]*\)", "returns": "\([^"]*\)".*"class": "\([^"]*\)".*"injected": \([0-9]*\)/\1 \2 \3 \4/' \
	>$out/points
[ "$(wc -l <$out/points)" = "$points" ] || fail "not every point names its function"
functions=$(awk '{ print $1 }' $out/points | sort -u)
echo "functions failed:" $functions
[ "$(echo "$functions" | wc -l)" -ge 2 ] || fail "fewer than 2 functions found"
while read -r name returns cls injected; do
	grep -q "^$name [A-Z_]* $returns\$" $out/attached || fail "a point of $name fails with $returns"
	case $cls in
	not) ;;	# not reached: nothing was failed, as it says
	*) [ "$injected" -ge 1 ] || fail "a point of $name ($cls) injected nothing" ;;
	esac
done <$out/points
for name in $functions; do
	awk -v n="$name" '$1 == n && $3 != "not" && $4 >= 1 { found = 1 } END { exit !found }' $out/points ||
		fail "$name was never failed"
done
unreached=$(grep -c ' not ' $out/points || true)
[ "$((unreached * 4))" -le "$points" ] || fail "$unreached of $points points not reached"

# a reproducer of a handled point replays it (another function than the file's own site if any)
row=$(awk '$2 == "handled" && $6 !~ /^should_failslab/ { print; exit }' $out/e.txt)
[ -n "$row" ] || row=$(awk '$2 == "handled" { print; exit }' $out/e.txt)
[ -n "$row" ] || fail "no handled point to replay"
point=$(echo "$row" | awk '{ print $1 }') want=$(echo "$row" | awk '{ print $4 }')
repro=$out/repro/point-$point.fault
cat "$repro"
grep -q '^inject function [a-z_0-9]* returns ' "$repro" || fail "$repro fails no function"
status=0
"$KFAULT" run "$repro" -- "$dir/ext4" $work/mnt "$image" 2>$out/replay.err || status=$?
cat $out/replay.err
[ "$status" = "$want" ] || fail "the reproducer's run exited $status, not $want as point $point did"
echo "the reproducer of point $point replays it (exit $status)"

echo "== --errno EIO"
status=0
"$KFAULT" sweep --sites errinj --errno EIO --max-points 2 --json $out/eio.json "$dir/mount.fault" -- \
	"$dir/ext4" $work/mnt "$image" >$out/eio.txt 2>$out/eio.err || status=$?
[ "$status" = 0 ] || [ "$status" = 6 ] || { cat $out/eio.err; fail "kfault sweep --errno EIO exited $status"; }
grep -oE '"type": "ERRNO(_NULL)?", "returns": "[^"]*"' $out/eio.json | sort | uniq -c
! grep -oE '"type": "ERRNO(_NULL)?", "returns": "[^"]*"' $out/eio.json | grep -v '"-EIO"' ||
	fail "an ERRNO function does not fail with -EIO"
grep -q '"type": "ERRNO", "returns": "-EIO"' $out/eio.json || fail "no ERRNO function fails with -EIO"

echo "== the whole list (no chain): every function attached, or left out and said so"
printf 'inject slab {\n}\n' >$work/all.fault
status=0
"$KFAULT" sweep --sites errinj --max-points 1 --json $out/all.json $work/all.fault -- true \
	>$out/all.txt 2>$out/all.err || status=$?
cat $out/all.err
[ "$status" = 0 ] || [ "$status" = 6 ] || fail "kfault sweep of the whole list exited $status"
sed 's/, {"name"/\n{"name"/g' $out/all.json | grep -o '"name": "[^"]*".*"probe": "[a-z.]*"' |
	sed 's/"name": "\([^"]*\)".*"probe": "\([a-z.]*\)"/\1 \2/' >$out/all.probes
listed=$(awk '{ print $1 }' $list | sort -u | wc -l)
echo "$(wc -l <$out/all.probes) of the $listed functions listed:" \
	"$(awk '{ print $2 }' $out/all.probes | sort | uniq -c | tr -s ' \n' ' ')"
[ "$(wc -l <$out/all.probes)" -ge $((listed * 9 / 10)) ] || fail "fewer than 9 in 10 functions of the list"
# a kprobe of its own (with kprobe.multi) or none: only what ftrace cannot trace
sed 's/ .*//' /sys/kernel/tracing/available_filter_functions | sort -u >$out/traceable
while read -r name probe; do
	case $attach-$probe in
	kprobe.multi-kprobe.multi | kprobe-kprobe) ;;
	kprobe.multi-kprobe | *-none)
		! grep -qx "$name" $out/traceable || fail "$name: $probe, but ftrace can trace it" ;;
	*) fail "$name: $probe on a kernel with $attach" ;;
	esac
done <$out/all.probes
if grep -q ' none$' $out/all.probes; then
	grep -q 'left out: the kernel refused to probe' $out/all.err || fail "the functions left out not said"
fi

echo "== --backend fmod_ret is refused"
status=0
"$KFAULT" sweep --sites errinj --backend fmod_ret "$dir/mount.fault" -- true >$out/fmod.txt 2>$out/fmod.err ||
	status=$?
cat $out/fmod.err
[ "$status" = 4 ] || fail "exited $status, not 4"
grep -q 'not with --backend fmod_ret' $out/fmod.err || fail "no reason given"

no_programs_left
