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
void kf_unit__fini(struct kf_unit *u);

#endif
