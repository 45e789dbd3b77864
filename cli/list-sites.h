/* SPDX-License-Identifier: MIT */
/*
 * What a file would attach, said without loading anything into the kernel
 * (runtime/explain.h): 'kfault explain FILE' (explain.c) and 'kfault run
 * --list-sites FILE', which kfault-run has too. This half is in both
 * programs: objects, and run's option. A source needs the front end, which
 * only kfault links: kfault gives run explain_source() (struct run_sources).
 */
#ifndef KFAULT_CLI_LIST_SITES_H
#define KFAULT_CLI_LIST_SITES_H

#include <stdbool.h>

#include "cli.h"
#include "explain.h"
#include "run.h"

/* kfault's (explain.c): ctx is a struct cli_source. */
int explain_source(void *ctx, const char *path, bool targeted, struct kf_explain *e);

/*
 * Print what path would attach: an object (an ELF file), or with source
 * anything else, as a source. Returns the exit status.
 */
int list_sites(const struct cli_command *cmd, const char *path, const struct kf_explain_opts *opts,
	       run_explain_fn source, void *ctx);

#endif
