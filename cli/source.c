// SPDX-License-Identifier: MIT
/* Compiling a source for a command (source.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf_types.h"
#include "ksyms.h"
#include "sema.h"
#include "source.h"
#include "util.h"

int cli_source_ipy_option(const struct cli_command *cmd, struct cli_source *s, int key,
			  const char *arg)
{
	int err;

	switch (key) {
	case IPY_INCLUDE:
		if (s->ipy.nheaders == KF_ARRAY_SIZE(s->headers))
			return cli_usage(cmd, "at most %zu -I headers", KF_ARRAY_SIZE(s->headers));
		if (!kf_header_name_ok(arg, strlen(arg)))
			return cli_usage(cmd, "-I '%s' is not a header name: %s", arg, KF_HEADER_NAME_HINT);
		s->headers[s->ipy.nheaders++] = arg;
		s->ipy.headers = s->headers;
		break;
	case IPY_PROBABILITY:
		err = kf_injectpy__parse_probability(arg, &s->ipy.percent);
		if (err == -EINVAL)
			return cli_usage(cmd, "-P takes a probability, a number such as 0.01, not '%s'", arg);
		if (err)
			return cli_usage(cmd, "-P %s is not a probability above 0 and at most 1", arg);
		s->ipy.probability = arg;
		break;
	case IPY_COUNT:
		if (kf_injectpy__parse_count(arg, &s->ipy.times))
			return cli_usage(cmd, "-c takes a number of injections, at least 1 (-1: no limit), not '%s'",
					 arg);
		s->ipy.count = arg;
		break;
	case IPY_VERBOSE:
		s->verbose = true;
		return 0;
	default:
		return EXIT_USAGE;
	}
	s->ipy_given = true;
	return 0;
}

int cli_source_ipy_operands(const struct cli_command *cmd, struct cli_source *s, int argc,
			    char **argv, int first)
{
	if (argc - first != 2)
		return cli_usage(cmd, "%s", "give inject.py's MODE (kmalloc, bio or alloc_page) and SPEC");
	if (kf_injectpy__parse_mode(argv[first], &s->ipy.kind))
		return cli_usage(cmd, "invalid mode '%s' (choose from kmalloc, bio, alloc_page)", argv[first]);
	s->ipy_spec = argv[first + 1];
	s->inject_py = true;
	s->path = "<spec>";
	return 0;
}

int cli_compile(struct cli_source *s, struct kf_unit *u, bool use_btf, struct kf_object *obj,
		bool in_process, struct kf_object *header)
{
	struct kf_btf *kbtf = NULL;
	struct kf_source *src;
	int err;

	memset(u, 0, sizeof(*u));
	if (use_btf || obj || header) {
		kbtf = kf_btf__open_indexed(s->btf_path);
		if (!kbtf) {
			fprintf(stderr, "kfault: cannot read kernel BTF from %s: %s\n",
				s->btf_path ? s->btf_path : "/sys/kernel/btf/vmlinux",
				kf_btf__strerror(errno));
			if (s->btf_path)
				fprintf(stderr, "kfault: --btf takes a vmlinux with a .BTF section "
					"(CONFIG_DEBUG_INFO_BTF) or a raw BTF file such as /sys/kernel/btf/vmlinux\n");
			else
				fprintf(stderr, "kfault: the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX\n");
			return EXIT_FAIL;
		}
	}
	src = s->inject_py ? kf_injectpy__source(s->ipy_spec) : kf_source__read(s->path);
	if (!src) {
		fprintf(stderr, "kfault: %s: %s\n", s->path, strerror(errno));
		kf_btf__free(kbtf);
		return EXIT_FAIL;
	}
	KF_OPTS(kf_unit_opts, uo, .btf = kbtf, .btf_path = s->btf_path ? s->btf_path : KF_RUNNING_BTF,
		.macros = s->kernel_headers != NULL,
		.target_given = s->targeted);
	s->ipy.btf = kbtf;
	if (s->inject_py) {
		uo.translate = kf_injectpy__translate;
		uo.translate_ctx = &s->ipy;
	}
	err = kf_unit__compile_opts(u, src, &uo);
	if (!err && obj) {
		KF_OPTS(kf_build_opts, bo, .btf = kbtf, .in_process = in_process,
			.kernel_headers = s->kernel_headers);

		err = kf_build(u, &bo, obj);
		if (obj->log && s->verbose)
			fprintf(stderr, "kfault: %s", obj->log);
	} else if (!err && header) {
		err = kf_build_header(u, kbtf, (char **)&header->data, &header->size);
	}
	s->ipy.btf = NULL;
	kf_btf__free(kbtf);
	kf_diags__print_as(&u->diags, s->diag_format, stderr);
	if (err == -EINVAL)
		return EXIT_DIAG;
	if (err) {
		if (!u->diags.errors)
			fprintf(stderr, "kfault: %s: %s\n", s->path, strerror(-err));
		return u->diags.errors ? EXIT_DIAG : EXIT_FAIL;
	}
	return 0;
}

int cli_compile_for_run(void *ctx, const char *path, const char *btf_path, bool targeted, void **data,
			size_t *size)
{
	struct cli_source *s = ctx;
	struct kf_object obj = {0};
	struct kf_unit u;
	int status;

	if (!s->inject_py)
		s->path = path;
	s->btf_path = btf_path;
	s->targeted = targeted;
	status = cli_compile(s, &u, true, &obj, false, NULL);
	if (!status && s->inject_py && s->verbose) {
		/* as inject.py -v does, before running */
		fwrite(u.prog.text, 1, u.prog.len, stdout);
		fflush(stdout);
	}
	kf_unit__fini(&u);
	free(obj.log);
	*data = obj.data;
	*size = obj.size;
	return status;
}
