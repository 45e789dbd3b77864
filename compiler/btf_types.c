// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel types from BTF: minimal vmlinux.h and type lookups.
 *
 * Kernel BTF has ~100k types. Everything here must stay cheap enough for a
 * whole `kfault build` to run in tens of milliseconds, so: BTF is read in
 * place, never copied; names are found through a hash index built once
 * instead of libbpf's linear btf__find_by_name_kind(); libbpf's btf_dump,
 * which writes the C, is given only the few types it writes; and the
 * header holds only what the roots need.
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
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define KF_VMLINUX_BTF "/sys/kernel/btf/vmlinux"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif

/* A growing string that btf_dump prints into. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	int err;
};

/* The scratch of one subset (see "subsets" below), kept between them. */
struct kf_subset {
	__u8 *seen;		/* by id: 0, SEEN_PTR or SEEN_VALUE */
	__u32 *new_id;		/* by id: its id in the subset's BTF */
	__u32 *ids;		/* the ids in it */
	size_t nids, ids_cap;
	__u32 *work;		/* ids whose references are still to add */
	size_t nwork, work_cap;
};

struct kf_btf {
	/* Raw BTF in this machine's byte order, checked by load(). */
	const char *types;	/* the type section */
	__u32 types_len;
	__u32 *offs;		/* offs[id]: where type id starts in it */
	__u32 nr_types;		/* ids 0 (void) to nr_types - 1 */
	__u32 nr_named;		/* of the kinds the name index holds */
	const char *strs;	/* the string section */
	__u32 strs_len;
	/* Where it lives: a mapped file, or a malloc'd copy. */
	void *map;
	size_t map_len;
	void *copy;
	/* Open addressing hash of named type ids (0 = empty slot), in id
	 * order along each probe chain so the first match is the lowest id.
	 */
	__u32 *index;
	size_t index_mask;
	/* offs and index when they come from an index file: the file read
	 * into memory, where it is (removed if it proves wrong), and a bit
	 * per type id set once offs[id] is checked (see check_offset()).
	 */
	void *index_file;
	char *index_path;
	__u8 *checked;
	struct kf_subset sub;
	/* What kf_btf__type_str() renders into. */
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

/*
 * kfault reads BTF in place. libbpf's btf__new() copies all of a kernel's
 * 4-5 MB of BTF into fresh memory, and each btf_dump__new() walks all of it
 * again; on a VM, the first touch of fresh memory is what a build spends
 * most on. Here the file stays mapped, one pass checks it and records
 * where each type starts, and btf_dump only ever sees a small BTF of the
 * types it has to write (see "subsets" below). BTF of the other byte
 * order, and ELF files the reader below does not take apart, go through
 * libbpf once and are copied in this machine's byte order.
 */

/* Raw BTF (as in /sys/kernel/btf/vmlinux) of this machine's byte order. */
static bool is_native_raw_btf(const void *data, size_t size)
{
	return size >= sizeof(__u16) && ((const struct btf_header *)data)->magic == BTF_MAGIC;
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

/* The kinds the name index holds. */
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

/* Bytes of type t and the records that follow it; 0 for a kind this
 * reader does not know.
 */
static size_t type_size(const struct btf_type *t)
{
	size_t n = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_FWD:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return sizeof(*t);
	case BTF_KIND_INT:
		return sizeof(*t) + sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + n * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + n * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + n * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + n * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(*t) + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + n * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + sizeof(struct btf_decl_tag);
	default:
		return 0;
	}
}

/* The i-th type id that t refers to, as a pointer into t; NULL after the
 * last. (A pointer to non-const, for rewriting ids in a copy.) Its case
 * lists look like type_size()'s: the kinds grouped by what they refer to,
 * not by their size.
 */
static __u32 *type_ref(const struct btf_type *t, int i)
{
	struct btf_type *w = (struct btf_type *)t;

	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return i == 0 ? &w->type : NULL;
	case BTF_KIND_ARRAY:
		return i == 0 ? &btf_array(w)->type : i == 1 ? &btf_array(w)->index_type : NULL;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return i < btf_vlen(t) ? &btf_members(w)[i].type : NULL;
	case BTF_KIND_FUNC_PROTO:
		return i == 0 ? &w->type : i <= btf_vlen(t) ? &btf_params(w)[i - 1].type : NULL;
	case BTF_KIND_DATASEC:
		return i < btf_vlen(t) ? &btf_var_secinfos(w)[i].type : NULL;
	default:
		return NULL;
	}
}

/* The i-th string offset in t: its name, then its members', parameters'
 * or enumerators'; NULL after the last.
 */
static __u32 *name_ref(const struct btf_type *t, int i)
{
	struct btf_type *w = (struct btf_type *)t;

	if (i == 0)
		return &w->name_off;
	if (--i >= btf_vlen(t))
		return NULL;
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return &btf_members(w)[i].name_off;
	case BTF_KIND_ENUM:
		return &btf_enum(w)[i].name_off;
	case BTF_KIND_ENUM64:
		return &btf_enum64(w)[i].name_off;
	case BTF_KIND_FUNC_PROTO:
		return &btf_params(w)[i].name_off;
	default:
		return NULL;
	}
}

/*
 * Checks type t, which has left bytes of the type section from its
 * start: its names must be in the string section (strs_len bytes), and
 * the type ids it refers to raise *max_ref. Its size with the records
 * that follow it, or 0 if it is cut short or of a kind this reader does
 * not know. What type_size(), name_ref() and type_ref() say, in one go:
 * this runs for every type of a kernel.
 */
static size_t check_type(const struct btf_type *t, size_t left, __u32 strs_len,
			 __u32 *max_ref)
{
	__u32 bad = t->name_off >= strs_len, max = 0, n = btf_vlen(t), *p;
	size_t size = type_size(t);

	if (!size || size > left)
		return 0;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_FWD:
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		for (__u32 i = 0; i < n; i++) {
			bad |= m[i].name_off >= strs_len;
			max = m[i].type > max ? m[i].type : max;
		}
		break;
	}
	case BTF_KIND_ENUM:
		for (__u32 i = 0; i < n; i++)
			bad |= btf_enum(t)[i].name_off >= strs_len;
		break;
	case BTF_KIND_ENUM64:
		for (__u32 i = 0; i < n; i++)
			bad |= btf_enum64(t)[i].name_off >= strs_len;
		break;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *params = btf_params(t);

		max = t->type;
		for (__u32 i = 0; i < n; i++) {
			bad |= params[i].name_off >= strs_len;
			max = params[i].type > max ? params[i].type : max;
		}
		break;
	}
	case BTF_KIND_ARRAY:
	case BTF_KIND_DATASEC:
		for (int i = 0; (p = type_ref(t, i)); i++)
			max = *p > max ? *p : max;
		break;
	default: /* one reference: pointers, typedefs, qualifiers, ... */
		max = t->type;
		break;
	}
	if (max > *max_ref)
		*max_ref = max;
	return bad ? 0 : size;
}

/*
 * Takes raw BTF in this machine's byte order (data must stay valid and
 * be 4-byte aligned) and checks its header: where its sections are.
 * -EINVAL if anything is out of bounds.
 */
static int load_header(struct kf_btf *kf, const void *data, size_t size)
{
	const struct btf_header *hdr = data;
	size_t meta;

	if (size < sizeof(*hdr) || ((uintptr_t)data & 3) || hdr->magic != BTF_MAGIC ||
	    hdr->version != BTF_VERSION || hdr->hdr_len < sizeof(*hdr) ||
	    hdr->hdr_len > size || hdr->hdr_len % 4)
		return -EINVAL;
	meta = size - hdr->hdr_len;
	if ((size_t)hdr->type_off + hdr->type_len > meta || hdr->type_off % 4 ||
	    (size_t)hdr->str_off + hdr->str_len > meta || !hdr->str_len)
		return -EINVAL;
	kf->types = (const char *)data + hdr->hdr_len + hdr->type_off;
	kf->types_len = hdr->type_len;
	kf->strs = (const char *)data + hdr->hdr_len + hdr->str_off;
	kf->strs_len = hdr->str_len;
	if (kf->strs[0] || kf->strs[kf->strs_len - 1])
		return -EINVAL;
	return 0;
}

/*
 * After load_header(): checks every type's size, names and type ids once,
 * so that lookups can trust them, and records the offset of each type in
 * a malloc'd *offs (*nr_types of them, void's first), counting in
 * *nr_named those the name index holds. -EINVAL if anything is out of
 * bounds, -ENOMEM.
 */
static int scan_types(const struct kf_btf *kf, __u32 **offs, __u32 *nr_types, __u32 *nr_named)
{
	const char *types = kf->types;
	__u32 off, n = 1, cap, max_ref = 0, named = 0, types_len = kf->types_len;
	__u32 *o, *p;
	size_t len;

	/* A kernel's BTF averages ~43 bytes a type. */
	cap = types_len / 32 + 16;
	o = malloc(cap * sizeof(*o));
	if (!o)
		return -ENOMEM;
	o[0] = 0; /* void: never read */
	for (off = 0; off < types_len; off += len) {
		const struct btf_type *t = (const void *)(types + off);

		if (types_len - off < sizeof(*t))
			goto free_offs;
		len = check_type(t, types_len - off, kf->strs_len, &max_ref);
		if (!len)
			goto free_offs;
		if (n == cap) {
			p = realloc(o, 2 * (size_t)cap * sizeof(*o));
			if (!p) {
				free(o);
				return -ENOMEM;
			}
			o = p;
			cap *= 2;
		}
		o[n++] = off;
		if (t->name_off && indexed_kind(btf_kind(t)))
			named++;
	}
	if (max_ref >= n)
		goto free_offs;
	*offs = o;
	*nr_types = n;
	*nr_named = named;
	return 0;

free_offs:
	free(o);
	return -EINVAL;
}

static int load_types(struct kf_btf *kf)
{
	return scan_types(kf, &kf->offs, &kf->nr_types, &kf->nr_named);
}

static int load(struct kf_btf *kf, const void *data, size_t size)
{
	int err = load_header(kf, data, size);

	return err ? err : load_types(kf);
}

/* A BTF that libbpf parsed, copied into kf in this machine's byte order. */
static int load_libbpf(struct kf_btf *kf, const struct btf *btf)
{
	const enum btf_endianness host = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
					 BTF_LITTLE_ENDIAN : BTF_BIG_ENDIAN;
	struct btf *native = NULL;
	const void *raw;
	__u32 size;
	int err;

	/* A module's BTF: its ids continue its base's. */
	if (btf__base_btf(btf))
		return -EOPNOTSUPP;
	raw = btf__raw_data(btf, &size);
	if (!raw)
		return -ENOMEM;
	if (btf__endianness(btf) != host) {
		native = btf__new(raw, size);
		if (!native)
			return -errno;
		btf__set_endianness(native, host);
		raw = btf__raw_data(native, &size);
		if (!raw) {
			err = -ENOMEM;
			goto free_native;
		}
	}
	kf->copy = malloc(size);
	if (!kf->copy) {
		err = -ENOMEM;
		goto free_native;
	}
	memcpy(kf->copy, raw, size);
	err = load(kf, kf->copy, size);

free_native:
	btf__free(native);
	return err;
}

/* What an index file was made from ("index files" below). */
struct index_key {
	__u64 dev, ino, size;
	__s64 mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	__u64 btf_off, btf_len;	/* where the BTF is in the file */
	__u64 sample;		/* hash of the samples */
};

static int build_index(struct kf_btf *kf);
static int index_key(int fd, const struct stat *st, size_t btf_off, size_t btf_len,
		     struct index_key *key);
static char *index_file(const char *dir, const struct index_key *key);
static int read_index(struct kf_btf *kf, const char *file, const struct index_key *key);
static void write_index(const struct kf_btf *kf, const char *dir, const char *file,
			const struct index_key *key);

/*
 * Raw BTF (as in /sys/kernel/btf/vmlinux) or an ELF file's .BTF, of this
 * machine's byte order: the file mapped where the kernel allows it, read
 * into memory where it does not. -EPROTO if the file is neither (or an ELF
 * file this reader does not handle): then libbpf's reader tries.
 * With index_dir, the types are checked and indexed once per file: later
 * opens read the offsets and the name index from there (see "index files").
 */
static int load_file(struct kf_btf *kf, const char *path, const char *index_dir)
{
	const void *data;
	struct index_key key;
	char *file = NULL;
	struct stat st;
	size_t size = 0, len;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		index_dir = NULL;
	else if (st.st_size > 0) {
		size = st.st_size;
		kf->map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (kf->map == MAP_FAILED)
			kf->map = NULL;
		else
			kf->map_len = size;
	}
	if (!kf->map) {
		kf->copy = read_all(fd, &size);
		if (!kf->copy) {
			err = -errno;
			goto close_fd;
		}
	}
	data = kf->map ? kf->map : kf->copy;

	if (is_native_raw_btf(data, size))
		len = size;
	else if (!(data = elf_btf_section(data, size, &len)) || ((uintptr_t)data & 3)) {
		err = -EPROTO;
		goto close_fd;
	}
	err = load_header(kf, data, len);
	if (err)
		goto close_fd;

	if (index_dir && index_key(fd, &st, (const char *)data -
				   (const char *)(kf->map ? kf->map : kf->copy), len, &key) == 0) {
		file = index_file(index_dir, &key);
		if (file && read_index(kf, file, &key) == 0)
			goto free_file;
	}

	/* All of the types are read: map them now, in one go, not a fault
	 * per 64 KiB (kernels before 5.14 say EINVAL: fine).
	 */
	if (kf->map)
		madvise((void *)((uintptr_t)data & ~(uintptr_t)4095),
			len + ((uintptr_t)data & 4095), MADV_POPULATE_READ);
	err = load_types(kf);
	if (!err)
		err = build_index(kf);
	if (!err && file)
		write_index(kf, index_dir, file, &key);

free_file:
	free(file);
close_fd:
	close(fd);
	return err;
}

/* Drops what load_file() or load_libbpf() left, for another try. */
static void unload(struct kf_btf *kf)
{
	if (kf->map)
		munmap(kf->map, kf->map_len);
	free(kf->copy);
	if (kf->index_file) {
		free(kf->index_file);
	} else {
		free(kf->offs);
		free(kf->index);
	}
	free(kf->index_path);
	free(kf->checked);
	kf->map = NULL;
	kf->copy = NULL;
	kf->offs = NULL;
	kf->index = NULL;
	kf->index_file = NULL;
	kf->index_path = NULL;
	kf->checked = NULL;
	kf->nr_types = 0;
	kf->nr_named = 0;
}

static const struct btf_type void_type;

static bool check_offset(const struct kf_btf *kf, __u32 id);

/* Type id of a BTF known to be valid: ids are in range. Offsets from an
 * index file are checked at the first use of each.
 */
static const struct btf_type *type_of(const struct kf_btf *kf, __u32 id)
{
	if (!id)
		return &void_type;
	if (kf->checked && !(kf->checked[id / 8] & 1 << id % 8) && !check_offset(kf, id))
		return &void_type;
	return (const void *)(kf->types + kf->offs[id]);
}

static const char *name_of(const struct kf_btf *kf, __u32 off)
{
	return kf->strs + off;
}

__u32 kf_btf__type_cnt(const struct kf_btf *kf)
{
	return kf ? kf->nr_types : 0;
}

const struct btf_type *kf_btf__type_by_id(const struct kf_btf *kf, __u32 id)
{
	if (!kf || id >= kf->nr_types) {
		errno = EINVAL;
		return NULL;
	}
	return type_of(kf, id);
}

const char *kf_btf__name_by_offset(const struct kf_btf *kf, __u32 off)
{
	if (!kf || off >= kf->strs_len) {
		errno = EINVAL;
		return NULL;
	}
	return name_of(kf, off);
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

/* Fills the name index (empty, at least twice as many slots as named types). */
static void fill_index(const struct kf_btf *kf, __u32 *index, size_t mask)
{
	for (__u32 id = 1; id < kf->nr_types; id++) {
		const struct btf_type *t = type_of(kf, id);
		size_t h;

		if (!t->name_off || !indexed_kind(btf_kind(t)))
			continue;
		h = name_hash(name_of(kf, t->name_off));
		while (index[h & mask])
			h++;
		index[h & mask] = id;
	}
}

static int build_index(struct kf_btf *kf)
{
	size_t slots = 16;

	/* At most half full. */
	while (slots < 2 * (size_t)kf->nr_named)
		slots *= 2;
	kf->index = calloc(slots, sizeof(*kf->index));
	if (!kf->index)
		return -ENOMEM;
	kf->index_mask = slots - 1;
	fill_index(kf, kf->index, kf->index_mask);
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
		const struct btf_type *t = type_of(kf, id);

		h++;
		if (strcmp(name_of(kf, t->name_off), name))
			continue;
		if (kind_in(ks, t))
			return id;
		if (btf_is_fwd(t) && fwd < 0 && ks->fwd_kflag >= 0 &&
		    btf_kflag(t) == ks->fwd_kflag)
			fwd = id;
	}
	return fwd;
}

/* ---- index files ---- */

/*
 * The pass over all of a kernel's types (load_types()) and the name index
 * (build_index()) are most of the time a build spends on BTF, and give the
 * same result for the same file every time: with an index directory they
 * are written to a file there once, as the hand route writes its
 * vmlinux.h once, and later opens read them back (~1 MB) and touch only
 * the types they look at.
 *
 * An index file belongs to the BTF file (its device and inode name it;
 * the next kernel built in the same place overwrites it) and is used only
 * if it was made from the same contents: the same size, modification and
 * change times, BTF header, 32 words sampled across the BTF and, for
 * /sys/kernel/btf/vmlinux, the running kernel's build id. The file is
 * never trusted with memory safety: anyone who can write the cache can
 * forge it, checksum included. It is opened without following a link or
 * blocking (a FIFO), must be a regular file of the size its header says,
 * and is read into memory, not mapped (a file cut short under a mapping
 * is SIGBUS). What it holds is checked before use: a checksum against
 * accidents, offsets rising within the type section, the last type ending
 * it, index entries type ids, at most half the slots full; and each
 * offset at the first use of its type (check_offset()). So a wrong entry
 * can cost a lookup miss, never a read outside the BTF; a file found
 * wrong is removed and its offsets and name index made again from the
 * BTF. As root, a directory or file that another user could have written
 * is neither read nor written. Writing is atomic (a temporary file
 * renamed); a directory that cannot be written, or a file that does not
 * check, only costs the pass.
 */
#define INDEX_MAGIC "KFBTFIDX"
#define INDEX_VERSION 1
#define INDEX_SAMPLES 32
#define SYSFS_MAGIC 0x62656572

/* The file: this header, offs[nr_types], index[slots]. */
struct index_hdr {
	char magic[8];
	__u32 version;
	__u32 hash_check;	/* name_hash() of a fixed name: the same hash */
	struct index_key key;
	__u32 nr_types, nr_named;
	__u64 slots;
	__u64 sum;		/* index_check()'s checksum of what follows */
};

static __u64 mix(__u64 h, __u64 w)
{
	return (h ^ w) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
}

static __u64 mix_bytes(__u64 h, const void *p, size_t n)
{
	const unsigned char *b = p;
	__u64 w;

	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = mix(h, w);
	}
	w = 0;
	memcpy(&w, b, n);
	return mix(h, w);
}

/* Read with pread, never mapping: the samples must not fault in pages. */
static __u64 mix_pread(__u64 h, int fd, size_t n, off_t off)
{
	unsigned char buf[256];
	ssize_t got = pread(fd, buf, n < sizeof(buf) ? n : sizeof(buf), off);

	return got > 0 ? mix_bytes(mix(h, got), buf, got) : mix(h, 0);
}

static int index_key(int fd, const struct stat *st, size_t btf_off, size_t btf_len,
		     struct index_key *key)
{
	__u64 h = INDEX_VERSION;
	struct statfs fs;
	int notes;

	memset(key, 0, sizeof(*key));
	key->dev = st->st_dev;
	key->ino = st->st_ino;
	key->size = st->st_size;
	key->mtime_sec = st->st_mtim.tv_sec;
	key->mtime_nsec = st->st_mtim.tv_nsec;
	key->ctime_sec = st->st_ctim.tv_sec;
	key->ctime_nsec = st->st_ctim.tv_nsec;
	key->btf_off = btf_off;
	key->btf_len = btf_len;
	if (btf_len < 8)
		return -EINVAL;
	h = mix_pread(h, fd, sizeof(struct btf_header) + 8, btf_off);
	for (int i = 0; i < INDEX_SAMPLES; i++)
		h = mix_pread(h, fd, 8, btf_off + (btf_len - 8) / (INDEX_SAMPLES - 1) * i);
	/* The running kernel's BTF: its build id as well. */
	if (fstatfs(fd, &fs) == 0 && fs.f_type == SYSFS_MAGIC) {
		notes = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
		if (notes >= 0) {
			h = mix_pread(h, notes, 256, 0);
			close(notes);
		}
	}
	key->sample = h;
	return 0;
}

/*
 * Checks offs and index as an index file holds them: offsets rising
 * (offs[1], the first type, is 0 like void's), index entries type ids, at
 * most nr_named of them. Their checksum (Fletcher's: a changed, lost or
 * moved word changes it) in *sum. One pass each: this runs at every open.
 */
static bool index_check(const __u32 *offs, __u32 nr_types, const __u32 *index, size_t slots,
			__u32 nr_named, __u64 *sum)
{
	__u64 a = 1, b = 0;
	size_t nfull = 0;
	bool bad = offs[0] || (nr_types > 1 && offs[1]);

	for (__u32 i = 0; i < nr_types; i++) {
		bad |= i >= 2 && offs[i] <= offs[i - 1];
		a += offs[i];
		b += a;
	}
	for (size_t i = 0; i < slots; i++) {
		bad |= index[i] >= nr_types;
		nfull += index[i] != 0;
		a += index[i];
		b += a;
	}
	*sum = a ^ (b << 32 | b >> 32);
	return !bad && nfull <= nr_named;
}

/* dir/vmlinux-HASH.idx, HASH of the file's device and inode. */
static char *index_file(const char *dir, const struct index_key *key)
{
	size_t n = strlen(dir) + sizeof("/vmlinux-0123456789abcdef.idx");
	char *file = malloc(n);

	if (file)
		snprintf(file, n, "%s/vmlinux-%016llx.idx", dir,
			 (unsigned long long)mix(mix(0, key->dev), key->ino));
	return file;
}

/* Whether a cache directory or file of st may be used: as root, only one
 * of root's that no one else can write (a user's cache is the user's to
 * forge; sudo -E keeps the user's HOME and XDG_CACHE_HOME).
 */
static bool index_trusted(const struct stat *st)
{
	return geteuid() != 0 || (st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH)));
}

/* The directory of file, if it is one the index may be read from or
 * written to: 0, or -EPERM, or -errno.
 */
static int index_dir_trusted(const char *file)
{
	char *dir = strdup(file), *slash;
	struct stat st;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (stat(slash ? (*dir ? dir : "/") : ".", &st))
		err = -errno;
	else if (!S_ISDIR(st.st_mode) || !index_trusted(&st))
		err = -EPERM;
	free(dir);
	return err;
}

/* All n bytes at off, or false (a file cut short meanwhile). */
static bool pread_all(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	ssize_t got;

	while (n) {
		got = pread(fd, p, n, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		p += got;
		off += got;
		n -= got;
	}
	return true;
}

/*
 * Checks type id where an index file says it is, at its first use: it
 * must be whole, 4-byte aligned, end where the next type starts (the last
 * where the section ends), and have its names and the ids it refers to in
 * range. A forged file can still name a wrong place that checks, but then
 * the bytes read are the BTF's, and what they name in range. An offset
 * that fails removes the file and makes offs and the name index again from
 * the BTF, in place (the number of types stays: the ids handed out stay
 * valid); if the BTF has another number of types, the ids that fail read
 * as void. False then.
 */
static bool check_offset(const struct kf_btf *kf, __u32 id)
{
	__u32 off = kf->offs[id], max_ref = 0, nr, named, *offs;
	__u32 end = id + 1 < kf->nr_types ? kf->offs[id + 1] : kf->types_len;
	size_t bitmap = kf->nr_types / 8 + 1;

	if (off % 4 == 0 && off < end && end <= kf->types_len &&
	    end - off >= sizeof(struct btf_type) &&
	    check_type((const void *)(kf->types + off), end - off, kf->strs_len,
		       &max_ref) == end - off &&
	    max_ref < kf->nr_types) {
		kf->checked[id / 8] |= 1 << id % 8;
		return true;
	}
	/* Bit 0 (void, never looked up here): the file was found wrong. */
	if (kf->checked[0] & 1)
		return false;
	kf->checked[0] |= 1;
	unlink(kf->index_path);
	if (scan_types(kf, &offs, &nr, &named))
		return false;
	if (nr != kf->nr_types) {
		free(offs);
		return false;
	}
	memcpy(kf->offs, offs, nr * sizeof(*offs));
	free(offs);
	memset(kf->checked, 0xff, bitmap);
	if (kf->index_mask + 1 >= 2 * (size_t)named) {
		memset(kf->index, 0, (kf->index_mask + 1) * sizeof(*kf->index));
		fill_index(kf, kf->index, kf->index_mask);
	}
	return true;
}

static int read_index(struct kf_btf *kf, const char *file, const struct index_key *key)
{
	struct index_hdr hdr;
	struct stat st;
	size_t size, slots;
	__u32 *offs, *index;
	__u64 sum;
	char *buf;
	int fd, err;

	err = index_dir_trusted(file);
	if (err)
		return err;
	/* Not through a link; a FIFO must not block the open. */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	err = -EINVAL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !index_trusted(&st) ||
	    !pread_all(fd, &hdr, sizeof(hdr), 0))
		goto close_fd;
	if (memcmp(hdr.magic, INDEX_MAGIC, sizeof(hdr.magic)) ||
	    hdr.version != INDEX_VERSION || hdr.hash_check != name_hash("kfault") ||
	    memcmp(&hdr.key, key, sizeof(*key)) || !hdr.nr_types ||
	    hdr.slots < 16 || hdr.slots > (1 << 28) || (hdr.slots & (hdr.slots - 1)) ||
	    hdr.slots < 2 * (__u64)hdr.nr_named || hdr.nr_types > kf->types_len / 12 + 1 ||
	    (__u64)st.st_size != sizeof(hdr) + ((__u64)hdr.nr_types + hdr.slots) * sizeof(__u32))
		goto close_fd;
	/* Read, not mapped: see "index files". */
	size = st.st_size - sizeof(hdr);
	buf = malloc(size);
	if (!buf) {
		err = -ENOMEM;
		goto close_fd;
	}
	if (!pread_all(fd, buf, size, sizeof(hdr)))
		goto free_buf;
	offs = (__u32 *)buf;
	index = offs + hdr.nr_types;
	slots = hdr.slots;
	if (!index_check(offs, hdr.nr_types, index, slots, hdr.nr_named, &sum) ||
	    sum != hdr.sum)
		goto free_buf;
	/* and the last type ends the section */
	if (hdr.nr_types > 1) {
		__u32 last = offs[hdr.nr_types - 1], max_ref = 0;

		if (last >= kf->types_len || last % 4 || kf->types_len - last < sizeof(struct btf_type) ||
		    check_type((const void *)(kf->types + last), kf->types_len - last,
			       kf->strs_len, &max_ref) != kf->types_len - last ||
		    max_ref >= hdr.nr_types)
			goto free_buf;
	} else if (kf->types_len) {
		goto free_buf;
	}
	kf->checked = calloc(hdr.nr_types / 8 + 1, 1);
	kf->index_path = strdup(file);
	if (!kf->checked || !kf->index_path) {
		free(kf->checked);
		free(kf->index_path);
		kf->checked = NULL;
		kf->index_path = NULL;
		err = -ENOMEM;
		goto free_buf;
	}

	kf->index_file = buf;
	kf->offs = offs;
	kf->nr_types = hdr.nr_types;
	kf->nr_named = hdr.nr_named;
	kf->index = index;
	kf->index_mask = slots - 1;
	close(fd);
	return 0;

free_buf:
	free(buf);
close_fd:
	close(fd);
	return err;
}

/* mkdir -p dir, best effort. */
static void make_dirs(const char *dir)
{
	char *p, *path = strdup(dir);

	if (!path)
		return;
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
	free(path);
}

static bool write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

static void write_index(const struct kf_btf *kf, const char *dir, const char *file,
			const struct index_key *key)
{
	struct index_hdr hdr = {
		.magic = INDEX_MAGIC,
		.version = INDEX_VERSION,
		.key = *key,
		.nr_types = kf->nr_types,
		.nr_named = kf->nr_named,
		.slots = kf->index_mask + 1,
	};
	size_t n = strlen(file) + sizeof(".XXXXXX");
	char *tmp = malloc(n);
	bool ok;
	int fd;

	if (!tmp)
		return;
	hdr.hash_check = name_hash("kfault");
	/* only for the checksum: these were just made */
	(void)index_check(kf->offs, kf->nr_types, kf->index, hdr.slots, kf->nr_named, &hdr.sum);
	make_dirs(dir);
	if (index_dir_trusted(file))
		goto free_tmp;
	snprintf(tmp, n, "%s.XXXXXX", file);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto free_tmp;
	ok = write_all(fd, &hdr, sizeof(hdr)) &&
	     write_all(fd, kf->offs, kf->nr_types * sizeof(*kf->offs)) &&
	     write_all(fd, kf->index, hdr.slots * sizeof(*kf->index));
	if (close(fd) || !ok || rename(tmp, file))
		unlink(tmp);
free_tmp:
	free(tmp);
}

char *kf_btf_default_index_dir(void)
{
	const char *v = getenv("KFAULT_BTF_INDEX"), *base, *sub = "/btf";
	char *dir;
	size_t n;

	errno = 0;
	if (v && strcmp(v, "off") == 0)
		return NULL;
	base = getenv("KFAULT_CACHE");
	if (!base || !*base) {
		base = getenv("XDG_CACHE_HOME");
		sub = "/kfault/btf";
		if (!base || !*base) {
			base = getenv("HOME");
			sub = "/.cache/kfault/btf";
		}
		if (!base || !*base)
			return NULL;
	}
	n = strlen(base) + strlen(sub) + 1;
	dir = malloc(n);
	if (dir)
		snprintf(dir, n, "%s%s", base, sub);
	return dir;
}

/* ---- subsets: what btf_dump is given ---- */

/*
 * The types a header or a declaration needs: the roots, and what they
 * refer to, by btf_dump's own rules. A struct or union with a name that is
 * reached only through pointers comes without its members: btf_dump then
 * only declares it, as it would, and a "struct task_struct *" does not
 * bring half the kernel. Reached by value, it comes whole, its members by
 * value. The set is written out as a BTF of its own, renumbered in the
 * original order, for btf_dump, which writes the same C from it as from
 * the whole BTF.
 */
enum { SEEN_PTR = 1, SEEN_VALUE = 2 };

/* Grows *v (of *cap elements of size sz) to hold n. */
static int grow(void *v, size_t *cap, size_t n, size_t sz)
{
	void *p;
	size_t c = *cap ? *cap : 64;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	p = realloc(*(void **)v, c * sz);
	if (!p)
		return -ENOMEM;
	*(void **)v = p;
	*cap = c;
	return 0;
}

/* Adds id, reached at level (SEEN_PTR or SEEN_VALUE), to the subset. */
static int subset_add(struct kf_btf *kf, __u32 id, int level)
{
	struct kf_subset *s = &kf->sub;

	if (!id || s->seen[id] >= level)
		return 0;
	if (!s->seen[id]) {
		if (grow(&s->ids, &s->ids_cap, s->nids + 1, sizeof(*s->ids)))
			return -ENOMEM;
		s->ids[s->nids++] = id;
	}
	s->seen[id] = level;
	if (grow(&s->work, &s->work_cap, s->nwork + 1, sizeof(*s->work)))
		return -ENOMEM;
	s->work[s->nwork++] = id;
	return 0;
}

static bool named_only(const struct kf_btf *kf, const struct btf_type *t, __u32 id)
{
	return btf_is_composite(t) && t->name_off && kf->sub.seen[id] == SEEN_PTR;
}

/* Adds what the ids added so far refer to. */
static int subset_close(struct kf_btf *kf)
{
	struct kf_subset *s = &kf->sub;
	int err = 0;

	while (s->nwork && !err) {
		__u32 id = s->work[--s->nwork], *ref;
		const struct btf_type *t = type_of(kf, id);
		int level = s->seen[id];

		if (named_only(kf, t, id))
			continue;
		if (btf_is_composite(t))
			level = SEEN_VALUE; /* its members */
		else if (btf_is_ptr(t))
			level = SEEN_PTR;
		for (int i = 0; !err && (ref = type_ref(t, i)); i++)
			err = subset_add(kf, *ref, level);
	}
	return err;
}

/* Forgets the subset, keeping the memory for the next. */
static void subset_reset(struct kf_btf *kf)
{
	struct kf_subset *s = &kf->sub;

	for (size_t i = 0; i < s->nids; i++) {
		s->seen[s->ids[i]] = 0;
		s->new_id[s->ids[i]] = 0;
	}
	s->nids = 0;
	s->nwork = 0;
}

/* Starts a subset. */
static int subset_begin(struct kf_btf *kf)
{
	struct kf_subset *s = &kf->sub;

	if (!s->seen)
		s->seen = calloc(kf->nr_types, sizeof(*s->seen));
	if (!s->new_id)
		s->new_id = calloc(kf->nr_types, sizeof(*s->new_id));
	if (!s->seen || !s->new_id)
		return -ENOMEM;
	subset_reset(kf);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Appends s and its NUL to the string section; its offset ("" is 0). */
static __u32 add_str(char **strs, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1, off = *len;

	if (n == 1)
		return 0;
	if (grow(strs, cap, *len + n, 1))
		return UINT32_MAX;
	memcpy(*strs + off, s, n);
	*len += n;
	return off;
}

/* The subset as a BTF of its own; kf->sub.new_id[] maps ids into it.
 * NULL and errno on failure.
 */
static struct btf *subset_btf(struct kf_btf *kf)
{
	struct kf_subset *s = &kf->sub;
	size_t types_len = 0, strs_len = 1, strs_cap = 0, off;
	struct btf_header *hdr;
	char *raw, *strs = NULL;
	struct btf *btf = NULL;
	int err = 0;

	if (s->nids)	/* qsort(NULL, 0, ...) is undefined: an empty subset has no ids array */
		qsort(s->ids, s->nids, sizeof(*s->ids), cmp_u32);
	for (size_t i = 0; i < s->nids; i++) {
		const struct btf_type *t = type_of(kf, s->ids[i]);

		s->new_id[s->ids[i]] = i + 1;
		types_len += named_only(kf, t, s->ids[i]) ? sizeof(*t) : type_size(t);
	}
	raw = malloc(sizeof(*hdr) + types_len);
	if (grow(&strs, &strs_cap, 1, 1) || !raw) {
		err = -ENOMEM;
		goto free_raw;
	}
	strs[0] = 0;

	off = sizeof(*hdr);
	for (size_t i = 0; i < s->nids; i++) {
		const struct btf_type *t = type_of(kf, s->ids[i]);
		struct btf_type *w = (struct btf_type *)(raw + off);
		__u32 *p;

		if (named_only(kf, t, s->ids[i])) {
			/* No members (btf_dump only names it): not a FWD,
			 * which it would declare in another place.
			 */
			w->info = btf_kind(t) << 24;
			w->name_off = t->name_off;
			w->size = t->size;
			off += sizeof(*w);
		} else {
			memcpy(w, t, type_size(t));
			off += type_size(t);
			for (int j = 0; (p = type_ref(w, j)); j++)
				*p = *p ? s->new_id[*p] : 0;
		}
		for (int j = 0; (p = name_ref(w, j)); j++) {
			*p = add_str(&strs, &strs_len, &strs_cap, name_of(kf, *p));
			if (*p == UINT32_MAX) {
				err = -ENOMEM;
				goto free_raw;
			}
		}
	}

	hdr = (struct btf_header *)raw;
	*hdr = (struct btf_header){
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(*hdr),
		.type_len = types_len,
		.str_off = types_len,
		.str_len = strs_len,
	};
	/* btf__new() wants one buffer: strings after the types. */
	{
		char *all = realloc(raw, sizeof(*hdr) + types_len + strs_len);

		if (!all) {
			err = -ENOMEM;
			goto free_raw;
		}
		raw = all;
		memcpy(raw + sizeof(*hdr) + types_len, strs, strs_len);
	}
	btf = btf__new(raw, sizeof(*hdr) + types_len + strs_len);
	if (!btf)
		err = -errno;

free_raw:
	free(raw);
	free(strs);
	if (err)
		errno = -err;
	return btf;
}

/*
 * The subset, with what its ids refer to, as a BTF of its own (*btf, to
 * free after the dump) and a btf_dump of it that prints into b;
 * kf->sub.new_id[] maps ids into it. NULL and errno on failure.
 */
static struct btf_dump *subset_dump(struct kf_btf *kf, struct strbuf *b, struct btf **btf)
{
	struct btf_dump *d;
	int err = subset_close(kf);

	if (err) {
		errno = -err;
		return NULL;
	}
	*btf = subset_btf(kf);
	if (!*btf)
		return NULL;
	d = btf_dump__new(*btf, strbuf_vprintf, b, NULL);
	if (!d) {
		err = errno;
		btf__free(*btf);
		*btf = NULL;
		errno = err;
	}
	return d;
}

/* ---- opening ---- */

static struct kf_btf *kf_btf_new(void)
{
	struct kf_btf *kf = calloc(1, sizeof(*kf));

	if (!kf)
		errno = ENOMEM;
	return kf;
}

/* kf, loaded (or not: err), indexed; freed on failure. */
static struct kf_btf *kf_btf_index(struct kf_btf *kf, int err)
{
	if (!err && !kf->index)
		err = build_index(kf);
	if (err) {
		kf_btf__free(kf);
		errno = -err;
		return NULL;
	}
	return kf;
}

/*
 * A file load_file() does not take, through libbpf's reader, which prints
 * nothing meanwhile: what is wrong is said by the error, in kfault's words
 * (kf_btf__strerror). -ENOEXEC for a file that is neither BTF nor ELF (libbpf
 * would say "failed to get EHDR" and "Unknown error 4001"), -ENODATA for an
 * ELF file without a .BTF section, -EBADMSG for BTF libbpf cannot read.
 */
static int load_other(struct kf_btf *kf, const char *path)
{
	unsigned char magic[4] = {0};
	libbpf_print_fn_t print;
	struct btf *btf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n < 0)
		return -errno;
	bool is_elf = n == 4 && memcmp(magic, ELFMAG, SELFMAG) == 0;
	bool is_btf = n >= 2 && (memcmp(magic, "\x9f\xeb", 2) == 0 || memcmp(magic, "\xeb\x9f", 2) == 0);

	if (!is_elf && !is_btf)
		return -ENOEXEC;
	print = libbpf_set_print(NULL);
	btf = btf__parse(path, NULL);
	err = btf ? 0 : -errno;
	libbpf_set_print(print);
	if (btf) {
		err = load_libbpf(kf, btf);
		btf__free(btf);
		return err;
	}
	if (is_elf && err == -ENOENT)
		return -ENODATA;
	return err == -ENOMEM ? err : -EBADMSG;
}

const char *kf_btf__strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOEXEC:
		return "it is neither BTF nor an ELF file with a .BTF section";
	case ENODATA:
		return "it is an ELF file without a .BTF section";
	case EBADMSG:
		return "its BTF is damaged or of a format kfault does not read";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

struct kf_btf *kf_btf__open_opts(const char *path, const struct kf_btf_open_opts *opts)
{
	struct kf_btf *kf = kf_btf_new();
	int err;

	if (!kf)
		return NULL;
	if (!path)
		path = KF_VMLINUX_BTF;
	err = load_file(kf, path, opts ? opts->index_dir : NULL);
	if (err == -EPROTO) {
		unload(kf);
		err = load_other(kf, path);
	}
	return kf_btf_index(kf, err);
}

struct kf_btf *kf_btf__open(const char *path)
{
	return kf_btf__open_opts(path, NULL);
}

struct kf_btf *kf_btf__open_indexed(const char *path)
{
	struct kf_btf_open_opts opts = { .index_dir = kf_btf_default_index_dir() };
	struct kf_btf *kf = kf_btf__open_opts(path, &opts);
	int err = errno;

	free((char *)opts.index_dir);
	errno = err;
	return kf;
}

struct kf_btf *kf_btf__from_btf(const struct btf *btf)
{
	struct kf_btf *kf;

	if (!btf) {
		errno = EINVAL;
		return NULL;
	}
	kf = kf_btf_new();
	if (!kf)
		return NULL;
	return kf_btf_index(kf, load_libbpf(kf, btf));
}

void kf_btf__free(struct kf_btf *kf)
{
	if (!kf)
		return;
	unload(kf);
	free(kf->sub.seen);
	free(kf->sub.new_id);
	free(kf->sub.ids);
	free(kf->sub.work);
	free(kf->render_buf.s);
	free(kf);
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
	n = kf->nr_types;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = type_of(kf, id);

		for (int i = 0; btf_is_enum(t) && i < btf_vlen(t); i++) {
			const struct btf_enum *e = &btf_enum(t)[i];

			if (strcmp(name_of(kf, e->name_off), name))
				continue;
			if (value)
				*value = btf_kflag(t) ? (long long)e->val
						      : (long long)(__u32)e->val;
			return id;
		}
		for (int i = 0; btf_is_enum64(t) && i < btf_vlen(t); i++) {
			const struct btf_enum64 *e = &btf_enum64(t)[i];

			if (strcmp(name_of(kf, e->name_off), name))
				continue;
			if (value)
				*value = (long long)btf_enum64_value(e);
			return id;
		}
	}
	return -ENOENT;
}

static __u32 skip_mods_typedefs(const struct kf_btf *kf, __u32 id)
{
	const struct btf_type *t = type_of(kf, id);

	while (btf_is_mod(t) || btf_is_typedef(t)) {
		id = t->type;
		t = type_of(kf, id);
	}
	return id;
}

char *kf_btf__type_str(struct kf_btf *kf, __u32 id, const char *name)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts,
		.field_name = name ? name : "");
	struct btf_dump *d = NULL;
	struct btf *btf = NULL;
	struct strbuf *b;
	char *s = NULL;
	int err;

	if (!kf || id >= kf->nr_types) {
		errno = EINVAL;
		return NULL;
	}
	/* A declaration names what it points to: no more is needed. */
	err = subset_begin(kf);
	if (!err)
		err = subset_add(kf, id, SEEN_PTR);
	if (err)
		goto reset;
	b = &kf->render_buf;
	b->len = 0;
	b->err = 0;
	d = subset_dump(kf, b, &btf);
	if (!d) {
		err = -errno;
		goto reset;
	}
	err = btf_dump__emit_type_decl(d, kf->sub.new_id[id], &opts);
	if (!err)
		err = b->err;
	if (!err) {
		s = strndup(b->s ? b->s : "", b->len);
		if (!s)
			err = -ENOMEM;
	}

	btf_dump__free(d);
	btf__free(btf);
reset:
	subset_reset(kf);
	if (err)
		errno = -err;
	return s;
}

char *kf_btf_func__prototype(const struct kf_btf_func *fn)
{
	size_t len = strlen(fn->ret_type), size;
	char *text = NULL;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	fprintf(f, "%s%s%s(", fn->ret_type, len && fn->ret_type[len - 1] == '*' ? "" : " ", fn->name);
	for (size_t i = 0; i < fn->nparams; i++)
		fprintf(f, "%s%s", i ? ", " : "", fn->params[i].decl);
	if (fn->variadic)
		fputs(fn->nparams ? ", ..." : "...", f);
	else if (!fn->nparams)
		fputs("void", f);
	fputc(')', f);
	if (fclose(f)) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	return text;
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
	fn = type_of(kf, id);
	proto = type_of(kf, fn->type);
	if (!proto || !btf_is_func_proto(proto))
		return -EINVAL;
	params = btf_params(proto);
	vlen = btf_vlen(proto);

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->name = name_of(kf, fn->name_off);
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

		p->name = name_of(kf, params[i].name_off);
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
static bool find_member(const struct kf_btf *kf, const struct btf_type *t,
			const char *member, __u32 base,
			struct kf_btf_member *m)
{
	const struct btf_member *ms = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = name_of(kf, ms[i].name_off);
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
		mt = type_of(kf, skip_mods_typedefs(kf, ms[i].type));
		if (btf_is_composite(mt) && find_member(kf, mt, member, off, m))
			return true;
	}
	return false;
}

int kf_btf__member(struct kf_btf *kf, __u32 id, const char *member,
		   struct kf_btf_member *m)
{
	const struct btf_type *t, *mt;

	if (!kf || !member || !*member || !m ||
	    id >= kf->nr_types)
		return -EINVAL;
	t = type_of(kf, skip_mods_typedefs(kf, id));
	if (!t || !btf_is_composite(t))
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (!find_member(kf, t, member, 0, m))
		return -ENOENT;

	m->resolved_id = skip_mods_typedefs(kf, m->type_id);
	mt = type_of(kf, m->resolved_id);
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
	const struct btf_type *fn = type_of(kf, func_id);
	const struct btf_type *proto = type_of(kf, fn->type);
	const struct btf_param *params = btf_params(proto);
	int err;

	err = btf_dump__dump_type(d, kf->sub.new_id[fn->type]);
	if (err)
		return err;
	for (int i = -1; i < (int)btf_vlen(proto); i++) {
		__u32 id = i < 0 ? proto->type : params[i].type;
		const struct btf_type *t = type_of(kf, id);
		bool via_ptr = false;

		while (btf_is_ptr(t) || btf_is_mod(t)) {
			via_ptr |= btf_is_ptr(t);
			id = t->type;
			t = type_of(kf, id);
		}
		if (!id || !via_ptr)
			continue; /* void, or by value: already dumped */
		if (btf_is_composite(t) && t->name_off) {
			strbuf_printf(b, "%s %s;\n\n",
				      btf_is_struct(t) ? "struct" : "union",
				      name_of(kf, t->name_off));
		} else if (btf_is_any_enum(t) || btf_is_fwd(t)) {
			err = btf_dump__dump_type(d, kf->sub.new_id[id]);
			if (err)
				return err;
		}
	}
	return 0;
}

/* The type id a header root names: a type, a function or an enumerator
 * (whose enum it brings). -ENOENT.
 */
static int root_id(struct kf_btf *kf, const char *root)
{
	int id;

	if ((id = kf_btf__find_type(kf, root)) > 0)
		return id;
	if ((id = kf_btf__find_func(kf, root)) > 0)
		return id;
	if ((id = kf_btf__find_enumerator(kf, root, NULL)) > 0)
		return id;
	return id ? id : -ENOENT; /* "void" is no root */
}

int kf_btf__header(struct kf_btf *kf, const char *const *roots, size_t nroots,
		   const int *root_ids, size_t nroot_ids, char **header, size_t *len)
{
	const size_t nbase = sizeof(base_typedefs) / sizeof(*base_typedefs);
	struct strbuf b = {0};
	struct btf_dump *d = NULL;
	struct btf *btf = NULL;
	int *ids = NULL, err = 0;

	if (!kf || (nroots && !roots) || (nroot_ids && !root_ids) || !header)
		return -EINVAL;
	*header = NULL;

	/* The roots, then the subset of the BTF they need. */
	ids = calloc(nbase + nroots + nroot_ids, sizeof(*ids));
	err = ids ? subset_begin(kf) : -ENOMEM;
	for (size_t i = 0; !err && i < nbase; i++) {
		ids[i] = kf_btf__find_type(kf, base_typedefs[i]);
		if (ids[i] > 0)
			err = subset_add(kf, ids[i], SEEN_VALUE);
	}
	for (size_t i = 0; !err && i < nroots; i++) {
		if (!roots[i]) {
			err = -EINVAL;
			break;
		}
		ids[nbase + i] = root_id(kf, roots[i]);
		if (ids[nbase + i] < 0)
			err = ids[nbase + i];
		else
			err = subset_add(kf, ids[nbase + i], SEEN_VALUE);
	}
	for (size_t i = 0; !err && i < nroot_ids; i++) {
		ids[nbase + nroots + i] = root_ids[i];
		if (root_ids[i] <= 0 || !kf_btf__type_by_id(kf, root_ids[i]))
			err = -EINVAL;
		else
			err = subset_add(kf, root_ids[i], SEEN_VALUE);
	}
	if (err)
		goto free_ids;
	d = subset_dump(kf, &b, &btf);
	if (!d) {
		err = -errno;
		goto free_ids;
	}

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

	for (size_t i = 0; !err && i < nbase + nroots + nroot_ids; i++) {
		if (ids[i] <= 0)
			continue; /* a base typedef this BTF does not have */
		if (btf_is_func(type_of(kf, ids[i])))
			err = dump_func_types(kf, d, &b, ids[i]);
		else
			err = btf_dump__dump_type(d, kf->sub.new_id[ids[i]]);
	}
	if (err)
		goto free_dump;

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
	btf__free(btf);
free_ids:
	subset_reset(kf);
	free(ids);
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
	err = kf_btf__header(kf, roots, nroots, NULL, 0, &header, &len);
	if (err)
		return err;
	if (fwrite(header, 1, len, out) != len)
		err = -EIO;
	free(header);
	return err;
}
