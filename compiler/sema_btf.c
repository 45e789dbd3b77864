// SPDX-License-Identifier: MIT
/*
 * Sema against kernel BTF (see sema_btf.h).
 *
 * A type here is a BTF id under some more levels of pointer (struct
 * kf_param and struct kf_expr's btf_id, btf_ptr): a parameter declared
 * 'struct dentry **d' is the id of struct dentry under 2, as BTF need not
 * hold a pointer type for every declaration a user can write. Id 0 with no
 * pointer is "not known" (no BTF, a builtin integer type): then sema's own
 * checks are all there is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf_types.h"
#include "sema.h"
#include "sema_btf.h"
#include "util.h"

static const struct btf_type *type_of(struct kf_btf *kbtf, __u32 id)
{
	return kf_btf__type_by_id(kbtf, id);
}

/* id without qualifiers (and typedefs, if typedefs is set). */
static __u32 strip(struct kf_btf *kbtf, __u32 id, bool typedefs)
{
	const struct btf_type *t = type_of(kbtf, id);

	while (id && t && (btf_is_mod(t) || (typedefs && btf_is_typedef(t)))) {
		id = t->type;
		t = type_of(kbtf, id);
	}
	return id;
}

static const char *name_of(struct kf_btf *kbtf, const struct btf_type *t)
{
	return kf_btf__name_by_offset(kbtf, t->name_off);
}

/* ---- types as written ---- */

/* Bytes of a builtin integer type as written ("unsigned long"); 0 for void. */
static int builtin_size(const char *words)
{
	if (strcmp(words, "void") == 0)
		return 0;
	if (strstr(words, "char") || strcmp(words, "_Bool") == 0)
		return 1;
	if (strstr(words, "short"))
		return 2;
	if (strstr(words, "long"))
		return 8;
	return 4;
}

static char *ctype_name(const struct kf_ctype *t)
{
	static const char *const keyword[] = {
		[KF_BASE_STRUCT] = "struct ", [KF_BASE_UNION] = "union ", [KF_BASE_ENUM] = "enum ",
	};

	if (t->base_kind == KF_BASE_BUILTIN || t->base_kind == KF_BASE_TYPEDEF)
		return kf_strdup(t->base);
	return kf_strfmt("%s%s", keyword[t->base_kind], t->base);
}

/*
 * The BTF id of the base of a written type (0 for builtins); reports a
 * struct, union, enum or typedef this kernel does not have. -ENOENT then.
 */
static int ctype_base(struct kf_diags *d, struct kf_btf *kbtf, const struct kf_ctype *t)
{
	char *name;
	int id;

	if (t->base_kind == KF_BASE_BUILTIN)
		return 0;
	name = ctype_name(t);
	id = kf_btf__find_type(kbtf, name);
	if (id < 0 && d) {
		kf_error(d, t->loc, "unknown type '%s': this kernel's BTF has no such type", name);
		if (t->base_kind == KF_BASE_TYPEDEF)
			kf_diag_hint(d, "a structure needs its keyword: 'struct %s'", t->base);
	}
	free(name);
	return id < 0 ? -ENOENT : id;
}

/* The resolved kind of the base of a written type: INT for builtins. */
static int ctype_kind(struct kf_btf *kbtf, const struct kf_ctype *t, __u32 *resolved)
{
	int id = ctype_base(NULL, kbtf, t);

	*resolved = 0;
	if (id <= 0)
		return t->base_kind == KF_BASE_BUILTIN && builtin_size(t->base) ? BTF_KIND_INT : -1;
	*resolved = strip(kbtf, id, true);
	return btf_kind(type_of(kbtf, *resolved));
}

/*
 * Whether the written type t, under uptr pointers, is the BTF type id:
 * the same pointer depth, then the same structure (by name), or integers
 * of the same size. Qualifiers do not matter, typedefs are looked through,
 * and 'void *' stands for any pointer.
 */
static bool same_type(struct kf_btf *kbtf, const struct kf_ctype *t, int uptr, __u32 id)
{
	const struct btf_type *bt;
	__u32 rid;
	int kind;

	id = strip(kbtf, id, false);
	bt = type_of(kbtf, id);
	if (id && btf_is_typedef(bt)) {
		if (!uptr && t->base_kind == KF_BASE_TYPEDEF && strcmp(t->base, name_of(kbtf, bt)) == 0)
			return true;
		return same_type(kbtf, t, uptr, bt->type);
	}
	if (id && btf_is_ptr(bt)) {
		if (uptr == 1 && t->base_kind == KF_BASE_BUILTIN && strcmp(t->base, "void") == 0)
			return true;
		return uptr > 0 && same_type(kbtf, t, uptr - 1, bt->type);
	}
	if (uptr)
		return false;
	if (!id)
		return t->base_kind == KF_BASE_BUILTIN && strcmp(t->base, "void") == 0;
	kind = ctype_kind(kbtf, t, &rid);
	switch (btf_kind(bt)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		if (rid == id)
			return true;
		return (t->base_kind == KF_BASE_STRUCT || t->base_kind == KF_BASE_UNION) &&
		       bt->name_off && strcmp(t->base, name_of(kbtf, bt)) == 0;
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (kind == BTF_KIND_INT && !rid)
			return (__u32)builtin_size(t->base) == bt->size;
		if (kind == BTF_KIND_INT || kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64)
			return type_of(kbtf, rid)->size == bt->size;
		return false;
	default:
		return false;
	}
}

/* ---- parameters ---- */

/*
 * A parameter of BTF type id as a written type, when a probe can read it
 * from a register: pointers (to anything: function and anonymous types
 * become void *) and integers. false for what it cannot (a structure or a
 * float by value): parameters after that one are not in registers either.
 */
static bool btf_to_ctype(struct kf_btf *kbtf, __u32 id, struct kf_ctype *t)
{
	const struct btf_type *bt;
	bool is_const = false;

	memset(t, 0, sizeof(*t));
	t->array = -1;
	for (;;) {
		bt = type_of(kbtf, id);
		if (id && btf_is_const(bt)) {
			is_const = true;
			id = bt->type;
		} else if (id && btf_is_mod(bt)) {
			id = bt->type;
		} else if (id && btf_is_ptr(bt) && t->ptr < KF_MAX_PTR) {
			t->ptr++;
			is_const = false;
			id = bt->type;
		} else {
			break;
		}
	}
	t->is_const = is_const;
	if (!id) {
		t->base_kind = KF_BASE_BUILTIN;
		t->base = kf_strdup("void");
		return t->ptr > 0;
	}
	if (bt->name_off && (btf_is_typedef(bt) || btf_is_int(bt) || btf_is_composite(bt) ||
			     btf_is_any_enum(bt) || btf_is_fwd(bt))) {
		t->base = kf_strdup(name_of(kbtf, bt));
		t->base_kind = btf_is_typedef(bt) ? KF_BASE_TYPEDEF :
			       btf_is_int(bt) ? KF_BASE_BUILTIN :
			       btf_is_struct(bt) || (btf_is_fwd(bt) && !btf_kflag(bt)) ? KF_BASE_STRUCT :
			       btf_is_any_enum(bt) ? KF_BASE_ENUM : KF_BASE_UNION;
		if (t->ptr || btf_is_int(bt) || btf_is_any_enum(bt))
			return true;
		if (btf_is_typedef(bt)) {
			__u32 rid = strip(kbtf, id, true);
			const struct btf_type *rt = type_of(kbtf, rid);

			return rid && (btf_is_int(rt) || btf_is_any_enum(rt) || btf_is_ptr(rt));
		}
		return false;	/* a structure by value */
	}
	if (t->ptr) {
		t->base_kind = KF_BASE_BUILTIN;
		t->base = kf_strdup("void");	/* a function or anonymous type */
		t->is_const = false;
		return true;
	}
	if (btf_is_any_enum(bt)) {
		t->base_kind = KF_BASE_BUILTIN;
		t->base = kf_strdup(bt->size == 8 ? "long" : "int");
		return true;
	}
	return false;
}

/*
 * A kernel parameter's name as a name in the generated C, where ctx, kf*,
 * KF_*, bpf_*, BPF_* and C's reserved identifiers (_X..., __...) are taken
 * (sema.c, reserved_name), and sp is a parameter of the site's decision
 * (kfN_fails): ctx becomes ctx_, the others get "arg_" in front.
 */
char *kf_sema_btf_param_name(const char *name, size_t i)
{
	if (!*name)
		return kf_strfmt("arg%zu", i + 1);
	if (strcmp(name, "ctx") == 0)
		return kf_strdup("ctx_");
	if (name[0] == '_' || strcmp(name, "sp") == 0 || strncmp(name, "kf", 2) == 0 || strncmp(name, "KF_", 3) == 0 ||
	    strncmp(name, "bpf_", 4) == 0 || strncmp(name, "BPF_", 4) == 0)
		return kf_strfmt("arg_%s", name);
	return kf_strdup(name);
}

static void fill_params(struct kf_btf *kbtf, const struct kf_btf_func *fn, struct kf_loc loc,
			struct kf_param **params, int *nparams)
{
	int n = 0;

	*params = kf_calloc(fn->nparams ? fn->nparams : 1, sizeof(**params));
	for (size_t i = 0; i < fn->nparams; i++) {
		struct kf_param *p = &(*params)[n];

		if (!btf_to_ctype(kbtf, fn->params[i].type_id, &p->type)) {
			kf_ctype_fini(&p->type);
			break;
		}
		p->type.loc = loc;
		p->name = kf_sema_btf_param_name(fn->params[i].name, i);
		p->loc = loc;
		p->btf_id = (int)fn->params[i].type_id;
		p->from_btf = true;
		n++;
	}
	*nparams = n;
}

/* A system call's entry point: its one parameter is the caller's registers. */
static bool takes_pt_regs(struct kf_btf *kbtf, const struct kf_btf_func *fn)
{
	const struct btf_type *t;
	__u32 id;

	if (fn->nparams != 1)
		return false;
	id = strip(kbtf, fn->params[0].type_id, true);
	t = type_of(kbtf, id);
	if (!id || !btf_is_ptr(t))
		return false;
	t = type_of(kbtf, strip(kbtf, t->type, true));
	return t && btf_is_struct(t) && strcmp(name_of(kbtf, t), "pt_regs") == 0;
}

/*
 * The names of params[0..n): where an error about them points (the
 * parser's range of a first parameter's type starts at its parenthesis).
 */
static struct kf_loc params_loc(const struct kf_param *params, int n)
{
	struct kf_loc l = params[0].name ? params[0].loc : params[0].type.loc;

	if (params[n - 1].name) {
		l.last_line = params[n - 1].loc.last_line;
		l.last_column = params[n - 1].loc.last_column;
	}
	return l;
}

/* "(struct dentry *parent, const struct qstr *name, ...)" for a hint. */
static char *prototype(const struct kf_btf_func *fn)
{
	struct kf_buf b = {0};

	kf_buf_printf(&b, "%s(", fn->name);
	for (size_t i = 0; i < fn->nparams; i++)
		kf_buf_printf(&b, "%s%s", i ? ", " : "", fn->params[i].decl);
	if (fn->variadic)
		kf_buf_puts(&b, fn->nparams ? ", ..." : "...");
	kf_buf_putc(&b, ')');
	return kf_buf_steal(&b);
}

static void check_written(struct kf_diags *d, struct kf_btf *kbtf, const struct kf_btf_func *fn,
			  struct kf_param *params, int n)
{
	char *proto = prototype(fn);

	for (int i = 0; i < n; i++) {
		struct kf_param *p = &params[i];
		char *mine;

		if (i >= (int)fn->nparams) {
			if (fn->variadic)
				return;
			kf_error(d, p->name ? p->loc : p->type.loc,
				 "%s has %zu parameter%s in this kernel; there is no parameter %d",
				 fn->name, fn->nparams, fn->nparams == 1 ? "" : "s", i + 1);
			kf_diag_hint(d, "in this kernel: %s", proto);
			break;
		}
		if (same_type(kbtf, &p->type, p->type.ptr, fn->params[i].type_id)) {
			p->btf_id = (int)fn->params[i].type_id;
			continue;
		}
		if (i == 0 && takes_pt_regs(kbtf, fn)) {
			kf_error(d, params_loc(params, n),
				 "%s is a system call entry point: it takes '%s', the registers of the "
				 "calling process, not the system call's arguments",
				 fn->name, fn->params[0].decl);
			kf_diag_hint(d, "write 'call %s' or 'call %s(%s)' and read the arguments as "
				     "regs->di, regs->si, regs->dx, regs->r10, regs->r8 and regs->r9 "
				     "(pointers there point to user memory)",
				     fn->name, fn->name, fn->params[0].decl);
			break;
		}
		mine = kf_ctype_decl(&p->type, p->name);
		kf_error(d, params_loc(p, 1), "parameter %d of %s is '%s' in this kernel, not '%s'",
			 i + 1, fn->name, fn->params[i].decl, mine);
		kf_diag_hint(d, "in this kernel: %s; or leave out the parentheses to take them from BTF",
			     proto);
		free(mine);
	}
	free(proto);
}

void kf_sema_btf_params(struct kf_diags *d, struct kf_btf *kbtf, const char *func,
			struct kf_loc func_loc, bool written, struct kf_param **params,
			int *nparams)
{
	struct kf_btf_func *fn = NULL;

	if (kf_btf__func_proto(kbtf, func, &fn) < 0) {
		/* Not in BTF: kprobes attach all the same; the types must exist. */
		for (int i = 0; i < *nparams; i++) {
			struct kf_param *p = &(*params)[i];
			int id = ctype_base(d, kbtf, &p->type);

			if (id > 0) {
				p->btf_id = id;
				p->btf_ptr = p->type.ptr;
			}
		}
		return;
	}
	if (!written) {
		fill_params(kbtf, fn, func_loc, params, nparams);
	} else if (!(*nparams == 1 && !(*params)[0].name && !(*params)[0].type.ptr &&
		     strcmp((*params)[0].type.base, "void") == 0)) {	/* (void): nothing to check */
		check_written(d, kbtf, fn, *params, *nparams);
	}
	kf_btf_func__free(fn);
}

/* ---- predicates ---- */

static bool known(const struct kf_expr *e)
{
	return e->btf_id || e->btf_ptr;
}

/* *e's type: pointee or array element. -ENOENT: not a pointer or array; -EINVAL: void *. */
static int deref(struct kf_btf *kbtf, const struct kf_expr *e, int *id, int *ptr)
{
	const struct btf_type *t;
	__u32 rid;

	if (e->btf_ptr) {
		*id = e->btf_id;
		*ptr = e->btf_ptr - 1;
	} else {
		rid = strip(kbtf, e->btf_id, true);
		t = type_of(kbtf, rid);
		if (!rid || !(btf_is_ptr(t) || btf_is_array(t)))
			return -ENOENT;
		*id = btf_is_ptr(t) ? (int)t->type : (int)btf_array(t)->type;
		*ptr = 0;
	}
	return *id || *ptr ? 0 : -EINVAL;
}

static enum kf_tkind tkind_of(struct kf_btf *kbtf, int id, int ptr)
{
	const struct btf_type *t;
	__u32 rid;

	if (ptr)
		return KF_T_PTR;
	rid = strip(kbtf, id, true);
	t = type_of(kbtf, rid);
	if (!rid || !t)
		return KF_T_UNKNOWN;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: return KF_T_PTR;
	case BTF_KIND_ARRAY: return KF_T_ARRAY;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD: return KF_T_RECORD;
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: return KF_T_INT;
	default: return KF_T_UNKNOWN;
	}
}

static void set_type(struct kf_btf *kbtf, struct kf_expr *e, int id, int ptr)
{
	e->btf_id = id;
	e->btf_ptr = ptr;
	if (known(e))
		e->tkind = tkind_of(kbtf, id, ptr);
}

/* The member names of a struct or union, those of anonymous members included. */
static void member_names(struct kf_btf *kbtf, const struct btf_type *t, const char ***names,
			 size_t *n)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *mt;

		if (m[i].name_off) {
			*names = kf_realloc_array(*names, *n + 1, sizeof(**names));
			(*names)[(*n)++] = kf_btf__name_by_offset(kbtf, m[i].name_off);
			continue;
		}
		mt = type_of(kbtf, strip(kbtf, m[i].type, true));
		if (mt && btf_is_composite(mt))
			member_names(kbtf, mt, names, n);
	}
}

/*
 * An error about e, which the message names as its first '%s' (C's spelling
 * of e, so that "'bio->bi_io_vec[1]' is a structure" says which one).
 */
static void error_about(struct kf_diags *d, struct kf_loc loc, const char *fmt,
			const struct kf_expr *e, const char *arg)
{
	char *text = kf_expr_str(e);

	kf_error(d, loc, fmt, text, arg);
	free(text);
}

static void check_member(struct kf_diags *d, struct kf_btf *kbtf, struct kf_expr *e)
{
	const struct kf_expr *l = e->lhs;
	struct kf_btf_member m;
	const struct btf_type *rt;
	int id = l->btf_id, ptr = l->btf_ptr, err;
	enum kf_tkind lk = l->tkind;
	char *rname;

	if (!known(l))
		return;
	if (e->arrow && lk == KF_T_RECORD) {
		error_about(d, e->loc, "'%s' is a structure, not a pointer; did you mean '.'?", l, NULL);
		return;
	}
	if (e->arrow && lk != KF_T_PTR)
		return;		/* sema said what is wrong */
	if (!e->arrow && lk != KF_T_RECORD)
		return;
	if (e->arrow && deref(kbtf, l, &id, &ptr))
		return;
	if (ptr) {
		error_about(d, e->loc, "'%s' points to a pointer, not to a structure", l, NULL);
		return;
	}
	rt = type_of(kbtf, strip(kbtf, id, true));
	rname = kf_btf__type_str(kbtf, strip(kbtf, id, false), NULL);
	if (!rname)
		kf_oom();
	if (!rt || !btf_is_composite(rt)) {
		if (rt && btf_is_fwd(rt))
			kf_error(d, e->loc, "'%s' has no definition in this kernel's BTF", rname);
		else
			error_about(d, e->loc, "'%s' is '%s', not a structure", l, rname);
		goto free_name;
	}
	err = kf_btf__member(kbtf, id, e->name, &m);
	if (err == -ENOENT) {
		const char **names = NULL;
		size_t n = 0;
		const char *near;

		kf_error(d, e->name_loc, "no member named '%s' in '%s'", e->name, rname);
		member_names(kbtf, rt, &names, &n);
		near = kf_closest(e->name, names, n);
		if (near)
			kf_diag_suggest(d, e->name_loc, near);
		free(names);
		goto free_name;
	}
	if (err)
		goto free_name;
	if (m.bitfield_size) {
		kf_error(d, e->name_loc, "'%s' is a bitfield of '%s'; predicates cannot read bitfields yet",
			 e->name, rname);
		goto free_name;
	}
	set_type(kbtf, e, (int)m.type_id, 0);
free_name:
	free(rname);
}

/*
 * A constant index into an array of known size: within it. (A flexible array
 * member, "struct bio_vec bi_inline_vecs[]", has no size to check against.)
 */
static void check_bounds(struct kf_diags *d, struct kf_btf *kbtf, const struct kf_expr *e)
{
	const struct kf_expr *i = e->rhs;
	const struct btf_type *t;
	bool negative = false;
	__u32 n;

	while (i->kind == KF_EXPR_PAREN)
		i = i->lhs;
	if (i->kind == KF_EXPR_UNARY && i->op == '-') {
		negative = true;
		i = i->lhs;
	}
	if ((i->kind != KF_EXPR_INT && i->kind != KF_EXPR_CHAR) || e->lhs->btf_ptr)
		return;
	t = type_of(kbtf, strip(kbtf, e->lhs->btf_id, true));
	if (!t || !btf_is_array(t))
		return;
	n = btf_array(t)->nelems;
	if (negative && i->ival) {
		error_about(d, e->rhs->loc, "a negative index is before the start of '%s'",
			    e->lhs, NULL);
		kf_diag_hint(d, "an array's first element is [0]");
	} else if (n && !negative && i->ival >= n) {
		char *a = kf_expr_str(e->lhs);

		kf_error(d, e->rhs->loc, "index %llu is past the end of '%s', an array of %u element%s",
			 (unsigned long long)i->ival, a, n, n == 1 ? "" : "s");
		kf_diag_hint(d, "its last element is [%u]", n - 1);
		free(a);
	}
}

void kf_sema_btf_expr(struct kf_diags *d, struct kf_btf *kbtf, struct kf_expr *e)
{
	int id, ptr, err;

	switch (e->kind) {
	case KF_EXPR_IDENT:
		if (e->param)
			set_type(kbtf, e, e->param->btf_id, e->param->btf_ptr);
		return;
	case KF_EXPR_PAREN:
		set_type(kbtf, e, e->lhs->btf_id, e->lhs->btf_ptr);
		return;
	case KF_EXPR_CAST:
		id = ctype_base(d, kbtf, e->cast);
		if (id > 0 || e->cast->ptr)
			set_type(kbtf, e, id > 0 ? id : 0, e->cast->ptr);
		return;
	case KF_EXPR_UNARY:
	case KF_EXPR_INDEX:
		if ((e->kind == KF_EXPR_UNARY && e->op != '*') || !known(e->lhs))
			return;
		err = deref(kbtf, e->lhs, &id, &ptr);
		if (err == -EINVAL)
			error_about(d, e->loc, "'%s' is a 'void *': cast it to what it points to first",
				    e->lhs, NULL);
		else if (!err)
			set_type(kbtf, e, id, ptr);
		if (!err && e->kind == KF_EXPR_INDEX)
			check_bounds(d, kbtf, e);
		return;
	case KF_EXPR_MEMBER:
		check_member(d, kbtf, e);
		return;
	case KF_EXPR_BINARY:
		if (e->lhs->tkind == KF_T_RECORD || e->rhs->tkind == KF_T_RECORD) {
			const struct kf_expr *r = e->lhs->tkind == KF_T_RECORD ? e->lhs : e->rhs;

			error_about(d, r->loc, "'%s' is a structure; compare one of its members", r, NULL);
			return;
		}
		if (e->tkind == KF_T_PTR) {
			const struct kf_expr *p = e->lhs->tkind == KF_T_PTR ? e->lhs : e->rhs;

			set_type(kbtf, e, p->btf_id, p->btf_ptr);
		}
		return;
	default:
		return;
	}
}

bool kf_sema_btf_enumerator(struct kf_btf *kbtf, struct kf_expr *e)
{
	if (kf_btf__find_enumerator(kbtf, e->name, NULL) < 0)
		return false;
	e->enumerator = true;
	e->tkind = KF_T_INT;
	return true;
}
