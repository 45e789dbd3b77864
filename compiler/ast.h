/* SPDX-License-Identifier: MIT */
/*
 * The syntax tree of a .fault file, as the parser builds it and the semantic
 * checker completes it.
 *
 *   file       = injection*
 *   injection  = site, optional site predicate, statements
 *   statement  = headers | call (a frame) | probability | times | duration
 *                | schedule | target
 *
 * The parser records statements in source order; sema folds them into the
 * settings of the injection (struct kf_settings), reporting duplicates.
 */
#ifndef KFAULT_AST_H
#define KFAULT_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

/* ---- C types, as written in parameter declarations and casts ---- */

enum kf_base_kind {
	KF_BASE_BUILTIN,	/* int, unsigned long, char, void, _Bool ... */
	KF_BASE_TYPEDEF,	/* gfp_t, u32, size_t ... */
	KF_BASE_STRUCT,
	KF_BASE_UNION,
	KF_BASE_ENUM,
};

#define KF_MAX_PTR 4

struct kf_ctype {
	enum kf_base_kind base_kind;
	char *base;		/* "unsigned int", "qstr" (tag only for struct/union/enum) */
	bool is_const;		/* const on the base type */
	bool is_volatile;
	int ptr;		/* pointer depth */
	bool ptr_const[KF_MAX_PTR];	/* "* const" at each level */
	long array;		/* array length, -1 for none */
	struct kf_loc loc;
};

struct kf_param {
	struct kf_ctype type;
	char *name;
	struct kf_loc loc;	/* of the name */

	/* filled in by sema when it has kernel BTF (0: not known) */
	int btf_id;		/* the type: BTF id btf_id ... */
	int btf_ptr;		/* ... under btf_ptr more levels of pointer */
	bool from_btf;		/* not written: taken from the BTF prototype */
};

/* ---- predicate expressions: the C subset users write ---- */

/*
 * Operators and operands in one predicate (docs/language.md, "Limits").
 * The parser keeps no bigger tree than this: a subtree that grows past it is
 * replaced by a leaf that only remembers its size (struct kf_expr.size), so
 * no stage recurses deeper than KF_MAX_PRED_NODES, whatever the input, and
 * sema reports the predicate as too big.
 */
#define KF_MAX_PRED_NODES	256

enum kf_expr_kind {
	KF_EXPR_IDENT,
	KF_EXPR_INT,
	KF_EXPR_CHAR,
	KF_EXPR_STRING,
	KF_EXPR_UNARY,		/* op: '-' '+' '!' '~' '*' '&' */
	KF_EXPR_BINARY,		/* op: token, see enum kf_binop */
	KF_EXPR_MEMBER,		/* lhs.name or lhs->name (arrow) */
	KF_EXPR_INDEX,		/* lhs[rhs] */
	KF_EXPR_CALL,		/* name(args): the builtins STRNCMP, STRCMP */
	KF_EXPR_CAST,		/* (cast) lhs */
	KF_EXPR_PAREN,		/* (lhs): kept so that generated C keeps the user's grouping */
};

enum kf_binop {
	KF_OP_MUL, KF_OP_DIV, KF_OP_MOD, KF_OP_ADD, KF_OP_SUB, KF_OP_SHL, KF_OP_SHR,
	KF_OP_LT, KF_OP_GT, KF_OP_LE, KF_OP_GE, KF_OP_EQ, KF_OP_NE,
	KF_OP_BITAND, KF_OP_BITXOR, KF_OP_BITOR, KF_OP_AND, KF_OP_OR,
};

/* What sema knows of an expression's type without kernel BTF. */
enum kf_tkind {
	KF_T_UNKNOWN,		/* a kernel member: its type comes from BTF (part 2) */
	KF_T_INT,
	KF_T_PTR,
	KF_T_ARRAY,
	KF_T_RECORD,		/* a struct or union by value */
	KF_T_STRING,		/* a string literal */
};

struct kf_expr {
	enum kf_expr_kind kind;
	struct kf_loc loc;
	int op;			/* unary char, or enum kf_binop */
	struct kf_loc op_loc;	/* BINARY: the operator */
	bool arrow;		/* MEMBER: -> rather than . */
	char *name;		/* IDENT, MEMBER, CALL */
	struct kf_loc name_loc;	/* MEMBER: the member name */
	char *text;		/* INT, CHAR: spelling as written */
	uint64_t ival;		/* INT, CHAR: value */
	char *str;		/* STRING: decoded bytes */
	size_t len;		/* STRING: byte count, without the NUL */
	struct kf_expr *lhs, *rhs;
	struct kf_ctype *cast;	/* CAST */
	struct kf_expr **args;	/* CALL */
	int nargs;
	int size;		/* nodes in this subtree as written, itself included */

	/* filled in by sema */
	enum kf_tkind tkind;
	const struct kf_param *param;	/* IDENT naming a parameter */
	/* with kernel BTF: the type (as in struct kf_param), 0 if not known */
	int btf_id;
	int btf_ptr;
	bool enumerator;		/* IDENT naming a kernel enumerator */
};

/* ---- frames, statements, injections ---- */

struct kf_frame {
	char *func;
	struct kf_loc loc;		/* the whole `call ...` */
	struct kf_loc func_loc;
	bool has_params;		/* parentheses were written */
	struct kf_param *params;
	int nparams;
	struct kf_expr *pred;		/* NULL: always true */
	struct kf_loc when_loc;		/* 'when' and the predicate (when pred) */
};

/* A statement's value, as written; sema decides what each statement accepts. */
enum kf_value_kind {
	KF_VAL_INT,		/* 10, -12 */
	KF_VAL_FLOAT,		/* 0.5 */
	KF_VAL_PERCENT,		/* 30%, 0.5% */
	KF_VAL_DURATION,	/* 30s, 2m, 1h30m, 500ms */
	KF_VAL_STRING,		/* "mount-loop" */
	KF_VAL_IDENT,		/* unlimited, true, ENOMEM */
};

struct kf_value {
	enum kf_value_kind kind;
	struct kf_loc loc;
	bool negative;		/* a leading minus */
	char *text;		/* spelling (without the minus); decoded bytes for strings */
	size_t len;		/* STRING: byte count */
};

enum kf_stmt_kind {
	KF_STMT_HEADERS,
	KF_STMT_CALL,
	KF_STMT_PROBABILITY,
	KF_STMT_TIMES,
	KF_STMT_NTH,
	KF_STMT_DURATION,
	KF_STMT_SCHEDULE,
	KF_STMT_TARGET,
};

struct kf_stmt {
	enum kf_stmt_kind kind;
	struct kf_loc loc;		/* the keyword */
	struct kf_value *values;	/* HEADERS: each header; PROBABILITY: the value, and
					 * after `per`, the word "per" and the unit; others: one value */
	int nvalues;
	struct kf_frame *frame;		/* CALL */
	char *target_kind;		/* TARGET: pid, comm, cgroup */
	struct kf_loc target_kind_loc;
	bool with;			/* TARGET: `with WORD` was written */
	char *with_word;		/* TARGET: children */
	struct kf_loc with_loc;
};

enum kf_site_kind {
	KF_SITE_SLAB,		/* should_failslab */
	KF_SITE_PAGE,		/* should_fail_alloc_page */
	KF_SITE_BIO,		/* should_fail_bio */
	KF_SITE_FUNCTION,	/* any error-injectable function */
};

/* Settings folded from the statements by sema. */
struct kf_settings {
	double probability;		/* percent, (0, 100]; 100 when not given */
	bool per_call;			/* drawn once per call of the outermost frame, not
					 * at each decision (docs/semantics.md) */
	uint64_t times;			/* 0: unlimited */
	uint32_t nth;			/* only the nth decision may fail; 0: any */
	uint64_t duration_ms;		/* 0: until stopped */
	char *schedule;			/* cron text, or NULL */
	uint32_t pid;			/* 0: any */
	bool children;			/* pid and its descendants */
	char *comm;			/* NULL: any */
	char *cgroup;			/* NULL: any */
	char **headers;
	int nheaders;
	const struct kf_stmt *stmt[KF_STMT_TARGET + 1];	/* where each was set */
	const struct kf_stmt *target_stmt[3];		/* pid, comm, cgroup */
};

struct kf_injection {
	int index;			/* position in the file */
	struct kf_loc loc;		/* the `inject` keyword */
	char *kind_word;		/* slab, page, bio (as written); NULL for function */
	struct kf_loc kind_loc;
	enum kf_site_kind kind;		/* sema */
	char *func;			/* the failure site function (sema for slab/page/bio) */
	struct kf_loc func_loc;
	bool has_params;
	struct kf_param *params;
	int nparams;
	struct kf_value *retval;	/* `returns VALUE`, or NULL */
	int64_t retval_num;		/* sema */
	struct kf_expr *pred;		/* `when` on the failure site, or NULL */
	struct kf_loc when_loc;		/* 'when' and the predicate (when pred) */
	struct kf_loc open_loc, close_loc;	/* its block's '{' and '}' */
	struct kf_stmt *stmts;
	int nstmts;

	/* sema */
	struct kf_frame **frames;	/* the call chain, outermost caller first */
	int nframes;
	struct kf_settings set;
};

/*
 * A comment as written: bytes [off, off + len) of the text the lexer read
 * (`# ...` and `// ...` without their line break). Only the formatter
 * (format.c) reads them; every other stage sees no comments.
 */
struct kf_comment {
	struct kf_loc loc;
	size_t off, len;
};

struct kf_file {
	const struct kf_source *src;	/* the input the user wrote */
	/* Where the tree was parsed from a translation of src (xlate.h): its map. */
	struct kf_loc (*map)(const void *ctx, struct kf_loc loc);
	const void *map_ctx;
	struct kf_injection **inj;
	int ninj;
	bool target_given;	/* every injection is targeted from the command line */
	struct kf_comment *comments;	/* in source order */
	int ncomments;
};

struct kf_expr *kf_expr_new(enum kf_expr_kind kind, struct kf_loc loc);
void kf_expr_free(struct kf_expr *e);
void kf_ctype_fini(struct kf_ctype *t);
void kf_value_fini(struct kf_value *v);
void kf_frame_free(struct kf_frame *f);
void kf_injection_free(struct kf_injection *inj);
void kf_file_free(struct kf_file *file);

/*
 * An expression as C spells it, for messages: "bio->bi_io_vec[1]". Long
 * operands are shortened to "...". malloc'd.
 */
char *kf_expr_str(const struct kf_expr *e);

/* The word a statement starts with: "probability" for KF_STMT_PROBABILITY. */
const char *kf_stmt_word(enum kf_stmt_kind kind);
/* A binary operator as C spells it: "&&" for KF_OP_AND. */
const char *kf_binop_text(int op);

/* Render a declaration: "const struct qstr *name" (name may be NULL). */
char *kf_ctype_decl(const struct kf_ctype *t, const char *name);

#endif
