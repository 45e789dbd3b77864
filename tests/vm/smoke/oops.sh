#!/bin/bash
# Runner self-test: an oops must be reported as one. The test kernel has no
# way to oops on demand (no LKDTM), so this writes an oops line to the kernel
# log through /dev/kmsg: the console then shows it like a real one
# ("[  12.345678] Oops: ..."), and the runner must exit 243 although the
# guest goes on running.
set -euo pipefail
echo "oops.sh: writing a fake oops line to the kernel log"
echo "Oops: 0000 [#1] fake oops written to /dev/kmsg by oops.sh" >/dev/kmsg
