#!/bin/bash
# kfault serve on this machine (no injection needed): the gRPC health
# service; the time RPCs UNIMPLEMENTED; requests in error INVALID_ARGUMENT
# with kfault's located message, exactly; a pid that does not exist
# NOT_FOUND; recovers of what is not armed OK; one log line per request;
# SIGTERM: exit 0; the same daemon over TCP (0.0.0.0:PORT). And the command
# line's own errors.
#
#   host.sh KFAULT CLIENT STUBS SRC
set -euo pipefail
KFAULT=$1 CLIENT=$2 STUBS=$3 src=$4
btf=${KFAULT_BTF:-$("$src/tests/vm/build-kernel" --cached 6.12 2>/dev/null)/vmlinux}
tmp=$(mktemp -d)
trap 'kill -KILL $serve_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
addr=unix:$tmp/sock
log=$tmp/serve.log
status=0
bad() { echo "FAILED: $*"; status=1; }

"$KFAULT" serve --listen "$addr" --btf "$btf" 2>"$log" &
serve_pid=$!
"$CLIENT" "$STUBS" "$addr" wait 60 || { cat "$log"; exit 1; }

# expect CODE RPC JSON [MESSAGE]: the call answers CODE (and exactly MESSAGE)
expect() {
	local want=$1 rpc=$2 json=$3 out
	out=$("$CLIENT" "$STUBS" "$addr" call "$rpc" "$json")
	echo "$rpc $json -> $out"
	[ "$(head -n1 <<<"$out")" = "$want" ] || bad "$rpc: wanted $want"
	if [ $# -ge 4 ]; then
		[ "$(tail -n +2 <<<"$out")" = "$4" ] || bad "$rpc: wanted the message [$4]"
	fi
}
calls=0
count() { calls=$((calls + 1)); }

echo "== health"
[ "$("$CLIENT" "$STUBS" "$addr" health)" = SERVING ] || bad "the server is not SERVING"
[ "$("$CLIENT" "$STUBS" "$addr" health bpfki.BPFKIService)" = SERVING ] ||
	bad "bpfki.BPFKIService is not SERVING"
[ "$("$CLIENT" "$STUBS" "$addr" health no.such.Service)" = NOT_FOUND ] ||
	bad "an unknown service is not NOT_FOUND"

echo "== time RPCs"
for rpc in SetTimeVal RecoverTimeVal SetTimeSpec RecoverTimeSpec; do
	expect UNIMPLEMENTED $rpc '{"pid": 1, "second": 5}' \
		"$rpc is not implemented by kfault serve: it injects kernel faults (FailMMOrBIO, FailSyscall); Chaos Mesh's TimeChaos does not call bpfki"
	count
done

echo "== requests in error"
expect INVALID_ARGUMENT FailMMOrBIO '{"pid": 1, "ftype": "SLAB", "callchain": [
	{"funcname": "d_alloc_parallel", "parameters": "struct dentry *parent, const struct qstr *name",
	 "predicate": "STRNCMP(nmae->name, \"bananas\", 8)"}]}' \
"FailKernRequest.yaml:12:29: error: undeclared identifier 'nmae'
 12 |         predicate: 'STRNCMP(nmae->name, \"bananas\", 8)'
    |                             ^~~~
   = hint: did you mean 'name'?"
count
expect INVALID_ARGUMENT FailMMOrBIO '{"pid": 1, "ftype": "SLAB", "callchain": [{"funcname": "__x64_sys_mount"}],
	"probability": 1.5}' \
"FailKernRequest.yaml:11:18: error: probability takes a whole percentage from 0 to 100, not '150'
 11 |     probability: 150
    |                  ^~~"
count
expect INVALID_ARGUMENT FailMMOrBIO '{"pid": 1, "callchain": [{"funcname": "__x64_sys_mount"}], "probability": 0.333}' \
	"probability 0.333 is not a whole percentage: KernelChaos takes one, sent as a fraction (0.05 for 5%)"
count
expect INVALID_ARGUMENT FailMMOrBIO '{"pid": 1, "callchain": [{"funcname": "__x64_sys_mount"}], "headers": ["linux/../x.h"]}'
count
expect INVALID_ARGUMENT FailMMOrBIO '{"callchain": [{"funcname": "__x64_sys_mount"}]}' \
	"pid 0: give the container's process"
count
expect INVALID_ARGUMENT FailSyscall '{"pid": 1, "methods": ["mout"], "err": 5}' \
"FailSyscallRequest:2:17: error: '__x64_sys_mout' is not a function of this kernel
 2 | inject function __x64_sys_mout returns -5 {
   |                 ^~~~~~~~~~~~~~
   = hint: did you mean '__x64_sys_mount'?"
count
expect INVALID_ARGUMENT FailSyscall '{"pid": 1, "methods": ["mount; rm"], "err": 5}' \
	"method 'mount; rm' is not a system call name (lower-case letters, digits and '_', as 'mount')"
count
expect INVALID_ARGUMENT FailSyscall '{"pid": 1, "methods": ["mount"]}' "err 0 is not an errno (1 to 4095)"
count
expect INVALID_ARGUMENT FailSyscall '{"pid": 1, "methods": []}' "no methods: name the system calls to fail"
count

echo "== a process that does not exist"
expect NOT_FOUND FailMMOrBIO '{"pid": 2147483647, "callchain": [{"funcname": "__x64_sys_mount"}]}' \
	"no process 2147483647 (No such file or directory)"
count

echo "== recovers of what is not armed"
expect OK RecoverMMOrBIO '{"pid": 1, "callchain": [{"funcname": "__x64_sys_mount"}]}'
count
expect OK RecoverSyscall '{"pid": 1, "methods": ["mount"]}'
count

echo "== a client that gives up before the answer: nothing changes, the daemon serves on"
out=$("$CLIENT" "$STUBS" "$addr" call FailMMOrBIO \
	'{"pid": 2147483646, "callchain": [{"funcname": "__x64_sys_mount"}], "times": 7}' 0.001)
echo "-> $out"
[ "$(head -n1 <<<"$out")" = DEADLINE_EXCEEDED ] || bad "the client did not give up"
[ "$("$CLIENT" "$STUBS" "$addr" health)" = SERVING ] || bad "not SERVING after a client gave up"
expect OK RecoverMMOrBIO '{"pid": 1, "callchain": [{"funcname": "__x64_sys_mount"}]}'
count

echo "== SIGTERM"
kill -TERM $serve_pid
serve_status=0
wait $serve_pid || serve_status=$?
cat "$log"
[ "$serve_status" = 0 ] || bad "kfault serve exited $serve_status on SIGTERM"
# the request the client gave up on was served (and logged), or never arrived
calls=$((calls + $(grep -c 'pid 2147483646' "$log" || true)))
[ "$(grep -c '^kfault serve: [A-Za-z]* pid ' "$log")" = "$calls" ] || bad "not one log line per request ($calls)"
grep -q '^kfault serve: detached 0 injections (0 targets); exiting$' "$log" || bad "no last line"

echo "== TCP, as Chaos Mesh calls it (the VM tests use a unix socket)"
# a free port on loopback, listened on as 0.0.0.0:PORT like the default
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$KFAULT" serve --listen "0.0.0.0:$port" --btf "$btf" 2>"$tmp/tcp.log" &
serve_pid=$!
if "$CLIENT" "$STUBS" "127.0.0.1:$port" wait 60; then
	[ "$("$CLIENT" "$STUBS" "127.0.0.1:$port" health bpfki.BPFKIService)" = SERVING ] ||
		bad "TCP: bpfki.BPFKIService is not SERVING"
	out=$("$CLIENT" "$STUBS" "127.0.0.1:$port" call RecoverMMOrBIO \
		'{"pid": 1, "callchain": [{"funcname": "__x64_sys_mount"}]}')
	echo "TCP RecoverMMOrBIO -> $out"
	[ "$(head -n1 <<<"$out")" = OK ] || bad "TCP: a recover of what is not armed is not OK"
else
	bad "TCP: no answer on 127.0.0.1:$port"
fi
kill -TERM $serve_pid
serve_status=0
wait $serve_pid || serve_status=$?
cat "$tmp/tcp.log"
[ "$serve_status" = 0 ] || bad "TCP: kfault serve exited $serve_status on SIGTERM"
grep -q "listening on 0.0.0.0:$port" "$tmp/tcp.log" || bad "TCP: no line saying where it listens"

echo "== the command line"
out=$("$KFAULT" serve --listen 256.0.0.1:1 --btf "$btf" 2>&1) && bad "an address it cannot listen on: exit 0"
echo "$out"
grep -q 'kfault serve: cannot listen on 256.0.0.1:1' <<<"$out" || bad "no message for a bad address"
out=$("$KFAULT" serve extra 2>&1) && bad "an operand: exit 0"
[ "$("$KFAULT" serve extra 2>/dev/null; echo $?)" = 2 ] || bad "an operand: not a usage error"
grep -q "kfault serve: unexpected operand 'extra'" <<<"$out" || bad "no message for an operand"
out=$("$KFAULT" serve --btf /nonexistent 2>&1) && bad "no BTF: exit 0"
grep -q 'kfault serve: cannot read kernel BTF from /nonexistent' <<<"$out" || bad "no message for no BTF"
[ "$status" = 0 ] && echo PASS
exit "$status"
