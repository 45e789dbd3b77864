# shellcheck shell=bash
# What the benches' guest halves (overhead-guest.sh, peers-guest.sh) share;
# sourced, in the test VM.

klist=/sys/kernel/debug/kprobes/list
# kprobes_up [N]: whether N (default 3: all) kprobes of the seed scenario,
# on should_failslab and __x64_sys_mount, are registered
kprobes_up() {
	local n=0 addr type sym rest
	while read -r addr type sym rest; do
		case $sym in should_failslab+* | __x64_sys_mount+*) n=$((n + 1)) ;; esac
	done <"$klist"
	[ "$n" -ge "${1:-3}" ]
}
