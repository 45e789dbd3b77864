// SPDX-License-Identifier: MIT
/*
 * A compiled unit as 'kfault explain' says it (runtime/explain.h): each
 * injection's knobs and metadata as its object would hold them
 * (kf_codegen_injection()), and what only the source has: the predicates
 * and the failure value as written, what a site's failure means.
 */
#include <errno.h>
#include <string.h>

#include "explain.h"
#include "frontend.h"
#include "sites.h"
#include "util.h"

/*
 * The text of range l of src on one line: its whitespace runs as one space,
 * its comments left out; string and character literals as they are.
 */
static char *text_of(const struct kf_source *src, struct kf_loc l)
{
	struct kf_buf b = {0};
	struct kf_lines lines;
	size_t lo, hi;
	char quote = 0;

	kf_lines__init(&lines, src->text, src->len);
	if (l.first_line < 1 || (size_t)l.last_line > lines.n || l.first_column < 1 ||
	    l.last_column < 1) {
		kf_lines__fini(&lines);
		return kf_strdup("");
	}
	lo = lines.start[l.first_line - 1] + (size_t)l.first_column - 1;
	hi = lines.start[l.last_line - 1] + (size_t)l.last_column;
	kf_lines__fini(&lines);
	hi = hi < src->len ? hi : src->len;
	for (size_t i = lo; i < hi; i++) {
		char c = src->text[i];

		if (quote) {
			kf_buf_putc(&b, c);
			if (c == '\\' && i + 1 < hi)
				kf_buf_putc(&b, src->text[++i]);
			else if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
			kf_buf_putc(&b, c);
		} else if (c == '#' || (c == '/' && i + 1 < hi && src->text[i + 1] == '/')) {
			while (i + 1 < hi && src->text[i + 1] != '\n')
				i++;
		} else if (c == '/' && i + 1 < hi && src->text[i + 1] == '*') {
			for (i += 2; i + 1 < hi && !(src->text[i] == '*' && src->text[i + 1] == '/'); i++)
				;
			i++;	/* at the closing '/' */
			if (b.len && b.s[b.len - 1] != ' ')
				kf_buf_putc(&b, ' ');
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (b.len && b.s[b.len - 1] != ' ')
				kf_buf_putc(&b, ' ');
		} else {
			kf_buf_putc(&b, c);
		}
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	return b.s ? kf_buf_steal(&b) : kf_strdup("");
}

int kf_unit__explain(const struct kf_unit *u, struct kf_explain *e)
{
	/* what the parser read: where the tree's locations are */
	const struct kf_source *text = u->native ? u->native : u->src;
	const struct kf_file *file = u->file;

	memset(e, 0, sizeof(*e));
	if (!file || u->diags.errors || file->ninj > KF_MAX_INJECTIONS)
		return -EINVAL;
	e->n = file->ninj;
	e->source_path = kf_strdup(u->src->path);
	for (int i = 0; i < file->ninj; i++) {
		const struct kf_injection *inj = file->inj[i];
		const struct kf_site *site = kf_site_by_kind(inj->kind);
		struct kf_explain_source *s = &e->src[i];

		kf_codegen_injection(file, i, &e->knobs[i], &e->meta[i]);
		if (site) {
			s->what = kf_strdup(site->what);
			s->retval = kf_strdup(site->retval_text);
		} else if (inj->retval) {
			s->retval = kf_strfmt("%s%s", inj->retval->negative ? "-" : "", inj->retval->text);
		}
		if (inj->pred)
			s->site_pred = text_of(text, inj->pred->loc);
		for (int f = 0; f < inj->nframes && f < KF_MAX_FRAMES; f++)
			if (inj->frames[f]->pred)
				s->frame_pred[f] = text_of(text, inj->frames[f]->pred->loc);
	}
	return 0;
}
