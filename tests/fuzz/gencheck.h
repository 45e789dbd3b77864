/* SPDX-License-Identifier: MIT */
/*
 * gencheck: an independent check that nothing from a .fault file escaped
 * its place in the BPF C generated for it (issue 8, part 3).
 *
 * It scans the generated C as the C preprocessor would (comments, string
 * and character literals, line splices, directives) and checks:
 *
 *   - every byte is printable ASCII, a tab or a newline (no NUL, no
 *     control characters, nothing a terminal or an editor interprets);
 *   - no backslash ends a line (no line splice), nor does the trigraph
 *     ?\?/; no trigraph appears outside comments (in comments they are inert);
 *   - comments and literals end where they should: every comment and
 *     literal is closed, no literal spans a line, no comment holds "/" "*";
 *   - the only preprocessor directives are the ones codegen writes, and
 *     each #include <...> names a header the file declared;
 *   - outside comments and literals, every word is one codegen uses (a
 *     name starting with kf_, kfN, KF_ or BPF_, a word of the templates the
 *     program includes) or a name of the file (a function, parameter,
 *     member or type); and never asm, __asm__, _Pragma, __attribute__ and
 *     friends: injected code would have to be written in those words;
 *   - ( [ { nest properly, and the program holds one kprobe SEC("...") per
 *     frame and per site, kretprobes one per distinct frame function, and
 *     of fentry, fexit and fmod_ret either none or as many; each names a
 *     function of the file.
 *
 * The fuzzer (fuzz_frontend.c) aborts on a violation; kf_gencheck (the
 * command line around it) checks the hostile inputs in tests/hostile/.
 */
#ifndef KFAULT_GENCHECK_H
#define KFAULT_GENCHECK_H

#include <stddef.h>

#include "ast.h"

/*
 * Check generated C text against the checked file it was generated from.
 * Returns 0 when it is clean, else -1 with a message in msg.
 */
int kf_gencheck(const struct kf_file *file, const char *text, size_t len,
		char *msg, size_t msglen);

#endif
