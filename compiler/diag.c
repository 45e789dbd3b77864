// SPDX-License-Identifier: MIT
/* Diagnostics: collect, sort (errors first), print with the source line. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

struct kf_source *kf_source__from_string(const char *path, const char *text, size_t len)
{
	struct kf_source *src;

	src = calloc(1, sizeof(*src));
	if (!src)
		return NULL;
	src->path = strdup(path);
	src->text = malloc(len + 1);
	if (!src->path || !src->text) {
		kf_source__free(src);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(src->text, text, len);
	src->text[len] = '\0';
	src->len = len;
	return src;
}

struct kf_source *kf_source__read(const char *path)
{
	struct kf_source *src = NULL;
	struct kf_buf buf = {0};
	char chunk[65536];
	size_t n;
	FILE *f;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (kf_buf_add(&buf, chunk, n))
			goto close_file;
	}
	if (ferror(f)) {
		errno = EIO;
		goto close_file;
	}
	src = kf_source__from_string(strcmp(path, "-") == 0 ? "<stdin>" : path,
				     buf.s ? buf.s : "", buf.len);
close_file:
	if (f != stdin)
		fclose(f);
	free(buf.s);
	return src;
}

void kf_source__free(struct kf_source *src)
{
	if (!src)
		return;
	free(src->path);
	free(src->text);
	free(src);
}

void kf_diags__init(struct kf_diags *d, const struct kf_source *src)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
}

void kf_diags__free(struct kf_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].message);
		free(d->v[i].hint);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static void vdiag(struct kf_diags *d, enum kf_severity sev, struct kf_loc loc,
		  const char *fmt, va_list ap)
{
	struct kf_diag *g;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct kf_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			kf_oom();
		d->v = v;
		d->cap = cap;
	}
	g = &d->v[d->n];
	memset(g, 0, sizeof(*g));
	g->severity = sev;
	g->loc = loc;
	g->order = (int)d->n;
	g->message = kf_vstrfmt(fmt, ap);
	d->n++;
	if (sev == KF_ERROR)
		d->errors++;
	else if (sev == KF_WARNING)
		d->warnings++;
}

void kf_diag(struct kf_diags *d, enum kf_severity sev, struct kf_loc loc,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(d, sev, loc, fmt, ap);
	va_end(ap);
}

void kf_error(struct kf_diags *d, struct kf_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(d, KF_ERROR, loc, fmt, ap);
	va_end(ap);
}

void kf_warning(struct kf_diags *d, struct kf_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(d, KF_WARNING, loc, fmt, ap);
	va_end(ap);
}

void kf_diag_hint(struct kf_diags *d, const char *fmt, ...)
{
	struct kf_diag *g;
	va_list ap;

	if (!d->n)
		return;
	g = &d->v[d->n - 1];
	free(g->hint);
	va_start(ap, fmt);
	g->hint = kf_vstrfmt(fmt, ap);
	va_end(ap);
}

static int diag_cmp(const void *a, const void *b)
{
	const struct kf_diag *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->loc.first_line != y->loc.first_line)
		return x->loc.first_line < y->loc.first_line ? -1 : 1;
	if (x->loc.first_column != y->loc.first_column)
		return x->loc.first_column < y->loc.first_column ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Start and length of 1-based line `line` in the source, or NULL. */
static const char *source_line(const struct kf_source *src, int line, size_t *len)
{
	const char *p = src->text, *end = src->text + src->len;

	if (line < 1)
		return NULL;
	for (int l = 1; l < line; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	*len = 0;
	while (p + *len < end && p[*len] != '\n')
		(*len)++;
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

static const char *severity_name(enum kf_severity s)
{
	switch (s) {
	case KF_ERROR: return "error";
	case KF_WARNING: return "warning";
	default: return "note";
	}
}

/* The source line, then a caret under the first column and tildes to the last. */
static void print_excerpt(FILE *out, const struct kf_source *src, const struct kf_loc *loc)
{
	const char *line;
	size_t len, first, last;
	char num[16];
	int w;

	line = source_line(src, loc->first_line, &len);
	if (!line)
		return;
	w = snprintf(num, sizeof(num), "%d", loc->first_line);
	fprintf(out, " %s | ", num);
	for (size_t i = 0; i < len; i++)
		fputc(line[i] == '\0' || line[i] == '\t' ? ' ' : line[i], out);
	fputc('\n', out);

	first = loc->first_column > 0 ? (size_t)loc->first_column - 1 : 0;
	if (first > len)
		first = len;
	last = first;
	if (loc->last_line == loc->first_line && loc->last_column > loc->first_column)
		last = (size_t)loc->last_column - 1;
	else if (loc->last_line > loc->first_line && len > first)
		last = len - 1;	/* a range over lines: underline to the end of this one */
	if (last > len)
		last = len;
	fprintf(out, " %*s | ", w, "");
	for (size_t i = 0; i < first; i++)
		fputc(' ', out);
	fputc('^', out);
	for (size_t i = first + 1; i <= last && i < len; i++)
		fputc('~', out);
	fputc('\n', out);
}

void kf_diags__print(struct kf_diags *d, FILE *out)
{
	qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
	for (size_t i = 0; i < d->n; i++) {
		const struct kf_diag *g = &d->v[i];

		fprintf(out, "%s:%d:%d: %s: %s\n", d->src->path, g->loc.first_line,
			g->loc.first_column, severity_name(g->severity), g->message);
		print_excerpt(out, d->src, &g->loc);
		if (g->hint)
			fprintf(out, "   = hint: %s\n", g->hint);
	}
}

/* Levenshtein distance, capped: names are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

const char *kf_closest(const char *word, const char *const *names, size_t n)
{
	size_t best = (size_t)-1, limit = strlen(word) / 3 + 1;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(word, names[i]);

		if (dist < best && dist <= limit && dist > 0) {
			best = dist;
			found = names[i];
		}
	}
	return found;
}
