/* SPDX-License-Identifier: MIT */
/*
 * What a build checks of the kernel besides its types (sema.c, kfault
 * list): which names are its functions, and which of those allow errors
 * to be injected, with what (knames.h, enum kf_ei_type).
 *
 * The names are BTF's functions, and the symbols of the kernel the BTF
 * came from: a vmlinux ELF file's symbol table, or /proc/kallsyms for the
 * running kernel's BTF (/sys/kernel/btf/vmlinux), so that a function BTF
 * does not describe (assembly, a module's) is a function all the same.
 * The error-injection list is the vmlinux's own (the entries between
 * __start_error_injection_whitelist and __stop_error_injection_whitelist,
 * include/asm-generic/error-injection.h), or the running kernel's
 * /sys/kernel/debug/error_injection/list. Each is read when first needed.
 */
#ifndef KFAULT_KSYMS_H
#define KFAULT_KSYMS_H

#include <stddef.h>

struct kf_btf;
struct kf_ksyms;

/* The path that means the running kernel's BTF. */
#define KF_RUNNING_BTF "/sys/kernel/btf/vmlinux"

/*
 * For btf, read from path: a vmlinux ELF file, KF_RUNNING_BTF, or another
 * BTF file or NULL (then BTF's functions are all there is, and no
 * error-injection list). btf must outlive the result. NULL and errno.
 */
struct kf_ksyms *kf_ksyms__new(struct kf_btf *btf, const char *path);
void kf_ksyms__free(struct kf_ksyms *k);

enum kf_ksym_kind {
	KF_KSYM_NONE,		/* the kernel has nothing of that name */
	KF_KSYM_FUNC,
	KF_KSYM_VAR,		/* a variable */
	KF_KSYM_TYPE,		/* a structure, union, enum or typedef */
};

/* What name is in this kernel. */
enum kf_ksym_kind kf_ksyms__lookup(struct kf_ksyms *k, const char *name);
/* The function most likely meant by name, which is none (knames.h), or NULL. */
const char *kf_ksyms__suggest(struct kf_ksyms *k, const char *name);

/*
 * The error-injection type of function name (enum kf_ei_type), -ENOENT
 * when it is not in the list, -ENODATA when there is no list to read:
 * kf_ksyms__error_list() says why.
 */
int kf_ksyms__error_type(struct kf_ksyms *k, const char *name);
/*
 * Where the error-injection list comes from ("the running kernel's
 * /sys/kernel/debug/error_injection/list"), or, with *why set, NULL when
 * there is none ("... is not readable: Permission denied").
 */
const char *kf_ksyms__error_list(struct kf_ksyms *k, const char **why);

/* BTF's function names, sorted, valid while k is: 0 or -ENOMEM. */
int kf_ksyms__btf_functions(struct kf_ksyms *k, const char *const **names, size_t *n);

#endif
