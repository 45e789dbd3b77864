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
	free(file->comments);
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
	/* deeper than KF_MAX_PTR (an error sema reports with it): no const past it */
	for (int i = 0; i < t->ptr; i++)
		kf_buf_puts(&b, i < KF_MAX_PTR && t->ptr_const[i] ? "*const " : "*");
	if (name)
		kf_buf_puts(&b, name);
	else if (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	if (t->array >= 0)
		kf_buf_printf(&b, "[%ld]", t->array);
	return kf_buf_steal(&b);
}

static const char *const op_text[] = {
	[KF_OP_MUL] = "*", [KF_OP_DIV] = "/", [KF_OP_MOD] = "%", [KF_OP_ADD] = "+",
	[KF_OP_SUB] = "-", [KF_OP_SHL] = "<<", [KF_OP_SHR] = ">>", [KF_OP_LT] = "<",
	[KF_OP_GT] = ">", [KF_OP_LE] = "<=", [KF_OP_GE] = ">=", [KF_OP_EQ] = "==",
	[KF_OP_NE] = "!=", [KF_OP_BITAND] = "&", [KF_OP_BITXOR] = "^", [KF_OP_BITOR] = "|",
	[KF_OP_AND] = "&&", [KF_OP_OR] = "||",
};

const char *kf_stmt_word(enum kf_stmt_kind kind)
{
	static const char *const words[] = {
		[KF_STMT_HEADERS] = "headers", [KF_STMT_CALL] = "call",
		[KF_STMT_PROBABILITY] = "probability", [KF_STMT_TIMES] = "times", [KF_STMT_NTH] = "nth",
		[KF_STMT_DURATION] = "duration", [KF_STMT_SCHEDULE] = "schedule",
		[KF_STMT_TARGET] = "target",
	};

	return words[kind];
}

const char *kf_binop_text(int op)
{
	return op >= 0 && op < (int)KF_ARRAY_SIZE(op_text) ? op_text[op] : "?";
}

/* depth: how many operands deep; past a few, an operand is written "..." */
static void expr_str(struct kf_buf *b, const struct kf_expr *e, int depth)
{
	if (depth > 8 || b->len > 80) {
		kf_buf_puts(b, "...");
		return;
	}
	switch (e->kind) {
	case KF_EXPR_IDENT:
		kf_buf_puts(b, e->name);
		return;
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
		kf_buf_puts(b, e->text);
		return;
	case KF_EXPR_STRING:
		kf_buf_puts(b, "\"...\"");
		return;
	case KF_EXPR_UNARY:
		kf_buf_putc(b, (char)e->op);
		expr_str(b, e->lhs, depth + 1);
		return;
	case KF_EXPR_BINARY:
		expr_str(b, e->lhs, depth + 1);
		kf_buf_printf(b, " %s ", op_text[e->op]);
		expr_str(b, e->rhs, depth + 1);
		return;
	case KF_EXPR_MEMBER:
		expr_str(b, e->lhs, depth + 1);
		kf_buf_printf(b, "%s%s", e->arrow ? "->" : ".", e->name);
		return;
	case KF_EXPR_INDEX:
		expr_str(b, e->lhs, depth + 1);
		kf_buf_putc(b, '[');
		expr_str(b, e->rhs, depth + 1);
		kf_buf_putc(b, ']');
		return;
	case KF_EXPR_CALL:
		kf_buf_printf(b, "%s(...)", e->name);
		return;
	case KF_EXPR_CAST: {
		char *t = kf_ctype_decl(e->cast, NULL);

		kf_buf_printf(b, "(%s)", t);
		free(t);
		expr_str(b, e->lhs, depth + 1);
		return;
	}
	case KF_EXPR_PAREN:
		kf_buf_putc(b, '(');
		expr_str(b, e->lhs, depth + 1);
		kf_buf_putc(b, ')');
		return;
	}
}

char *kf_expr_str(const struct kf_expr *e)
{
	struct kf_buf b = {0};

	expr_str(&b, e, 0);
	return kf_buf_steal(&b);
}
