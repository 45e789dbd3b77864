// SPDX-License-Identifier: MIT
/*
 * Fuzz target: inject.py command lines (compiler/compat/injectpy.c) through the
 * whole front end. The first byte chooses the mode and options, the rest
 * is the spec:
 *
 *   bits 0-1  mode: kmalloc, bio, alloc_page, kmalloc
 *   bit 2     -P 0.25          bit 3  -c 7
 *   bit 4     -I linux/blkdev.h
 *   bit 5     --comm fuzz      bit 6  --pid 42 --children
 *
 * Besides what the sanitizers and libFuzzer's -timeout catch:
 * - every diagnostic lies inside the spec (line and column);
 * - a program generated from a spec passes kf_gencheck();
 * - the native text it was translated to compiles the same way (errors or
 *   not) to the same program, but for the lines that name the input
 *   (comments quoting it, and the metadata's .source, .line, .frame_lines);
 *   that native text is what 'kfault convert --inject-py' prints.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "gencheck.h"
#include "injectpy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The generated C without the lines that name its input. */
static char *normalize(const char *text, size_t len)
{
	struct kf_buf b = {0};
	bool comment = false;
	size_t i = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) + 1 : len - i;
		size_t sp = strspn(line, " \t");
		char *l = kf_strndup(line, n);

		i += n;
		if (comment) {
			comment = !strstr(l, "*/");
		} else if (sp < n && strncmp(line + sp, "/*", 2) == 0) {
			comment = !strstr(l + sp, "*/");
		} else if (!(sp < n && (strncmp(line + sp, ".source = ", 10) == 0 ||
					strncmp(line + sp, ".line = ", 8) == 0 ||
					strncmp(line + sp, ".frame_lines = ", 15) == 0))) {
			kf_buf_add(&b, line, n);
		}
		free(l);
	}
	kf_buf_add(&b, "", 0);
	return kf_buf_steal(&b);
}

/* Every diagnostic names a place inside src. */
static void check_locations(const struct kf_diags *d, const struct kf_source *src)
{
	size_t nlines = 1;

	for (size_t i = 0; i < src->len; i++)
		nlines += src->text[i] == '\n';
	for (size_t i = 0; i < d->n; i++) {
		const struct kf_loc *l = &d->v[i].loc;
		const char *line = src->text;
		size_t linelen;

		if (!l->first_line && !l->first_column && !l->last_line && !l->last_column)
			continue;	/* no location (KF_NOLOC): about the whole input */
		if (l->first_line < 1 || (size_t)l->first_line > nlines || l->last_line < l->first_line ||
		    (size_t)l->last_line > nlines || l->first_column < 1) {
			fprintf(stderr, "fuzz_injectpy: '%s' at %d:%d-%d:%d, outside the spec\n",
				d->v[i].message, l->first_line, l->first_column, l->last_line,
				l->last_column);
			abort();
		}
		for (int k = 1; k < l->first_line; k++)
			line = strchr(line, '\n') + 1;
		linelen = strcspn(line, "\n");
		/* one past the end: an error at the end of the spec */
		if ((size_t)l->first_column > linelen + 1) {
			fprintf(stderr, "fuzz_injectpy: '%s' at column %d of a line of %zu bytes\n",
				d->v[i].message, l->first_column, linelen);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const headers[] = { "linux/blkdev.h" };
	static FILE *sink;
	struct kf_injectpy o = {0};
	struct kf_source *src;
	struct kf_unit u, native;
	char msg[512];
	int err, nerr;

	if (!size)
		return 0;
	if (!sink)
		sink = fopen("/dev/null", "w");
	o.kind = (data[0] & 3) == 3 ? KF_SITE_SLAB : (enum kf_site_kind)(data[0] & 3);
	if (data[0] & 4 && !kf_injectpy__parse_probability("0.25", &o.percent))
		o.probability = "0.25";
	if (data[0] & 8 && !kf_injectpy__parse_count("7", &o.times))
		o.count = "7";
	if (data[0] & 16) {
		o.headers = headers;
		o.nheaders = 1;
	}
	if (data[0] & 32)
		o.comm = "fuzz";
	if (data[0] & 64) {
		o.pid = 42;
		o.children = true;
	}
	src = kf_source__from_string("<spec>", (const char *)data + 1, size - 1);
	if (!src)
		return 0;
	err = kf_unit__compile_as(&u, src, kf_injectpy__translate, &o, NULL);	/* takes src */
	check_locations(&u.diags, u.src);
	if (!err && u.diags.errors) {
		fprintf(stderr, "fuzz_injectpy: generated C despite %d errors\n", u.diags.errors);
		abort();
	}
	if (!err && kf_gencheck(u.file, u.prog.text, u.prog.len, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_injectpy: generated C failed the check: %s\n", msg);
		fwrite(u.prog.text, 1, u.prog.len, stderr);
		abort();
	}
	if (u.native) {
		/* the translation, compiled as the .fault file 'convert' prints */
		nerr = kf_unit__compile(&native, kf_source__from_string("fuzz/native.fault",
						u.native->text, u.native->len));
		if ((nerr == 0) != (err == 0)) {
			fprintf(stderr, "fuzz_injectpy: the spec %s, its native text %s:\n%s",
				err ? "fails" : "compiles", nerr ? "fails" : "compiles", u.native->text);
			kf_diags__print(&native.diags, stderr);
			abort();
		}
		if (!err) {
			char *a = normalize(u.prog.text, u.prog.len);
			char *b = normalize(native.prog.text, native.prog.len);

			if (strcmp(a, b) != 0) {
				fprintf(stderr, "fuzz_injectpy: the native text compiles to another program:\n%s",
					u.native->text);
				abort();
			}
			free(a);
			free(b);
		}
		kf_unit__fini(&native);
	}
	if (sink)
		kf_diags__print(&u.diags, sink);
	kf_unit__fini(&u);
	return 0;
}
