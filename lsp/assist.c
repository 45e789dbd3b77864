// SPDX-License-Identifier: MIT
/*
 * Completion and hover (lsp/internal.h): what the word at the cursor can
 * be, from the tokens before it, and what the kernel's BTF says of it.
 *
 * A file being typed rarely parses, so the context is read from a light
 * scan of the text before the cursor (identifiers, numbers, strings,
 * punctuation; comments skipped): after 'call' come kernel functions,
 * after 'inject' failure kinds, in a predicate the parameters in scope, and
 * after '->' or '.' the members of what stands before it. For those two
 * the predicate's head (its 'call NAME(PARAMS) when' or 'inject SITE ...
 * when') and the expression before the cursor are copied into a small
 * file of their own, ending in a placeholder name, which the front end
 * parses and checks against BTF: parameters and types are then exactly
 * what sema makes of them (taken from the prototype when not written,
 * members through typedefs, arrays and anonymous members), whatever the
 * rest of the document holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf_types.h"
#include "internal.h"
#include "knames.h"
#include "ksyms.h"
#include "parse.h"
#include "sema.h"
#include "sema_btf.h"
#include "sites.h"
#include "util.h"

/* Functions offered at most per completion (the client asks again as the word grows). */
#define MAX_FUNCS	100
/* The name the cursor stands for in the small file. */
#define PLACEHOLDER	"lsp_cursor_"

/* ---- what the language offers ---- */

static const struct keyword {
	const char *word, *syntax, *doc;
} statements[] = {
	{ "call", "call FUNCTION [(PARAMS)] [when PREDICATE]",
	  "A frame of the call chain, outermost caller first: the injection fires only while "
	  "every frame is on the thread's stack." },
	{ "probability", "probability PERCENT [per call | per decision]",
	  "The chance of a failure: drawn at each decision (the default) or once per call of the "
	  "outermost frame." },
	{ "times", "times N | times unlimited", "The most failures to inject, exactly, over all threads." },
	{ "nth", "nth N", "Only the Nth decision may fail (counted from 1)." },
	{ "duration", "duration DURATION", "Stop after that long: 500ms, 30s, 2m, 1h30m, 2d." },
	{ "schedule", "schedule \"CRON\"",
	  "Arm for `duration` at each tick of a cron schedule (`*/5 * * * *`, `@every 1m`)." },
	{ "target", "target pid N [with children] | target comm \"NAME\" | target cgroup \"PATH\"",
	  "Who may see failures; without one, every process on the host." },
	{ "headers", "headers \"linux/NAME.h\", ...",
	  "Kernel headers the predicates need when built with --kernel-headers." },
}, followers[] = {
	/* words that follow another: "target" -> pid, comm, cgroup ... */
	{ "pid", "target", "target pid N [with children]: the process N, all its threads." },
	{ "comm", "target", "target comm \"NAME\": tasks whose command name is NAME." },
	{ "cgroup", "target", "target cgroup \"PATH\": tasks in the cgroup v2 directory and below it." },
	{ "call", "per", "probability P per call: one draw per call of the outermost frame." },
	{ "decision", "per", "probability P per decision: a draw at each decision (the default)." },
	{ "children", "with", "target pid N with children: N and every process it starts." },
	{ "unlimited", "times", "times unlimited: no limit (the default)." },
}, builtins[] = {
	{ "STRNCMP", "STRNCMP(string, \"literal\", length)",
	  "0 when the first `length` bytes of the kernel string equal the literal's (at most 64)." },
	{ "STRCMP", "STRCMP(string, \"literal\")",
	  "0 when the kernel string equals the literal (compared up to 64 bytes)." },
	{ "true", "true", "1" },
	{ "false", "false", "0" },
	{ "NULL", "NULL", "a null pointer" },
};

/* ---- a scan of the text before the cursor ---- */

enum tok_kind { T_IDENT, T_NUMBER, T_STRING, T_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t off, len;
};

struct scan {
	const char *text;
	struct tok *t;
	size_t n, cap;
	bool quiet;		/* the cursor is in a comment or a string */
	size_t word_lo;		/* where the word under the cursor starts (cursor: none) */
	bool has_word;
	size_t depth;		/* braces open at the cursor */
};

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static void add_tok(struct scan *sc, enum tok_kind kind, size_t off, size_t len)
{
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 64;
		sc->t = kf_realloc_array(sc->t, sc->cap, sizeof(*sc->t));
	}
	sc->t[sc->n++] = (struct tok){ kind, off, len };
}

/* Scan text[0..end): tokens, and whether end is inside a comment or string. */
static void scan(struct scan *sc, const char *text, size_t end)
{
	size_t i = 0;

	memset(sc, 0, sizeof(*sc));
	sc->text = text;
	while (i < end) {
		char c = text[i];
		size_t j = i + 1;

		if (c == '#' || (c == '/' && i + 1 < end && text[i + 1] == '/')) {
			while (j < end && text[j] != '\n')
				j++;
			if (j == end)
				sc->quiet = true;
		} else if (c == '/' && i + 1 < end && text[i + 1] == '*') {
			j = i + 2;
			while (j + 1 < end && !(text[j] == '*' && text[j + 1] == '/'))
				j++;
			if (j + 1 >= end) {
				sc->quiet = true;
				j = end;
			} else {
				j += 2;
			}
		} else if (c == '"' || c == '\'') {
			while (j < end && text[j] != c && text[j] != '\n')
				j += text[j] == '\\' && j + 1 < end ? 2 : 1;
			if (j >= end)
				sc->quiet = true;
			else
				j++;
			if (j > end)
				j = end;
			add_tok(sc, T_STRING, i, j - i);
		} else if (ident_start(c)) {
			while (j < end && ident_char(text[j]))
				j++;
			add_tok(sc, T_IDENT, i, j - i);
		} else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < end && text[i + 1] >= '0' &&
							text[i + 1] <= '9')) {
			while (j < end && (ident_char(text[j]) || text[j] == '.' || text[j] == '%'))
				j++;
			add_tok(sc, T_NUMBER, i, j - i);
		} else if (c == '-' && i + 1 < end && text[i + 1] == '>') {
			add_tok(sc, T_PUNCT, i, 2);
			j = i + 2;
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			add_tok(sc, T_PUNCT, i, 1);
			if (c == '{')
				sc->depth++;
			else if (c == '}' && sc->depth)
				sc->depth--;
		}
		i = j;
	}
	sc->word_lo = end;
	if (!sc->quiet && sc->n && sc->t[sc->n - 1].kind == T_IDENT &&
	    sc->t[sc->n - 1].off + sc->t[sc->n - 1].len == end) {
		sc->has_word = true;
		sc->word_lo = sc->t[sc->n - 1].off;
		sc->n--;	/* the word itself is not context */
	}
}

static bool is(const struct scan *sc, size_t i, const char *word)
{
	size_t n = strlen(word);

	return i < sc->n && sc->t[i].len == n && memcmp(sc->text + sc->t[i].off, word, n) == 0;
}

/* The token before index i that is not... (SIZE_MAX: none). */
static size_t before(size_t i)
{
	return i ? i - 1 : SIZE_MAX;
}

/* Whether token i ends an operand (so what follows is not one). */
static bool ends_operand(const struct scan *sc, size_t i)
{
	if (i >= sc->n)
		return false;
	if (sc->t[i].kind != T_PUNCT)
		return !is(sc, i, "when");
	return is(sc, i, ")") || is(sc, i, "]");
}

/* The index of the matching opener of the closer at i, walking back; SIZE_MAX if none. */
static size_t match_back(const struct scan *sc, size_t i)
{
	char close = sc->text[sc->t[i].off], open = close == ')' ? '(' : '[';
	int depth = 0;

	for (size_t j = i + 1; j-- > 0; ) {
		if (sc->t[j].kind != T_PUNCT)
			continue;
		if (sc->text[sc->t[j].off] == close && sc->t[j].len == 1)
			depth++;
		else if (sc->text[sc->t[j].off] == open && --depth == 0)
			return j;
	}
	return SIZE_MAX;
}

/*
 * The 'when' of the predicate token i is in, and in *head its 'call' or
 * 'inject'; SIZE_MAX when i is in none.
 */
static size_t predicate_of(const struct scan *sc, size_t i, size_t *head)
{
	size_t w = SIZE_MAX;
	int depth = 0;

	for (size_t j = i + 1; j-- > 0; ) {
		if (is(sc, j, ")") || is(sc, j, "]")) {
			depth++;
			continue;
		}
		if (is(sc, j, "(") || is(sc, j, "[")) {
			if (depth)
				depth--;
			continue;
		}
		if (depth)
			continue;
		if (is(sc, j, "{") || is(sc, j, "}") || is(sc, j, ";"))
			return SIZE_MAX;
		if (w == SIZE_MAX && is(sc, j, "when")) {
			w = j;
		} else if (is(sc, j, "call") || is(sc, j, "inject")) {
			*head = j;
			return w;
		}
	}
	return SIZE_MAX;
}

/* ---- the small file: a predicate's head and the expression at the cursor ---- */

struct probe {
	struct kf_source *src;
	struct kf_diags diags;
	struct kf_file *file;
	const struct kf_param *params;	/* the parameters in scope */
	int nparams;
	const char *func;		/* whose parameters they are */
	const struct kf_expr *at;	/* the placeholder's node */
};

static const struct kf_expr *find_placeholder(const struct kf_expr *e)
{
	const struct kf_expr *r = NULL;

	if (!e)
		return NULL;
	if ((e->kind == KF_EXPR_IDENT || e->kind == KF_EXPR_MEMBER) && e->name &&
	    strcmp(e->name, PLACEHOLDER) == 0)
		return e;
	if (e->lhs && (r = find_placeholder(e->lhs)))
		return r;
	if (e->rhs && (r = find_placeholder(e->rhs)))
		return r;
	for (int i = 0; i < e->nargs && !r; i++)
		r = find_placeholder(e->args[i]);
	return r;
}

/*
 * Check "HEAD EXPR" + placeholder, where HEAD is text[head_lo..when_hi)
 * ('call NAME(PARAMS) when' or 'inject SITE ... when') and EXPR is
 * text[expr_lo..expr_hi) (empty, or an operand followed by '->' or '.').
 * 0, or -ENOENT when it does not parse that far.
 */
static int probe(struct kf_lsp *s, struct probe *p, const struct scan *sc, size_t head,
		 size_t when, size_t expr_lo, size_t expr_hi)
{
	const char *text = sc->text;
	size_t head_lo = sc->t[head].off, when_hi = sc->t[when].off + sc->t[when].len;
	bool frame = is(sc, head, "call");
	struct kf_injection *inj;
	struct kf_buf b = {0};
	const struct kf_expr *pred = NULL;

	memset(p, 0, sizeof(*p));
	if (frame)
		kf_buf_puts(&b, "inject slab {\n");
	kf_buf_add(&b, text + head_lo, when_hi - head_lo);
	kf_buf_putc(&b, ' ');
	kf_buf_add(&b, text + expr_lo, expr_hi - expr_lo);
	kf_buf_puts(&b, PLACEHOLDER);
	kf_buf_puts(&b, frame ? "\n}\n" : " {\n}\n");
	p->src = kf_source__from_string("<cursor>", b.s, b.len);
	kf_buf_free(&b);
	if (!p->src)
		kf_oom();
	kf_diags__init(&p->diags, p->src);
	p->file = kf_parse(p->src, &p->diags);
	if (!p->file)
		kf_oom();
	kf_sema_kernel(p->file, &p->diags, s->btf, false, NULL);
	if (p->file->ninj != 1)
		return -ENOENT;
	inj = p->file->inj[0];
	if (frame) {
		for (int i = inj->nstmts; i-- > 0; ) {
			if (inj->stmts[i].kind != KF_STMT_CALL || !inj->stmts[i].frame)
				continue;
			pred = inj->stmts[i].frame->pred;
			p->params = inj->stmts[i].frame->params;
			p->nparams = inj->stmts[i].frame->nparams;
			p->func = inj->stmts[i].frame->func;
			break;
		}
	} else {
		pred = inj->pred;
		p->params = inj->params;
		p->nparams = inj->nparams;
		p->func = inj->func;
	}
	p->at = find_placeholder(pred);
	return p->at ? 0 : -ENOENT;
}

static void probe_fini(struct probe *p)
{
	kf_file_free(p->file);
	kf_diags__free(&p->diags);
	kf_source__free(p->src);
}

/* The operand before the '->' or '.' at token i: its first byte, or SIZE_MAX. */
static size_t operand_start(const struct scan *sc, size_t i)
{
	size_t j = before(i);

	for (;;) {
		if (j == SIZE_MAX)
			return SIZE_MAX;
		if (is(sc, j, "]")) {
			j = match_back(sc, j);
			if (j == SIZE_MAX)
				return SIZE_MAX;
			j = before(j);
			continue;
		}
		if (is(sc, j, ")")) {
			j = match_back(sc, j);
			return j == SIZE_MAX ? SIZE_MAX : sc->t[j].off;
		}
		if (sc->t[j].kind != T_IDENT)
			return SIZE_MAX;
		if (j > 0 && (is(sc, j - 1, "->") || is(sc, j - 1, "."))) {
			j = before(j - 1);
			continue;
		}
		return sc->t[j].off;
	}
}

static __u32 strip(struct kf_btf *btf, __u32 id)
{
	const struct btf_type *t = kf_btf__type_by_id(btf, id);

	while (id && t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = kf_btf__type_by_id(btf, id);
	}
	return id;
}

/*
 * The struct or union the member access e (lhs '->' or '.' name) reads
 * from: its BTF id, or 0 when its left side is not typed as one.
 */
static __u32 record_of(struct kf_btf *btf, const struct kf_expr *e)
{
	const struct kf_expr *l = e->lhs;
	const struct btf_type *t;
	__u32 id;

	if (!btf || !l || (!l->btf_id && !l->btf_ptr))
		return 0;
	if (e->arrow) {
		if (l->btf_ptr > 1)
			return 0;
		if (l->btf_ptr == 1) {
			id = (__u32)l->btf_id;
		} else {
			id = strip(btf, (__u32)l->btf_id);
			t = kf_btf__type_by_id(btf, id);
			if (!id || !t || !(btf_is_ptr(t) || btf_is_array(t)))
				return 0;
			id = btf_is_ptr(t) ? t->type : btf_array(t)->type;
		}
	} else {
		if (l->btf_ptr)
			return 0;
		id = (__u32)l->btf_id;
	}
	id = strip(btf, id);
	t = kf_btf__type_by_id(btf, id);
	return id && t && btf_is_composite(t) ? id : 0;
}

/* The record at token i ('->' or '.'), probed; 0 if it is none. */
static __u32 record_at(struct kf_lsp *s, const struct scan *sc, size_t i)
{
	size_t head, when = predicate_of(sc, i, &head), lo = operand_start(sc, i);
	struct probe p;
	__u32 id = 0;

	if (!s->btf || when == SIZE_MAX || lo == SIZE_MAX || lo < sc->t[when].off)
		return 0;
	if (!probe(s, &p, sc, head, when, lo, sc->t[i].off + sc->t[i].len) &&
	    p.at->kind == KF_EXPR_MEMBER)
		id = record_of(s->btf, p.at);
	probe_fini(&p);
	return id;
}

/* ---- completion items ---- */

static json_object *item(const char *label, int kind, const char *detail, const char *doc)
{
	json_object *o = json_object_new_object();

	lsp_set_str(o, "label", label);
	lsp_set_int(o, "kind", kind);
	if (detail)
		lsp_set_str(o, "detail", detail);
	if (doc) {
		json_object *m = json_object_new_object();

		lsp_set_str(m, "kind", "markdown");
		lsp_set_str(m, "value", doc);
		lsp_set(o, "documentation", m);
	}
	return o;
}

/* The item replaces the word typed so far with text. */
static void set_edit(struct kf_lsp *s, struct lsp_doc *d, json_object *o, size_t lo, size_t hi,
		     const char *text, bool snippet)
{
	json_object *e = json_object_new_object();

	lsp_set(e, "range", lsp_range(s, d, lo, hi));
	lsp_set_str(e, "newText", text);
	lsp_set(o, "textEdit", e);
	lsp_set_int(o, "insertTextFormat", snippet ? 2 : 1);
}

enum {
	KIND_FUNCTION = 3, KIND_FIELD = 5, KIND_VARIABLE = 6, KIND_KEYWORD = 14,
	KIND_SNIPPET = 15, KIND_ENUM_MEMBER = 20, KIND_CONSTANT = 21,
};

static bool has_prefix(const char *name, const char *prefix, size_t n)
{
	return strncmp(name, prefix, n) == 0;
}

static void add_words(json_object *list, const struct keyword *k, size_t n, const char *after,
		      int kind)
{
	for (size_t i = 0; i < n; i++)
		if (!after || strcmp(k[i].syntax, after) == 0)
			json_object_array_add(list, item(k[i].word, kind, after ? NULL : k[i].syntax,
							 k[i].doc));
}

/*
 * How well name matches what was typed (word, n bytes), lower is better,
 * or -1: a prefix, then a substring, then the letters in order
 * (case-insensitive, a letter after '_' or at the start counting as close).
 */
static long match_score(const char *name, const char *word, size_t n)
{
	const char *p = name, *sub;
	long gaps = 0;
	size_t len;

	if (!n || has_prefix(name, word, n))
		return (long)strlen(name);
	/* the letters in order first: most names fail here, and a substring has them */
	for (size_t i = 0; i < n; i++) {
		char c = word[i] | 0x20;
		const char *q = p;

		while (*q && (*q | 0x20) != c)
			q++;
		if (!*q)
			return -1;
		if (q != p && !(q > name && q[-1] == '_'))
			gaps++;
		p = q + 1;
	}
	len = strlen(name);
	if ((sub = strstr(name, word)))
		return 100000 + (sub - name) * 100 + (long)len;
	return 1000000 + gaps * 1000 + (long)len;
}

struct cand {
	long score;
	const char *name;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The MAX_FUNCS best matches of word among names[0..n), best first; their
 * count. Every name that matches at all is kept in s->matched: a word that
 * extends the last one (the next keystroke) can only match among those,
 * so only those are looked at then.
 */
static size_t best_names(struct kf_lsp *s, const char *const *names, size_t n, const char *word,
			 size_t wn, struct cand *best)
{
	size_t nbest = 0, worst = 0, nmatched = 0;
	const char **matched;

	if (s->matched_word && s->matched_in == names && strlen(s->matched_word) <= wn &&
	    has_prefix(word, s->matched_word, strlen(s->matched_word))) {
		names = s->matched;
		n = s->nmatched;
	}
	matched = kf_calloc(n ? n : 1, sizeof(*matched));
	for (size_t i = 0; i < n; i++) {
		long sc = match_score(names[i], word, wn);

		if (sc < 0)
			continue;
		matched[nmatched++] = names[i];
		if (nbest < MAX_FUNCS) {
			best[nbest++] = (struct cand){ sc, names[i] };
			if (nbest == MAX_FUNCS)
				for (size_t j = 0; j < nbest; j++)
					if (cmp_cand(&best[j], &best[worst]) > 0)
						worst = j;
			continue;
		}
		if (cmp_cand(&(struct cand){ sc, names[i] }, &best[worst]) >= 0)
			continue;
		best[worst] = (struct cand){ sc, names[i] };
		for (size_t j = 0; j < nbest; j++)
			if (cmp_cand(&best[j], &best[worst]) > 0)
				worst = j;
	}
	free(s->matched);
	free(s->matched_word);
	s->matched = matched;
	s->nmatched = nmatched;
	s->matched_word = kf_strndup(word, wn);
	qsort(best, nbest, sizeof(*best), cmp_cand);
	return nbest;
}

/*
 * "d_alloc_parallel(struct dentry *parent, const struct qstr *name, ...)":
 * the name and its parameters declared as the file would (the names the
 * generated code reserves renamed as sema renames them), for 'call'.
 */
static char *call_text(struct kf_lsp *s, const struct kf_btf_func *fn)
{
	struct kf_buf b = {0};

	kf_buf_puts(&b, fn->name);
	if (!fn->nparams)
		return kf_buf_steal(&b);
	kf_buf_putc(&b, '(');
	for (size_t i = 0; i < fn->nparams; i++) {
		char *name = kf_sema_btf_param_name(fn->params[i].name, i);
		char *decl = NULL;

		/* the declaration BTF's prototype has, unless the name changed */
		if (strcmp(name, fn->params[i].name))
			decl = kf_btf__type_str(s->btf, fn->params[i].type_id, name);
		kf_buf_printf(&b, "%s%s", i ? ", " : "", decl ? decl : fn->params[i].decl);
		free(decl);
		free(name);
	}
	kf_buf_putc(&b, ')');
	return kf_buf_steal(&b);
}

static const char **injectable(struct kf_lsp *s, size_t *n)
{
	if (!s->injectable_read) {
		s->injectable_read = true;
		for (size_t i = 0; i < s->nfuncs; i++) {
			if (kf_ksyms__error_type(s->ksyms, s->funcs[i]) < 0)
				continue;
			s->injectable = kf_realloc_array(s->injectable, s->ninjectable + 1,
							 sizeof(*s->injectable));
			s->injectable[s->ninjectable++] = s->funcs[i];
		}
	}
	*n = s->ninjectable;
	return s->injectable;
}

/* Kernel functions matching the word: after 'call', or after 'inject function' (site). */
static void add_functions(struct kf_lsp *s, struct lsp_doc *d, json_object *list,
			  const struct scan *sc, size_t off, bool site, bool args_follow)
{
	struct cand best[MAX_FUNCS];
	const char *const *names = s->funcs;
	size_t n = s->nfuncs, nbest;

	if (site) {
		size_t ni;
		const char **inj = injectable(s, &ni);

		if (ni) {
			names = inj;
			n = ni;
		}
	}
	nbest = best_names(s, names, n, sc->text + sc->word_lo, off - sc->word_lo, best);
	s->matched_in = names;
	for (size_t i = 0; i < nbest; i++) {
		struct kf_btf_func *fn;
		char *proto = NULL, *text = NULL, sort[24];
		json_object *o;
		int ei;

		if (kf_btf__func_proto(s->btf, best[i].name, &fn) == 0) {
			proto = kf_btf_func__prototype(fn);
			if (!site && !args_follow)
				text = call_text(s, fn);
			kf_btf_func__free(fn);
		}
		ei = kf_ksyms__error_type(s->ksyms, best[i].name);
		if (site && ei >= 0)
			text = kf_strfmt("%s returns %s", best[i].name, kf_ei_type_example(ei));
		o = item(best[i].name, KIND_FUNCTION, proto,
			 ei >= 0 ? kf_strfmt("error-injectable: `%s`", kf_ei_type_name(ei)) : NULL);
		snprintf(sort, sizeof(sort), "%05zu", i);
		lsp_set_str(o, "sortText", sort);
		lsp_set_str(o, "filterText", best[i].name);
		set_edit(s, d, o, sc->word_lo, off, text ? text : best[i].name, false);
		json_object_array_add(list, o);
		free(proto);
		free(text);
	}
}

/* The fields of record id (anonymous members' own, flattened), from byte offset base. */
static void add_members(struct kf_lsp *s, json_object *list, __u32 id, __u32 base_bits)
{
	const struct btf_type *t = kf_btf__type_by_id(s->btf, id);
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		__u32 bits = base_bits + btf_member_bit_offset(t, (__u32)i);
		const char *name = kf_btf__name_by_offset(s->btf, m[i].name_off);
		char *decl, *doc;

		if (!name || !*name) {
			add_members(s, list, strip(s->btf, m[i].type), bits);
			continue;
		}
		decl = kf_btf__type_str(s->btf, m[i].type, name);
		if (btf_member_bitfield_size(t, (__u32)i))
			doc = kf_strfmt("bit offset %u, a bitfield of %u bits (predicates cannot read bitfields)",
					bits, btf_member_bitfield_size(t, (__u32)i));
		else
			doc = kf_strfmt("offset %u", bits / 8);
		json_object_array_add(list, item(name, KIND_FIELD, decl, doc));
		free(decl);
		free(doc);
	}
}

static void add_params(json_object *list, const struct probe *p)
{
	for (int i = 0; i < p->nparams; i++) {
		char *decl, *doc;

		if (!p->params[i].name)
			continue;
		decl = kf_ctype_decl(&p->params[i].type, p->params[i].name);
		doc = kf_strfmt("parameter %d of `%s`%s", i + 1, p->func ? p->func : "?",
				p->params[i].from_btf ? " (from its BTF prototype)" : "");
		json_object_array_add(list, item(p->params[i].name, KIND_VARIABLE, decl, doc));
		free(decl);
		free(doc);
	}
}

json_object *lsp_complete(struct kf_lsp *s, struct lsp_doc *d, size_t off)
{
	json_object *r = json_object_new_object(), *list = json_object_new_array();
	size_t last, prev, head, when;
	bool incomplete = false;
	struct scan sc;

	scan(&sc, d->text, off);
	last = before(sc.n);
	prev = last == SIZE_MAX ? SIZE_MAX : before(last);
	if (sc.quiet)
		goto out;
	if (last != SIZE_MAX && (is(&sc, last, "->") || is(&sc, last, "."))) {
		__u32 id = record_at(s, &sc, last);

		if (id)
			add_members(s, list, id, 0);
	} else if (is(&sc, last, "call") || (is(&sc, last, "function") && is(&sc, prev, "inject"))) {
		if (s->btf) {
			bool args_follow = off < d->len && d->text[off] == '(';

			add_functions(s, d, list, &sc, off, is(&sc, last, "function"), args_follow);
			incomplete = true;
		}
	} else if (is(&sc, last, "inject")) {
		for (size_t i = 0; i < kf_nsites; i++) {
			char *doc = kf_strfmt("fails `%s` (returns %s): %s", kf_sites[i].func,
					      kf_sites[i].retval_text, kf_sites[i].what);

			json_object_array_add(list, item(kf_sites[i].word, KIND_KEYWORD,
							 kf_sites[i].params_c, doc));
			free(doc);
		}
		json_object_array_add(list, item("function", KIND_KEYWORD, "function NAME returns VALUE",
						 "fails a function of the kernel's error-injection list"));
	} else if (last != SIZE_MAX && sc.t[last].kind == T_IDENT &&
		   (is(&sc, last, "target") || is(&sc, last, "per") || is(&sc, last, "with") ||
		    is(&sc, last, "times")) &&
		   (when = predicate_of(&sc, last, &head)) == SIZE_MAX) {
		char *after = kf_strndup(sc.text + sc.t[last].off, sc.t[last].len);

		add_words(list, followers, KF_ARRAY_SIZE(followers), after, KIND_KEYWORD);
		free(after);
	} else if ((when = predicate_of(&sc, last, &head)) != SIZE_MAX && !ends_operand(&sc, last)) {
		struct probe p;

		if (!probe(s, &p, &sc, head, when, off, off))
			add_params(list, &p);
		probe_fini(&p);
		for (size_t i = 0; i < KF_ARRAY_SIZE(builtins); i++) {
			json_object *o = item(builtins[i].word, i < 2 ? KIND_FUNCTION : KIND_CONSTANT,
					      builtins[i].syntax, builtins[i].doc);

			if (i < 2 && s->snippets)
				set_edit(s, d, o, sc.word_lo, off, i == 0 ?
					 "STRNCMP(${1:string}, \"${2:literal}\", ${3:length})" :
					 "STRCMP(${1:string}, \"${2:literal}\")", true);
			json_object_array_add(list, o);
		}
	} else if (sc.depth > 0) {
		add_words(list, statements, KF_ARRAY_SIZE(statements), NULL, KIND_KEYWORD);
		if (last != SIZE_MAX && ends_operand(&sc, last) && predicate_of(&sc, last, &head) == SIZE_MAX &&
		    (is(&sc, before(last), "call") || is(&sc, last, ")")))
			json_object_array_add(list, item("when", KIND_KEYWORD, "when PREDICATE",
							 "a condition on the frame's parameters"));
	} else {
		json_object_array_add(list, item("inject", KIND_KEYWORD,
						 "inject slab|page|bio|function NAME returns VALUE { ... }",
						 "an injection: what to fail, under which calls, for whom"));
	}
out:
	free(sc.t);
	lsp_set(r, "isIncomplete", json_object_new_boolean(incomplete));
	lsp_set(r, "items", list);
	return r;
}

/* ---- hover ---- */

static json_object *hover_md(struct kf_lsp *s, struct lsp_doc *d, size_t lo, size_t hi, char *md)
{
	json_object *r = json_object_new_object(), *c = json_object_new_object();

	lsp_set_str(c, "kind", "markdown");
	lsp_set_str(c, "value", md);
	lsp_set(r, "contents", c);
	lsp_set(r, "range", lsp_range(s, d, lo, hi));
	free(md);
	return r;
}

/* What the kernel says of function name: prototype, error-injection type. */
static char *function_doc(struct kf_lsp *s, const char *name)
{
	struct kf_buf b = {0};
	struct kf_btf_func *fn;
	const char *why, *source;
	int ei;

	if (kf_btf__func_proto(s->btf, name, &fn) == 0) {
		char *proto = kf_btf_func__prototype(fn);

		kf_buf_printf(&b, "```c\n%s\n```\n", proto);
		free(proto);
		kf_btf_func__free(fn);
	} else if (kf_ksyms__lookup(s->ksyms, name) == KF_KSYM_FUNC) {
		kf_buf_printf(&b, "`%s`: a function of this kernel that its BTF has no prototype of\n", name);
	} else {
		const char *near = kf_ksyms__suggest(s->ksyms, name);

		kf_buf_printf(&b, "`%s` is not a function of this kernel", name);
		if (near)
			kf_buf_printf(&b, "; did you mean `%s`?", near);
		kf_buf_putc(&b, '\n');
		return kf_buf_steal(&b);
	}
	source = kf_ksyms__error_list(s->ksyms, &why);
	ei = kf_ksyms__error_type(s->ksyms, name);
	if (ei >= 0)
		kf_buf_printf(&b, "\nOn the kernel's error-injection list, type `%s`: "
			      "`inject function %s returns VALUE` fails it with %s (e.g. `%s`).\n",
			      kf_ei_type_name(ei), name, kf_ei_type_means(ei), kf_ei_type_example(ei));
	else if (source)
		kf_buf_puts(&b, "\nNot on the kernel's error-injection list: a `call` frame, "
			    "not an `inject function` site.\n");
	else
		kf_buf_printf(&b, "\nWhether it is on the error-injection list is unknown here: %s.\n", why);
	return kf_buf_steal(&b);
}

static char *member_doc(struct kf_lsp *s, __u32 rec, const char *name)
{
	struct kf_btf_member m;
	char *decl, *rname, *md;

	if (kf_btf__member(s->btf, rec, name, &m))
		return NULL;
	decl = kf_btf__type_str(s->btf, m.type_id, name);
	rname = kf_btf__type_str(s->btf, rec, NULL);
	if (m.bitfield_size)
		md = kf_strfmt("```c\n%s : %u;\n```\nmember of `%s`, bit offset %u (a bitfield: predicates "
			       "cannot read it)", decl ? decl : name, m.bitfield_size, rname ? rname : "?",
			       m.bit_offset);
	else
		md = kf_strfmt("```c\n%s;\n```\nmember of `%s`, offset %u", decl ? decl : name,
			       rname ? rname : "?", m.bit_offset / 8);
	free(decl);
	free(rname);
	return md;
}

json_object *lsp_hover(struct kf_lsp *s, struct lsp_doc *d, size_t off)
{
	size_t lo = off, hi = off, last, prev, head, when;
	json_object *r = NULL;
	struct scan sc;
	char *word, *md = NULL;

	/* the word under the cursor, whole */
	while (lo > 0 && ident_char(d->text[lo - 1]))
		lo--;
	while (hi < d->len && ident_char(d->text[hi]))
		hi++;
	if (lo == hi || !ident_start(d->text[lo]))
		return NULL;
	scan(&sc, d->text, hi);
	if (sc.quiet || !sc.has_word) {
		free(sc.t);
		return NULL;
	}
	word = kf_strndup(d->text + lo, hi - lo);
	last = before(sc.n);	/* the word's own token was taken off */
	prev = last == SIZE_MAX ? SIZE_MAX : before(last);
	if ((is(&sc, last, "call") || (is(&sc, last, "function") && is(&sc, prev, "inject"))) && s->btf) {
		md = function_doc(s, word);
	} else if (is(&sc, last, "inject")) {
		const struct kf_site *site = kf_site_by_word(word);

		if (site)
			md = kf_strfmt("`inject %s`: fails `%s`, which then returns `%s` (%s).\n\n"
				       "Its parameters, for the site predicate: `%s`", site->word, site->func,
				       site->retval_text, site->what, site->params_c);
		else if (strcmp(word, "function") == 0)
			md = kf_strdup("`inject function NAME returns VALUE`: fails a function of the kernel's "
				       "error-injection list with VALUE (`kfault list --injectable`).");
	} else if (last != SIZE_MAX && (is(&sc, last, "->") || is(&sc, last, ".")) && s->btf) {
		__u32 rec = record_at(s, &sc, last);

		if (rec)
			md = member_doc(s, rec, word);
	} else if ((when = predicate_of(&sc, last, &head)) != SIZE_MAX) {
		struct probe p;

		if (!probe(s, &p, &sc, head, when, sc.t[when].off + 4, sc.t[when].off + 4)) {
			for (int i = 0; i < p.nparams && !md; i++) {
				char *decl;

				if (!p.params[i].name || strcmp(p.params[i].name, word))
					continue;
				decl = kf_ctype_decl(&p.params[i].type, p.params[i].name);
				md = kf_strfmt("```c\n%s\n```\nparameter %d of `%s`%s", decl, i + 1, p.func,
					       p.params[i].from_btf ? " (from its BTF prototype)" : "");
				free(decl);
			}
		}
		probe_fini(&p);
		for (size_t i = 0; i < 2 && !md; i++)
			if (strcmp(word, builtins[i].word) == 0)
				md = kf_strfmt("```\n%s\n```\n%s", builtins[i].syntax, builtins[i].doc);
	}
	for (size_t i = 0; i < KF_ARRAY_SIZE(statements) && !md; i++)
		if (strcmp(word, statements[i].word) == 0 &&
		    (predicate_of(&sc, last, &head) == SIZE_MAX || ends_operand(&sc, last)))
			md = kf_strfmt("```\n%s\n```\n%s", statements[i].syntax, statements[i].doc);
	if (md)
		r = hover_md(s, d, lo, hi, md);
	free(word);
	free(sc.t);
	return r;
}
