// SPDX-License-Identifier: MIT
/*
 * inject.py specs to native kfault text (injectpy.h).
 *
 * The spec grammar, as bcc's tools/inject.py reads it:
 *
 *   spec  = frame { "=>" frame }                   innermost (callee) first
 *   frame = NAME "(" params ")" [ "(" pred ")" ]    a function of the chain
 *         | "(" pred ")"                            the hook's own predicate
 *
 * params and pred are C text: parentheses nest, strings and character
 * constants may hold ')' or "=>", /+* comments and backslash-newline
 * splices may appear, and pred may use STRCMP(ptr, 'literal').
 *
 * The scanner is hand-written rather than made with flex/bison or another
 * library: the grammar is two rules, and the one hard part is finding where
 * a group of C text ends (strings, character constants, comments), which a
 * generated scanner would not make simpler; the native lexer cannot be
 * reused because it knows nothing of inject.py's quoting ('literal'). It
 * makes one pass over the spec with no recursion, so any spec of at most
 * KF_MAX_SOURCE bytes is scanned in time linear in its size.
 *
 * The user's text (names, parameter lists, predicates) is copied into the
 * native text verbatim (kf_xlate__copy), so errors the native front end
 * finds in it point at the exact column of the spec.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf_types.h"
#include "injectpy.h"
#include "sites.h"
#include "util.h"

/* Syscall entry points are arch-prefixed since Linux 4.17. */
#if defined(__x86_64__)
#define SYSCALL_PREFIX	"__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_PREFIX	"__arm64_sys_"
#endif

int kf_injectpy__parse_mode(const char *s, enum kf_site_kind *kind)
{
	const struct kf_site *site = kf_site_by_injectpy_mode(s);

	if (!site)
		return -EINVAL;
	*kind = site->kind;
	return 0;
}

int kf_injectpy__parse_probability(const char *s, double *percent)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(s, &end);
	if (end == s || *end || !isfinite(p))
		return -EINVAL;
	/* below 2^-32 the runtime's draw (a u32) never comes out under it */
	if (p <= 0 || p > 1 || p * 4294967296.0 < 1)
		return -ERANGE;
	*percent = p * 100;
	return 0;
}

int kf_injectpy__parse_count(const char *s, unsigned long long *times)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || (n < 1 && n != -1))
		return -ERANGE;
	*times = n == -1 ? 0 : (unsigned long long)n;
	return 0;
}

struct kf_source *kf_injectpy__source(const char *spec)
{
	return kf_source__from_string("<spec>", spec, strlen(spec));
}

/* ---- scanning ---- */

struct range {
	size_t lo, hi;		/* [lo, hi) in the spec; lo == hi: absent */
};

struct frame {
	struct range all;	/* the whole frame */
	struct range name;	/* absent: the hook's predicate */
	struct range params;	/* "(...)" */
	struct range pred;	/* "(...)" */
};

struct spec {
	const char *s;
	size_t n;
	struct kf_diags *d;
	const struct kf_injectpy *opts;
	struct kf_lines lines;
	struct frame *frames;	/* innermost first, as written */
	size_t nframes, frames_cap;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_splice(const struct spec *sp, size_t i, size_t hi)
{
	return sp->s[i] == '\\' && i + 1 < hi && sp->s[i + 1] == '\n';
}

static bool is_arrow(const struct spec *sp, size_t i)
{
	return i + 1 < sp->n && sp->s[i] == '=' && sp->s[i + 1] == '>';
}

/* Past white space and backslash-newline splices, up to hi. */
static size_t skip_space(const struct spec *sp, size_t i, size_t hi)
{
	while (i < hi && (is_space(sp->s[i]) || is_splice(sp, i, hi)))
		i += sp->s[i] == '\\' ? 2 : 1;
	return i;
}

/* Back over white space and splices from hi, down to lo. */
static size_t trim_end(const struct spec *sp, size_t lo, size_t hi)
{
	while (hi > lo && is_space(sp->s[hi - 1])) {
		if (sp->s[hi - 1] == '\n' && hi - 1 > lo && sp->s[hi - 2] == '\\')
			hi -= 2;
		else
			hi--;
	}
	return hi;
}

static struct kf_loc loc(const struct spec *sp, size_t lo, size_t hi)
{
	return kf_lines__loc(&sp->lines, lo, hi);
}

static struct kf_loc rloc(const struct spec *sp, struct range r)
{
	return loc(sp, r.lo, r.hi);
}

/*
 * Where the string or character constant opened by the quote at i ends
 * (the index of its closing quote), or hi when it does not end on its line.
 */
static size_t quote_end(const struct spec *sp, size_t i, size_t hi)
{
	char q = sp->s[i];

	for (i++; i < hi && sp->s[i] != q && sp->s[i] != '\n'; i++) {
		if (sp->s[i] == '\\' && i + 1 < hi)
			i++;
	}
	return i < hi && sp->s[i] == q ? i : hi;
}

/* Where the comment opened at i ends (past its closing star-slash), or SIZE_MAX. */
static size_t comment_end(const struct spec *sp, size_t i, size_t hi)
{
	for (i += 2; i + 1 < hi; i++) {
		if (sp->s[i] == '*' && sp->s[i + 1] == '/')
			return i + 2;
	}
	return SIZE_MAX;
}

/* The same inside a group already checked (its comments end): never past hi. */
static size_t comment_skip(const struct spec *sp, size_t i, size_t hi)
{
	size_t e = comment_end(sp, i, hi);

	return e == SIZE_MAX ? hi : e;
}

/*
 * The group of C text opened by the '(' at open: *end is past its ')'.
 * Reports what is wrong inside it (unterminated strings and comments,
 * line comments) and an unclosed group; -EINVAL then.
 */
static int group_end(const struct spec *sp, size_t open, size_t *end)
{
	size_t depth = 0;

	for (size_t i = open; i < sp->n; i++) {
		char c = sp->s[i];

		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0) {
				*end = i + 1;
				return 0;
			}
		} else if (c == '\'' || c == '"') {
			size_t q = quote_end(sp, i, sp->n);

			if (q == sp->n) {
				kf_error(sp->d, loc(sp, i, i + 1), "missing terminating %c character", c);
				return -EINVAL;
			}
			i = q;
		} else if (c == '/' && i + 1 < sp->n && sp->s[i + 1] == '*') {
			size_t e = comment_end(sp, i, sp->n);

			if (e == SIZE_MAX) {
				kf_error(sp->d, loc(sp, i, i + 2), "unterminated comment");
				return -EINVAL;
			}
			i = e - 1;
		} else if (c == '#' || (c == '/' && i + 1 < sp->n && sp->s[i + 1] == '/')) {
			kf_error(sp->d, loc(sp, i, i + (c == '#' ? 1 : 2)),
				 "a spec is C text: '%s' does not start a comment in it", c == '#' ? "#" : "//");
			kf_diag_hint(sp->d, "use /* ... */ for a comment");
			return -EINVAL;
		}
	}
	kf_error(sp->d, loc(sp, open, open + 1), "this '(' is never closed");
	kf_diag_hint(sp->d, "check the parentheses of the spec");
	return -EINVAL;
}

/* The text inside a group "(...)", without the parentheses and the space around it. */
static struct range inner(const struct spec *sp, struct range g)
{
	struct range r = { skip_space(sp, g.lo + 1, g.hi - 1), 0 };

	r.hi = trim_end(sp, r.lo, g.hi - 1);
	return r;
}

static bool is_true(const struct spec *sp, struct range g)
{
	struct range r = inner(sp, g);

	return r.hi - r.lo == 4 && memcmp(sp->s + r.lo, "true", 4) == 0;
}

static void add_frame(struct spec *sp, const struct frame *f)
{
	if (sp->nframes == sp->frames_cap) {
		sp->frames_cap = sp->frames_cap ? 2 * sp->frames_cap : 8;
		sp->frames = kf_realloc_array(sp->frames, sp->frames_cap, sizeof(*f));
	}
	sp->frames[sp->nframes++] = *f;
}

/* One frame at i (white space skipped); *next is past it. */
static int parse_frame(struct spec *sp, size_t i, size_t *next)
{
	struct frame f = { .all = { i, i } };
	size_t end;

	if (is_ident_start(sp->s[i])) {
		size_t j = i;

		while (j < sp->n && is_ident(sp->s[j]))
			j++;
		f.name = (struct range){ i, j };
		i = skip_space(sp, j, sp->n);
		if (i == sp->n || sp->s[i] != '(') {
			kf_error(sp->d, rloc(sp, f.name), "expected '(' after '%.*s'",
				 (int)(j - f.name.lo), sp->s + f.name.lo);
			kf_diag_hint(sp->d, "a frame is written name(params)(predicate), as in '%.*s()'",
				     (int)(j - f.name.lo), sp->s + f.name.lo);
			return -EINVAL;
		}
	} else if (sp->s[i] != '(') {
		kf_error(sp->d, loc(sp, i, i + 1), "expected a function name or '(' to start a frame");
		kf_diag_hint(sp->d, "a frame is name(params)(predicate), or (predicate) for the hook");
		return -EINVAL;
	}
	if (group_end(sp, i, &end))
		return -EINVAL;
	if (f.name.hi)
		f.params = (struct range){ i, end };
	else
		f.pred = (struct range){ i, end };
	f.all.hi = end;
	i = skip_space(sp, end, sp->n);
	if (i < sp->n && sp->s[i] == '(') {
		if (!f.name.hi) {
			kf_error(sp->d, loc(sp, i, i + 1),
				 "a frame without a name is the hook's predicate: it takes one '(...)'");
			return -EINVAL;
		}
		if (group_end(sp, i, &end))
			return -EINVAL;
		f.pred = (struct range){ i, end };
		f.all.hi = end;
		i = skip_space(sp, end, sp->n);
		if (i < sp->n && sp->s[i] == '(') {
			kf_error(sp->d, loc(sp, i, i + 1),
				 "a frame is name(params)(predicate): this third '(...)' is one too many");
			return -EINVAL;
		}
	}
	if (f.pred.hi) {
		struct range r = inner(sp, f.pred);

		if (r.lo == r.hi) {
			kf_error(sp->d, rloc(sp, f.pred), "empty predicate");
			kf_diag_hint(sp->d, "write (true), or leave the predicate out");
			return -EINVAL;
		}
	}
	add_frame(sp, &f);
	*next = i;
	return 0;
}

static int parse(struct spec *sp)
{
	size_t i = skip_space(sp, 0, sp->n), arrow = SIZE_MAX;

	if (i == sp->n) {
		kf_error(sp->d, loc(sp, 0, sp->n), "empty spec");
		kf_diag_hint(sp->d, "a spec is a call chain, innermost first, as in 'mount_subtree() => btrfs_mount()'");
		return -EINVAL;
	}
	for (;;) {
		i = skip_space(sp, i, sp->n);
		if (i == sp->n || is_arrow(sp, i)) {
			if (i == sp->n)
				kf_error(sp->d, loc(sp, arrow, arrow + 2), "'=>' must be followed by a frame");
			else if (arrow == SIZE_MAX)
				kf_error(sp->d, loc(sp, i, i + 2), "'=>' must follow a frame");
			else
				kf_error(sp->d, loc(sp, i, i + 2), "empty frame between two '=>'");
			return -EINVAL;
		}
		if (parse_frame(sp, i, &i))
			return -EINVAL;
		if (i == sp->n)
			break;
		if (!is_arrow(sp, i)) {
			if (sp->s[i] == ')')
				kf_error(sp->d, loc(sp, i, i + 1), "unmatched ')'");
			else
				kf_error(sp->d, loc(sp, i, i + 1), "unexpected '%c' after a frame", sp->s[i]);
			kf_diag_hint(sp->d, "frames are joined by '=>', innermost first");
			return -EINVAL;
		}
		arrow = i;
		i += 2;
	}
	/*
	 * inject.py takes a frame for the hook when its text is the hook's
	 * exactly, "should_failslab(struct kmem_cache *s, gfp_t gfpflags)":
	 * kfault wants the nameless form, which names the parameters its way.
	 */
	for (size_t k = 0; k < sp->nframes; k++) {
		const struct frame *f = &sp->frames[k];
		const struct kf_site *site = kf_site_by_kind(sp->opts->kind);
		const char *hook = site->func;

		if (f->name.hi - f->name.lo == strlen(hook) && memcmp(sp->s + f->name.lo, hook, strlen(hook)) == 0) {
			kf_error(sp->d, rloc(sp, f->name), "'%s' is the function %s fails, not a frame of the chain",
				 hook, site->injectpy_mode);
			kf_diag_hint(sp->d, "write its predicate as the first frame, without a name: "
				     "'(predicate) => ...', which sees %s%s%s", site->params[0].name,
				     site->nparams > 1 ? ", " : "", site->nparams > 1 ? site->params[1].name : "");
			return -EINVAL;
		}
	}
	/* a nameless frame is the hook's: the innermost one (inject.py misplaces any other) */
	for (size_t k = 1; k < sp->nframes; k++) {
		if (!sp->frames[k].name.hi) {
			kf_error(sp->d, rloc(sp, sp->frames[k].all),
				 "the hook's predicate (a frame without a name) must be the first frame");
			kf_diag_hint(sp->d, "frames are listed innermost first, and the hook is the innermost");
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- writing the native text ---- */

static void buf_string(struct kf_buf *b, const char *s, size_t n)
{
	kf_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			kf_buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			kf_buf_printf(b, "\\%03o", c);
		else
			kf_buf_putc(b, (char)c);
	}
	kf_buf_putc(b, '"');
}

static void emit_string(struct kf_xlate *x, struct kf_loc l, const char *fmt, const char *s)
{
	struct kf_buf b = {0};

	buf_string(&b, s, strlen(s));
	kf_xlate__emit(x, l, fmt, b.s);
	kf_buf_free(&b);
}

/*
 * The user's text [lo, hi) verbatim, but for white space that spans lines
 * (backslash-newline splices included): one space each, so that a
 * parameter list or predicate the shell got on two lines reads as one.
 */
static void copy_text(const struct spec *sp, struct kf_xlate *x, size_t lo, size_t hi)
{
	size_t seg = lo;

	for (size_t i = lo; i < hi; i++) {
		if (sp->s[i] == '\'' || sp->s[i] == '"') {
			i = quote_end(sp, i, hi);
		} else if (sp->s[i] == '/' && i + 1 < hi && sp->s[i + 1] == '*') {
			i = comment_skip(sp, i, hi) - 1;
		} else if (is_space(sp->s[i]) || is_splice(sp, i, hi)) {
			size_t j = skip_space(sp, i, hi);

			if (!memchr(sp->s + i, '\n', j - i)) {
				i = j - 1;
				continue;
			}
			kf_xlate__copy(x, loc(sp, seg, i), sp->s + seg, i - seg);
			kf_xlate__emit(x, loc(sp, i, j), " ");
			seg = j;
			i = j - 1;
		}
	}
	kf_xlate__copy(x, loc(sp, seg, hi), sp->s + seg, hi - seg);
}

/* Past the ')' that closes the '(' at open, within hi (the group is known to be balanced). */
static size_t close_paren(const struct spec *sp, size_t open, size_t hi)
{
	size_t depth = 0;

	for (size_t i = open; i < hi; i++) {
		char c = sp->s[i];

		if (c == '\'' || c == '"')
			i = quote_end(sp, i, hi);
		else if (c == '/' && i + 1 < hi && sp->s[i + 1] == '*')
			i = comment_skip(sp, i, hi) - 1;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return i + 1;
	}
	return hi;
}

/* The first ',' outside parentheses, strings and comments in [lo, hi), or hi. */
static size_t top_comma(const struct spec *sp, size_t lo, size_t hi)
{
	size_t depth = 0;

	for (size_t i = lo; i < hi; i++) {
		char c = sp->s[i];

		if (c == '\'' || c == '"')
			i = quote_end(sp, i, hi);
		else if (c == '/' && i + 1 < hi && sp->s[i + 1] == '*')
			i = comment_skip(sp, i, hi) - 1;
		else if (c == '(' || c == '[')
			depth++;
		else if ((c == ')' || c == ']') && depth)
			depth--;
		else if (c == ',' && !depth)
			return i;
	}
	return hi;
}

/*
 * STRCMP's literal at t, up to close (the index of STRCMP's ')'): 'text'
 * as in the docs, or the bare text the shell leaves when the docs' example
 * is pasted into it (the example's single quotes end the spec's). Written
 * as a native string; *after is past the literal.
 */
static int strcmp_literal(const struct spec *sp, struct kf_xlate *x, size_t t, size_t close,
			  size_t *after)
{
	size_t lo, hi, u;

	if (t < close && sp->s[t] == '"') {
		kf_error(sp->d, loc(sp, t, quote_end(sp, t, close) + 1),
			 "STRCMP's literal is in single quotes in an inject.py spec");
		kf_diag_hint(sp->d, "write STRCMP(ptr, 'literal'): inject.py would compare the double quotes too");
		return -EINVAL;
	}
	if (t < close && sp->s[t] == '\'') {
		lo = t + 1;
		hi = quote_end(sp, t, close);
		if (hi == close) {
			kf_error(sp->d, loc(sp, t, t + 1), "missing terminating ' character");
			return -EINVAL;
		}
		u = skip_space(sp, hi + 1, close);
		if (u != close) {
			kf_error(sp->d, loc(sp, u, u + 1), "expected ')' after STRCMP's literal");
			return -EINVAL;
		}
		*after = hi + 1;
	} else {
		lo = t;
		hi = trim_end(sp, t, close);
		if (lo == hi) {
			kf_error(sp->d, loc(sp, t, close + 1), "STRCMP needs a literal: STRCMP(ptr, 'literal')");
			return -EINVAL;
		}
		for (u = lo; u < hi; u++) {
			if (strchr("'\"(),\\\n", sp->s[u])) {
				kf_error(sp->d, loc(sp, lo, hi), "STRCMP's literal must be in single quotes");
				kf_diag_hint(sp->d, "write STRCMP(ptr, 'literal')");
				return -EINVAL;
			}
		}
		*after = hi;
	}
	/* the text between the quotes is a C string's: only '"' needs escaping */
	kf_xlate__emit(x, loc(sp, t, t + 1), "\"");
	u = lo;
	for (size_t i = lo; i < hi; i++) {
		if (sp->s[i] == '\\' && i + 1 < hi && sp->s[i + 1] == '\'') {
			kf_xlate__copy(x, loc(sp, u, i), sp->s + u, i - u);
			kf_xlate__emit(x, loc(sp, i, i + 2), "'");
			u = ++i + 1;
		} else if (sp->s[i] == '\\' && i + 1 < hi) {
			i++;
		} else if (sp->s[i] == '"') {
			kf_xlate__copy(x, loc(sp, u, i), sp->s + u, i - u);
			kf_xlate__emit(x, loc(sp, i, i + 1), "\\\"");
			u = i + 1;
		}
	}
	kf_xlate__copy(x, loc(sp, u, hi), sp->s + u, hi - u);
	kf_xlate__emit(x, loc(sp, *after - 1, *after), "\"");
	return 0;
}

/* A predicate's text [lo, hi): the user's C, with STRCMP's literals made native strings. */
static int copy_pred(const struct spec *sp, struct kf_xlate *x, size_t lo, size_t hi)
{
	size_t seg = lo;

	for (size_t i = lo; i < hi;) {
		char c = sp->s[i];
		size_t j, k, close, comma;

		if (c == '\'' || c == '"') {
			i = quote_end(sp, i, hi) + 1;
			continue;
		}
		if (c == '/' && i + 1 < hi && sp->s[i + 1] == '*') {
			i = comment_skip(sp, i, hi);
			continue;
		}
		if (c == '(' && (k = skip_space(sp, i + 1, hi)) < hi && sp->s[k] == '{') {
			kf_error(sp->d, loc(sp, i, k + 1),
				 "a predicate is an expression: GNU C's '({ ... })' cannot be used");
			kf_diag_hint(sp->d, "kfault reads kernel memory itself: write the members out, "
				     "as in bio->bi_bdev->bd_dev (docs/compat.md)");
			return -EINVAL;
		}
		if (!is_ident_start(c) || (i > lo && is_ident(sp->s[i - 1]))) {
			i++;
			continue;
		}
		for (j = i; j < hi && is_ident(sp->s[j]); j++)
			;
		k = skip_space(sp, j, hi);
		if (j - i != 6 || memcmp(sp->s + i, "STRCMP", 6) != 0 || k == hi || sp->s[k] != '(') {
			i = j;
			continue;
		}
		close = close_paren(sp, k, hi) - 1;
		comma = top_comma(sp, k + 1, close);
		if (comma == close) {
			kf_error(sp->d, loc(sp, i, close + 1), "STRCMP takes a pointer and a literal: STRCMP(ptr, 'literal')");
			return -EINVAL;
		}
		k = skip_space(sp, comma + 1, close);
		copy_text(sp, x, seg, k);
		if (strcmp_literal(sp, x, k, close, &seg))
			return -EINVAL;
		i = seg;
	}
	copy_text(sp, x, seg, hi);
	return 0;
}

/* SyS_x and sys_x, the names of syscalls before 4.17, as the arch names them now. */
static char *syscall_name(const struct spec *sp, struct range name)
{
#ifdef SYSCALL_PREFIX
	const char *s = sp->s + name.lo;
	size_t n = name.hi - name.lo;
	char *old, *now;

	if (n <= 4 || (memcmp(s, "SyS_", 4) != 0 && memcmp(s, "sys_", 4) != 0))
		return NULL;
	old = kf_strndup(s, n);
	now = kf_strfmt("%s%s", SYSCALL_PREFIX, old + 4);
	/* a kernel function that really is named sys_x stays itself */
	if (sp->opts->btf && kf_btf__find_func(sp->opts->btf, old) >= 0 &&
	    kf_btf__find_func(sp->opts->btf, now) < 0) {
		free(old);
		free(now);
		return NULL;
	}
	kf_warning(sp->d, rloc(sp, name), "the syscall '%s' is '%s' since Linux 4.17: using '%s'",
		   old, now, now);
	kf_diag_hint(sp->d, "write '%s' in the spec to say so", now);
	free(old);
	return now;
#else
	(void)sp;
	(void)name;
	return NULL;
#endif
}

static int emit_call(const struct spec *sp, struct kf_xlate *x, const struct frame *f)
{
	struct range params = f->params.hi ? inner(sp, f->params) : f->params;
	char *now = syscall_name(sp, f->name);

	kf_xlate__emit(x, rloc(sp, f->all), "    call ");
	if (now)
		kf_xlate__emit(x, rloc(sp, f->name), "%s", now);
	else
		kf_xlate__copy(x, rloc(sp, f->name), sp->s + f->name.lo, f->name.hi - f->name.lo);
	free(now);
	if (params.lo != params.hi)
		copy_text(sp, x, f->params.lo, f->params.hi);
	if (f->pred.hi && !is_true(sp, f->pred)) {
		struct range r = inner(sp, f->pred);

		kf_xlate__emit(x, rloc(sp, f->pred), "\n        when ");
		if (copy_pred(sp, x, r.lo, r.hi))
			return -EINVAL;
	}
	kf_xlate__emit(x, rloc(sp, f->all), "\n");
	return 0;
}

/* s, quoted for a POSIX shell when it needs to be. */
static void buf_shell_word(struct kf_buf *b, const char *s)
{
	bool plain = *s;

	for (const char *p = s; *p; p++)
		if (!is_ident(*p) && !strchr("-./:=+,@%", *p))
			plain = false;
	if (plain) {
		kf_buf_puts(b, s);
		return;
	}
	kf_buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			kf_buf_puts(b, "'\\''");
		else
			kf_buf_putc(b, *p);
	}
	kf_buf_putc(b, '\'');
}

/* '# inject.py ARGS...': the command this text was translated from. */
static void emit_command(const struct spec *sp, struct kf_xlate *x, struct kf_loc whole)
{
	const struct kf_injectpy *o = sp->opts;
	struct kf_buf b = {0};
	char *spec = kf_strndup(sp->s, sp->n);
	size_t start = 0;

	kf_buf_puts(&b, "inject.py");
	for (size_t i = 0; i < o->nheaders; i++) {
		kf_buf_puts(&b, " -I ");
		buf_shell_word(&b, o->headers[i]);
	}
	if (o->probability) {
		kf_buf_puts(&b, " -P ");
		buf_shell_word(&b, o->probability);
	}
	if (o->count) {
		kf_buf_puts(&b, " -c ");
		buf_shell_word(&b, o->count);
	}
	kf_buf_printf(&b, " %s ", kf_site_by_kind(o->kind)->injectpy_mode);
	buf_shell_word(&b, spec);
	free(spec);
	/* a comment line each; no control character reaches the .fault text */
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			b.s[i] = '?';
	}
	for (size_t i = 0; i <= b.len; i++) {
		if (i < b.len && b.s[i] != '\n')
			continue;
		kf_xlate__emit(x, whole, "# %s%.*s\n", start ? "  " : "", (int)(i - start), b.s + start);
		start = i + 1;
	}
	kf_xlate__emit(x, whole, "# (the call chain is listed outermost caller first: the spec's order reversed)\n");
	kf_buf_free(&b);
}

static void percent_text(double percent, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%.10f", percent);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 1 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* The frames with a function name: the hook's own predicate is not one. */
static size_t named_frames(const struct spec *sp)
{
	size_t n = 0;

	for (size_t k = 0; k < sp->nframes; k++)
		n += sp->frames[k].name.hi != 0;
	return n;
}

static int emit_injection(struct spec *sp, struct kf_xlate *x)
{
	const struct kf_injectpy *o = sp->opts;
	size_t lo = skip_space(sp, 0, sp->n), hi = trim_end(sp, lo, sp->n);
	struct kf_loc whole = loc(sp, lo, hi);
	const struct frame *hook = sp->frames[0].name.hi ? NULL : &sp->frames[0];
	char pct[64];

	emit_command(sp, x, whole);
	kf_xlate__emit(x, whole, "inject %s", kf_site_by_kind(o->kind)->word);
	if (hook && !is_true(sp, hook->pred)) {
		struct range r = inner(sp, hook->pred);

		kf_xlate__emit(x, rloc(sp, hook->pred), " when ");
		if (copy_pred(sp, x, r.lo, r.hi))
			return -EINVAL;
	}
	kf_xlate__emit(x, whole, " {\n");
	for (size_t i = 0; i < o->nheaders; i++)
		emit_string(x, whole, i ? ", %s" : "    headers %s", o->headers[i]);
	if (o->nheaders)
		kf_xlate__emit(x, whole, "\n");
	for (size_t k = sp->nframes; k-- > 0;) {
		if (sp->frames[k].name.hi && emit_call(sp, x, &sp->frames[k]))
			return -EINVAL;
	}
	if (o->probability && o->percent < 100) {
		/* inject.py draws once per call of the outermost frame */
		percent_text(o->percent, pct, sizeof(pct));
		kf_xlate__emit(x, whole, "    probability %s%%%s\n", pct, named_frames(sp) ? " per call" : "");
	}
	if (o->times)
		kf_xlate__emit(x, whole, "    times %llu\n", o->times);
	if (o->pid)
		kf_xlate__emit(x, whole, "    target pid %d%s\n", o->pid, o->children ? " with children" : "");
	if (o->comm)
		emit_string(x, whole, "    target comm %s\n", o->comm);
	if (o->cgroup)
		emit_string(x, whole, "    target cgroup %s\n", o->cgroup);
	if (o->duration)
		kf_xlate__emit(x, whole, "    duration %s\n", o->duration);
	kf_xlate__emit(x, whole, "}\n");
	return 0;
}

int kf_injectpy__translate(const struct kf_source *src, struct kf_diags *d, struct kf_xlate *x,
			   void *ctx)
{
	struct spec sp = { .s = src->text, .n = src->len, .d = d, .opts = ctx };
	const char *nul = memchr(src->text, '\0', src->len);
	int err;

	kf_lines__init(&sp.lines, sp.s, sp.n);
	if (sp.n > KF_MAX_SOURCE) {
		kf_error(d, loc(&sp, KF_MAX_SOURCE, KF_MAX_SOURCE + 1),
			 "the spec is longer than %d bytes", KF_MAX_SOURCE);
		err = -EINVAL;
	} else if (nul) {
		kf_error(d, loc(&sp, (size_t)(nul - sp.s), (size_t)(nul - sp.s) + 1), "NUL byte in the spec");
		err = -EINVAL;
	} else {
		err = parse(&sp);
	}
	if (!err)
		err = emit_injection(&sp, x);
	free(sp.frames);
	kf_lines__fini(&sp.lines);
	return err;
}
