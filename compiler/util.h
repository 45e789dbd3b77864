/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the compiler stages: a growable byte buffer and
 * formatted strings.
 *
 * Allocation failure in the compiler aborts (like git's xmalloc): the
 * compiler allocates in hundreds of small places, and an out-of-memory
 * compile has nothing useful to recover. Every other failure is returned.
 */
#ifndef KFAULT_UTIL_H
#define KFAULT_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "opts.h"	/* KF_OPTS, for the libraries' callers */

struct kf_buf {
	char *s;	/* always NUL-terminated once anything was added */
	size_t len, cap;
};

int kf_buf_add(struct kf_buf *b, const void *data, size_t len);
__attribute__((format(printf, 2, 3)))
void kf_buf_printf(struct kf_buf *b, const char *fmt, ...);
void kf_buf_puts(struct kf_buf *b, const char *s);
void kf_buf_putc(struct kf_buf *b, char c);
/* Hand over the string; the buffer is empty afterwards. */
char *kf_buf_steal(struct kf_buf *b);
void kf_buf_free(struct kf_buf *b);

__attribute__((format(printf, 1, 2)))
char *kf_strfmt(const char *fmt, ...);
char *kf_vstrfmt(const char *fmt, va_list ap);
char *kf_strdup(const char *s);
char *kf_strndup(const char *s, size_t n);
void *kf_calloc(size_t n, size_t size);
void *kf_realloc_array(void *p, size_t n, size_t size);

__attribute__((noreturn)) void kf_oom(void);

/*
 * Write len bytes to a new file made from tmpl, a mkstemp(3) template (the
 * name is left in it), mode 0600. 0 or a negative errno; on failure no file
 * is left.
 */
int kf_write_temp(char *tmpl, const void *data, size_t len);
/*
 * Replace path with data at once: a file written beside it, given mode
 * (permission bits), renamed over it. 0 or a negative errno; on failure
 * path is as it was and nothing is left beside it.
 */
int kf_write_replace(const char *path, const void *data, size_t len, unsigned int mode);

#define KF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
