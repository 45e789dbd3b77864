# Shared by the end-to-end test scripts (sourced in the guest).

# start_kfault LOG ARGS...: run 'kfault run ARGS' (KFAULT_CMD: another command; a
# $KFAULT named kfault-run takes ARGS alone) in the background, logging
# to LOG, and wait until it says its injections are armed (at most
# $ARM_TIMEOUT seconds of wall time, default 180: an emulated guest on a
# loaded host is slow to compile and load). Sets $kfault_pid. On failure
# kfault is killed, so that it cannot inject into the scenarios after this one.
start_kfault() {
	local log=$1 deadline=$((SECONDS + ${ARM_TIMEOUT:-180}))
	shift
	local cmd=("${KFAULT_CMD:-run}")
	[ "$(basename "$KFAULT")" != kfault-run ] || cmd=()	# the runtime-only program: no command word
	"$KFAULT" "${cmd[@]}" "$@" >"$KFAULT_OUT/stdout" 2>"$log" &
	kfault_pid=$!
	# A scenario that fails before stop_kfault must not leave its kfault
	# armed for the next one in the same boot (the kernel matrix's
	# scenarios share a boot): stopped when the script exits.
	trap 'kill -INT "$kfault_pid" 2>/dev/null && wait "$kfault_pid" 2>/dev/null' EXIT
	while [ "$SECONDS" -lt "$deadline" ]; do
		if grep -q 'armed' "$log"; then
			cat "$log"
			return 0
		fi
		if ! kill -0 "$kfault_pid" 2>/dev/null; then
			local status=0
			wait "$kfault_pid" || status=$?
			grep -q 'armed' "$log" && { cat "$log"; return 0; }	# armed, then ended at once
			echo "FAILED: kfault exited before arming, with status $status" \
				"$([ $status -gt 128 ] && echo "(signal $((status - 128)))"):"
			cat "$log" "$KFAULT_OUT/stdout"
			exit 1
		fi
		sleep 0.1
	done
	echo "FAILED: kfault did not arm within ${ARM_TIMEOUT:-180}s:"
	cat "$log"
	where_it_waits "$kfault_pid"
	kill -KILL "$kfault_pid" 2>/dev/null || true
	wait "$kfault_pid" 2>/dev/null || true
	exit 1
}

# where_it_waits PID: each thread's state, wchan and kernel stack, the
# load, the kernel's last lines: the evidence when a kfault does not arm
# (the rare case seen so far was the 9p share losing its armed line,
# docs/testing.md; fixed).
where_it_waits() {
	local t
	for t in /proc/"$1"/task/*; do
		echo "thread ${t##*/} ($(cat "$t/comm" 2>/dev/null)), state $(awk '{print $3}' "$t/stat" 2>/dev/null), wchan $(cat "$t/wchan" 2>/dev/null):"
		sed 's/^/    /' "$t/stack" 2>/dev/null | head -n 20
	done
	echo "uptime $(cut -d' ' -f1 /proc/uptime); load $(cut -d' ' -f1-3 /proc/loadavg); the kernel's last lines:"
	dmesg 2>/dev/null | tail -n 20
}

# stop_kfault: SIGINT, and kfault must exit 0.
stop_kfault() {
	local status=0
	trap - EXIT
	kill -INT "$kfault_pid"
	wait "$kfault_pid" || status=$?
	cat "$KFAULT_OUT/stdout"
	if [ "$status" -ne 0 ]; then
		echo "FAILED: kfault exited $status"
		exit 1
	fi
}

# expect_result RESULT COUNT OUTPUT: the victim's tally says RESULT happened COUNT times.
expect_result() {
	local want=$1 count=$2 out=$3
	echo "$out" | sed 's/^/  /'
	if ! echo "$out" | grep -qx "$want $count"; then
		echo "FAILED: wanted '$want $count'"
		exit 1
	fi
}

# wait_kfault: kfault stops by itself and must exit 0.
wait_kfault() {
	local status=0
	wait "$kfault_pid" || status=$?
	cat "$KFAULT_OUT/stdout"
	[ "$status" -eq 0 ] || { echo "FAILED: kfault exited $status"; exit 1; }
}

# json_field FILE KEY: the first integer value of "KEY" in FILE.
json_field() {
	grep -o "\"$2\": [0-9]*" "$1" | head -n1 | grep -o '[0-9]*$'
}

# expect_backend BACKEND: kfault's log says it attached on BACKEND; for
# auto, on fmod_ret when the kernel has BTF (every function of the tests'
# chains has), else on kprobe.
expect_backend() {
	local want=$1
	if [ "$want" = auto ]; then
		want=kprobe
		[ ! -e /sys/kernel/btf/vmlinux ] || want=fmod_ret
	fi
	grep -q "($want backend)" "$KFAULT_OUT/kfault.log" || { echo "FAILED: not the $want backend"; exit 1; }
}

# expect_mount_loop_armed VICTIM DIR: with kfault armed for comm mount-loop,
# that loop's mounts fail with ENOMEM and a bystander's succeed.
expect_mount_loop_armed() {
	echo "armed, comm mount-loop:"
	expect_result ENOMEM 3 "$("$1" -c mount-loop mount 3 "$2")"
	echo "armed, comm bystander:"
	expect_result ok 3 "$("$1" -c bystander mount 3 "$2")"
}

# expect_mount_loop_after VICTIM DIR: kfault, stopped, reported at least 3
# injections, and the loop's mounts succeed again.
expect_mount_loop_after() {
	local injected
	injected=$(json_field "$KFAULT_OUT/stdout" injected)
	echo "kfault injected $injected failures"
	[ "$injected" -ge 3 ] || { echo "FAILED: expected at least 3 injections"; exit 1; }
	echo "after kfault:"
	expect_result ok 3 "$("$1" -c mount-loop mount 3 "$2")"
}

# no_programs_left: within 5 s, no kfault program is left in the kernel.
no_programs_left() {
	for _ in $(seq 50); do
		[ "$(bpftool prog show | grep -c ' name kf' || true)" = 0 ] && break
		sleep 0.1
	done
	if bpftool prog show | grep ' name kf'; then
		echo "FAILED: kfault programs left in the kernel"
		exit 1
	fi
	echo "no kfault program left"
}

# sweep_points TABLE MIN: a kfault sweep table of at least MIN points, each
# run and in a row of its own; sets $points.
sweep_points() {
	local rows
	points=$(sed -n 's/^kfault sweep: \([0-9]*\) points.*/\1/p' "$1")
	echo "$points points"
	[ "${points:-0}" -ge "$2" ] || { echo "FAILED: fewer than $2 points"; exit 1; }
	! grep -q ' not run ' "$1" || { echo "FAILED: points left unrun"; exit 1; }
	rows=$(grep -cE '^ *[0-9]+  (kernel|crash|hang|handled|recovered|not reached) ' "$1")
	[ "$rows" = "$points" ] || { echo "FAILED: $rows rows for $points points"; exit 1; }
}

# in_cgroup CGROUP CMD...: run CMD inside CGROUP (its pid is the shell's, which execs CMD).
in_cgroup() {
	local dir=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}

# start_container CGROUP: a "container's main process" (sleep) in CGROUP, once
# it is there; sets $container_pid.
start_container() {
	# (not in_cgroup: a function run in the background is a subshell of its own)
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$1" sleep 100000 &
	container_pid=$!
	serve_children+=("$container_pid")
	for _ in $(seq 600); do
		grep -qx "0::${1#/sys/fs/cgroup}" /proc/$container_pid/cgroup 2>/dev/null && return 0
		sleep 0.05
	done
	echo "FAILED: pid $container_pid did not get into $1 within 30s: $(cat /proc/$container_pid/cgroup)"
	exit 1
}

# serve_cleanup: kill what start_container and start_serve started (a trap
# on EXIT: a failed test must not leave them holding the console).
serve_children=()
serve_cleanup() {
	local p
	for p in "${serve_children[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# kfault serve (issue 20). The test kernel has no INET, so the daemon
# listens on a unix socket: the same gRPC, another transport.
SERVE_ADDR=unix:/tmp/kfault-serve.sock

# start_serve LOG [ARGS...]: start 'kfault serve' ($KFAULT) in the background,
# logging to LOG, and wait until its health service answers. Sets $serve_pid.
start_serve() {
	local log=$1
	shift
	rm -f /tmp/kfault-serve.sock
	"$KFAULT" serve --listen "$SERVE_ADDR" "$@" 2>"$log" &
	serve_pid=$!
	serve_children+=("$serve_pid")
	if ! "$CLIENT" "$STUBS" "$SERVE_ADDR" wait 60 >/dev/null; then
		echo "FAILED: kfault serve did not answer within 60s:"
		cat "$log"
		kill -KILL "$serve_pid" 2>/dev/null || true
		exit 1
	fi
	cat "$log"
}

# bpfki RPC JSON: call RPC; sets $code and $msg (the answer's message).
bpfki() {
	local out
	out=$("$CLIENT" "$STUBS" "$SERVE_ADDR" call "$1" "$2") ||
		{ echo "FAILED: $1: the daemon did not answer: $out"; exit 1; }
	code=$(head -n1 <<<"$out")
	msg=$(tail -n +2 <<<"$out")
}

# expect_bpfki CODE RPC JSON: call RPC, which must answer CODE.
expect_bpfki() {
	local want=$1
	shift
	bpfki "$@"
	echo "$1 $2 -> $code${msg:+: $msg}"
	[ "$code" = "$want" ] || { echo "FAILED: wanted $want"; exit 1; }
}

# kf_programs: how many kfault programs are loaded.
kf_programs() {
	bpftool prog show | grep -c ' name kf' || true
}
