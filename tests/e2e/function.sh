#!/bin/bash
# 'inject function NAME returns VALUE' end to end (issue 26): the victim
# sees exactly the value chosen.
#
#   function.sh KFAULT ERRNO-OBJECT TRUE-OBJECT VICTIM BACKEND
#
# ERRNO-OBJECT fails __x64_sys_umask with -EIO three times: five umask(2)
# calls return EIO three times, then succeed. TRUE-OBJECT makes
# should_fail_alloc_page (error-injection type TRUE) return true three
# times under write(2): three 64 KiB writes to tmpfs fail with ENOMEM, and
# the writes after succeed. A bystander is never affected.
set -euo pipefail
KFAULT=$1 errno_obj=$2 true_obj=$3 victim=$4 backend=$5
. "$(dirname "$0")/lib.sh"

echo "== __x64_sys_umask returns -EIO"
start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$errno_obj"
expect_backend "$backend"
echo "bystander:"
expect_result ok 5 "$("$victim" -c bystander umask 5)"
echo "kf-func:"
out=$("$victim" -c kf-func umask 5)
expect_result EIO 3 "$out"
expect_result ok 2 "$out"
wait_kfault	# its times used up, kfault stops by itself
[ "$(json_field "$KFAULT_OUT/stdout" injected)" = 3 ] || { echo "FAILED: kfault did not count 3"; exit 1; }

echo "== should_fail_alloc_page returns true"
start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$true_obj"
echo "bystander:"
expect_result ok 3 "$("$victim" -c bystander write 3 /tmp/function-victim)"
echo "kf-func:"
out=$("$victim" -c kf-func write 5 /tmp/function-victim)
expect_result ENOMEM 3 "$out"
expect_result ok 2 "$out"
wait_kfault
[ "$(json_field "$KFAULT_OUT/stdout" injected)" = 3 ] || { echo "FAILED: kfault did not count 3"; exit 1; }
