// SPDX-License-Identifier: MIT
/*
 * kfault check, gen and build: a .fault file (or KernelChaos YAML, or with
 * --inject-py an inject.py command line) to diagnostics, to the generated
 * BPF C, to a BPF object (or the vmlinux.h it is built with, or a skeleton).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depfile.h"
#include "ksyms.h"
#include "skel.h"
#include "source.h"
#include "util.h"

enum {
	OPT_OUTPUT = 256, OPT_BTF, OPT_EMIT, OPT_NAME, OPT_DEPFILE, OPT_KERNEL_HEADERS,
	OPT_INJECTPY, OPT_NO_BTF, OPT_DIAG_FORMAT,
};

#define OPT_BTF_ENTRY { "btf", 0, OPT_BTF, "VMLINUX",				\
	"kernel types from this BTF or vmlinux (default\n/sys/kernel/btf/vmlinux)" }
#define OPT_KHEADERS_ENTRY { "kernel-headers", 0, OPT_KERNEL_HEADERS, "DIR",	\
	"predicates may use the macros of this kernel build\nor headers tree" }
#define OPT_INJECTPY_ENTRY { "inject-py", 0, OPT_INJECTPY, NULL,		\
	"instead of FILE, inject.py's arguments:\n[-I HEADER]... [-P P] [-c N] MODE SPEC" }
#define OPT_OUTPUT_ENTRY { "output", 'o', OPT_OUTPUT, "FILE", "write to FILE ('-': standard output)" }
#define OPT_DIAG_FORMAT_ENTRY { "diagnostics-format", 0, OPT_DIAG_FORMAT, "FORMAT",	\
	"print diagnostics on standard error as text (the\ndefault), json (a JSON object a line) or sarif\n(SARIF 2.1.0, for CI code scanning)" }
#define OPT_DEPFILE_ENTRY { "depfile", 'M', OPT_DEPFILE, "FILE",		\
	"also write a make rule to FILE listing what the\noutput depends on (written only on success)" }

static const struct cli_option check_options[] = {
	{ "btf", 0, OPT_BTF, "VMLINUX",
	  "check against this BTF or vmlinux (default\n/sys/kernel/btf/vmlinux when it exists)" },
	{ "no-btf", 0, OPT_NO_BTF, NULL, "check without kernel BTF: the syntax and what\nneeds no kernel" },
	OPT_KHEADERS_ENTRY,
	OPT_INJECTPY_ENTRY,
	IPY_OPTIONS,
	{ "verbose", 'v', IPY_VERBOSE, NULL, "accepted, as inject.py's -v" },
	OPT_DIAG_FORMAT_ENTRY,
	CLI_OPT_HELP,
	{ NULL },
};

static const struct cli_option gen_options[] = {
	OPT_OUTPUT_ENTRY,
	OPT_BTF_ENTRY,
	OPT_KHEADERS_ENTRY,
	OPT_DEPFILE_ENTRY,
	OPT_INJECTPY_ENTRY,
	IPY_OPTIONS,
	{ "verbose", 'v', IPY_VERBOSE, NULL, "accepted, as inject.py's -v" },
	OPT_DIAG_FORMAT_ENTRY,
	CLI_OPT_HELP,
	{ NULL },
};

static const struct cli_option build_options[] = {
	OPT_OUTPUT_ENTRY,
	{ "btf", 0, OPT_BTF, "VMLINUX",
	  "kernel types from this BTF or vmlinux (default\n/sys/kernel/btf/vmlinux); FILE is checked against them" },
	{ "kernel-headers", 0, OPT_KERNEL_HEADERS, "DIR",
	  "compile against this kernel build or headers tree\ninstead of a vmlinux.h from BTF" },
	{ "emit", 0, OPT_EMIT, "WHAT",
	  "write the object (obj, the default), the generated\nC (c), the vmlinux.h it is compiled with (header), or a\n"
	  "C header embedding the object with a typed API (skel)" },
	{ "name", 0, OPT_NAME, "NAME",
	  "--emit skel: the skeleton's name (default: FILE's\nname without .fault, plus _kfault)" },
	OPT_DEPFILE_ENTRY,
	{ "verbose", 'v', IPY_VERBOSE, NULL,
	  "also say how the object was made when it matters\n(with --inject-py: inject.py's -v)" },
	OPT_INJECTPY_ENTRY,
	IPY_OPTIONS,
	OPT_DIAG_FORMAT_ENTRY,
	CLI_OPT_HELP,
	{ NULL },
};

static const char file_note[] =
	"FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	"resource, .yaml or .yml; see docs/compat.md).\n";

const struct cli_command cli_check = {
	"check", "check [OPTIONS] FILE",
	"Check FILE and print its diagnostics. With kernel BTF (the running kernel's,\n"
	"/sys/kernel/btf/vmlinux, when it exists, or --btf's), FILE is checked as\n"
	"'kfault build' checks it: kernel functions, types, members and error\n"
	"injection; --no-btf checks only what needs no kernel.",
	check_options,
	"FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	"resource, .yaml or .yml; see docs/compat.md).\n\n"
	"Exit status: 0 no errors, 1 the file has errors, 2 bad usage, 3 other failure.\n",
};

const struct cli_command cli_gen = {
	"gen", "gen [OPTIONS] FILE [-o OUT]",
	"Print the BPF C generated for FILE.",
	gen_options,
	file_note,
};

const struct cli_command cli_build = {
	"build", "build [OPTIONS] FILE -o OUT",
	"Compile FILE to a CO-RE BPF object, checked against kernel BTF, with clang in\n"
	"this process.",
	build_options,
	"FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	"resource, .yaml or .yml; see docs/compat.md).\n\n"
	"Examples:\n"
	"  kfault build examples/mount.fault -o mount.bpf.o\n"
	"  kfault build examples/mount.fault -o mount.skel.h --emit skel\n"
	"  kfault build --inject-py kmalloc '__x64_sys_mount()' -o mount.bpf.o\n",
};

struct compile_opts {
	const struct cli_command *cmd;
	struct cli_source src;
	const char *output, *emit, *depfile, *name;
	bool no_btf;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct compile_opts *o = ctx;

	switch (key) {
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_BTF: o->src.btf_path = arg; break;
	case OPT_EMIT: o->emit = arg; break;
	case OPT_NAME: o->name = arg; break;
	case OPT_DEPFILE: o->depfile = arg; break;
	case OPT_KERNEL_HEADERS: o->src.kernel_headers = arg; break;
	case OPT_INJECTPY: o->src.inject_py = true; break;
	case OPT_NO_BTF: o->no_btf = true; break;
	case OPT_DIAG_FORMAT:
		if (kf_diag_format_parse(arg, &o->src.diag_format))
			return cli_usage(o->cmd, "--diagnostics-format takes text, json or sarif, not '%s'", arg);
		break;
	default: return cli_source_ipy_option(o->cmd, &o->src, key, arg);
	}
	return 0;
}

/* Headers mode: the files the `headers` statements named, where clang found them. */
static void add_header_deps(struct kf_deps *deps, struct kf_unit *u, const char *kernel_headers)
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

/* Parse argv into o; -1 to go on, or the exit status. */
static int parse(struct compile_opts *o, int argc, char **argv)
{
	int first, status = cli_parse(o->cmd, argc, argv, set_option, o, &first);
	bool inject_py = o->src.inject_py;

	if (status >= 0)
		return status;
	if (o->src.ipy_given && !inject_py)
		return cli_usage(o->cmd, "%s", "-I, -P and -c go with --inject-py");
	if (inject_py) {
		o->src.inject_py = false;	/* set again with the operands */
		status = cli_source_ipy_operands(o->cmd, &o->src, argc, argv, first);
		return status ? status : -1;
	}
	if (first != argc - 1)
		return cli_usage(o->cmd, "%s", "give exactly one FILE");
	o->src.path = argv[first];
	return -1;
}

/*
 * The make rule's prerequisites, before anything is written: a path no
 * rule can hold fails the command with nothing written. 0 or the exit status.
 */
static int collect_deps(struct compile_opts *o, struct kf_unit *u, struct kf_deps *deps)
{
	const char *bad;
	char c;

	/* what a user can change: the file, a BTF file of their own */
	if (!o->src.inject_py && strcmp(o->src.path, "-"))
		kf_deps__add(deps, o->src.path);
	if (o->src.btf_path && strcmp(o->src.btf_path, "/sys/kernel/btf/vmlinux"))
		kf_deps__add(deps, o->src.btf_path);
	if (o->src.kernel_headers)
		add_header_deps(deps, u, o->src.kernel_headers);
	bad = kf_deps__unwritable(deps, o->output, &c);
	if (!bad)
		return 0;
	if (c == '\n' || c == '\r')
		fprintf(stderr, "kfault: %s: no make rule can name a path holding a line break: ",
			o->depfile);
	else
		fprintf(stderr, "kfault: %s: no make rule can name a path holding '%c': ",
			o->depfile, c);
	for (const char *c = bad; *c; c++)
		fputs(*c == '\n' ? "\\n" : *c == '\r' ? "\\r" : (char[]){ *c, 0 }, stderr);
	fputs("\nkfault: rename it, or build without -M\n", stderr);
	return EXIT_FAIL;
}

static int write_depfile(struct compile_opts *o, struct kf_deps *deps)
{
	int err = kf_deps__write(deps, o->output, o->depfile);

	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", o->depfile, strerror(-err));
		return EXIT_FAIL;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct compile_opts o = { .cmd = &cli_check };
	struct kf_unit u;
	int status = parse(&o, argc, argv);

	bool use_btf;

	if (status >= 0)
		return status;
	if (o.no_btf && o.src.btf_path)
		return cli_usage(o.cmd, "%s", "--btf and --no-btf exclude each other");
	/* as build checks it: against the running kernel's BTF when there is one */
	use_btf = !o.no_btf && (o.src.btf_path || access(KF_RUNNING_BTF, F_OK) == 0);
	status = cli_compile(&o.src, &u, use_btf, NULL, false, NULL);
	kf_unit__fini(&u);
	return status;
}

int cmd_gen(int argc, char **argv)
{
	struct compile_opts o = { .cmd = &cli_gen };
	struct kf_deps deps = {0};
	struct kf_unit u;
	int status = parse(&o, argc, argv), err;

	if (status >= 0)
		return status;
	if (o.depfile && (!o.output || !strcmp(o.output, "-")))
		return cli_usage(o.cmd, "%s", "-M needs -o OUT: the rule's target");
	status = cli_compile(&o.src, &u, o.src.btf_path != NULL, NULL, false, NULL);
	if (!status && o.depfile)
		status = collect_deps(&o, &u, &deps);
	if (!status) {
		err = cli_write_file(o.output ? o.output : "-", u.prog.text, u.prog.len);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", o.output ? o.output : "<stdout>", strerror(-err));
			status = EXIT_FAIL;
		}
	}
	if (!status && o.depfile)
		status = write_depfile(&o, &deps);
	kf_deps__fini(&deps);
	kf_unit__fini(&u);
	return status;
}

int cmd_build(int argc, char **argv)
{
	struct compile_opts o = { .cmd = &cli_build };
	struct kf_deps deps = {0};
	struct kf_object obj = {0};
	struct kf_unit u;
	const char *emit;
	char *text = NULL, *skel_name = NULL;
	const void *data = NULL;
	size_t len = 0;
	int status = parse(&o, argc, argv), err = 0;

	if (status >= 0)
		return status;
	emit = o.emit ? o.emit : "obj";
	if (!o.output)
		return cli_usage(o.cmd, "%s", "give the output: -o OUT.bpf.o");
	if (strcmp(emit, "c") && strcmp(emit, "obj") && strcmp(emit, "header") && strcmp(emit, "skel"))
		return cli_usage(o.cmd, "--emit takes c, obj, header or skel, not '%s'", emit);
	if (o.depfile && !strcmp(o.output, "-"))
		return cli_usage(o.cmd, "%s", "-M needs -o OUT: the rule's target");
	if (o.name && strcmp(emit, "skel"))
		return cli_usage(o.cmd, "%s", "--name goes with --emit skel");
	if (o.name && !kf_skel_name_ok(o.name))
		return cli_usage(o.cmd, "--name takes a C identifier of at most 64 characters, not a C keyword or reserved name: not '%s'", o.name);

	if (!strcmp(emit, "c")) {
		/* the C 'kfault build' compiles: checked against BTF like the object */
		status = cli_compile(&o.src, &u, true, NULL, true, NULL);
		data = u.prog.text;
		len = u.prog.len;
	} else if (!strcmp(emit, "header")) {
		status = cli_compile(&o.src, &u, true, NULL, true, &obj);
		data = obj.data;
		len = obj.size;
	} else {
		status = cli_compile(&o.src, &u, true, &obj, true, NULL);
		data = obj.data;
		len = obj.size;
	}
	if (!status && o.depfile)
		status = collect_deps(&o, &u, &deps);
	if (!status && !strcmp(emit, "skel")) {
		skel_name = o.name ? kf_strdup(o.name) :
			    kf_skel_default_name(o.src.inject_py ? "inject" : o.src.path);
		kf_skel_write(u.file, skel_name, o.src.path, obj.data, obj.size, &text, &len);
		data = text;
	}
	if (!status) {
		err = cli_write_file(o.output, data, len);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", o.output, strerror(-err));
			status = EXIT_FAIL;
		}
	}
	if (!status && o.depfile)
		status = write_depfile(&o, &deps);
	kf_deps__fini(&deps);
	free(text);
	free(skel_name);
	kf_object_fini(&obj);
	kf_unit__fini(&u);
	return status;
}
