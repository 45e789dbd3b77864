/* SPDX-License-Identifier: MIT */
/*
 * The front end as one call: source -> parse -> sema -> codegen.
 */
#ifndef KFAULT_FRONTEND_H
#define KFAULT_FRONTEND_H

#include "ast.h"
#include "codegen.h"
#include "diag.h"

struct kf_unit {
	struct kf_source *src;
	struct kf_diags diags;
	struct kf_file *file;
	struct kf_program prog;		/* empty unless the file had no errors */
};

/*
 * Compile the source (taking ownership of it) to BPF C. Returns 0 when the
 * program was generated, -EINVAL when diagnostics hold errors, another
 * negative errno on failure. The unit holds the diagnostics either way.
 */
int kf_unit__compile(struct kf_unit *u, struct kf_source *src);
/* The same, checked against kernel BTF (NULL: none); see kf_sema_btf(). */
struct kf_btf;
int kf_unit__compile_btf(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf);
/* The same for kernel headers mode (macros true): see kf_sema_macros(). */
int kf_unit__compile_macros(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf,
			    bool macros);
void kf_unit__fini(struct kf_unit *u);

#endif
