// SPDX-License-Identifier: MIT
/* Diagnostics: collect, sort (errors first), print with the source line. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "knames.h"
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
	errno = 0;
	/* One byte past the limit is enough for the parser to report it. */
	while (buf.len <= KF_MAX_SOURCE && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf.len + n > KF_MAX_SOURCE + 1)
			n = KF_MAX_SOURCE + 1 - buf.len;
		if (kf_buf_add(&buf, chunk, n))
			goto close_file;
	}
	if (ferror(f)) {
		/* what read(2) said (EISDIR for a directory), not a generic EIO */
		if (!errno)
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

void kf_lines__init(struct kf_lines *l, const char *text, size_t len)
{
	l->n = 1;
	for (size_t i = 0; i < len; i++)
		l->n += text[i] == '\n';
	l->start = kf_calloc(l->n, sizeof(*l->start));
	l->n = 0;
	l->start[l->n++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			l->start[l->n++] = i + 1;
}

void kf_lines__pos(const struct kf_lines *l, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = l->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - l->start[lo]) + 1;
}

struct kf_loc kf_lines__loc(const struct kf_lines *l, size_t lo, size_t hi)
{
	struct kf_loc loc;

	kf_lines__pos(l, lo, &loc.first_line, &loc.first_column);
	kf_lines__pos(l, hi > lo ? hi - 1 : lo, &loc.last_line, &loc.last_column);
	return loc;
}

void kf_lines__fini(struct kf_lines *l)
{
	free(l->start);
	memset(l, 0, sizeof(*l));
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
		free(d->v[i].fix);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

struct kf_loc kf_diags__origin(const struct kf_diags *d, struct kf_loc loc)
{
	return d->map && loc.first_line ? d->map(d->map_ctx, loc) : loc;
}

/*
 * A second error at exactly the range of an earlier one is its consequence
 * (a bad number the lexer reported, then sema's word on the value it stands
 * for; one parameter checked by two stages): it counts, and is not shown.
 */
static bool is_consequence(const struct kf_diags *d, struct kf_loc loc)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct kf_loc *l = &d->v[i].loc;

		if (d->v[i].severity == KF_ERROR && l->first_line == loc.first_line &&
		    l->first_column == loc.first_column && l->last_line == loc.last_line &&
		    l->last_column == loc.last_column)
			return true;
	}
	return false;
}

static void vdiag(struct kf_diags *d, enum kf_severity sev, struct kf_loc loc,
		  const char *fmt, va_list ap)
{
	struct kf_diag *g;

	if (sev == KF_ERROR && loc.first_line && is_consequence(d, kf_diags__origin(d, loc))) {
		d->errors++;
		d->dropped_last = true;	/* and its hint */
		return;
	}
	if (sev == KF_ERROR)
		d->errors++;
	else if (sev == KF_WARNING)
		d->warnings++;
	d->dropped_last = (sev == KF_ERROR ? d->errors : d->warnings) > KF_MAX_DIAGS;
	if (d->dropped_last) {
		d->dropped++;
		return;
	}
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
	g->loc = kf_diags__origin(d, loc);
	g->order = (int)d->n;
	g->message = kf_vstrfmt(fmt, ap);
	d->n++;
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

	if (!d->n || d->dropped_last)
		return;
	g = &d->v[d->n - 1];
	free(g->hint);
	va_start(ap, fmt);
	g->hint = kf_vstrfmt(fmt, ap);
	va_end(ap);
}

void kf_diag_fixit(struct kf_diags *d, struct kf_loc loc, const char *replacement)
{
	struct kf_diag *g;

	if (!d->n || d->dropped_last || !loc.first_line)
		return;
	g = &d->v[d->n - 1];
	free(g->fix);
	g->fix = kf_strdup(replacement);
	g->fix_loc = kf_diags__origin(d, loc);
}

void kf_diag_suggest(struct kf_diags *d, struct kf_loc loc, const char *near)
{
	kf_diag_hint(d, "did you mean '%s'?", near);
	kf_diag_fixit(d, loc, near);
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

/*
 * Length of the UTF-8 sequence at s[0..n) if it is a valid one of a
 * printable character (not a C1 control, U+0080..U+009F), else 0.
 */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < 0xa0 || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

void kf_diag_put_message(struct kf_buf *b, const char *m)
{
	const unsigned char *s = (const unsigned char *)m;
	size_t n = strlen(m);

	for (size_t i = 0; i < n; i++) {
		size_t u;

		if (s[i] >= 0x20 && s[i] < 0x7f) {
			kf_buf_putc(b, (char)s[i]);
		} else if (s[i] == '\n') {
			kf_buf_puts(b, "\\n");
		} else if (s[i] == '\t') {
			kf_buf_puts(b, "\\t");
		} else if (s[i] >= 0x80 && (u = utf8_char(s + i, n - i))) {
			kf_buf_add(b, s + i, u);
			i += u - 1;
		} else {
			kf_buf_printf(b, "\\x%02x", s[i]);
		}
	}
}

/* Excerpts of long lines show this many bytes, from a little before the range. */
#define KF_EXCERPT_WIDTH	120
#define KF_EXCERPT_BEFORE	40

/*
 * The source line, then a caret under the first column and tildes to the
 * last. White space and control bytes print as one space, a UTF-8 character
 * as itself, any other byte as '?', so the caret lines up under the text.
 */
static void put_excerpt(struct kf_buf *b, const struct kf_source *src, const struct kf_loc *loc)
{
	const unsigned char *line;
	size_t len, first, last, from, to, col = 0, caret = 0, tilde = 0;
	char num[16];
	int w;

	line = (const unsigned char *)source_line(src, loc->first_line, &len);
	if (!line)
		return;
	first = loc->first_column > 0 ? (size_t)loc->first_column - 1 : 0;
	if (first > len)
		first = len;
	last = first;
	if (loc->last_line == loc->first_line && loc->last_column > loc->first_column)
		last = (size_t)loc->last_column - 1;
	else if (loc->last_line > loc->first_line && len > first)
		last = len - 1;	/* a range over lines: underline to the end of this one */
	if (last >= len)
		last = len ? len - 1 : 0;
	if (last < first)
		last = first;

	/* The window of the line to show. */
	from = 0;
	to = len;
	if (len > KF_EXCERPT_WIDTH) {
		from = first > KF_EXCERPT_BEFORE ? first - KF_EXCERPT_BEFORE : 0;
		to = from + KF_EXCERPT_WIDTH < len ? from + KF_EXCERPT_WIDTH : len;
		if (to - from < KF_EXCERPT_WIDTH)
			from = to - KF_EXCERPT_WIDTH;
	}

	w = snprintf(num, sizeof(num), "%d", loc->first_line);
	kf_buf_printf(b, " %s | ", num);
	if (from) {
		kf_buf_puts(b, "...");
		col += 3;
	}
	for (size_t i = from; i < to; i++) {
		size_t u = 0;

		if (i == first)
			caret = col;
		if (i == last)
			tilde = col;
		if (line[i] >= 0x20 && line[i] < 0x7f)
			kf_buf_putc(b, (char)line[i]);
		else if (line[i] < 0x20 || line[i] == 0x7f)
			kf_buf_putc(b, ' ');
		else if ((u = utf8_char(line + i, to - i)))
			kf_buf_add(b, line + i, u);
		else
			kf_buf_putc(b, '?');
		if (u > 1) {
			/* the rest of the character: same column */
			for (size_t k = 1; k < u; k++) {
				if (i + k == first)
					caret = col;
				if (i + k == last)
					tilde = col;
			}
			i += u - 1;
		}
		col++;
	}
	if (first >= to)
		caret = col;
	if (last >= to)
		tilde = col ? col - 1 : 0;
	if (to < len)
		kf_buf_puts(b, "...");
	kf_buf_putc(b, '\n');

	kf_buf_printf(b, " %*s | ", w, "");
	for (size_t i = 0; i < caret; i++)
		kf_buf_putc(b, ' ');
	kf_buf_putc(b, '^');
	for (size_t i = caret + 1; i <= tilde; i++)
		kf_buf_putc(b, '~');
	kf_buf_putc(b, '\n');
}

void kf_diags__sort(struct kf_diags *d)
{
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

void kf_diags__print(struct kf_diags *d, FILE *out)
{
	struct kf_buf b = {0};

	kf_diags__sort(d);
	for (size_t i = 0; i < d->n; i++) {
		const struct kf_diag *g = &d->v[i];

		if (g->loc.first_line)
			kf_buf_printf(&b, "%s:%d:%d: %s: ", d->src->path, g->loc.first_line,
				      g->loc.first_column, severity_name(g->severity));
		else
			kf_buf_printf(&b, "%s: %s: ", d->src->path, severity_name(g->severity));
		kf_diag_put_message(&b, g->message);
		kf_buf_putc(&b, '\n');
		if (g->loc.first_line)
			put_excerpt(&b, d->src, &g->loc);
		if (g->hint) {
			kf_buf_puts(&b, "   = hint: ");
			kf_diag_put_message(&b, g->hint);
			kf_buf_putc(&b, '\n');
		}
		/* one write per diagnostic: stderr is unbuffered */
		fwrite(b.s, 1, b.len, out);
		b.len = 0;
	}
	if (d->dropped)
		fprintf(out, "%s: note: " KF_DROPPED_FMT "\n", d->src->path, d->dropped, KF_MAX_DIAGS,
			KF_MAX_DIAGS);
	kf_buf_free(&b);
}

const char *kf_closest(const char *word, const char *const *names, size_t n)
{
	return kf_closest_name(word, names, n);
}
