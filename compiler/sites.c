// SPDX-License-Identifier: MIT
/* The failure sites (sites.h). */
#include <string.h>

#include "sites.h"

const struct kf_site kf_sites[] = {
	{
		.kind = KF_SITE_SLAB, .word = "slab", .func = "should_failslab",
		.retval = -12, .retval_text = "-ENOMEM", .what = "slab allocations",
		.kind_enum = "KF_KIND_SLAB",
		.params = { { KF_BASE_STRUCT, "kmem_cache", 1, "s" },
			    { KF_BASE_TYPEDEF, "gfp_t", 0, "gfpflags" } },
		.nparams = 2, .params_c = "struct kmem_cache *s, gfp_t gfpflags", .gfp_param = 1,
		.injectpy_mode = "kmalloc", .failtype = 0,
	},
	{
		.kind = KF_SITE_PAGE, .word = "page", .func = "should_fail_alloc_page",
		.retval = 1, .retval_text = "true", .what = "page allocations",
		.kind_enum = "KF_KIND_PAGE",
		.params = { { KF_BASE_TYPEDEF, "gfp_t", 0, "gfp_mask" },
			    { KF_BASE_BUILTIN, "unsigned int", 0, "order" } },
		.nparams = 2, .params_c = "gfp_t gfp_mask, unsigned int order", .gfp_param = 0,
		.injectpy_mode = "alloc_page", .failtype = 1,
	},
	{
		.kind = KF_SITE_BIO, .word = "bio", .func = "should_fail_bio",
		.retval = -5, .retval_text = "-EIO", .what = "block I/O",
		.kind_enum = "KF_KIND_BIO",
		.params = { { KF_BASE_STRUCT, "bio", 1, "bio" } },
		.nparams = 1, .params_c = "struct bio *bio", .gfp_param = -1,
		.injectpy_mode = "bio", .failtype = 2,
	},
};

const size_t kf_nsites = sizeof(kf_sites) / sizeof(kf_sites[0]);

const struct kf_site *kf_site_by_kind(enum kf_site_kind kind)
{
	for (size_t i = 0; i < kf_nsites; i++)
		if (kf_sites[i].kind == kind)
			return &kf_sites[i];
	return NULL;
}

const struct kf_site *kf_site_by_word(const char *word)
{
	for (size_t i = 0; i < kf_nsites; i++)
		if (strcmp(kf_sites[i].word, word) == 0)
			return &kf_sites[i];
	return NULL;
}

const struct kf_site *kf_site_by_injectpy_mode(const char *mode)
{
	for (size_t i = 0; i < kf_nsites; i++)
		if (strcmp(kf_sites[i].injectpy_mode, mode) == 0)
			return &kf_sites[i];
	return NULL;
}

const struct kf_site *kf_site_by_failtype(int failtype)
{
	for (size_t i = 0; i < kf_nsites; i++)
		if (kf_sites[i].failtype == failtype)
			return &kf_sites[i];
	return NULL;
}

const char *kf_site_what(enum kf_site_kind kind)
{
	const struct kf_site *site = kf_site_by_kind(kind);

	return site ? site->what : "calls";
}
