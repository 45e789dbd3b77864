#!/bin/bash
# page failures with a predicate on the allocation's order: writes of
# "kf-page0" to tmpfs fail with ENOMEM (their order-0 page allocations fail);
# writes of "kf-page9" (order >= 9) and of others succeed.
#
#   page.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$obj"
echo "kf-page0:"
expect_result ENOMEM 3 "$("$victim" -c kf-page0 write 3 /tmp/page-victim)"
echo "kf-page9:"
expect_result ok 3 "$("$victim" -c kf-page9 write 3 /tmp/page-victim)"
echo "bystander:"
expect_result ok 3 "$("$victim" -c bystander write 3 /tmp/page-victim)"
stop_kfault
