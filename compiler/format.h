/* SPDX-License-Identifier: MIT */
/*
 * The formatter (kfault fmt, and the language server's formatting): a
 * .fault source to its one canonical layout, like gofmt.
 *
 * The layout depends only on the syntax tree, its comments and where the
 * writer left blank lines between statements (at most one is kept):
 *
 *   # comments stay where they were, on their own line or after a statement
 *   inject slab when PREDICATE {
 *       call NAME(PARAMS)
 *           when PREDICATE
 *       times 10
 *   }
 *
 * Four spaces per level; a frame's predicate on the line below its 'call',
 * one level in; one space around binary operators, none after unary ones or
 * inside parentheses; one blank line between injections; no ';'. Values,
 * strings and numbers keep their spelling; the tree is printed, so the
 * formatted text parses to the same tree (checked before it is returned)
 * and formatting it again changes nothing.
 */
#ifndef KFAULT_FORMAT_H
#define KFAULT_FORMAT_H

#include <stddef.h>

#include "diag.h"

/*
 * Format src. diags must have been initialised on src (kf_diags__init);
 * the parse's diagnostics go there. On success returns 0 and sets *out to
 * the formatted text (malloc'd, NUL-terminated, *out_len bytes without the
 * NUL; the caller frees it). Returns -EINVAL when src does not parse
 * (lexical or syntax errors: they are in diags; as gofmt, what only sema
 * reports does not stop formatting), -ENOMEM, or -EPROTO with an error in
 * diags when the formatted text would not parse to the same tree (a bug in
 * the formatter: nothing is returned rather than a changed program).
 */
int kf_format(const struct kf_source *src, struct kf_diags *diags, char **out, size_t *out_len);

#endif
