#!/bin/bash
# Probability per call and per decision (issue 26), statistically.
#
#   probability-call.sh KFAULT PER-DECISION-OBJECT CHAOS-YAML VICTIM BACKEND
#
# 1. bcc's own example with -P 0.05, 'kfault inject -P 0.05 kmalloc
#    __x64_sys_mount()': inject.py draws once per call of the outermost
#    frame, so each mount fails with probability 5% however many slab
#    allocations it makes. Over N = 1000 mounts the failures X follow
#    Binomial(1000, 0.05); the test accepts 20 <= X <= 87, the central
#    interval whose two tails hold 6.4e-7 of the probability (exact
#    binomial sums), so a correct kfault fails this check less than once in
#    a million runs. Drawn per decision instead (about 16 allocations a
#    mount), about 56% of the mounts would fail. kfault must also count
#    exactly N calls drawn for, and the mounts that failed can only be
#    calls whose draw won.
# 2. The same with a KernelChaos resource, 'probability: 5'.
# 3. 'probability 5% per decision': every slab allocation under a mount is
#    a draw. Given D decisions, the failures injected have mean 0.05 D and
#    standard deviation s = sqrt(D 0.05 0.95) (a martingale: a failure ends
#    its mount, but each draw is independent of the ones before); the test
#    accepts 0.05 D +- 5.5 s, whose normal tails hold 3.8e-8, so again less
#    than one in a million.
set -euo pipefail
KFAULT=$1 per_decision=$2 yaml=$3 victim=$4 backend=$5
. "$(dirname "$0")/lib.sh"
mnt=/tmp/mnt
mkdir -p "$mnt"
ARM_TIMEOUT=300	# the compiles run under emulation
N=1000 LO=20 HI=87

# per_call_check NAME: the mount loop's N mounts, against the bounds.
per_call_check() {
	local out ok failed calls won injected
	out=$("$victim" -c mount-loop mount "$N" "$mnt")
	stop_kfault >/dev/null
	tail -n 1 "$KFAULT_OUT/stdout"
	echo "$out" | sed 's/^/  /'
	ok=$(echo "$out" | awk '$1 == "ok" { print $2 }')
	failed=$((N - ${ok:-0}))
	calls=$(json_field "$KFAULT_OUT/stdout" calls)
	won=$(json_field "$KFAULT_OUT/stdout" calls_won)
	injected=$(json_field "$KFAULT_OUT/stdout" injected)
	echo "$1: $failed of $N mounts failed (accepted: $LO to $HI); $calls calls, $won won, $injected injected"
	grep -q '"probability_per": "call"' "$KFAULT_OUT/stdout" || { echo "FAILED: not per call"; exit 1; }
	[ "$failed" -ge "$LO" ] && [ "$failed" -le "$HI" ] ||
		{ echo "FAILED: $1: outside the bounds of 5%"; exit 1; }
	[ "$calls" = "$N" ] || { echo "FAILED: $1: $calls calls drawn for, not $N"; exit 1; }
	[ "$failed" -le "$won" ] && [ "$won" -le "$injected" ] ||
		{ echo "FAILED: $1: failed <= won <= injected does not hold"; exit 1; }
}

echo "== inject.py -P 0.05"
KFAULT_CMD=inject start_kfault "$KFAULT_OUT/kfault.log" -P 0.05 kmalloc '__x64_sys_mount()' \
	--comm mount-loop --duration 20m --backend "$backend" --json
per_call_check "inject -P 0.05"

echo "== KernelChaos probability: 5"
start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json --comm mount-loop \
	--duration 20m "$yaml"
per_call_check "KernelChaos probability: 5"

echo "== probability 5% per decision"
start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json --duration 20m "$per_decision"
out=$("$victim" -c mount-loop mount 300 "$mnt")
stop_kfault >/dev/null
tail -n 1 "$KFAULT_OUT/stdout"
echo "$out" | sed 's/^/  /'
D=$(json_field "$KFAULT_OUT/stdout" decisions)
injected=$(json_field "$KFAULT_OUT/stdout" injected)
grep -q '"probability_per": "decision"' "$KFAULT_OUT/stdout" || { echo "FAILED: not per decision"; exit 1; }
# (no process substitution: the guest has no /dev/fd)
bounds=$(awk -v d="$D" 'BEGIN { m = 0.05 * d; s = sqrt(d * 0.05 * 0.95);
	lo = m - 5.5 * s; if (lo < 0) lo = 0; printf "%d %d\n", lo, m + 5.5 * s + 1 }')
lo=${bounds% *} hi=${bounds#* }
echo "per decision: $injected injected of $D decisions (accepted: $lo to $hi)"
[ "$D" -ge 2000 ] || { echo "FAILED: only $D decisions: too few to judge"; exit 1; }
[ "$injected" -ge "$lo" ] && [ "$injected" -le "$hi" ] ||
	{ echo "FAILED: per decision: outside the bounds of 5% of the decisions"; exit 1; }
