/* SPDX-License-Identifier: MIT */
/*
 * What lsp/server.c (the protocol, documents, diagnostics) and
 * lsp/assist.c (completion and hover) share. Not installed.
 */
#ifndef KFAULT_LSP_INTERNAL_H
#define KFAULT_LSP_INTERNAL_H

#include <json-c/json.h>

#include "diag.h"
#include "frontend.h"
#include "lsp.h"

/* An open document. */
struct lsp_doc {
	char *uri;
	char *path;		/* the file name diagnostics and the front end see */
	char *text;		/* NUL-terminated, len bytes (may hold NULs) */
	size_t len;
	struct kf_lines lines;
	long long version;
	bool dirty;		/* changed since its diagnostics were published */
	bool compiled;		/* unit is of the current text */
	struct kf_unit unit;
};

struct kf_lsp {
	struct kf_lsp_opts opts;
	char *btf_path;		/* as asked for: --btf, or initializationOptions */
	bool initialized, shutdown, exited;
	/* what the client said it can do */
	bool utf8;		/* positions count bytes (else UTF-16 code units) */
	bool snippets;
	bool show_document;
	/* kernel BTF, opened at 'initialize' (NULL: none) */
	struct kf_btf *btf;
	const char *btf_used;	/* btf's path, for the front end (ksyms.h) */
	struct kf_ksyms *ksyms;
	const char *const *funcs;	/* BTF's function names, sorted */
	size_t nfuncs;
	const char **injectable;	/* those on the error-injection list */
	size_t ninjectable;
	bool injectable_read;
	/* the last completion of function names: the word, what matched it, among which names */
	char *matched_word;
	const char **matched;
	size_t nmatched;
	const char *const *matched_in;
	struct lsp_doc **docs;
	size_t ndocs;
	char *gen_dir;		/* where generated C is written for the editor, made when needed */
	int write_err;
};

/* Position (line, character in the client's encoding) <-> byte offset in d. */
size_t lsp_offset(const struct kf_lsp *s, const struct lsp_doc *d, int line, int character);
json_object *lsp_position(const struct kf_lsp *s, const struct lsp_doc *d, size_t off);
json_object *lsp_range(const struct kf_lsp *s, const struct lsp_doc *d, size_t lo, size_t hi);

/* The result of textDocument/completion at byte offset off of d. */
json_object *lsp_complete(struct kf_lsp *s, struct lsp_doc *d, size_t off);
/* The result of textDocument/hover there (NULL: nothing to say). */
json_object *lsp_hover(struct kf_lsp *s, struct lsp_doc *d, size_t off);

/* json-c's object setters, shorter. */
void lsp_set(json_object *o, const char *key, json_object *v);
void lsp_set_str(json_object *o, const char *key, const char *v);
void lsp_set_int(json_object *o, const char *key, long long v);

#endif
