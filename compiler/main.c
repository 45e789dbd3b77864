// SPDX-License-Identifier: MIT
/*
 * kfault: the command line.
 *
 *   kfault check FILE                          diagnostics only
 *   kfault gen FILE [-o OUT]                   the generated BPF C
 *   kfault build FILE -o OUT [--btf VMLINUX] [--emit c|obj|header]   a BPF object
 *   kfault run OBJECT|FILE [OPTIONS]           inject (runtime/run.c)
 *   kfault templates DIR                       the headers generated C includes
 *
 * Exit status: 0 ok, 1 the file has errors, 2 usage, 3 other failure;
 * 'run' adds 4 (the kernel cannot do it) and 5 (the kernel refused it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf_types.h"
#include "build.h"
#include "frontend.h"
#include "run.h"

#define EXIT_DIAG	1
#define EXIT_USAGE	2
#define EXIT_FAIL	3

static const char usage_text[] =
	"Usage: kfault COMMAND [OPTIONS] FILE\n"
	"\n"
	"Kernel fault injection, written in the kfault language (.fault files).\n"
	"\n"
	"Commands:\n"
	"  check FILE             check FILE and print its diagnostics\n"
	"  gen FILE [-o OUT]      print the BPF C generated for FILE\n"
	"  build FILE -o OUT      compile FILE to a BPF object (with BTF, CO-RE)\n"
	"  run OBJECT|FILE        inject: attach, arm, report, detach (kfault run --help)\n"
	"  templates DIR          write kfault.h and kfault.bpf.h, which generated C includes\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      gen, build: write to FILE ('-' for standard output)\n"
	"      --btf VMLINUX      kernel types from this BTF or vmlinux (default\n"
	"                         /sys/kernel/btf/vmlinux); build and run always check\n"
	"                         FILE against kernel BTF, check and gen only with --btf\n"
	"      --emit WHAT        build: write the object (obj, the default), the generated\n"
	"                         C (c) or the vmlinux.h it is compiled with (header)\n"
	"      --kernel-headers DIR  check, gen, build: predicates may use the macros of\n"
	"                         this kernel build or headers tree, and build compiles\n"
	"                         against its headers instead of a vmlinux.h from BTF\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"FILE may be - for standard input.\n"
	"\n"
	"Examples:\n"
	"  kfault check examples/mount.fault\n"
	"  kfault gen examples/bananas.fault -o bananas.bpf.c\n"
	"  kfault build examples/mount.fault -o mount.bpf.o\n"
	"  sudo kfault run examples/mount.fault --comm mount-loop --duration 30s\n"
	"\n"
	"Exit status: 0 success, 1 the file has errors, 2 bad usage, 3 other failure;\n"
	"run also 4 (the kernel cannot do it) and 5 (the kernel refused to load it).\n"
	"See docs/language.md for the language.\n";

static const char *btf_path;	/* --btf, for 'run' on a .fault file too */
static const char *kernel_headers;	/* --kernel-headers: build against this kernel tree */

static int usage_error(const char *fmt, const char *arg)
{
	fputs("kfault: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'kfault --help'.\n", stderr);
	return EXIT_USAGE;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (f != stdout && fclose(f) && !err)
		err = -errno;
	else if (f == stdout && fflush(f) && !err)
		err = -errno;
	return err;
}

/*
 * Source to generated C (and with obj, to an object); diagnostics printed.
 * With BTF (use_btf, or an object to build) the file is checked against
 * the kernel's types, and the object's vmlinux.h comes from the same BTF.
 */
static int compile(const char *path, struct kf_unit *u, struct kf_object *obj, bool use_btf,
		   bool in_process, struct kf_object *header)
{
	struct kf_btf *kbtf = NULL;
	struct kf_source *src;
	int err;

	memset(u, 0, sizeof(*u));
	if (use_btf || obj || header) {
		kbtf = kf_btf__open(btf_path);
		if (!kbtf) {
			fprintf(stderr, "kfault: cannot read kernel BTF from %s: %s\n",
				btf_path ? btf_path : "/sys/kernel/btf/vmlinux", strerror(errno));
			fprintf(stderr, "kfault: the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX\n");
			return EXIT_FAIL;
		}
	}
	src = kf_source__read(path);
	if (!src) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(errno));
		kf_btf__free(kbtf);
		return EXIT_FAIL;
	}
	err = kf_unit__compile_macros(u, src, kbtf, kernel_headers != NULL);
	if (!err && obj) {
		KF_OPTS(kf_build_opts, bo, .btf = kbtf, .in_process = in_process,
			.kernel_headers = kernel_headers);

		err = kf_build(u, &bo, obj);
	} else if (!err && header) {
		err = kf_build_header(u, kbtf, (char **)&header->data, &header->size);
	}
	kf_btf__free(kbtf);
	kf_diags__print(&u->diags, stderr);
	if (err == -EINVAL)
		return EXIT_DIAG;
	if (err) {
		if (!u->diags.errors)
			fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
		return u->diags.errors ? EXIT_DIAG : EXIT_FAIL;
	}
	return 0;
}

/* For 'kfault run FILE.fault'. */
static int compile_for_run(const char *path, void **data, size_t *size)
{
	struct kf_object obj = {0};
	struct kf_unit u;
	int status;

	status = compile(path, &u, &obj, true, false, NULL);
	kf_unit__fini(&u);
	*data = obj.data;
	*size = obj.size;
	return status;
}

static int cmd_compile(const char *cmd, int argc, char **argv)
{
	enum { OPT_BTF = 256, OPT_EMIT, OPT_KERNEL_HEADERS };
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "emit", required_argument, NULL, OPT_EMIT },
		{ "kernel-headers", required_argument, NULL, OPT_KERNEL_HEADERS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool build = strcmp(cmd, "build") == 0, gen = strcmp(cmd, "gen") == 0;
	const char *output = NULL, *emit = NULL;
	struct kf_object obj = {0};
	struct kf_unit u;
	int c, status, err = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_BTF: btf_path = optarg; break;
		case OPT_EMIT: emit = optarg; break;
		case OPT_KERNEL_HEADERS: kernel_headers = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return usage_error("'%s' takes exactly one FILE", cmd);
	if (output && !gen && !build)
		return usage_error("-o goes with 'gen' and 'build', not '%s'", cmd);
	if (build && !output)
		return usage_error("%s", "'build' needs -o OUT.bpf.o");
	if (emit && !build)
		return usage_error("--emit goes with 'build', not '%s'", cmd);
	if (emit && strcmp(emit, "c") && strcmp(emit, "obj") && strcmp(emit, "header"))
		return usage_error("--emit takes c, obj or header, not '%s'", emit);
	if (emit && !strcmp(emit, "header"))
		build = false;
	if (emit && !strcmp(emit, "c")) {
		/* the C 'kfault build' compiles: checked against BTF like the object */
		build = false;
		gen = true;
	}

	status = compile(argv[optind], &u, build ? &obj : NULL, btf_path || emit, true,
			 emit && !strcmp(emit, "header") ? &obj : NULL);
	if (!status && emit && !strcmp(emit, "header"))
		err = write_file(output, obj.data, obj.size);
	if (!status && gen)
		err = write_file(output ? output : "-", u.prog.text, u.prog.len);
	else if (!status && build)
		err = write_file(output, obj.data, obj.size);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", output ? output : "<stdout>", strerror(-err));
		status = EXIT_FAIL;
	}
	kf_object_fini(&obj);
	kf_unit__fini(&u);
	return status;
}

static int cmd_templates(int argc, char **argv)
{
	static const char *const names[] = { "kfault.h", "kfault.bpf.h" };

	if (argc != 2)
		return usage_error("%s", "'templates' takes exactly one DIR");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct kf_embedded *t = kf_template(names[i]);
		char path[4096];
		int err;

		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		err = write_file(path, t->data, t->size);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
			return EXIT_FAIL;
		}
	}
	return 0;
}

/* 'run' takes --btf too; pick it out before run.c parses the rest. */
static int cmd_run(int argc, char **argv)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--btf") == 0 && i + 1 < argc) {
			btf_path = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--btf=", 6) == 0) {
			btf_path = argv[i] + 6;
			continue;
		}
		argv[out++] = argv[i];
	}
	return kf_cmd_run(out, argv, compile_for_run);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return usage_error("%s", "no command given");
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("kfault %s\n", KFAULT_VERSION);
		return 0;
	}
	/* 'build' compiles once, in this process: grow the heap in one go for it. */
	if (strcmp(cmd, "build") == 0)
		kf_cc_prefault_heap(24 << 20);
	/* Each command parses its own options, from argv[1] on (getopt skips argv[0]). */
	if (strcmp(cmd, "check") == 0 || strcmp(cmd, "gen") == 0 || strcmp(cmd, "build") == 0)
		return cmd_compile(cmd, argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "templates") == 0)
		return cmd_templates(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
