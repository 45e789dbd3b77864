// SPDX-License-Identifier: MIT
/*
 * kfault: the command line.
 *
 *   kfault check FILE                          diagnostics only
 *   kfault gen FILE [-o OUT]                   the generated BPF C
 *   kfault build FILE -o OUT [--btf VMLINUX] [--emit c|obj|header|skel]   a BPF object
 *         [-M|--depfile OUT.d] [--name NAME]      (a make rule; the skeleton's name)
 *   kfault run OBJECT|FILE [OPTIONS]           inject (runtime/run.c)
 *   kfault convert FILE [-o OUT]               the native .fault text of FILE
 *   kfault inject [-I H]... [-P P] [-c N] [-v] MODE SPEC [TARGET]   bcc inject.py's command
 *   kfault check|gen|convert --inject-py [-I H]... [-P P] [-c N] MODE SPEC
 *   kfault templates DIR                       the headers generated C includes
 *
 * Exit status: 0 ok, 1 the file has errors, 2 usage, 3 other failure;
 * 'run' adds 4 (the kernel cannot do it) and 5 (the kernel refused it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btf_types.h"
#include "build.h"
#include "depfile.h"
#include "frontend.h"
#include "injectpy.h"
#include "run.h"
#include "skel.h"
#include "util.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25	/* Linux 6.1 */
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000	/* Linux 4.17 */
#endif

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
	"  convert FILE [-o OUT]  print FILE (e.g. KernelChaos YAML) as a native .fault file\n"
	"  inject MODE SPEC       bcc inject.py's command line, run (kfault inject --help)\n"
	"  templates DIR          write kfault.h and kfault.bpf.h, which generated C includes\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      gen, build: write to FILE ('-' for standard output)\n"
	"      --btf VMLINUX      kernel types from this BTF or vmlinux (default\n"
	"                         /sys/kernel/btf/vmlinux); build and run always check\n"
	"                         FILE against kernel BTF, check and gen only with --btf\n"
	"      --emit WHAT        build: write the object (obj, the default), the generated\n"
	"                         C (c), the vmlinux.h it is compiled with (header), or a\n"
	"                         C header embedding the object with a typed API (skel)\n"
	"      --name NAME        --emit skel: the skeleton's name (default: FILE's name\n"
	"                         without .fault, plus _kfault)\n"
	"  -M, --depfile FILE     gen, build: also write a make rule to FILE listing what\n"
	"                         the output depends on (written only on success)\n"
	"      --inject-py        check, gen, convert: instead of FILE, inject.py's arguments\n"
	"                         [-I header]... [-P probability] [-c count] MODE SPEC\n"
	"      --kernel-headers DIR  check, gen, build: predicates may use the macros of\n"
	"                         this kernel build or headers tree, and build compiles\n"
	"                         against its headers instead of a vmlinux.h from BTF\n"
	"  -v, --verbose          build: also say how the object was made when it matters\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	"resource, .yaml or .yml; see docs/compat.md) wherever a .fault file goes.\n"
	"\n"
	"Examples:\n"
	"  kfault check examples/mount.fault\n"
	"  kfault gen examples/bananas.fault -o bananas.bpf.c\n"
	"  kfault build examples/mount.fault -o mount.bpf.o\n"
	"  sudo kfault run examples/mount.fault --comm mount-loop --duration 30s\n"
	"  kfault convert examples/kernelchaos.yaml -o bananas.fault\n"
	"\n"
	"Exit status: 0 success, 1 the file has errors, 2 bad usage, 3 other failure;\n"
	"run also 4 (the kernel cannot do it) and 5 (the kernel refused to load it).\n"
	"See kfault(1) and kfault(5), and docs/tutorial.md to start.\n";

static const char *btf_path;	/* --btf, for 'run' on a .fault file too */
static const char *kernel_headers;	/* --kernel-headers: build against this kernel tree */
static bool run_targeted;		/* run: the command line targets every injection */

/*
 * 'kfault inject' and --inject-py: an inject.py command line to compile
 * instead of a file (compiler/injectpy.h); its spec is the source.
 */
static struct kf_injectpy ipy;
static const char *ipy_spec;	/* non-NULL: compile it rather than a file */
static bool ipy_verbose;	/* -v: print the generated C before running */

__attribute__((format(printf, 2, 3)))
static int ipy_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kfault %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kfault %s --help'.\n", cmd);
	return EXIT_USAGE;
}

/* One of inject.py's options -I, -P, -c, -v for command cmd: 0 or the exit status. */
static int ipy_option(const char *cmd, int c, const char *arg)
{
	static const char **headers;
	int err;

	switch (c) {
	case 'I':
		headers = kf_realloc_array(headers, ipy.nheaders + 1, sizeof(*headers));
		headers[ipy.nheaders++] = arg;
		ipy.headers = headers;
		return 0;
	case 'P':
		err = kf_injectpy__parse_probability(arg, &ipy.percent);
		if (err == -EINVAL)
			return ipy_usage(cmd, "-P takes a probability, a number such as 0.01, not '%s'", arg);
		if (err)
			return ipy_usage(cmd, "-P %s is not a probability above 0 and at most 1", arg);
		ipy.probability = arg;
		return 0;
	case 'c':
		if (kf_injectpy__parse_count(arg, &ipy.times))
			return ipy_usage(cmd, "-c takes a number of injections, at least 1 (-1: no limit), not '%s'",
					 arg);
		ipy.count = arg;
		return 0;
	case 'v':
		ipy_verbose = true;
		return 0;
	}
	return EXIT_USAGE;
}

/* inject.py's operands, MODE SPEC: argv[first..argc). 0 or the exit status. */
static int ipy_operands(const char *cmd, int argc, char **argv, int first)
{
	if (argc - first != 2)
		return ipy_usage(cmd, "%s", "give inject.py's MODE (kmalloc, bio or alloc_page) and SPEC");
	if (kf_injectpy__parse_mode(argv[first], &ipy.mode))
		return ipy_usage(cmd, "invalid mode '%s' (choose from kmalloc, bio, alloc_page)", argv[first]);
	ipy_spec = argv[first + 1];
	return 0;
}

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
		kbtf = kf_btf_open_indexed(btf_path);
		if (!kbtf) {
			fprintf(stderr, "kfault: cannot read kernel BTF from %s: %s\n",
				btf_path ? btf_path : "/sys/kernel/btf/vmlinux", strerror(errno));
			fprintf(stderr, "kfault: the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX\n");
			return EXIT_FAIL;
		}
	}
	src = ipy_spec ? kf_injectpy__source(ipy_spec) : kf_source__read(path);
	if (!src) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(errno));
		kf_btf__free(kbtf);
		return EXIT_FAIL;
	}
	KF_OPTS(kf_unit_opts, uo, .btf = kbtf, .macros = kernel_headers != NULL,
		.target_given = run_targeted);
	ipy.btf = kbtf;
	if (ipy_spec) {
		uo.translate = kf_injectpy__translate;
		uo.translate_ctx = &ipy;
	}
	err = kf_unit__compile_opts(u, src, &uo);
	if (!err && obj) {
		KF_OPTS(kf_build_opts, bo, .btf = kbtf, .in_process = in_process,
			.kernel_headers = kernel_headers);

		err = kf_build(u, &bo, obj);
		if (obj->log && ipy_verbose)
			fprintf(stderr, "kfault: %s", obj->log);
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
static int compile_for_run(const char *path, bool targeted, void **data, size_t *size)
{
	struct kf_object obj = {0};
	struct kf_unit u;
	int status;

	run_targeted = targeted;
	status = compile(path, &u, &obj, true, false, NULL);
	if (!status && ipy_verbose) {
		/* as inject.py -v does, before running */
		fwrite(u.prog.text, 1, u.prog.len, stdout);
		fflush(stdout);
	}
	kf_unit__fini(&u);
	*data = obj.data;
	*size = obj.size;
	return status;
}

/* Headers mode: the files the `headers` statements named, where clang found them. */
static void add_header_deps(struct kf_deps *deps, struct kf_unit *u)
{
	const char **dirs;
	char **args = NULL;
	size_t nargs = 0, ndirs = 0;

	if (kf_build_kernel_headers_args(&u->diags, kernel_headers, &args, &nargs))
		return;
	dirs = kf_calloc(nargs ? nargs : 1, sizeof(*dirs));
	for (size_t i = 0; i < nargs; i++)
		if (strncmp(args[i], "-isystem", 8) == 0)
			dirs[ndirs++] = args[i] + 8;
	kf_deps__add_headers(deps, u->file, dirs, ndirs);
	free(dirs);
	kf_build_free_args(args, nargs);
}

static int cmd_compile(const char *cmd, int argc, char **argv)
{
	enum { OPT_BTF = 256, OPT_EMIT, OPT_NAME, OPT_INJECTPY, OPT_KERNEL_HEADERS };
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "emit", required_argument, NULL, OPT_EMIT },
		{ "depfile", required_argument, NULL, 'M' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "kernel-headers", required_argument, NULL, OPT_KERNEL_HEADERS },
		{ "help", no_argument, NULL, 'h' },
		{ "inject-py", no_argument, NULL, OPT_INJECTPY },
		{ "include", required_argument, NULL, 'I' },
		{ "probability", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	bool build = strcmp(cmd, "build") == 0, gen = strcmp(cmd, "gen") == 0;
	bool inject_py = false, ipy_opts = false;
	const char *output = NULL, *emit = NULL, *depfile = NULL, *name = NULL, *path;
	struct kf_object obj = {0};
	struct kf_deps deps = {0};
	char *skel_name = NULL;
	bool skel = false;
	struct kf_unit u;
	int c, status, err = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:M:hI:P:c:v", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_BTF: btf_path = optarg; break;
		case OPT_EMIT: emit = optarg; break;
		case 'M': depfile = optarg; break;
		case OPT_NAME: name = optarg; break;
		case OPT_KERNEL_HEADERS: kernel_headers = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_INJECTPY: inject_py = true; break;
		case 'v': ipy_verbose = true; break;
		case 'I': case 'P': case 'c':
			ipy_opts = true;
			status = ipy_option(cmd, c, optarg);
			if (status)
				return status;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (ipy_opts && !inject_py)
		return usage_error("-I, -P and -c go with --inject-py, not '%s' alone", cmd);
	if (inject_py && (status = ipy_operands(cmd, argc, argv, optind)))
		return status;
	if (!inject_py && optind != argc - 1)
		return usage_error("'%s' takes exactly one FILE", cmd);
	if (output && !gen && !build)
		return usage_error("-o goes with 'gen' and 'build', not '%s'", cmd);
	if (build && !output)
		return usage_error("%s", "'build' needs -o OUT.bpf.o");
	if (emit && !build)
		return usage_error("--emit goes with 'build', not '%s'", cmd);
	if (emit && strcmp(emit, "c") && strcmp(emit, "obj") && strcmp(emit, "header") &&
	    strcmp(emit, "skel"))
		return usage_error("--emit takes c, obj, header or skel, not '%s'", emit);
	if (depfile && !gen && !build)
		return usage_error("-M goes with 'gen' and 'build', not '%s'", cmd);
	if (depfile && (!output || !strcmp(output, "-")))
		return usage_error("%s", "-M needs -o OUT: the rule's target");
	if (name && (!emit || strcmp(emit, "skel")))
		return usage_error("%s", "--name goes with --emit skel");
	if (name && !kf_skel_name_ok(name))
		return usage_error("--name takes a C identifier of at most 64 characters, not '%s'", name);
	skel = emit && !strcmp(emit, "skel");
	if (emit && !strcmp(emit, "header"))
		build = false;
	if (emit && !strcmp(emit, "c")) {
		/* the C 'kfault build' compiles: checked against BTF like the object */
		build = false;
		gen = true;
	}

	path = inject_py ? "<spec>" : argv[optind];
	status = compile(path, &u, build ? &obj : NULL, btf_path || emit, true,
			 emit && !strcmp(emit, "header") ? &obj : NULL);
	if (!status && emit && !strcmp(emit, "header"))
		err = write_file(output, obj.data, obj.size);
	if (!status && skel) {
		char *text;
		size_t len;

		skel_name = name ? kf_strdup(name) :
			    kf_skel_default_name(inject_py ? "inject" : path);
		kf_skel_write(u.file, skel_name, path, obj.data, obj.size, &text, &len);
		err = write_file(output, text, len);
		free(text);
	} else if (!status && gen) {
		err = write_file(output ? output : "-", u.prog.text, u.prog.len);
	} else if (!status && build) {
		err = write_file(output, obj.data, obj.size);
	}
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", output ? output : "<stdout>", strerror(-err));
		status = EXIT_FAIL;
	}
	if (!status && depfile) {
		/* what a user can change: the file, a BTF file of their own */
		if (!inject_py && strcmp(path, "-"))
			kf_deps__add(&deps, path);
		if (btf_path && strcmp(btf_path, "/sys/kernel/btf/vmlinux"))
			kf_deps__add(&deps, btf_path);
		if (kernel_headers)
			add_header_deps(&deps, &u);
		err = kf_deps__write(&deps, output, depfile);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", depfile, strerror(-err));
			status = EXIT_FAIL;
		}
	}
	kf_deps__fini(&deps);
	free(skel_name);
	kf_object_fini(&obj);
	kf_unit__fini(&u);
	return status;
}

/*
 * The native text of a file: a translated format's translation (checked,
 * so what it prints compiles), a native file as it is.
 */
static int cmd_convert(int argc, char **argv)
{
	enum { OPT_INJECTPY = 256 };
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "inject-py", no_argument, NULL, OPT_INJECTPY },
		{ "include", required_argument, NULL, 'I' },
		{ "probability", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	const struct kf_source *text;
	bool inject_py = false, ipy_opts = false;
	struct kf_unit u;
	int c, status, err;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:hI:P:c:v", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_INJECTPY: inject_py = true; break;
		case 'I': case 'P': case 'c': case 'v':
			/* -v as inject.py has it: a pasted inject.py command line converts as it is */
			ipy_opts = true;
			status = ipy_option("convert", c, optarg);
			if (status)
				return status;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (ipy_opts && !inject_py)
		return usage_error("%s", "-I, -P, -c and -v go with --inject-py, not 'convert' alone");
	if (inject_py && (status = ipy_operands("convert", argc, argv, optind)))
		return status;
	if (!inject_py && optind != argc - 1)
		return usage_error("%s", "'convert' takes exactly one FILE");
	status = compile(inject_py ? "<spec>" : argv[optind], &u, NULL, false, false, NULL);
	if (status) {
		kf_unit__fini(&u);
		return status;
	}
	text = u.translated ? u.native : u.src;
	err = write_file(output, text->text, text->len);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", output, strerror(-err));
		status = EXIT_FAIL;
	}
	kf_unit__fini(&u);
	return status;
}

static const char inject_usage[] =
	"Usage: kfault inject [-I header]... [-P probability] [-c count] [-v]\n"
	"                     {kmalloc,bio,alloc_page} SPEC [TARGET OPTIONS]\n"
	"\n"
	"bcc's inject.py on kfault: fail slab allocations (kmalloc), block I/O (bio) or\n"
	"page allocations (alloc_page) while the call chain SPEC is on the stack. SPEC's\n"
	"frames are name(params)(predicate), joined by '=>', innermost first; a frame\n"
	"(predicate) without a name is the predicate of the hook itself. docs/compat.md\n"
	"says how this differs from inject.py.\n"
	"\n"
	"inject.py's options:\n"
	"  -I, --include header     a header the predicates need ('headers' of the .fault)\n"
	"  -P, --probability P      the probability that a call of the outermost frame\n"
	"                           fails, 0 < P <= 1 (default 1)\n"
	"  -c, --count N            inject at most N times, exactly (default, -1: no limit)\n"
	"  -v, --verbose            print the generated BPF C before running\n"
	"\n"
	"kfault's (as for 'kfault run'):\n"
	"      --pid PID [--children]  only process PID (and the processes it starts)\n"
	"      --comm NAME          only tasks named NAME\n"
	"      --cgroup PATH        only tasks in the cgroup v2 PATH and below\n"
	"      --duration TIME      stop after TIME (30s, 2m, 1h30m)\n"
	"      --backend B, --stay-armed, --log, --stack, --json, --btf VMLINUX\n"
	"  -h, --help               show this help\n"
	"\n"
	"Without --pid, --comm or --cgroup, every process on the host may see failures,\n"
	"as with inject.py.\n"
	"\n"
	"Examples:\n"
	"  sudo kfault inject kmalloc '__x64_sys_mount()' --comm mount-loop --duration 30s\n"
	"  sudo kfault inject -P 0.01 kmalloc 'mount_subtree() => btrfs_mount()' --comm mount\n"
	"  kfault convert --inject-py kmalloc 'mount_subtree() => btrfs_mount()'\n";

/*
 * inject.py's command line, compiled with kernel BTF and run by
 * runtime/run.c: the targeting options go to both the translation (so
 * the program and its -v text say who is targeted) and the runtime.
 */
static int cmd_inject(int argc, char **argv)
{
	enum { OPT_PID = 256, OPT_CHILDREN, OPT_COMM, OPT_CGROUP, OPT_DURATION, OPT_BTF,
	       OPT_RUN };
	static const struct option options[] = {
		{ "include", required_argument, NULL, 'I' },
		{ "probability", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "children", no_argument, NULL, OPT_CHILDREN },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "backend", required_argument, NULL, OPT_RUN },
		{ "stay-armed", no_argument, NULL, OPT_RUN },
		{ "log", no_argument, NULL, OPT_RUN },
		{ "stack", no_argument, NULL, OPT_RUN },
		{ "json", no_argument, NULL, OPT_RUN },
		{ NULL, 0, NULL, 0 },
	};
	char **run_argv = kf_calloc((size_t)argc + 1, sizeof(char *));
	int run_argc = 0, c, idx = 0, status = 0;
	char *end;
	long pid;

	run_argv[run_argc++] = kf_strdup(argv[0]);
	optind = 0;
	while ((c = getopt_long(argc, argv, "I:P:c:vh", options, &idx)) != -1) {
		switch (c) {
		case 'h':
			fputs(inject_usage, stdout);
			goto out;
		case 'I': case 'P': case 'c': case 'v':
			status = ipy_option("inject", c, optarg);
			if (status)
				goto out;
			continue;
		case OPT_BTF:
			btf_path = optarg;
			continue;
		case OPT_PID:
			/* run.c checks it; an invalid one is left out of the translation */
			pid = strtol(optarg, &end, 10);
			if (!*end && pid > 0 && pid <= 4194304)
				ipy.pid = (int)pid;
			break;
		case OPT_CHILDREN: ipy.children = true; break;
		case OPT_COMM: ipy.comm = optarg; break;
		case OPT_CGROUP: ipy.cgroup = optarg; break;
		case OPT_DURATION: ipy.duration = optarg; break;
		case OPT_RUN: break;
		default:
			fputs("Try 'kfault inject --help'.\n", stderr);
			status = EXIT_USAGE;
			goto out;
		}
		/* a kfault option: 'kfault run' takes it too */
		run_argv[run_argc++] = options[idx].has_arg ? kf_strfmt("--%s=%s", options[idx].name, optarg)
							    : kf_strfmt("--%s", options[idx].name);
	}
	status = ipy_operands("inject", argc, argv, optind);
	if (!status)
		status = kf_cmd_run_source(run_argc, run_argv, "<spec>", compile_for_run);
out:
	for (int i = 0; i < run_argc; i++)
		free(run_argv[i]);
	free(run_argv);
	return status;
}

static int cmd_templates(int argc, char **argv)
{
	static const char *const names[] = { "kfault.h", "kfault.bpf.h", "kfault.rt.bpf.c" };

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

/*
 * .bss in a huge page, see above. And 'build' compiles once, in this
 * process: grow the heap in one go for it, in huge pages
 * (kf_cc_reserve_heap()). Before main(), and before LLVM's static
 * constructors (those run at the default priority, after 101), so that
 * what they allocate, ~650 KiB that would take ~160 page faults, is in it
 * too. glibc calls constructors with main's arguments.
 */
/*
 * LLVM's static objects, ~480 KiB of .bss that its constructors write at
 * every start, ~105 page faults (docs/build.md, "Speed"): in one huge page
 * instead. kf_bss_huge is 2 MiB aligned, and what follows it in .bss (the
 * libraries are linked after main.c) is LLVM's; the anonymous mapping of
 * .bss is extended to the next 2 MiB boundary, unless the heap starts
 * there, and collapsed into a huge page (Linux 6.1; before it, or without
 * transparent huge pages, nothing changes). Before LLVM's constructors,
 * but after ld.so, which has written a page of it already.
 */
__attribute__((aligned(2 << 20))) char kf_bss_huge;
extern char _end[];

static void huge_bss(void)
{
	const uintptr_t huge = 2 << 20;
	uintptr_t start = (uintptr_t)&kf_bss_huge;
	uintptr_t end = ((uintptr_t)_end + 4095) & ~(uintptr_t)4095;
	uintptr_t top = (end + huge - 1) & ~(huge - 1);
	void *p;

	if (top > end) {
		if ((uintptr_t)sbrk(0) < top)
			return;
		p = mmap((void *)end, top - end, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			return;
		if (p != (void *)end) {	/* a kernel before MAP_FIXED_NOREPLACE */
			munmap(p, top - end);
			return;
		}
	}
	madvise((void *)start, top - start, MADV_HUGEPAGE);
	madvise((void *)start, top - start, MADV_COLLAPSE);
}

__attribute__((constructor(101))) static void reserve_heap(int argc, char **argv)
{
	huge_bss();
	if (argc >= 2 && argv && argv[1] && strcmp(argv[1], "build") == 0)
		kf_cc_reserve_heap(24 << 20);
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
	/* Each command parses its own options, from argv[1] on (getopt skips argv[0]). */
	if (strcmp(cmd, "check") == 0 || strcmp(cmd, "gen") == 0 || strcmp(cmd, "build") == 0)
		return cmd_compile(cmd, argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "convert") == 0)
		return cmd_convert(argc - 1, argv + 1);
	if (strcmp(cmd, "inject") == 0)
		return cmd_inject(argc - 1, argv + 1);
	if (strcmp(cmd, "templates") == 0)
		return cmd_templates(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
