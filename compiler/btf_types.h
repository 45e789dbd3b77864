/* Kernel types from BTF: a minimal "vmlinux.h" holding only the types a
 * program needs, and the lookups the semantic checker does (function
 * prototypes, struct members, types by name).
 *
 * Conventions follow libbpf: int functions return 0 (or a type id) or a
 * negative errno, pointer functions return NULL and set errno. Unknown
 * names are -ENOENT.
 */
#ifndef KF_BTF_TYPES_H
#define KF_BTF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct btf;
struct btf_type;
struct kf_btf;

/* The lookup functions take a non-const kf_btf: they fill caches in it
 * (a declaration renderer). A kf_btf is not thread safe.
 */

/* Open kernel BTF: a raw BTF file such as /sys/kernel/btf/vmlinux (the
 * default when path is NULL) or an ELF file with a .BTF section (vmlinux,
 * or any object built with clang -g).
 */
struct kf_btf *kf_btf__open(const char *path);
/*
 * Why an open failed (errno), in words for "cannot read kernel BTF from
 * PATH: ...": ENOEXEC a file that is neither BTF nor ELF, ENODATA an ELF
 * file without .BTF, EBADMSG BTF that cannot be read; else strerror().
 */
const char *kf_btf__strerror(int err);

struct kf_btf_open_opts {
	/* A directory for the index of each BTF file opened (the type
	 * offsets and the name index, ~1 MB for a kernel), made once and
	 * read by later opens of the same file instead of a pass over all
	 * its types; created if missing. NULL: no index file. Best effort:
	 * a directory that cannot be written only costs the time.
	 */
	const char *index_dir;
};
/* kf_btf__open() with options; opts may be NULL. */
struct kf_btf *kf_btf__open_opts(const char *path, const struct kf_btf_open_opts *opts);
/* The index directory kfault uses unless told otherwise:
 * ${KFAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kfault}/btf, or NULL
 * (no index files) when KFAULT_BTF_INDEX is "off". malloc'd.
 */
char *kf_btf_default_index_dir(void);
/* kf_btf__open() with the index directory kfault uses unless told otherwise. */
struct kf_btf *kf_btf__open_indexed(const char *path);
/* The types of a BTF the caller built or parsed with libbpf, copied (the
 * caller keeps btf). A module's split BTF is -EOPNOTSUPP.
 */
struct kf_btf *kf_btf__from_btf(const struct btf *btf);
void kf_btf__free(struct kf_btf *kf);

/* The BTF itself, as libbpf's btf__type_cnt(), btf__type_by_id() and
 * btf__name_by_offset() give it (libbpf's btf.h inlines, btf_kind(),
 * btf_members()..., read the types): ids are 0 (void) to
 * kf_btf__type_cnt() - 1; NULL and errno = EINVAL when out of range.
 * Every id and name offset in the types is known to be in range.
 */
__u32 kf_btf__type_cnt(const struct kf_btf *kf);
const struct btf_type *kf_btf__type_by_id(const struct kf_btf *kf, __u32 id);
const char *kf_btf__name_by_offset(const struct kf_btf *kf, __u32 off);

/* Type id of a C type name: "struct qstr", "union x", "enum x", a typedef
 * ("gfp_t") or a base type ("unsigned int"). -ENOENT if there is none.
 */
int kf_btf__find_type(struct kf_btf *kf, const char *name);
/* Type id of the BTF_KIND_FUNC named name, or -ENOENT. */
int kf_btf__find_func(struct kf_btf *kf, const char *name);

/* Type id of the enum (named or anonymous, like the one holding BPF_ANY or
 * true/false in vmlinux.h) that has an enumerator name; its value in
 * *value if value is not NULL. Signed enums are sign-extended. -ENOENT.
 */
int kf_btf__find_enumerator(struct kf_btf *kf, const char *name,
			    long long *value);

/* Render type id as C, with an optional declarator name:
 * "const struct qstr *", or "const struct qstr *name" when name is given.
 * Returns a malloc'd string, NULL with errno on failure.
 */
char *kf_btf__type_str(struct kf_btf *kf, __u32 id, const char *name);

struct kf_btf_param {
	const char *name;	/* "" when BTF has no name for it */
	__u32 type_id;
	char *type;		/* "const struct qstr *" */
	char *decl;		/* "const struct qstr *name" */
};

struct kf_btf_func {
	const char *name;
	__u32 func_id;
	__u32 ret_type_id;	/* 0 for void */
	char *ret_type;		/* "void", "int", "struct page *" */
	bool variadic;		/* the "..." is not in params */
	size_t nparams;
	struct kf_btf_param *params;
};

/* The prototype of function name. Strings named const point into the BTF
 * (valid while kf is); the rest is freed by kf_btf_func__free().
 * 0, or -ENOENT (no such function), -ENOMEM.
 */
int kf_btf__func_proto(struct kf_btf *kf, const char *name,
		       struct kf_btf_func **func);
void kf_btf_func__free(struct kf_btf_func *func);
/* "ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)":
 * the C prototype, malloc'd; NULL and errno.
 */
char *kf_btf_func__prototype(const struct kf_btf_func *fn);

struct kf_btf_member {
	__u32 type_id;		/* as declared */
	__u32 resolved_id;	/* type_id without typedefs and qualifiers */
	int kind;		/* BTF_KIND_* of resolved_id: ARRAY, PTR... */
	__u32 bit_offset;	/* from the start of the outer struct */
	__u32 bitfield_size;	/* 0 unless a bitfield */
	__u32 nelems;		/* ARRAY: element count */
	__u32 elem_type_id;	/* ARRAY: element type; PTR: pointee */
};

/* Member member of the struct or union type id (typedefs and qualifiers
 * are looked through), also inside anonymous struct/union members, as C
 * resolves a->member. 0, -ENOENT (no such member), -EINVAL (not a struct
 * or union).
 */
int kf_btf__member(struct kf_btf *kf, __u32 id, const char *member,
		   struct kf_btf_member *m);

/* Write a vmlinux.h replacement with the types named in roots and what
 * they need by value; types only pointed to get a forward declaration.
 * A root is a type name as for kf_btf__find_type() ("struct bio",
 * "gfp_t"), a function name, which brings the types of its prototype, or
 * an enumerator name, which brings its enum (the only way to get an
 * anonymous one, e.g. "BPF_NOEXIST" or "true").
 * The __u8..__s64, __be16, __be32 and __wsum typedefs that libbpf's BPF
 * headers use are always included when the BTF has them. Records get
 * preserve_access_index unless BPF_NO_PRESERVE_ACCESS_INDEX is defined,
 * as in bpftool's vmlinux.h, so accesses become CO-RE relocations.
 * 0, -ENOENT for a root not in the BTF (nothing useful written), -EIO.
 */
int kf_btf__dump_header(struct kf_btf *kf, const char *const *roots,
			size_t nroots, FILE *out);
/*
 * The same, as a malloc'd NUL-terminated string (*len without the NUL),
 * with more roots given as type ids of this BTF (a caller that has an id
 * need not name it for it to be looked up again: -EINVAL for an id out of
 * range).
 */
int kf_btf__header(struct kf_btf *kf, const char *const *roots, size_t nroots,
		   const int *root_ids, size_t nroot_ids, char **header, size_t *len);

#endif /* KF_BTF_TYPES_H */
