// SPDX-License-Identifier: MIT
/*
 * runtime/explain.c's JSON strings, which run's and sweep's reports are
 * made of: escapes, UTF-8 kept, and bytes that are not UTF-8 (a command's
 * stderr can be anything) replaced, so that the report stays JSON.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain.h"

static char *json(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	kf_json_string(f, s);
	fclose(f);
	return buf;
}

static void test_escapes(void **state)
{
	(void)state;
	assert_string_equal(json(NULL), "null");
	assert_string_equal(json(""), "\"\"");
	assert_string_equal(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json("line\n\ttab\x01"), "\"line\\u000a\\u0009tab\\u0001\"");
}

static void test_utf8_kept(void **state)
{
	(void)state;
	/* é (2 bytes), € (3), 😀 (4) */
	assert_string_equal(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void test_not_utf8_replaced(void **state)
{
	(void)state;
	/* an ELF header's bytes, as a shell printed them */
	assert_string_equal(json("\x7f" "ELF\x90G\x90"), "\"\x7f" "ELF\\ufffdG\\ufffd\"");
	/* a lead byte without its continuation, at the end and before ASCII */
	assert_string_equal(json("a\xc3"), "\"a\\ufffd\"");
	assert_string_equal(json("\xe2\x82z"), "\"\\ufffd\\ufffdz\"");
	/* overlong, surrogate, above U+10FFFF */
	assert_string_equal(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_not_utf8_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
