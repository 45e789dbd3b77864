/* SPDX-License-Identifier: MIT */
/*
 * kfault's own test VM, for users: 'kfault run --vm FILE -- CMD' and
 * 'kfault vm build'. The VM is the test harness's (tests/vm/: run,
 * build-kernel, the guest's init), installed under share/kfault/vm and
 * copied to the same place in the build tree; this file finds it, builds or
 * finds the cached kernel, and runs one command in a boot.
 */
#ifndef KFAULT_CLI_VM_H
#define KFAULT_CLI_VM_H

#include "cli.h"
#include "run.h"

/* Exit status of 'run --vm' when the VM, not CMD, went wrong (kfault(1)). */
#define EXIT_VM		125

/* --vm-kernel's help, for run and sweep. */
#define VM_KERNEL_HELP \
	"with --vm: boot this kernel: a name of kfault's table\n" \
	"(6.12, the default; 6.1, newest, 6.12-nooverride,\n" \
	"6.12-nofailslab: built once if need be) or a directory\n" \
	"holding a kernel you built, bzImage and its vmlinux"

/*
 * Run o->command in the test VM, under the injection of path (an object, or
 * with compile a source, compiled here against the VM kernel's BTF).
 * Returns the exit status: CMD's, or kfault's in the guest, or EXIT_VM.
 */
int vm_run(const struct cli_command *cmd, const struct run_opts *o, const char *path,
	   run_compile_fn compile, void *ctx);

#endif
