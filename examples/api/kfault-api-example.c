// SPDX-License-Identifier: MIT
/*
 * libkfault from a C program: compile a .fault file, load and attach it,
 * arm it for a while, print its counters, detach. Or, given a command,
 * run that command under it (as `kfault run FILE -- CMD` does) and exit
 * with its status.
 *
 *   kfault-api-example [--btf VMLINUX] [--backend kprobe|fmod_ret]
 *                      [--seconds N] FILE.fault [-- CMD [ARG...]]
 *
 *   sudo ./kfault-api-example --seconds 10 examples/mount.fault
 *   sudo ./kfault-api-example examples/mount.fault -- ./my-tool --mount /mnt
 *
 * Build it with pkg-config (examples/pkg-config/Makefile):
 *   cc kfault-api-example.c $(pkg-config --cflags --libs kfault)
 * or with CMake: target_link_libraries(app PRIVATE kfault::libkfault).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kfault/libkfault.h>

static const char usage[] =
	"Usage: kfault-api-example [--btf VMLINUX] [--backend kprobe|fmod_ret]\n"
	"                          [--seconds N] FILE.fault [-- CMD [ARG...]]\n";

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "btf", required_argument, NULL, 'b' },
		{ "backend", required_argument, NULL, 'B' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum kf_backend backend = KF_BACKEND_AUTO;
	const char *btf = NULL;
	struct kf_compilation *c = NULL;
	struct kf_injector *inj = NULL;
	const void *obj;
	size_t size;
	char **command = NULL;
	int seconds = 5, opt, err, status = 1;

	/* "+": options come before FILE; what follows "FILE --" is the command's. */
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 'b': btf = optarg; break;
		case 'B':
			if (!strcmp(optarg, "kprobe"))
				backend = KF_BACKEND_KPROBE;
			else if (!strcmp(optarg, "fmod_ret"))
				backend = KF_BACKEND_FMOD_RET;
			else {
				fprintf(stderr, "%s", usage);
				return 2;
			}
			break;
		case 's': seconds = atoi(optarg); break;
		case 'h': printf("%s", usage); return 0;
		default: fprintf(stderr, "%s", usage); return 2;
		}
	}
	if (optind + 2 < argc && !strcmp(argv[optind + 1], "--")) {
		command = &argv[optind + 2];
		argc = optind + 1;
	}
	if (optind != argc - 1 || seconds < 0) {
		fprintf(stderr, "%s", usage);
		return 2;
	}

	/* 1. Compile: diagnostics come back as data; print them kfault's way. */
	KF_COMPILE_OPTS(copts, .btf_path = btf);
	err = kf_compile_file(argv[optind], &copts, &c);
	if (c) {
		kf_compilation__print_diags(c, stderr);
		for (size_t i = 0; i < kf_compilation__diag_cnt(c); i++) {
			const struct kf_diagnostic *d = kf_compilation__diag(c, i);

			fprintf(stderr, "diagnostic %zu: %s at %s:%d:%d\n", i,
				kf_diag_level_str(d->level), d->file, d->line, d->column);
		}
	}
	if (err) {
		fprintf(stderr, "kfault-api-example: cannot compile %s: %s\n", argv[optind],
			strerror(-err));
		goto free_compilation;
	}
	obj = kf_compilation__object(c, &size);
	printf("compiled %s with libkfault %s: %zu bytes of BPF object\n", argv[optind],
	       kf_version(), size);

	/* 2. Load and attach (root, or CAP_BPF + CAP_PERFMON + CAP_SYS_ADMIN). */
	KF_INJECTOR_OPTS(iopts, .backend = backend);
	inj = kf_injector__open_mem(obj, size, argv[optind], &iopts);
	if (!inj) {
		fprintf(stderr, "kfault-api-example: cannot open the object: %s\n", strerror(errno));
		goto free_compilation;
	}
	if (command) {
		/* 2'. Or run the command under it: it is targeted (with whatever
		 * it starts) and armed before its first instruction. */
		err = kf_injector__run_command(inj, command, NULL);
		if (err < 0) {	/* it did not run */
			fprintf(stderr, "kfault-api-example: %s\n", kf_injector__errmsg(inj));
			goto destroy_injector;
		}
		printf("%s exited with status %d\n", command[0], err);
		status = err;
		goto counters;
	}
	err = kf_injector__load(inj);
	if (!err)
		err = kf_injector__attach(inj);
	if (!err)
		err = kf_injector__arm(inj, -1, true);
	if (err) {
		fprintf(stderr, "kfault-api-example: %s\n", kf_injector__errmsg(inj));
		goto destroy_injector;
	}
	printf("armed %d injection(s) with %d probe(s) (%s backend) for %d s\n",
	       kf_injector__injection_cnt(inj), kf_injector__probe_cnt(inj),
	       kf_backend_name(kf_injector__backend(inj)), seconds);
	fflush(stdout);

	/* 3. Let it inject, then detach: the counters stay readable. */
	sleep((unsigned int)seconds);
	err = kf_injector__detach(inj);
	if (err) {
		fprintf(stderr, "kfault-api-example: %s\n", kf_injector__errmsg(inj));
		goto destroy_injector;
	}
	printf("detached\n");
	status = 0;
counters:
	for (int i = 0; i < kf_injector__injection_cnt(inj); i++) {
		const struct kf_meta *m = kf_injector__meta(inj, i);
		struct kf_stats st;

		err = kf_injector__stats(inj, i, &st);
		if (err) {
			fprintf(stderr, "kfault-api-example: counters: %s\n", strerror(-err));
			status = 1;
			goto destroy_injector;
		}
		printf("injection %d (%s:%u, fails %s): hits %llu decisions %llu injected %llu\n",
		       i, m->source, m->line, m->site, (unsigned long long)st.hits,
		       (unsigned long long)st.decisions, (unsigned long long)st.injected);
	}

destroy_injector:
	kf_injector__destroy(inj);
free_compilation:
	kf_compilation__free(c);
	return status;
}
