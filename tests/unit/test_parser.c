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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injection_tree),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_casts_and_postfix),
		cmocka_unit_test(test_soft_keywords),
		cmocka_unit_test(test_recovery),
	};
	return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
