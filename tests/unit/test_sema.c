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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_defaults_and_warning),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_types_of_members),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests_name("sema", tests, NULL, NULL);
}
