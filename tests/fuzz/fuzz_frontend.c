// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the native front end, .fault text to BPF C (lexer, parser,
 * sema, lowering, codegen) and the diagnostics printer.
 *
 * Besides what the sanitizers catch (memory errors, leaks, undefined
 * behaviour, stack overflow) and libFuzzer's -timeout (hangs), every program
 * generated from an input that had no errors must pass kf_gencheck():
 * nothing from the input may escape its place in the C.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend.h"
#include "gencheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct kf_source *src;
	struct kf_unit u;
	char msg[512];
	int err;

	if (!sink)
		sink = fopen("/dev/null", "w");
	src = kf_source__from_string("fuzz/input.fault", (const char *)data, size);
	if (!src)
		return 0;
	err = kf_unit__compile(&u, src);	/* takes src */
	if (!err && kf_gencheck(u.file, u.prog.text, u.prog.len, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_frontend: generated C failed the check: %s\n", msg);
		fwrite(u.prog.text, 1, u.prog.len, stderr);
		abort();
	}
	if (!err && u.diags.errors) {
		fprintf(stderr, "fuzz_frontend: generated C despite %d errors\n", u.diags.errors);
		abort();
	}
	if (sink)
		kf_diags__print(&u.diags, sink);
	kf_unit__fini(&u);
	return 0;
}
