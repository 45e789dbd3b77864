// SPDX-License-Identifier: MIT
/* Syntax tree constructors, destructors and the C type printer. */
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "util.h"

struct kf_expr *kf_expr_new(enum kf_expr_kind kind, struct kf_loc loc)
{
	struct kf_expr *e = kf_calloc(1, sizeof(*e));

	e->kind = kind;
	e->loc = loc;
	e->size = 1;
	return e;
}

void kf_ctype_fini(struct kf_ctype *t)
{
	if (t)
		free(t->base);
}

void kf_expr_free(struct kf_expr *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->text);
	free(e->str);
	kf_expr_free(e->lhs);
	kf_expr_free(e->rhs);
	if (e->cast) {
		kf_ctype_fini(e->cast);
		free(e->cast);
	}
	for (int i = 0; i < e->nargs; i++)
		kf_expr_free(e->args[i]);
	free(e->args);
	free(e);
}

void kf_value_fini(struct kf_value *v)
{
	if (v)
		free(v->text);
}

static void free_params(struct kf_param *params, int n)
{
	for (int i = 0; i < n; i++) {
		kf_ctype_fini(&params[i].type);
		free(params[i].name);
	}
	free(params);
}

void kf_frame_free(struct kf_frame *f)
{
	if (!f)
		return;
	free(f->func);
	free_params(f->params, f->nparams);
	kf_expr_free(f->pred);
	free(f);
}

void kf_injection_free(struct kf_injection *inj)
{
	if (!inj)
		return;
	free(inj->kind_word);
	free(inj->func);
	free_params(inj->params, inj->nparams);
	if (inj->retval) {
		kf_value_fini(inj->retval);
		free(inj->retval);
	}
	kf_expr_free(inj->pred);
	for (int i = 0; i < inj->nstmts; i++) {
		struct kf_stmt *s = &inj->stmts[i];

		for (int j = 0; j < s->nvalues; j++)
			kf_value_fini(&s->values[j]);
		free(s->values);
		kf_frame_free(s->frame);
		free(s->target_kind);
		free(s->with_word);
	}
	free(inj->stmts);
	free(inj->frames);	/* the frames themselves belong to the statements */
	free(inj->set.schedule);
	free(inj->set.comm);
	free(inj->set.cgroup);
	for (int i = 0; i < inj->set.nheaders; i++)
		free(inj->set.headers[i]);
	free(inj->set.headers);
	free(inj);
}

void kf_file_free(struct kf_file *file)
{
	if (!file)
		return;
	for (int i = 0; i < file->ninj; i++)
		kf_injection_free(file->inj[i]);
	free(file->inj);
	free(file);
}

char *kf_ctype_decl(const struct kf_ctype *t, const char *name)
{
	struct kf_buf b = {0};

	if (t->is_const)
		kf_buf_puts(&b, "const ");
	if (t->is_volatile)
		kf_buf_puts(&b, "volatile ");
	switch (t->base_kind) {
	case KF_BASE_STRUCT: kf_buf_puts(&b, "struct "); break;
	case KF_BASE_UNION: kf_buf_puts(&b, "union "); break;
	case KF_BASE_ENUM: kf_buf_puts(&b, "enum "); break;
	default: break;
	}
	kf_buf_puts(&b, t->base);
	if (t->ptr || name)
		kf_buf_putc(&b, ' ');
	for (int i = 0; i < t->ptr; i++)
		kf_buf_puts(&b, t->ptr_const[i] ? "*const " : "*");
	if (name)
		kf_buf_puts(&b, name);
	else if (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	if (t->array >= 0)
		kf_buf_printf(&b, "[%ld]", t->array);
	return kf_buf_steal(&b);
}
