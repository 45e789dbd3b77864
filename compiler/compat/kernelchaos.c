// SPDX-License-Identifier: MIT
/*
 * KernelChaos YAML to native kfault text (kernelchaos.h, docs/compat.md).
 *
 * libyaml's document API loads one document at a time, every node with the
 * marks (character index, line, column) of its first and last character.
 * Marks count characters; diagnostics count bytes, so marks go through a
 * table from character index to byte offset (only built for non-ASCII
 * input) and then through the table of line starts.
 *
 * The user's own text (function names, parameter lists, predicates,
 * durations) is copied verbatim into the native text where it appears in
 * the YAML byte for byte, so errors inside it point at its exact column;
 * a quoted scalar with escapes or a folded one is written as its value and
 * errors point at the whole scalar. Text copied into the native source is
 * checked first so that it cannot end the place it is copied into (a
 * predicate cannot close the injection and start another).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cron.h"
#include "kernelchaos.h"
#include "sites.h"
#include "sema.h"	/* KF_MAX_FRAMES, KF_MAX_INJECTIONS */

#define KC_API_VERSION	"chaos-mesh.org/v1alpha1"
/* Sequences and mappings in one another: a resource nests a few levels. */
#define KC_MAX_DEPTH	64

struct kc {
	const struct kf_source *src;
	struct kf_diags *d;
	struct kf_xlate *x;
	yaml_document_t *doc;
	size_t bom;		/* 3 when the text starts with a UTF-8 byte order mark */
	uint32_t *char_at;	/* byte offset of each character; NULL: ASCII input */
	size_t nchars;
	struct kf_lines lines;
	int resources;		/* KernelChaos resources seen */
};

/* ---- detection ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

bool kf_kernelchaos__detect(const struct kf_source *src)
{
	static const char *const starts[] = {
		"---", "%YAML", "apiVersion:", "kind:", "metadata:", "spec:",
	};
	const char *p = src->text, *end = src->text + src->len;

	if (src->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (ends_with(src->path, ".yaml") || ends_with(src->path, ".yml"))
		return true;
	if (ends_with(src->path, ".fault"))
		return false;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;

		if (!eol)
			eol = end;
		while (s < eol && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s < eol && *s != '#') {
			for (size_t i = 0; i < KF_ARRAY_SIZE(starts); i++) {
				size_t n = strlen(starts[i]);

				if ((size_t)(eol - s) >= n && memcmp(s, starts[i], n) == 0)
					return true;
			}
			return false;
		}
		p = eol + 1;
	}
	return false;
}

/* ---- locations ---- */

static int build_tables(struct kc *k)
{
	const unsigned char *t = (const unsigned char *)k->src->text;
	size_t len = k->src->len;
	bool ascii = true;

	for (size_t i = 0; i < len; i++)
		ascii &= t[i] < 0x80;
	kf_lines__init(&k->lines, k->src->text, len);
	if (ascii)
		return 0;
	k->char_at = kf_calloc(len + 1, sizeof(*k->char_at));
	for (size_t i = k->bom; i < len; i++)
		if ((t[i] & 0xc0) != 0x80)
			k->char_at[k->nchars++] = (uint32_t)i;
	k->char_at[k->nchars] = (uint32_t)len;
	return 0;
}

/*
 * The byte offset of character index (a libyaml mark's index), counted
 * from after the byte order mark: libyaml is given the text without it.
 */
static size_t byte_of(const struct kc *k, size_t index)
{
	if (k->char_at)
		return index <= k->nchars ? k->char_at[index] : k->src->len;
	return index < k->src->len - k->bom ? index + k->bom : k->src->len;
}

static void pos_of(const struct kc *k, size_t off, int *line, int *col)
{
	kf_lines__pos(&k->lines, off, line, col);
}

/* Bytes [from, to) as a range, kept to its first line. */
static struct kf_loc loc_span(const struct kc *k, size_t from, size_t to)
{
	struct kf_loc l = kf_lines__loc(&k->lines, from, to);

	if (l.last_line != l.first_line) {
		const char *s = k->src->text + from, *end = k->src->text + k->src->len;
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((eol ? eol : end) - s);

		while (n > 1 && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		l.last_line = l.first_line;
		l.last_column = l.first_column + (n ? (int)n - 1 : 0);
	}
	return l;
}

static struct kf_loc loc_mark(const struct kc *k, yaml_mark_t m)
{
	size_t off = byte_of(k, m.index);

	return loc_span(k, off, off + 1);
}

static struct kf_loc loc_node(const struct kc *k, const yaml_node_t *n)
{
	return loc_span(k, byte_of(k, n->start_mark.index), byte_of(k, n->end_mark.index));
}

/* ---- nodes ---- */

static yaml_node_t *node(const struct kc *k, int id)
{
	return yaml_document_get_node(k->doc, id);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t slen(const yaml_node_t *n)
{
	return n->data.scalar.length;
}

static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < KF_ARRAY_SIZE(nulls); i++)
		if (strcmp(sval(n), nulls[i]) == 0)
			return true;
	return false;
}

/* A scalar's value as one name, or NULL. */
static bool str_is(const yaml_node_t *n, const char *s)
{
	return n->type == YAML_SCALAR_NODE && slen(n) == strlen(s) && memcmp(sval(n), s, slen(n)) == 0;
}

static const char *what(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return is_null(n) ? "empty" : "a string";
	}
}

/*
 * A printable copy of a scalar for messages and comments: control bytes
 * become '?', and it is cut at max bytes.
 */
static char *printable(const yaml_node_t *n, size_t max)
{
	size_t len = slen(n) < max ? slen(n) : max;
	char *s = kf_strndup(sval(n), len);

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	if (slen(n) > max) {
		char *t = kf_strfmt("%s...", s);

		free(s);
		s = t;
	}
	return s;
}

/*
 * Where the scalar's value stands in the source byte for byte: a plain or
 * quoted scalar on one line, without escapes. Returns false otherwise.
 */
static bool verbatim_at(const struct kc *k, const yaml_node_t *n, size_t *off)
{
	size_t s = byte_of(k, n->start_mark.index), e = byte_of(k, n->end_mark.index);
	size_t len = slen(n), quotes;

	switch (n->data.scalar.style) {
	case YAML_PLAIN_SCALAR_STYLE: quotes = 0; break;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: quotes = 1; break;
	default: return false;
	}
	if (e < s || e - s != len + 2 * quotes || memchr(sval(n), '\n', len))
		return false;
	if (memcmp(k->src->text + s + quotes, sval(n), len) != 0)
		return false;
	*off = s + quotes;
	return true;
}

/* Write a scalar's value into the native text, verbatim where it can be. */
static void put_value(struct kc *k, const yaml_node_t *n)
{
	struct kf_loc l;
	size_t off;

	if (verbatim_at(k, n, &off)) {
		pos_of(k, off, &l.first_line, &l.first_column);
		l.last_line = l.first_line;
		l.last_column = l.first_column;
		kf_xlate__copy(k->x, l, sval(n), slen(n));
	} else {
		kf_xlate__emit(k->x, loc_node(k, n), "%.*s", (int)slen(n), sval(n));
	}
}

/* The location of byte i of a scalar's value: exact where verbatim. */
static struct kf_loc loc_in(const struct kc *k, const yaml_node_t *n, size_t i)
{
	size_t off;

	if (verbatim_at(k, n, &off))
		return loc_span(k, off + i, off + i + 1);
	return loc_node(k, n);
}

/* A native string literal of a scalar's value. */
static void put_string(struct kc *k, const yaml_node_t *n)
{
	const unsigned char *s = (const unsigned char *)sval(n);
	struct kf_loc l = loc_node(k, n);
	struct kf_buf b = {0};
	bool plain = true;

	for (size_t i = 0; i < slen(n); i++)
		plain &= s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\';
	if (plain) {
		kf_xlate__emit(k->x, l, "\"");
		put_value(k, n);
		kf_xlate__emit(k->x, l, "\"");
		return;
	}
	kf_buf_putc(&b, '"');
	for (size_t i = 0; i < slen(n); i++) {
		if (s[i] == '"' || s[i] == '\\')
			kf_buf_printf(&b, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			kf_buf_printf(&b, "\\x%02x", s[i]);
		else
			kf_buf_putc(&b, (char)s[i]);
	}
	kf_buf_putc(&b, '"');
	kf_xlate__emit(k->x, l, "%s", b.s);
	kf_buf_free(&b);
}

/* ---- mappings ---- */

struct field {
	const char *name;
	yaml_node_t *key, *value;
};

/*
 * Sort a mapping's pairs into fields by key; report keys that are not
 * names, that are unknown (with the closest known one) or given twice.
 */
static void get_fields(struct kc *k, const yaml_node_t *map, const char *where,
		       struct field *f, size_t nf)
{
	const char *names[16];

	for (size_t i = 0; i < nf; i++)
		names[i] = f[i].name;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *key = node(k, p->key), *value = node(k, p->value);
		struct field *hit = NULL;
		const char *close;
		char *name;

		if (!key || !value)
			continue;
		if (key->type != YAML_SCALAR_NODE) {
			kf_error(k->d, loc_node(k, key), "a key in %s is a name, not %s", where, what(key));
			continue;
		}
		for (size_t i = 0; i < nf && !hit; i++)
			if (str_is(key, f[i].name))
				hit = &f[i];
		if (hit && hit->key) {
			kf_error(k->d, loc_node(k, key), "'%s' is given twice in %s", hit->name, where);
			kf_diag_hint(k->d, "the first is on line %d", loc_node(k, hit->key).first_line);
			continue;
		}
		if (hit) {
			hit->key = key;
			hit->value = value;
			continue;
		}
		name = printable(key, 64);
		kf_error(k->d, loc_node(k, key), "unknown key '%s' in %s", name, where);
		close = kf_closest(name, names, nf);
		if (close) {
			kf_diag_suggest(k->d, loc_node(k, key), close);
		} else {
			struct kf_buf b = {0};

			for (size_t i = 0; i < nf; i++)
				kf_buf_printf(&b, "%s%s", i ? (i + 1 == nf ? " and " : ", ") : "", names[i]);
			kf_diag_hint(k->d, "%s takes %s", where, b.s);
			kf_buf_free(&b);
		}
		free(name);
	}
}

/* A field's value when it is a mapping; NULL (reported) when it is not. */
static yaml_node_t *want_map(struct kc *k, const struct field *f)
{
	if (f->value->type == YAML_MAPPING_NODE)
		return f->value;
	kf_error(k->d, loc_node(k, f->value), "'%s' is a mapping of keys to values, not %s", f->name,
		 what(f->value));
	return NULL;
}

/* A field's value when it is a scalar; NULL (reported) when it is not. */
static yaml_node_t *want_scalar(struct kc *k, const struct field *f, const char *as)
{
	if (f->value->type == YAML_SCALAR_NODE)
		return f->value;
	kf_error(k->d, loc_node(k, f->value), "'%s' is %s, not %s", f->name, as, what(f->value));
	return NULL;
}

/*
 * A whole number from 0 to max written plainly (as Kubernetes reads it
 * into an integer field); false (reported) otherwise.
 */
static bool want_uint(struct kc *k, const struct field *f, uint64_t max, const char *range,
		      uint64_t *out)
{
	const yaml_node_t *n = want_scalar(k, f, "a number");
	uint64_t v = 0;
	char *shown;

	if (!n)
		return false;
	for (size_t i = 0; i < slen(n); i++) {
		char c = sval(n)[i];

		if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) {
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + (uint64_t)(c - '0');
	}
	if (slen(n) && v <= max && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		*out = v;
		return true;
	}
	shown = printable(n, 32);
	if (slen(n) && v <= max)
		kf_error(k->d, loc_node(k, n), "'%s' is a number, not a string", f->name);
	else
		kf_error(k->d, loc_node(k, n), "%s takes %s, not '%s'", f->name, range, shown);
	if (slen(n) && v <= max)
		kf_diag_hint(k->d, "write it without quotes: %s: %s", f->name, shown);
	free(shown);
	return false;
}

/* ---- text copied into the native source ---- */

static bool is_ident_char(unsigned char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/*
 * Check a predicate or parameter list before it is copied into the native
 * text: it must not be able to end the place it is copied into. Strings,
 * character literals and brackets are closed; no braces, semicolons,
 * comments or control characters outside strings. *word is set when a statement word stands at the top level (the
 * copy then goes in parentheses). Returns 0, or -EINVAL with an error.
 */
static int check_code(struct kc *k, const yaml_node_t *n, const char *name, bool *word)
{
	static const char *const words[] = {
		"inject", "call", "when", "returns", "function", "headers", "probability",
		"times", "duration", "schedule", "target", "with",
	};
	const unsigned char *s = (const unsigned char *)sval(n);
	size_t len = slen(n), parens = 0, brackets = 0, open = 0;
	const char *bad = NULL;
	size_t i;

	*word = false;
	for (i = 0; i < len && !bad; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\'') {
			size_t j = i + 1;

			while (j < len && s[j] != c && s[j] != '\n')
				j += s[j] == '\\' ? 2 : 1;
			if (j >= len || s[j] != c) {
				/* it would run into the native text after the copy */
				bad = c == '"' ? "a string that is never closed" :
				      "a character literal that is never closed";
				i++;
				break;
			}
			i = j;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			bad = "a control character";
		} else if (c == '{' || c == '}' || c == ';' || c == '#') {
			bad = c == '{' ? "'{'" : c == '}' ? "'}'" : c == ';' ? "';'" : "'#'";
		} else if (c == '/' && i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '*')) {
			bad = "a comment";
		} else if (c == '*' && i + 1 < len && s[i + 1] == '/') {
			bad = "'*/'";
		} else if (c == '(' || c == '[') {
			if (!parens && !brackets)
				open = i;
			*(c == '(' ? &parens : &brackets) += 1;
		} else if (c == ')' || c == ']') {
			size_t *depth = c == ')' ? &parens : &brackets;

			if (!*depth)
				bad = c == ')' ? "a ')' that closes nothing" : "a ']' that closes nothing";
			else
				(*depth)--;
		} else if (is_ident_char(c, true) && (i == 0 || !is_ident_char(s[i - 1], false))) {
			size_t j = i;

			while (j < len && is_ident_char(s[j], false))
				j++;
			for (size_t w = 0; w < KF_ARRAY_SIZE(words) && !parens && !brackets; w++)
				if (j - i == strlen(words[w]) && memcmp(s + i, words[w], j - i) == 0)
					*word = true;
			i = j - 1;
		}
	}
	if (!bad && (parens || brackets)) {
		bad = parens ? "a '(' that is never closed" : "a '[' that is never closed";
		i = open + 1;
	}
	if (!bad)
		return 0;
	kf_error(k->d, loc_in(k, n, i - 1), "'%s' holds %s", name, bad);
	if (strcmp(name, "parameters") == 0)
		kf_diag_hint(k->d, "parameters are C declarations, as in "
			     "'struct dentry *parent, const struct qstr *name'");
	else
		kf_diag_hint(k->d, "a predicate is a C expression over the frame's parameters");
	return -EINVAL;
}

static bool blank(const yaml_node_t *n)
{
	for (size_t i = 0; i < slen(n); i++)
		if (sval(n)[i] != ' ' && sval(n)[i] != '\t' && sval(n)[i] != '\n')
			return false;
	return true;
}

/* ---- one resource ---- */

struct frame {
	yaml_node_t *item;
	struct field f[3];	/* funcname, parameters, predicate */
	yaml_node_t *func, *params, *pred;	/* NULL when absent or blank */
	bool pred_parens;
};

/* A callchain item; false (reported) when it is unusable. */
static bool get_frame(struct kc *k, yaml_node_t *item, struct frame *fr)
{
	int errors = k->d->errors;

	memset(fr, 0, sizeof(*fr));
	fr->item = item;
	fr->f[0].name = "funcname";
	fr->f[1].name = "parameters";
	fr->f[2].name = "predicate";
	if (item->type != YAML_MAPPING_NODE) {
		kf_error(k->d, loc_node(k, item),
			 "a callchain frame is a mapping {funcname, parameters, predicate}, not %s",
			 what(item));
		if (item->type == YAML_SCALAR_NODE && !is_null(item)) {
			char *s = printable(item, 64);

			kf_diag_hint(k->d, "write '- funcname: %s'", s);
			free(s);
		}
		return false;
	}
	get_fields(k, item, "a callchain frame", fr->f, 3);
	for (int i = 0; i < 3; i++) {
		yaml_node_t *v;

		if (!fr->f[i].value || is_null(fr->f[i].value))
			continue;
		v = want_scalar(k, &fr->f[i], "a string");
		if (!v || blank(v))
			continue;
		if (memchr(sval(v), '\0', slen(v))) {
			kf_error(k->d, loc_node(k, v), "%s holds a NUL character", fr->f[i].name);
			continue;
		}
		*(i == 0 ? &fr->func : i == 1 ? &fr->params : &fr->pred) = v;
	}
	if (fr->func) {
		const unsigned char *s = (const unsigned char *)sval(fr->func);
		bool ok = is_ident_char(s[0], true);

		for (size_t i = 1; i < slen(fr->func); i++)
			ok &= is_ident_char(s[i], false);
		if (!ok) {
			char *name = printable(fr->func, 64);

			kf_error(k->d, loc_node(k, fr->func), "funcname '%s' is not a function name", name);
			kf_diag_hint(k->d, "a kernel function, as in /proc/kallsyms: __x64_sys_mount, d_alloc_parallel");
			free(name);
		}
	}
	if (fr->params) {
		bool word;

		check_code(k, fr->params, "parameters", &word);
	}
	if (fr->pred)
		check_code(k, fr->pred, "predicate", &fr->pred_parens);
	return k->d->errors == errors;
}


/* Copy a checked predicate, in parentheses when a statement word is in it. */
static void put_pred(struct kc *k, const struct frame *fr)
{
	struct kf_loc l = loc_node(k, fr->pred);

	kf_xlate__emit(k->x, l, fr->pred_parens ? "(" : "");
	put_value(k, fr->pred);
	kf_xlate__emit(k->x, l, fr->pred_parens ? ")" : "");
}

/* 'key: value' from the YAML as comment lines '#   key: value'. */
static void put_kept(struct kc *k, const struct field *f)
{
	const char *t = k->src->text;
	size_t from = byte_of(k, f->key->start_mark.index);
	size_t to = byte_of(k, f->value->end_mark.index);
	struct kf_loc l = loc_node(k, f->key);
	int line, indent;

	if (byte_of(k, f->value->start_mark.index) < from || to < from) {
		/* an alias: the value is elsewhere; show the line of the key */
		const char *eol = memchr(t + from, '\n', k->src->len - from);

		to = eol ? (size_t)(eol - t) : k->src->len;
	}
	while (to > from && (t[to - 1] == ' ' || t[to - 1] == '\t' || t[to - 1] == '\r' ||
			     t[to - 1] == '\n'))
		to--;
	pos_of(k, from, &line, &indent);
	indent--;
	for (size_t p = from; p < to;) {
		const char *nl = memchr(t + p, '\n', to - p);
		size_t eol = nl ? (size_t)(nl - t) : to, s = p, e;

		for (int i = 0; p != from && i < indent && s < eol && t[s] == ' '; i++)
			s++;
		e = eol;
		while (e > s && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t'))
			e--;
		kf_xlate__emit(k->x, l, "#   %.*s\n", (int)(e - s), t + s);
		p = eol + 1;
	}
}

enum { TOP_API, TOP_KIND, TOP_META, TOP_SPEC, TOP_STATUS, TOP_N };
enum { SPEC_FKR, SPEC_DURATION, SPEC_SCHEDULER, SPEC_MODE, SPEC_VALUE, SPEC_SELECTOR,
       SPEC_CONTAINERS, SPEC_REMOTE, SPEC_N };
enum { FKR_FAILTYPE, FKR_HEADERS, FKR_CALLCHAIN, FKR_PROBABILITY, FKR_TIMES, FKR_N };

enum kc_kind { KC_KERNELCHAOS, KC_SCHEDULE, KC_WORKFLOW };

/*
 * One injection while it is read: its resource's fields, those of its
 * KernelChaos spec (a KernelChaos's spec, a Schedule's spec.kernelChaos, a
 * Workflow template's kernelChaos), then what they say.
 */
struct resource {
	yaml_node_t *root;
	enum kc_kind kind;
	struct field top[TOP_N], spec[SPEC_N], fkr[FKR_N];
	const struct field *specf;	/* the field whose value is the KernelChaos spec */
	yaml_node_t *name, *ns, *duration, *cron;
	yaml_node_t *tmpl;		/* a Workflow's template: its name */
	const yaml_node_t *deadline;	/* its deadline: the duration, unless the spec has one */
	const struct field *kept[4];	/* more fields kept for Kubernetes (a Schedule's) */
	int nkept;
	struct frame frames[KF_MAX_FRAMES + 1], hook;
	int nframes;
	uint64_t failtype, probability, times;
	bool has_probability, has_times;
};

static const char *const kind_words[] = {
	[KC_KERNELCHAOS] = "KernelChaos", [KC_SCHEDULE] = "Schedule", [KC_WORKFLOW] = "Workflow",
};

/* kind, apiVersion, metadata: whether this is a KernelChaos resource to read on. */
static bool read_header(struct kc *k, struct resource *r)
{
	struct field *top = r->top;
	char *s;

	if (r->root->type != YAML_MAPPING_NODE) {
		kf_error(k->d, loc_node(k, r->root), "a KernelChaos resource is a mapping (apiVersion, kind, "
			 "metadata, spec), not %s", what(r->root));
		return false;
	}
	get_fields(k, r->root, "a resource", top, TOP_N);
	if (!top[TOP_KIND].key) {
		kf_error(k->d, loc_mark(k, r->root->start_mark), "this resource has no 'kind'");
		kf_diag_hint(k->d, "a KernelChaos resource has 'apiVersion: " KC_API_VERSION
			     "' and 'kind: KernelChaos'");
		return false;
	}
	for (r->kind = 0; r->kind < KF_ARRAY_SIZE(kind_words); r->kind++)
		if (str_is(top[TOP_KIND].value, kind_words[r->kind]))
			break;
	if (r->kind == KF_ARRAY_SIZE(kind_words)) {
		const yaml_node_t *v = top[TOP_KIND].value;
		const char *near;

		s = v->type == YAML_SCALAR_NODE ? printable(v, 64) : kf_strdup(what(v));
		kf_error(k->d, loc_node(k, v), "kfault reads KernelChaos resources (alone, or in a "
			 "Schedule or a Workflow), not '%s'", s);
		near = kf_closest(s, kind_words, KF_ARRAY_SIZE(kind_words));
		if (near)
			kf_diag_suggest(k->d, loc_node(k, v), near);
		free(s);
		return false;
	}
	if (!top[TOP_API].key) {
		kf_error(k->d, loc_node(k, top[TOP_KIND].key), "this resource has no 'apiVersion'");
		kf_diag_hint(k->d, "add 'apiVersion: " KC_API_VERSION "'");
	} else if (str_is(top[TOP_API].value, "pingcap.com/v1alpha1")) {
		kf_warning(k->d, loc_node(k, top[TOP_API].value),
			   "pingcap.com/v1alpha1 is Chaos Mesh's old API group");
		kf_diag_hint(k->d, "Chaos Mesh 1.0 and later take 'apiVersion: " KC_API_VERSION "'");
	} else if (!str_is(top[TOP_API].value, KC_API_VERSION)) {
		s = top[TOP_API].value->type == YAML_SCALAR_NODE ? printable(top[TOP_API].value, 64) :
		    kf_strdup(what(top[TOP_API].value));
		kf_error(k->d, loc_node(k, top[TOP_API].value),
			 "%s is in apiVersion " KC_API_VERSION ", not '%s'", kind_words[r->kind], s);
		free(s);
	}
	if (top[TOP_META].key && !is_null(top[TOP_META].value) && want_map(k, &top[TOP_META])) {
		struct field meta[2] = { { .name = "name" }, { .name = "namespace" } };

		for (yaml_node_pair_t *p = top[TOP_META].value->data.mapping.pairs.start;
		     p < top[TOP_META].value->data.mapping.pairs.top; p++) {
			yaml_node_t *key = node(k, p->key), *v = node(k, p->value);

			for (int i = 0; i < 2; i++)
				if (key && v && str_is(key, meta[i].name) && v->type == YAML_SCALAR_NODE)
					*(i ? &r->ns : &r->name) = v;
		}
	}
	return true;
}

/* A duration kfault reads ("30s", "1h30m"): the node, or NULL (reported). */
static yaml_node_t *want_duration(struct kc *k, const struct field *f)
{
	yaml_node_t *d = want_scalar(k, f, "a duration such as \"30s\"");
	uint64_t ms;
	int err;
	bool clean;
	char *s;

	if (!d)
		return NULL;
	err = kf_parse_duration(sval(d), &ms);
	clean = slen(d) == strlen(sval(d));
	for (size_t i = 0; i < slen(d); i++)
		clean &= is_ident_char((unsigned char)sval(d)[i], false) || sval(d)[i] == '.';
	if (clean && (!err || err == -ERANGE) && !memchr(sval(d), 'd', slen(d)))
		return d;
	s = printable(d, 64);
	kf_error(k->d, loc_node(k, d), "%s '%s' is not a duration kfault reads", f->name, s);
	if (clean && !err)	/* kfault's own 'd' (days): not Go's, so not Kubernetes' either */
		kf_diag_hint(k->d, "Go's durations have no days: write hours, as in \"24h\"");
	else if (strstr(s, "ns") || strstr(s, "us") || strstr(s, "\xc2\xb5s"))
		kf_diag_hint(k->d, "kfault counts time in milliseconds: use ms, s, m or h");
	else
		kf_diag_hint(k->d, "a number and a unit ms, s, m or h, repeated: \"30s\", \"1h30m\", \"1.5h\"");
	free(s);
	return NULL;
}

/* The KernelChaos spec (r->specf): duration and scheduler; whether it has a failKernRequest to read. */
static bool read_spec(struct kc *k, struct resource *r)
{
	struct field *spec = r->spec, sched[1] = { { .name = "cron" } };
	const char *where = r->kind == KC_KERNELCHAOS ? "spec" : "kernelChaos";
	yaml_node_t *specmap;

	specmap = want_map(k, r->specf);
	if (!specmap)
		return false;
	get_fields(k, specmap, where, spec, SPEC_N);
	if (!spec[SPEC_FKR].key) {
		kf_error(k->d, loc_node(k, r->specf->key), "%s has no 'failKernRequest'", where);
		kf_diag_hint(k->d, "it says what to fail: failtype 0 (slab), 1 (page) or 2 (bio), "
			     "and under which callchain");
		return false;
	}
	if (spec[SPEC_DURATION].key && !is_null(spec[SPEC_DURATION].value))
		r->duration = want_duration(k, &spec[SPEC_DURATION]);
	else if (r->deadline)
		r->duration = (yaml_node_t *)r->deadline;
	if (spec[SPEC_SCHEDULER].key && !is_null(spec[SPEC_SCHEDULER].value)) {
		yaml_node_t *m = want_map(k, &spec[SPEC_SCHEDULER]);

		if (m && r->cron) {
			kf_error(k->d, loc_node(k, spec[SPEC_SCHEDULER].key),
				 "a Schedule's kernelChaos has no scheduler: the Schedule's 'schedule' is its cron");
		} else if (m) {
			get_fields(k, m, "scheduler", sched, 1);
			if (!sched[0].key)
				kf_error(k->d, loc_node(k, spec[SPEC_SCHEDULER].key), "scheduler has no 'cron'");
			else
				r->cron = want_scalar(k, &sched[0], "a cron schedule such as \"@every 10m\"");
		}
	}
	return true;
}

/* failKernRequest's failtype, headers, probability and times. */
static bool read_fkr(struct kc *k, struct resource *r)
{
	struct field *fkr = r->fkr;
	yaml_node_t *fkrmap = want_map(k, &r->spec[SPEC_FKR]);

	if (!fkrmap)
		return false;
	get_fields(k, fkrmap, "failKernRequest", fkr, FKR_N);
	if (!fkr[FKR_FAILTYPE].key) {
		kf_error(k->d, loc_node(k, r->spec[SPEC_FKR].key), "failKernRequest has no 'failtype'");
		kf_diag_hint(k->d, "failtype: 0 fails slab allocations, 1 page allocations, 2 bios");
	} else {
		want_uint(k, &fkr[FKR_FAILTYPE], 2, "0 (slab), 1 (page) or 2 (bio)", &r->failtype);
	}
	if (fkr[FKR_HEADERS].key && !is_null(fkr[FKR_HEADERS].value)) {
		const yaml_node_t *h = fkr[FKR_HEADERS].value;

		if (h->type != YAML_SEQUENCE_NODE) {
			kf_error(k->d, loc_node(k, h), "'headers' is a list of header names, not %s", what(h));
			kf_diag_hint(k->d, "headers: [linux/mmzone.h, linux/blkdev.h]");
		}
		for (yaml_node_item_t *it = h->type == YAML_SEQUENCE_NODE ? h->data.sequence.items.start : NULL;
		     it && it < h->data.sequence.items.top; it++) {
			yaml_node_t *v = node(k, *it);

			if (v && (v->type != YAML_SCALAR_NODE || is_null(v)))
				kf_error(k->d, loc_node(k, v), "a header is a name such as linux/mmzone.h, not %s",
					 what(v));
		}
	}
	if (fkr[FKR_PROBABILITY].key && !is_null(fkr[FKR_PROBABILITY].value) &&
	    want_uint(k, &fkr[FKR_PROBABILITY], 100, "a whole percentage from 0 to 100", &r->probability)) {
		r->has_probability = true;
		if (!r->probability) {
			kf_warning(k->d, loc_node(k, fkr[FKR_PROBABILITY].value),
				   "probability 0 means 'not set' to Chaos Mesh: every decision fails, as with 100");
			kf_diag_hint(k->d, "write 'probability: 100' to say so; to disarm an injection, remove it");
		}
	}
	if (fkr[FKR_TIMES].key && !is_null(fkr[FKR_TIMES].value) &&
	    want_uint(k, &fkr[FKR_TIMES], UINT32_MAX, "a whole number from 0 (no limit) to 4294967295",
		      &r->times))
		r->has_times = true;
	return true;
}

/* callchain: outermost first; a last frame without funcname is the hook's predicate. */
static void read_callchain(struct kc *k, struct resource *r)
{
	const yaml_node_t *c = r->fkr[FKR_CALLCHAIN].value;
	yaml_node_item_t *first, *top;

	if (!r->fkr[FKR_CALLCHAIN].key || is_null(c))
		return;
	first = c->type == YAML_SEQUENCE_NODE ? c->data.sequence.items.start : NULL;
	top = first ? c->data.sequence.items.top : NULL;
	if (c->type != YAML_SEQUENCE_NODE) {
		kf_error(k->d, loc_node(k, c), "'callchain' is a list of frames, outermost caller first, not %s",
			 what(c));
		kf_diag_hint(k->d, "callchain: [{funcname: __x64_sys_mount}]");
	}
	for (yaml_node_item_t *it = first; it && it < top; it++) {
		yaml_node_t *item = node(k, *it);
		struct frame fr;

		if (!item || !get_frame(k, item, &fr))
			continue;
		if (!fr.func && it + 1 < top) {
			kf_error(k->d, loc_node(k, item), "a frame without a funcname must be the last one");
			kf_diag_hint(k->d, "the last frame's predicate, without a funcname, applies to "
				     "the failure site; every other frame names a function");
			continue;
		}
		if (!fr.func) {
			r->hook = fr;
			if (fr.params) {
				kf_warning(k->d, loc_node(k, fr.params),
					   "the failure site's parameters are fixed: these are not used");
				kf_diag_hint(k->d, "failtype %d's predicate sees %s", (int)r->failtype,
					     kf_site_by_failtype((int)r->failtype)->params_c);
			}
			continue;
		}
		if (r->nframes == KF_MAX_FRAMES) {
			kf_error(k->d, loc_node(k, fr.func), "call chain is longer than %d frames",
				 KF_MAX_FRAMES);
			kf_diag_hint(k->d, "keep the frames that select the path; outer callers "
				     "rarely add precision");
			break;
		}
		r->frames[r->nframes++] = fr;
	}
}

/* The comments before the injection: where it comes from, what is kept for Kubernetes. */
static void emit_comments(struct kc *k, const struct resource *r)
{
	static const int kept[] = { SPEC_MODE, SPEC_VALUE, SPEC_SELECTOR, SPEC_CONTAINERS, SPEC_REMOTE };
	const struct field *top = r->top, *spec = r->spec, *first = NULL;
	struct kf_loc at = loc_node(k, top[TOP_KIND].value);
	bool any = top[TOP_META].key || top[TOP_STATUS].key;
	struct kf_buf b = {0}, names = {0};
	char *s;

	if (k->resources > 1)
		kf_xlate__emit(k->x, at, "\n");
	kf_buf_printf(&b, "# %s ", kind_words[r->kind]);
	s = r->name ? printable(r->name, 128) : kf_strdup("(no name)");
	kf_buf_puts(&b, s);
	free(s);
	if (r->ns) {
		s = printable(r->ns, 128);
		kf_buf_printf(&b, " in namespace %s", s);
		free(s);
	}
	if (r->tmpl) {
		s = printable(r->tmpl, 128);
		kf_buf_printf(&b, ", template %s", s);
		free(s);
	}
	s = kf_strdup(k->src->path);
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	kf_buf_printf(&b, ", from %s line %d\n", s,
		      loc_mark(k, (r->tmpl ? r->specf->key : r->root)->start_mark).first_line);
	free(s);
	kf_xlate__emit(k->x, at, "%s", b.s);
	kf_buf_free(&b);

	for (int i = 0; i < r->nkept; i++) {
		kf_buf_printf(&names, "%s%s", names.len ? ", " : "", r->kept[i]->name);
		if (!first)
			first = r->kept[i];
	}
	for (size_t i = 0; i < KF_ARRAY_SIZE(kept); i++) {
		if (!spec[kept[i]].key)
			continue;
		kf_buf_printf(&names, "%s%s", names.len ? ", " : "", spec[kept[i]].name);
		if (!first)
			first = &spec[kept[i]];
	}
	if (first) {
		kf_diag(k->d, KF_NOTE, loc_node(k, first->key),
			"kept for Kubernetes: %s; run locally, the target comes from "
			"--pid, --comm or --cgroup", names.s);
	}
	kf_buf_free(&names);
	if (any || first)
		kf_xlate__emit(k->x, at, "# Kept for Kubernetes, as written (run locally, the target comes from "
			       "--pid, --comm or --cgroup):\n");
	if (top[TOP_META].key)
		put_kept(k, &top[TOP_META]);
	for (int i = 0; i < r->nkept; i++)
		put_kept(k, r->kept[i]);
	for (size_t i = 0; i < KF_ARRAY_SIZE(kept); i++)
		if (spec[kept[i]].key)
			put_kept(k, &spec[kept[i]]);
	if (top[TOP_STATUS].key)
		put_kept(k, &top[TOP_STATUS]);
}

/* The injection itself, in native text. */
static void emit_injection(struct kc *k, const struct resource *r)
{
	const struct field *fkr = r->fkr;
	struct kf_loc at = loc_node(k, r->spec[SPEC_FKR].key);

	kf_xlate__emit(k->x, at, "inject ");
	kf_xlate__emit(k->x, fkr[FKR_FAILTYPE].key ? loc_node(k, fkr[FKR_FAILTYPE].value) : at, "%s",
		       kf_site_by_failtype((int)r->failtype)->word);
	if (r->hook.pred) {
		kf_xlate__emit(k->x, loc_node(k, r->hook.pred), " when ");
		put_pred(k, &r->hook);
	}
	kf_xlate__emit(k->x, at, " {\n");
	if (fkr[FKR_HEADERS].key && !is_null(fkr[FKR_HEADERS].value)) {
		const yaml_node_t *h = fkr[FKR_HEADERS].value;
		yaml_node_item_t *it = h->data.sequence.items.start;

		for (int i = 0; it < h->data.sequence.items.top; it++, i++) {
			kf_xlate__emit(k->x, loc_node(k, fkr[FKR_HEADERS].key), i ? ", " : "    headers ");
			put_string(k, node(k, *it));
		}
		if (h->data.sequence.items.top > h->data.sequence.items.start)
			kf_xlate__emit(k->x, loc_node(k, fkr[FKR_HEADERS].key), "\n");
	}
	for (int i = 0; i < r->nframes; i++) {
		const struct frame *fr = &r->frames[i];

		kf_xlate__emit(k->x, loc_node(k, fr->func), "    call ");
		put_value(k, fr->func);
		if (fr->params) {
			kf_xlate__emit(k->x, loc_node(k, fr->params), "(");
			put_value(k, fr->params);
			kf_xlate__emit(k->x, loc_node(k, fr->params), ")");
		}
		kf_xlate__emit(k->x, loc_node(k, fr->func), "\n");
		if (fr->pred) {
			kf_xlate__emit(k->x, loc_node(k, fr->pred), "        when ");
			put_pred(k, fr);
			kf_xlate__emit(k->x, loc_node(k, fr->pred), "\n");
		}
	}
	if (r->has_probability && r->probability) {
		/* bpfki draws once per call of the chain's outermost function */
		kf_xlate__emit(k->x, loc_node(k, fkr[FKR_PROBABILITY].value), "    probability %d%%%s\n",
			       (int)r->probability, r->nframes ? " per call" : "");
	} else if (r->has_probability) {
		kf_xlate__emit(k->x, loc_node(k, fkr[FKR_PROBABILITY].value),
			       "    # probability: 0 is Chaos Mesh's 'not set': 100%%\n");
	}
	if (r->has_times && r->times)
		kf_xlate__emit(k->x, loc_node(k, fkr[FKR_TIMES].value), "    times %llu\n",
			       (unsigned long long)r->times);
	else if (r->has_times)
		kf_xlate__emit(k->x, loc_node(k, fkr[FKR_TIMES].value), "    times unlimited\n");
	if (r->duration) {
		kf_xlate__emit(k->x, loc_node(k, r->duration), "    duration ");
		put_value(k, r->duration);
		kf_xlate__emit(k->x, loc_node(k, r->duration), "\n");
	}
	if (r->cron) {
		kf_xlate__emit(k->x, loc_node(k, r->cron), "    schedule ");
		put_string(k, r->cron);
		kf_xlate__emit(k->x, loc_node(k, r->cron), "\n");
	}
	kf_xlate__emit(k->x, at, "}\n");
}

static void resource_init(struct resource *r, yaml_node_t *root)
{
	static const char *const top[TOP_N] = { "apiVersion", "kind", "metadata", "spec", "status" };
	static const char *const spec[SPEC_N] = {
		"failKernRequest", "duration", "scheduler", "mode", "value", "selector",
		"containerNames", "remoteCluster",
	};
	static const char *const fkr[FKR_N] = { "failtype", "headers", "callchain", "probability", "times" };

	memset(r, 0, sizeof(*r));
	r->root = root;
	for (int i = 0; i < TOP_N; i++)
		r->top[i].name = top[i];
	for (int i = 0; i < SPEC_N; i++)
		r->spec[i].name = spec[i];
	for (int i = 0; i < FKR_N; i++)
		r->fkr[i].name = fkr[i];
	r->probability = 100;
}

/* One injection, from the KernelChaos spec r->specf: read and check it, then write it as native text. */
static void translate_spec(struct kc *k, struct resource *r)
{
	int errors = k->d->errors, before_chain;

	if (++k->resources > KF_MAX_INJECTIONS) {
		kf_error(k->d, loc_node(k, r->kind == KC_WORKFLOW ? r->specf->key : r->top[TOP_KIND].value),
			 "a file holds at most %d injections: this is KernelChaos %s %d",
			 KF_MAX_INJECTIONS, r->kind == KC_WORKFLOW ? "template" : "resource", k->resources);
		return;
	}
	if (!read_spec(k, r) || !read_fkr(k, r))
		return;
	before_chain = k->d->errors;
	read_callchain(k, r);
	/*
	 * A frame in error is reported and left out; the rest is translated
	 * all the same, so that what the translation's checks find (headers,
	 * predicates, BTF) is reported in the same run (frontend.c).
	 */
	if (before_chain > errors)
		return;
	emit_comments(k, r);
	emit_injection(k, r);
}

/*
 * A Schedule's spec, or a Workflow template's schedule: its cron becomes
 * kfault's schedule, its kernelChaos the injection; what only Kubernetes
 * uses is kept as comments.
 */
static void translate_schedule(struct kc *k, struct resource *r, const struct field *specf,
			       const char *where)
{
	enum { SCH_SCHEDULE, SCH_TYPE, SCH_KC, SCH_DEADLINE, SCH_CONCURRENCY, SCH_HISTORY, SCH_N };
	struct field f[SCH_N] = {
		{ .name = "schedule" }, { .name = "type" }, { .name = "kernelChaos" },
		{ .name = "startingDeadlineSeconds" }, { .name = "concurrencyPolicy" },
		{ .name = "historyLimit" },
	};
	yaml_node_t *map = want_map(k, specf);
	char *s;

	if (!map)
		return;
	/* the type first: a Schedule of another kind has keys of its own */
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *v = node(k, p->value);

		if (!str_is(node(k, p->key), "type") || !v || str_is(v, "KernelChaos"))
			continue;
		s = v->type == YAML_SCALAR_NODE ? printable(v, 64) : kf_strdup(what(v));
		kf_error(k->d, loc_node(k, v), "kfault reads a Schedule of KernelChaos, not of '%s'", s);
		free(s);
		return;
	}
	get_fields(k, map, where, f, SCH_N);
	if (!f[SCH_SCHEDULE].key) {
		kf_error(k->d, loc_node(k, specf->key), "%s has no 'schedule'", where);
		kf_diag_hint(k->d, "the cron schedule of the injections, as in schedule: '@every 10m'");
	} else {
		r->cron = want_scalar(k, &f[SCH_SCHEDULE], "a cron schedule such as \"@every 10m\"");
	}
	if (!f[SCH_KC].key) {
		kf_error(k->d, loc_node(k, specf->key), "%s has no 'kernelChaos'", where);
		kf_diag_hint(k->d, "type: KernelChaos, and kernelChaos: the KernelChaos spec "
			     "(failKernRequest, duration...)");
		return;
	}
	for (int i = SCH_DEADLINE; i < SCH_N; i++)
		if (f[i].key)
			r->kept[r->nkept++] = &f[i];
	if (!r->cron)
		return;
	r->specf = &f[SCH_KC];
	translate_spec(k, r);
}

/*
 * A Workflow: each template of type KernelChaos (or Schedule of
 * KernelChaos) is an injection, all armed at once: the workflow's order
 * (Serial, Parallel, Suspend) is not kept, and is said once; a template
 * that is no KernelChaos (another kind of chaos, a Task, a StatusCheck) is
 * an error.
 */
static void translate_workflow(struct kc *k, struct resource *wf)
{
	enum { WF_ENTRY, WF_TEMPLATES, WF_N };
	enum { T_NAME, T_TYPE, T_DEADLINE, T_KC, T_SCHEDULE, T_CHILDREN, T_TASK, T_BRANCHES,
	       T_STATUSCHECK, T_ABORT, T_N };
	struct field f[WF_N] = { { .name = "entry" }, { .name = "templates" } };
	yaml_node_t *map, *list;
	bool order_said = false;

	if (!wf->top[TOP_SPEC].key) {
		kf_error(k->d, loc_node(k, wf->top[TOP_KIND].key), "this resource has no 'spec'");
		kf_diag_hint(k->d, "a Workflow's spec has 'entry' and 'templates'");
		return;
	}
	map = want_map(k, &wf->top[TOP_SPEC]);
	if (!map)
		return;
	get_fields(k, map, "a Workflow's spec", f, WF_N);
	if (!f[WF_TEMPLATES].key || f[WF_TEMPLATES].value->type != YAML_SEQUENCE_NODE) {
		kf_error(k->d, loc_node(k, f[WF_TEMPLATES].key ? f[WF_TEMPLATES].value : wf->top[TOP_SPEC].key),
			 "a Workflow's spec has a list of 'templates'");
		return;
	}
	list = f[WF_TEMPLATES].value;
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *item = node(k, *it);
		struct field t[T_N] = {
			{ .name = "name" }, { .name = "templateType" }, { .name = "deadline" },
			{ .name = "kernelChaos" }, { .name = "schedule" }, { .name = "children" },
			{ .name = "task" }, { .name = "conditionalBranches" }, { .name = "statusCheck" },
			{ .name = "abortWithStatusCheck" },
		};
		struct resource r;
		char *s;

		if (!item)
			continue;
		if (item->type != YAML_MAPPING_NODE) {
			kf_error(k->d, loc_node(k, item), "a template is a mapping (name, templateType...), not %s",
				 what(item));
			continue;
		}
		/* the type first: a template of another kind has keys of its own */
		for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++)
			if (str_is(node(k, p->key), "templateType")) {
				t[T_TYPE].key = node(k, p->key);
				t[T_TYPE].value = node(k, p->value);
			}
		if (!t[T_TYPE].key) {
			kf_error(k->d, loc_node(k, item), "this template has no 'templateType'");
			kf_diag_hint(k->d, "templateType: KernelChaos, with kernelChaos: its spec");
			continue;
		}
		if (str_is(t[T_TYPE].value, "Serial") || str_is(t[T_TYPE].value, "Parallel") ||
		    str_is(t[T_TYPE].value, "Suspend")) {
			if (!order_said)
				kf_warning(k->d, loc_node(k, t[T_TYPE].value),
					   "kfault arms every KernelChaos template at once: a workflow's "
					   "order (Serial, Parallel, Suspend) is not kept");
			order_said = true;
			continue;
		}
		if (!str_is(t[T_TYPE].value, "KernelChaos") && !str_is(t[T_TYPE].value, "Schedule")) {
			s = printable(t[T_TYPE].value, 64);
			kf_error(k->d, loc_node(k, t[T_TYPE].value),
				 "kfault runs a Workflow's KernelChaos templates, not '%s'", s);
			kf_diag_hint(k->d, "Serial, Parallel and Suspend are read (the order is not kept); "
				     "a Task, a StatusCheck or another kind of chaos is not");
			free(s);
			continue;
		}
		t[T_TYPE].key = t[T_TYPE].value = NULL;	/* get_fields finds it again */
		get_fields(k, item, "a Workflow template", t, T_N);
		for (int i = T_CHILDREN; i < T_N; i++)
			if (t[i].key)
				kf_error(k->d, loc_node(k, t[i].key), "'%s' is not part of a KernelChaos template",
					 t[i].name);
		resource_init(&r, wf->root);
		r.kind = KC_WORKFLOW;
		memcpy(r.top, wf->top, sizeof(r.top));
		r.name = wf->name;
		r.ns = wf->ns;
		r.tmpl = t[T_NAME].key && t[T_NAME].value->type == YAML_SCALAR_NODE ? t[T_NAME].value : NULL;
		if (str_is(t[T_TYPE].value, "Schedule")) {
			/* its deadline ends the whole schedule: no per-tick duration of kfault's */
			if (t[T_DEADLINE].key)
				r.kept[r.nkept++] = &t[T_DEADLINE];
			if (!t[T_SCHEDULE].key) {
				kf_error(k->d, loc_node(k, t[T_TYPE].value), "a Schedule template has no 'schedule'");
				continue;
			}
			translate_schedule(k, &r, &t[T_SCHEDULE], "a template's schedule");
			continue;
		}
		if (t[T_DEADLINE].key && !is_null(t[T_DEADLINE].value))
			r.deadline = want_duration(k, &t[T_DEADLINE]);
		if (!t[T_KC].key) {
			kf_error(k->d, loc_node(k, t[T_TYPE].value), "a KernelChaos template has no 'kernelChaos'");
			kf_diag_hint(k->d, "kernelChaos: the KernelChaos spec (failKernRequest, duration...)");
			continue;
		}
		r.specf = &t[T_KC];
		translate_spec(k, &r);
	}
}

/* One resource: read and check it, then write what it injects as native text. */
static void translate_resource(struct kc *k, yaml_node_t *root)
{
	struct resource r;

	resource_init(&r, root);
	if (!read_header(k, &r))
		return;
	if (r.kind == KC_WORKFLOW) {
		translate_workflow(k, &r);
		return;
	}
	if (!r.top[TOP_SPEC].key) {
		kf_error(k->d, loc_node(k, r.top[TOP_KIND].key), "this resource has no 'spec'");
		kf_diag_hint(k->d, r.kind == KC_SCHEDULE ? "a Schedule's spec has 'schedule', 'type: "
			     "KernelChaos' and 'kernelChaos'" : "the failure is described in spec.failKernRequest");
		return;
	}
	if (r.kind == KC_SCHEDULE) {
		translate_schedule(k, &r, &r.top[TOP_SPEC], "a Schedule's spec");
		return;
	}
	r.specf = &r.top[TOP_SPEC];
	translate_spec(k, &r);
}

/* ---- the file ---- */

static void report_yaml_error(struct kc *k, const yaml_parser_t *p)
{
	struct kf_loc l;

	if (p->error == YAML_MEMORY_ERROR)
		kf_oom();
	if (p->error == YAML_READER_ERROR) {
		size_t off = p->problem_offset < k->src->len - k->bom ? p->problem_offset + k->bom :
			     k->src->len;

		l = loc_span(k, off, off + 1);
		if (p->problem_value != -1)
			kf_error(k->d, l, "YAML: %s (byte 0x%02x)", p->problem ? p->problem : "unreadable input",
				 p->problem_value & 0xff);
		else
			kf_error(k->d, l, "YAML: %s", p->problem ? p->problem : "unreadable input");
		kf_diag_hint(k->d, "a YAML file is UTF-8 text");
		return;
	}
	l = loc_mark(k, p->problem_mark);
	kf_error(k->d, l, "YAML: %s", p->problem ? p->problem : "syntax error");
	if (p->context) {
		struct kf_loc c = loc_mark(k, p->context_mark);

		kf_diag_hint(k->d, "%s that starts at line %d, column %d", p->context, c.first_line,
			     c.first_column);
	}
}

/* A parser of the text, after its byte order mark. */
static void start_parser(const struct kc *k, yaml_parser_t *parser)
{
	if (!yaml_parser_initialize(parser))
		kf_oom();
	yaml_parser_set_input_string(parser, (const unsigned char *)k->src->text + k->bom,
				     k->src->len - k->bom);
	yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);
}

/*
 * libyaml's time grows with the square of the nesting depth (its scanner
 * walks every open level at each token: 200 KB of '[' took a minute). A
 * first pass over the events stops at the level past KC_MAX_DEPTH, with
 * an error there, so that the load after it, and any input, takes time
 * in proportion to its size. A syntax error ends the pass: the load
 * reports it.
 */
static bool check_depth(struct kc *k)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0;
	bool ok = true, done = false;

	start_parser(k, &parser);
	while (ok && !done && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth <= KC_MAX_DEPTH)
				break;
			kf_error(k->d, loc_mark(k, ev.start_mark),
				 "YAML nested deeper than %d levels", KC_MAX_DEPTH);
			kf_diag_hint(k->d, "a KernelChaos resource nests a few levels");
			ok = false;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

int kf_kernelchaos__translate(const struct kf_source *src, struct kf_diags *d,
			      struct kf_xlate *x, void *ctx)
{
	struct kc k = { .src = src, .d = d, .x = x };
	yaml_parser_t parser;
	bool any = false;

	(void)ctx;
	if (src->len > KF_MAX_SOURCE) {
		kf_error(d, KF_NOLOC,
			 "the file is larger than %d bytes (1 MiB), the limit", KF_MAX_SOURCE);
		return -EINVAL;
	}
	if (src->len >= 3 && memcmp(src->text, "\xef\xbb\xbf", 3) == 0)
		k.bom = 3;
	build_tables(&k);
	if (!check_depth(&k))
		goto free_tables;
	start_parser(&k, &parser);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			report_yaml_error(&k, &parser);
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		k.doc = &doc;
		if (!is_null(root)) {	/* kubectl skips empty documents too */
			any = true;
			translate_resource(&k, root);
		}
		yaml_document_delete(&doc);
		k.doc = NULL;
		if (k.resources > KF_MAX_INJECTIONS)
			break;
	}
	yaml_parser_delete(&parser);
	if (!any && !d->errors) {
		kf_error(d, KF_NOLOC, "no KernelChaos resource in this file");
		kf_diag_hint(d, "a resource starts 'apiVersion: " KC_API_VERSION "', 'kind: KernelChaos'");
	}
free_tables:
	free(k.char_at);
	kf_lines__fini(&k.lines);
	return d->errors ? -EINVAL : 0;
}
