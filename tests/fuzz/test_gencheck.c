// SPDX-License-Identifier: MIT
/*
 * kf_gencheck itself: it passes what codegen writes, and catches each way
 * generated C could be broken out of, planted by hand into a real program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frontend.h"
#include "gencheck.h"
#include "util.h"

static const char source[] =
	"inject slab {\n"
	"    headers \"linux/dcache.h\"\n"
	"    call __x64_sys_mount\n"
	"    call d_alloc_parallel(struct dentry *parent, const struct qstr *name)\n"
	"        when STRNCMP(name->name, \"bananas\", 8)\n"
	"    target comm \"mount-loop\"\n"
	"}\n";

static struct kf_unit unit;

static int setup(void **state)
{
	struct kf_source *src = kf_source__from_string("t.fault", source, sizeof(source) - 1);

	(void)state;
	if (!src || kf_unit__compile(&unit, src))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kf_unit__fini(&unit);
	return 0;
}

/* The program with the first `find` replaced by `with`; NULL if not found. */
static char *tampered(const char *find, const char *with)
{
	const char *at = strstr(unit.prog.text, find);

	if (!at)
		return NULL;
	return kf_strfmt("%.*s%s%s", (int)(at - unit.prog.text), unit.prog.text, with, at + strlen(find));
}

static void test_clean(void **state)
{
	char msg[256];

	(void)state;
	if (kf_gencheck(unit.file, unit.prog.text, unit.prog.len, msg, sizeof(msg)))
		fail_msg("a real program fails the check: %s", msg);
}

static void test_tampered(void **state)
{
	static const struct {
		const char *find, *with, *why;
	} cases[] = {
		{ "\"bananas\", 8);", "\"bananas\" /* */, 8);", "" },	/* harmless: control */
		{ "\"bananas\", 8);", "\"bana\"nas\", 8);", "the word 'nas'" },
		{ "\"bananas\", 8);", "\"bananas, 8);", "literal runs to the end" },
		{ "\"bananas\", 8);", "\"bananas\\\n\", 8);", "line splice" },
		{ "\"bananas\", 8);", "\"bananas?\?/\", 8);", "trigraph" },
		{ "\"bananas\", 8);", "\"ban\001anas\", 8);", "byte 0x01" },
		{ "\"bananas\", 8);", "\"bananas\x1b[0m\", 8);", "byte 0x1b" },
		{ "\"mount-loop\"", "\"mount-loop\xc3\xa9\"", "byte 0xc3" },
		{ "when STRNCMP", "when */ int x; /* STRNCMP", "the word 'x' in code" },
		{ "when STRNCMP", "when */ int main(void) { system(0); } /* STRNCMP", "the word 'main' in code" },
		{ "when STRNCMP", "when /* STRNCMP", "'/*' inside a comment" },
		{ "#include \"kfault.bpf.h\"", "#include \"kfault.bpf.h\"\n#include <evil.h>", "unexpected directive" },
		{ "#include <linux/dcache.h>", "#include <linux/../dcache.h>", "unexpected directive" },
		{ "#define KF_NR_INJECTIONS 1", "#define KF_NR_INJECTIONS 1 + evil", "bad directive" },
		{ "kf_frame_push(0, 1,", "kf_frame_push(0, 1 #pragma x,", "'#' in the middle" },
		{ "return 0;\n}", "return 0;\n}\nSEC(\"kprobe/evil\") int evil(void) { return 0; }",
		  "names no function of the file" },
		{ "SEC(\"kretprobe/d_alloc_parallel\")", "SEC(\"kprobe/d_alloc_parallel\")", "kprobe sections" },
		{ "return 0;\n}", "return 0;\n}}", "unbalanced" },
		{ "return 0;\n}", "return 0;\n", "never closed" },
		{ "return 0;", "asm(\"\"); return 0;", "the word 'asm'" },
		{ "return 0;", "_Pragma(\"x\") return 0;", "_Pragma" },
		{ "return 0;", "__attribute__((x)) return 0;", "__attribute__" },
		{ "/* Knobs", "/* Knobs ?\?/\n", "?\?/ ends the line" },
		{ "/* Knobs", "/* Knobs", "" },
	};
	char msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = tampered(cases[i].find, cases[i].with);
		int r;

		if (!text)
			fail_msg("'%s' is not in the generated program any more", cases[i].find);
		r = kf_gencheck(unit.file, text, strlen(text), msg, sizeof(msg));
		if (!*cases[i].why && r)
			fail_msg("case %zu: a harmless change fails: %s", i, msg);
		if (*cases[i].why && (!r || !strstr(msg, cases[i].why)))
			fail_msg("case %zu: '%s' not caught (%s); expected '%s'", i, cases[i].with,
				 r ? msg : "passed", cases[i].why);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_tampered),
	};
	return cmocka_run_group_tests_name("gencheck", tests, setup, teardown);
}
