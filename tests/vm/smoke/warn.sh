#!/bin/bash
# Runner self-test: a kernel WARNING is reported, and with -W it is the
# verdict (exit 245). Like oops.sh, a fake one written to the kernel log.
set -euo pipefail
echo "WARNING: CPU: 0 PID: $$ at fake/warn.c:1 fake_warn+0x0/0x10" >/dev/kmsg
echo "---[ end trace 0000000000000000 ]---" >/dev/kmsg
