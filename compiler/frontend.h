/* SPDX-License-Identifier: MIT */
/*
 * The front end as one call: source -> parse -> sema -> codegen.
 *
 * A source in another format (KernelChaos YAML, an inject.py spec) goes
 * through its translator first (xlate.h): the native text it writes is
 * what the parser reads, and everything reported is mapped back to the
 * source the user wrote.
 */
#ifndef KFAULT_FRONTEND_H
#define KFAULT_FRONTEND_H

#include "ast.h"
#include "codegen.h"
#include "diag.h"
#include "xlate.h"

struct kf_unit {
	struct kf_source *src;		/* the input as the user wrote it */
	struct kf_diags diags;		/* located in src */
	struct kf_file *file;
	struct kf_program prog;		/* empty unless the file had no errors */
	/* translated inputs only: the native text and its map back to src */
	bool translated;
	struct kf_xlate xlate;
	struct kf_source *native;
};

/*
 * A translator: writes the native kfault text equivalent to src into x
 * (kf_xlate__emit/copy, each piece located in src). Returns 0, -EINVAL
 * with errors in d, or another negative errno.
 */
typedef int (*kf_translate_fn)(const struct kf_source *src, struct kf_diags *d,
			       struct kf_xlate *x, void *ctx);

/*
 * Compile the source (taking ownership of it) to BPF C. Returns 0 when the
 * program was generated, -EINVAL when diagnostics hold errors, another
 * negative errno on failure. The unit holds the diagnostics either way.
 */
int kf_unit__compile(struct kf_unit *u, struct kf_source *src);
/* The same, checked against kernel BTF (NULL: none); see kf_sema_btf(). */
struct kf_btf;
int kf_unit__compile_btf(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf);
/* The same for a source in another format: translate(src, ..., ctx) first. */
int kf_unit__compile_as(struct kf_unit *u, struct kf_source *src, kf_translate_fn translate,
			void *ctx, struct kf_btf *btf);

struct kf_ksyms;

struct kf_unit_opts {
	size_t sz;			/* sizeof(struct kf_unit_opts) */
	struct kf_btf *btf;		/* kernel BTF to check against, or NULL */
	/*
	 * Where btf came from: a vmlinux ELF file, KF_RUNNING_BTF
	 * (ksyms.h), another BTF file or NULL. With btf, frames and
	 * 'inject function' must name functions of that kernel (BTF's, or
	 * its symbols'), and 'inject function' one its error-injection list
	 * holds, which a vmlinux or the running kernel has.
	 */
	const char *btf_path;
	/* another format: translate(src, ..., translate_ctx) first (NULL: native or YAML) */
	kf_translate_fn translate;
	void *translate_ctx;
	/*
	 * Compiled against kernel headers (kfault build --kernel-headers):
	 * unknown names may be their macros, see kf_sema_macros().
	 */
	bool macros;
	/*
	 * Every injection is targeted from elsewhere (kfault run --pid,
	 * --comm or --cgroup): no warning about injections without a target.
	 */
	bool target_given;
	/*
	 * btf's kernel's functions, read already (ksyms.h), for a caller that
	 * compiles many times against one BTF (kfault lsp): NULL reads them
	 * from btf_path for this compile.
	 */
	struct kf_ksyms *ksyms;
	size_t :0;
};

/*
 * The general form. A native source may be KernelChaos YAML
 * (kernelchaos.h): it is translated first unless opts->translate says
 * otherwise.
 */
int kf_unit__compile_opts(struct kf_unit *u, struct kf_source *src,
			  const struct kf_unit_opts *opts);
void kf_unit__fini(struct kf_unit *u);

/*
 * What a compiled unit would attach, for kf_explain__print()
 * (runtime/explain.h): each injection's knobs and metadata as its object
 * would hold them, with its predicates and failure value as written. 0, or
 * -EINVAL for a unit with errors; kf_explain__fini() frees e.
 */
struct kf_explain;
int kf_unit__explain(const struct kf_unit *u, struct kf_explain *e);

#endif
