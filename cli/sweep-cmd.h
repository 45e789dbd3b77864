/* SPDX-License-Identifier: MIT */
/*
 * kfault sweep, the command (sweep.c): in kfault, and in kfault-run for
 * prebuilt objects (which is what runs in the test VM under --vm).
 */
#ifndef KFAULT_CLI_SWEEP_H
#define KFAULT_CLI_SWEEP_H

#include <stdbool.h>

#include "cli.h"
#include "run.h"
#include "sweep.h"

/* Exit status: some point crashed, hung, or made the kernel complain. */
#define EXIT_FOUND	6

struct sweep_opts {
	struct kf_sweeper_opts sweeper;
	enum kf_backend backend;
	const char *json_path, *junit_path, *repro_dir;
	const char *btf_path;		/* for a source compiled first */
	const char *source;		/* the .fault file, for reproducers */
	bool vm;
	const char *vm_kernel;		/* --vm-kernel: a kernel name or directory */
	char **command;			/* -- CMD [ARG...] */
};

struct sweep_cmd {
	const struct cli_command *cmd;
	struct sweep_opts opts;
};

extern const struct cli_option sweep_options[];
extern const struct cli_command cli_sweep;

void sweep_opts_init(struct sweep_opts *o);
/* The sweep here, on this kernel: the exit status. */
int sweep_here(const struct cli_command *cmd, const struct sweep_opts *o, const char *path,
	       run_compile_fn compile, void *ctx);
/* The sweep in the test VM (vm.c): the exit status. */
int vm_sweep(const struct cli_command *cmd, const struct sweep_opts *o, const char *path,
	     run_compile_fn compile, void *ctx);
/* kfault sweep's command line; src as for run_main(). */
int sweep_main(const struct cli_command *cmd, int argc, char **argv, const struct run_sources *src);

#endif
