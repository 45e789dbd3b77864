/* SPDX-License-Identifier: MIT */
/*
 * Translations: how the compatibility front ends (KernelChaos YAML,
 * inject.py specs) reuse the native pipeline.
 *
 * A front end for a foreign format writes the equivalent native kfault
 * text into a struct kf_xlate, and says for every piece it writes which
 * range of the original input it stands for. The native text is then
 * parsed, checked and generated like any .fault file, and every location
 * the later stages report (diagnostics, the DSL-line comments of the
 * generated C, the line numbers in the object's metadata) is mapped back
 * to the original input through kf_xlate__map(): the user sees their YAML
 * line or their spec, never the translation.
 *
 *   kf_xlate__emit(x, loc, "call %s\n", name);    the whole piece -> loc
 *   kf_xlate__copy(x, loc, pred, len);            column for column -> loc
 *
 * Copy a piece verbatim (a predicate, a parameter list) when it is the
 * user's text unchanged, so errors inside it point at the exact column.
 */
#ifndef KFAULT_XLATE_H
#define KFAULT_XLATE_H

#include <stdbool.h>

#include "diag.h"
#include "util.h"

/* One line's worth of native text and where it came from. */
struct kf_xspan {
	int line;		/* native line */
	int first_col;		/* native columns, last one inclusive */
	int last_col;
	struct kf_loc from;	/* in the original input */
	bool verbatim;		/* columns map one to one from from.first_* */
};

struct kf_xlate {
	const struct kf_source *from;
	struct kf_buf text;	/* the native kfault text */
	struct kf_xspan *spans;	/* in native order */
	size_t nspans, cap;
	int line, col;		/* where the next native byte goes */
};

void kf_xlate__init(struct kf_xlate *x, const struct kf_source *from);
void kf_xlate__fini(struct kf_xlate *x);

/* Append printf-formatted native text standing for the original range from. */
__attribute__((format(printf, 3, 4)))
void kf_xlate__emit(struct kf_xlate *x, struct kf_loc from, const char *fmt, ...);
/*
 * Append len bytes of the user's text unchanged; from.first_line and
 * from.first_column say where its first byte is in the original input.
 * After a newline in text the original is taken to continue at column 1
 * of the next line.
 */
void kf_xlate__copy(struct kf_xlate *x, struct kf_loc from, const char *text, size_t len);

/*
 * The native text as a source, under the original's path (so that the
 * generated C names the user's file). NULL with errno set on failure.
 */
struct kf_source *kf_xlate__source(const struct kf_xlate *x);

/* A native range as a range of the original input (ctx: the kf_xlate). */
struct kf_loc kf_xlate__map(const void *ctx, struct kf_loc native);

#endif
