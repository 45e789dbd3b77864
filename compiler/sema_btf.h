/* SPDX-License-Identifier: MIT */
/*
 * Sema's checks against kernel BTF (internal to sema.c): parameters filled
 * from or checked against a function's BTF prototype, and predicate types
 * from BTF (members, '.' versus '->', arrays versus pointers, enumerators).
 * Without BTF none of this runs, and sema checks only what it can see.
 */
#ifndef KFAULT_SEMA_BTF_H
#define KFAULT_SEMA_BTF_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"

struct kf_btf;

/*
 * The parameters of func against its BTF prototype. written: the file (or
 * a built-in site) declared them; else they are filled from the prototype,
 * with from_btf set and the kernel's names (ctx_ for ctx, arg_NAME for
 * names the generated code reserves). A function BTF does not know is no error: the
 * declared types must then exist in BTF. Sets each parameter's btf_id.
 */
void kf_sema_btf_params(struct kf_diags *d, struct kf_btf *btf, const char *func,
			struct kf_loc func_loc, bool written, struct kf_param **params,
			int *nparams);

/*
 * The name a parameter taken from BTF gets: BTF's name (name, "" for none)
 * of parameter i, unless the generated code reserves it. malloc'd.
 */
char *kf_sema_btf_param_name(const char *name, size_t i);

/*
 * Type e from BTF, its operands being typed already; report what BTF shows
 * to be wrong (unknown members and types, '->' on a structure, bitfields).
 */
void kf_sema_btf_expr(struct kf_diags *d, struct kf_btf *btf, struct kf_expr *e);

/* Whether IDENT e names a kernel enumerator (then typed as one). */
bool kf_sema_btf_enumerator(struct kf_btf *btf, struct kf_expr *e);

#endif
