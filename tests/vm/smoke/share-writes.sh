#!/bin/bash
# Writes to the output share reach the host whole while another process
# stats the file: a writer appends lines in bursts, a reader stats the file
# in a tight loop (bash's own test, no fork), as a test polling a log does.
# Mounted cache=mmap, 6.12's 9p lost the tail of such a file (its write-back
# cache; the stat's getattr resets the size while a write-back is in flight,
# as far as the code reads): every round here lost lines, and in the e2e
# tests a kfault whose "armed" line never reached the test's grep now and
# then. ROUNDS rounds (default 5).
set -u
f=$KFAULT_OUT/share-writes.log
bad=0
for round in $(seq 1 "${ROUNDS:-5}"); do
	(while :; do [ -s "$f" ]; done) &
	reader=$!
	(
		for i in $(seq 1 50); do
			echo "line $i of round $round"
			[ $((i % 5)) != 0 ] || sleep 0.01
		done
	) >"$f"
	kill "$reader"
	wait "$reader" 2>/dev/null
	lines=$(grep -c '^line ' "$f")
	if [ "$lines" != 50 ]; then
		echo "round $round: $lines of 50 lines reached the share ($(stat -c %s "$f") bytes)"
		bad=$((bad + 1))
	fi
done
echo "$bad of ${ROUNDS:-5} rounds lost lines"
[ "$bad" = 0 ]
