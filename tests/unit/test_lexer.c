// SPDX-License-Identifier: MIT
/* Lexer: tokens, literals, locations, lexical errors. */
#include "helpers.h"
#include "parser.h"
#include "lexer.h"

struct tok {
	int kind;
	YYSTYPE val;
	YYLTYPE loc;
};

/* Tokenise text into toks[]; returns the count. */
static int lex_all(const char *text, struct tok *toks, int max, struct kf_diags *d,
		   struct kf_source **srcp)
{
	struct kf_source *src = kf_source__from_string("t.fault", text, strlen(text));
	struct kf_parser p = { .diags = d, .line = 1, .col = 1 };
	int n = 0;

	kf_diags__init(d, src);
	assert_int_equal(yylex_init_extra(&p, &p.scanner), 0);
	yy_scan_bytes(src->text, (int)src->len, p.scanner);
	while (n < max) {
		toks[n].kind = yylex(&toks[n].val, &toks[n].loc, p.scanner);
		if (!toks[n].kind)
			break;
		n++;
	}
	yylex_destroy(p.scanner);
	*srcp = src;
	return n;
}

static void test_keywords_and_idents(void **state)
{
	struct tok t[16];
	struct kf_diags d;
	struct kf_source *src;
	int n = lex_all("inject slab { call foo_bar gfp_t }", t, 16, &d, &src);

	(void)state;
	assert_int_equal(n, 7);
	assert_int_equal(t[0].kind, INJECT);
	assert_int_equal(t[1].kind, IDENT);
	assert_string_equal(t[1].val.text, "slab");
	assert_int_equal(t[2].kind, '{');
	assert_int_equal(t[3].kind, CALL);
	assert_int_equal(t[4].kind, IDENT);
	assert_string_equal(t[4].val.text, "foo_bar");
	assert_int_equal(t[5].kind, TYPENAME);
	assert_int_equal(t[6].kind, '}');
	assert_int_equal(d.errors, 0);
	free(t[1].val.text);
	free(t[4].val.text);
	free(t[5].val.text);
	kf_diags__free(&d);
	kf_source__free(src);
}

static void test_numbers(void **state)
{
	struct tok t[16];
	struct kf_diags d;
	struct kf_source *src;
	int n = lex_all("10 0x1F 0.5 30s 1h30m 500ms 10UL", t, 16, &d, &src);

	(void)state;
	assert_int_equal(n, 7);
	assert_int_equal(t[0].kind, INTEGER);
	assert_int_equal(t[0].val.lit.ival, 10);
	assert_int_equal(t[1].kind, INTEGER);
	assert_int_equal(t[1].val.lit.ival, 31);
	assert_int_equal(t[2].kind, FLOAT);
	assert_string_equal(t[2].val.lit.text, "0.5");
	assert_int_equal(t[3].kind, DURATION_LIT);
	assert_int_equal(t[4].kind, DURATION_LIT);
	assert_string_equal(t[4].val.lit.text, "1h30m");
	assert_int_equal(t[5].kind, DURATION_LIT);
	assert_int_equal(t[6].kind, INTEGER);
	assert_int_equal(t[6].val.lit.ival, 10);
	assert_int_equal(d.errors, 0);
	for (int i = 0; i < n; i++)
		free(t[i].val.lit.text);
	kf_diags__free(&d);
	kf_source__free(src);
}

static void test_string_escapes(void **state)
{
	struct tok t[4];
	struct kf_diags d;
	struct kf_source *src;
	int n = lex_all("\"a\\tb\\x41\\101\\\"\\0z\"", t, 4, &d, &src);

	(void)state;
	assert_int_equal(n, 1);
	assert_int_equal(t[0].kind, STRING);
	assert_int_equal(t[0].val.str.len, 8);
	assert_memory_equal(t[0].val.str.s, "a\tbAA\"\0z", 8);
	assert_int_equal(d.errors, 0);
	free(t[0].val.str.s);
	kf_diags__free(&d);
	kf_source__free(src);
}

static void test_locations(void **state)
{
	struct tok t[8];
	struct kf_diags d;
	struct kf_source *src;
	int n = lex_all("# comment\n  /* block\n */ inject\n\tcall ->", t, 8, &d, &src);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(t[0].loc.first_line, 3);
	assert_int_equal(t[0].loc.first_column, 5);
	assert_int_equal(t[0].loc.last_column, 10);
	assert_int_equal(t[1].loc.first_line, 4);
	assert_int_equal(t[1].loc.first_column, 2);
	assert_int_equal(t[2].kind, ARROW);
	assert_int_equal(t[2].loc.first_column, 7);
	assert_int_equal(t[2].loc.last_column, 8);
	kf_diags__free(&d);
	kf_source__free(src);
}

static void test_lexical_errors(void **state)
{
	struct tok t[8];
	struct kf_diags d;
	struct kf_source *src;

	int n;

	(void)state;
	n = lex_all("\"open\n@ 'ab' \"\\q\" 99999999999999999999999 /* open", t, 8, &d, &src);
	assert_int_equal(n, 4);
	assert_int_equal(d.errors, 6);
	assert_string_equal(d.v[0].message, "unterminated string");
	assert_string_equal(d.v[1].message, "unexpected character '@'");
	assert_non_null(strstr(d.v[2].message, "character literal holds 2"));
	assert_string_equal(d.v[3].message, "unknown escape sequence '\\q'");
	assert_non_null(strstr(d.v[4].message, "too large"));
	assert_string_equal(d.v[5].message, "unterminated comment");
	assert_int_equal(d.v[1].loc.first_line, 2);
	assert_int_equal(d.v[1].loc.first_column, 1);
	for (int i = 0; i < n; i++)
		if (t[i].kind == STRING)
			free(t[i].val.str.s);
		else if (t[i].kind == CHARLIT || t[i].kind == INTEGER)
			free(t[i].val.lit.text);
	kf_diags__free(&d);
	kf_source__free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords_and_idents),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_lexical_errors),
	};
	return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
