/* SPDX-License-Identifier: MIT */
/*
 * Code generation: a checked file to the BPF C of one program.
 *
 * The fixed code lives in templates/ (kfault.h, kfault.bpf.h), embedded in
 * the binary; the generator writes only the glue: the knob table with the
 * file's defaults, and one probe per frame and per failure site. Output is
 * deterministic, and each generated piece is preceded by a comment naming
 * the DSL line it comes from.
 */
#ifndef KFAULT_CODEGEN_H
#define KFAULT_CODEGEN_H

#include <stddef.h>

#include "ast.h"

struct kf_program {
	char *text;		/* the BPF C */
	size_t len;
	struct kf_loc *line_loc;	/* line_loc[n]: the DSL range of generated line n + 1 */
	int nlines;
};

int kf_codegen(const struct kf_file *file, struct kf_program *out);
void kf_program_fini(struct kf_program *p);

/*
 * Injection i of a checked file: its knobs and metadata as the generated C
 * initialises kf_knobs[i] and kf_meta[i], that is what the runtime reads of
 * it from the object (templates/kfault.h). The C is written from these.
 */
struct kf_knobs;
struct kf_meta;
void kf_codegen_injection(const struct kf_file *file, int i, struct kf_knobs *k,
			  struct kf_meta *m);

/* The embedded templates, by file name ("kfault.h", "kfault.bpf.h"). */
struct kf_embedded {
	const char *name;
	const char *data;
	size_t size;
};
const struct kf_embedded *kf_template(const char *name);
extern const struct kf_embedded kf_templates[];
/* The runtime half, compiled when kfault was built (build.c). */
extern const struct kf_embedded kf_runtime_objects[];
/* templates/kfault.pch.h precompiled when kfault was built (build.c). */
extern const struct kf_embedded kf_pch[];
/* libbpf's bpf/bpf_*.h, as kfault was built with (build.c serves them). */
extern const struct kf_embedded kf_bpf_headers[];

#endif
