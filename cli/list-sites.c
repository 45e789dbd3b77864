// SPDX-License-Identifier: MIT
/*
 * Explaining a file (list-sites.h): an object as the runtime reads it,
 * opened and not loaded; a source through the front end, where the
 * program has it; and run's --list-sites option.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "list-sites.h"
#include "opts.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* An object, as 'kfault run' reads it before loading. 0, or the exit status. */
static int explain_object(const char *path, struct kf_explain *e)
{
	/* libbpf's warnings are about loading, which this does not do */
	libbpf_print_fn_t print = libbpf_set_print(silent);
	struct kf_injector *inj = kf_injector__open_file(path, NULL);
	char msg[128];
	int err;

	libbpf_set_print(print);
	if (!inj) {
		/* what libbpf cannot open, a kfault object never is */
		if (access(path, R_OK) == 0)
			snprintf(msg, sizeof(msg), "not a kfault object (build one with 'kfault build')");
		else
			snprintf(msg, sizeof(msg), "%s", strerror(errno));
		fprintf(stderr, "kfault: %s: %s\n", path, msg);
		return EXIT_FAIL;
	}
	err = kf_explain__from_injector(e, inj);
	kf_injector__destroy(inj);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
		return EXIT_FAIL;
	}
	return 0;
}

int list_sites(const struct cli_command *cmd, const char *path, const struct kf_explain_opts *opts,
	       run_explain_fn source, void *ctx)
{
	const struct kf_injector_opts *run = opts ? opts->run : NULL;
	bool targeted = (opts && opts->command) ||
			(run && (run->pid > 0 || run->comm || run->cgroup));
	struct kf_explain *e = calloc(1, sizeof(*e));
	char prog[64];
	int status, err;

	if (!e) {
		fprintf(stderr, "kfault: %s\n", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	/* as 'kfault run' tells them apart: an ELF file is an object */
	if (cli_is_elf(path)) {
		status = explain_object(path, e);
	} else if (source) {
		status = source(ctx, path, targeted, e);
	} else {
		fprintf(stderr, "kfault: %s: not a BPF object; %s explains the objects that 'kfault build' "
			"made\n", path, cli_prog(cmd, prog, sizeof(prog)));
		status = EXIT_FAIL;
	}
	if (!status) {
		err = kf_explain__print(e, path, opts, stdout);
		if (err) {
			fprintf(stderr, "kfault: <stdout>: %s\n", strerror(-err));
			status = EXIT_FAIL;
		}
	}
	kf_explain__fini(e);
	free(e);
	return status;
}
