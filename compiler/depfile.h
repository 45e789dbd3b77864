/* SPDX-License-Identifier: MIT */
/*
 * Dependency files: `kfault build FILE -o OUT -M OUT.d` writes
 *
 *   OUT: FILE [BTF] [HEADERS...]
 *
 * in make's syntax (which ninja reads too), so that a build rebuilds OUT
 * exactly when something that went into it changed.
 */
#ifndef KFAULT_DEPFILE_H
#define KFAULT_DEPFILE_H

#include <stddef.h>

#include "ast.h"

struct kf_deps {
	char **paths;	/* in the order added, each once */
	size_t n;
};

/* Add a prerequisite (once: a path added again is ignored). */
void kf_deps__add(struct kf_deps *d, const char *path);

/*
 * The files `headers` statements of file name, as found under the include
 * directories dirs (the first directory holding a name wins; a name found
 * in none is not a file that was read, and is left out). For builds that
 * compile against kernel headers rather than BTF.
 */
void kf_deps__add_headers(struct kf_deps *d, const struct kf_file *file,
			  const char *const *dirs, size_t ndirs);

/*
 * The rule "target: prerequisites", each path escaped for make, to a
 * malloc'ed string.
 */
char *kf_deps__format(const struct kf_deps *d, const char *target);

/*
 * A path (the target or a prerequisite) that no rule can hold for both
 * make and ninja, and in *c the character why: a newline or a carriage
 * return, which they end a rule at, so that the rest would be read as
 * rules of their own (a recipe to run); a backslash, '=', '%', '*', '?'
 * or '['. NULL when every path can be written.
 */
const char *kf_deps__unwritable(const struct kf_deps *d, const char *target, char *c);

/*
 * Write the rule to path atomically (a temporary file in the same
 * directory, renamed over path). 0 or a negative errno: -EINVAL, writing
 * nothing, when kf_deps__unwritable() names a path.
 */
int kf_deps__write(const struct kf_deps *d, const char *target, const char *path);

void kf_deps__fini(struct kf_deps *d);

#endif
