// SPDX-License-Identifier: MIT
/* Make-style dependency files (see depfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depfile.h"
#include "util.h"

void kf_deps__add(struct kf_deps *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->paths[i], path) == 0)
			return;
	d->paths = kf_realloc_array(d->paths, d->n + 1, sizeof(*d->paths));
	d->paths[d->n++] = kf_strdup(path);
}

void kf_deps__add_headers(struct kf_deps *d, const struct kf_file *file,
			  const char *const *dirs, size_t ndirs)
{
	for (int i = 0; i < file->ninj; i++) {
		const struct kf_settings *set = &file->inj[i]->set;

		for (int h = 0; h < set->nheaders; h++) {
			for (size_t k = 0; k < ndirs; k++) {
				char *path = kf_strfmt("%s/%s", dirs[k], set->headers[h]);
				struct stat st;
				bool found = stat(path, &st) == 0 && S_ISREG(st.st_mode);

				if (found)
					kf_deps__add(d, path);
				free(path);
				if (found)
					break;
			}
		}
	}
}

/*
 * What no escape carries through make and ninja alike, so a path holding
 * one is refused: a line break ends the rule (the rest would be read as
 * rules of their own, with recipes); make drops a backslash that ninja
 * keeps; '=' makes make read the line as a variable assignment, '%' a
 * target a pattern; '*', '?' and '[' are make's wildcards.
 */
static const char refused[] = "\n\r\\=%*?[";

/*
 * A path as make reads it in a rule: a space, tab, '#' or ':' after a
 * backslash, '$' doubled; backslashes before them doubled too (what
 * GCC's -MD writes). Ninja's depfile reader takes the same.
 */
static void put_escaped(struct kf_buf *b, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '#' || s[i] == ':') {
			for (size_t k = i; k > 0 && s[k - 1] == '\\'; k--)
				kf_buf_putc(b, '\\');
			kf_buf_putc(b, '\\');
		} else if (s[i] == '$') {
			kf_buf_putc(b, '$');
		}
		kf_buf_putc(b, s[i]);
	}
}

char *kf_deps__format(const struct kf_deps *d, const char *target)
{
	struct kf_buf b = {0};

	put_escaped(&b, target);
	kf_buf_putc(&b, ':');
	for (size_t i = 0; i < d->n; i++) {
		kf_buf_puts(&b, " \\\n ");
		put_escaped(&b, d->paths[i]);
	}
	kf_buf_putc(&b, '\n');
	return kf_buf_steal(&b);
}

const char *kf_deps__unwritable(const struct kf_deps *d, const char *target, char *c)
{
	const char *bad = strpbrk(target, refused) ? target : NULL;

	for (size_t i = 0; i < d->n && !bad; i++)
		if (strpbrk(d->paths[i], refused))
			bad = d->paths[i];
	if (bad)
		*c = *strpbrk(bad, refused);
	return bad;
}

int kf_deps__write(const struct kf_deps *d, const char *target, const char *path)
{
	char *text;
	mode_t mask;
	int err;
	char c;

	if (kf_deps__unwritable(d, target, &c))
		return -EINVAL;
	text = kf_deps__format(d, target);
	/* as readable as any output (a temporary file is 0600) */
	mask = umask(0);
	umask(mask);
	err = kf_write_replace(path, text, strlen(text), 0666 & ~mask);
	free(text);
	return err;
}

void kf_deps__fini(struct kf_deps *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->paths[i]);
	free(d->paths);
	memset(d, 0, sizeof(*d));
}
