// SPDX-License-Identifier: MIT
/* kfault templates DIR: the headers generated C includes, for compiling it by hand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "codegen.h"

static const struct cli_option templates_options[] = {
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_templates = {
	"templates", "templates DIR",
	"Write kfault.h, kfault.bpf.h and kfault.rt.bpf.c into DIR: the headers the\n"
	"generated BPF C includes, to compile 'kfault gen' output by hand\n"
	"(docs/build.md).",
	templates_options,
	NULL,
};

static int set_option(void *ctx, int key, const char *arg)
{
	(void)ctx;
	(void)key;
	(void)arg;
	return EXIT_USAGE;	/* the table has only --help */
}

int cmd_templates(int argc, char **argv)
{
	static const char *const names[] = { "kfault.h", "kfault.bpf.h", "kfault.rt.bpf.c" };
	int first, status = cli_parse(&cli_templates, argc, argv, set_option, NULL, &first);

	if (status >= 0)
		return status;
	if (first != argc - 1)
		return cli_usage(&cli_templates, "%s", "give exactly one DIR");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct kf_embedded *t = kf_template(names[i]);
		char path[4096];
		int err;

		snprintf(path, sizeof(path), "%s/%s", argv[first], names[i]);
		err = cli_write_file(path, t->data, t->size);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
			return EXIT_FAIL;
		}
	}
	return 0;
}
