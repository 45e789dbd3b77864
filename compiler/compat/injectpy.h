/* SPDX-License-Identifier: MIT */
/*
 * bcc's inject.py command line as a kfault translation (xlate.h).
 *
 *   inject.py [-I header]... [-P probability] [-c count] [-v] {kmalloc,bio,alloc_page} SPEC
 *
 * The spec is the source the user sees in diagnostics (named "<spec>");
 * the options are checked on the command line (kf_injectpy__parse_*) and
 * handed to the translator in a struct kf_injectpy. The translation is a
 * native .fault text: a comment with the inject.py command, then one
 * injection whose call chain is the spec's frames, outermost first.
 * docs/compat.md says what maps to what and what differs on purpose.
 */
#ifndef KFAULT_INJECTPY_H
#define KFAULT_INJECTPY_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "xlate.h"

struct kf_btf;

struct kf_injectpy {
	enum kf_site_kind kind;		/* MODE: kmalloc, bio, alloc_page (sites.h) */
	const char *const *headers;	/* -I, in order */
	size_t nheaders;
	const char *probability;	/* -P as written, NULL: 1 */
	double percent;			/* -P as a percentage (when probability is set) */
	const char *count;		/* -c as written, NULL: unlimited */
	unsigned long long times;	/* -c, 0: unlimited */
	/* kfault's targeting ('kfault inject --pid/--comm/--cgroup/--duration') */
	int pid;
	bool children;
	const char *comm;
	const char *cgroup;
	const char *duration;
	/* NULL: SyS_x and sys_x become the arch's syscall name unchecked */
	struct kf_btf *btf;
};

/* inject.py's mode names (sites.h's injectpy_mode) as the failure kind; -EINVAL for anything else. */
int kf_injectpy__parse_mode(const char *s, enum kf_site_kind *kind);
/*
 * -P: a decimal number in (0, 1] as a percentage (*percent). -EINVAL when
 * it is not a number, -ERANGE when it is outside (0, 1] or too small for
 * the runtime's resolution (2^-32) to ever inject.
 */
int kf_injectpy__parse_probability(const char *s, double *percent);
/* -c: a count of at least 1, or -1 for unlimited (inject.py's default), as *times (0: unlimited). */
int kf_injectpy__parse_count(const char *s, unsigned long long *times);

/* The spec as a source named "<spec>"; NULL with errno set. */
struct kf_source *kf_injectpy__source(const char *spec);

/*
 * The translator (kf_translate_fn; ctx: a struct kf_injectpy): the spec
 * in src to native text in x, its errors in d.
 */
int kf_injectpy__translate(const struct kf_source *src, struct kf_diags *d, struct kf_xlate *x,
			   void *ctx);

#endif
