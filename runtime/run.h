/* SPDX-License-Identifier: MIT */
/* The 'kfault run' command (run.c). */
#ifndef KFAULT_RUN_H
#define KFAULT_RUN_H

#include <stddef.h>

/*
 * Compile a .fault file to a BPF object in memory (*obj, malloc'ed).
 * Returns 0, or the exit status to end with after printing diagnostics.
 */
typedef int (*kf_compile_fn)(const char *path, void **obj, size_t *size);

int kf_cmd_run(int argc, char **argv, kf_compile_fn compile);
/*
 * The same for a source that is no file ('kfault inject'): argv holds
 * options only, and the object is compile(source, ...).
 */
int kf_cmd_run_source(int argc, char **argv, const char *source, kf_compile_fn compile);

#endif
