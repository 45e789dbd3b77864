// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "frontend.h"
#include "kernelchaos.h"
#include "ksyms.h"
#include "parse.h"
#include "sema.h"

int kf_unit__compile(struct kf_unit *u, struct kf_source *src)
{
	return kf_unit__compile_btf(u, src, NULL);
}

int kf_unit__compile_btf(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf)
{
	KF_OPTS(kf_unit_opts, opts, .btf = btf);

	return kf_unit__compile_opts(u, src, &opts);
}

int kf_unit__compile_as(struct kf_unit *u, struct kf_source *src, kf_translate_fn translate,
			void *ctx, struct kf_btf *btf)
{
	KF_OPTS(kf_unit_opts, opts, .btf = btf, .translate = translate, .translate_ctx = ctx);

	return kf_unit__compile_opts(u, src, &opts);
}

int kf_unit__compile_opts(struct kf_unit *u, struct kf_source *src,
			  const struct kf_unit_opts *opts)
{
	kf_translate_fn translate = opts->translate;
	const struct kf_source *text = src;
	struct kf_ksyms *ksyms;
	int err;

	/* KernelChaos YAML is accepted wherever a .fault file is (kernelchaos.h) */
	if (!translate && kf_kernelchaos__detect(src))
		translate = kf_kernelchaos__translate;
	memset(u, 0, sizeof(*u));
	u->src = src;
	kf_diags__init(&u->diags, src);
	if (translate) {
		u->translated = true;
		kf_xlate__init(&u->xlate, src);
		err = translate(src, &u->diags, &u->xlate,
				translate == opts->translate ? opts->translate_ctx : NULL);
		if (!err && u->diags.errors)
			err = -EINVAL;
		/*
		 * KernelChaos translates what it could read and leaves out what
		 * it reported: that is checked too, so one run reports all.
		 */
		if (err && (err != -EINVAL || translate != kf_kernelchaos__translate))
			return err;
		u->native = kf_xlate__source(&u->xlate);
		if (!u->native)
			return -errno;
		text = u->native;
		u->diags.map = kf_xlate__map;
		u->diags.map_ctx = &u->xlate;
	}
	u->file = kf_parse(text, &u->diags);
	if (!u->file)
		return -errno;
	if (translate) {
		/* what the later stages show is the user's input, not the translation */
		u->file->src = src;
		u->file->map = kf_xlate__map;
		u->file->map_ctx = &u->xlate;
	}
	/* after errors nothing runs: no warning about what it would affect */
	u->file->target_given = opts->target_given || (translate && u->diags.errors);
	/* Check even after syntax errors: the parser kept what it could. */
	ksyms = KF_OPTS_GET(opts, ksyms, NULL);
	if (ksyms)
		kf_sema_kernel(u->file, &u->diags, opts->btf, opts->macros, ksyms);
	else {
		ksyms = opts->btf ? kf_ksyms__new(opts->btf, opts->btf_path) : NULL;
		kf_sema_kernel(u->file, &u->diags, opts->btf, opts->macros, ksyms);
		kf_ksyms__free(ksyms);
	}
	if (u->diags.errors)
		return -EINVAL;
	return kf_codegen(u->file, &u->prog);
}

void kf_unit__fini(struct kf_unit *u)
{
	kf_program_fini(&u->prog);
	kf_file_free(u->file);
	kf_diags__free(&u->diags);
	if (u->translated)
		kf_xlate__fini(&u->xlate);
	kf_source__free(u->native);
	kf_source__free(u->src);
	memset(u, 0, sizeof(*u));
}
