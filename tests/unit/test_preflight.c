// SPDX-License-Identifier: MIT
/*
 * runtime/preflight.c's reading of /proc/kallsyms, against this host's:
 * every text symbol that sscanf("%llx %c %s") finds is known by name, a
 * name that is not there is not, and an address symbolizes to a symbol
 * there (when this user sees addresses). The runtime splits the lines by
 * hand (it reads them at every start), so the plain parser is the
 * reference. Preflight's own lookups (kf_kernel__find_symbols: one pass,
 * nothing kept) must agree with the whole table.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

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

#define NAMES 64

static void check_found(struct kf_kernel *k, const char *const *names, size_t n, const bool *want)
{
	bool found[NAMES];

	assert_int_equal(kf_kernel__find_symbols(k, names, n, found), 0);
	for (size_t i = 0; i < n; i++)
		if (found[i] != want[i])
			fail_msg("'%s': found %d, wanted %d", names[i], found[i], want[i]);
}

static void test_find_symbols(void **state)
{
	static char store[NAMES][256];
	const char *names[NAMES];
	bool want[NAMES];
	char line[512], name[256], last[256] = "", longer[300], shorter[256] = "", type;
	unsigned long long addr;
	long text = 0;
	size_t n = 0;
	struct kf_kernel *k = kf_kernel__probe();
	struct kf_kernel *probe_k = kf_kernel__probe();	/* whole table: to choose a name that is not there */
	FILE *f = fopen("/proc/kallsyms", "r");

	(void)state;
	assert_non_null(k);
	assert_non_null(probe_k);
	assert_non_null(f);
	/* every 2,000th text symbol and the last one, found in one pass ... */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !strchr("tTwW", type))
			continue;
		if (text++ % 2000 == 0 && n < NAMES - 7)
			strcpy(store[n++], name);
		strcpy(last, name);
	}
	fclose(f);
	assert_true(n > 5);
	strcpy(store[n++], last);
	for (size_t i = 0; i < n; i++) {
		names[i] = store[i];
		want[i] = true;
	}
	/* ... the first one twice, and names that are not there: one made
	 * longer, one cut short (but not to one of the kernel's names) */
	names[n] = store[0], want[n++] = true;
	snprintf(longer, sizeof(longer), "%s_kfault", store[1]);
	names[n] = longer, want[n++] = false;
	for (size_t i = 1; i < n && !shorter[0]; i++) {
		size_t len = strlen(store[i]);

		if (len > 4) {
			memcpy(shorter, store[i], len - 1);
			shorter[len - 1] = '\0';
			if (kf_kernel__has_symbol(probe_k, shorter) == 1)
				shorter[0] = '\0';
		}
	}
	assert_true(shorter[0]);
	names[n] = shorter, want[n++] = false;
	names[n] = "kfault_no_such_function", want[n++] = false;
	names[n] = "", want[n++] = false;
	check_found(k, names, n, want);
	check_found(k, names, 0, want);
	/* the same answers once the whole table is read */
	assert_int_equal(kf_kernel__has_symbol(k, "kfault_no_such_function"), 0);
	check_found(k, names, n, want);
	print_message("%zu names looked up, %ld text symbols\n", n, text);
	kf_kernel__free(probe_k);
	kf_kernel__free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_names),
		cmocka_unit_test(test_find_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
