#!/bin/bash
# libkfault from a C program (examples/api/kfault-api-example.c): it
# compiles examples/mount.fault in the guest against the guest kernel's BTF,
# loads, attaches and arms it for a while, then detaches and prints the
# counters. While armed, the mount loop fails with ENOMEM; afterwards
# mounts succeed again, and the counters say what was injected.
#
#   api.sh EXAMPLE FAULT-FILE VICTIM
set -euo pipefail
example=$1 fault=$2 victim=$3
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/mnt
out=$KFAULT_OUT/api.out

"$example" --seconds 30 "$fault" >"$out" 2>&1 &
pid=$!
# The compile runs under emulation: give it time.
for _ in $(seq 3000); do
	grep -q '^armed' "$out" && break
	kill -0 "$pid" 2>/dev/null || { cat "$out"; echo "FAILED: the example exited before arming"; exit 1; }
	sleep 0.1
done
grep -q '^armed' "$out" || { cat "$out"; echo "FAILED: not armed within 300s"; exit 1; }

echo "armed, comm mount-loop:"
expect_result ENOMEM 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
status=0
wait "$pid" || status=$?
cat "$out"
[ "$status" -eq 0 ] || { echo "FAILED: the example exited $status"; exit 1; }
grep -q '^detached$' "$out" || { echo "FAILED: not detached"; exit 1; }
injected=$(sed -n 's/^injection 0 .* injected \([0-9]*\)$/\1/p' "$out")
echo "the example's counters: $injected injected"
[ -n "$injected" ] && [ "$injected" -ge 3 ] || { echo "FAILED: expected at least 3 injections"; exit 1; }

echo "after the example:"
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"

# kf_injector__run_command(): the example runs a command under the
# injection. The file targets comm mount-loop; a command's injection targets
# the command and what it starts instead, whatever their names.
echo "a command under the injection (kfault-api-example FILE -- CMD):"
out=$("$example" "$fault" -- "$victim" -c not-mount-loop mount 3 /tmp/mnt)
echo "$out" | sed 's/^/  /'
echo "$out" | grep -qx "ENOMEM 3" || { echo "FAILED: the command's mounts did not fail"; exit 1; }
echo "$out" | grep -q "exited with status 0$" || { echo "FAILED: no status 0"; exit 1; }
injected=$(echo "$out" | sed -n 's/^injection 0 .* injected \([0-9]*\)$/\1/p')
[ "$injected" = 3 ] || { echo "FAILED: expected 3 injections, got '$injected'"; exit 1; }
status=0
"$example" "$fault" -- sh -c 'exit 5' >/dev/null || status=$?
[ "$status" -eq 5 ] || { echo "FAILED: the command's status 5 came back as $status"; exit 1; }
echo "the command's status comes back: 5"
echo "after it, not targeted:"
expect_result ok 3 "$("$victim" -c not-mount-loop mount 3 /tmp/mnt)"
