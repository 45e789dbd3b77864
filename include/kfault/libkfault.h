/* SPDX-License-Identifier: MIT */
/*
 * libkfault: kfault as a library. Compile a .fault file (or a string) to
 * BPF C and a BPF object, with its diagnostics as data; then load, attach,
 * arm and read the counters of that object with the runtime of
 * <kfault/injector.h>, or run a command under it (<kfault/command.h>);
 * this header includes both.
 *
 *   struct kf_compilation *c;
 *   KF_COMPILE_OPTS(copts, .btf_path = "/sys/kernel/btf/vmlinux");
 *   int err = kf_compile_file("mount.fault", &copts, &c);
 *   if (c)
 *           kf_compilation__print_diags(c, stderr);   // errors, warnings
 *   if (err) ...                                      // -EINVAL: the file has errors
 *   size_t size;
 *   const void *obj = kf_compilation__object(c, &size);
 *
 *   KF_INJECTOR_OPTS(iopts, .backend = KF_BACKEND_AUTO);
 *   struct kf_injector *inj = kf_injector__open_mem(obj, size, "mount", &iopts);
 *   kf_injector__load(inj);            // needs CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN
 *   kf_injector__attach(inj);
 *   kf_injector__arm(inj, -1, true);   // -1: every injection
 *   ... kf_injector__stats(inj, 0, &st) ...
 *   kf_injector__detach(inj);          // probes gone, counters still readable
 *   kf_injector__destroy(inj);
 *   kf_compilation__free(c);
 *
 * Or run a command under it, as `kfault run FILE -- CMD` does, and get its
 * exit status (<kfault/command.h>):
 *
 *   struct kf_injector *inj = kf_injector__open_mem(obj, size, "mount", NULL);
 *   char *argv[] = { "./my-tool", "--mount", "/mnt", NULL };
 *   int status = kf_injector__run_command(inj, argv, NULL);  // < 0: did not run
 *   ... kf_injector__stats(inj, 0, &st) ...                  // what it got
 *   kf_injector__destroy(inj);
 *
 * Conventions are libbpf's: opaque objects with object__verb functions,
 * options structs that carry their size (declare them with the *_OPTS
 * macros, zero means the default), int functions returning 0 or a negative
 * errno, pointer functions returning NULL and setting errno.
 *
 * Link with `pkg-config --cflags --libs kfault`, or in CMake
 * find_package(kfault) and target_link_libraries(... kfault::libkfault).
 * See docs/api.md.
 */
#ifndef KFAULT_LIBKFAULT_H
#define KFAULT_LIBKFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "command.h"	/* a command under injection: kf_injector__run_command() */
#include "injector.h"	/* the runtime: struct kf_injector, kf_injector__*() */

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0": the version of the library (and of the kfault it came with). */
const char *kf_version(void);

struct kf_compile_opts {
	size_t sz;		/* sizeof(struct kf_compile_opts) */
	/*
	 * Kernel types: a vmlinux with a .BTF section or a raw BTF file.
	 * NULL: /sys/kernel/btf/vmlinux, the running kernel. The file is
	 * checked against these types and the object is built with them
	 * (CO-RE: it loads on other kernels whose types fit). As kfault
	 * does, the first read of a BTF file leaves an index of its types
	 * in ${KFAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kfault}/btf for
	 * the next (KFAULT_BTF_INDEX=off: none; see kfault(1)).
	 */
	const char *btf_path;
	/*
	 * Stop at the generated C: no object, no clang. BTF is then read
	 * (and the file checked against it) only when btf_path is set, as
	 * `kfault gen` does.
	 */
	bool no_object;
	/*
	 * Headers mode (kfault build --kernel-headers DIR): compile against
	 * this kernel build or headers tree instead of a vmlinux.h from BTF,
	 * so that predicates may use kernel macros and `headers` are
	 * included. NULL: BTF mode. See docs/build.md.
	 */
	const char *kernel_headers;
	size_t :0;
};

#define KF_COMPILE_OPTS(name, ...)					\
	struct kf_compile_opts name = {					\
		.sz = sizeof(struct kf_compile_opts), __VA_ARGS__	\
	}

enum kf_diag_level {
	KF_DIAG_ERROR = 0,
	KF_DIAG_WARNING = 1,
	KF_DIAG_NOTE = 2,
};

/*
 * One diagnostic. Valid as long as its compilation; handed out by pointer
 * only, so fields may be appended in later versions.
 */
struct kf_diagnostic {
	enum kf_diag_level level;
	const char *file;	/* the source's name, as given */
	int line, column;	/* where the range starts, 1-based (column in bytes); 0: no location */
	int end_line, end_column; /* where it ends, inclusive */
	const char *message;	/* without "file:line:col: error: " */
	const char *hint;	/* NULL when there is none */
};

/* The outcome of one compile: diagnostics, generated C, object. */
struct kf_compilation;

/*
 * Compile the .fault file at path ("-": standard input). A KernelChaos
 * YAML file is accepted too, as by `kfault build` (docs/compat.md); its
 * diagnostics point into the YAML.
 *
 * Returns 0 when the generated C (and, unless opts->no_object, the object)
 * was produced; -EINVAL when the diagnostics hold errors (in the file, or
 * kernel BTF that cannot be read: the diagnostic says which); another
 * negative errno on other failures (-ENOENT and friends when the file
 * cannot be read, -ENOMEM...). *out is set to a compilation the caller
 * frees with kf_compilation__free() whenever one could be made, failures
 * included, so that its diagnostics can be read; NULL otherwise (file not
 * readable, bad arguments, out of memory).
 *
 * The BPF compile runs in a forked child (clang's state stays out of the
 * caller's process), so it is safe to compile many times in a long-lived
 * process. Not thread-safe: one compile at a time per process.
 */
int kf_compile_file(const char *path, const struct kf_compile_opts *opts,
		    struct kf_compilation **out);

/*
 * The same for len bytes of source at text; name is what diagnostics and
 * the object call it (e.g. "inline.fault").
 */
int kf_compile_string(const char *name, const char *text, size_t len,
		      const struct kf_compile_opts *opts, struct kf_compilation **out);

/* Diagnostics in the order they print: errors first, each group in source order. */
size_t kf_compilation__diag_cnt(const struct kf_compilation *c);
/* Diagnostic i, or NULL (errno EINVAL) if out of range. */
const struct kf_diagnostic *kf_compilation__diag(const struct kf_compilation *c, size_t i);
int kf_compilation__error_cnt(const struct kf_compilation *c);
int kf_compilation__warning_cnt(const struct kf_compilation *c);

/*
 * Print the diagnostics as kfault does:
 *
 *   mount.fault:3:10: error: unknown function 'x'
 *       3 |     call x
 *         |          ^
 *      = hint: ...
 */
void kf_compilation__print_diags(const struct kf_compilation *c, FILE *out);

/* The generated BPF C (NUL-terminated, *len without the NUL), or NULL (errno ENOENT). */
const char *kf_compilation__c(const struct kf_compilation *c, size_t *len);
/* The BPF ELF object, or NULL (errno ENOENT) when none was built. */
const void *kf_compilation__object(const struct kf_compilation *c, size_t *size);

void kf_compilation__free(struct kf_compilation *c);

/* "error", "warning" or "note". */
const char *kf_diag_level_str(enum kf_diag_level level);

#ifdef __cplusplus
}
#endif

#endif /* KFAULT_LIBKFAULT_H */
