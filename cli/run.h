/* SPDX-License-Identifier: MIT */
/*
 * What 'kfault run', 'kfault inject' and kfault-run share: the options that
 * say how to run (target, duration, backend, output), and the run itself.
 */
#ifndef KFAULT_CLI_RUN_H
#define KFAULT_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "injector.h"
#include "session.h"

enum {
	RUN_BACKEND = 300, RUN_PID, RUN_CHILDREN, RUN_COMM, RUN_CGROUP, RUN_DURATION,
	RUN_STAY_ARMED, RUN_LOG, RUN_STACK, RUN_JSON, RUN_BTF, RUN_LIST_SITES, RUN_VM, RUN_VM_KERNEL,
	RUN_VERBOSE, RUN_NAME,
};

struct kf_explain;

struct run_opts {
	struct kf_injector_opts inj;
	struct kf_session_opts session;
	bool json, log, stack;
	bool verbose;			/* -v: the time of each stage of the start, on stderr */
	const char *json_path;		/* --json=FILE; NULL: on stdout */
	const char *name;		/* --name: what messages call the object; NULL: its path */
	bool list_sites;		/* say what would be attached, and stop */
	enum { RUN_HERE, RUN_VM_ALWAYS, RUN_VM_AUTO } vm;	/* --vm[=auto]: vm.c */
	const char *vm_kernel;		/* --vm-kernel: a kernel name or directory; NULL: 6.12 */
	const char *btf_path;		/* for a source compiled first */
	char **command;			/* -- CMD [ARG...]: run it, targeting it alone; or NULL */
};

void run_opts_init(struct run_opts *o);
/* --backend's argument (kprobe, fmod_ret or fentry, auto): 0 or -EINVAL. */
int run_parse_backend(const char *s, enum kf_backend *b);
/* One of the RUN_ options: 0, or the exit status after cli_usage(). */
int run_set_option(const struct cli_command *cmd, struct run_opts *o, int key, const char *arg);
/* The checks between options once all are parsed: -1, or the exit status. */
int run_check_options(const struct cli_command *cmd, const struct run_opts *o);

/*
 * Compile a source (a .fault file, KernelChaos YAML, an inject.py spec) to
 * an object in memory: 0, or the exit status after printing why.
 */
typedef int (*run_compile_fn)(void *ctx, const char *path, const char *btf_path, bool targeted,
			      void **obj, size_t *size);

/*
 * Fill e from the source at path, diagnostics printed as 'kfault check'
 * prints them; targeted: the command line targets every injection. 0, or
 * the exit status.
 */
typedef int (*run_explain_fn)(void *ctx, const char *path, bool targeted, struct kf_explain *e);

/*
 * What a program with the front end (kfault) gives run for sources; NULL
 * members, or none at all (kfault-run), refuse them.
 */
struct run_sources {
	run_compile_fn compile;
	run_explain_fn explain;		/* for --list-sites */
	void *ctx;
};

/*
 * Run path: an object, or with compile (NULL: objects only) a source; with
 * from_source, path names a source that is no file (inject's "<spec>").
 * Returns the exit status.
 */
int run_injections(const struct cli_command *cmd, const struct run_opts *o, const char *path,
		   bool from_source, run_compile_fn compile, void *ctx);

/*
 * Split off "-- CMD [ARG...]": the index of the first "--" in argv (which
 * the options are parsed before), and the command after it in o->command;
 * argc when there is none.
 */
int run_split_command(struct run_opts *o, int argc, char **argv);

/* Run's command, for a program that can compile sources (compile) or not. */
int run_main(const struct cli_command *cmd, int argc, char **argv, const struct run_sources *src);
/* The options 'kfault run' and kfault-run take. */
extern const struct cli_option run_options[];

#endif
