// SPDX-License-Identifier: MIT
/* Parser: the tree it builds, precedence, recovery. */
#include "helpers.h"

static void test_injection_tree(void **state)
{
	struct kf_unit u;
	const struct kf_injection *inj;

	(void)state;
	unit_parse(&u,
		   "inject slab {\n"
		   "  headers \"linux/dcache.h\", \"linux/fs.h\"\n"
		   "  call __x64_sys_mount\n"
		   "  call d_alloc_parallel(struct dentry *parent, const struct qstr *name)\n"
		   "      when STRNCMP(name->name, \"bananas\", 8)\n"
		   "  probability 0.5%\n"
		   "  times 10\n"
		   "  target pid 42 with children\n"
		   "  duration 1h30m\n"
		   "}\n"
		   "inject function open_ctree(struct super_block *sb) returns -ENOMEM {}\n",
		   false);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.file->ninj, 2);
	inj = u.file->inj[0];
	assert_string_equal(inj->kind_word, "slab");
	assert_int_equal(inj->nstmts, 7);
	assert_int_equal(inj->stmts[0].kind, KF_STMT_HEADERS);
	assert_int_equal(inj->stmts[0].nvalues, 2);
	assert_int_equal(inj->stmts[1].kind, KF_STMT_CALL);
	assert_string_equal(inj->stmts[1].frame->func, "__x64_sys_mount");
	assert_false(inj->stmts[1].frame->has_params);

	const struct kf_frame *f = inj->stmts[2].frame;
	assert_string_equal(f->func, "d_alloc_parallel");
	assert_int_equal(f->nparams, 2);
	assert_string_equal(f->params[1].name, "name");
	assert_true(f->params[1].type.is_const);
	assert_int_equal(f->params[1].type.ptr, 1);
	assert_int_equal(f->params[1].type.base_kind, KF_BASE_STRUCT);
	assert_string_equal(f->params[1].type.base, "qstr");
	assert_int_equal(f->pred->kind, KF_EXPR_CALL);
	assert_int_equal(f->pred->nargs, 3);
	assert_int_equal(f->pred->args[0]->kind, KF_EXPR_MEMBER);
	assert_true(f->pred->args[0]->arrow);

	assert_int_equal(inj->stmts[3].values[0].kind, KF_VAL_PERCENT);
	assert_string_equal(inj->stmts[3].values[0].text, "0.5");
	assert_int_equal(inj->stmts[5].kind, KF_STMT_TARGET);
	assert_string_equal(inj->stmts[5].target_kind, "pid");
	assert_true(inj->stmts[5].with);
	assert_int_equal(inj->stmts[6].values[0].kind, KF_VAL_DURATION);

	inj = u.file->inj[1];
	assert_int_equal(inj->kind, KF_SITE_FUNCTION);
	assert_string_equal(inj->func, "open_ctree");
	assert_int_equal(inj->nparams, 1);
	assert_true(inj->retval->negative);
	assert_string_equal(inj->retval->text, "ENOMEM");
	kf_unit__fini(&u);
}

static void test_precedence(void **state)
{
	struct kf_unit u;
	const struct kf_expr *e;

	(void)state;
	/* a || b && c == d + e * f  ->  a || (b && (c == (d + (e * f)))) */
	unit_parse(&u, "inject page when a || b && c == d + e * -f {}", false);
	assert_int_equal(u.diags.errors, 0);
	e = u.file->inj[0]->pred;
	assert_int_equal(e->op, KF_OP_OR);
	e = e->rhs;
	assert_int_equal(e->op, KF_OP_AND);
	e = e->rhs;
	assert_int_equal(e->op, KF_OP_EQ);
	e = e->rhs;
	assert_int_equal(e->op, KF_OP_ADD);
	e = e->rhs;
	assert_int_equal(e->op, KF_OP_MUL);
	assert_int_equal(e->rhs->kind, KF_EXPR_UNARY);
	kf_unit__fini(&u);
}

static void test_casts_and_postfix(void **state)
{
	struct kf_unit u;
	const struct kf_expr *e;

	(void)state;
	unit_parse(&u, "inject page when (unsigned long)p->a[2].b + (x) {}", false);
	assert_int_equal(u.diags.errors, 0);
	e = u.file->inj[0]->pred;
	assert_int_equal(e->op, KF_OP_ADD);
	assert_int_equal(e->lhs->kind, KF_EXPR_CAST);
	assert_string_equal(e->lhs->cast->base, "unsigned long");
	assert_int_equal(e->lhs->lhs->kind, KF_EXPR_MEMBER);	/* the cast binds looser than postfix */
	assert_false(e->lhs->lhs->arrow);
	assert_int_equal(e->lhs->lhs->lhs->kind, KF_EXPR_INDEX);
	assert_int_equal(e->rhs->kind, KF_EXPR_PAREN);
	kf_unit__fini(&u);
}

static void test_soft_keywords(void **state)
{
	struct kf_unit u;

	(void)state;
	/* Statement keywords still name parameters and members in predicates. */
	unit_parse(&u,
		   "inject slab {\n"
		   "  call f(int times, struct timer_list *target) when times > 2 && target->function != 0\n"
		   "  times 3\n"
		   "}\n",
		   false);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.file->inj[0]->nstmts, 2);
	assert_int_equal(u.file->inj[0]->stmts[1].kind, KF_STMT_TIMES);
	kf_unit__fini(&u);
}

static void test_recovery(void **state)
{
	struct kf_unit u;

	(void)state;
	unit_parse(&u,
		   "inject slab {\n"
		   "  call f(int x) when x > > 1\n"
		   "  times 2\n"
		   "  call g ( when\n"
		   "  probability 5%\n"
		   "  duration 1s\n"
		   "}\n"
		   "inject page {}\n",
		   false);
	assert_int_equal(u.diags.errors, 2);
	assert_int_equal(u.diags.v[0].loc.first_line, 2);
	assert_int_equal(u.diags.v[1].loc.first_line, 4);
	assert_int_equal(u.file->ninj, 2);	/* the second injection survived */
	kf_unit__fini(&u);
}


/* ---- hostile input (issue 8): nothing deep, long or huge crashes or hangs ---- */

#include <stdlib.h>

/* Parse len bytes (NULs allowed) and check them. */
static void parse_bytes(struct kf_unit *u, const char *text, size_t len)
{
	memset(u, 0, sizeof(*u));
	u->src = kf_source__from_string("t.fault", text, len);
	assert_non_null(u->src);
	kf_diags__init(&u->diags, u->src);
	u->file = kf_parse(u->src, &u->diags);
	assert_non_null(u->file);
	kf_sema(u->file, &u->diags);
}

/* head, then unit n times, then tail */
static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * (size_t)n + tl + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hl);
	p += hl;
	for (int i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

/* Height of an expression tree (recursion: the trees are bounded, that is the point). */
static int height(const struct kf_expr *e)
{
	int h = 0;

	if (!e)
		return 0;
	if (height(e->lhs) > h)
		h = height(e->lhs);
	if (height(e->rhs) > h)
		h = height(e->rhs);
	for (int i = 0; i < e->nargs; i++)
		if (height(e->args[i]) > h)
			h = height(e->args[i]);
	return h + 1;
}

static void expect_bounded(const char *text, const char *message)
{
	struct kf_unit u;

	parse_bytes(&u, text, strlen(text));
	if (!has_diag(&u, message))
		fail_msg("no '%s' for %.60s...: %s", message, text,
			 u.diags.n ? u.diags.v[0].message : "(no diagnostics)");
	for (int i = 0; i < u.file->ninj; i++) {
		const struct kf_injection *inj = u.file->inj[i];

		assert_true(height(inj->pred) <= KF_MAX_PRED_NODES + 1);
		for (int k = 0; k < inj->nstmts; k++)
			if (inj->stmts[k].frame)
				assert_true(height(inj->stmts[k].frame->pred) <= KF_MAX_PRED_NODES + 1);
	}
	kf_unit__fini(&u);
}

static void test_deep_and_long_predicates(void **state)
{
	static const struct {
		const char *head, *unit, *tail, *message;
		int n;
		const char *close;	/* after tail, n times */
	} cases[] = {
		/* nested: bison's stack fills up first */
		{ "inject slab when ", "(", "gfpflags", "nested too deeply", 100000, ")" },
		{ "inject slab when ", "!", "gfpflags { target pid 1 }", "nested too deeply", 100000, "" },
		{ "inject slab when ", "- ", "gfpflags { target pid 1 }", "nested too deeply", 100000, "" },
		{ "inject slab when ", "(int)", "gfpflags { target pid 1 }", "nested too deeply", 50000, "" },
		{ "inject slab when ", "gfpflags + (", "1", "nested too deeply", 50000, ")" },
		/* nested, within the parser's stack: the tree is cut at the node limit */
		{ "inject slab when ", "(", "gfpflags", "the limit is 256", 3000, ")" },
		{ "inject slab when ", "~", "gfpflags { target pid 1 }", "the limit is 256", 9000, "" },
		{ "inject slab when ", "s[", "0", "the limit is 256", 3000, "]" },
		/* long: a left-leaning tree as deep as it is long */
		{ "inject slab when gfpflags", " + gfpflags", " { target pid 1 }", "the limit is 256", 80000, "" },
		{ "inject slab when gfpflags", " || gfpflags", " { target pid 1 }", "the limit is 256", 80000, "" },
		{ "inject slab when s", "[0]", " { target pid 1 }", "the limit is 256", 80000, "" },
		{ "inject slab when s", "->a", " { target pid 1 }", "the limit is 256", 80000, "" },
		{ "inject slab when STRCMP(gfpflags", ", gfpflags", ") { target pid 1 }", "the limit is 256", 80000, "" },
		{ "inject slab { call f(int x) when x", " * x", " }", "the limit is 256", 80000, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *open = repeat(cases[i].head, cases[i].unit, cases[i].n, cases[i].tail);
		char *text = repeat(open, cases[i].close, cases[i].n,
				    *cases[i].close ? " { target pid 1 }" : "");

		expect_bounded(text, cases[i].message);
		free(open);
		free(text);
	}
}

static void test_huge_input(void **state)
{
	struct kf_unit u;
	char *text;

	(void)state;
	/* over 1 MiB: one error, nothing parsed */
	text = repeat("", "inject slab { target pid 1 }\n", 40000, "");
	parse_bytes(&u, text, strlen(text));
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "larger than 1048576 bytes"));
	assert_int_equal(u.file->ninj, 0);
	kf_unit__fini(&u);
	free(text);

	/* many statements and many errors: each counted, 50 kept */
	text = repeat("inject slab {\n", "  target pid 1\n", 30000, "}\n");
	parse_bytes(&u, text, strlen(text));
	assert_int_equal(u.diags.errors, 29999);	/* duplicate 'target pid' */
	assert_int_equal(u.diags.n, KF_MAX_DIAGS);
	assert_int_equal(u.diags.dropped, 29999 - KF_MAX_DIAGS);
	kf_unit__fini(&u);
	free(text);

	/* a long identifier is reported once, and kept only as long as the limit */
	text = repeat("inject slab { call ", "a", 500000, " target pid 1 }");
	parse_bytes(&u, text, strlen(text));
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "identifier is 500000 characters long"));
	assert_int_equal(strlen(u.file->inj[0]->stmts[0].frame->func), 127);
	kf_unit__fini(&u);
	free(text);

	/* a huge number is reported with its first digits only */
	text = repeat("inject slab { times ", "9", 500000, " target pid 1 }");
	parse_bytes(&u, text, strlen(text));
	assert_true(has_diag(&u, "is too large"));
	assert_true(strlen(u.diags.v[0].message) < 100);
	kf_unit__fini(&u);
	free(text);
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "inject slab {\n  target comm \"a\0\0\0b\"\n}\n";
	struct kf_unit u;
	char *big;

	(void)state;
	parse_bytes(&u, text, sizeof(text) - 1);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "NUL byte"));
	assert_int_equal(u.diags.v[0].loc.first_line, 2);
	assert_int_equal(u.diags.v[0].loc.first_column, 17);
	kf_unit__fini(&u);

	/* a string of NULs used to make flex quadratic */
	big = calloc(1, 1000000);
	assert_non_null(big);
	memcpy(big, "inject slab { target comm \"", 27);
	parse_bytes(&u, big, 1000000);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "NUL byte"));
	kf_unit__fini(&u);
	free(big);
}

/* A type's range starts at its first word, not at the "(" before it. */
static void test_type_ranges(void **state)
{
	struct kf_unit u;
	const struct kf_frame *f;

	(void)state;
	unit_parse(&u, "inject slab when (int)x {\n  call f(int *a, const char b, struct s *const c)\n}\n", false);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.file->inj[0]->pred->cast->loc.first_column, 19);	/* int */
	f = u.file->inj[0]->stmts[0].frame;
	assert_int_equal(f->params[0].type.loc.first_column, 10);	/* int *a */
	assert_int_equal(f->params[0].type.loc.last_column, 15);
	assert_int_equal(f->params[1].type.loc.first_column, 18);	/* const char b */
	assert_int_equal(f->params[2].type.loc.first_column, 32);	/* struct s *const c */
	kf_unit__fini(&u);
}

static void test_types_bounded(void **state)
{
	struct kf_unit u;
	char *text;

	(void)state;
	/* thousands of type words or stars: a short error, not a long type */
	text = repeat("inject slab { call f(", "long ", 100000, "x) target pid 1 }");
	parse_bytes(&u, text, strlen(text));
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "is not a C type"));
	assert_true(strlen(u.diags.v[0].message) < 100);
	kf_unit__fini(&u);
	free(text);

	text = repeat("inject slab { call f(int ", "*const ", 100000, "x) target pid 1 }");
	parse_bytes(&u, text, strlen(text));
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "at least 255 levels of pointers; the limit is 4"));
	kf_unit__fini(&u);
	free(text);

	/* 256 stars used to wrap around to none */
	text = repeat("inject slab { call f(int ", "*", 256, "x) target pid 1 }");
	parse_bytes(&u, text, strlen(text));
	assert_true(has_diag(&u, "levels of pointers"));
	kf_unit__fini(&u);
	free(text);

	/* an array length past LONG_MAX used to become "no array" */
	text = repeat("inject slab { call f(char x[18446744073709551615]) target pid 1 }", "", 0, "");
	parse_bytes(&u, text, strlen(text));
	assert_true(has_diag(&u, "C passes arrays as pointers"));
	kf_unit__fini(&u);
	free(text);
}

/*
 * A declaration deeper than KF_MAX_PTR (sema rejects it, but says so
 * with the type written out) reads no "* const" past the array that holds
 * them: the bytes after it are set here, so a read there shows.
 */
static void test_ctype_decl_deep(void **state)
{
	struct kf_ctype t;
	char *s;

	(void)state;
	memset(&t, 0xff, sizeof(t));
	t.base_kind = KF_BASE_BUILTIN;
	t.base = "int";
	t.is_const = t.is_volatile = false;
	t.ptr = 6;
	for (int i = 0; i < KF_MAX_PTR; i++)
		t.ptr_const[i] = i == 1;
	t.array = -1;
	s = kf_ctype_decl(&t, "p");
	assert_string_equal(s, "int **const ****p");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctype_decl_deep),
		cmocka_unit_test(test_injection_tree),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_casts_and_postfix),
		cmocka_unit_test(test_soft_keywords),
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_deep_and_long_predicates),
		cmocka_unit_test(test_huge_input),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_type_ranges),
		cmocka_unit_test(test_types_bounded),
	};
	return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
