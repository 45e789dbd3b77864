// SPDX-License-Identifier: MIT
/* Sema: sites, settings, scopes, limits, warnings. */
#include <math.h>

#include "helpers.h"

static void test_sites(void **state)
{
	struct kf_unit u;

	(void)state;
	unit_parse(&u,
		   "inject slab { target pid 1 }\n"
		   "inject page { target pid 1 }\n"
		   "inject bio { target pid 1 }\n"
		   "inject function f returns -EIO { target pid 1 }\n"
		   "inject function g returns true { target pid 1 }\n",
		   true);
	assert_int_equal(u.diags.errors, 0);
	assert_string_equal(u.file->inj[0]->func, "should_failslab");
	assert_int_equal(u.file->inj[0]->retval_num, -12);
	assert_string_equal(u.file->inj[0]->params[1].name, "gfpflags");
	assert_string_equal(u.file->inj[1]->func, "should_fail_alloc_page");
	assert_int_equal(u.file->inj[1]->retval_num, 1);
	assert_string_equal(u.file->inj[1]->params[1].name, "order");
	assert_string_equal(u.file->inj[2]->func, "should_fail_bio");
	assert_int_equal(u.file->inj[2]->retval_num, -5);
	assert_int_equal(u.file->inj[3]->retval_num, -5);
	assert_int_equal(u.file->inj[4]->retval_num, 1);
	kf_unit__fini(&u);
}

static void test_settings(void **state)
{
	struct kf_unit u;
	const struct kf_settings *set;

	(void)state;
	unit_parse(&u,
		   "inject slab {\n"
		   "  probability 0.5%\n"
		   "  times 7\n"
		   "  duration 1h30m\n"
		   "  schedule \"*/5 * * * mon-fri\"\n"
		   "  target pid 99 with children\n"
		   "  target comm \"mount-loop\"\n"
		   "  target cgroup \"/sys/fs/cgroup/x\"\n"
		   "  headers \"linux/fs.h\" \"linux/mm.h\"\n"
		   "}\n",
		   true);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.diags.warnings, 0);
	set = &u.file->inj[0]->set;
	assert_true(fabs(set->probability - 0.5) < 1e-9);
	assert_int_equal(set->times, 7);
	assert_int_equal(set->duration_ms, 90 * 60 * 1000);
	assert_string_equal(set->schedule, "*/5 * * * mon-fri");
	assert_int_equal(set->pid, 99);
	assert_true(set->children);
	assert_string_equal(set->comm, "mount-loop");
	assert_string_equal(set->cgroup, "/sys/fs/cgroup/x");
	assert_int_equal(set->nheaders, 2);
	kf_unit__fini(&u);

	/* days (issue 22) */
	unit_parse(&u, "inject slab {\n  target pid 1\n  duration 1d12h\n}\n", true);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.file->inj[0]->set.duration_ms, 36 * 3600 * 1000);
	kf_unit__fini(&u);
}

static void test_defaults_and_warning(void **state)
{
	struct kf_unit u;

	(void)state;
	unit_parse(&u, "inject slab { call f }", true);
	assert_int_equal(u.diags.errors, 0);
	assert_int_equal(u.diags.warnings, 1);
	assert_true(has_diag(&u, "no target"));
	assert_true(fabs(u.file->inj[0]->set.probability - 100) < 1e-9);
	assert_int_equal(u.file->inj[0]->set.times, 0);
	assert_int_equal(u.file->inj[0]->nframes, 1);
	kf_unit__fini(&u);

	unit_parse(&u, "inject page {}", true);
	assert_int_equal(u.diags.warnings, 1);
	assert_true(has_diag(&u, "OOM killer"));
	kf_unit__fini(&u);

	/* kfault run --pid/--comm/--cgroup targets every injection: no warning */
	for (int i = 0; i < 2; i++) {
		static const char *const texts[] = { "inject slab { call f }", "inject page {}" };
		KF_OPTS(kf_unit_opts, opts, .target_given = true);

		assert_int_equal(kf_unit__compile_opts(&u, kf_source__from_string("t.fault",
				 texts[i], strlen(texts[i])), &opts), 0);
		assert_int_equal(u.diags.warnings, 0);
		kf_unit__fini(&u);
	}
}

static void test_scopes(void **state)
{
	struct kf_unit u;

	(void)state;
	/* Each frame sees its own parameters only; the site its own. */
	unit_parse(&u,
		   "inject slab when gfpflags & 1 && a > 0 {\n"
		   "  call f(int a) when a > 0\n"
		   "  call g(int b) when a > b\n"
		   "  target pid 1\n"
		   "}\n",
		   true);
	assert_int_equal(u.diags.errors, 2);
	assert_int_equal(u.diags.v[0].loc.first_line, 1);	/* a at the site */
	assert_int_equal(u.diags.v[1].loc.first_line, 3);	/* a in g */
	kf_unit__fini(&u);
}

static void test_types_of_members(void **state)
{
	struct kf_unit u;

	(void)state;
	unit_parse(&u,
		   "inject slab {\n"
		   "  call f(struct bio *bio, int n) when bio.bi_size > 0 || n->x || *n\n"
		   "  target pid 1\n"
		   "}\n",
		   true);
	assert_int_equal(u.diags.errors, 3);
	assert_true(has_diag(&u, "did you mean '->'"));
	assert_true(has_diag(&u, "not a structure"));
	assert_true(has_diag(&u, "cannot dereference"));
	kf_unit__fini(&u);
}

static void test_limits(void **state)
{
	struct kf_unit u;
	char text[8192];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "inject page when ");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "order + ");
	snprintf(text + n, sizeof(text) - n, "1 > 0 { target pid 1 }");
	unit_parse(&u, text, true);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "the limit is 256"));
	kf_unit__fini(&u);

	n = 0;
	for (int i = 0; i < 17; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "inject slab { target pid 1 }\n");
	unit_parse(&u, text, true);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "at most 16 injections"));
	kf_unit__fini(&u);
}


/* ---- hostile input (issue 8): names that would mean something else in C ---- */

/* text must check with exactly one error, containing message. */
static void expect_one_error(const char *text, const char *message)
{
	struct kf_unit u;

	unit_parse(&u, text, true);
	if (u.diags.errors != 1 || !has_diag(&u, message))
		fail_msg("%s: %d errors, first '%s'; expected one saying '%s'", text,
			 u.diags.errors, u.diags.n ? u.diags.v[0].message : "", message);
	kf_unit__fini(&u);
}

static void expect_clean(const char *text)
{
	struct kf_unit u;

	unit_parse(&u, text, true);
	if (u.diags.errors)
		fail_msg("%s: %s", text, u.diags.v[0].message);
	kf_unit__fini(&u);
}

static void test_hostile_names(void **state)
{
	(void)state;
	/* parameters: generated names, the macros' own, reserved C names, keywords */
	expect_one_error("inject slab { call f(struct dentry *__r) target pid 1 }", "reserved for generated code");
	expect_one_error("inject slab { call f(struct dentry *__t) target pid 1 }", "reserved for generated code");
	expect_one_error("inject slab { call f(int _Foo) target pid 1 }", "reserved for generated code");
	expect_one_error("inject slab { call f(int kf0_fails) target pid 1 }", "reserved for generated code");
	expect_one_error("inject slab { call f(int kf12_f3_when) target pid 1 }", "reserved for generated code");
	expect_one_error("inject function f(int ctx) returns -5 { target pid 1 }", "reserved for generated code");
	expect_one_error("inject slab { call f(int sizeof) target pid 1 }", "'sizeof' is a C keyword");
	expect_one_error("inject slab { call f(int while) target pid 1 }", "'while' is a C keyword");
	expect_one_error("inject slab { call f(int asm) target pid 1 }", "'asm' is a C keyword");
	expect_one_error("inject slab { call f(int NULL) target pid 1 }", "'NULL' is a C macro");
	expect_one_error("inject slab { call f(int true) when true target pid 1 }", "'true' is a C macro");
	/* types and tags */
	expect_one_error("inject slab { call f(sizeof x) target pid 1 }", "C keyword, not a type name");
	expect_one_error("inject slab { call f(__attribute__ x) target pid 1 }", "C keyword, not a type name");
	expect_one_error("inject slab { call f(struct if *x) target pid 1 }", "C keyword, not a type name");
	expect_one_error("inject slab when (struct for *)s { target pid 1 }", "C keyword, not a type name");
	expect_one_error("inject slab { call f(long long long x) target pid 1 }", "not a C type");
	expect_one_error("inject slab { call f(short long x) target pid 1 }", "not a C type");
	expect_one_error("inject slab { call f(signed unsigned x) target pid 1 }", "not a C type");
	expect_one_error("inject slab { call f(char int x) target pid 1 }", "not a C type");
	expect_one_error("inject slab { call f(void int x) target pid 1 }", "not a C type");
	expect_one_error("inject slab when (_Bool _Bool)gfpflags { target pid 1 }", "not a C type");
	expect_one_error("inject slab { call f(int *****x) target pid 1 }", "5 levels of pointers; the limit is 4");
	/* members */
	expect_one_error("inject slab when s->while { target pid 1 }", "member name 'while' is a C keyword");
	expect_one_error("inject slab when s->NULL { target pid 1 }", "member name 'NULL' is a C macro");
	expect_one_error("inject slab when s->__VA_ARGS__ { target pid 1 }", "'__VA_ARGS__' is a C keyword");
	/* what the kernel really uses still works */
	expect_clean("inject slab {\n"
		     "  call f(struct task_struct *t, __le32 v, unsigned long long int a, signed char c,\n"
		     "         const volatile u8 *const *b)\n"
		     "    when t->__state == 0 && v && a && c && b\n"
		     "  call g(_Bool z, long unsigned n) when z && n\n"
		     "  target pid 1\n"
		     "}\n");
	expect_clean("inject slab when (bool)gfpflags && (unsigned)gfpflags && (long long)s->x.y {\n"
		     "  call g(int when_, int kfx, int kf) when when_ + kfx + kf\n"
		     "  target pid 1\n"
		     "}\n");
}

static void test_hostile_counts(void **state)
{
	struct kf_unit u;
	char text[16384];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "inject slab { call f(int a0");
	for (int i = 1; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", int a%d", i);
	snprintf(text + n, sizeof(text) - n, ") target pid 1 }");
	unit_parse(&u, text, true);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "declared with 40 parameters; the limit is 32"));
	kf_unit__fini(&u);

	n = 0;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "inject slab { headers \"a/h0.h\"");
	for (int i = 1; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", \"a/h%d.h\"", i);
	snprintf(text + n, sizeof(text) - n, " target pid 1 }");
	unit_parse(&u, text, true);
	assert_int_equal(u.diags.errors, 1);
	assert_true(has_diag(&u, "40 headers; an injection includes at most 32"));
	kf_unit__fini(&u);

	/* a failure value is a 64-bit number */
	expect_one_error("inject function f returns 18446744073709551615 { target pid 1 }", "does not fit in 64 bits");
	expect_one_error("inject function f returns 9223372036854775808 { target pid 1 }", "does not fit in 64 bits");
	expect_one_error("inject function f returns -9223372036854775809 { target pid 1 }", "does not fit in 64 bits");
	unit_parse(&u, "inject function f returns -9223372036854775808 { target pid 1 }", true);
	assert_int_equal(u.diags.errors, 0);
	assert_true(u.file->inj[0]->retval_num == INT64_MIN);
	kf_unit__fini(&u);
	unit_parse(&u, "inject function f returns 0x7fffffffffffffff { target pid 1 }", true);
	assert_int_equal(u.diags.errors, 0);
	assert_true(u.file->inj[0]->retval_num == INT64_MAX);
	kf_unit__fini(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_defaults_and_warning),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_types_of_members),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_hostile_counts),
	};
	return cmocka_run_group_tests_name("sema", tests, NULL, NULL);
}
