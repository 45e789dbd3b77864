# SPDX-License-Identifier: MIT
# bash completion for kfault(1): commands, their options and option values,
# .fault files (and .bpf.o objects for 'run' and 'explain'). Installed as
# share/bash-completion/completions/kfault; works without the
# bash-completion package too (source it).
#
# The lists below are checked against each command's --help, which is printed
# from the table that parses its options (cli/), by tests/docs/check-completion.

_kfault_commands="check gen build explain run sweep convert inject templates vm list fmt lsp serve"
_kfault_global_opts="-h --help -V --version"

# inject.py's command line, after --inject-py (check, gen, build, convert)
_kfault_ipy_opts="--inject-py -I --include -P --probability -c --count -v --verbose"

# _kfault_opts COMMAND: the options of COMMAND.
_kfault_opts()
{
	case $1 in
	check) echo "--btf --no-btf --kernel-headers --diagnostics-format -h --help $_kfault_ipy_opts" ;;
	gen) echo "-o --output --btf --kernel-headers -M --depfile --diagnostics-format -h --help" \
		"$_kfault_ipy_opts" ;;
	build) echo "-o --output --btf --kernel-headers --emit --name -M --depfile -v --verbose" \
		"--diagnostics-format -h --help $_kfault_ipy_opts" ;;
	explain) echo "-j --json -h --help" ;;
	convert) echo "-o --output -h --help $_kfault_ipy_opts --pid --children --comm --cgroup --duration" ;;
	inject) echo "-I --include -P --probability -c --count -v --verbose -h --help" \
		"--pid --children --comm --cgroup --duration --btf --backend --stay-armed" \
		"--log --stack --json" ;;
	run) echo "-b --backend -p --pid --children -c --comm -g --cgroup -d --duration" \
		"--stay-armed -l --log --stack -j --json --btf -v --verbose --name --list-sites --vm --vm-kernel -h --help" ;;
	sweep) echo "--by --sites --errno --each -t --timeout --max-points -j --json --junit -r --repro" \
		"-b --backend --btf --source --vm --vm-kernel -h --help" ;;
	vm) echo "--config -h --help" ;;
	templates) echo "-h --help" ;;
	list) echo "--btf -i --injectable -h --help" ;;
	fmt) echo "--check -w --write -h --help" ;;
	lsp) echo "--btf --no-btf --stdio -h --help" ;;
	serve) echo "-L --listen -b --backend --btf -h --help" ;;
	esac
}

# _kfault_takes_arg OPTION: whether OPTION takes a value.
_kfault_takes_arg()
{
	case $1 in
	-o|--output|--btf|--emit|--name|-M|--depfile|-b|--backend|-p|--pid|-c|--comm|\
	-g|--cgroup|-d|--duration|--kernel-headers|-I|--include|-P|--probability|--count|\
	--by|--sites|--errno|--each|-t|--timeout|--max-points|-j|--json|--junit|-r|--repro|--source|\
	--vm-kernel|--config|--diagnostics-format|-L|--listen) return 0 ;;
	esac
	return 1
}

# _kfault_files GLOB...: files matching any GLOB, and directories.
_kfault_files()
{
	local cur=$1 g
	shift
	compopt -o filenames 2>/dev/null
	for g in "$@"; do
		COMPREPLY+=($(compgen -f -X "!$g" -- "$cur"))
	done
	COMPREPLY+=($(compgen -d -- "$cur"))
}

# _kfault_value OPTION CUR: complete the value of OPTION.
_kfault_value()
{
	local opt=$1 cur=$2
	case $opt in
	--emit) COMPREPLY=($(compgen -W "obj c header skel" -- "$cur")) ;;
	--diagnostics-format) COMPREPLY=($(compgen -W "text json sarif" -- "$cur")) ;;
	-b|--backend) COMPREPLY=($(compgen -W "auto kprobe fmod_ret" -- "$cur")) ;;
	-p|--pid) COMPREPLY=($(compgen -W "$(ls /proc 2>/dev/null | grep -E '^[0-9]+$')" -- "$cur")) ;;
	-c|--comm) COMPREPLY=($(compgen -W "$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)" -- "$cur")) ;;
	-g|--cgroup)
		compopt -o filenames 2>/dev/null
		if [[ $cur == /* ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		else
			COMPREPLY=($(cd /sys/fs/cgroup 2>/dev/null && compgen -d -- "$cur"))
		fi
		;;
	-d|--duration) COMPREPLY=($(compgen -W "10s 30s 1m 5m 1h" -- "$cur")) ;;
	--btf) _kfault_files "$cur" "*vmlinux*" "*.btf" ;;
	--vm-kernel)
		COMPREPLY=($(compgen -W "6.12 6.1 newest 6.12-nooverride 6.12-nofailslab" -- "$cur"))
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -d -- "$cur")) ;;
	--config) _kfault_files "$cur" "*.config" "*config*" ;;
	--name|--max-points) ;;
	--by) COMPREPLY=($(compgen -W "stack nth" -- "$cur")) ;;
	--each) COMPREPLY=($(compgen -W "once always" -- "$cur")) ;;
	--sites) COMPREPLY=($(compgen -W "file errinj" -- "$cur")) ;;
	--errno) COMPREPLY=($(compgen -W "ENOMEM EIO ENOSPC EINVAL EAGAIN EPERM" -- "$cur")) ;;
	-t|--timeout) COMPREPLY=($(compgen -W "10s 30s 1m 5m" -- "$cur")) ;;
	-r|--repro) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
	--source) _kfault_files "$cur" "*.fault" ;;
	*) compopt -o filenames 2>/dev/null
	   COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}

_kfault()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# the command: the first word after 'kfault' that is not an option
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} != -* ]]; then
			cmd=${COMP_WORDS[i]}
			break
		fi
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_kfault_global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_kfault_commands" -- "$cur"))
		fi
		return 0
	fi

	# run/sweep ... -- CMD [ARG...]: a command, then its own words
	if [[ $cmd == run || $cmd == sweep ]]; then
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -- ]] || continue
			if ((i + 1 == COMP_CWORD)); then
				COMPREPLY=($(compgen -c -- "$cur" | sort -u))
			elif declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))	# bash-completion: CMD's own completion
			else
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return 0
		done
	fi

	# --option=value: one word, or three when '=' breaks words (the default)
	if [[ $cur == --*=* ]]; then
		_kfault_value "${cur%%=*}" "${cur#*=}"
		return 0
	fi
	if [[ $cur == = ]] && _kfault_takes_arg "$prev"; then
		_kfault_value "$prev" ""
		return 0
	fi
	if [[ $prev == = ]] && ((COMP_CWORD > 1)) && _kfault_takes_arg "${COMP_WORDS[COMP_CWORD - 2]}"; then
		_kfault_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur"
		return 0
	fi
	if [[ $prev == -* ]] && _kfault_takes_arg "$prev" && [[ " $(_kfault_opts "$cmd") " == *" $prev "* ]]; then
		_kfault_value "$prev" "$cur"
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_kfault_opts "$cmd")" -- "$cur"))
		return 0
	fi
	case $cmd in
	check|gen|build|convert) _kfault_files "$cur" "*.fault" "*.yaml" "*.yml" ;;
	run|explain) _kfault_files "$cur" "*.fault" "*.yaml" "*.yml" "*.bpf.o" ;;
	sweep) _kfault_files "$cur" "*.fault" "*.bpf.o" ;;
	fmt) _kfault_files "$cur" "*.fault" ;;
	inject) COMPREPLY=($(compgen -W "kmalloc bio alloc_page" -- "$cur")) ;;
	templates) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
	vm) COMPREPLY=($(compgen -W "build" -- "$cur")) ;;
	list) ;;	# a pattern of kernel function names
	lsp) ;;		# no operands: an editor starts it
	serve) ;;	# no operands
	esac
	return 0
}

complete -F _kfault kfault
