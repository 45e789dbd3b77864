// SPDX-License-Identifier: MIT
/*
 * libkfault's compile API (include/kfault/libkfault.h): a thin layer over
 * the front end (kf_unit, frontend.h) and the build (kf_build, build.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf_types.h"
#include "ksyms.h"
#include "build.h"
#include "frontend.h"
#include "libkfault.h"
#include "opts.h"

struct kf_compilation {
	struct kf_unit unit;
	struct kf_object obj;
	struct kf_diagnostic *diags;	/* unit.diags as public structs, in print order */
	size_t ndiags;
};

static bool opts_valid(const struct kf_compile_opts *opts)
{
	return kf_opts_valid(opts, sizeof(*opts));
}

const char *kf_version(void)
{
	return KFAULT_VERSION;
}

/* The unit's diagnostics as public structs, in the order kf_diags__print() prints them. */
static int export_diags(struct kf_compilation *c)
{
	const struct kf_diags *d = &c->unit.diags;
	static const enum kf_diag_level level[] = {
		[KF_ERROR] = KF_DIAG_ERROR, [KF_WARNING] = KF_DIAG_WARNING, [KF_NOTE] = KF_DIAG_NOTE,
	};

	if (!d->n)
		return 0;
	kf_diags__sort(&c->unit.diags);	/* the order kf_diags__print() prints in */
	c->diags = calloc(d->n, sizeof(*c->diags));
	if (!c->diags)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		const struct kf_diag *g = &d->v[i];

		c->diags[i] = (struct kf_diagnostic){
			.level = level[g->severity],
			.file = d->src->path,
			.line = g->loc.first_line,
			.column = g->loc.first_column,
			.end_line = g->loc.last_line,
			.end_column = g->loc.last_column,
			.message = g->message,
			.hint = g->hint,
		};
	}
	c->ndiags = d->n;
	return 0;
}

static int compile(struct kf_source *src, const struct kf_compile_opts *opts,
		   struct kf_compilation **out)
{
	const char *btf_path = KF_OPTS_GET(opts, btf_path, NULL);
	bool want_obj = !KF_OPTS_GET(opts, no_object, false);
	const char *kheaders = KF_OPTS_GET(opts, kernel_headers, NULL);
	struct kf_compilation *c;
	struct kf_btf *btf = NULL;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c) {
		kf_source__free(src);
		return -ENOMEM;
	}
	/* The unit owns the source from here, whatever happens. */
	c->unit.src = src;
	kf_diags__init(&c->unit.diags, src);
	if (want_obj || btf_path) {
		btf = kf_build_open_btf(&c->unit.diags, btf_path);
		if (!btf) {
			err = -EINVAL;	/* the diagnostic says why */
			goto export;
		}
	}
	KF_OPTS(kf_unit_opts, uo, .btf = btf, .btf_path = btf_path ? btf_path : KF_RUNNING_BTF,
		.macros = kheaders != NULL);
	err = kf_unit__compile_opts(&c->unit, src, &uo);
	if (!err && want_obj) {
		/* in a forked child: safe to repeat in a long-lived process */
		KF_OPTS(kf_build_opts, bo, .btf = btf, .kernel_headers = kheaders);

		err = kf_build(&c->unit, &bo, &c->obj);
	}
	kf_btf__free(btf);
export:
	if (export_diags(c)) {
		kf_compilation__free(c);
		return -ENOMEM;
	}
	*out = c;
	return err;
}

int kf_compile_file(const char *path, const struct kf_compile_opts *opts,
		    struct kf_compilation **out)
{
	struct kf_source *src;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path || !opts_valid(opts))
		return -EINVAL;
	src = kf_source__read(path);
	if (!src)
		return -errno;
	return compile(src, opts, out);
}

int kf_compile_string(const char *name, const char *text, size_t len,
		      const struct kf_compile_opts *opts, struct kf_compilation **out)
{
	struct kf_source *src;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!name || (!text && len) || !opts_valid(opts))
		return -EINVAL;
	src = kf_source__from_string(name, text ? text : "", len);
	if (!src)
		return -errno;
	return compile(src, opts, out);
}

size_t kf_compilation__diag_cnt(const struct kf_compilation *c)
{
	return c ? c->ndiags : 0;
}

const struct kf_diagnostic *kf_compilation__diag(const struct kf_compilation *c, size_t i)
{
	if (!c || i >= c->ndiags) {
		errno = EINVAL;
		return NULL;
	}
	return &c->diags[i];
}

int kf_compilation__error_cnt(const struct kf_compilation *c)
{
	return c ? c->unit.diags.errors : 0;
}

int kf_compilation__warning_cnt(const struct kf_compilation *c)
{
	return c ? c->unit.diags.warnings : 0;
}

void kf_compilation__print_diags(const struct kf_compilation *c, FILE *out)
{
	/* kf_diags__print() sorts its array; the public copy points at the same strings */
	if (c)
		kf_diags__print((struct kf_diags *)&c->unit.diags, out);
}

const char *kf_compilation__c(const struct kf_compilation *c, size_t *len)
{
	if (!c || !c->unit.prog.text) {
		errno = c ? ENOENT : EINVAL;
		return NULL;
	}
	if (len)
		*len = c->unit.prog.len;
	return c->unit.prog.text;
}

const void *kf_compilation__object(const struct kf_compilation *c, size_t *size)
{
	if (!c || !c->obj.data) {
		errno = c ? ENOENT : EINVAL;
		return NULL;
	}
	if (size)
		*size = c->obj.size;
	return c->obj.data;
}

void kf_compilation__free(struct kf_compilation *c)
{
	if (!c)
		return;
	free(c->diags);
	kf_object_fini(&c->obj);
	kf_unit__fini(&c->unit);
	free(c);
}

const char *kf_diag_level_str(enum kf_diag_level level)
{
	switch (level) {
	case KF_DIAG_ERROR: return "error";
	case KF_DIAG_WARNING: return "warning";
	case KF_DIAG_NOTE: return "note";
	}
	return "unknown";
}
