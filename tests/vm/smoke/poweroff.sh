#!/bin/bash
# Runner self-test: powers the guest off in the middle of the test (sysrq
# 'o'), without a kernel crash; the runner must report the guest as stopped.
echo "poweroff.sh: powering the guest off on purpose"
echo o >/proc/sysrq-trigger
sleep 30
echo "poweroff.sh: still alive?"
exit 0
