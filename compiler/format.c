// SPDX-License-Identifier: MIT
/*
 * The formatter (format.h): the parsed tree printed in the canonical
 * layout, with the comments the lexer kept (struct kf_file.comments) put
 * back between the tokens they were written between.
 *
 * Tokens are written through two functions: fmt_line() starts an item on a
 * line of its own (a statement, a frame's 'when', the closing '}'), and
 * fmt_token() writes a token on the current line. Both first write the
 * comments that come before the token in the source: a comment on the
 * line of the last token written stays at the end of its line; any other
 * goes on a line of its own. A '#' or '//' comment ends its line, so a
 * token after it in the middle of a statement goes on a continuation line.
 * Punctuation the tree has no location for (',', ')', '->') is written with
 * fmt_punct(), which writes no comment: one written before it follows it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "format.h"
#include "parse.h"
#include "util.h"

#define FMT_INDENT 4

struct fmt {
	const struct kf_source *src;
	const struct kf_file *file;
	struct kf_lines lines;
	int next_comment;	/* the first comment not written yet */
	struct kf_buf out;
	bool line_open;		/* the current output line holds something */
	bool space;		/* a space before the next token on this line */
	bool must_break;	/* a line comment ended the line: the next token starts another */
	bool after_open;	/* nothing written since a '{': no blank line here */
	bool force_blank;	/* a blank line before the next line of its own (between injections) */
	int cont;		/* the indentation of continuation lines */
	int last_line;		/* the source line the last token or comment written ends on */
};

/* The byte offset of a location's first byte. */
static size_t loc_off(const struct fmt *f, struct kf_loc loc)
{
	if (loc.first_line < 1 || (size_t)loc.first_line > f->lines.n)
		return f->src->len;
	return f->lines.start[loc.first_line - 1] + (size_t)(loc.first_column - 1);
}

/* The bytes of a location's range, as written (a string literal's spelling). */
static char *loc_text(const struct fmt *f, struct kf_loc loc)
{
	size_t lo = loc_off(f, loc), hi;

	if (loc.last_line < 1 || (size_t)loc.last_line > f->lines.n)
		return kf_strdup("");
	hi = f->lines.start[loc.last_line - 1] + (size_t)loc.last_column;
	if (hi > f->src->len || hi < lo)
		hi = lo;
	return kf_strndup(f->src->text + lo, hi - lo);
}

static void put_indent(struct fmt *f, int n)
{
	for (int i = 0; i < n; i++)
		kf_buf_putc(&f->out, ' ');
}

static void end_line(struct fmt *f)
{
	if (f->line_open)
		kf_buf_putc(&f->out, '\n');
	f->line_open = false;
	f->space = false;
	f->must_break = false;
}

/* An empty line, unless the text so far is empty or ends with one. */
static void blank_line(struct fmt *f)
{
	end_line(f);
	if (f->out.len && !(f->out.len >= 2 && f->out.s[f->out.len - 2] == '\n'))
		kf_buf_putc(&f->out, '\n');
}

static bool is_line_comment(const struct fmt *f, const struct kf_comment *c)
{
	return f->src->text[c->off] == '#' || f->src->text[c->off + 1] == '/';
}

/* A comment's text: a line comment without trailing white space (nor a CR). */
static void put_comment(struct fmt *f, const struct kf_comment *c)
{
	size_t len = c->len;

	if (is_line_comment(f, c))
		while (len && strchr(" \t\r\f\v", f->src->text[c->off + len - 1]))
			len--;
	kf_buf_add(&f->out, f->src->text + c->off, len);
	f->last_line = c->loc.last_line;
}

/*
 * Write the comments before offset off. trailing: those on the line of
 * the last token, at the end of its line. Those on lines of their own go
 * at indent (a blank line kept before each that had one, unless
 * blank_ok is false); with mid_line, in the middle of a statement, the
 * next token then starts a continuation line.
 */
static void comments_before(struct fmt *f, size_t off, int indent, bool blank_ok, bool mid_line)
{
	while (f->next_comment < f->file->ncomments) {
		const struct kf_comment *c = &f->file->comments[f->next_comment];

		if (c->off >= off)
			break;
		f->next_comment++;
		if (f->line_open && c->loc.first_line == f->last_line) {
			kf_buf_putc(&f->out, ' ');
			put_comment(f, c);
			f->space = true;
			if (is_line_comment(f, c) || c->loc.last_line > c->loc.first_line)
				f->must_break = true;
			continue;
		}
		if (f->force_blank ||
		    (blank_ok && !f->after_open && f->last_line && c->loc.first_line > f->last_line + 1))
			blank_line(f);
		f->force_blank = false;
		end_line(f);
		put_indent(f, indent);
		put_comment(f, c);
		f->line_open = true;
		f->after_open = false;
		f->must_break = true;
		if (!mid_line)
			end_line(f);
	}
}

/*
 * Start a line for an item at loc, indented by indent, the comments before
 * it at comment_indent. blank_ok: a blank line before it in the source is
 * kept (before a comment, unless within a statement: always).
 */
static void fmt_line(struct fmt *f, struct kf_loc loc, int indent, int comment_indent, bool blank_ok)
{
	comments_before(f, loc_off(f, loc), comment_indent, blank_ok || comment_indent > indent, false);
	if (f->force_blank ||
	    (blank_ok && !f->after_open && f->last_line && loc.first_line > f->last_line + 1))
		blank_line(f);
	f->force_blank = false;
	end_line(f);
	put_indent(f, indent);
	f->line_open = true;
	f->after_open = false;
	f->cont = indent + FMT_INDENT;
}

static void put_text(struct fmt *f, const char *text, bool space)
{
	if (f->must_break) {
		end_line(f);
		put_indent(f, f->cont);
		f->line_open = true;
	} else if (space || f->space) {
		kf_buf_putc(&f->out, ' ');
	}
	kf_buf_puts(&f->out, text);
	f->space = false;
}

/* A token at loc on the current line, after a space if space. */
static void fmt_token(struct fmt *f, struct kf_loc loc, const char *text, bool space)
{
	comments_before(f, loc_off(f, loc), f->cont, false, true);
	put_text(f, text, space);
	f->last_line = loc.last_line;
}

static void fmt_punct(struct fmt *f, const char *text, bool space)
{
	put_text(f, text, space);
}

/* A location of the last byte of loc (a ')' or ']' that ends an expression). */
static struct kf_loc last_byte(struct kf_loc loc)
{
	return (struct kf_loc){ loc.last_line, loc.last_column, loc.last_line, loc.last_column };
}

/* The first byte an expression is printed with. */
static char expr_first(const struct kf_expr *e)
{
	switch (e->kind) {
	case KF_EXPR_IDENT:
	case KF_EXPR_CALL:
		return e->name ? e->name[0] : 0;
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
		return e->text ? e->text[0] : 0;
	case KF_EXPR_STRING:
		return '"';
	case KF_EXPR_UNARY:
		return (char)e->op;
	case KF_EXPR_CAST:
	case KF_EXPR_PAREN:
		return '(';
	default:
		return e->lhs ? expr_first(e->lhs) : 0;
	}
}

static void fmt_expr(struct fmt *f, const struct kf_expr *e, bool space)
{
	char op[2] = { (char)e->op, 0 }, *s;

	switch (e->kind) {
	case KF_EXPR_IDENT:
		fmt_token(f, e->loc, e->name, space);
		return;
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
		fmt_token(f, e->loc, e->text, space);
		return;
	case KF_EXPR_STRING:
		s = loc_text(f, e->loc);
		fmt_token(f, e->loc, s, space);
		free(s);
		return;
	case KF_EXPR_UNARY:
		fmt_token(f, e->loc, op, space);
		/* '- -x' is not '--x', nor '& &x' '&&x' */
		fmt_expr(f, e->lhs, strchr("-+&", e->op) && expr_first(e->lhs) == e->op);
		return;
	case KF_EXPR_BINARY:
		fmt_expr(f, e->lhs, space);
		fmt_token(f, e->op_loc, kf_binop_text(e->op), true);
		fmt_expr(f, e->rhs, true);
		return;
	case KF_EXPR_MEMBER:
		fmt_expr(f, e->lhs, space);
		fmt_punct(f, e->arrow ? "->" : ".", false);
		fmt_token(f, e->name_loc, e->name, false);
		return;
	case KF_EXPR_INDEX:
		fmt_expr(f, e->lhs, space);
		fmt_punct(f, "[", false);
		fmt_expr(f, e->rhs, false);
		fmt_token(f, last_byte(e->loc), "]", false);
		return;
	case KF_EXPR_CALL:
		fmt_token(f, e->name_loc, e->name, space);
		fmt_punct(f, "(", false);
		for (int i = 0; i < e->nargs; i++) {
			if (i)
				fmt_punct(f, ",", false);
			fmt_expr(f, e->args[i], i > 0);
		}
		fmt_token(f, last_byte(e->loc), ")", false);
		return;
	case KF_EXPR_CAST:
		fmt_token(f, e->loc, "(", space);
		s = kf_ctype_decl(e->cast, NULL);
		fmt_token(f, e->cast->loc, s, false);
		free(s);
		fmt_punct(f, ")", false);
		fmt_expr(f, e->lhs, false);
		return;
	case KF_EXPR_PAREN:
		fmt_token(f, e->loc, "(", space);
		fmt_expr(f, e->lhs, false);
		fmt_token(f, last_byte(e->loc), ")", false);
		return;
	}
}

static void fmt_value(struct fmt *f, const struct kf_value *v)
{
	char *s;

	if (v->kind == KF_VAL_STRING)
		s = loc_text(f, v->loc);
	else
		s = kf_strfmt("%s%s%s", v->negative ? "-" : "", v->text ? v->text : "",
			      v->kind == KF_VAL_PERCENT ? "%" : "");
	fmt_token(f, v->loc, s, true);
	free(s);
}

/* "(int a, const char *b)", when parentheses were written. */
static void fmt_params(struct fmt *f, bool written, const struct kf_param *params, int n)
{
	if (!written)
		return;
	fmt_punct(f, "(", false);
	for (int i = 0; i < n; i++) {
		char *s = kf_ctype_decl(&params[i].type, params[i].name);

		if (i)
			fmt_punct(f, ",", false);
		fmt_token(f, params[i].type.loc, s, i > 0);
		free(s);
	}
	fmt_punct(f, ")", false);
}

static void fmt_stmt(struct fmt *f, const struct kf_stmt *s, int indent)
{
	const struct kf_frame *fr = s->frame;

	fmt_token(f, s->loc, kf_stmt_word(s->kind), false);
	switch (s->kind) {
	case KF_STMT_CALL:
		fmt_token(f, fr->func_loc, fr->func, true);
		fmt_params(f, fr->has_params, fr->params, fr->nparams);
		if (fr->pred) {
			fmt_line(f, fr->when_loc, indent + FMT_INDENT, indent + FMT_INDENT, false);
			fmt_token(f, fr->when_loc, "when", false);
			fmt_expr(f, fr->pred, true);
		}
		return;
	case KF_STMT_TARGET:
		if (s->target_kind)
			fmt_token(f, s->target_kind_loc, s->target_kind, true);
		fmt_value(f, &s->values[0]);
		if (s->with) {
			fmt_punct(f, "with", true);
			fmt_token(f, s->with_loc, s->with_word, true);
		}
		return;
	default:
		for (int i = 0; i < s->nvalues; i++) {
			if (i && s->kind == KF_STMT_HEADERS)
				fmt_punct(f, ",", false);
			fmt_value(f, &s->values[i]);
		}
		return;
	}
}

static void fmt_injection(struct fmt *f, const struct kf_injection *inj, bool first)
{
	f->force_blank = !first;
	fmt_line(f, inj->loc, 0, 0, true);
	fmt_token(f, inj->loc, "inject", false);
	if (inj->kind_word) {
		fmt_token(f, inj->kind_loc, inj->kind_word, true);
	} else {
		fmt_token(f, inj->kind_loc, "function", true);
		fmt_token(f, inj->func_loc, inj->func, true);
		fmt_params(f, inj->has_params, inj->params, inj->nparams);
	}
	if (inj->retval) {
		fmt_punct(f, "returns", true);
		fmt_value(f, inj->retval);
	}
	if (inj->pred) {
		fmt_token(f, inj->when_loc, "when", true);
		fmt_expr(f, inj->pred, true);
	}
	fmt_token(f, inj->open_loc, "{", true);
	f->after_open = true;
	for (int i = 0; i < inj->nstmts; i++) {
		fmt_line(f, inj->stmts[i].loc, FMT_INDENT, FMT_INDENT, true);
		fmt_stmt(f, &inj->stmts[i], FMT_INDENT);
	}
	fmt_line(f, inj->close_loc, 0, FMT_INDENT, false);
	fmt_token(f, inj->close_loc, "}", false);
}

/*
 * A predicate the parser kept only the size of (ast.h): past the limit,
 * it cannot be written back. The error sema gives it.
 */
static bool too_big(const struct kf_expr *pred, struct kf_diags *diags)
{
	if (!pred || pred->size <= KF_MAX_PRED_NODES)
		return false;
	kf_error(diags, pred->loc, "predicate has %d operators and operands; the limit is %d",
		 pred->size, KF_MAX_PRED_NODES);
	return true;
}

static bool any_too_big(const struct kf_file *file, struct kf_diags *diags)
{
	bool big = false;

	for (int i = 0; i < file->ninj; i++) {
		const struct kf_injection *inj = file->inj[i];

		big |= too_big(inj->pred, diags);
		for (int j = 0; j < inj->nstmts; j++)
			if (inj->stmts[j].frame)
				big |= too_big(inj->stmts[j].frame->pred, diags);
	}
	return big;
}

/* ---- the check that the formatted text is the same program ---- */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool ctype_eq(const struct kf_ctype *a, const struct kf_ctype *b)
{
	if (a->base_kind != b->base_kind || !str_eq(a->base, b->base) ||
	    a->is_const != b->is_const || a->is_volatile != b->is_volatile || a->ptr != b->ptr ||
	    a->array != b->array)
		return false;
	for (int i = 0; i < a->ptr && i < KF_MAX_PTR; i++)
		if (a->ptr_const[i] != b->ptr_const[i])
			return false;
	return true;
}

static bool params_eq(const struct kf_param *a, int na, const struct kf_param *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (!str_eq(a[i].name, b[i].name) || !ctype_eq(&a[i].type, &b[i].type))
			return false;
	return true;
}

static bool expr_eq(const struct kf_expr *a, const struct kf_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->op != b->op || a->arrow != b->arrow ||
	    !str_eq(a->name, b->name) || !str_eq(a->text, b->text) || a->ival != b->ival ||
	    a->len != b->len || (a->len && memcmp(a->str, b->str, a->len)) ||
	    a->size != b->size || a->nargs != b->nargs || !!a->cast != !!b->cast ||
	    (a->cast && !ctype_eq(a->cast, b->cast)) ||
	    !expr_eq(a->lhs, b->lhs) || !expr_eq(a->rhs, b->rhs))
		return false;
	for (int i = 0; i < a->nargs; i++)
		if (!expr_eq(a->args[i], b->args[i]))
			return false;
	return true;
}

static bool value_eq(const struct kf_value *a, const struct kf_value *b)
{
	if (!a || !b)
		return a == b;
	return a->kind == b->kind && a->negative == b->negative && a->len == b->len &&
	       (!a->len || memcmp(a->text, b->text, a->len) == 0);
}

static bool stmt_eq(const struct kf_stmt *a, const struct kf_stmt *b)
{
	if (a->kind != b->kind || a->nvalues != b->nvalues || !str_eq(a->target_kind, b->target_kind) ||
	    a->with != b->with || !str_eq(a->with_word, b->with_word) || !!a->frame != !!b->frame)
		return false;
	for (int i = 0; i < a->nvalues; i++)
		if (!value_eq(&a->values[i], &b->values[i]))
			return false;
	if (a->frame)
		return str_eq(a->frame->func, b->frame->func) &&
		       a->frame->has_params == b->frame->has_params &&
		       params_eq(a->frame->params, a->frame->nparams, b->frame->params, b->frame->nparams) &&
		       expr_eq(a->frame->pred, b->frame->pred);
	return true;
}

static bool injection_eq(const struct kf_injection *a, const struct kf_injection *b)
{
	if (!str_eq(a->kind_word, b->kind_word) || a->kind != b->kind || !str_eq(a->func, b->func) ||
	    a->has_params != b->has_params || !params_eq(a->params, a->nparams, b->params, b->nparams) ||
	    !value_eq(a->retval, b->retval) || !expr_eq(a->pred, b->pred) || a->nstmts != b->nstmts)
		return false;
	for (int i = 0; i < a->nstmts; i++)
		if (!stmt_eq(&a->stmts[i], &b->stmts[i]))
			return false;
	return true;
}

/* A comment's text as the formatter writes it. */
static size_t comment_len(const char *text, const struct kf_comment *c)
{
	size_t len = c->len;

	if (text[c->off] == '#' || text[c->off + 1] == '/')
		while (len && strchr(" \t\r\f\v", text[c->off + len - 1]))
			len--;
	return len;
}

/* Whether the formatted text b has a's tree and a's comments, in order. */
static bool same_program(const struct kf_file *a, const struct kf_file *b)
{
	if (a->ninj != b->ninj || a->ncomments != b->ncomments)
		return false;
	for (int i = 0; i < a->ninj; i++)
		if (!injection_eq(a->inj[i], b->inj[i]))
			return false;
	for (int i = 0; i < a->ncomments; i++) {
		const struct kf_comment *x = &a->comments[i], *y = &b->comments[i];
		size_t n = comment_len(a->src->text, x);

		if (n != comment_len(b->src->text, y) ||
		    memcmp(a->src->text + x->off, b->src->text + y->off, n))
			return false;
	}
	return true;
}

/* Parse the formatted text again: the same tree, the same comments, no errors. */
static int check_output(const struct kf_file *file, const char *text, size_t len,
			struct kf_diags *diags)
{
	struct kf_source *src = kf_source__from_string(file->src->path, text, len);
	struct kf_diags d;
	struct kf_file *again;
	int err = 0;

	if (!src)
		return -ENOMEM;
	kf_diags__init(&d, src);
	again = kf_parse(src, &d);
	if (!again) {
		err = -ENOMEM;
		goto free_diags;
	}
	if (d.errors || !same_program(file, again)) {
		kf_error(diags, KF_NOLOC, "internal error: the formatted text is not the same program; "
			 "the file is left as it is");
		kf_diag_hint(diags, "please report it, with the file");
		err = -EPROTO;
	}
	kf_file_free(again);
free_diags:
	kf_diags__free(&d);
	kf_source__free(src);
	return err;
}

int kf_format(const struct kf_source *src, struct kf_diags *diags, char **out, size_t *out_len)
{
	struct fmt f = { .src = src };
	struct kf_file *file;
	int err;

	*out = NULL;
	*out_len = 0;
	file = kf_parse(src, diags);
	if (!file)
		return -ENOMEM;
	if (diags->errors || any_too_big(file, diags)) {
		kf_file_free(file);
		return -EINVAL;
	}
	f.file = file;
	kf_lines__init(&f.lines, src->text, src->len);
	for (int i = 0; i < file->ninj; i++)
		fmt_injection(&f, file->inj[i], i == 0);
	/* what is left: comments after the last injection */
	comments_before(&f, src->len + 1, 0, true, false);
	end_line(&f);
	if (!f.out.s)
		kf_buf_puts(&f.out, "");
	err = check_output(file, f.out.s, f.out.len, diags);
	kf_lines__fini(&f.lines);
	kf_file_free(file);
	if (err) {
		kf_buf_free(&f.out);
		return err;
	}
	*out_len = f.out.len;
	*out = kf_buf_steal(&f.out);
	return 0;
}
