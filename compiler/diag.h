/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: every stage reports through here.
 *
 * A diagnostic names a source range (1-based line and byte column, the last
 * column inclusive), a severity and a message, and may carry a hint. They are
 * collected, never printed on the spot: kf_diags__print() prints errors before
 * warnings, each as
 *
 *   file:line:col: error: message
 *       6 |     when STRNCMP(nmae->name, "bananas", 8)
 *         |                  ^~~~
 *         = hint: did you mean 'name'?
 */
#ifndef KFAULT_DIAG_H
#define KFAULT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A source range; bison's location type (see grammar/parser.y). */
struct kf_loc {
	int first_line;
	int first_column;
	int last_line;
	int last_column;
};

/*
 * No location: for what is about the whole input or about kfault itself.
 * Printed as "file: error: message", without an excerpt.
 */
#define KF_NOLOC ((struct kf_loc){ 0, 0, 0, 0 })

enum kf_severity {
	KF_ERROR,
	KF_WARNING,
	KF_NOTE,
};

/* One input file held in memory, with its name for messages. */
struct kf_source {
	char *path;
	char *text;	/* NUL-terminated; may contain other NULs (see len) */
	size_t len;
};

struct kf_diag {
	enum kf_severity severity;
	struct kf_loc loc;
	char *message;
	char *hint;	/* NULL when there is none */
	/*
	 * A fix-it: replace the bytes of fix_loc with fix (NULL: none). Only
	 * the machine-readable formats (diag_json.c) carry it; the hint says
	 * it in words.
	 */
	char *fix;
	struct kf_loc fix_loc;
	int order;	/* reporting order, for a stable sort */
};

struct kf_diags {
	const struct kf_source *src;
	struct kf_diag *v;
	size_t n, cap;
	int errors, warnings;	/* all reported, kept or not */
	int dropped;		/* reported past KF_MAX_DIAGS and not kept */
	bool dropped_last;	/* the last one reported was dropped: so is its hint */
	/*
	 * Where src is a translation (compiler/compat/xlate.h): every location
	 * reported is mapped through this to the original input first.
	 */
	struct kf_loc (*map)(const void *ctx, struct kf_loc loc);
	const void *map_ctx;
};

/*
 * Limits that keep a hostile input from making kfault slow: a source is at
 * most KF_MAX_SOURCE bytes (kf_source__read stops reading after that and the
 * parser reports it), and at most KF_MAX_DIAGS errors and as many warnings
 * are kept and printed; the rest are counted.
 */
#define KF_MAX_SOURCE	(1024 * 1024)
#define KF_MAX_DIAGS	50

/*
 * Read a whole file ("-": standard input). A file longer than KF_MAX_SOURCE
 * is read no further than one byte past the limit: the parser reports it.
 */
struct kf_source *kf_source__read(const char *path);
struct kf_source *kf_source__from_string(const char *path, const char *text, size_t len);
void kf_source__free(struct kf_source *src);

/* Where each line of a text starts: byte offsets to line and column. */
struct kf_lines {
	size_t *start;		/* offset of each line's first byte */
	size_t n;
};

void kf_lines__init(struct kf_lines *l, const char *text, size_t len);
/* The 1-based line and byte column of offset off. */
void kf_lines__pos(const struct kf_lines *l, size_t off, int *line, int *col);
/* The location of bytes [lo, hi) (of byte lo when the range is empty). */
struct kf_loc kf_lines__loc(const struct kf_lines *l, size_t lo, size_t hi);
void kf_lines__fini(struct kf_lines *l);

void kf_diags__init(struct kf_diags *d, const struct kf_source *src);
void kf_diags__free(struct kf_diags *d);

/* Where loc is in the input the user wrote (see map above). */
struct kf_loc kf_diags__origin(const struct kf_diags *d, struct kf_loc loc);

/* Record a diagnostic. The message is printf-formatted. */
__attribute__((format(printf, 4, 5)))
void kf_diag(struct kf_diags *d, enum kf_severity sev, struct kf_loc loc,
	     const char *fmt, ...);
/* Attach a hint to the diagnostic recorded last. */
__attribute__((format(printf, 2, 3)))
void kf_diag_hint(struct kf_diags *d, const char *fmt, ...);

/* Attach a fix-it to the diagnostic recorded last: loc's text is to be replacement. */
void kf_diag_fixit(struct kf_diags *d, struct kf_loc loc, const char *replacement);
/*
 * "did you mean 'NEAR'?": the hint, and the fix-it that replaces loc (the
 * word written) with near.
 */
void kf_diag_suggest(struct kf_diags *d, struct kf_loc loc, const char *near);

__attribute__((format(printf, 3, 4)))
void kf_error(struct kf_diags *d, struct kf_loc loc, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void kf_warning(struct kf_diags *d, struct kf_loc loc, const char *fmt, ...);

/* Sort the diagnostics in the order kf_diags__print() prints them. */
void kf_diags__sort(struct kf_diags *d);

/*
 * Print all diagnostics, errors first, each group in source order. Bytes of
 * the input that are not printable are shown as spaces in source excerpts
 * and escaped in messages, so no input can send control sequences to a
 * terminal; a long line is shown around the range it is about.
 */
void kf_diags__print(struct kf_diags *d, FILE *out);

/* The note that ends the list when diagnostics were dropped: its format (dropped, max, max). */
#define KF_DROPPED_FMT "%d more diagnostics not shown (at most %d errors and %d warnings are)"

/*
 * Append a message as kf_diags__print() prints it: control bytes and bytes
 * that are not UTF-8 escaped (\n, \t, \xHH).
 */
struct kf_buf;
void kf_diag_put_message(struct kf_buf *b, const char *m);

/* How diagnostics are printed (--diagnostics-format). */
enum kf_diag_format {
	KF_DIAG_TEXT,	/* kf_diags__print() */
	KF_DIAG_JSON,	/* JSON lines: an object per diagnostic (diag_json.c) */
	KF_DIAG_SARIF,	/* one SARIF 2.1.0 log */
};

/* "text", "json" or "sarif": 0, or -EINVAL for another name. */
int kf_diag_format_parse(const char *name, enum kf_diag_format *fmt);
/*
 * Print all diagnostics in fmt, sorted as kf_diags__print() sorts them
 * (SARIF: a log with an empty list when there are none). 0 or -EIO.
 */
int kf_diags__print_as(struct kf_diags *d, enum kf_diag_format fmt, FILE *out);

/* The closest of names[0..n) to word by edit distance, or NULL if none is close. */
const char *kf_closest(const char *word, const char *const *names, size_t n);

#endif
