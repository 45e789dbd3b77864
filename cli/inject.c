// SPDX-License-Identifier: MIT
/*
 * kfault inject: bcc inject.py's command line, compiled with kernel BTF and
 * run as 'kfault run' runs a file. The targeting options go both into the
 * translation (so that the program, and its -v text, say who is targeted)
 * and to the runtime.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "source.h"

static const struct cli_option inject_options[] = {
	IPY_OPTIONS,
	{ "verbose", 'v', IPY_VERBOSE, NULL, "print the generated BPF C before running" },
	{ "pid", 0, RUN_PID, "PID", "only process PID" },
	{ "children", 0, RUN_CHILDREN, NULL, "with --pid: and the processes it starts" },
	{ "comm", 0, RUN_COMM, "NAME", "only tasks named NAME" },
	{ "cgroup", 0, RUN_CGROUP, "PATH", "only tasks in the cgroup v2 PATH and below" },
	{ "duration", 0, RUN_DURATION, "TIME", "stop after TIME (30s, 2m, 1h30m)" },
	{ "backend", 0, RUN_BACKEND, "B", "kprobe, fmod_ret or auto, as for 'kfault run'" },
	{ "stay-armed", 0, RUN_STAY_ARMED, NULL, "as for 'kfault run'" },
	{ "log", 0, RUN_LOG, NULL, "as for 'kfault run'" },
	{ "stack", 0, RUN_STACK, NULL, "as for 'kfault run'" },
	{ "json", 0, RUN_JSON, NULL, "as for 'kfault run'" },
	{ "btf", 0, RUN_BTF, "VMLINUX", "compile against this BTF or vmlinux" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_inject = {
	"inject", "inject [-I HEADER]... [-P P] [-c N] [-v] {kmalloc,bio,alloc_page} SPEC\n"
	"                     [TARGET OPTIONS] [-- CMD [ARG...]]",
	"bcc's inject.py on kfault: fail slab allocations (kmalloc), block I/O (bio) or\n"
	"page allocations (alloc_page) while the call chain SPEC is on the stack. SPEC's\n"
	"frames are name(params)(predicate), joined by '=>', innermost first; a frame\n"
	"(predicate) without a name is the predicate of the hook itself. docs/compat.md\n"
	"says how this differs from inject.py.",
	inject_options,
	"Without --pid, --comm, --cgroup or -- CMD, every process on the host may see\n"
	"failures, as with inject.py. With -- CMD: as 'kfault run FILE -- CMD'.\n"
	"\n"
	"Examples:\n"
	"  sudo kfault inject kmalloc '__x64_sys_mount()' --comm mount-loop --duration 30s\n"
	"  sudo kfault inject -P 0.01 kmalloc 'mount_subtree() => btrfs_mount()' --comm mount\n"
	"  kfault convert --inject-py kmalloc 'mount_subtree() => btrfs_mount()'\n",
};

struct inject_opts {
	struct cli_source src;
	struct run_opts run;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct inject_opts *o = ctx;
	int status;

	if (key < RUN_BACKEND)
		return cli_source_ipy_option(&cli_inject, &o->src, key, arg);
	status = run_set_option(&cli_inject, &o->run, key, arg);
	if (status)
		return status;
	/* the translation carries the target and the duration too */
	switch (key) {
	case RUN_PID: o->src.ipy.pid = o->run.inj.pid; break;
	case RUN_CHILDREN: o->src.ipy.children = true; break;
	case RUN_COMM: o->src.ipy.comm = arg; break;
	case RUN_CGROUP: o->src.ipy.cgroup = arg; break;
	case RUN_DURATION: o->src.ipy.duration = arg; break;
	}
	return 0;
}

int cmd_inject(int argc, char **argv)
{
	struct inject_opts o = {0};
	int first, status;

	run_opts_init(&o.run);
	first = run_split_command(&o.run, argc, argv);
	if (first < argc && !o.run.command)
		return cli_usage(&cli_inject, "%s", "'--' must be followed by a command");
	argc = first;
	status = cli_parse(&cli_inject, argc, argv, set_option, &o, &first);
	if (status >= 0)
		return status;
	status = cli_source_ipy_operands(&cli_inject, &o.src, argc, argv, first);
	if (status)
		return status;
	status = run_check_options(&cli_inject, &o.run);
	if (status >= 0)
		return status;
	return run_injections(&cli_inject, &o.run, "<spec>", true, cli_compile_for_run, &o.src);
}
