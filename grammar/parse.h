/* SPDX-License-Identifier: MIT */
/*
 * The front end's entry point and the state the lexer and parser share.
 */
#ifndef KFAULT_PARSE_H
#define KFAULT_PARSE_H

#include <stdint.h>

#include "ast.h"
#include "diag.h"

/* A number or character literal: its spelling and, for integers, value. */
struct kf_lit {
	char *text;
	uint64_t ival;
};

/* A decoded string literal (may hold NUL bytes). */
struct kf_str {
	char *s;
	size_t len;
};

struct kf_parser {
	void *scanner;
	struct kf_diags *diags;
	struct kf_file *file;
	int line, col;		/* the lexer's cursor */
};

/*
 * Parse a whole file. Syntax errors are recorded in diags and the parser
 * recovers to report more; the tree it returns holds what did parse.
 * A source longer than KF_MAX_SOURCE is reported and not parsed; one nested
 * deeper than the parser's stack (YYMAXDEPTH) is reported as such.
 * Returns NULL and sets errno only when memory runs out.
 */
struct kf_file *kf_parse(const struct kf_source *src, struct kf_diags *diags);

#endif
