#!/bin/bash
# examples/bananas.fault: under mount(2), only the lookup of a name equal to
# "bananas" fails (its dentry allocation gets ENOMEM); a lookup of another
# missing name fails as usual with ENOENT; after kfault, "bananas" is ENOENT.
#
#   bananas.sh KFAULT OBJECT VICTIM BACKEND
set -euo pipefail
KFAULT=$1 obj=$2 victim=$3 backend=$4
. "$(dirname "$0")/lib.sh"
mkdir -p /tmp/fruit

start_kfault "$KFAULT_OUT/kfault.log" --backend "$backend" --json "$obj"
echo "armed: mount on /tmp/fruit/bananas, then /tmp/fruit/apples, /tmp/fruit/banana:"
expect_result ENOMEM 3 "$("$victim" -c mount-loop mount 3 /tmp/fruit/bananas)"
expect_result ENOENT 3 "$("$victim" -c mount-loop mount 3 /tmp/fruit/apples)"
expect_result ENOENT 3 "$("$victim" -c mount-loop mount 3 /tmp/fruit/banana)"
stop_kfault

echo "after kfault:"
expect_result ENOENT 3 "$("$victim" -c mount-loop mount 3 /tmp/fruit/bananas)"
