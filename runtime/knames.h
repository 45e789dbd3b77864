/* SPDX-License-Identifier: MIT */
/*
 * Kernel function names, as the compiler (checks at build time, kfault
 * list) and the runtime (preflight) both need them: the name closest to a
 * mistyped one, and the kernel's error-injection types. libc only.
 */
#ifndef KFAULT_KNAMES_H
#define KFAULT_KNAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Levenshtein distance of a and b, or SIZE_MAX when it is above limit (or a name is very long). */
size_t kf_edit_distance(const char *a, const char *b, size_t limit);

/*
 * The closest of names[0..n) to word, other than word itself, within a
 * third of word's length; NULL if none is that close.
 */
const char *kf_closest_name(const char *word, const char *const *names, size_t n);

/*
 * The kernel function most likely meant by a name that is not one, among
 * the function names sorted[0..n) (sorted by strcmp): a system call's entry
 * point under this architecture's prefix ("sys_mount", "SyS_mount" and
 * "__x64_sys_mount" are "__x64_sys_mount", "__arm64_sys_mount"...), else the
 * closest name. Points into sorted[], or NULL.
 */
const char *kf_suggest_function(const char *name, const char *const *sorted, size_t n);

/* errno names, as a `returns -NAME` or `--errno NAME` says them: ENOMEM is 12; 0 for none. */
int kf_errno_by_name(const char *name);
/* "ENOMEM" for 12 (or -12); NULL for a number without a name here. */
const char *kf_errno_name(long long value);
/* The errno name closest to a mistyped one, or NULL. */
const char *kf_closest_errno(const char *name);

/*
 * What a function in the kernel's error-injection list may fail with
 * (include/asm-generic/error-injection.h, EI_ETYPE_*), named as the list
 * in /sys/kernel/debug/error_injection/list names them. The enumerators'
 * values differ between kernel versions: read them from the kernel's BTF
 * (kf_ei_type_enumerator()).
 */
enum kf_ei_type {
	KF_EI_NULL,
	KF_EI_ERRNO,
	KF_EI_ERRNO_NULL,
	KF_EI_TRUE,
	KF_EI_NTYPES,
};

/* "NULL", "ERRNO", "ERRNO_NULL", "TRUE". */
const char *kf_ei_type_name(enum kf_ei_type type);
/* The type named name, or -1. */
int kf_ei_type_by_name(const char *name);
/* "EI_ETYPE_NULL"...: the kernel's enumerator of the type. */
const char *kf_ei_type_enumerator(enum kf_ei_type type);
/* What a failure of that type returns, for messages: "a negative errno (-4095 to -1)". */
const char *kf_ei_type_means(enum kf_ei_type type);
/* A `returns` value of that type: "-ENOMEM", "0", "true". */
const char *kf_ei_type_example(enum kf_ei_type type);
/* Whether a function of that type may fail with value. */
bool kf_ei_type_allows(enum kf_ei_type type, long long value);
/*
 * What kfault sweep --sites errinj fails a function of that type with:
 * err (a negative errno) for ERRNO and ERRNO_NULL, 0 (NULL) for NULL,
 * 1 (true) for TRUE.
 */
long long kf_ei_type_value(enum kf_ei_type type, int err);

/*
 * One line of /sys/kernel/debug/error_injection/list, "NAME\tTYPE": the
 * name into name[size], the type into *type (-1 for a type this table
 * does not know). 0, or -EINVAL for a line that is not one.
 */
int kf_ei_parse_line(const char *line, char *name, size_t size, int *type);

#endif
