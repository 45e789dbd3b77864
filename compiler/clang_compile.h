/* In-process clang: BPF C source in memory -> BPF ELF object (with BTF and
 * .BTF.ext) in memory, diagnostics captured as data.
 *
 * Conventions follow libbpf: options structs carry their own size (declare
 * them with KF_OPTS), int functions return 0 or a negative errno, pointer
 * functions return NULL and set errno.
 *
 * Isolation. By default every compile runs in a forked child that sends the
 * object and diagnostics back over a pipe. LLVM 19's BPF CO-RE passes keep
 * process-wide state, and clang by design leaks some memory per compile, so
 * a long-lived process that compiles many programs must not run them all in
 * its own address space. The in-process mode (opts.in_process) exists for
 * one-shot tools and for measuring a warm compile; see kf_cc_compile().
 */
#ifndef KF_CLANG_COMPILE_H
#define KF_CLANG_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "opts.h"	/* KF_OPTS */

#ifdef __cplusplus
extern "C" {
#endif

/* A file served from memory at path name, relative to the current working
 * directory like the main file, so `#include "name"` in the main file finds
 * it. It shadows a real file of the same path. data need not be
 * NUL-terminated.
 */
struct kf_vfile {
	const char *name;
	const char *data;
	size_t size;
};

struct kf_cc_opts {
	size_t sz; /* sizeof(struct kf_cc_opts), set by KF_OPTS */
	/* Name of the main source file, as diagnostics and BTF line info
	 * show it; must not start with '-'. Default "kfault.bpf.c".
	 */
	const char *main_name;
	/* Extra in-memory files, typically "vmlinux.h". */
	const struct kf_vfile *files;
	size_t nfiles;
	/* Extra clang driver arguments, after the defaults
	 * (-target bpf -O2 -g -mcpu=v3 -D__TARGET_ARCH_<arch>).
	 */
	const char *const *extra_args;
	size_t nextra;
	/* Clang resource directory (stddef.h and friends). Default:
	 * $KFAULT_CLANG_RESOURCE_DIR, else the one LLVM was built with.
	 */
	const char *resource_dir;
	/* __TARGET_ARCH_ suffix for bpf_tracing.h ("x86", "arm64", ...).
	 * Default: the architecture kfault was built for.
	 */
	const char *target_arch;
	/* Compile in the calling process instead of a forked child. Only
	 * safe for one compile per process; see kf_cc_compile().
	 */
	bool in_process;
	/* Isolated mode: kill the child after this long. 0 = 300000 ms. */
	unsigned int timeout_ms;
	/* Parse and generate IR for this target triple ("x86_64-linux-gnu"),
	 * then optimise and generate code for BPF, as the kernel's
	 * samples/bpf do (clang -emit-llvm | llc -march=bpf): kernel headers
	 * hold inline asm for the kernel's architecture, which the BPF target
	 * rejects. NULL: BPF throughout.
	 */
	const char *frontend_target;
	/* BTF (.BTF, .BTF.ext) but no DWARF (.debug_*) in the object, for
	 * objects that keep only BTF anyway (libbpf's linker drops DWARF).
	 * Saves writing it, ~5% of a compile.
	 */
	bool no_dwarf;
	size_t :0;
};

enum kf_cc_severity {
	KF_CC_NOTE = 0, /* also clang's remarks */
	KF_CC_WARNING = 1,
	KF_CC_ERROR = 2, /* also fatal errors and internal failures */
};

struct kf_cc_diag {
	char *file;	/* NULL when the diagnostic has no location */
	int line;	/* 1-based; 0 without location */
	int col;	/* 1-based byte column; 0 without location */
	enum kf_cc_severity severity;
	char *message;	/* without "file:line:col: error: " prefix */
};

/* Opaque: the object bytes (if any) and the diagnostics. */
struct kf_cc_result;

/* Compile len bytes of BPF C at src into a BPF object.
 *
 * Returns:
 *   0            an object was produced (*res has it; maybe warnings too);
 *   -ENOEXEC     the source did not compile: errors are in *res;
 *   -ENOENT      the clang resource directory is unusable: *res says why;
 *   -ECHILD      the compiler crashed ("internal compiler crash (signal N)"
 *                or an LLVM fatal error, in *res);
 *   -ETIMEDOUT   the isolated compile ran past opts.timeout_ms;
 *   -EALREADY    refused: an in-process compile made CO-RE relocations (or
 *                failed) earlier in this process; see below;
 *   -EINVAL      bad arguments (*res is left NULL);
 *   other -errno a system call failed (fork, pipe...; *res says which
 *                when it could be allocated).
 * *res is set to NULL or to a result the caller frees with
 * kf_cc_result__free(), whatever the return value.
 *
 * Not thread-safe: one compile at a time per process.
 *
 * Nothing is printed: diagnostics are only in *res. In isolated mode even
 * raw output of LLVM on stdout/stderr (rare) is captured and returned as a
 * note; in-process it would reach the process's stderr.
 *
 * Isolation costs a fork and the child's page faults: ~40 ms more than an
 * in-process compile on the CI VM, where page faults are expensive.
 *
 * In-process mode (opts.in_process) is a one-shot: LLVM 19's BPF backend
 * caches the globals it makes for CO-RE relocations in a static map across
 * modules, so a second compile using BPF_CORE_READ / preserve_access_index
 * in the same process crashes (SIGSEGV seen). Once an in-process compile
 * has made CO-RE relocations (or failed), every later compile in the
 * process is refused with -EALREADY, isolated ones too: their forked child
 * would inherit the map. In-process compiles without CO-RE can repeat (and
 * warm the process up for later ones). Each in-process compile also keeps
 * ~0.5 MB of memory (clang's caches), and an LLVM fatal error exits the
 * whole process. So: in-process for the one compile of a short-lived
 * process (`kfault build`) or for measurements; isolated for the rest.
 */
int kf_cc_compile(const char *src, size_t len, const struct kf_cc_opts *opts,
		  struct kf_cc_result **res);

/* The object, or NULL with errno = ENOENT when none was produced. */
const void *kf_cc_result__object(const struct kf_cc_result *r, size_t *size);
size_t kf_cc_result__diag_cnt(const struct kf_cc_result *r);
/* Diagnostic i in the order clang emitted them; NULL, errno = EINVAL if out
 * of range.
 */
const struct kf_cc_diag *kf_cc_result__diag(const struct kf_cc_result *r,
					    size_t i);
size_t kf_cc_result__error_cnt(const struct kf_cc_result *r);
/* Print every diagnostic clang style: "file:line:col: error: message". */
void kf_cc_result__print(const struct kf_cc_result *r, FILE *f);
void kf_cc_result__free(struct kf_cc_result *r);

/* "note", "warning" or "error". */
const char *kf_cc_severity_str(enum kf_cc_severity s);

/* For a short-lived process about to do its one compile (`kfault build`):
 * grow the malloc heap once by size bytes and keep it, its whole 2 MiB
 * pages marked for transparent huge pages, so that what follows (the BTF
 * copy, clang's allocations) takes a page fault per 2 MiB, not per 4 KiB.
 * On the CI VM a first touch of a 4 KiB page costs 10-20 us, and an
 * in-process build touches ~3500 of them. It changes malloc's process-wide
 * settings (large blocks from the heap, which is never trimmed): call it
 * first thing in main(), never in a long-lived process. size is capped at
 * 30 MiB (glibc serves larger blocks with mmap). 0, or -EOPNOTSUPP if
 * malloc is not glibc's (e.g. under ASan), -EINVAL if the kernel has no
 * transparent huge pages, -ENOMEM; nothing is lost either way.
 */
int kf_cc_reserve_heap(size_t size);

/* The resource directory compiles use when opts.resource_dir is NULL:
 * $KFAULT_CLANG_RESOURCE_DIR if set and non-empty, else the build-time one.
 */
const char *kf_cc_default_resource_dir(void);

#ifdef __cplusplus
}
#endif

#endif /* KF_CLANG_COMPILE_H */
