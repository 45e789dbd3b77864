// SPDX-License-Identifier: MIT
/*
 * kfault-run: 'kfault run' for prebuilt objects only, in a small program
 * that links the runtime (libbpf and libc) and nothing of the compiler: for
 * machines that only run injections (a CI runner, a Kubernetes node).
 * Build objects with 'kfault build' elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "sweep-cmd.h"

const struct cli_command cli_kfault_run = {
	"kfault-run", "kfault-run [OPTIONS] OBJECT.bpf.o [-- CMD [ARG...]]\n"
	"       kfault-run sweep [OPTIONS] OBJECT.bpf.o -- CMD [ARG...]",
	"Attach the injections of a BPF object that 'kfault build' made, keep them armed\n"
	"for their duration or at each tick of their schedule, and detach: 'kfault run'\n"
	"without the compiler. Ctrl-C stops it at any time; so does any exit, kill -9\n"
	"included: the kernel removes the probes with the process. 'kfault-run sweep'\n"
	"is 'kfault sweep' for objects ('kfault-run sweep --help').",
	run_options,
	"Exit status: 0 done, 2 bad usage, 3 other failure, 4 the kernel cannot do it\n"
	"(see the message), 5 the kernel refused to load it.\n",
};

/* 'kfault sweep' for prebuilt objects: what 'kfault sweep --vm' runs in the guest. */
static const struct cli_command cli_kfault_run_sweep = {
	"kfault-run sweep", "kfault-run sweep [OPTIONS] OBJECT.bpf.o -- CMD [ARG...]",
	"Fail every failure point CMD reaches, one at a time, and report what breaks:\n"
	"'kfault sweep' without the compiler (see kfault(1)).",
	sweep_options,
	"Exit status: 0 swept, nothing crashed, hung or made the kernel complain;\n"
	"6 some point did; 2 bad usage, 3 other failure, 4 the kernel cannot do it,\n"
	"5 the kernel refused to load it.\n",
};

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("kfault-run %s\n", KFAULT_VERSION);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "sweep") == 0)
		return sweep_main(&cli_kfault_run_sweep, argc - 1, argv + 1, NULL);
	return run_main(&cli_kfault_run, argc, argv, NULL);
}
