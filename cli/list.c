// SPDX-License-Identifier: MIT
/*
 * kfault list [GLOB]: the kernel's functions, from its BTF, with their C
 * prototypes, and which of them errors can be injected into (and with
 * what), for choosing frames and 'inject function' targets.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_types.h"
#include "cli.h"
#include "knames.h"
#include "ksyms.h"
#include "util.h"

enum {
	OPT_BTF = 256,
	OPT_INJECTABLE,
};

static const struct cli_option list_options[] = {
	{ "btf", 0, OPT_BTF, "VMLINUX",
	  "the functions of this BTF or vmlinux (default\n/sys/kernel/btf/vmlinux)" },
	{ "injectable", 'i', OPT_INJECTABLE, NULL,
	  "only the functions errors can be injected into\n('inject function NAME returns VALUE')" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_list = {
	"list", "list [OPTIONS] [GLOB]",
	"List the kernel's functions whose names match GLOB (a shell pattern, default\n"
	"all), with their C prototypes from BTF, in name order. A function errors can be\n"
	"injected into is marked with its error-injection type (ERRNO, NULL,\n"
	"ERRNO_NULL or TRUE: what 'returns' may give it). Which those are comes from\n"
	"the vmlinux given with --btf, or from the running kernel's\n"
	"/sys/kernel/debug/error_injection/list (readable by root).",
	list_options,
	"Examples:\n"
	"  kfault list 'ext4_fill_*'\n"
	"  kfault list --injectable\n"
	"  kfault list --btf vmlinux --injectable 'should_*'\n"
	"\n"
	"Exit status: 0 some function matched, 1 none did, 2 bad usage, 3 other failure.\n",
};

struct list_opts {
	const char *btf_path;
	bool injectable;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct list_opts *o = ctx;

	switch (key) {
	case OPT_BTF: o->btf_path = arg; break;
	case OPT_INJECTABLE: o->injectable = true; break;
	default: return EXIT_USAGE;
	}
	return 0;
}

/* "ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)" */
static void print_prototype(struct kf_btf *btf, const char *name, FILE *out)
{
	struct kf_btf_func *fn;
	char *proto = NULL;

	if (kf_btf__func_proto(btf, name, &fn) == 0) {
		proto = kf_btf_func__prototype(fn);
		kf_btf_func__free(fn);
	}
	if (proto)
		fputs(proto, out);
	else
		fprintf(out, "%s(...)", name);
	free(proto);
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o = {0};
	const char *glob = "*", *source, *why;
	const char *const *names;
	struct kf_ksyms *ks;
	struct kf_btf *btf;
	size_t n, matched = 0;
	int first, status = cli_parse(&cli_list, argc, argv, set_option, &o, &first);
	bool marks;

	if (status >= 0)
		return status;
	if (argc - first > 1)
		return cli_usage(&cli_list, "%s", "give at most one GLOB");
	if (first < argc)
		glob = argv[first];
	btf = kf_btf__open_indexed(o.btf_path);
	if (!btf) {
		fprintf(stderr, "kfault: cannot read kernel BTF from %s: %s\n",
			o.btf_path ? o.btf_path : KF_RUNNING_BTF, strerror(errno));
		if (!o.btf_path)
			fprintf(stderr, "kfault: the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX\n");
		return EXIT_FAIL;
	}
	ks = kf_ksyms__new(btf, o.btf_path ? o.btf_path : KF_RUNNING_BTF);
	source = kf_ksyms__error_list(ks, &why);
	marks = source != NULL;
	if (!marks && o.injectable) {
		fprintf(stderr, "kfault list: cannot tell which functions errors can be injected into: %s\n",
			why);
		status = EXIT_FAIL;
		goto free_ksyms;
	}
	if (!marks)
		fprintf(stderr, "kfault list: not marking the functions errors can be injected into: %s\n",
			why);
	kf_ksyms__btf_functions(ks, &names, &n);
	for (size_t i = 0; i < n; i++) {
		int type;

		if (fnmatch(glob, names[i], 0) != 0)
			continue;
		type = marks ? kf_ksyms__error_type(ks, names[i]) : -ENODATA;
		if (o.injectable && type < 0)
			continue;
		print_prototype(btf, names[i], stdout);
		if (type >= 0)
			printf("  /* error injection: %s */", kf_ei_type_name(type));
		putchar('\n');
		matched++;
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfault: <stdout>: %s\n", strerror(errno));
		status = EXIT_FAIL;
	} else {
		status = matched ? 0 : 1;
		if (!matched)
			fprintf(stderr, "kfault list: no %sfunction of this kernel matches '%s'\n",
				o.injectable ? "error-injectable " : "", glob);
	}
free_ksyms:
	kf_ksyms__free(ks);
	kf_btf__free(btf);
	return status;
}
