// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void kf_oom(void)
{
	fputs("kfault: out of memory\n", stderr);
	abort();
}

int kf_buf_add(struct kf_buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + len + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s)
			kf_oom();
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

void kf_buf_puts(struct kf_buf *b, const char *s)
{
	kf_buf_add(b, s, strlen(s));
}

void kf_buf_putc(struct kf_buf *b, char c)
{
	kf_buf_add(b, &c, 1);
}

void kf_buf_printf(struct kf_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kf_vstrfmt(fmt, ap);
	va_end(ap);
	kf_buf_puts(b, s);
	free(s);
}

char *kf_buf_steal(struct kf_buf *b)
{
	char *s = b->s ? b->s : kf_strdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

void kf_buf_free(struct kf_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

char *kf_vstrfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		kf_oom();
	s = malloc((size_t)n + 1);
	if (!s)
		kf_oom();
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *kf_strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kf_vstrfmt(fmt, ap);
	va_end(ap);
	return s;
}

char *kf_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		kf_oom();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *kf_strdup(const char *s)
{
	return kf_strndup(s, strlen(s));
}

void *kf_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		kf_oom();
	return p;
}

void *kf_realloc_array(void *p, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		kf_oom();
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (!p)
		kf_oom();
	return p;
}

int kf_write_temp(char *tmpl, const void *data, size_t len)
{
	int fd = mkstemp(tmpl), err = 0;
	FILE *f;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "wb");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmpl);
		return err;
	}
	if (fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		unlink(tmpl);
	return err;
}

int kf_write_replace(const char *path, const void *data, size_t len, unsigned int mode)
{
	char *tmp = kf_strfmt("%s.tmpXXXXXX", path);
	int err = kf_write_temp(tmp, data, len);

	if (!err && chmod(tmp, (mode_t)mode))
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
