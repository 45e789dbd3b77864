#!/bin/bash
# Runner self-test: a deliberately broken guest test. It exits 3, which the
# runner must report as this test's failure and return as its own status.
echo "broken.sh: about to fail on purpose"
exit 3
