/* SPDX-License-Identifier: MIT */
/*
 * What the commands that compile (check, gen, build, convert, run on a
 * source, inject) share: where the source is, how to read the kernel, and
 * inject.py's options when the source is an inject.py command line.
 */
#ifndef KFAULT_CLI_SOURCE_H
#define KFAULT_CLI_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "build.h"
#include "cli.h"
#include "frontend.h"
#include "injectpy.h"

/* inject.py's options, as check, gen, build, convert (--inject-py) and inject take them. */
enum {
	IPY_INCLUDE = 200,
	IPY_PROBABILITY,
	IPY_COUNT,
	IPY_VERBOSE,
};
#define IPY_OPTIONS							\
	{ "include", 'I', IPY_INCLUDE, "HEADER",			\
	  "a header the predicates need ('headers' of the .fault)" },	\
	{ "probability", 'P', IPY_PROBABILITY, "P",			\
	  "the probability that a call of the outermost frame\nfails, 0 < P <= 1 (default 1)" }, \
	{ "count", 'c', IPY_COUNT, "N",					\
	  "inject at most N times, exactly (default, -1: no limit)" }

struct cli_source {
	const char *path;		/* the file ("-": standard input), or "<spec>" */
	const char *btf_path;		/* --btf; NULL: /sys/kernel/btf/vmlinux */
	const char *kernel_headers;	/* --kernel-headers */
	bool targeted;			/* run: the command line targets every injection */
	bool verbose;			/* -v */
	enum kf_diag_format diag_format;	/* --diagnostics-format */
	/* an inject.py command line instead of a file */
	bool inject_py;
	bool ipy_given;			/* -I, -P or -c given */
	struct kf_injectpy ipy;
	const char *headers[64];	/* -I, for ipy.headers */
	const char *ipy_spec;
};

/* -I, -P, -c (and -v): into s; 0 or the exit status after cli_usage(). */
int cli_source_ipy_option(const struct cli_command *cmd, struct cli_source *s, int key,
			  const char *arg);
/* inject.py's operands MODE SPEC at argv[first..argc): 0 or the exit status. */
int cli_source_ipy_operands(const struct cli_command *cmd, struct cli_source *s, int argc,
			    char **argv, int first);

/*
 * Compile s: to the generated C in u; checked against kernel BTF when
 * use_btf or when an object or header is asked for; with obj, built to an
 * object (in this process when in_process); with header, the vmlinux.h the
 * object is built with instead. Diagnostics printed. 0, or the exit status.
 */
int cli_compile(struct cli_source *s, struct kf_unit *u, bool use_btf, struct kf_object *obj,
		bool in_process, struct kf_object *header);

/* For run and inject: compile s to an object in memory (in a forked child). */
int cli_compile_for_run(void *ctx, const char *path, const char *btf_path, bool targeted, void **obj,
			size_t *size);

#endif
