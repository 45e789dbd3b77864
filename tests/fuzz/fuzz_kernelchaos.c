// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the KernelChaos YAML front end (compiler/compat/kernelchaos.c),
 * YAML to native text to BPF C, and the diagnostics printer.
 *
 * Besides what the sanitizers catch and libFuzzer's -timeout, it aborts
 * when:
 *   - C was generated despite errors, or the C fails kf_gencheck();
 *   - a diagnostic points outside the input;
 *   - the native text of an input that compiled (what 'kfault convert'
 *     prints) does not compile on its own, without errors, to as many
 *     injections: text copied from the YAML must not be able to change
 *     what the translation means.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend.h"
#include "gencheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_locations(const struct kf_unit *u)
{
	int lines = 1;

	for (size_t i = 0; i < u->src->len; i++)
		lines += u->src->text[i] == '\n';
	for (size_t i = 0; i < u->diags.n; i++) {
		const struct kf_loc *l = &u->diags.v[i].loc;

		if (!l->first_line && !l->first_column && !l->last_line && !l->last_column)
			continue;	/* no location (KF_NOLOC): about the whole input */
		if (l->first_line < 1 || l->first_line > lines || l->first_column < 1 ||
		    l->last_line < l->first_line || l->last_line > lines) {
			fprintf(stderr, "fuzz_kernelchaos: diagnostic '%s' at %d:%d-%d:%d, outside %d lines\n",
				u->diags.v[i].message, l->first_line, l->first_column, l->last_line,
				l->last_column, lines);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct kf_source *src, *native;
	struct kf_unit u, n;
	char msg[512];
	int err;

	if (!sink)
		sink = fopen("/dev/null", "w");
	src = kf_source__from_string("fuzz/input.yaml", (const char *)data, size);
	if (!src)
		return 0;
	err = kf_unit__compile(&u, src);	/* takes src */
	check_locations(&u);
	if (!err && u.diags.errors) {
		fprintf(stderr, "fuzz_kernelchaos: generated C despite %d errors\n", u.diags.errors);
		abort();
	}
	if (!err && kf_gencheck(u.file, u.prog.text, u.prog.len, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_kernelchaos: generated C failed the check: %s\n", msg);
		fwrite(u.prog.text, 1, u.prog.len, stderr);
		abort();
	}
	if (!err) {
		native = kf_source__from_string("fuzz/native.fault", u.native->text, u.native->len);
		if (native) {
			int nerr = kf_unit__compile(&n, native);

			if (nerr || n.diags.errors || n.file->ninj != u.file->ninj) {
				fprintf(stderr, "fuzz_kernelchaos: the native text does not compile the same "
					"(%d, %d errors, %d injections, not %d):\n", nerr, n.diags.errors,
					n.file ? n.file->ninj : -1, u.file->ninj);
				fwrite(u.native->text, 1, u.native->len, stderr);
				kf_diags__print(&n.diags, stderr);
				abort();
			}
			kf_unit__fini(&n);
		}
	}
	if (sink)
		kf_diags__print(&u.diags, sink);
	kf_unit__fini(&u);
	return 0;
}
