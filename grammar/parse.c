// SPDX-License-Identifier: MIT
/* Runs the flex scanner and the bison parser over one source. */
#include <errno.h>
#include <string.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"
#include "sema.h"
#include "util.h"

int yyparse(struct kf_parser *p);

/*
 * Whether text is plainly not kfault source (a password file, a binary
 * given by mistake): first lines (comments aside) with no word that is,
 * or is close to, 'inject'; said as binary data if its first 4 KiB hold
 * control bytes. Such a file gets one error that shows none of it, not
 * one per line.
 */
static const char *not_source(const char *text, size_t len)
{
	static const char *const inject[] = { "inject" };
	const char *p = text, *end = text + (len < 4096 ? len : 4096);
	bool significant = false, binary = false;

	for (const char *c = text; c < end; c++) {
		unsigned char b = (unsigned char)*c;

		binary |= (b < 0x20 && !strchr("\t\n\v\f\r", b)) || b == 0x7f;
	}
	for (int line = 0; line < 20 && p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < eol && *p != '#' && *p != '/' && *p != '*') {
			significant = true;
			for (const char *w = p; w < eol; w++) {
				char word[16];
				size_t n = 0;

				while (w + n < eol && n < sizeof(word) - 1 &&
				       (w[n] == '_' || (w[n] >= 'a' && w[n] <= 'z') ||
					(w[n] >= 'A' && w[n] <= 'Z')))
					n++;
				memcpy(word, w, n);
				word[n] = '\0';
				if (n && (!strcmp(word, inject[0]) || kf_closest(word, inject, 1)))
					return NULL;
				w += n;
			}
		}
		p = eol + 1;
	}
	if (binary)
		return "it holds binary data";
	return significant ? "its first lines name no injection" : NULL;
}

struct kf_file *kf_parse(const struct kf_source *src, struct kf_diags *diags)
{
	struct kf_parser p = { .diags = diags, .line = 1, .col = 1 };
	const char *text = src->text, *nul, *why;
	size_t len = src->len;
	YY_BUFFER_STATE buf;

	p.file = kf_calloc(1, sizeof(*p.file));
	p.file->src = src;
	if (src->len > KF_MAX_SOURCE) {
		kf_error(diags, KF_NOLOC,
			 "the file is larger than %d bytes (1 MiB), the limit", KF_MAX_SOURCE);
		return p.file;
	}
	/* an object file given where source is wanted: said in words, no bytes shown */
	if (src->len >= 4 && memcmp(src->text, "\x7f" "ELF", 4) == 0) {
		kf_error(diags, KF_NOLOC, "this is an ELF file (an object or a program), not kfault source (a .fault file)");
		kf_diag_hint(diags, "for an object kfault built, 'kfault explain %s' says what it injects",
			     src->path ? src->path : "FILE");
		return p.file;
	}
	/*
	 * A NUL byte has no place in a .fault file (strings write it "\0"), and
	 * flex rescans the token so far at each one: many of them in one token
	 * would take quadratic time. Report the first and stop.
	 */
	nul = memchr(src->text, '\0', src->len);
	if (nul) {
		struct kf_loc l = { 1, 1, 1, 1 };

		for (const char *c = src->text; c < nul; c++) {
			if (*c == '\n') {
				l.first_line++;
				l.first_column = 1;
			} else {
				l.first_column++;
			}
		}
		l.last_line = l.first_line;
		l.last_column = l.first_column;
		kf_error(diags, l, "the file holds a NUL byte; a .fault file is text");
		kf_diag_hint(diags, "write a NUL in a string as \"\\0\"");
		return p.file;
	}
	/* a UTF-8 byte order mark, as some editors write: skipped (its bytes
	 * still count in line 1's columns, as in the excerpts that show them)
	 */
	if (src->len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
		p.col += 3;
		p.off += 3;
	}
	why = not_source(text, len);
	if (why) {
		kf_error(diags, KF_NOLOC, "this is not kfault source (a .fault file): %s", why);
		kf_diag_hint(diags, "kfault source describes injections: 'inject slab { ... }' "
			     "(docs/language.md)");
		return p.file;
	}
	if (yylex_init_extra(&p, &p.scanner))
		goto free_file;
	buf = yy_scan_bytes(text, (int)len, p.scanner);
	if (!buf)
		goto destroy_scanner;
	if (yyparse(&p) == 2) {	/* the parser's stack is full; the tree is incomplete */
		kf_error(diags, (struct kf_loc){ p.line, p.col, p.line, p.col },
			 "input is nested too deeply");
		kf_diag_hint(diags, "a predicate holds at most %d operators and operands",
			     KF_MAX_PRED_NODES);
	}
	yy_delete_buffer(buf, p.scanner);
	yylex_destroy(p.scanner);
	return p.file;

destroy_scanner:
	yylex_destroy(p.scanner);
free_file:
	kf_file_free(p.file);
	errno = ENOMEM;
	return NULL;
}
