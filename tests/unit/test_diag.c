// SPDX-License-Identifier: MIT
/*
 * Diagnostics: what kf_diags__print() writes for hostile input (issue 8):
 * a bounded number of messages, short excerpts of long lines, and no byte
 * of the input that a terminal would act on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

/* Everything kf_diags__print() writes for text, checked by sema. */
static char *printed(const char *text, size_t len)
{
	struct kf_unit u;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	memset(&u, 0, sizeof(u));
	u.src = kf_source__from_string("t.fault", text, len);
	assert_non_null(u.src);
	kf_diags__init(&u.diags, u.src);
	u.file = kf_parse(u.src, &u.diags);
	assert_non_null(u.file);
	kf_sema(u.file, &u.diags);
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	kf_diags__print(&u.diags, f);
	fclose(f);
	kf_unit__fini(&u);
	return out;
}

/* The n-th line (0-based) of s, in a static buffer. */
static const char *line_of(const char *s, int n)
{
	static char buf[4096];
	size_t len;

	for (; n > 0 && s; n--) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	assert_non_null(s);
	len = strcspn(s, "\n");
	assert_true(len < sizeof(buf));
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/* The column of the caret on the n-th line of out. */
static size_t caret_col(const char *out, int n)
{
	const char *l = out, *c;

	for (; n > 0; n--) {
		l = strchr(l, '\n');
		assert_non_null(l);
		l++;
	}
	c = strchr(l, '^');
	assert_non_null(c);
	assert_true(c < l + strcspn(l, "\n"));
	return (size_t)(c - l);
}

static void test_no_diagnostics(void **state)
{
	char *out;

	(void)state;
	/* qsort() of no diagnostics was undefined behaviour (UBSan: nonnull) */
	out = printed("inject slab { target pid 1 }", 28);
	assert_string_equal(out, "");
	free(out);
}

static void test_limit(void **state)
{
	char text[3000];
	char *out;
	int errors = 0;

	(void)state;
	/* a line naming an injection (a file that names none is one error), then 2993 errors */
	memset(text, '@', sizeof(text));
	memcpy(text, "inject\n", 7);
	out = printed(text, sizeof(text));
	for (const char *p = out; (p = strstr(p, ": error: ")); p++)
		errors++;
	assert_int_equal(errors, KF_MAX_DIAGS);
	assert_non_null(strstr(out, "t.fault: note: 2944 more diagnostics not shown"));
	/* each excerpt is a window of the 3000-byte line */
	assert_true(strlen(line_of(out, 1)) < 200);
	free(out);
}

static void test_long_line_window(void **state)
{
	char text[20000];
	char *out;
	const char *l;
	size_t col;

	(void)state;
	/* an error at column 10001 of a 20000-byte line */
	memset(text, ' ', sizeof(text));
	memcpy(text, "inject slab {", 13);
	memcpy(text + 10000, "target pod 1", 12);
	text[sizeof(text) - 1] = '}';
	out = printed(text, sizeof(text));
	assert_non_null(strstr(out, "t.fault:1:10008: error: unknown target 'pod'"));
	l = line_of(out, 1);
	assert_true(strlen(l) < 200);
	assert_non_null(strstr(l, "..."));
	col = caret_col(out, 2);
	assert_true(col < strlen(l));
	assert_memory_equal(l + col, "pod", 3);	/* the caret is under the word */
	assert_non_null(strstr(out, "^~~\n"));
	free(out);
}

static void test_control_bytes(void **state)
{
	/* an ESC sequence and a carriage return in a header name and in the line */
	static const char text[] = "inject slab {\n  headers \"a\x1b[2J\r.h\" \x1b]0;x\x07\n  target pid 1\n}\n";
	char *out;

	(void)state;
	out = printed(text, sizeof(text) - 1);
	for (const char *p = out; *p; p++)
		if (*p != '\n' && ((unsigned char)*p < 0x20 || *p == 0x7f))
			fail_msg("control byte 0x%02x printed", (unsigned char)*p);
	assert_non_null(strstr(out, "'a\\x1b[2J\\x0d.h' is not a header name"));
	free(out);
}

static void test_utf8_alignment(void **state)
{
	/* "é" is 2 bytes, 1 column: the caret still lands under "pod" */
	static const char text[] = "inject slab { # caf\xc3\xa9\n  target pod 1 /* \xc3\xa9 */ }\n";
	static const char bad[] = "inject slab { target pod 1 } \xff\xfe\xc2\x9b";
	char *out;

	(void)state;
	out = printed(text, sizeof(text) - 1);
	assert_memory_equal(line_of(out, 1) + caret_col(out, 2), "pod", 3);
	free(out);
	/* bytes that are not UTF-8, and the C1 control CSI (U+009B), print as '?' */
	out = printed(bad, sizeof(bad) - 1);
	assert_non_null(strstr(out, "????\n"));
	assert_null(strstr(out, "\xc2\x9b"));
	free(out);
}

/* A directory is no source, and says so (EISDIR, not a generic EIO: issue 23). */
static void test_read_directory(void **state)
{
	(void)state;
	errno = 0;
	assert_null(kf_source__read("/"));
	assert_int_equal(errno, EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_directory),
		cmocka_unit_test(test_no_diagnostics),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_long_line_window),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_utf8_alignment),
	};
	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
