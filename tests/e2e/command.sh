#!/bin/bash
# kfault run OBJECT -- CMD (issue 17): kfault starts CMD, the injection
# targets CMD and what it starts, armed before CMD's first instruction, and
# kfault exits with CMD's status. Checked here:
#   1. CMD's status comes back, CMD's stdout is CMD's alone (--log and the
#      report go to stderr), and a child CMD forks and execs is targeted;
#   2. a bystander of the same name, outside CMD's tree, is not;
#   3. the first mount of a freshly exec'd CMD already fails;
#   4. CMD killed by a signal N: kfault exits 128+N;
#   5. kfault killed with SIGKILL while CMD runs: CMD dies with it, no
#      kfault program is left;
#   6. a file with errors, or a command that does not exist: CMD never runs;
#   7. --duration shorter than CMD: disarmed, CMD runs on, its status back.
#
#   command.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/mnt
out=$KFAULT_OUT

fail() {
	echo "FAILED: $*"
	exit 1
}

echo "== 1: status, output, a child of CMD"
status=0
"$KFAULT" run --backend "$backend" --log "$obj" -- \
	sh -c "\"$victim\" -c mount-loop mount 3 /tmp/mnt; exit 7" >"$out/1.out" 2>"$out/1.err" || status=$?
cat "$out/1.err"
[ "$status" = 7 ] || fail "kfault exited $status, not CMD's 7"
expect_result ENOMEM 3 "$(cat "$out/1.out")"
# CMD's stdout holds CMD's lines only: the victim's tally
if grep -v -E '^(ok|E[A-Z]+) [0-9]+$' "$out/1.out"; then
	fail "kfault wrote into CMD's standard output"
fi
grep -q 'failed \[' "$out/1.err" || fail "no --log line on stderr"
grep -q 'kfault: sh exited with status 7 after .*3 failures injected' "$out/1.err" ||
	fail "no summary line"

echo "== 2: a bystander named like the victim is not targeted"
rm -f /tmp/cmd.go
"$KFAULT" run --backend "$backend" "$obj" -- \
	sh -c "while [ ! -e /tmp/cmd.go ]; do sleep 0.1; done; \"$victim\" -c mount-loop mount 2 /tmp/mnt" \
	>"$out/2.out" 2>"$out/2.err" &
kpid=$!
deadline=$((SECONDS + 180))
while [ $SECONDS -lt $deadline ] && ! grep -q armed "$out/2.err"; do sleep 0.1; done
if ! grep -q armed "$out/2.err"; then
	echo "not armed within 180 s: $(cat "$out/2.err")"
	where_it_waits "$kpid"
	kill -KILL "$kpid"
	fail "not armed"
fi
expect_result ok 3 "$("$victim" -c mount-loop mount 3 /tmp/mnt)"
touch /tmp/cmd.go
status=0
wait "$kpid" || status=$?
cat "$out/2.err"
[ "$status" = 0 ] || fail "kfault exited $status"
expect_result ENOMEM 2 "$(cat "$out/2.out")"

echo "== 3: the first mount of a freshly exec'd CMD fails"
status=0
"$KFAULT" run --backend "$backend" "$obj" -- "$victim" -e mount 1 /tmp/mnt >"$out/3.out" 2>"$out/3.err" ||
	status=$?
cat "$out/3.err"
[ "$status" = 0 ] || fail "kfault exited $status"
sed 's/^/  /' "$out/3.out"
head -n1 "$out/3.out" | grep -q ENOMEM || fail "the first mount was not failed"

echo "== 4: CMD killed by a signal"
status=0
"$KFAULT" run --backend "$backend" "$obj" -- sh -c 'kill -USR1 $$' 2>"$out/4.err" || status=$?
cat "$out/4.err"
[ "$status" = $((128 + 10)) ] || fail "kfault exited $status, not 128+SIGUSR1 (138)"
grep -q 'killed by signal 10' "$out/4.err" || fail "the summary does not say the signal"

echo "== 5: kfault killed with SIGKILL while CMD runs"
"$KFAULT" run --backend "$backend" "$obj" -- "$victim" -c cmd-victim -s 100 -d 600 mount 0 /tmp/mnt \
	>"$out/5.out" 2>"$out/5.err" &
kpid=$!
for _ in $(seq 1800); do grep -q armed "$out/5.err" && break; sleep 0.1; done
grep -q armed "$out/5.err" || fail "not armed: $(cat "$out/5.err")"
sleep 0.5
cpid=$(pgrep -P "$kpid" || true)
[ -n "$cpid" ] || fail "CMD is not running"
kill -9 "$kpid"
wait "$kpid" 2>/dev/null || true
# gone, or a zombie that the guest's init has not reaped yet
ended() { [ ! -e "/proc/$cpid" ] || grep -q '^[0-9]* (.*) Z' "/proc/$cpid/stat"; }
for _ in $(seq 50); do
	ended && break
	sleep 0.1
done
ended || fail "CMD (pid $cpid) still runs after kfault was killed"
echo "CMD ended with kfault"
no_programs_left

echo "== 6: errors before CMD: it never runs"
rm -f /tmp/cmd.ran
printf 'inject slab {\n    call __x64_sys_mount\n    times 0\n}\n' >/tmp/cmd-bad.fault
status=0
"$KFAULT" run --backend "$backend" /tmp/cmd-bad.fault -- touch /tmp/cmd.ran 2>"$out/6.err" || status=$?
cat "$out/6.err"
[ "$status" = 1 ] || fail "a file with errors: kfault exited $status, not 1"
[ ! -e /tmp/cmd.ran ] || fail "CMD ran although the file has errors"
status=0
"$KFAULT" run --backend "$backend" "$obj" -- /nonexistent/cmd 2>"$out/6b.err" || status=$?
cat "$out/6b.err"
[ "$status" = 127 ] || fail "a missing command: kfault exited $status, not 127"
grep -q 'command not found' "$out/6b.err" || fail "no 'command not found'"
grep -q armed "$out/6b.err" && fail "armed for a command that does not exist"
status=0
"$KFAULT" run "$obj" -- 2>"$out/6c.err" || status=$?
cat "$out/6c.err"
[ "$status" = 2 ] || fail "'--' without a command: exit $status, not 2"

echo "== 7: --duration ends before CMD: disarmed, CMD runs on"
status=0
"$KFAULT" run --backend "$backend" --duration 1s "$obj" -- \
	sh -c "sleep 3; \"$victim\" -c mount-loop mount 3 /tmp/mnt; exit 3" >"$out/7.out" 2>"$out/7.err" || status=$?
cat "$out/7.err"
[ "$status" = 3 ] || fail "kfault exited $status, not CMD's 3"
expect_result ok 3 "$(cat "$out/7.out")"
grep -q 'disarmed before sh ended, by duration' "$out/7.err" || fail "no word of the early disarm"
