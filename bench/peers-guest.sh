#!/bin/bash
# Guest half of bench/peers (see there): RUNS rounds; in each, every tool in
# turn injects the seed example's failures (slab allocations under
# __x64_sys_mount, for tasks named mount-loop) into a fresh victim, with a
# fresh bystander mounting beside it. For each run it leaves, in
# $KFAULT_OUT/TOOL-ROUND/:
#
#   victim.log, bystander.log   peer-loop's lines (bench/peer-loop.c)
#   tool.log                    the tool's stdout and stderr, each line
#                               prefixed with the time it came ($EPOCHREALTIME);
#                               kfault run and kfault-run with -v: the time
#                               of each stage of their start
#   times                       start, ready, stop and exited times, how the
#                               run went (ok, timeout, exited STATUS, no-failure)
#                               and the tool's VmHWM in kB
#
# The host half reads them. A tool is ready when it says so (kfault's
# "armed" line); bpftrace and inject.py say nothing once attached, so for
# them ready is when their three kprobes are all registered
# (/sys/kernel/debug/kprobes/list, looked at every 50 ms).
#
#   peers-guest.sh BUILD OBJECT FAULT BT_SCRIPT LOOP KERNEL_SOURCE RUNS BCC_RUNS
set -uo pipefail
build=$1 obj=$2 fault=$3 bt=$4 loop=$5 ksrc=$6 runs=$7 bcc_runs=$8
hold=2			# seconds armed after the first failure, between the two marks
work=/tmp/peers
mkdir -p "$work/victim" "$work/bystander"
mkfifo "$work/fifo"
exec {pfd}<>"$work/fifo"
# pause SECONDS: sleep without starting a program (each exec costs under TCG)
pause() { read -r -t "$1" -u "$pfd" || true; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
# stamp: copy stdin to stdout, each line prefixed with the time it came
stamp() { local l; while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }

# the tools: NAME, how long to wait for it (seconds), the command
cap() {
	case $1 in
	bpftrace) echo 180 ;;
	inject-bpfcc) echo 420 ;;
	*) echo 60 ;;
	esac
}
command_of() {
	case $1 in
	kfault-run) echo "$build/cli/kfault-run -v $obj" ;;
	run-object) echo "$build/cli/kfault run -v $obj" ;;
	run-source) echo "$build/cli/kfault run -v $fault" ;;
	inject) echo "$build/cli/kfault inject kmalloc __x64_sys_mount() --comm mount-loop" ;;
	bpftrace) echo "bpftrace --unsafe $bt" ;;
	inject-bpfcc) echo "env BCC_KERNEL_SOURCE=$ksrc inject-bpfcc kmalloc __x64_sys_mount()" ;;
	esac
}

# the time of the first line of FILE whose second field is WORD, after time AFTER
first_after() {
	local word=$1 file=$2 after=${3:-0} t w rest
	while read -r t w rest; do
		if [ "$w" = "$word" ] && [ "${t/./}" -gt "${after/./}" ]; then
			echo "$t"
			return 0
		fi
	done <"$file"
	return 1
}
# whether FILE (a stamped tool log) has a line with WORD; prints its time
line_with() {
	local word=$1 file=$2 t rest
	while read -r t rest; do
		case " $rest " in *" $word"*) echo "$t"; return 0 ;; esac
	done <"$file"
	return 1
}
# shellcheck source=bench/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
[ -r "$klist" ] || echo "peers: no $klist here: no ready time for bpftrace and inject-bpfcc"
vmhwm() {
	local k v rest
	while read -r k v rest; do
		[ "$k" = VmHWM: ] && { echo "$v"; return; }
	done <"/proc/$1/status" 2>/dev/null
	echo -
}

# one TOOL ROUND: one run of TOOL with a fresh victim and bystander
one() {
	local tool=$1 round=$2 d=$KFAULT_OUT/$1-$2 cmd i
	local v b pid t0 t0us ready= failed= status=ok hwm=- tstop=- texit=- deadline
	mkdir -p "$d"
	# the last tool's probes gone (unregistered when its files closed)
	for ((i = 0; i < 100; i++)); do
		[ -r "$klist" ] && kprobes_up 1 || break
		pause 0.05
	done
	read -r -a cmd <<<"$(command_of "$tool")"
	"$loop" mount-loop "$work/victim" >"$d/victim.log" &
	v=$!
	"$loop" bystander "$work/bystander" >"$d/bystander.log" &
	b=$!
	# (through a FIFO: the guest has no /dev/fd for bash's >(...))
	rm -f "$work/out.fifo"
	mkfifo "$work/out.fifo"
	stamp <"$work/out.fifo" >"$d/tool.log" &
	pause 0.3
	# the tool's start: what comes before (rm, mkfifo: two execs, 0.1-0.2 s
	# under TCG with the loops running) is the bench's, not the tool's
	t0=$EPOCHREALTIME
	"${cmd[@]}" >"$work/out.fifo" 2>&1 &
	pid=$!
	t0us=${t0/./}
	deadline=$((t0us + $(cap "$tool") * 1000000))
	while :; do
		if [ -z "$ready" ]; then
			case $tool in
			bpftrace | inject-bpfcc) [ -r "$klist" ] && kprobes_up && ready=$EPOCHREALTIME ;;
			*) ready=$(line_with armed "$d/tool.log") ;;
			esac
		fi
		[ -z "$failed" ] && failed=$(first_after fail "$d/victim.log" "$t0")
		[ -n "$ready" ] && [ -n "$failed" ] && break
		# failing, but no ready seen 5 s after: go on without it
		[ -n "$failed" ] && [ "$(now_us)" -gt $((${failed/./} + 5000000)) ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			status="exited $?"
			texit=$EPOCHREALTIME
			break
		fi
		if [ "$(now_us)" -gt "$deadline" ]; then
			status=timeout
			[ -n "$ready" ] && status=no-failure
			break
		fi
		pause 0.05
	done
	if [ "$status" = ok ]; then
		kill -USR1 "$v"
		pause "$hold"
		kill -USR1 "$v"
		pause 0.1
	fi
	if [ "$texit" = - ]; then
		hwm=$(vmhwm "$pid")
		tstop=$EPOCHREALTIME
		kill -INT "$pid"
		deadline=$(($(now_us) + 30000000))
		while kill -0 "$pid" 2>/dev/null && [ "$(now_us)" -lt "$deadline" ]; do pause 0.05; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		texit=$EPOCHREALTIME
		# the victim's mounts work again?
		if [ -n "$failed" ]; then
			deadline=$(($(now_us) + 10000000))
			until first_after ok "$d/victim.log" "$tstop" >/dev/null || [ "$(now_us)" -gt "$deadline" ]; do
				pause 0.05
			done
		fi
	fi
	kill -TERM "$v" "$b"
	wait "$v" "$b"
	printf 'start %s\nready %s\nfailed %s\nstop %s\nexited %s\nstatus %s\nvmhwm_kb %s\n' \
		"$t0" "${ready:--}" "${failed:--}" "$tstop" "$texit" "$status" "$hwm" >"$d/times"
	echo "$tool round $round: $status"
}

tools=(kfault-run run-object run-source inject bpftrace inject-bpfcc)
for ((r = 1; r <= runs; r++)); do
	for t in "${tools[@]}"; do
		if [ "$t" = inject-bpfcc ] && [ "$r" -gt "$bcc_runs" ]; then
			continue
		fi
		one "$t" "$r"
	done
done
