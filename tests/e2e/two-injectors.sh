#!/bin/bash
# Two injectors loaded at once from two threads keep their own verifier
# logs (tests/e2e/two-injectors.c): one object's failure site, the other's
# call-chain frame, are made unloadable; each message names its own
# program and DSL line and quotes its own log.
#
#   two-injectors.sh TWO-INJECTORS OBJECT
set -euo pipefail
prog=$1 obj=$2
here=$(dirname "$0")
python3 "$here/break-program" "$obj" kprobe/should_failslab "$KFAULT_OUT/bad-site.bpf.o"
python3 "$here/break-program" "$obj" kprobe/__x64_sys_mount "$KFAULT_OUT/bad-frame.bpf.o"
"$prog" "$KFAULT_OUT/bad-site.bpf.o" kf0_site_kprobe "$KFAULT_OUT/bad-frame.bpf.o" kf0_f0_kprobe
