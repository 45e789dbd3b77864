// SPDX-License-Identifier: MIT
/*
 * kf_gencheck FILE.fault [OUT.bpf.c]: compile FILE with the front end, check
 * the generated C with kf_gencheck() (see gencheck.h) and write it to OUT.
 * Exit 0 when the file compiles and its C is clean, 1 otherwise (with the
 * diagnostics or the violation on stderr). The hostile-input tests
 * (tests/hostile/) run it before compiling OUT with clang.
 */
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "gencheck.h"

int main(int argc, char **argv)
{
	struct kf_source *src;
	struct kf_unit u;
	char msg[512];
	int err, status = 0;

	if (argc != 2 && argc != 3) {
		fputs("usage: kf_gencheck FILE.fault [OUT.bpf.c]\n", stderr);
		return 2;
	}
	src = kf_source__read(argv[1]);
	if (!src) {
		perror(argv[1]);
		return 1;
	}
	err = kf_unit__compile(&u, src);
	kf_diags__print(&u.diags, stderr);
	if (err) {
		fprintf(stderr, "kf_gencheck: %s: no program generated\n", argv[1]);
		status = 1;
	} else if (kf_gencheck(u.file, u.prog.text, u.prog.len, msg, sizeof(msg))) {
		fprintf(stderr, "kf_gencheck: %s: %s\n", argv[1], msg);
		status = 1;
	}
	if (!err && argc == 3) {
		FILE *f = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "w");

		if (!f || fwrite(u.prog.text, 1, u.prog.len, f) != u.prog.len) {
			perror(argv[2]);
			status = 1;
		}
		if (f && f != stdout)
			fclose(f);
	}
	kf_unit__fini(&u);
	return status;
}
