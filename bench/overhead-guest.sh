#!/bin/bash
# Guest half of bench/overhead: rounds of the syscall loop with no
# injection, with kfault's kprobe backend, its fmod_ret backend and
# bpftrace's equivalent script (bench/overhead.bt) armed, interleaved (and
# OTHER_KFAULT's two backends, when given); then Debian's bcc inject.py
# (inject-bpfcc) in BCC_ROUNDS rounds, if it loads. Then one more pass of
# each armed tool with the kernel's BPF statistics on
# (kernel.bpf_stats_enabled): 'bpftool prog show --json' taken after the
# loop, before the tool stops, in $KFAULT_OUT/stats-VARIANT.json, for the
# host half to read. Prints each round and the medians' ratios to the
# baseline.
#
#   overhead-guest.sh KFAULT OBJECT LOOP ITERATIONS ROUNDS BT_SCRIPT KERNEL_SOURCE BCC_ROUNDS [OTHER_KFAULT OTHER_OBJECT]
set -uo pipefail
kfault=$1 obj=$2 loop=$3 n=$4 rounds=$5 bt=$6 ksrc=$7 bcc_rounds=$8
other=${9:-} other_obj=${10:-}
mkfifo /tmp/overhead-fifo
exec {pfd}<>/tmp/overhead-fifo
# pause SECONDS: sleep without starting a program (each exec costs under TCG)
pause() { read -r -t "$1" -u "$pfd" || true; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

run_loop() { "$loop" "$n" kf-bench; }

# shellcheck source=bench/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# has_line WORD FILE: whether FILE has a line with WORD
has_line() {
	local l
	while IFS= read -r l; do
		case " $l " in *" $1"*) return 0 ;; esac
	done <"$2"
	return 1
}

# start VARIANT LOG: start the tool of VARIANT in the background (pid in $tool_pid)
start() {
	case $1 in
	kprobe | fmod_ret) "$kfault" run --backend "$1" "$obj" >"$2" 2>&1 & ;;
	other-kprobe) "$other" run --backend kprobe "$other_obj" >"$2" 2>&1 & ;;
	other-fmod_ret) "$other" run --backend fmod_ret "$other_obj" >"$2" 2>&1 & ;;
	bpftrace) bpftrace --unsafe "$bt" >"$2" 2>&1 & ;;
	inject-bpfcc) BCC_KERNEL_SOURCE=$ksrc inject-bpfcc kmalloc '__x64_sys_mount()' >"$2" 2>&1 & ;;
	esac
	tool_pid=$!
}
# armed VARIANT LOG: whether the tool is attached and armed
armed() {
	case $1 in
	bpftrace) if [ -r "$klist" ]; then kprobes_up; else has_line Attaching "$2" && pause 2; fi ;;
	inject-bpfcc) [ -r "$klist" ] && kprobes_up ;;
	*) has_line armed "$2" ;;
	esac
}

# measure VARIANT [stats]: one round; prints ns per iteration, or a word
# saying why there is none (the tool exited, or was not armed in time)
measure() {
	local v=$1 log=$KFAULT_OUT/$1.log deadline ns
	if [ "$v" = none ]; then
		run_loop
		return
	fi
	for ((i = 0; i < 100; i++)); do [ -r "$klist" ] && kprobes_up 1 || break; pause 0.05; done
	start "$v" "$log"
	case $v in inject-bpfcc) deadline=420 ;; bpftrace) deadline=180 ;; *) deadline=60 ;; esac
	deadline=$(($(now_us) + deadline * 1000000))
	until armed "$v" "$log"; do
		if ! kill -0 "$tool_pid" 2>/dev/null; then
			wait "$tool_pid"
			echo "exited-$?"
			return
		fi
		if [ "$(now_us)" -gt "$deadline" ]; then
			kill -KILL "$tool_pid"
			wait "$tool_pid"
			echo timeout
			return
		fi
		pause 0.05
	done
	# bpftrace and bcc: a kprobe is registered before its program is set on it
	case $v in bpftrace | inject-bpfcc) pause 1 ;; esac
	ns=$(run_loop)
	[ "${2:-}" = stats ] && bpftool prog show --json >"$KFAULT_OUT/stats-$v.json"
	kill -INT "$tool_pid"
	wait "$tool_pid"
	echo "$ns"
}

variants=(none kprobe fmod_ret bpftrace)
[ -n "$other" ] && variants+=(other-kprobe other-fmod_ret)
declare -A all
for r in $(seq "$rounds"); do
	for v in "${variants[@]}"; do
		ns=$(measure "$v")
		all[$v]="${all[$v]:-} $ns"
		echo "round $r $v: $ns ns/iteration"
	done
done
# inject-bpfcc compiles its program each time it starts: minutes under TCG
bcc=
for ((r = 1; r <= bcc_rounds; r++)); do
	ns=$(measure inject-bpfcc)
	echo "round $r inject-bpfcc: $ns ns/iteration"
	case $ns in
	exited-* | timeout)
		echo "inject-bpfcc did not get armed ($ns); its output, last 15 lines:"
		tail -n 15 "$KFAULT_OUT/inject-bpfcc.log" | sed 's/^/  /'
		break
		;;
	esac
	bcc=1
	all[inject-bpfcc]="${all[inject-bpfcc]:-} $ns"
	ns=$(measure none)
	echo "round $r none (beside inject-bpfcc): $ns ns/iteration"
	all[none-bcc]="${all[none-bcc]:-} $ns"
done

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
base=$(echo "${all[none]}" | median)
echo
echo "median ns per open+close of /dev/null, $rounds rounds of $n, chain never matches:"
shown=("${variants[@]}")
[ -n "$bcc" ] && shown+=(inject-bpfcc)
for v in "${shown[@]}"; do
	m=$(echo "${all[$v]:-}" | median)
	[ -n "$m" ] || { echo "  $v: no round armed"; continue; }
	b=$base
	[ "$v" = inject-bpfcc ] && b=$(echo "${all[none-bcc]}" | median)
	printf '  %-15s %8.1f ns  %5.2fx\n' "$v" "$m" "$(echo "$m / $b" | bc -l)"
done
[ -n "$bcc" ] && echo "  (inject-bpfcc against its own bare rounds, run right after each of its rounds)"

# per-program cost: one more armed pass of each tool, statistics on
echo 1 >/proc/sys/kernel/bpf_stats_enabled
for v in "${variants[@]:1}"; do
	echo "stats pass $v: $(measure "$v" stats) ns/iteration"
done
[ -n "$bcc" ] && echo "stats pass inject-bpfcc: $(measure inject-bpfcc stats) ns/iteration"
echo 0 >/proc/sys/kernel/bpf_stats_enabled
