// SPDX-License-Identifier: MIT
/* Translations to native text with a location map back to the original. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xlate.h"

void kf_xlate__init(struct kf_xlate *x, const struct kf_source *from)
{
	memset(x, 0, sizeof(*x));
	x->from = from;
	x->line = 1;
	x->col = 1;
	kf_buf_add(&x->text, "", 0);
}

void kf_xlate__fini(struct kf_xlate *x)
{
	kf_buf_free(&x->text);
	free(x->spans);
	memset(x, 0, sizeof(*x));
}

static void add_span(struct kf_xlate *x, int first_col, int last_col, struct kf_loc from,
		     bool verbatim)
{
	if (x->nspans == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 32;
		x->spans = kf_realloc_array(x->spans, x->cap, sizeof(*x->spans));
	}
	x->spans[x->nspans++] = (struct kf_xspan){
		.line = x->line, .first_col = first_col, .last_col = last_col,
		.from = from, .verbatim = verbatim,
	};
}

/* Append text; each native line of it becomes a span of its own. */
static void append(struct kf_xlate *x, struct kf_loc from, const char *text, size_t len,
		   bool verbatim)
{
	size_t start = 0;

	if (kf_buf_add(&x->text, text, len))
		kf_oom();
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i > start)
			add_span(x, x->col, x->col + (int)(i - start) - 1, from, verbatim);
		x->col += (int)(i - start);
		if (i == len)
			break;
		/* the newline itself belongs to the piece too */
		add_span(x, x->col, x->col, from, verbatim);
		x->line++;
		x->col = 1;
		if (verbatim) {
			from.first_line++;
			from.first_column = 1;
		}
		start = i + 1;
	}
}

void kf_xlate__emit(struct kf_xlate *x, struct kf_loc from, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kf_vstrfmt(fmt, ap);
	va_end(ap);
	append(x, from, s, strlen(s), false);
	free(s);
}

void kf_xlate__copy(struct kf_xlate *x, struct kf_loc from, const char *text, size_t len)
{
	append(x, from, text, len, true);
}

struct kf_source *kf_xlate__source(const struct kf_xlate *x)
{
	return kf_source__from_string(x->from->path, x->text.s, x->text.len);
}

/* The last span that starts at or before native (line, col), or NULL. */
static const struct kf_xspan *find(const struct kf_xlate *x, int line, int col)
{
	size_t lo = 0, hi = x->nspans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kf_xspan *s = &x->spans[mid];

		if (s->line < line || (s->line == line && s->first_col <= col))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &x->spans[lo - 1] : NULL;
}

/* Map one native position; end: it is the last column of a range. */
static void map_point(const struct kf_xlate *x, int line, int col, bool end, int *oline,
		      int *ocol)
{
	const struct kf_xspan *s = find(x, line, col);

	if (!s) {
		*oline = 1;
		*ocol = 1;
		return;
	}
	if (s->verbatim) {
		/* past the span (end of line, end of input): its last column */
		int c = s->line == line && col <= s->last_col ? col : s->last_col;

		*oline = s->from.first_line;
		*ocol = s->from.first_column + (c - s->first_col);
		return;
	}
	*oline = end ? s->from.last_line : s->from.first_line;
	*ocol = end ? s->from.last_column : s->from.first_column;
}

struct kf_loc kf_xlate__map(const void *ctx, struct kf_loc l)
{
	const struct kf_xlate *x = ctx;
	struct kf_loc o;

	map_point(x, l.first_line, l.first_column, false, &o.first_line, &o.first_column);
	map_point(x, l.last_line, l.last_column, true, &o.last_line, &o.last_column);
	if (o.last_line < o.first_line ||
	    (o.last_line == o.first_line && o.last_column < o.first_column)) {
		o.last_line = o.first_line;
		o.last_column = o.first_column;
	}
	return o;
}
