// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel types from BTF: minimal vmlinux.h and type lookups.
 *
 * Kernel BTF has ~130k types. Everything here must stay cheap enough for a
 * whole `kfault build` to run in tens of milliseconds, so: BTF is read with
 * one copy (libbpf's own reader makes two), names are found through a hash
 * index built once instead of libbpf's linear btf__find_by_name_kind(), and
 * the header holds only what the roots need.
 */
#include "btf_types.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#define KF_VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* A growing string that btf_dump prints into. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	int err;
};

struct kf_btf {
	struct btf *btf;
	bool owns_btf;
	/* Open addressing hash of named type ids (0 = empty slot), in id
	 * order along each probe chain so the first match is the lowest id.
	 */
	__u32 *index;
	size_t index_mask;
	/* Renders single declarations for kf_btf__type_str(). */
	struct btf_dump *render;
	struct strbuf render_buf;
};

/* ---- strbuf ---- */

static void strbuf_vprintf(void *ctx, const char *fmt, va_list args)
{
	struct strbuf *b = ctx;
	va_list copy;
	int n;

	if (b->err)
		return;
	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *s;

		while (cap < b->len + n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s) {
			b->err = -ENOMEM;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, n + 1, fmt, args);
	b->len += n;
}

static void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	strbuf_vprintf(b, fmt, args);
	va_end(args);
}

/* ---- reading BTF ---- */

static bool is_raw_btf(const void *data, size_t size)
{
	const __u8 *p = data;

	/* BTF_MAGIC 0xeB9F, in either byte order. */
	return size >= 2 && ((p[0] == 0x9f && p[1] == 0xeb) ||
			     (p[0] == 0xeb && p[1] == 0x9f));
}

/* Reads all of fd into a malloc'd buffer (for files that cannot be mapped
 * or do not know their size).
 */
static void *read_all(int fd, size_t *size)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = NULL, *p;
	ssize_t n;

	for (;;) {
		if (!buf || len == cap) {
			cap = buf ? cap * 2 : cap;
			p = realloc(buf, cap);
			if (!p)
				goto free_buf;
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto free_buf;
		if (n == 0)
			break;
		len += n;
	}
	*size = len;
	return buf;

free_buf:
	n = errno;
	free(buf);
	errno = n ? n : ENOMEM;
	return NULL;
}

/* The .BTF section of a 64-bit ELF file of this machine's byte order, as
 * vmlinux is: found from the section headers alone, which is much cheaper
 * than libelf on a vmlinux of hundreds of MB. NULL if there is none or the
 * file is anything else (then libbpf's reader decides).
 */
static const void *elf_btf_section(const void *data, size_t size, size_t *len)
{
	const Elf64_Ehdr *eh = data;
	const Elf64_Shdr *sh, *strs;
	const char *names;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB) ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shoff > size ||
	    eh->e_shnum > (size - eh->e_shoff) / sizeof(*sh) || eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)((const char *)data + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset ||
	    strs->sh_size < sizeof(".BTF"))
		return NULL;
	names = (const char *)data + strs->sh_offset;
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name > strs->sh_size - sizeof(".BTF") || sh[i].sh_type == SHT_NOBITS ||
		    memcmp(names + sh[i].sh_name, ".BTF", sizeof(".BTF")) ||
		    sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			continue;
		*len = sh[i].sh_size;
		return (const char *)data + sh[i].sh_offset;
	}
	return NULL;
}

/* Raw BTF (as in /sys/kernel/btf/vmlinux), or an ELF file's .BTF: map the
 * file where the kernel allows it, so btf__new()'s copy is the only one.
 * NULL and errno = EPROTO if the file is neither (or an ELF file this
 * reader does not handle: libbpf's then tries).
 */
static struct btf *parse_raw(const char *path)
{
	struct btf *btf = NULL;
	void *data = MAP_FAILED;
	bool mapped = false;
	struct stat st;
	size_t size = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		size = st.st_size;
		data = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		mapped = data != MAP_FAILED;
	}
	if (!mapped) {
		data = read_all(fd, &size);
		if (!data)
			goto close_fd;
	}

	if (is_raw_btf(data, size)) {
		btf = btf__new(data, size);
	} else {
		size_t len;
		const void *sec = elf_btf_section(data, size, &len);

		if (sec)
			btf = btf__new(sec, len);
		else
			errno = EPROTO;
	}

	err = errno;
	if (mapped)
		munmap(data, size);
	else
		free(data);
	errno = err;
close_fd:
	err = errno;
	close(fd);
	errno = err;
	return btf;
}

/* ---- name index ---- */

/*
 * A kernel's BTF names some 100000 types, and the index hashes every name
 * once per process: eight bytes at a time (a multiply per word, not per
 * byte), never reading past the name's NUL.
 */
static __u32 name_hash(const char *s)
{
	size_t len = strlen(s), i;
	__u64 h = len, w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return (__u32)(h ^ (h >> 32));
}

static bool indexed_kind(int kind)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
		return true;
	default:
		return false;
	}
}

static int build_index(struct kf_btf *kf)
{
	__u32 n = btf__type_cnt(kf->btf), id;
	size_t slots = 16;

	/* At most half full: sized by all types, not only the named ones. */
	while (slots < 2 * (size_t)n)
		slots *= 2;
	kf->index = calloc(slots, sizeof(*kf->index));
	if (!kf->index)
		return -ENOMEM;
	kf->index_mask = slots - 1;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(kf->btf, id);
		size_t h;

		if (!t->name_off || !indexed_kind(btf_kind(t)))
			continue;
		h = name_hash(btf__name_by_offset(kf->btf, t->name_off));
		while (kf->index[h & kf->index_mask])
			h++;
		kf->index[h & kf->index_mask] = id;
	}
	return 0;
}

/* What a lookup accepts; fwd_kflag is the FWD kind flag (0 struct, 1 union)
 * accepted when there is no definition, or -1.
 */
struct kinds {
	int k[3];
	int fwd_kflag;
};

static bool kind_in(const struct kinds *ks, const struct btf_type *t)
{
	for (int i = 0; i < 3; i++)
		if (ks->k[i] && btf_kind(t) == ks->k[i])
			return true;
	return false;
}

/* Lowest id named name of one of kinds; a matching FWD only if no
 * definition exists. -ENOENT if none.
 */
static int lookup(const struct kf_btf *kf, const char *name,
		  const struct kinds *ks)
{
	size_t h = name_hash(name);
	int fwd = -ENOENT;
	__u32 id;

	while ((id = kf->index[h & kf->index_mask])) {
		const struct btf_type *t = btf__type_by_id(kf->btf, id);

		h++;
		if (strcmp(btf__name_by_offset(kf->btf, t->name_off), name))
			continue;
		if (kind_in(ks, t))
			return id;
		if (btf_is_fwd(t) && fwd < 0 && ks->fwd_kflag >= 0 &&
		    btf_kflag(t) == ks->fwd_kflag)
			fwd = id;
	}
	return fwd;
}

static struct kf_btf *kf_btf_new(struct btf *btf, bool owns_btf)
{
	struct kf_btf *kf = calloc(1, sizeof(*kf));
	int err;

	if (!kf) {
		err = -ENOMEM;
		goto free_btf;
	}
	kf->btf = btf;
	kf->owns_btf = owns_btf;
	err = build_index(kf);
	if (err)
		goto free_kf;
	return kf;

free_kf:
	free(kf);
free_btf:
	if (owns_btf)
		btf__free(btf);
	errno = -err;
	return NULL;
}

struct kf_btf *kf_btf__open(const char *path)
{
	struct btf *btf;

	if (!path)
		path = KF_VMLINUX_BTF;
	btf = parse_raw(path);
	if (!btf && errno == EPROTO)
		btf = btf__parse_elf(path, NULL);
	if (!btf)
		return NULL;
	return kf_btf_new(btf, true);
}

struct kf_btf *kf_btf__from_btf(const struct btf *btf)
{
	if (!btf) {
		errno = EINVAL;
		return NULL;
	}
	/* Never modified or freed: owns_btf is false. */
	return kf_btf_new((struct btf *)btf, false);
}

void kf_btf__free(struct kf_btf *kf)
{
	if (!kf)
		return;
	btf_dump__free(kf->render);
	free(kf->render_buf.s);
	free(kf->index);
	if (kf->owns_btf)
		btf__free(kf->btf);
	free(kf);
}

const struct btf *kf_btf__btf(const struct kf_btf *kf)
{
	return kf ? kf->btf : NULL;
}

/* ---- lookups ---- */

/* If s starts with keyword and a space, the rest after spaces; else NULL. */
static const char *after_keyword(const char *s, const char *keyword)
{
	size_t n = strlen(keyword);

	if (strncmp(s, keyword, n) || s[n] != ' ')
		return NULL;
	s += n;
	while (*s == ' ')
		s++;
	return s;
}

int kf_btf__find_type(struct kf_btf *kf, const char *name)
{
	static const struct kinds as_struct = {{BTF_KIND_STRUCT}, 0};
	static const struct kinds as_union = {{BTF_KIND_UNION}, 1};
	static const struct kinds as_enum = {{BTF_KIND_ENUM, BTF_KIND_ENUM64}, -1};
	static const struct kinds as_plain = {
		{BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_FLOAT}, -1};
	const char *rest;

	if (!kf || !name || !*name)
		return -EINVAL;
	if ((rest = after_keyword(name, "struct")))
		return *rest ? lookup(kf, rest, &as_struct) : -EINVAL;
	if ((rest = after_keyword(name, "union")))
		return *rest ? lookup(kf, rest, &as_union) : -EINVAL;
	if ((rest = after_keyword(name, "enum")))
		return *rest ? lookup(kf, rest, &as_enum) : -EINVAL;
	if (!strcmp(name, "void"))
		return 0;
	return lookup(kf, name, &as_plain);
}

int kf_btf__find_func(struct kf_btf *kf, const char *name)
{
	static const struct kinds as_func = {{BTF_KIND_FUNC}, -1};

	if (!kf || !name || !*name)
		return -EINVAL;
	return lookup(kf, name, &as_func);
}

int kf_btf__find_enumerator(struct kf_btf *kf, const char *name,
			    long long *value)
{
	__u32 n, id;

	if (!kf || !name || !*name)
		return -EINVAL;
	/* Rare enough that a scan beats indexing every enumerator. */
	n = btf__type_cnt(kf->btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(kf->btf, id);

		for (int i = 0; btf_is_enum(t) && i < btf_vlen(t); i++) {
			const struct btf_enum *e = &btf_enum(t)[i];

			if (strcmp(btf__name_by_offset(kf->btf, e->name_off), name))
				continue;
			if (value)
				*value = btf_kflag(t) ? (long long)e->val
						      : (long long)(__u32)e->val;
			return id;
		}
		for (int i = 0; btf_is_enum64(t) && i < btf_vlen(t); i++) {
			const struct btf_enum64 *e = &btf_enum64(t)[i];

			if (strcmp(btf__name_by_offset(kf->btf, e->name_off), name))
				continue;
			if (value)
				*value = (long long)btf_enum64_value(e);
			return id;
		}
	}
	return -ENOENT;
}

static __u32 skip_mods_typedefs(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

char *kf_btf__type_str(struct kf_btf *kf, __u32 id, const char *name)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts,
		.field_name = name ? name : "");
	struct strbuf *b;
	char *s;
	int err;

	if (!kf || id >= btf__type_cnt(kf->btf)) {
		errno = EINVAL;
		return NULL;
	}
	b = &kf->render_buf;
	if (!kf->render) {
		kf->render = btf_dump__new(kf->btf, strbuf_vprintf, b, NULL);
		if (!kf->render)
			return NULL;
	}
	b->len = 0;
	b->err = 0;
	err = btf_dump__emit_type_decl(kf->render, id, &opts);
	if (!err)
		err = b->err;
	if (err) {
		errno = -err;
		return NULL;
	}
	s = strndup(b->s ? b->s : "", b->len);
	if (!s)
		errno = ENOMEM;
	return s;
}

void kf_btf_func__free(struct kf_btf_func *func)
{
	if (!func)
		return;
	for (size_t i = 0; i < func->nparams; i++) {
		free(func->params[i].type);
		free(func->params[i].decl);
	}
	free(func->params);
	free(func->ret_type);
	free(func);
}

int kf_btf__func_proto(struct kf_btf *kf, const char *name,
		       struct kf_btf_func **func)
{
	const struct btf_type *fn, *proto;
	const struct btf_param *params;
	struct kf_btf_func *f;
	int id, vlen;

	if (!func)
		return -EINVAL;
	*func = NULL;
	id = kf_btf__find_func(kf, name);
	if (id < 0)
		return id;
	fn = btf__type_by_id(kf->btf, id);
	proto = btf__type_by_id(kf->btf, fn->type);
	if (!proto || !btf_is_func_proto(proto))
		return -EINVAL;
	params = btf_params(proto);
	vlen = btf_vlen(proto);

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->name = btf__name_by_offset(kf->btf, fn->name_off);
	f->func_id = id;
	f->ret_type_id = proto->type;
	/* A trailing nameless void parameter stands for "...". */
	if (vlen > 0 && !params[vlen - 1].type && !params[vlen - 1].name_off) {
		f->variadic = true;
		vlen--;
	}
	f->params = calloc(vlen ? vlen : 1, sizeof(*f->params));
	if (!f->params)
		goto free_func;
	f->ret_type = kf_btf__type_str(kf, proto->type, NULL);
	if (!f->ret_type)
		goto free_func;
	for (int i = 0; i < vlen; i++) {
		struct kf_btf_param *p = &f->params[f->nparams++];

		p->name = btf__name_by_offset(kf->btf, params[i].name_off);
		p->type_id = params[i].type;
		p->type = kf_btf__type_str(kf, p->type_id, NULL);
		p->decl = kf_btf__type_str(kf, p->type_id, p->name);
		if (!p->type || !p->decl)
			goto free_func;
	}
	*func = f;
	return 0;

free_func:
	kf_btf_func__free(f);
	return -ENOMEM;
}

/* Finds member in the composite t (recursing into anonymous members);
 * base is t's bit offset in the outermost struct.
 */
static bool find_member(const struct btf *btf, const struct btf_type *t,
			const char *member, __u32 base,
			struct kf_btf_member *m)
{
	const struct btf_member *ms = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, ms[i].name_off);
		__u32 off = base + btf_member_bit_offset(t, i);
		const struct btf_type *mt;

		if (name && *name) {
			if (strcmp(name, member))
				continue;
			m->type_id = ms[i].type;
			m->bit_offset = off;
			m->bitfield_size = btf_member_bitfield_size(t, i);
			return true;
		}
		mt = btf__type_by_id(btf, skip_mods_typedefs(btf, ms[i].type));
		if (mt && btf_is_composite(mt) &&
		    find_member(btf, mt, member, off, m))
			return true;
	}
	return false;
}

int kf_btf__member(struct kf_btf *kf, __u32 id, const char *member,
		   struct kf_btf_member *m)
{
	const struct btf_type *t, *mt;

	if (!kf || !member || !*member || !m ||
	    id >= btf__type_cnt(kf->btf))
		return -EINVAL;
	t = btf__type_by_id(kf->btf, skip_mods_typedefs(kf->btf, id));
	if (!t || !btf_is_composite(t))
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (!find_member(kf->btf, t, member, 0, m))
		return -ENOENT;

	m->resolved_id = skip_mods_typedefs(kf->btf, m->type_id);
	mt = btf__type_by_id(kf->btf, m->resolved_id);
	m->kind = btf_kind(mt);
	if (btf_is_array(mt)) {
		m->nelems = btf_array(mt)->nelems;
		m->elem_type_id = btf_array(mt)->type;
	} else if (btf_is_ptr(mt)) {
		m->elem_type_id = mt->type;
	}
	return 0;
}

/* ---- the header ---- */

/* Typedefs that libbpf's bpf_helper_defs.h uses without defining them. */
static const char *const base_typedefs[] = {
	"__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
	"__be16", "__be32", "__wsum",
};

/* A function root: the prototype's typedefs come with dumping it, but a
 * struct only pointed to by a parameter is not declared at all by
 * btf_dump, and BPF_KPROBE(..., struct file *f) needs at least
 * "struct file;" at file scope.
 */
static int dump_func_types(struct kf_btf *kf, struct btf_dump *d,
			   struct strbuf *b, __u32 func_id)
{
	const struct btf_type *fn = btf__type_by_id(kf->btf, func_id);
	const struct btf_type *proto = btf__type_by_id(kf->btf, fn->type);
	const struct btf_param *params = btf_params(proto);
	int err;

	err = btf_dump__dump_type(d, fn->type);
	if (err)
		return err;
	for (int i = -1; i < (int)btf_vlen(proto); i++) {
		__u32 id = i < 0 ? proto->type : params[i].type;
		const struct btf_type *t = btf__type_by_id(kf->btf, id);
		bool via_ptr = false;

		while (btf_is_ptr(t) || btf_is_mod(t)) {
			via_ptr |= btf_is_ptr(t);
			id = t->type;
			t = btf__type_by_id(kf->btf, id);
		}
		if (!id || !via_ptr)
			continue; /* void, or by value: already dumped */
		if (btf_is_composite(t) && t->name_off) {
			strbuf_printf(b, "%s %s;\n\n",
				      btf_is_struct(t) ? "struct" : "union",
				      btf__name_by_offset(kf->btf, t->name_off));
		} else if (btf_is_any_enum(t) || btf_is_fwd(t)) {
			err = btf_dump__dump_type(d, id);
			if (err)
				return err;
		}
	}
	return 0;
}

int kf_btf__header(struct kf_btf *kf, const char *const *roots,
		   size_t nroots, char **header, size_t *len)
{
	struct strbuf b = {0};
	struct btf_dump *d;
	int err = 0;

	if (!kf || (nroots && !roots) || !header)
		return -EINVAL;
	*header = NULL;
	d = btf_dump__new(kf->btf, strbuf_vprintf, &b, NULL);
	if (!d)
		return -errno;

	strbuf_printf(&b, "/* Generated by kfault from BTF: only the types "
			  "its programs need. */\n"
			  "#ifndef KFAULT_VMLINUX_H\n"
			  "#define KFAULT_VMLINUX_H\n"
			  "/* what bpf_tracing.h checks for: kernel register names */\n"
			  "#define __VMLINUX_H__\n\n"
			  "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
			  "#pragma clang attribute push "
			  "(__attribute__((preserve_access_index)), "
			  "apply_to = record)\n"
			  "#endif\n\n");

	for (size_t i = 0; i < sizeof(base_typedefs) / sizeof(*base_typedefs); i++) {
		int id = kf_btf__find_type(kf, base_typedefs[i]);

		if (id > 0 && (err = btf_dump__dump_type(d, id)))
			goto free_dump;
	}
	for (size_t i = 0; i < nroots; i++) {
		int id;

		if (!roots[i]) {
			err = -EINVAL;
			goto free_dump;
		}
		id = kf_btf__find_type(kf, roots[i]);
		if (id > 0) {
			err = btf_dump__dump_type(d, id);
		} else if ((id = kf_btf__find_func(kf, roots[i])) > 0) {
			err = dump_func_types(kf, d, &b, id);
		} else if ((id = kf_btf__find_enumerator(kf, roots[i], NULL)) > 0) {
			err = btf_dump__dump_type(d, id);
		} else {
			err = id ? id : -ENOENT; /* "void" is no root */
		}
		if (err)
			goto free_dump;
	}

	strbuf_printf(&b, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
			  "#pragma clang attribute pop\n"
			  "#endif\n\n"
			  "#endif /* KFAULT_VMLINUX_H */\n");
	err = b.err;
	if (err)
		goto free_dump;
	*header = b.s;
	if (len)
		*len = b.len;
	b.s = NULL;

free_dump:
	btf_dump__free(d);
	free(b.s);
	return err;
}

int kf_btf__dump_header(struct kf_btf *kf, const char *const *roots,
			size_t nroots, FILE *out)
{
	char *header;
	size_t len;
	int err;

	if (!out)
		return -EINVAL;
	err = kf_btf__header(kf, roots, nroots, &header, &len);
	if (err)
		return err;
	if (fwrite(header, 1, len, out) != len)
		err = -EIO;
	free(header);
	return err;
}
