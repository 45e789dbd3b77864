// SPDX-License-Identifier: MIT
/*
 * kfault convert: the native text of a file: a translated format's
 * translation (KernelChaos YAML, or with --inject-py an inject.py command
 * line; checked, so what it prints compiles), a native file as it is.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "source.h"

enum { OPT_OUTPUT = 256, OPT_INJECTPY };

static const struct cli_option convert_options[] = {
	{ "output", 'o', OPT_OUTPUT, "FILE", "write to FILE (default: standard output)" },
	{ "inject-py", 0, OPT_INJECTPY, NULL,
	  "instead of FILE, inject.py's arguments:\n[-I HEADER]... [-P P] [-c N] MODE SPEC" },
	IPY_OPTIONS,
	{ "verbose", 'v', IPY_VERBOSE, NULL, "accepted, as inject.py's -v: a pasted command converts" },
	/* as 'kfault inject' takes them: into the translation, as target and duration */
	{ "pid", 0, RUN_PID, "PID", "with --inject-py: 'target pid PID'" },
	{ "children", 0, RUN_CHILDREN, NULL, "with --pid: 'with children'" },
	{ "comm", 0, RUN_COMM, "NAME", "with --inject-py: 'target comm \"NAME\"'" },
	{ "cgroup", 0, RUN_CGROUP, "PATH", "with --inject-py: 'target cgroup \"PATH\"'" },
	{ "duration", 0, RUN_DURATION, "TIME", "with --inject-py: 'duration TIME'" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_convert = {
	"convert", "convert [OPTIONS] FILE [-o OUT]",
	"Print FILE as a native .fault file: KernelChaos YAML, or with --inject-py an\n"
	"inject.py command line, translated; a .fault file as it is.",
	convert_options,
	"Examples:\n"
	"  kfault convert examples/kernelchaos.yaml -o bananas.fault\n"
	"  kfault convert --inject-py -P 0.01 kmalloc '__x64_sys_mount()'\n"
	"  kfault convert --inject-py --comm mount kmalloc 'SyS_mount()'\n",
};

struct convert_opts {
	struct cli_source src;
	const char *output;
	struct run_opts run;	/* the targeting options, checked as 'kfault run' checks them */
	bool targeting;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct convert_opts *o = ctx;
	int status;

	switch (key) {
	case OPT_OUTPUT: o->output = arg; return 0;
	case OPT_INJECTPY: o->src.inject_py = true; return 0;
	case RUN_PID: case RUN_CHILDREN: case RUN_COMM: case RUN_CGROUP: case RUN_DURATION:
		status = run_set_option(&cli_convert, &o->run, key, arg);
		if (status)
			return status;
		o->targeting = true;
		break;
	default: return cli_source_ipy_option(&cli_convert, &o->src, key, arg);
	}
	/* as 'kfault inject': the translation carries the target and the duration */
	switch (key) {
	case RUN_PID: o->src.ipy.pid = o->run.inj.pid; break;
	case RUN_CHILDREN: o->src.ipy.children = true; break;
	case RUN_COMM: o->src.ipy.comm = arg; break;
	case RUN_CGROUP: o->src.ipy.cgroup = arg; break;
	case RUN_DURATION: o->src.ipy.duration = arg; break;
	}
	return 0;
}

int cmd_convert(int argc, char **argv)
{
	struct convert_opts o = { .output = "-" };
	const struct kf_source *text;
	struct kf_unit u;
	int first, status, err;

	run_opts_init(&o.run);
	status = cli_parse(&cli_convert, argc, argv, set_option, &o, &first);
	if (status >= 0)
		return status;
	if (o.src.ipy_given && !o.src.inject_py)
		return cli_usage(&cli_convert, "%s", "-I, -P and -c go with --inject-py");
	if (o.targeting && !o.src.inject_py)
		return cli_usage(&cli_convert, "%s", "--pid, --children, --comm, --cgroup and --duration "
				 "go with --inject-py (a file says its own targets)");
	if (o.targeting) {
		status = run_check_options(&cli_convert, &o.run);
		if (status >= 0)
			return status;
	}
	if (o.src.inject_py) {
		status = cli_source_ipy_operands(&cli_convert, &o.src, argc, argv, first);
		if (status)
			return status;
	} else if (first != argc - 1) {
		return cli_usage(&cli_convert, "%s", "give exactly one FILE");
	} else {
		o.src.path = argv[first];
	}
	status = cli_compile(&o.src, &u, false, NULL, false, NULL);
	if (status) {
		kf_unit__fini(&u);
		return status;
	}
	text = u.translated ? u.native : u.src;
	err = cli_write_file(o.output, text->text, text->len);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", o.output, strerror(-err));
		status = EXIT_FAIL;
	}
	kf_unit__fini(&u);
	return status;
}
