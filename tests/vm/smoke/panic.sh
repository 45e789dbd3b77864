#!/bin/bash
# Runner self-test: panics the guest kernel on purpose (sysrq 'c'), after the
# test has started; the runner must report a kernel panic.
echo "panic.sh: crashing the kernel on purpose"
echo c >/proc/sysrq-trigger
sleep 30
echo "panic.sh: still alive?"
exit 0
