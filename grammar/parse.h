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
	size_t off;		/* ... as a byte offset in the text */
	const char *tok;	/* the last token's text, tok_len bytes (in the lexer's buffer) */
	size_t tok_len;
	/* parser.y's next_token(): blocks, and a token held back */
	int prev;		/* the last token passed to the parser */
	bool open_block;	/* between a '{' and its '}' */
	struct kf_loc brace;	/* that '{' */
	int head_line;		/* the line of the last 'inject' or 'call' not followed by 'when' */
	int pending;		/* a token to pass next (one without a value), 0 if none */
	bool synthetic_brace;	/* the token passed last is the '}' of a block left open */
	struct kf_loc pending_loc;
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
