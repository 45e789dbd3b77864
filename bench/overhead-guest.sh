#!/bin/bash
# Guest half of bench/overhead: rounds of the syscall loop with no
# injection, with the kprobe backend and with the fmod_ret backend attached,
# interleaved; prints each round and the medians' ratios to the baseline.
#
#   overhead-guest.sh KFAULT OBJECT LOOP ITERATIONS ROUNDS
set -euo pipefail
kfault=$1 obj=$2 loop=$3 n=$4 rounds=$5

run_loop() { "$loop" "$n" kf-bench; }

measure() { # BACKEND: one round, with kfault attached unless BACKEND is none
	local pid
	if [ "$1" = none ]; then
		run_loop
		return
	fi
	"$kfault" run --backend "$1" "$obj" 2>"$KFAULT_OUT/kfault-$1.log" &
	pid=$!
	until grep -q armed "$KFAULT_OUT/kfault-$1.log"; do sleep 0.1; done
	run_loop
	kill -INT "$pid"
	wait "$pid"
}

declare -A all
for r in $(seq "$rounds"); do
	for b in none kprobe fmod_ret; do
		ns=$(measure "$b")
		all[$b]="${all[$b]:-} $ns"
		echo "round $r $b: $ns ns/iteration"
	done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=$(echo "${all[none]}" | median)
echo
echo "median ns per open+close of /dev/null, $rounds rounds of $n, chain never matches:"
for b in none kprobe fmod_ret; do
	m=$(echo "${all[$b]}" | median)
	printf '  %-9s %8.1f ns  %5.2fx\n' "$b" "$m" "$(echo "$m / $base" | bc -l)"
done
