#!/bin/bash
# bench/serve's guest half (see bench/serve): ROUNDS rounds of
#   baseline   a RecoverMMOrBIO of a callchain that is not armed: the gRPC
#              round trip alone (client to daemon and back)
#   new        FailMMOrBIO with a request never seen (its times differs each
#              round): compiled, loaded, attached; from the request to the
#              first failed mount(2) in the container
#   known      the same request for another container (a new pid): a map
#              update; from the request to that container's first failure
#   cached     after both recovered (detached), the first request again:
#              loaded from the cached object, not compiled
# Prints one line per round and the medians.
#
#   serve-guest.sh KFAULT CLIENT STUBS FIRST_FAILURE ROUNDS
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 first=$4 rounds=$5
. "$(dirname "$0")/../tests/e2e/lib.sh"
trap serve_cleanup EXIT
mkdir -p /tmp/bm-a /tmp/bm-b /sys/fs/cgroup/kf-bench-a /sys/fs/cgroup/kf-bench-b
start_container /sys/fs/cgroup/kf-bench-a
pid_a=$container_pid
start_container /sys/fs/cgroup/kf-bench-b
pid_b=$container_pid
start_serve /tmp/serve.log >/dev/null

# timed RPC JSON: the request's start time (ns); checks it answered OK
timed() {
	local out
	out=$("$CLIENT" "$STUBS" "$SERVE_ADDR" timed "$1" "$2")
	[ "$(cut -d' ' -f1 <<<"$out")" = OK ] || { echo "FAILED: $1: $out"; exit 1; }
	cut -d' ' -f2 <<<"$out"
}
# latency CGROUP DIR RPC JSON: ms from the request to the first failure in CGROUP
latency() {
	local t0 tf
	in_cgroup "$1" "$first" "$2" 300 >/tmp/first.out &
	local victim=$!
	sleep 0.5	# it is mounting
	t0=$(timed "$3" "$4")
	wait "$victim" || { echo "FAILED: no failure"; exit 1; }
	tf=$(cut -d' ' -f1 /tmp/first.out)
	echo $(((tf - t0) / 1000000))
}
base=() new=() known=() cached=()
for r in $(seq "$rounds"); do
	req="\"ftype\": \"SLAB\", \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}], \"times\": $((1000 + r))"
	out=$("$CLIENT" "$STUBS" "$SERVE_ADDR" timed RecoverMMOrBIO \
		'{"pid": 1, "callchain": [{"funcname": "__x64_sys_umount"}]}')
	b=$(( ($(cut -d' ' -f3 <<<"$out") - $(cut -d' ' -f2 <<<"$out")) / 1000000 ))
	n=$(latency /sys/fs/cgroup/kf-bench-a /tmp/bm-a FailMMOrBIO "{\"pid\": $pid_a, $req}")
	k=$(latency /sys/fs/cgroup/kf-bench-b /tmp/bm-b FailMMOrBIO "{\"pid\": $pid_b, $req}")
	timed RecoverMMOrBIO "{\"pid\": $pid_a, $req}" >/dev/null
	timed RecoverMMOrBIO "{\"pid\": $pid_b, $req}" >/dev/null
	c=$(latency /sys/fs/cgroup/kf-bench-a /tmp/bm-a FailMMOrBIO "{\"pid\": $pid_a, $req}")
	timed RecoverMMOrBIO "{\"pid\": $pid_a, $req}" >/dev/null
	echo "round $r: baseline ${b} ms, new ${n} ms, known ${k} ms, cached ${c} ms"
	base+=("$b") new+=("$n") known+=("$k") cached+=("$c")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
mb=$(median "${base[@]}") mn=$(median "${new[@]}") mk=$(median "${known[@]}") mc=$(median "${cached[@]}")
echo "medians of $rounds rounds (ms): baseline $mb, new callchain $mn, known callchain (new pid) $mk, cached object $mc"
awk -v b="$mb" -v n="$mn" -v k="$mk" -v c="$mc" 'BEGIN {
	if (b < 1) b = 1
	printf "ratios to the baseline (a gRPC round trip): new %.1f, known %.1f, cached %.1f; new/known %.1f\n",
		n / b, k / b, c / b, n / (k < 1 ? 1 : k) }'
grep -c ' pid ' /tmp/serve.log | sed 's/^/requests logged: /'
