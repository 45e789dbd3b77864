#!/bin/bash
# Runner self-test: writes its arguments to $KFAULT_OUT/args, so the host
# can check that arguments and files travel both ways.
set -euo pipefail
echo "$@" | tee "$KFAULT_OUT/args"
