// SPDX-License-Identifier: MIT
/* Kernel function names (see knames.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knames.h"

size_t kf_edit_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), prev[128], cur[128];

	if (la >= 127 || lb >= 127 || (la > lb ? la - lb : lb - la) > limit)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = cur[0] = i;

		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			if (cur[j] < best)
				best = cur[j];
		}
		if (best > limit)
			return SIZE_MAX;
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb] > limit ? SIZE_MAX : prev[lb];
}

const char *kf_closest_name(const char *word, const char *const *names, size_t n)
{
	size_t best = strlen(word) / 3 + 1;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = kf_edit_distance(word, names[i], best);

		if (d != SIZE_MAX && d > 0 && (!found || d < best)) {
			best = d;
			found = names[i];
		}
	}
	return found;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *kf_suggest_function(const char *name, const char *const *sorted, size_t n)
{
	static const char *const prefixes[] = { "__x64_sys_", "__arm64_sys_", "__s390x_sys_",
						"__riscv_sys_", "__se_sys_" };
	const char *base = name;
	char buf[256];

	/* Syscall entry points carry an arch prefix since 4.17: SyS_mount, sys_mount. */
	if (strncmp(name, "SyS_", 4) == 0 || strncmp(name, "sys_", 4) == 0)
		base = name + 4;
	else if (strncmp(name, "__x64_sys_", 10) == 0)
		base = name + 10;
	for (size_t i = 0; base != name && i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *key = buf, *const *found;

		snprintf(buf, sizeof(buf), "%s%s", prefixes[i], base);
		found = n ? bsearch(&key, sorted, n, sizeof(*sorted), cmp_name) : NULL;
		if (found)
			return *found;
	}
	return kf_closest_name(name, sorted, n);
}

/* errno names a `returns` value may use, as -NAME: one table for the compiler and the runtime. */
static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", 1 }, { "ENOENT", 2 }, { "ESRCH", 3 }, { "EINTR", 4 }, { "EIO", 5 },
	{ "ENXIO", 6 }, { "E2BIG", 7 }, { "ENOEXEC", 8 }, { "EBADF", 9 }, { "ECHILD", 10 },
	{ "EAGAIN", 11 }, { "ENOMEM", 12 }, { "EACCES", 13 }, { "EFAULT", 14 }, { "EBUSY", 16 },
	{ "EEXIST", 17 }, { "EXDEV", 18 }, { "ENODEV", 19 }, { "ENOTDIR", 20 }, { "EISDIR", 21 },
	{ "EINVAL", 22 }, { "ENFILE", 23 }, { "EMFILE", 24 }, { "ENOTTY", 25 }, { "EFBIG", 27 },
	{ "ENOSPC", 28 }, { "ESPIPE", 29 }, { "EROFS", 30 }, { "EMLINK", 31 }, { "EPIPE", 32 },
	{ "ERANGE", 34 }, { "EDEADLK", 35 }, { "ENAMETOOLONG", 36 }, { "ENOSYS", 38 },
	{ "ENOTEMPTY", 39 }, { "ELOOP", 40 }, { "ENODATA", 61 }, { "ETIME", 62 },
	{ "EOVERFLOW", 75 }, { "EOPNOTSUPP", 95 }, { "EADDRINUSE", 98 }, { "ENOBUFS", 105 },
	{ "ETIMEDOUT", 110 }, { "ECONNREFUSED", 111 }, { "EALREADY", 114 }, { "ESTALE", 116 },
	{ "EDQUOT", 122 }, { "ECANCELED", 125 },
};

#define NERRNOS	(sizeof(errnos) / sizeof(errnos[0]))

int kf_errno_by_name(const char *name)
{
	for (size_t i = 0; i < NERRNOS; i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].value;
	return 0;
}

const char *kf_errno_name(long long value)
{
	if (value < 0)
		value = -value;
	for (size_t i = 0; i < NERRNOS; i++)
		if (errnos[i].value == value)
			return errnos[i].name;
	return NULL;
}

const char *kf_closest_errno(const char *name)
{
	const char *names[NERRNOS];

	for (size_t i = 0; i < NERRNOS; i++)
		names[i] = errnos[i].name;
	return kf_closest_name(name, names, NERRNOS);
}

/*
 * The error-injection types: one table for the compiler and the runtime.
 * is_errno, value: what kfault sweep --sites errinj fails a function of
 * the type with: the sweep's errno (-ENOMEM unless told otherwise), or value.
 */
static const struct {
	const char *name, *enumerator, *means, *example;
	bool is_errno;
	long long value;
} ei_types[KF_EI_NTYPES] = {
	[KF_EI_NULL] = { "NULL", "EI_ETYPE_NULL", "NULL (0)", "0", false, 0 },
	[KF_EI_ERRNO] = { "ERRNO", "EI_ETYPE_ERRNO", "a negative errno (-4095 to -1)", "-ENOMEM",
			  true, 0 },
	[KF_EI_ERRNO_NULL] = { "ERRNO_NULL", "EI_ETYPE_ERRNO_NULL",
			       "a negative errno (-4095 to -1) or NULL (0)", "-ENOMEM", true, 0 },
	[KF_EI_TRUE] = { "TRUE", "EI_ETYPE_TRUE", "true (not 0)", "true", false, 1 },
};

const char *kf_ei_type_name(enum kf_ei_type type)
{
	return type < KF_EI_NTYPES ? ei_types[type].name : "(unknown)";
}

int kf_ei_type_by_name(const char *name)
{
	for (int i = 0; i < KF_EI_NTYPES; i++)
		if (strcmp(ei_types[i].name, name) == 0)
			return i;
	return -1;
}

const char *kf_ei_type_enumerator(enum kf_ei_type type)
{
	return type < KF_EI_NTYPES ? ei_types[type].enumerator : NULL;
}

const char *kf_ei_type_means(enum kf_ei_type type)
{
	return type < KF_EI_NTYPES ? ei_types[type].means : "(unknown)";
}

const char *kf_ei_type_example(enum kf_ei_type type)
{
	return type < KF_EI_NTYPES ? ei_types[type].example : "-ENOMEM";
}

bool kf_ei_type_allows(enum kf_ei_type type, long long value)
{
	/* as the kernel's fail_function adjusts a value (kernel/fail_function.c) */
	switch (type) {
	case KF_EI_NULL:
		return value == 0;
	case KF_EI_ERRNO:
		return value >= -4095 && value <= -1;
	case KF_EI_ERRNO_NULL:
		return value >= -4095 && value <= 0;
	case KF_EI_TRUE:
		return value != 0;
	default:
		return true;
	}
}

long long kf_ei_type_value(enum kf_ei_type type, int err)
{
	if (type >= KF_EI_NTYPES)
		return err;
	return ei_types[type].is_errno ? err : ei_types[type].value;
}

int kf_ei_parse_line(const char *line, char *name, size_t size, int *type)
{
	char fmt[32], word[32];
	int n;

	if (size < 2)
		return -EINVAL;
	snprintf(fmt, sizeof(fmt), "%%%zus %%31s", size - 1);
	n = sscanf(line, fmt, name, word);
	if (n < 1)
		return -EINVAL;
	*type = n == 2 ? kf_ei_type_by_name(word) : -1;
	return 0;
}
