// SPDX-License-Identifier: MIT
/*
 * inject.py command lines (compiler/compat/injectpy.c): the option parsers, the
 * native text of a spec, and where errors inside a spec are reported.
 * The documentation's examples and the error messages are covered by
 * tests/compat/injectpy and tests/errors/injectpy-*.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "injectpy.h"

static int compile_spec(struct kf_unit *u, const char *spec, struct kf_injectpy *o)
{
	return kf_unit__compile_as(u, kf_injectpy__source(spec), kf_injectpy__translate, o, NULL);
}

static const struct kf_diag *first_error(const struct kf_unit *u)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (u->diags.v[i].severity == KF_ERROR)
			return &u->diags.v[i];
	fail_msg("no error");
	return NULL;
}

static void assert_loc(const struct kf_diag *e, int line, int first, int last)
{
	assert_int_equal(e->loc.first_line, line);
	assert_int_equal(e->loc.first_column, first);
	assert_int_equal(e->loc.last_line, line);
	assert_int_equal(e->loc.last_column, last);
}

static void test_probability(void **state)
{
	double p = 0;

	(void)state;
	assert_int_equal(kf_injectpy__parse_probability("1", &p), 0);
	assert_true(p == 100);
	assert_int_equal(kf_injectpy__parse_probability("0.01", &p), 0);
	assert_true(fabs(p - 1) < 1e-12);
	assert_int_equal(kf_injectpy__parse_probability("2.5e-10", &p), 0);
	assert_int_equal(kf_injectpy__parse_probability("1e-12", &p), -ERANGE);	/* under 2^-32 */
	assert_int_equal(kf_injectpy__parse_probability("0", &p), -ERANGE);
	assert_int_equal(kf_injectpy__parse_probability("-0.5", &p), -ERANGE);
	assert_int_equal(kf_injectpy__parse_probability("1.0001", &p), -ERANGE);
	assert_int_equal(kf_injectpy__parse_probability("", &p), -EINVAL);
	assert_int_equal(kf_injectpy__parse_probability("0.5x", &p), -EINVAL);
	assert_int_equal(kf_injectpy__parse_probability("nan", &p), -EINVAL);
	assert_int_equal(kf_injectpy__parse_probability("inf", &p), -EINVAL);
}

static void test_count(void **state)
{
	unsigned long long n = 99;

	(void)state;
	assert_int_equal(kf_injectpy__parse_count("-1", &n), 0);
	assert_true(n == 0);
	assert_int_equal(kf_injectpy__parse_count("10", &n), 0);
	assert_true(n == 10);
	assert_int_equal(kf_injectpy__parse_count("0", &n), -ERANGE);
	assert_int_equal(kf_injectpy__parse_count("-2", &n), -ERANGE);
	assert_int_equal(kf_injectpy__parse_count("99999999999999999999", &n), -ERANGE);
	assert_int_equal(kf_injectpy__parse_count("ten", &n), -EINVAL);
	assert_int_equal(kf_injectpy__parse_count("1.5", &n), -EINVAL);
}

static void test_mode(void **state)
{
	enum kf_site_kind m;

	(void)state;
	assert_int_equal(kf_injectpy__parse_mode("alloc_page", &m), 0);
	assert_int_equal(m, KF_SITE_PAGE);
	assert_int_equal(kf_injectpy__parse_mode("bio", &m), 0);
	assert_int_equal(m, KF_SITE_BIO);
	assert_int_equal(kf_injectpy__parse_mode("Kmalloc", &m), -EINVAL);
}

/* Every option and kind of frame, in the order kfault writes them. */
static void test_native_text(void **state)
{
	static const char *const headers[] = { "linux/dcache.h", "x\"y.h" };
	struct kf_injectpy o = {
		.kind = KF_SITE_SLAB, .headers = headers, .nheaders = 1,
		.probability = "0.3", .count = "3", .times = 3, .pid = 7, .children = true,
		.comm = "mount-loop", .duration = "30s",
	};
	struct kf_unit u;

	(void)state;
	assert_int_equal(kf_injectpy__parse_probability("0.3", &o.percent), 0);
	assert_int_equal(compile_spec(&u, "(!(gfpflags & 0x400)) => d_alloc_parallel(struct dentry *p,"
				      " const struct qstr *n)(STRCMP(n->name, 'ban\"anas')) =>"
				      " SyS_mount()", &o), 0);
	assert_string_equal(u.native->text,
		"# inject.py -I linux/dcache.h -P 0.3 -c 3 kmalloc '(!(gfpflags & 0x400)) => "
		"d_alloc_parallel(struct dentry *p, const struct qstr *n)(STRCMP(n->name, "
		"'\\''ban\"anas'\\'')) => SyS_mount()'\n"
		"# (the call chain is listed outermost caller first: the spec's order reversed)\n"
		"inject slab when !(gfpflags & 0x400) {\n"
		"    headers \"linux/dcache.h\"\n"
		"    call __x64_sys_mount\n"
		"    call d_alloc_parallel(struct dentry *p, const struct qstr *n)\n"
		"        when STRCMP(n->name, \"ban\\\"anas\")\n"
		"    probability 30% per call\n"
		"    times 3\n"
		"    target pid 7 with children\n"
		"    target comm \"mount-loop\"\n"
		"    duration 30s\n"
		"}\n");
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.diags.warnings, 1);	/* SyS_mount */
	kf_unit__fini(&u);
}

/* Parentheses and '=>' inside strings and comments do not end anything. */
static void test_strings_and_comments(void **state)
{
	struct kf_injectpy o = { .kind = KF_SITE_SLAB };
	struct kf_unit u;

	(void)state;
	assert_int_equal(compile_spec(&u, "f(char *s /* ) => g() */)(STRCMP(s, 'a)=>(b') && s[0] != ')')",
				      &o), 0);
	assert_non_null(strstr(u.native->text,
		"    call f(char *s /* ) => g() */)\n        when STRCMP(s, \"a)=>(b\") && s[0] != ')'\n"));
	assert_null(strstr(u.native->text, "call g"));
	kf_unit__fini(&u);
}

/* Errors found by the native front end point into the spec. */
static void test_error_columns(void **state)
{
	struct kf_injectpy o = { .kind = KF_SITE_BIO };
	struct kf_unit u;

	(void)state;
	/* in a predicate copied verbatim, on the spec's second line */
	assert_int_equal(compile_spec(&u, "f(int a,\n  int b)(a == 1 && c == 2) => g()", &o), -EINVAL);
	assert_loc(first_error(&u), 2, 20, 20);
	kf_unit__fini(&u);
	/* in the site predicate */
	assert_int_equal(compile_spec(&u, "(bio->bi_iter.bi_sector == x)", &o), -EINVAL);
	assert_loc(first_error(&u), 1, 28, 28);
	kf_unit__fini(&u);
	/* a STRCMP literal the native front end finds too long: the literal, quotes included */
	assert_int_equal(compile_spec(&u, "f(char *s)(STRCMP(s, '"
				      "0123456789012345678901234567890123456789012345678901234567890123'))",
				      &o), -EINVAL);
	assert_loc(first_error(&u), 1, 22, 87);
	kf_unit__fini(&u);
	/* a name the native front end rejects */
	assert_int_equal(compile_spec(&u, "g() => f(int ctx)(ctx)", &o), -EINVAL);
	assert_loc(first_error(&u), 1, 14, 16);
	kf_unit__fini(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probability),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_native_text),
		cmocka_unit_test(test_strings_and_comments),
		cmocka_unit_test(test_error_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
