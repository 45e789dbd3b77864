// SPDX-License-Identifier: MIT
/* gencheck: nothing from the input escaped its place in generated C (see gencheck.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "gencheck.h"
#include "util.h"

/* A set of words: sorted, searched by bsearch. */
struct words {
	char **v;
	size_t n;
};

struct scan {
	const struct kf_file *file;
	const char *t;
	size_t len, i;
	int line;
	char *msg;
	size_t msglen;
	char nest[256];		/* open ( [ { */
	int depth;
	int nsec[6];		/* SEC("...") per section kind, see sec_kinds */
	struct words names;	/* every name the file uses */
};

static const char *const sec_kinds[] = {
	"kprobe/", "kretprobe/", "fentry/", "fexit/", "fmod_ret/", ".rodata.kfault",
};

/* Words the generated code never uses outside comments and literals. */
static const char *const forbidden[] = {
	"asm", "__asm", "__asm__", "_Pragma", "__attribute__", "__attribute",
	"__extension__", "goto", "while", "for", "do", "switch", "case", "default",
	"break", "continue", "typedef", "extern", "register", "auto", "_Static_assert",
	"static_assert", "_Generic", "__builtin_asm", "__label__",
};

__attribute__((format(printf, 2, 3)))
static int fail(struct scan *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->msg, s->msglen, "generated line %d: ", s->line);
	if (n < 0 || (size_t)n >= s->msglen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->msg + n, s->msglen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void words_add(struct words *w, const char *s, size_t n)
{
	if ((w->n & (w->n - 1)) == 0)
		w->v = kf_realloc_array(w->v, w->n ? 2 * w->n : 1, sizeof(*w->v));
	w->v[w->n++] = kf_strndup(s, n);
}

static int words_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void words_sort(struct words *w)
{
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), words_cmp);
}

static bool words_has(const struct words *w, const char *s, size_t n)
{
	char key[256];
	const char *k = key;

	if (n >= sizeof(key) || !w->n)
		return false;
	memcpy(key, s, n);
	key[n] = '\0';
	return bsearch(&k, w->v, w->n, sizeof(*w->v), words_cmp) != NULL;
}

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static bool is_c_ident(const char *s, size_t n)
{
	if (!n || !is_ident_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_ident(s[i]))
			return false;
	return true;
}

/* Every word of the C text t outside comments and literals (directives included). */
static void add_code_words(struct words *w, const char *t, size_t len)
{
	for (size_t i = 0; i < len;) {
		if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			const char *end = strstr(t + i + 2, "*/");

			i = end ? (size_t)(end - t) + 2 : len;
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
			while (i < len && t[i] != '\n')
				i++;
		} else if (t[i] == '"' || t[i] == '\'') {
			char q = t[i++];

			while (i < len && t[i] != q && t[i] != '\n')
				i += t[i] == '\\' ? 2 : 1;
			i++;
		} else if (is_ident_start(t[i])) {
			size_t start = i;

			while (i < len && is_ident(t[i]))
				i++;
			words_add(w, t + start, i - start);
		} else if (t[i] >= '0' && t[i] <= '9') {
			while (i < len && (is_ident(t[i]) || t[i] == '.'))
				i++;
		} else {
			i++;
		}
	}
}

/*
 * The words generated code may use besides the file's own names: those of
 * the templates it includes (embedded in the compiler, so this follows
 * them), and the few that lowering and the libbpf macros add.
 */
static const struct words *codegen_words(void)
{
	static struct words w;
	static const char *const extra[] = {
		"__auto_type", "BPF_KPROBE", "BPF_PROG", "BPF_CORE_READ",
		"unsigned", "long",	/* a trampoline probe's "unsigned long long *ctx" */
	};

	if (w.n)
		return &w;
	for (const struct kf_embedded *t = kf_templates; t->name; t++)
		add_code_words(&w, t->data, t->size);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		words_add(&w, extra[i], strlen(extra[i]));
	words_sort(&w);
	return &w;
}

static void add_name(struct words *w, const char *s)
{
	if (s)
		add_code_words(w, s, strlen(s));	/* "unsigned long": both words */
}

static void add_params(struct words *w, const struct kf_param *p, int n)
{
	for (int i = 0; i < n; i++) {
		add_name(w, p[i].name);
		add_name(w, p[i].type.base);
	}
}

/* Names in an expression (trees are at most KF_MAX_PRED_NODES: recursion is fine). */
static void add_expr(struct words *w, const struct kf_expr *e)
{
	if (!e)
		return;
	add_name(w, e->name);
	if (e->cast)
		add_name(w, e->cast->base);
	add_expr(w, e->lhs);
	add_expr(w, e->rhs);
	for (int i = 0; i < e->nargs; i++)
		add_expr(w, e->args[i]);
}

static void file_names(struct words *w, const struct kf_file *file)
{
	for (int i = 0; i < file->ninj; i++) {
		const struct kf_injection *inj = file->inj[i];

		add_name(w, inj->func);
		add_params(w, inj->params, inj->nparams);
		add_expr(w, inj->pred);
		for (int k = 0; k < inj->nframes; k++) {
			add_name(w, inj->frames[k]->func);
			add_params(w, inj->frames[k]->params, inj->frames[k]->nparams);
			add_expr(w, inj->frames[k]->pred);
		}
	}
	words_sort(w);
}

/* Whether codegen may write this word: its own, or one of the file's names. */
static bool known_word(const struct scan *s, const char *w, size_t n)
{
	/* generated names: kf0_site_kprobe, kf_knobs, KF_DEREF, BPF_CORE_READ, ___kf_p */
	if ((n > 2 && w[0] == 'k' && w[1] == 'f' && (w[2] == '_' || (w[2] >= '0' && w[2] <= '9'))) ||
	    (n > 3 && (strncmp(w, "KF_", 3) == 0 || strncmp(w, "BPF_", 4) == 0)) ||
	    (n > 6 && strncmp(w, "___kf_", 6) == 0))
		return true;
	return words_has(codegen_words(), w, n) || words_has(&s->names, w, n);
}

/* Whole-text checks: bytes, line splices, trigraphs. */
static int check_bytes(struct scan *s)
{
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->t[i];

		if (c == '\n') {
			s->line++;
			continue;
		}
		if (c != '\t' && (c < 0x20 || c >= 0x7f))
			return fail(s, "byte 0x%02x", c);
		if (c == '\\' && i + 1 < s->len && s->t[i + 1] == '\n')
			return fail(s, "a backslash ends the line (line splice)");
		if (c == '?' && i + 3 < s->len && s->t[i + 1] == '?' && s->t[i + 2] == '/' &&
		    s->t[i + 3] == '\n')
			return fail(s, "?\?/ ends the line (a line splice where trigraphs are on)");
	}
	s->line = 1;
	return 0;
}

static bool file_has_header(const struct kf_file *file, const char *h, size_t n)
{
	for (int i = 0; i < file->ninj; i++)
		for (int k = 0; k < file->inj[i]->set.nheaders; k++) {
			const char *x = file->inj[i]->set.headers[k];

			if (strlen(x) == n && memcmp(x, h, n) == 0)
				return true;
		}
	return false;
}

static bool file_has_function(const struct kf_file *file, const char *f, size_t n)
{
	for (int i = 0; i < file->ninj; i++) {
		const struct kf_injection *inj = file->inj[i];

		if (strlen(inj->func) == n && memcmp(inj->func, f, n) == 0)
			return true;
		for (int k = 0; k < inj->nframes; k++)
			if (strlen(inj->frames[k]->func) == n && memcmp(inj->frames[k]->func, f, n) == 0)
				return true;
	}
	return false;
}

/* A directive line, s->t[i..] up to the newline: only what codegen writes. */
static int check_directive(struct scan *s, size_t i, size_t end)
{
	static const char *const fixed[] = {
		"#ifdef KFAULT_KERNEL_HEADERS", "#else", "#endif", "#include <linux/types.h>",
		"#include \"vmlinux.h\"", "#include \"kfault.h\"", "#include \"kfault.bpf.h\"",
	};
	const char *d = s->t + i;
	size_t n = end - i;
	const char *def = "#define KF_NR_INJECTIONS ", *inc = "#include <";

	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		if (strlen(fixed[k]) == n && memcmp(fixed[k], d, n) == 0)
			return 0;
	if (n > strlen(def) && memcmp(d, def, strlen(def)) == 0) {
		for (size_t k = strlen(def); k < n; k++)
			if (d[k] < '0' || d[k] > '9')
				return fail(s, "bad directive '%.*s'", (int)n, d);
		return 0;
	}
	if (n > strlen(inc) + 1 && memcmp(d, inc, strlen(inc)) == 0 && d[n - 1] == '>' &&
	    file_has_header(s->file, d + strlen(inc), n - strlen(inc) - 1))
		return 0;
	return fail(s, "unexpected directive '%.*s'", (int)(n > 80 ? 80 : n), d);
}

static bool trigraph(const struct scan *s, size_t i)
{
	return i + 2 < s->len && s->t[i] == '?' && s->t[i + 1] == '?' &&
	       strchr("=/'()!<>-", s->t[i + 2]);
}

/* A string or character literal starting at s->i; leaves s->i after it. */
static int skip_literal(struct scan *s, size_t *start, size_t *n)
{
	char q = s->t[s->i];

	*start = ++s->i;
	for (; s->i < s->len; s->i++) {
		char c = s->t[s->i];

		if (c == '\n')
			break;
		if (trigraph(s, s->i))
			return fail(s, "trigraph ??%c in a literal", s->t[s->i + 2]);
		if (c == '\\') {
			s->i++;
			if (s->i < s->len && s->t[s->i] == '\n')
				break;
			continue;
		}
		if (c == q) {
			*n = s->i - *start;
			s->i++;
			return 0;
		}
	}
	return fail(s, "%s literal runs to the end of the line", q == '"' ? "string" : "character");
}

/* After the word SEC: ( "kind/NAME" ) */
static int check_sec(struct scan *s)
{
	size_t start, n;

	if (s->i >= s->len || s->t[s->i] != '(')
		return 0;	/* the word alone, as in a comment-free mention: not a section */
	s->i++;
	if (s->i >= s->len || s->t[s->i] != '"')
		return fail(s, "SEC( not followed by a string");
	if (skip_literal(s, &start, &n))
		return -1;
	if (s->i >= s->len || s->t[s->i] != ')')
		return fail(s, "SEC(\"...\" not closed right after the string");
	s->i++;
	for (size_t k = 0; k < sizeof(sec_kinds) / sizeof(sec_kinds[0]); k++) {
		size_t kl = strlen(sec_kinds[k]);

		if (n < kl || memcmp(s->t + start, sec_kinds[k], kl) != 0)
			continue;
		if (sec_kinds[k][kl - 1] != '/') {
			if (n != kl)
				break;
		} else if (!is_c_ident(s->t + start + kl, n - kl) ||
			   !file_has_function(s->file, s->t + start + kl, n - kl)) {
			return fail(s, "section '%.*s' names no function of the file", (int)n, s->t + start);
		}
		s->nsec[k]++;
		return 0;
	}
	return fail(s, "unexpected section '%.*s'", (int)(n > 80 ? 80 : n), s->t + start);
}

static int check_tokens(struct scan *s)
{
	bool bol = true;	/* nothing but white space and comments on this line yet */

	while (s->i < s->len) {
		char c = s->t[s->i];
		size_t start, n;

		if (c == '\n') {
			s->line++;
			bol = true;
			s->i++;
			continue;
		}
		if (c == ' ' || c == '\t') {
			s->i++;
			continue;
		}
		if (c == '/' && s->i + 1 < s->len && s->t[s->i + 1] == '*') {
			const char *end = NULL;

			for (size_t k = s->i + 2; k + 1 < s->len; k++) {
				if (s->t[k] == '*' && s->t[k + 1] == '/') {
					end = s->t + k;
					break;
				}
				if (s->t[k] == '/' && s->t[k + 1] == '*')
					return fail(s, "'/*' inside a comment");
			}
			if (!end)
				return fail(s, "unterminated comment");
			for (const char *p = s->t + s->i; p < end; p++)
				s->line += *p == '\n';
			s->i = (size_t)(end - s->t) + 2;
			continue;
		}
		if (c == '/' && s->i + 1 < s->len && s->t[s->i + 1] == '/') {
			while (s->i < s->len && s->t[s->i] != '\n')
				s->i++;
			continue;
		}
		if (c == '#') {
			size_t end = s->i;

			if (!bol)
				return fail(s, "'#' in the middle of a line");
			while (end < s->len && s->t[end] != '\n')
				end++;
			if (check_directive(s, s->i, end))
				return -1;
			s->i = end;
			continue;
		}
		bol = false;
		if (trigraph(s, s->i))
			return fail(s, "trigraph ??%c in code", s->t[s->i + 2]);
		if (c == '"' || c == '\'') {
			if (skip_literal(s, &start, &n))
				return -1;
			continue;
		}
		if (is_ident_start(c)) {
			start = s->i;
			while (s->i < s->len && is_ident(s->t[s->i]))
				s->i++;
			n = s->i - start;
			for (size_t k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++)
				if (strlen(forbidden[k]) == n && memcmp(forbidden[k], s->t + start, n) == 0)
					return fail(s, "the word '%s' in code", forbidden[k]);
			if (!known_word(s, s->t + start, n))
				return fail(s, "the word '%.*s' in code is neither codegen's nor the file's",
					    (int)(n > 80 ? 80 : n), s->t + start);
			if (n == 3 && memcmp(s->t + start, "SEC", 3) == 0 && check_sec(s))
				return -1;
			continue;
		}
		if (c >= '0' && c <= '9') {
			/* a preprocessing number: digits, letters, '.', and e+ e- p+ p- */
			while (s->i < s->len) {
				char d = s->t[s->i];

				if (is_ident(d) || d == '.')
					s->i++;
				else if ((d == '+' || d == '-') && strchr("eEpP", s->t[s->i - 1]))
					s->i++;
				else
					break;
			}
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (s->depth == (int)sizeof(s->nest))
				return fail(s, "nesting deeper than %zu", sizeof(s->nest));
			s->nest[s->depth++] = c;
		} else if (c == ')' || c == ']' || c == '}') {
			char open = c == ')' ? '(' : c == ']' ? '[' : '{';

			if (!s->depth || s->nest[s->depth - 1] != open)
				return fail(s, "unbalanced '%c'", c);
			s->depth--;
		}
		s->i++;
	}
	if (s->depth)
		return fail(s, "'%c' never closed", s->nest[s->depth - 1]);
	return 0;
}

/* One entry probe per frame and per site; the other kinds, none or as many as codegen means. */
static int check_sections(struct scan *s)
{
	int frames = 0, exits = 0, sites = s->file->ninj;

	for (int i = 0; i < s->file->ninj; i++) {
		const struct kf_injection *inj = s->file->inj[i];

		frames += inj->nframes;
		for (int k = 0; k < inj->nframes; k++) {
			bool seen = false;

			for (int j = 0; j < k; j++)
				seen |= strcmp(inj->frames[j]->func, inj->frames[k]->func) == 0;
			exits += !seen;
		}
	}
	if (s->nsec[0] != frames + sites)
		return fail(s, "%d kprobe sections, expected %d", s->nsec[0], frames + sites);
	if (s->nsec[1] != exits)
		return fail(s, "%d kretprobe sections, expected %d", s->nsec[1], exits);
	if (s->nsec[2] && s->nsec[2] != frames)
		return fail(s, "%d fentry sections, expected %d", s->nsec[2], frames);
	if (s->nsec[3] && s->nsec[3] != exits)
		return fail(s, "%d fexit sections, expected %d", s->nsec[3], exits);
	if (s->nsec[4] && s->nsec[4] != sites)
		return fail(s, "%d fmod_ret sections, expected %d", s->nsec[4], sites);
	if (s->nsec[5] > 1)
		return fail(s, "%d .rodata.kfault sections", s->nsec[5]);
	return 0;
}

int kf_gencheck(const struct kf_file *file, const char *text, size_t len, char *msg, size_t msglen)
{
	struct scan s = { .file = file, .t = text, .len = len, .line = 1, .msg = msg,
			  .msglen = msglen };
	int err;

	if (msglen)
		msg[0] = '\0';
	file_names(&s.names, file);
	err = check_bytes(&s) || check_tokens(&s) || check_sections(&s) ? -1 : 0;
	words_free(&s.names);
	return err;
}
