/* SPDX-License-Identifier: MIT */
/*
 * Build: generated BPF C to a BPF object, in process.
 *
 * Kernel types come from BTF (/sys/kernel/btf/vmlinux, or opts.btf_path,
 * such as a kernel build's vmlinux), dumped as the vmlinux.h the generated C
 * includes, or in headers mode (opts.kernel_headers) from a kernel tree's
 * headers (docs/build.md); the templates are served from memory; clang runs in a forked
 * child (compiler/clang_compile.cpp). Clang's diagnostics about generated
 * lines are reported at the DSL line that produced them, with the generated
 * line as a hint.
 */
#ifndef KFAULT_BUILD_H
#define KFAULT_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "clang_compile.h"	/* KF_OPTS */
#include "frontend.h"

struct kf_btf;

struct kf_build_opts {
	size_t sz;
	const char *btf_path;		/* NULL: /sys/kernel/btf/vmlinux */
	struct kf_btf *btf;		/* already open (then btf_path is unused) */
	bool in_process;		/* compile in this process: see kf_cc_compile() */
	/*
	 * Headers mode: compile against this kernel build or headers tree
	 * (docs/build.md) instead of a vmlinux.h from BTF. NULL: BTF mode.
	 */
	const char *kernel_headers;
	/*
	 * BTF mode starts from the bpf headers precompiled when kfault was
	 * built. no_pch: compile them instead (slower, the same object).
	 * pch, pch_size: another PCH to try (tests). Whenever clang cannot
	 * use the PCH, the build compiles without it and says why in
	 * kf_object.log.
	 */
	bool no_pch;
	const void *pch;
	size_t pch_size;
	size_t :0;
};

struct kf_object {
	void *data;			/* the BPF ELF object */
	size_t size;
	char *log;			/* what a user may want to know (--verbose); or NULL */
};

/*
 * Build the generated program of a compiled unit. Returns 0, -EINVAL when
 * the diagnostics (in u->diags) hold errors, another negative errno with a
 * message in u->diags otherwise.
 */
int kf_build(struct kf_unit *u, const struct kf_build_opts *opts, struct kf_object *out);

/*
 * The vmlinux.h a unit's program includes: only the types it needs (the
 * templates' and libbpf's, the probed functions' parameter types, the
 * structs its predicates read through, cast types and enumerators), from
 * the BTF sema checked the unit against. 0, or a negative errno with an
 * error in u->diags.
 */
int kf_build_header(struct kf_unit *u, struct kf_btf *btf, char **header, size_t *len);

/*
 * The clang arguments of headers mode for the kernel tree dir, in *args
 * (*nargs of them; free with kf_build_free_args()). 0, or -ENOENT with an
 * error in d when dir is no kernel build or headers tree.
 */
int kf_build_kernel_headers_args(struct kf_diags *d, const char *dir, char ***args, size_t *nargs);
void kf_build_free_args(char **args, size_t nargs);

/* Open kernel BTF (NULL: /sys/kernel/btf/vmlinux); on failure an error in d. */
struct kf_btf *kf_build_open_btf(struct kf_diags *d, const char *path);
void kf_object_fini(struct kf_object *o);

#endif
