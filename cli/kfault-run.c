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

const struct cli_command cli_kfault_run = {
	"kfault-run", "kfault-run [OPTIONS] OBJECT.bpf.o [-- CMD [ARG...]]",
	"Attach the injections of a BPF object that 'kfault build' made, keep them armed\n"
	"for their duration or at each tick of their schedule, and detach: 'kfault run'\n"
	"without the compiler. Ctrl-C stops it at any time; so does any exit, kill -9\n"
	"included: the kernel removes the probes with the process.",
	run_options,
	"Exit status: 0 done, 2 bad usage, 3 other failure, 4 the kernel cannot do it\n"
	"(see the message), 5 the kernel refused to load it.\n",
};

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("kfault-run %s\n", KFAULT_VERSION);
		return 0;
	}
	return run_main(&cli_kfault_run, argc, argv, NULL);
}
