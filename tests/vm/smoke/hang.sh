#!/bin/bash
# Runner self-test: never finishes; the runner must report a timeout.
echo "hang.sh: sleeping forever on purpose"
sleep infinity
