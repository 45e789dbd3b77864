/* SPDX-License-Identifier: MIT */
/*
 * Options structs in libbpf's way (its OPTS_VALID, OPTS_HAS, OPTS_GET):
 * each starts with `size_t sz`, its size as the caller compiled it. An
 * older caller's smaller struct gets defaults for the fields it lacks; a
 * newer caller's larger one is accepted only if every byte this library
 * does not know is zero, since it would ignore them. Every library of
 * kfault that takes options checks them with these (C and C++), and
 * callers declare them with KF_OPTS. The compiler includes this header
 * too (it may use the runtime's headers; the runtime never the compiler's).
 */
#ifndef KFAULT_OPTS_H
#define KFAULT_OPTS_H

#include <stdbool.h>
#include <stddef.h>

/* opts (NULL, or a struct whose first field is size_t sz) against the known size. */
static inline bool kf_opts_valid(const void *opts, size_t known)
{
	const char *p = (const char *)opts;
	size_t sz;

	if (!opts)
		return true;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t))
		return false;
	for (size_t i = known; i < sz; i++)
		if (p[i])
			return false;
	return true;
}

/* Whether the caller's opts has field (it may be older than this library). */
#define KF_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define KF_OPTS_GET(opts, field, dflt) (KF_OPTS_HAS(opts, field) ? (opts)->field : (dflt))

/*
 * Declare an options struct NAME of type struct TYPE with sz set and every
 * field not named zero (zero always means "the default"), as libbpf's
 * LIBBPF_OPTS: KF_OPTS(kf_unit_opts, opts, .btf = btf);
 */
#define KF_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

#endif
