// SPDX-License-Identifier: MIT
/*
 * kfault explain FILE: what FILE (a .fault file, KernelChaos YAML, or an
 * object that 'kfault build' made) would attach, in words or JSON, without
 * loading anything into the kernel and without privileges. 'kfault run
 * --list-sites FILE' says the same with run's options applied
 * (list-sites.c, which kfault-run has too; a source needs this file).
 */
#include <stdio.h>
#include <string.h>

#include "list-sites.h"
#include "source.h"

enum { OPT_JSON = 256 };

static const struct cli_option explain_options[] = {
	{ "json", 'j', OPT_JSON, NULL, "print it as JSON, on one line" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_explain = {
	"explain", "explain [OPTIONS] FILE",
	"Say what FILE would attach, without loading anything into the kernel and\n"
	"without root: for each injection, where it is, what fails and the value it\n"
	"fails with, the kernel functions probed (the call chain, outermost first, then\n"
	"the failure site, with their predicates as written), the backend when the\n"
	"kernel does not decide it, the probability, times, duration, schedule and\n"
	"target. FILE is a .fault file, KernelChaos YAML, or a BPF object that 'kfault\n"
	"build' made (an object does not record the predicates).",
	explain_options,
	"FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	"resource, .yaml or .yml; see docs/compat.md). 'kfault run --list-sites FILE'\n"
	"says the same with run's options applied (targets, --backend, --duration).\n"
	"\n"
	"Examples:\n"
	"  kfault explain examples/bananas.fault\n"
	"  kfault explain --json mount.bpf.o\n"
	"\n"
	"Exit status: 0 done, 1 the file has errors, 2 bad usage, 3 other failure.\n",
};

struct explain_cmd {
	bool json;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct explain_cmd *o = ctx;

	(void)arg;
	if (key != OPT_JSON)
		return EXIT_USAGE;
	o->json = true;
	return 0;
}

/* Compiled as 'kfault check' compiles it: the same diagnostics, the same exit status. */
int explain_source(void *ctx, const char *path, bool targeted, struct kf_explain *e)
{
	struct cli_source *s = ctx;
	struct kf_unit u;
	int status, err;

	s->path = path;
	s->targeted = targeted;
	status = cli_compile(s, &u, false, NULL, false, NULL);
	if (!status) {
		err = kf_unit__explain(&u, e);
		if (err) {
			fprintf(stderr, "kfault: %s: cannot explain it: %s\n", path, strerror(-err));
			status = EXIT_FAIL;
		}
	}
	kf_unit__fini(&u);
	return status;
}

int cmd_explain(int argc, char **argv)
{
	struct explain_cmd o = {0};
	struct cli_source src = {0};
	int first, status = cli_parse(&cli_explain, argc, argv, set_option, &o, &first);

	if (status >= 0)
		return status;
	if (first != argc - 1)
		return cli_usage(&cli_explain, "%s", "give exactly one FILE");
	KF_OPTS(kf_explain_opts, eo, .json = o.json);
	return list_sites(&cli_explain, argv[first], &eo, explain_source, &src);
}
