/* SPDX-License-Identifier: MIT */
/*
 * The skeleton: `kfault build FILE -o NAME.skel.h --emit skel`.
 *
 * A C header that embeds a built kfault object and wraps the runtime's
 * kf_injector API in functions named for the file, like the skeletons of
 * `bpftool gen skeleton`:
 *
 *   struct mount_kfault *skel = mount_kfault__open(NULL);
 *   mount_kfault__load(skel); mount_kfault__attach(skel); mount_kfault__arm(skel, true);
 *   mount_kfault__slab_stats(skel, &st); mount_kfault__destroy(skel);
 *
 * The header is plain C99 that also compiles as C++, includes
 * <kfault/injector.h> and needs the runtime library to link. The same
 * input gives the same bytes.
 */
#ifndef KFAULT_SKEL_H
#define KFAULT_SKEL_H

#include <stddef.h>

#include "ast.h"

/*
 * The default skeleton name for a .fault path: its file name without
 * .fault, made a C identifier, plus "_kfault" ("mount.fault" ->
 * "mount_kfault", "-" -> "stdin_kfault"). Returns a malloc'ed string.
 */
char *kf_skel_default_name(const char *path);

/* Whether name can name a skeleton: a C identifier of at most 64 bytes. */
bool kf_skel_name_ok(const char *name);

/*
 * Write the skeleton of file (checked by sema), built to the object
 * obj/size, to *out (malloc'ed, *len bytes). name is the skeleton's name;
 * source the .fault path, shown in comments.
 */
void kf_skel_write(const struct kf_file *file, const char *name, const char *source,
		   const void *obj, size_t size, char **out, size_t *len);

#endif
