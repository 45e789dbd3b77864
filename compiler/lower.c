// SPDX-License-Identifier: MIT
/* Predicate lowering (see lower.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "util.h"

/* A run of member accesses: base->acc[0]->acc[1]..., where each accessor
 * may hold '.' steps ("a.b"). base is an rvalue: a pointer in a register. */
struct chain {
	char *base;
	bool base_reads;	/* computing base reads kernel memory */
	struct kf_buf *acc;
	int n;
};

/*
 * Nested reads. BPF_CORE_READ and KF_READ (behind KF_DEREF, KF_INDEX,
 * KF_STR) each put their argument in __builtin_preserve_access_index(),
 * which clang does not allow to nest: "nested builtin_preserve_access_index()
 * not supported". So an argument that itself reads kernel memory is read
 * first, into a local of a statement expression:
 *
 *   STRCMP(p->a->name, "x")   kf_streq_n(({ __auto_type ___kf_p = BPF_CORE_READ(p, a);
 *                                           KF_STR(___kf_p->name); }), "x", 2)
 *
 * The locals' names start with "___", which parameters may not (sema), and
 * each is declared in its own block, so nesting them is fine.
 */

static void rvalue(struct kf_buf *b, const struct kf_expr *e);

static const struct kf_expr *unparen(const struct kf_expr *e)
{
	while (e->kind == KF_EXPR_PAREN)
		e = e->lhs;
	return e;
}

static bool is_chain(const struct kf_expr *e)
{
	return unparen(e)->kind == KF_EXPR_MEMBER;
}

/* Whether the C of e reads no kernel memory (may go inside a reading macro). */
static bool reads_nothing(const struct kf_expr *e)
{
	switch (e->kind) {
	case KF_EXPR_IDENT:
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
	case KF_EXPR_STRING:
		return true;
	case KF_EXPR_PAREN:
	case KF_EXPR_CAST:
		return reads_nothing(e->lhs);
	case KF_EXPR_UNARY:
		return e->op != '*' && e->op != '&' && reads_nothing(e->lhs);
	case KF_EXPR_BINARY:
		return reads_nothing(e->lhs) && reads_nothing(e->rhs);
	default:
		return false;
	}
}

/* Whether e is in kernel memory, an lvalue lowering can address: p->a, p->a[i], p[i], *p. */
static bool is_place(const struct kf_expr *e)
{
	e = unparen(e);
	return e->kind == KF_EXPR_MEMBER || e->kind == KF_EXPR_INDEX ||
	       (e->kind == KF_EXPR_UNARY && e->op == '*');
}

static void elem_addr(struct kf_buf *b, const struct kf_expr *e);

static void collect(struct chain *c, const struct kf_expr *e)
{
	const struct kf_expr *l;

	e = unparen(e);
	l = unparen(e->lhs);
	if (!e->arrow && is_chain(l)) {
		/* p->a.b: extend the accessor */
		collect(c, l);
		kf_buf_putc(&c->acc[c->n - 1], '.');
		kf_buf_puts(&c->acc[c->n - 1], e->name);
		return;
	}
	if (e->arrow && is_chain(l)) {
		collect(c, l);
	} else {
		struct kf_buf base = {0};

		/*
		 * The chain starts from a pointer: the left side's value for
		 * "->"; for ".", the address of the structure on the left,
		 * an element (p->arr[i].b from &p->arr[i]) or *p ((*p).b is p->b).
		 */
		if (e->arrow) {
			rvalue(&base, l);
			c->base_reads = !reads_nothing(l);
		} else if (l->kind == KF_EXPR_INDEX) {
			elem_addr(&base, l);
			c->base_reads = true;
		} else {
			rvalue(&base, l->lhs);
			c->base_reads = !reads_nothing(l->lhs);
		}
		c->base = kf_buf_steal(&base);
	}
	c->acc = kf_realloc_array(c->acc, (size_t)c->n + 1, sizeof(*c->acc));
	memset(&c->acc[c->n], 0, sizeof(*c->acc));
	kf_buf_puts(&c->acc[c->n++], e->name);
}

static void chain_free(struct chain *c)
{
	free(c->base);
	for (int i = 0; i < c->n; i++)
		kf_buf_free(&c->acc[i]);
	free(c->acc);
}

/* BPF_CORE_READ(base, acc[0], ..., acc[n-1]), the base read first if it reads */
static void core_read(struct kf_buf *b, const struct chain *c, int n)
{
	const char *base = c->base_reads ? "___kf_b" : c->base;

	if (c->base_reads)
		kf_buf_printf(b, "({ __auto_type ___kf_b = %s; ", c->base);
	kf_buf_printf(b, "BPF_CORE_READ(%s", base);
	for (int i = 0; i < n; i++)
		kf_buf_printf(b, ", %s", c->acc[i].s);
	kf_buf_putc(b, ')');
	if (c->base_reads)
		kf_buf_puts(b, "; })");
}

/*
 * pre LV post, where LV is the chain e as an lvalue: base->acc[0] for one
 * step from a base that reads nothing; else the pointer to the last step's
 * struct (every step read but the last) is read into a local first.
 */
static void chain_op(struct kf_buf *b, const struct kf_expr *e, const char *pre, const char *post)
{
	struct chain c = {0};

	collect(&c, e);
	if (c.n == 1 && !c.base_reads) {
		kf_buf_printf(b, "%s%s->%s%s", pre, c.base, c.acc[0].s, post);
	} else {
		kf_buf_puts(b, "({ __auto_type ___kf_p = ");
		if (c.n == 1)
			kf_buf_puts(b, c.base);
		else
			core_read(b, &c, c.n - 1);
		kf_buf_printf(b, "; %s___kf_p->%s%s; })", pre, c.acc[c.n - 1].s, post);
	}
	chain_free(&c);
}

static void index_op(struct kf_buf *b, const struct kf_expr *e, const char *macro);

/*
 * pre LV post for any place e (is_place): a member chain as chain_op does;
 * an element or *p through a pointer to it, read into a local first.
 */
static void place_op(struct kf_buf *b, const struct kf_expr *e, const char *pre, const char *post)
{
	e = unparen(e);
	if (e->kind == KF_EXPR_MEMBER) {
		chain_op(b, e, pre, post);
		return;
	}
	kf_buf_puts(b, "({ __auto_type ___kf_e = ");
	if (e->kind == KF_EXPR_INDEX)
		elem_addr(b, e);
	else
		rvalue(b, e->lhs);
	kf_buf_printf(b, "; %s(*___kf_e)%s; })", pre, post);
}

/*
 * lhs[i] with the macro KF_INDEX (its value) or KF_ELEM (its address), lhs
 * a place: macro(LV, i), i read into a local first if it reads.
 */
static void index_op(struct kf_buf *b, const struct kf_expr *e, const char *macro)
{
	struct kf_buf post = {0};
	bool hoist = !reads_nothing(e->rhs);

	if (hoist) {
		kf_buf_puts(b, "({ __auto_type ___kf_i = ");
		rvalue(b, e->rhs);
		kf_buf_puts(b, "; ");
		kf_buf_puts(&post, ", ___kf_i)");
	} else {
		kf_buf_puts(&post, ", ");
		rvalue(&post, e->rhs);
		kf_buf_putc(&post, ')');
	}
	place_op(b, e->lhs, macro, post.s);
	if (hoist)
		kf_buf_puts(b, "; })");
	kf_buf_free(&post);
}

/* The address of the element e = lhs[i]: KF_ELEM of a place, else pointer arithmetic. */
static void elem_addr(struct kf_buf *b, const struct kf_expr *e)
{
	if (is_place(e->lhs)) {
		index_op(b, e, "KF_ELEM(");
		return;
	}
	kf_buf_putc(b, '(');
	rvalue(b, e->lhs);
	kf_buf_puts(b, " + ");
	rvalue(b, e->rhs);
	kf_buf_putc(b, ')');
}

/* KF_DEREF(e), e read into a local first if it reads */
static void deref(struct kf_buf *b, const struct kf_expr *e)
{
	if (reads_nothing(e)) {
		kf_buf_puts(b, "KF_DEREF(");
		rvalue(b, e);
		kf_buf_putc(b, ')');
		return;
	}
	kf_buf_puts(b, "({ __auto_type ___kf_p = ");
	rvalue(b, e);
	kf_buf_puts(b, "; KF_DEREF(___kf_p); })");
}

static const char *binop_text(int op)
{
	static const char *const t[] = {
		[KF_OP_MUL] = "*", [KF_OP_DIV] = "/", [KF_OP_MOD] = "%", [KF_OP_ADD] = "+",
		[KF_OP_SUB] = "-", [KF_OP_SHL] = "<<", [KF_OP_SHR] = ">>", [KF_OP_LT] = "<",
		[KF_OP_GT] = ">", [KF_OP_LE] = "<=", [KF_OP_GE] = ">=", [KF_OP_EQ] = "==",
		[KF_OP_NE] = "!=", [KF_OP_BITAND] = "&", [KF_OP_BITXOR] = "^", [KF_OP_BITOR] = "|",
		[KF_OP_AND] = "&&", [KF_OP_OR] = "||",
	};
	return t[op];
}

char *kf_c_string(const char *s, size_t len)
{
	struct kf_buf b = {0};

	kf_buf_putc(&b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '?')
			kf_buf_printf(&b, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			kf_buf_putc(&b, (char)c);
		else
			kf_buf_printf(&b, "\\%03o", c);
	}
	kf_buf_putc(&b, '"');
	return kf_buf_steal(&b);
}

/* A character constant, spelled so that it cannot upset the C around it. */
static void char_const(struct kf_buf *b, uint64_t v)
{
	if (v >= 0x20 && v < 0x7f && v != '\'' && v != '\\')
		kf_buf_printf(b, "'%c'", (char)v);
	else
		kf_buf_printf(b, "%llu", (unsigned long long)v);
}

/*
 * An integer literal as written (the lexer accepts only C's spellings), but a
 * decimal one past INT64_MAX gets a U: C would take it as unsigned anyway,
 * with a warning (-Wimplicitly-unsigned-literal) that -Werror turns into an
 * error.
 */
static void int_const(struct kf_buf *b, const struct kf_expr *e)
{
	kf_buf_puts(b, e->text);
	if (e->ival > INT64_MAX && e->text[0] != '0' && !strpbrk(e->text, "uU"))
		kf_buf_putc(b, 'U');
}

static void string_builtin(struct kf_buf *b, const struct kf_expr *e)
{
	const struct kf_expr *src = e->args[0], *lit = e->args[1];
	unsigned long long n = e->nargs == 3 ? e->args[2]->ival : lit->len + 1;
	char *str = kf_c_string(lit->str, lit->len);

	kf_buf_puts(b, "kf_streq_n(");
	if (is_chain(src)) {
		chain_op(b, src, "KF_STR(", ")");
	} else {
		rvalue(b, src);
	}
	kf_buf_printf(b, ", %s, %llu)", str, n);
	free(str);
}

static void rvalue(struct kf_buf *b, const struct kf_expr *e)
{
	switch (e->kind) {
	case KF_EXPR_IDENT:
		if (strcmp(e->name, "true") == 0 && !e->param)
			kf_buf_puts(b, "1");
		else if (strcmp(e->name, "false") == 0 && !e->param)
			kf_buf_puts(b, "0");
		else
			kf_buf_puts(b, e->name);
		return;
	case KF_EXPR_INT:
		int_const(b, e);
		return;
	case KF_EXPR_CHAR:
		char_const(b, e->ival);
		return;
	case KF_EXPR_STRING: {
		char *s = kf_c_string(e->str, e->len);	/* only reached in builtins */

		kf_buf_puts(b, s);
		free(s);
		return;
	}
	case KF_EXPR_PAREN:
		if (unparen(e)->kind == KF_EXPR_BINARY) {
			rvalue(b, unparen(e));	/* binary operations carry their parentheses */
			return;
		}
		kf_buf_putc(b, '(');
		rvalue(b, e->lhs);
		kf_buf_putc(b, ')');
		return;
	case KF_EXPR_UNARY:
		if (e->op == '*') {
			deref(b, e->lhs);
		} else if (e->op == '&') {
			chain_op(b, e->lhs, "&(", ")");
		} else if (e->lhs->kind == KF_EXPR_UNARY) {
			kf_buf_printf(b, "%c(", (char)e->op);	/* never "--x" */
			rvalue(b, e->lhs);
			kf_buf_putc(b, ')');
		} else {
			kf_buf_putc(b, (char)e->op);
			rvalue(b, e->lhs);
		}
		return;
	case KF_EXPR_BINARY:
		kf_buf_putc(b, '(');
		rvalue(b, e->lhs);
		kf_buf_printf(b, " %s ", binop_text(e->op));
		rvalue(b, e->rhs);
		kf_buf_putc(b, ')');
		return;
	case KF_EXPR_CAST: {
		char *t = kf_ctype_decl(e->cast, NULL);

		kf_buf_printf(b, "((%s)", t);
		rvalue(b, e->lhs);
		kf_buf_putc(b, ')');
		free(t);
		return;
	}
	case KF_EXPR_MEMBER: {
		struct chain c = {0};

		collect(&c, e);
		core_read(b, &c, c.n);
		chain_free(&c);
		return;
	}
	case KF_EXPR_INDEX:
		if (is_place(e->lhs)) {
			index_op(b, e, "KF_INDEX(");
		} else if (reads_nothing(e->lhs) && reads_nothing(e->rhs)) {
			kf_buf_puts(b, "KF_DEREF(");
			rvalue(b, e->lhs);
			kf_buf_puts(b, " + ");
			rvalue(b, e->rhs);
			kf_buf_putc(b, ')');
		} else {
			kf_buf_puts(b, "({ __auto_type ___kf_p = ");
			rvalue(b, e->lhs);
			kf_buf_puts(b, " + ");
			rvalue(b, e->rhs);
			kf_buf_puts(b, "; KF_DEREF(___kf_p); })");
		}
		return;
	case KF_EXPR_CALL:
		string_builtin(b, e);
		return;
	}
}

char *kf_lower_pred(const struct kf_expr *e)
{
	struct kf_buf b = {0};

	e = unparen(e);
	if (e->kind == KF_EXPR_BINARY) {
		/* the caller wraps the whole predicate: drop our own outer parentheses */
		rvalue(&b, e->lhs);
		kf_buf_printf(&b, " %s ", binop_text(e->op));
		rvalue(&b, e->rhs);
	} else {
		rvalue(&b, e);
	}
	return kf_buf_steal(&b);
}
