// SPDX-License-Identifier: MIT
/*
 * Semantic checks (see sema.h). Every check reports at the narrowest source
 * range that explains it and goes on, so one run shows every error.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf_types.h"
#include "cron.h"
#include "knames.h"
#include "ksyms.h"
#include "sites.h"
#include "sema.h"
#include "sema_btf.h"
#include "util.h"

struct sema {
	struct kf_diags *d;
	struct kf_injection *inj;
	struct kf_btf *btf;	/* kernel BTF, or NULL: see sema_btf.h */
	bool macros;		/* headers mode: an unknown name may be a kernel macro */
	bool target_given;	/* the command line targets every injection */
	struct kf_ksyms *ksyms;	/* the kernel's functions, or NULL: see ksyms.h */
	bool ei_noted;		/* said that the error-injection list is checked at run time */
};

/* ---- failure sites (sites.c) ---- */

static void check_retval(struct sema *s, struct kf_injection *inj)
{
	struct kf_value *v = inj->retval;
	char *end;

	switch (v->kind) {
	case KF_VAL_INT: {
		uint64_t u = strtoull(v->text, &end, 0);

		/* a kernel function returns at most 64 bits: -2^63 .. 2^63 - 1 */
		if (u > (uint64_t)INT64_MAX + v->negative) {
			kf_error(s->d, v->loc, "failure value %s%s does not fit in 64 bits",
				 v->negative ? "-" : "", v->text);
			return;
		}
		inj->retval_num = v->negative ? (int64_t)(0 - u) : (int64_t)u;
		return;
	}
	case KF_VAL_IDENT:
		if (!v->negative && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0)) {
			inj->retval_num = v->text[0] == 't';
			return;
		}
		if (kf_errno_by_name(v->text)) {
			inj->retval_num = kf_errno_by_name(v->text);
			if (!v->negative) {
				kf_error(s->d, v->loc, "'returns %s' returns a positive number", v->text);
				kf_diag_hint(s->d, "kernel functions return errors as negative numbers: 'returns -%s'",
					     v->text);
			}
			inj->retval_num = -inj->retval_num;
			return;
		}
		kf_error(s->d, v->loc, "unknown error name '%s'", v->text);
		if (kf_closest_errno(v->text)) {
			char *near = kf_strfmt("%s%s", v->negative ? "-" : "", kf_closest_errno(v->text));

			kf_diag_suggest(s->d, v->loc, near);
			free(near);
		}
		else
			kf_diag_hint(s->d, "write an errno name such as -ENOMEM, a number, true or false");
		return;
	default:
		kf_error(s->d, v->loc, "a failure value is a number, -ERRNO, true or false");
		return;
	}
}

static void builtin_params(struct kf_injection *inj, const struct kf_site *site)
{
	inj->nparams = site->nparams;
	inj->params = kf_calloc((size_t)inj->nparams, sizeof(*inj->params));
	for (int i = 0; i < inj->nparams; i++) {
		const struct kf_site_param *sp = &site->params[i];
		struct kf_param *p = &inj->params[i];

		p->type.base_kind = sp->kind;
		p->type.base = kf_strdup(sp->base);
		p->type.ptr = sp->ptr;
		p->type.array = -1;
		p->type.loc = inj->kind_loc;
		p->name = kf_strdup(sp->name);
		p->loc = inj->kind_loc;
	}
}

static void resolve_site(struct sema *s, struct kf_injection *inj)
{
	const struct kf_site *site;

	if (inj->kind == KF_SITE_FUNCTION) {
		if (!inj->retval) {
			kf_error(s->d, inj->func_loc, "'function %s' needs the value it returns when it fails",
				 inj->func);
			kf_diag_hint(s->d, "write 'inject function %s returns -ENOMEM'", inj->func);
		} else {
			check_retval(s, inj);
		}
		return;
	}
	site = kf_site_by_word(inj->kind_word);
	if (site) {
		inj->kind = site->kind;
		inj->func = kf_strdup(site->func);
		inj->func_loc = inj->kind_loc;
		inj->retval_num = site->retval;
		builtin_params(inj, site);
		if (inj->retval) {
			kf_error(s->d, inj->retval->loc, "a '%s' failure always returns %s",
				 site->word, site->retval_text);
			kf_diag_hint(s->d, "to choose the value, fail the function itself: 'inject function %s returns ...'",
				     site->func);
		}
		return;
	}

	const char *words[8];
	size_t n = 0;

	for (size_t i = 0; i < kf_nsites && n < KF_ARRAY_SIZE(words) - 1; i++)
		words[n++] = kf_sites[i].word;
	words[n++] = "function";
	const char *near = kf_closest(inj->kind_word, words, n);

	kf_error(s->d, inj->kind_loc, "unknown failure kind '%s'", inj->kind_word);
	if (near)
		kf_diag_suggest(s->d, inj->kind_loc, near);
	else
		kf_diag_hint(s->d, "write slab, page, bio, or 'function %s returns VALUE' to fail a kernel function",
			     inj->kind_word);
	site = &kf_sites[0];	/* keep checking the rest */
	inj->kind = site->kind;
	inj->func = kf_strdup(site->func);
	builtin_params(inj, site);
}

/* ---- parameters ---- */

/*
 * C's keywords (C11, C23 and GNU's), which no name may be. Names starting
 * with "__" are GNU keywords too, but kernel types and members are named so
 * (__u32, task->__state): those are checked against gnu_keywords.
 */
static const char *const c_keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
	"else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
	"register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
	"switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas",
	"_Alignof", "_Atomic", "_BitInt", "_Bool", "_Complex", "_Decimal32", "_Decimal64",
	"_Decimal128", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
	"_Thread_local", "alignas", "alignof", "constexpr", "nullptr", "static_assert",
	"thread_local", "typeof", "typeof_unqual", "asm",
};

/* Object-like macros every generated program sees (stdbool.h, bpf_helpers.h). */
static const char *const c_macros[] = { "bool", "true", "false", "NULL" };

static const char *const gnu_keywords[] = {
	"__asm", "__asm__", "__attribute", "__attribute__", "__typeof", "__typeof__",
	"__extension__", "__inline", "__inline__", "__restrict", "__restrict__", "__signed",
	"__signed__", "__volatile", "__volatile__", "__const", "__const__", "__alignof",
	"__alignof__", "__auto_type", "__label__", "__thread", "__int128", "__real",
	"__real__", "__imag", "__imag__", "__complex__", "__func__", "__FUNCTION__",
	"__PRETTY_FUNCTION__", "__VA_ARGS__", "__VA_OPT__", "__LINE__", "__FILE__",
	"__COUNTER__", "__DATE__", "__TIME__", "__has_include", "__has_attribute",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/*
 * What a word already means in the generated C, if anything: it cannot be
 * the name of a parameter, a member, a type or a tag there.
 */
const char *kf_c_meaning(const char *name)
{
	if (in_list(name, c_keywords, KF_ARRAY_SIZE(c_keywords)) ||
	    in_list(name, gnu_keywords, KF_ARRAY_SIZE(gnu_keywords)) ||
	    strncmp(name, "__builtin_", 10) == 0)
		return "a C keyword";
	if (in_list(name, c_macros, KF_ARRAY_SIZE(c_macros)))
		return "a C macro";
	return NULL;
}

/*
 * Parameter names are C identifiers in the generated program, next to its
 * own: ctx, kf_*, kfN_* (kf0_fails, kf0_f1_when), KF_*, bpf_* and BPF_* are
 * the generated code's and libbpf's; names starting with "__" or "_" and a
 * capital are C's reserved identifiers, used by the macros the generated
 * code expands (BPF_CORE_READ declares __r and __t).
 */
static bool reserved_name(const char *name)
{
	return strcmp(name, "ctx") == 0 || strncmp(name, "kf_", 3) == 0 ||
	       (strncmp(name, "kf", 2) == 0 && name[2] >= '0' && name[2] <= '9') ||
	       strncmp(name, "KF_", 3) == 0 || strncmp(name, "bpf_", 4) == 0 ||
	       strncmp(name, "BPF_", 4) == 0 || strncmp(name, "__", 2) == 0 ||
	       (name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z');
}

/*
 * The builtin type words of a declaration or a cast, as C allows them to
 * combine: void, _Bool, [un]signed char, [un]signed short/int/long/long long
 * [int].
 */
static bool valid_builtin(const char *words)
{
	int sign = 0, is_char = 0, is_short = 0, is_int = 0, is_long = 0, other = 0, n = 0;
	const char *w = words;

	while (*w) {
		size_t len = strcspn(w, " ");

		if ((len == 8 && strncmp(w, "unsigned", 8) == 0) || (len == 6 && strncmp(w, "signed", 6) == 0))
			sign++;
		else if (len == 4 && strncmp(w, "char", 4) == 0)
			is_char++;
		else if (len == 5 && strncmp(w, "short", 5) == 0)
			is_short++;
		else if (len == 3 && strncmp(w, "int", 3) == 0)
			is_int++;
		else if (len == 4 && strncmp(w, "long", 4) == 0)
			is_long++;
		else
			other++;	/* void, _Bool */
		n++;
		w += len;
		w += *w == ' ';
	}
	if (other)
		return n == 1;
	if (sign > 1 || is_char > 1 || is_short > 1 || is_int > 1 || is_long > 2)
		return false;
	if (is_char)
		return !is_short && !is_int && !is_long;
	return !(is_short && is_long);
}

/* A C type as written: names that are names, and what C can declare. */
static void check_ctype(struct sema *s, const struct kf_ctype *t)
{
	if (t->base_kind == KF_BASE_BUILTIN && !valid_builtin(t->base)) {
		kf_error(s->d, t->loc, "'%s' is not a C type", t->base);
	} else if (t->base_kind != KF_BASE_BUILTIN && strcmp(t->base, "bool") != 0 &&
		   kf_c_meaning(t->base)) {
		kf_error(s->d, t->loc, "'%s' is %s, not a type name", t->base, kf_c_meaning(t->base));
	}
	if (t->ptr > KF_MAX_PTR) {
		kf_error(s->d, t->loc, "%s%d levels of pointers; the limit is %d",
			 t->ptr == 0xff ? "at least " : "", t->ptr, KF_MAX_PTR);
	}
}

static enum kf_tkind param_tkind(const struct kf_param *p)
{
	if (p->type.array >= 0)
		return KF_T_ARRAY;
	if (p->type.ptr)
		return KF_T_PTR;
	if (p->type.base_kind == KF_BASE_STRUCT || p->type.base_kind == KF_BASE_UNION)
		return KF_T_RECORD;
	return KF_T_INT;
}

static void check_params(struct sema *s, const char *func, struct kf_param *params, int *nparams)
{
	int n = *nparams;

	/* "(void)" is C for "no parameters". */
	if (n == 1 && !params[0].name && params[0].type.base_kind == KF_BASE_BUILTIN &&
	    strcmp(params[0].type.base, "void") == 0 && !params[0].type.ptr) {
		kf_ctype_fini(&params[0].type);
		*nparams = 0;
		return;
	}
	if (n > KF_MAX_PARAMS) {
		kf_error(s->d, params[KF_MAX_PARAMS].loc, "'%s' is declared with %d parameters; the limit is %d",
			 func, n, KF_MAX_PARAMS);
		n = KF_MAX_PARAMS;	/* enough to check, and no more: duplicates cost n^2 */
	}
	for (int i = 0; i < n; i++) {
		struct kf_param *p = &params[i];

		check_ctype(s, &p->type);
		if (!p->name) {
			kf_error(s->d, p->type.loc, "parameter %d of '%s' has no name", i + 1, func);
			kf_diag_hint(s->d, "parameters are matched by position; give it any name");
			p->name = kf_strfmt("___unnamed%d", i);
			continue;
		}
		if (kf_c_meaning(p->name)) {
			kf_error(s->d, p->loc, "parameter name '%s' is %s", p->name, kf_c_meaning(p->name));
			kf_diag_hint(s->d, "parameters are matched by position, so any other name works");
		} else if (reserved_name(p->name)) {
			kf_error(s->d, p->loc, "parameter name '%s' is reserved for generated code", p->name);
			kf_diag_hint(s->d, "parameters are matched by position, so any other name works");
		} else if (s->btf && kf_btf__find_type(s->btf, p->name) > 0) {
			/* the generated C declares it: the type would be hidden from what follows */
			kf_error(s->d, p->loc, "parameter name '%s' is a kernel type's name", p->name);
			kf_diag_hint(s->d, "parameters are matched by position, so any other name works");
		}
		if (p->type.base_kind == KF_BASE_BUILTIN && strcmp(p->type.base, "void") == 0 &&
		    !p->type.ptr)
			kf_error(s->d, p->type.loc, "parameter '%s' has type void", p->name);
		if (p->type.array >= 0) {
			kf_error(s->d, p->type.loc, "array parameter '%s': C passes arrays as pointers",
				 p->name);
			kf_diag_hint(s->d, "declare it as a pointer");
		}
		if (param_tkind(p) == KF_T_RECORD) {
			kf_error(s->d, p->type.loc,
				 "'%s' is passed by value; a probe can only read parameters that fit a register",
				 p->name);
		}
		for (int j = 0; j < i; j++) {
			if (params[j].name && strcmp(params[j].name, p->name) == 0) {
				kf_error(s->d, p->loc, "redefinition of parameter '%s'", p->name);
				break;
			}
		}
	}
}

/* ---- predicates ---- */

struct scope {
	const char *func;
	const struct kf_param *params;
	int nparams;
	bool declared;		/* parameters were written (or are built in) */
};

static const char *const builtins[] = { "STRNCMP", "STRCMP" };

/* The site whose kernel function is func, or NULL. */
static const struct kf_site *site_of(const char *func)
{
	for (size_t i = 0; i < kf_nsites; i++)
		if (strcmp(kf_sites[i].func, func) == 0)
			return &kf_sites[i];
	return NULL;
}

/*
 * A site's parameter named as another site names the same thing: gfp_mask
 * (page's) in a slab predicate is slab's gfpflags, a parameter of the same
 * type. NULL when func is no site or there is no such parameter.
 */
static const char *same_role(const char *func, const char *name)
{
	const struct kf_site *here = site_of(func);

	if (!here)
		return NULL;
	for (size_t i = 0; i < kf_nsites; i++) {
		for (int j = 0; j < kf_sites[i].nparams; j++) {
			const struct kf_site_param *other = &kf_sites[i].params[j];

			if (strcmp(other->name, name) != 0)
				continue;
			for (int k = 0; k < here->nparams; k++)
				if (here->params[k].kind == other->kind && here->params[k].ptr == other->ptr &&
				    strcmp(here->params[k].base, other->base) == 0)
					return here->params[k].name;
		}
	}
	return NULL;
}

/* Written as the kernel writes its integer macros: no lower case letter. */
static bool macro_case(const char *name)
{
	return !strpbrk(name, "abcdefghijklmnopqrstuvwxyz");
}

/*
 * A name that looks like a kernel macro (__GFP_NOWARN, PAGE_SIZE): BTF has
 * no macros. Hints at headers mode, or for a GFP flag at the enumerator BTF
 * has. Returns whether it gave a hint.
 */
static bool macro_hint(struct sema *s, const char *name)
{
	const char *c = name;

	while (*c == '_')
		c++;
	if (!*c)
		return false;
	for (const char *d = c; *d; d++)
		if (!((*d >= 'A' && *d <= 'Z') || (*d >= '0' && *d <= '9') || *d == '_'))
			return false;
	if (!s->btf && strncmp(name, "___", 3) == 0)
		kf_diag_hint(s->d, "'%s' may be an enumerator of the kernel: those come from kernel "
			     "BTF (--btf VMLINUX)", name);
	else if (strncmp(name, "__GFP_", 6) == 0 && name[6] != '_')
		kf_diag_hint(s->d, "'%s' is a kernel macro, and BTF has no macros: write "
			     "(1 << ___GFP_%s_BIT), an enumerator BTF has, or pass --kernel-headers DIR "
			     "to use the kernel's macros", name, name + 6);
	else
		kf_diag_hint(s->d, "'%s' looks like a kernel macro, and BTF has no macros: pass "
			     "--kernel-headers DIR to use the kernel's macros", name);
	return true;
}

static bool is_member_chain(const struct kf_expr *e)
{
	while (e->kind == KF_EXPR_PAREN)
		e = e->lhs;
	return e->kind == KF_EXPR_MEMBER;
}

/* Whether e is in kernel memory, where '.' can reach into it: p->a, p->arr[i], p[i], *p. */
static bool is_place(const struct kf_expr *e)
{
	while (e->kind == KF_EXPR_PAREN)
		e = e->lhs;
	return e->kind == KF_EXPR_MEMBER || e->kind == KF_EXPR_INDEX ||
	       (e->kind == KF_EXPR_UNARY && e->op == '*');
}

static void check_expr(struct sema *s, const struct scope *sc, struct kf_expr *e);

static void check_string_builtin(struct sema *s, const struct scope *sc, struct kf_expr *e)
{
	bool n_form = strcmp(e->name, "STRNCMP") == 0;
	int want = n_form ? 3 : 2;
	struct kf_expr *str, *lit;

	e->tkind = KF_T_INT;
	if (e->nargs != want) {
		kf_error(s->d, e->loc, "%s takes %d arguments, not %d", e->name, want, e->nargs);
		kf_diag_hint(s->d, n_form ? "STRNCMP(string, \"literal\", length)"
					  : "STRCMP(string, \"literal\")");
		for (int i = 0; i < e->nargs; i++)
			if (e->args[i]->kind != KF_EXPR_STRING)
				check_expr(s, sc, e->args[i]);
		return;
	}
	str = e->args[0];
	lit = e->args[1];
	check_expr(s, sc, str);
	if (str->kind == KF_EXPR_STRING)
		kf_error(s->d, str->loc, "the first argument of %s is the kernel string, not a literal",
			 e->name);
	else if (str->tkind == KF_T_INT)
		kf_error(s->d, str->loc, "the first argument of %s must be a pointer or an array", e->name);
	if (lit->kind != KF_EXPR_STRING) {
		kf_error(s->d, lit->loc, "the second argument of %s must be a string literal", e->name);
		check_expr(s, sc, lit);
		return;
	}
	lit->tkind = KF_T_STRING;
	if (memchr(lit->str, '\0', lit->len))
		kf_error(s->d, lit->loc, "the string holds a NUL byte; comparison would stop there");
	if (lit->len + 1 > KF_MAX_STRLEN)
		kf_error(s->d, lit->loc, "the string is %zu bytes long; %s compares at most %d",
			 lit->len, e->name, KF_MAX_STRLEN - 1);
	if (!n_form)
		return;

	struct kf_expr *n = e->args[2];

	if (n->kind != KF_EXPR_INT) {
		kf_error(s->d, n->loc, "the length of STRNCMP must be an integer literal");
		check_expr(s, sc, n);
		return;
	}
	n->tkind = KF_T_INT;
	if (n->ival == 0)
		kf_error(s->d, n->loc, "a length of 0 compares nothing");
	else if (n->ival > lit->len + 1) {
		kf_error(s->d, n->loc, "length %llu is longer than \"%.*s\" and its NUL (%zu bytes)",
			 (unsigned long long)n->ival, (int)(lit->len > 40 ? 40 : lit->len), lit->str,
			 lit->len + 1);
		kf_diag_hint(s->d, "comparison stops at the end of the literal; use %zu, or STRCMP for an exact match",
			     lit->len + 1);
	}
}

static void check_expr_btf(struct sema *s, const struct scope *sc, struct kf_expr *e);

/*
 * The value of e if it is an integer constant (literals and the operators
 * between them), in 64-bit two's complement as the generated C's long long
 * arithmetic on them; false if it is not constant, or is undefined (said
 * where it is by check_const_op()).
 */
static bool const_value(const struct kf_expr *e, uint64_t *v)
{
	uint64_t l, r;

	switch (e->kind) {
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
		*v = e->ival;
		return true;
	case KF_EXPR_PAREN:
		return const_value(e->lhs, v);
	case KF_EXPR_UNARY:
		if (!const_value(e->lhs, &l))
			return false;
		switch (e->op) {
		case '-': *v = -l; return true;
		case '+': *v = l; return true;
		case '~': *v = ~l; return true;
		case '!': *v = !l; return true;
		default: return false;
		}
	case KF_EXPR_BINARY:
		if (!const_value(e->lhs, &l) || !const_value(e->rhs, &r))
			return false;
		switch (e->op) {
		case KF_OP_MUL: *v = l * r; return true;
		case KF_OP_DIV:
		case KF_OP_MOD:
			if (!r || (l == (uint64_t)INT64_MIN && r == UINT64_MAX))
				return false;
			*v = e->op == KF_OP_DIV ? (uint64_t)((int64_t)l / (int64_t)r)
						: (uint64_t)((int64_t)l % (int64_t)r);
			return true;
		case KF_OP_ADD: *v = l + r; return true;
		case KF_OP_SUB: *v = l - r; return true;
		case KF_OP_SHL:
		case KF_OP_SHR:
			if (r >= 64)
				return false;
			*v = e->op == KF_OP_SHL ? l << r : (uint64_t)((int64_t)l >> r);
			return true;
		case KF_OP_LT: *v = (int64_t)l < (int64_t)r; return true;
		case KF_OP_GT: *v = (int64_t)l > (int64_t)r; return true;
		case KF_OP_LE: *v = (int64_t)l <= (int64_t)r; return true;
		case KF_OP_GE: *v = (int64_t)l >= (int64_t)r; return true;
		case KF_OP_EQ: *v = l == r; return true;
		case KF_OP_NE: *v = l != r; return true;
		case KF_OP_BITAND: *v = l & r; return true;
		case KF_OP_BITXOR: *v = l ^ r; return true;
		case KF_OP_BITOR: *v = l | r; return true;
		case KF_OP_AND: *v = l && r; return true;
		case KF_OP_OR: *v = l || r; return true;
		}
		return false;
	default:
		return false;
	}
}

/* What C leaves undefined in binary e when its right operand (and for
 * INT64_MIN / -1 its left one) is a constant: an error at the operator.
 */
static void check_const_op(struct sema *s, const struct kf_expr *e)
{
	const char *what = e->op == KF_OP_DIV ? "division" : "remainder";
	uint64_t l, r;

	if (!const_value(e->rhs, &r))
		return;
	switch (e->op) {
	case KF_OP_DIV:
	case KF_OP_MOD:
		if (!r)
			kf_error(s->d, e->op_loc, "%s by zero", what);
		else if (r == UINT64_MAX && const_value(e->lhs, &l) && l == (uint64_t)INT64_MIN)
			kf_error(s->d, e->op_loc, "%s of -9223372036854775808 by -1 overflows", what);
		return;
	case KF_OP_SHL:
	case KF_OP_SHR:
		if ((int64_t)r < 0)
			kf_error(s->d, e->op_loc, "shift count %lld is negative", (long long)r);
		else if (r >= 64)
			kf_error(s->d, e->op_loc, "shift count %llu is not less than 64",
				 (unsigned long long)r);
		return;
	}
}

/* Check e, then type it from BTF (if there is BTF): its operands first. */
static void check_expr(struct sema *s, const struct scope *sc, struct kf_expr *e)
{
	check_expr_btf(s, sc, e);
	if (s->btf)
		kf_sema_btf_expr(s->d, s->btf, e);
}

static void check_expr_btf(struct sema *s, const struct scope *sc, struct kf_expr *e)
{
	switch (e->kind) {
	case KF_EXPR_IDENT:
		for (int i = 0; i < sc->nparams; i++) {
			if (sc->params[i].name && strcmp(sc->params[i].name, e->name) == 0) {
				e->param = &sc->params[i];
				e->tkind = param_tkind(e->param);
				if (i >= KF_MAX_KPROBE_ARGS) {
					kf_error(s->d, e->loc,
						 "'%s' is parameter %d; a probe can read the first %d",
						 e->name, i + 1, KF_MAX_KPROBE_ARGS);
				}
				return;
			}
		}
		if (strcmp(e->name, "true") == 0 || strcmp(e->name, "false") == 0 ||
		    strcmp(e->name, "NULL") == 0) {
			e->tkind = KF_T_INT;
			return;
		}
		if (s->btf && kf_sema_btf_enumerator(s->btf, e))
			return;
		if (s->macros && !macro_case(e->name)) {
			/* not an integer: a function (panic), or a macro for code (current) */
			e->tkind = KF_T_UNKNOWN;
			kf_error(s->d, e->loc, "'%s' is not a parameter, an enumerator or an integer macro",
				 e->name);
			kf_diag_hint(s->d, "%s; the kernel's integer macros are written in capitals "
				     "(PAGE_SIZE, __GFP_NOWARN)",
				     s->btf && kf_btf__find_func(s->btf, e->name) >= 0 ?
				     "it is a kernel function" : "a predicate reads parameters");
			return;
		}
		if (s->macros) {
			/* clang sees the kernel's headers: it says if there is no such macro */
			e->tkind = KF_T_INT;
			return;
		}
		e->tkind = KF_T_UNKNOWN;
		kf_error(s->d, e->loc, "undeclared identifier '%s'", e->name);
		if (s->d->dropped_last)
			return;	/* past the diagnostics limit: no time for a hint */
		if (sc->nparams) {
			const char *names[64];
			int n = 0;

			for (int i = 0; i < sc->nparams && n < 64; i++)
				if (sc->params[i].name)
					names[n++] = sc->params[i].name;
			const char *near = kf_closest(e->name, names, (size_t)n);
			if (!near)
				near = same_role(sc->func, e->name);
			if (near)
				kf_diag_suggest(s->d, e->loc, near);
			else if (!macro_hint(s, e->name) && site_of(sc->func))
				kf_diag_hint(s->d, "the parameters of %s are: %s", sc->func,
					     site_of(sc->func)->params_c);
		} else if (macro_hint(s, e->name)) {
			/* said */
		} else if (!sc->declared) {
			kf_diag_hint(s->d, "declare the parameters of %s to use them: call %s(TYPE NAME, ...)",
				     sc->func, sc->func);
		}
		return;
	case KF_EXPR_INT:
	case KF_EXPR_CHAR:
		e->tkind = KF_T_INT;
		return;
	case KF_EXPR_STRING:
		e->tkind = KF_T_STRING;
		kf_error(s->d, e->loc, "a string can only be compared with STRNCMP or STRCMP");
		return;
	case KF_EXPR_PAREN:
		check_expr(s, sc, e->lhs);
		e->tkind = e->lhs->tkind;
		return;
	case KF_EXPR_UNARY:
		check_expr(s, sc, e->lhs);
		e->tkind = KF_T_INT;
		if (e->op == '*') {
			if (e->lhs->tkind == KF_T_INT)
				kf_error(s->d, e->loc, "cannot dereference a value that is not a pointer");
			e->tkind = KF_T_UNKNOWN;
		} else if (e->op == '&') {
			if (!is_member_chain(e->lhs))
				kf_error(s->d, e->loc, "'&' takes the address of a member, as in &p->field");
			e->tkind = KF_T_PTR;
		}
		return;
	case KF_EXPR_BINARY:
		check_expr(s, sc, e->lhs);
		check_expr(s, sc, e->rhs);
		check_const_op(s, e);
		if ((e->op == KF_OP_EQ || e->op == KF_OP_NE) &&
		    (e->lhs->kind == KF_EXPR_STRING || e->rhs->kind == KF_EXPR_STRING))
			kf_diag_hint(s->d, "compare strings with STRCMP(s, \"literal\") or STRNCMP(s, \"literal\", n)");
		e->tkind = KF_T_INT;
		if ((e->op == KF_OP_ADD || e->op == KF_OP_SUB) &&
		    (e->lhs->tkind == KF_T_PTR) != (e->rhs->tkind == KF_T_PTR))
			e->tkind = KF_T_PTR;
		return;
	case KF_EXPR_CAST:
		check_ctype(s, e->cast);
		check_expr(s, sc, e->lhs);
		if (e->cast->ptr)
			e->tkind = KF_T_PTR;
		else if (e->cast->base_kind == KF_BASE_STRUCT || e->cast->base_kind == KF_BASE_UNION)
			kf_error(s->d, e->cast->loc, "cannot cast to a structure or union");
		else
			e->tkind = KF_T_INT;
		return;
	case KF_EXPR_MEMBER:
		check_expr(s, sc, e->lhs);
		e->tkind = KF_T_UNKNOWN;
		if (kf_c_meaning(e->name))
			kf_error(s->d, e->name_loc, "member name '%s' is %s", e->name, kf_c_meaning(e->name));
		if (e->lhs->tkind == KF_T_INT) {
			kf_error(s->d, e->loc, "member reference base is not a structure or a pointer to one");
		} else if (!e->arrow && e->lhs->tkind == KF_T_PTR) {
			char *l = kf_expr_str(e->lhs);

			kf_error(s->d, e->loc, "'%s' is a pointer; did you mean '->'?", l);
			free(l);
		} else if (!e->arrow && !is_place(e->lhs)) {
			kf_error(s->d, e->loc, "'.' applies to a structure in kernel memory, "
				 "as in p->a.b, p->arr[0].b or (*p).b");
		}
		return;
	case KF_EXPR_INDEX:
		check_expr(s, sc, e->lhs);
		check_expr(s, sc, e->rhs);
		if (e->lhs->tkind == KF_T_INT)
			kf_error(s->d, e->lhs->loc, "subscripted value is not an array or a pointer");
		if (e->rhs->tkind != KF_T_INT && e->rhs->tkind != KF_T_UNKNOWN)
			kf_error(s->d, e->rhs->loc, "array subscript is not an integer");
		e->tkind = KF_T_UNKNOWN;
		return;
	case KF_EXPR_CALL:
		if (strcmp(e->name, "STRNCMP") == 0 || strcmp(e->name, "STRCMP") == 0) {
			check_string_builtin(s, sc, e);
			return;
		}
		kf_error(s->d, e->name_loc, "unknown function '%s'", e->name);
		{
			const char *near = kf_closest(e->name, builtins, KF_ARRAY_SIZE(builtins));
			char upper[64];
			size_t i;

			for (i = 0; e->name[i] && i < sizeof(upper) - 1; i++)
				upper[i] = (char)(e->name[i] >= 'a' && e->name[i] <= 'z' ? e->name[i] - 32 : e->name[i]);
			upper[i] = '\0';
			for (size_t b = 0; b < KF_ARRAY_SIZE(builtins); b++)
				if (strcmp(upper, builtins[b]) == 0)
					near = builtins[b];
			if (near)
				kf_diag_suggest(s->d, e->name_loc, near);
			else
				kf_diag_hint(s->d, "predicates can call STRNCMP(s, \"lit\", n) and STRCMP(s, \"lit\")");
		}
		e->tkind = KF_T_INT;
		for (int i = 0; i < e->nargs; i++)
			if (e->args[i]->kind != KF_EXPR_STRING)
				check_expr(s, sc, e->args[i]);
		return;
	}
}

static void check_pred(struct sema *s, const struct scope *sc, struct kf_expr *pred)
{
	int nodes;

	if (!pred)
		return;
	nodes = pred->size;	/* the parser counted them, and kept no bigger tree */
	if (nodes > KF_MAX_PRED_NODES) {
		kf_error(s->d, pred->loc, "predicate has %d operators and operands; the limit is %d",
			 nodes, KF_MAX_PRED_NODES);
		return;
	}
	check_expr(s, sc, pred);
}

/* ---- settings ---- */


static bool check_dup(struct sema *s, const struct kf_stmt **slot, const struct kf_stmt *st,
		      const char *what)
{
	if (*slot) {
		kf_error(s->d, st->loc, "duplicate '%s'", what);
		kf_diag_hint(s->d, "'%s' was already given on line %d", what,
			     kf_diags__origin(s->d, (*slot)->loc).first_line);
		return false;
	}
	*slot = st;
	return true;
}

bool kf_header_name_ok(const char *h, size_t n)
{
	if (n < 3 || n > 128 || memchr(h, '\0', n) || h[0] == '/' || strcmp(h + n - 2, ".h") != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '/' || c == '+'))
			return false;
		if (c == '/' && (h[i + 1] == '/' || h[i + 1] == '.'))
			return false;
	}
	return h[0] != '.';
}

static void set_headers(struct sema *s, const struct kf_stmt *st)
{
	struct kf_settings *set = &s->inj->set;

	if (st->nvalues > KF_MAX_HEADERS) {
		kf_error(s->d, st->values[KF_MAX_HEADERS].loc, "%d headers; an injection includes at most %d",
			 st->nvalues, KF_MAX_HEADERS);
		return;
	}
	for (int i = 0; i < st->nvalues; i++) {
		const struct kf_value *v = &st->values[i];

		if (!kf_header_name_ok(v->text, v->len)) {
			size_t n = strnlen(v->text, v->len);	/* up to a NUL byte, if any */

			kf_error(s->d, v->loc, "'%.*s%s' is not a header name", (int)(n > 60 ? 60 : n), v->text,
				 n < v->len ? "\\0..." : n > 60 ? "..." : "");
			kf_diag_hint(s->d, "%s", KF_HEADER_NAME_HINT);
			continue;
		}
		set->headers = kf_realloc_array(set->headers, (size_t)set->nheaders + 1, sizeof(char *));
		set->headers[set->nheaders++] = kf_strndup(v->text, v->len);
	}
}

/*
 * `probability P per call` or `per decision`: what one draw is for. The
 * default, per decision, is the kernel's own fault injection's meaning.
 */
static void set_probability_unit(struct sema *s, const struct kf_stmt *st)
{
	static const char *const units[] = { "call", "decision" };
	const struct kf_value *per = &st->values[1], *unit = &st->values[2];
	const char *near;

	if (strcmp(per->text, "per") != 0) {
		kf_error(s->d, per->loc, "unexpected '%s' after the probability", per->text);
		kf_diag_hint(s->d, "write 'probability %s%% per call' (drawn once per call of the "
			     "outermost frame) or '... per decision' (at each decision, the default)",
			     st->values[0].text);
		return;
	}
	if (strcmp(unit->text, "call") == 0) {
		s->inj->set.per_call = true;
		return;
	}
	if (strcmp(unit->text, "decision") == 0)
		return;
	kf_error(s->d, unit->loc, "a probability is drawn per 'call' or per 'decision', not per '%s'",
		 unit->text);
	near = kf_closest(unit->text, units, KF_ARRAY_SIZE(units));
	if (near) {
		kf_diag_hint(s->d, "did you mean 'per %s'?", near);
		kf_diag_fixit(s->d, unit->loc, near);
	}
}

static void set_probability(struct sema *s, const struct kf_stmt *st)
{
	const struct kf_value *v = &st->values[0];
	double p;

	if (v->kind == KF_VAL_INT || v->kind == KF_VAL_FLOAT) {
		kf_error(s->d, v->loc, "probability needs a percent sign");
		kf_diag_hint(s->d, "write 'probability %s%s%%'", v->negative ? "-" : "", v->text);
		return;
	}
	if (v->kind != KF_VAL_PERCENT) {
		kf_error(s->d, v->loc, "probability is a percentage, as in 'probability 30%%' or '0.5%%'");
		return;
	}
	p = strtod(v->text, NULL);
	if (v->negative || p > 100) {
		kf_error(s->d, v->loc, "probability %s%s%% is outside 0..100%%", v->negative ? "-" : "", v->text);
		return;
	}
	if (p <= 0) {
		kf_error(s->d, v->loc, "probability must be greater than 0%%");
		kf_diag_hint(s->d, "to disarm an injection, remove it or stop kfault");
		return;
	}
	s->inj->set.probability = p;
	if (st->nvalues == 3)
		set_probability_unit(s, st);
}

/* nth N: only the N-th decision (since the injection was loaded) may fail. */
static void set_nth(struct sema *s, const struct kf_stmt *st)
{
	const struct kf_value *v = &st->values[0];
	unsigned long long n;

	if (v->kind != KF_VAL_INT) {
		kf_error(s->d, v->loc, "nth is the number of the one decision that may fail, as in 'nth 3'");
		return;
	}
	errno = 0;
	n = strtoull(v->text, NULL, 0);
	if (v->negative || n == 0 || n > UINT32_MAX || errno) {
		kf_error(s->d, v->loc, "nth counts decisions from 1 to %u", UINT32_MAX);
		return;
	}
	s->inj->set.nth = (uint32_t)n;
}

static void set_times(struct sema *s, const struct kf_stmt *st)
{
	const struct kf_value *v = &st->values[0];

	if (v->kind == KF_VAL_IDENT && !v->negative && strcmp(v->text, "unlimited") == 0) {
		s->inj->set.times = 0;
		return;
	}
	if (v->kind != KF_VAL_INT) {
		kf_error(s->d, v->loc, "times is a whole number of injections, as in 'times 10'");
		return;
	}
	if (v->negative || strtoull(v->text, NULL, 0) == 0) {
		kf_error(s->d, v->loc, "times must be at least 1");
		kf_diag_hint(s->d, "leave 'times' out, or write 'times unlimited', for no limit");
		return;
	}
	s->inj->set.times = strtoull(v->text, NULL, 0);
}

static void set_duration(struct sema *s, const struct kf_stmt *st)
{
	const struct kf_value *v = &st->values[0];
	uint64_t ms;

	if (v->kind == KF_VAL_INT) {
		kf_error(s->d, v->loc, "duration needs a unit: ms, s, m, h or d");
		kf_diag_hint(s->d, "write 'duration %ss'", v->text);
		return;
	}
	if (v->kind != KF_VAL_DURATION) {
		kf_error(s->d, v->loc, "duration is a time, as in 'duration 30s' or '1h30m'");
		return;
	}
	if (!v->negative && kf_parse_duration(v->text, &ms) == -ERANGE) {
		kf_error(s->d, v->loc, "duration %s is too long", v->text);
		kf_diag_hint(s->d, "leave 'duration' out to inject until kfault is stopped");
		return;
	}
	if (v->negative || kf_parse_duration(v->text, &ms) || ms == 0) {
		kf_error(s->d, v->loc, "duration must be positive");
		return;
	}
	s->inj->set.duration_ms = ms;
}

static void set_schedule(struct sema *s, const struct kf_stmt *st)
{
	const struct kf_value *v = &st->values[0];
	struct kf_cron_error err;
	struct kf_cron cron;

	if (v->kind != KF_VAL_STRING) {
		kf_error(s->d, v->loc, "a schedule is a string, as in 'schedule \"@every 5m\"' or \"*/10 * * * *\"");
		return;
	}
	if (memchr(v->text, '\0', v->len)) {
		kf_error(s->d, v->loc, "the schedule holds a NUL byte");
		return;
	}
	if (v->len >= KF_SCHEDULE_LEN) {
		kf_error(s->d, v->loc, "the schedule is %zu bytes long; the limit is %d", v->len,
			 KF_SCHEDULE_LEN - 1);
		return;
	}
	if (kf_cron_parse(v->text, &cron, &err)) {
		struct kf_loc l = v->loc;

		/* Point into the string: one column for the opening quote. */
		if (l.first_line == l.last_line && (size_t)(l.last_column - l.first_column) == v->len + 1) {
			l.first_column += 1 + (int)err.off;
			l.last_column = l.first_column + (int)err.len - 1;
		}
		kf_error(s->d, l, "bad schedule: %s", err.msg);
		return;
	}
	s->inj->set.schedule = kf_strndup(v->text, v->len);
}

static void set_target(struct sema *s, const struct kf_stmt *st)
{
	struct kf_settings *set = &s->inj->set;
	const struct kf_value *v = &st->values[0];
	static const char *const kinds[] = { "pid", "comm", "cgroup" };
	int k;

	if (!st->target_kind) {
		/* "target "x"": the parser kept the value, without a kind */
		kf_error(s->d, v->loc, "'target' needs a kind before its value");
		if (v->kind == KF_VAL_INT)
			kf_diag_hint(s->d, "write 'target pid %s'", v->text);
		else if (v->kind == KF_VAL_STRING && v->len && v->text[0] == '/')
			kf_diag_hint(s->d, "write 'target cgroup \"%s\"'", v->text);
		else if (v->kind == KF_VAL_STRING)
			kf_diag_hint(s->d, "write 'target comm \"%s\"'", v->text);
		else
			kf_diag_hint(s->d, "a target is 'pid N', 'comm \"NAME\"' or 'cgroup \"PATH\"'");
		return;
	}
	for (k = 0; k < 3; k++)
		if (strcmp(st->target_kind, kinds[k]) == 0)
			break;
	if (k == 3) {
		const char *near = kf_closest(st->target_kind, kinds, 3);

		kf_error(s->d, st->target_kind_loc, "unknown target '%s'", st->target_kind);
		if (near)
			kf_diag_suggest(s->d, st->target_kind_loc, near);
		else
			kf_diag_hint(s->d, "a target is 'pid N', 'comm \"NAME\"' or 'cgroup \"PATH\"'");
		return;
	}
	if (set->target_stmt[k]) {
		kf_error(s->d, st->loc, "duplicate 'target %s'", kinds[k]);
		kf_diag_hint(s->d, "'target %s' was already given on line %d", kinds[k],
			     kf_diags__origin(s->d, set->target_stmt[k]->loc).first_line);
		return;
	}
	set->target_stmt[k] = st;
	if (st->with && k != 0) {
		kf_error(s->d, st->with_loc, "'with children' applies to 'target pid'");
	} else if (st->with && strcmp(st->with_word, "children") != 0) {
		kf_error(s->d, st->with_loc, "unknown 'with %s'", st->with_word);
		kf_diag_hint(s->d, "write 'target pid N with children' to include its descendants");
	}
	switch (k) {
	case 0: {
		unsigned long long pid;

		if (v->kind != KF_VAL_INT || v->negative) {
			kf_error(s->d, v->loc, "a pid is a positive number, as in 'target pid 1234'");
			return;
		}
		pid = strtoull(v->text, NULL, 0);
		if (pid == 0 || pid > KF_MAX_PID) {
			kf_error(s->d, v->loc, "pid %s is outside 1..%d", v->text, KF_MAX_PID);
			return;
		}
		set->pid = (uint32_t)pid;
		set->children = st->with && strcmp(st->with_word, "children") == 0;
		return;
	}
	case 1:
		if (v->kind != KF_VAL_STRING) {
			kf_error(s->d, v->loc, "a command name is a string, as in 'target comm \"mount\"'");
			return;
		}
		if (v->len == 0 || memchr(v->text, '\0', v->len)) {
			kf_error(s->d, v->loc, "the command name is empty or holds a NUL byte");
			return;
		}
		if (v->len >= KF_COMM_LEN) {
			kf_error(s->d, v->loc, "command name is %zu bytes; the kernel keeps %d", v->len,
				 KF_COMM_LEN - 1);
			kf_diag_hint(s->d, "a task's comm is cut to %d bytes: use \"%.*s\"", KF_COMM_LEN - 1,
				     KF_COMM_LEN - 1, v->text);
			return;
		}
		set->comm = kf_strndup(v->text, v->len);
		return;
	default:
		if (v->kind != KF_VAL_STRING) {
			kf_error(s->d, v->loc, "a cgroup is a path string, as in 'target cgroup \"/sys/fs/cgroup/test\"'");
			return;
		}
		if (v->len == 0 || memchr(v->text, '\0', v->len) || v->len >= KF_PATH_LEN) {
			kf_error(s->d, v->loc, "the cgroup path is empty, longer than %d bytes, or holds a NUL byte",
				 KF_PATH_LEN - 1);
			return;
		}
		set->cgroup = kf_strndup(v->text, v->len);
		return;
	}
}

static void fold_statements(struct sema *s, struct kf_injection *inj)
{
	struct kf_settings *set = &inj->set;

	set->probability = 100;
	for (int i = 0; i < inj->nstmts; i++) {
		struct kf_stmt *st = &inj->stmts[i];

		if (st->kind == KF_STMT_CALL) {
			struct kf_frame *f = st->frame;

			inj->frames = kf_realloc_array(inj->frames, (size_t)inj->nframes + 1,
						       sizeof(*inj->frames));
			inj->frames[inj->nframes++] = f;
			if (inj->nframes == KF_MAX_FRAMES + 1) {
				kf_error(s->d, f->loc, "call chain is longer than %d frames", KF_MAX_FRAMES);
				kf_diag_hint(s->d, "keep the frames that select the path; outer callers rarely add precision");
			}
			continue;
		}
		if (st->kind == KF_STMT_TARGET) {
			set_target(s, st);
			continue;
		}
		if (!check_dup(s, &set->stmt[st->kind], st, kf_stmt_word(st->kind)))
			continue;
		switch (st->kind) {
		case KF_STMT_HEADERS: set_headers(s, st); break;
		case KF_STMT_PROBABILITY: set_probability(s, st); break;
		case KF_STMT_TIMES: set_times(s, st); break;
		case KF_STMT_NTH: set_nth(s, st); break;
		case KF_STMT_DURATION: set_duration(s, st); break;
		case KF_STMT_SCHEDULE: set_schedule(s, st); break;
		default: break;
		}
	}
	if (set->per_call && !inj->nframes) {
		kf_error(s->d, set->stmt[KF_STMT_PROBABILITY]->values[2].loc,
			 "'per call' draws once per call of the outermost frame, and this injection "
			 "has no call chain");
		kf_diag_hint(s->d, "add a 'call' statement, or write 'per decision': with no chain, "
			     "each decision is drawn on its own");
	}
	if (set->schedule && !set->duration_ms) {
		kf_error(s->d, set->stmt[KF_STMT_SCHEDULE]->loc,
			 "a schedule arms the injection for its duration at each tick; add 'duration'");
	}
}

/* ---- the kernel's functions (ksyms.h) ---- */

/* Whether name is a function of this kernel; says why not at loc. */
static bool check_kernel_function(struct sema *s, const char *name, struct kf_loc loc, bool frame)
{
	enum kf_ksym_kind kind = kf_ksyms__lookup(s->ksyms, name);
	const char *near;

	switch (kind) {
	case KF_KSYM_FUNC:
		return true;
	case KF_KSYM_VAR:
	case KF_KSYM_TYPE:
		kf_error(s->d, loc, "'%s' is a %s of this kernel, not a function", name,
			 kind == KF_KSYM_VAR ? "variable" : "type");
		kf_diag_hint(s->d, frame ? "'call' names a function that the call chain goes through" :
					   "'inject function' names the function to fail");
		return false;
	default:
		kf_error(s->d, loc, "'%s' is not a function of this kernel", name);
		near = kf_ksyms__suggest(s->ksyms, name);
		if (near)
			kf_diag_suggest(s->d, loc, near);
		else
			kf_diag_hint(s->d, "'kfault list PATTERN' lists this kernel's functions");
		return false;
	}
}

/*
 * 'inject function' against the kernel's error-injection list: the
 * function is in it, and the `returns` value (when it had no error) fits
 * its type.
 */
static void check_injectable(struct sema *s, struct kf_injection *inj, bool retval_ok)
{
	const struct kf_value *v = inj->retval;
	int type = kf_ksyms__error_type(s->ksyms, inj->func);
	const char *why;

	if (type == -ENODATA) {
		if (!s->ei_noted) {
			kf_ksyms__error_list(s->ksyms, &why);
			kf_diag(s->d, KF_NOTE, inj->func_loc,
				"whether errors can be injected into '%s' is checked when it runs: %s",
				inj->func, why);
			s->ei_noted = true;
		}
		return;
	}
	if (type == -ENOENT) {
		kf_error(s->d, inj->func_loc, "'%s' is not in this kernel's error-injection list: "
			 "errors cannot be injected into it", inj->func);
		kf_diag_hint(s->d, "the kernel lets only the functions it marks with ALLOW_ERROR_INJECTION "
			     "fail; 'kfault list --injectable' lists them");
		return;
	}
	if (retval_ok && v && !kf_ei_type_allows(type, inj->retval_num)) {
		kf_error(s->d, v->loc, "'returns %s%s' does not fit %s, whose error-injection type is %s: "
			 "it fails with %s", v->negative ? "-" : "", v->text, inj->func,
			 kf_ei_type_name(type), kf_ei_type_means(type));
		kf_diag_hint(s->d, "write 'returns %s'", kf_ei_type_example(type));
	}
}

static void check_injection(struct sema *s, struct kf_injection *inj)
{
	struct scope sc;
	int errors = s->d->errors;

	s->inj = inj;
	resolve_site(s, inj);
	if (s->ksyms && inj->kind == KF_SITE_FUNCTION &&
	    check_kernel_function(s, inj->func, inj->func_loc, false))
		check_injectable(s, inj, s->d->errors == errors);
	if (s->btf)
		kf_sema_btf_params(s->d, s->btf, inj->func, inj->func_loc,
				   inj->has_params || inj->kind != KF_SITE_FUNCTION,
				   &inj->params, &inj->nparams);
	check_params(s, inj->func, inj->params, &inj->nparams);
	sc = (struct scope){ inj->func, inj->params, inj->nparams,
			     inj->has_params || inj->kind != KF_SITE_FUNCTION || inj->nparams };
	check_pred(s, &sc, inj->pred);

	fold_statements(s, inj);
	for (int i = 0; i < inj->nframes; i++) {
		struct kf_frame *f = inj->frames[i];

		if (s->ksyms)
			check_kernel_function(s, f->func, f->func_loc, true);
		if (s->btf)
			kf_sema_btf_params(s->d, s->btf, f->func, f->func_loc, f->has_params,
					   &f->params, &f->nparams);
		check_params(s, f->func, f->params, &f->nparams);
		sc = (struct scope){ f->func, f->params, f->nparams, f->has_params || f->nparams };
		check_pred(s, &sc, f->pred);
	}

	bool targeted = s->target_given;

	for (int i = 0; i < inj->nstmts; i++)
		targeted |= inj->stmts[i].kind == KF_STMT_TARGET;	/* even a bad one: no second message */

	if (!targeted && inj->kind == KF_SITE_PAGE && !inj->nframes) {
		kf_warning(s->d, inj->kind_loc,
			   "a 'page' failure with no call chain and no target fails page allocations "
			   "anywhere on the host and can wake the OOM killer for every process");
		kf_diag_hint(s->d, "add 'call ...' frames or a 'target', or pass --pid, --comm or --cgroup to 'kfault run'");
	} else if (!targeted) {
		kf_warning(s->d, inj->loc, "no target: this injection affects every process on the host");
		kf_diag_hint(s->d, "add 'target pid N', 'target comm \"NAME\"' or 'target cgroup \"PATH\"', "
				   "or pass --pid, --comm or --cgroup to 'kfault run'");
	}
}

int kf_sema(struct kf_file *file, struct kf_diags *d)
{
	return kf_sema_btf(file, d, NULL);
}

int kf_sema_btf(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf)
{
	return kf_sema_macros(file, d, btf, false);
}

int kf_sema_macros(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf, bool macros)
{
	return kf_sema_kernel(file, d, btf, macros, NULL);
}

int kf_sema_kernel(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf, bool macros,
		   struct kf_ksyms *ksyms)
{
	struct sema s = { .d = d, .btf = btf, .macros = macros, .target_given = file->target_given,
			  .ksyms = btf ? ksyms : NULL };
	int errors = d->errors;

	if (file->ninj == 0 && d->errors == 0) {
		kf_error(d, KF_NOLOC, "no injection in this file");
		kf_diag_hint(d, "an injection starts with 'inject slab {', 'inject page {', 'inject bio {' "
				"or 'inject function NAME returns VALUE {'");
	}
	for (int i = 0; i < file->ninj; i++) {
		file->inj[i]->index = i;
		if (i == KF_MAX_INJECTIONS)
			kf_error(d, file->inj[i]->loc, "a file holds at most %d injections", KF_MAX_INJECTIONS);
		check_injection(&s, file->inj[i]);
	}
	return d->errors > errors ? -EINVAL : 0;
}
