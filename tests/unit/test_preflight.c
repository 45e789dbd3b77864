// SPDX-License-Identifier: MIT
/*
 * runtime/preflight.c's reading of /proc/kallsyms, against this host's:
 * every text symbol that sscanf("%llx %c %s") finds is known by name, a
 * name that is not there is not, and an address symbolizes to a symbol
 * there (when this user sees addresses). The runtime splits the lines by
 * hand (it reads them at every start), so the plain parser is the
 * reference.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "preflight.h"

static void test_kallsyms_names(void **state)
{
	struct kf_kernel *k = kf_kernel__probe();
	char line[512], name[256], type, buf[512];
	unsigned long long addr;
	long text = 0, checked = 0;
	FILE *f;

	(void)state;
	assert_non_null(k);
	f = fopen("/proc/kallsyms", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (strchr("tTwW", type)) {
			text++;
			if (!kf_kernel__has_symbol(k, name))
				fail_msg("text symbol '%s' not found (line '%s')", name, line);
			if (addr && text % 97 == 0) {
				char *plus;

				kf_kernel__symbolize(k, addr, buf, sizeof(buf));
				plus = strstr(buf, "+0x0");
				assert_non_null(plus);
				assert_string_equal(plus, "+0x0");
				*plus = '\0';
				assert_true(kf_kernel__has_symbol(k, buf));
				checked++;
			}
		}
	}
	fclose(f);
	assert_true(text > 1000);
	assert_false(kf_kernel__has_symbol(k, "kfault_no_such_function"));
	assert_false(kf_kernel__has_symbol(k, ""));
	print_message("%ld text symbols found by name, %ld addresses symbolized\n", text, checked);
	kf_kernel__free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
