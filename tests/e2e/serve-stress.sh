#!/bin/bash
# kfault serve (issue 20, test 6): 200 FailMMOrBIO/RecoverMMOrBIO pairs from
# 4 client threads, each for a container of its own, the same callchain:
# every call answers OK; afterwards the kfault programs and maps are back
# to where they started (nothing leaked, whichever thread loaded or
# detached the object); the daemon's RSS after the last 150 pairs is
# within 4 MiB of what it was after the first 50; and it still injects.
#
#   serve-stress.sh KFAULT CLIENT STUBS VICTIM
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 victim=$4
. "$(dirname "$0")/lib.sh"
trap serve_cleanup EXIT
mnt=/tmp/mnt
mkdir -p "$mnt"
pids=()
for i in 1 2 3 4; do
	mkdir -p /sys/fs/cgroup/kf-serve-stress$i
	start_container /sys/fs/cgroup/kf-serve-stress$i
	pids+=("$container_pid")
done
pid_list=$(IFS=,; echo "${pids[*]}")
maps() { bpftool map show | grep -c ' name kf' || true; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$serve_pid/status; }
req="\"ftype\": \"SLAB\", \"callchain\": [{\"funcname\": \"__x64_sys_mount\"}]"
progs0=$(kf_programs) maps0=$(maps)
echo "before: $progs0 kfault programs, $maps0 kfault maps"

start_serve "$KFAULT_OUT/serve.log"
out=$("$CLIENT" "$STUBS" "$SERVE_ADDR" pairs 50 4 "{\"pids\": [$pid_list], $req}")
echo "$out"
rss1=$(rss_kb)
out2=$("$CLIENT" "$STUBS" "$SERVE_ADDR" pairs 150 4 "{\"pids\": [$pid_list], $req}")
echo "$out2"
rss2=$(rss_kb)
echo "RSS: $rss1 kB after 50 pairs, $rss2 kB after 200"
[ "$out" = "$(printf 'fail OK 50\nrecover OK 50')" ] || { echo "FAILED: not every call of the first 50 pairs OK"; exit 1; }
[ "$out2" = "$(printf 'fail OK 150\nrecover OK 150')" ] || { echo "FAILED: not every call of the last 150 pairs OK"; exit 1; }
[ $((rss2 - rss1)) -le 4096 ] || { echo "FAILED: RSS grew by $((rss2 - rss1)) kB"; exit 1; }
echo "after: $(kf_programs) kfault programs, $(maps) kfault maps"
[ "$(kf_programs)" = "$progs0" ] || { echo "FAILED: programs leaked"; exit 1; }
[ "$(maps)" = "$maps0" ] || { echo "FAILED: maps leaked"; exit 1; }
loads=$(grep -c '(new, compiled' "$KFAULT_OUT/serve.log" || true)
compiles=$(grep -c '(new, compiled)' "$KFAULT_OUT/serve.log" || true)
echo "the object was loaded $loads times, compiled $compiles time(s)"
[ "$compiles" = 1 ] || { echo "FAILED: compiled more than once"; exit 1; }

echo "still injecting:"
expect_bpfki OK FailMMOrBIO "{\"pid\": ${pids[0]}, $req}"
expect_result ENOMEM 3 "$(in_cgroup /sys/fs/cgroup/kf-serve-stress1 "$victim" mount 3 "$mnt")"
kill -TERM "$serve_pid"
wait "$serve_pid"
[ "$(grep -c '^kfault serve: [A-Za-z]* pid ' "$KFAULT_OUT/serve.log")" = 401 ] ||
	{ echo "FAILED: not one log line per request (401)"; exit 1; }
tail -3 "$KFAULT_OUT/serve.log"
no_programs_left
serve_cleanup
wait "${pids[@]}" 2>/dev/null || true
for i in 1 2 3 4; do rmdir /sys/fs/cgroup/kf-serve-stress$i; done
