// SPDX-License-Identifier: MIT
/* Runs the flex scanner and the bison parser over one source. */
#include <errno.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"
#include "util.h"

int yyparse(struct kf_parser *p);

struct kf_file *kf_parse(const struct kf_source *src, struct kf_diags *diags)
{
	struct kf_parser p = { .diags = diags, .line = 1, .col = 1 };
	YY_BUFFER_STATE buf;

	p.file = kf_calloc(1, sizeof(*p.file));
	p.file->src = src;
	if (yylex_init_extra(&p, &p.scanner))
		goto free_file;
	buf = yy_scan_bytes(src->text, (int)src->len, p.scanner);
	if (!buf)
		goto destroy_scanner;
	if (yyparse(&p) == 2) {	/* memory exhausted: reported, tree incomplete */
		kf_error(diags, (struct kf_loc){ p.line, p.col, p.line, p.col },
			 "input is nested too deeply");
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
