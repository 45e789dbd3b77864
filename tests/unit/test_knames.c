// SPDX-License-Identifier: MIT
/* Kernel function names (runtime/knames.c): suggestions, error-injection types. */
#include <errno.h>
#include <stdint.h>

#include "helpers.h"
#include "knames.h"

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(kf_edit_distance("vfs_raed", "vfs_read", 3), 2);
	assert_int_equal(kf_edit_distance("vfs_read", "vfs_read", 3), 0);
	assert_int_equal(kf_edit_distance("kmalloc", "kfree", 1), SIZE_MAX);
	assert_int_equal(kf_edit_distance("a", "abcdef", 2), SIZE_MAX);
}

static void test_closest(void **state)
{
	static const char *const names[] = { "vfs_read", "vfs_write", "vfs_readv" };

	(void)state;
	assert_string_equal(kf_closest_name("vfs_raed", names, 3), "vfs_read");
	/* not the word itself, and nothing far away */
	assert_string_equal(kf_closest_name("vfs_read", names, 3), "vfs_readv");
	assert_null(kf_closest_name("kmalloc", names, 3));
	assert_null(kf_closest_name("x", names, 0));
}

static void test_suggest_function(void **state)
{
	/* sorted, as kf_suggest_function() wants them */
	static const char *const names[] = { "__arm64_sys_umount", "__x64_sys_mount", "do_mount",
					     "vfs_read" };

	(void)state;
	assert_string_equal(kf_suggest_function("SyS_mount", names, 4), "__x64_sys_mount");
	assert_string_equal(kf_suggest_function("sys_mount", names, 4), "__x64_sys_mount");
	assert_string_equal(kf_suggest_function("__x64_sys_mout", names, 4), "__x64_sys_mount");
	assert_string_equal(kf_suggest_function("sys_umount", names, 4), "__arm64_sys_umount");
	assert_string_equal(kf_suggest_function("vfs_raed", names, 4), "vfs_read");
	assert_null(kf_suggest_function("kfault_nothing_like_it", names, 4));
}

static void test_ei_types(void **state)
{
	(void)state;
	assert_string_equal(kf_ei_type_name(KF_EI_ERRNO_NULL), "ERRNO_NULL");
	assert_int_equal(kf_ei_type_by_name("TRUE"), KF_EI_TRUE);
	assert_int_equal(kf_ei_type_by_name("FALSE"), -1);
	assert_string_equal(kf_ei_type_enumerator(KF_EI_NULL), "EI_ETYPE_NULL");

	assert_true(kf_ei_type_allows(KF_EI_ERRNO, -12));
	assert_true(kf_ei_type_allows(KF_EI_ERRNO, -4095));
	assert_false(kf_ei_type_allows(KF_EI_ERRNO, -4096));
	assert_false(kf_ei_type_allows(KF_EI_ERRNO, 0));
	assert_false(kf_ei_type_allows(KF_EI_ERRNO, 1));
	assert_true(kf_ei_type_allows(KF_EI_NULL, 0));
	assert_false(kf_ei_type_allows(KF_EI_NULL, -12));
	assert_true(kf_ei_type_allows(KF_EI_ERRNO_NULL, 0));
	assert_true(kf_ei_type_allows(KF_EI_ERRNO_NULL, -5));
	assert_false(kf_ei_type_allows(KF_EI_ERRNO_NULL, 5));
	assert_true(kf_ei_type_allows(KF_EI_TRUE, 1));
	assert_false(kf_ei_type_allows(KF_EI_TRUE, 0));

	/* what a sweep over the list fails each type with; each value is one the type allows */
	assert_int_equal(kf_ei_type_value(KF_EI_ERRNO, -12), -12);
	assert_int_equal(kf_ei_type_value(KF_EI_ERRNO_NULL, -5), -5);
	assert_int_equal(kf_ei_type_value(KF_EI_NULL, -12), 0);
	assert_int_equal(kf_ei_type_value(KF_EI_TRUE, -12), 1);
	for (int t = 0; t < KF_EI_NTYPES; t++)
		assert_true(kf_ei_type_allows(t, kf_ei_type_value(t, -12)));
}

static void test_errnos(void **state)
{
	(void)state;
	assert_int_equal(kf_errno_by_name("ENOMEM"), 12);
	assert_int_equal(kf_errno_by_name("EIO"), 5);
	assert_int_equal(kf_errno_by_name("ENOMEMS"), 0);
	assert_int_equal(kf_errno_by_name("enomem"), 0);
	assert_string_equal(kf_errno_name(-12), "ENOMEM");
	assert_string_equal(kf_errno_name(28), "ENOSPC");
	assert_null(kf_errno_name(-4000));
	assert_null(kf_errno_name(0));
	assert_string_equal(kf_closest_errno("ENOMEN"), "ENOMEM");
	assert_null(kf_closest_errno("XYZZY_NOTHING"));
}

static void test_parse_line(void **state)
{
	char name[16];
	int type;

	(void)state;
	assert_int_equal(kf_ei_parse_line("should_failslab\tERRNO\n", name, sizeof(name), &type), 0);
	assert_string_equal(name, "should_failslab");
	assert_int_equal(type, KF_EI_ERRNO);
	assert_int_equal(kf_ei_parse_line("f\tNEWTYPE\n", name, sizeof(name), &type), 0);
	assert_int_equal(type, -1);
	/* a name longer than the buffer is cut, not overrun */
	assert_int_equal(kf_ei_parse_line("a_very_long_function_name\tNULL\n", name, sizeof(name), &type), 0);
	assert_int_equal(strlen(name), sizeof(name) - 1);
	assert_int_equal(kf_ei_parse_line("\n", name, sizeof(name), &type), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_suggest_function),
		cmocka_unit_test(test_ei_types),
		cmocka_unit_test(test_errnos),
		cmocka_unit_test(test_parse_line),
	};
	return cmocka_run_group_tests_name("knames", tests, NULL, NULL);
}
