// SPDX-License-Identifier: MIT
/*
 * What 'kfault build' writes besides objects: make rules (depfile.c) and
 * skeleton names (skel.c). The skeleton itself is compiled and run by
 * tests/outputs/check-skel and tests/e2e/skel.sh.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "depfile.h"
#include "skel.h"
#include "util.h"

static void test_format_escapes(void **state)
{
	struct kf_deps d = {0};
	char *s;

	(void)state;
	kf_deps__add(&d, "a b.fault");
	kf_deps__add(&d, "x#1$y");
	kf_deps__add(&d, "back\\ slash");
	kf_deps__add(&d, "c:d");
	kf_deps__add(&d, "a b.fault");	/* once */
	s = kf_deps__format(&d, "out dir/o.bpf.o");
	assert_string_equal(s, "out\\ dir/o.bpf.o: \\\n a\\ b.fault \\\n x\\#1$$y \\\n back\\\\\\ slash"
			    " \\\n c\\:d\n");
	free(s);
	kf_deps__fini(&d);
	s = kf_deps__format(&d, "o");
	assert_string_equal(s, "o:\n");
	free(s);
}

static void test_write(void **state)
{
	char dir[] = "/tmp/kf-depfile-XXXXXX", *path, *text = NULL;
	struct kf_deps d = {0};
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = kf_strfmt("%s/o.d", dir);
	kf_deps__add(&d, "in.fault");
	assert_int_equal(kf_deps__write(&d, "o", path), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	assert_string_equal(text, "o: \\\n in.fault\n");
	free(text);
	unlink(path);
	/* a directory that does not exist: an error, and nothing left behind */
	free(path);
	path = kf_strfmt("%s/no/o.d", dir);
	assert_int_equal(kf_deps__write(&d, "o", path), -ENOENT);
	assert_int_equal(rmdir(dir), 0);
	free(path);
	kf_deps__fini(&d);
}

static void test_headers(void **state)
{
	static const char text[] =
		"inject slab {\n"
		"    headers \"linux/a.h\", \"linux/b.h\"\n"
		"    target comm \"x\"\n"
		"}\n"
		"inject page {\n"
		"    headers \"linux/a.h\", \"c.h\"\n"
		"    target comm \"x\"\n"
		"}\n";
	char d1[] = "/tmp/kf-hdr1-XXXXXX", d2[] = "/tmp/kf-hdr2-XXXXXX";
	const char *dirs[2] = { d1, d2 };
	struct kf_deps d = {0};
	struct kf_unit u;
	char *p;

	(void)state;
	assert_non_null(mkdtemp(d1));
	assert_non_null(mkdtemp(d2));
	/* linux/a.h in both (the first wins), c.h in the second, linux/b.h nowhere */
	p = kf_strfmt("mkdir -p %s/linux %s/linux && touch %s/linux/a.h %s/linux/a.h %s/c.h",
		      d1, d2, d1, d2, d2);
	assert_int_equal(system(p), 0);
	free(p);
	assert_int_equal(kf_unit__compile(&u, kf_source__from_string("t.fault", text, sizeof(text) - 1)), 0);
	kf_deps__add_headers(&d, u.file, dirs, 2);
	assert_int_equal(d.n, 2);
	p = kf_strfmt("%s/linux/a.h", d1);
	assert_string_equal(d.paths[0], p);
	free(p);
	p = kf_strfmt("%s/c.h", d2);
	assert_string_equal(d.paths[1], p);
	free(p);
	kf_deps__fini(&d);
	kf_unit__fini(&u);
	p = kf_strfmt("rm -rf %s %s", d1, d2);
	assert_int_equal(system(p), 0);
	free(p);
}

static void test_skel_names(void **state)
{
	static const char *const cases[][2] = {
		{ "examples/mount.fault", "mount_kfault" },
		{ "/x/my-test.v2.fault", "my_test_v2_kfault" },
		{ "2fast.fault", "_2fast_kfault" },
		{ "noext", "noext_kfault" },
		{ ".fault", "_fault_kfault" },
		{ "-", "stdin_kfault" },
	};
	char *long_path;

	(void)state;
	for (size_t i = 0; i < KF_ARRAY_SIZE(cases); i++) {
		char *n = kf_skel_default_name(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		assert_true(kf_skel_name_ok(n));
		free(n);
	}
	long_path = kf_strfmt("%0200d.fault", 7);
	char *n = kf_skel_default_name(long_path);
	assert_true(kf_skel_name_ok(n));
	free(n);
	free(long_path);
	assert_true(kf_skel_name_ok("my_faults"));
	assert_false(kf_skel_name_ok(""));
	assert_false(kf_skel_name_ok("1x"));
	assert_false(kf_skel_name_ok("a-b"));
	assert_false(kf_skel_name_ok("a b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_escapes),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_skel_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
