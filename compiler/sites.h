/* SPDX-License-Identifier: MIT */
/*
 * The failure sites: what 'inject slab', 'inject page' and 'inject bio'
 * fail, in one table that sema, codegen and the compatibility front ends
 * (inject.py's modes, KernelChaos's failtype) all read. 'inject function'
 * names its site itself.
 */
#ifndef KFAULT_SITES_H
#define KFAULT_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

/* A parameter of a site's kernel function, as its predicate sees it. */
struct kf_site_param {
	enum kf_base_kind kind;
	const char *base;	/* "kmem_cache", "gfp_t", "unsigned int" */
	int ptr;		/* pointer depth */
	const char *name;	/* "s", "gfpflags" */
};

struct kf_site {
	enum kf_site_kind kind;
	const char *word;		/* the language's: "slab" */
	const char *func;		/* the kernel function made to fail */
	int64_t retval;			/* what it returns then */
	const char *retval_text;	/* "-ENOMEM", "true" */
	const char *what;		/* "slab allocations", for comments and messages */
	const char *kind_enum;		/* the runtime's enum kf_kind: "KF_KIND_SLAB" */
	struct kf_site_param params[2];
	int nparams;
	const char *params_c;		/* the parameters as C: "struct kmem_cache *s, gfp_t gfpflags" */
	int gfp_param;			/* the gfp_t parameter (never fail __GFP_NOFAIL), or -1 */
	const char *injectpy_mode;	/* bcc inject.py's mode: "kmalloc" */
	int failtype;			/* Chaos Mesh KernelChaos's failtype */
};

extern const struct kf_site kf_sites[];
extern const size_t kf_nsites;

/* By kind, language word, inject.py mode, KernelChaos failtype: NULL when there is none. */
const struct kf_site *kf_site_by_kind(enum kf_site_kind kind);
const struct kf_site *kf_site_by_word(const char *word);
const struct kf_site *kf_site_by_injectpy_mode(const char *mode);
const struct kf_site *kf_site_by_failtype(int failtype);
/* What a kind fails, in words: "slab allocations", and "calls" for 'inject function'. */
const char *kf_site_what(enum kf_site_kind kind);

#endif
