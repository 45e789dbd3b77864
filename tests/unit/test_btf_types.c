// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for compiler/btf_types: minimal vmlinux.h and BTF lookups.
 *
 * This file has two halves. Built with -DKF_BTF_FIXTURE for the bpf target
 * (see tests/unit/CMakeLists.txt), it is the input: kernel-like types whose
 * BTF the tests read from btf_fixture.o, so they never depend on the
 * running kernel. Built normally, it is the test program.
 */
#ifdef KF_BTF_FIXTURE

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef unsigned int gfp_t;
typedef long long __kernel_loff_t;
typedef __kernel_loff_t loff_t;
typedef unsigned long size_t;
typedef long ssize_t;

struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

struct list_head {
	struct list_head *next, *prev;
};

struct qstr {
	union {
		struct {
			__u32 hash;
			__u32 len;
		};
		__u64 hash_len;
	};
	const unsigned char *name;
};

struct inode {
	unsigned long i_ino;
	unsigned int i_flags;
};

struct dentry {
	unsigned int d_flags;
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
	unsigned char d_iname[32];
	struct list_head d_child;
};

struct path {
	void *mnt;
	struct dentry *dentry;
};

struct file {
	struct path f_path;
	unsigned int f_flags;
	loff_t f_pos;
};

enum fx_mode { FX_READ, FX_WRITE };
enum fx_sign { FX_NEG = -5, FX_POS = 5 };

struct bio {
	struct bio *bi_next;
	unsigned int bi_opf;
	unsigned short bi_flags : 3;
	unsigned short bi_prio : 13;
	enum fx_mode mode;
};

/* Must never show up in a header that does not ask for it. */
struct fx_unrelated {
	char pad[4096];
	struct list_head list;
};

/* Globals keep complete definitions in the BTF of types that functions
 * below only point to.
 */
struct inode fx_keep_inode;
struct file fx_keep_file;
struct bio fx_keep_bio;
struct fx_unrelated fx_keep_unrelated;
struct pt_regs fx_keep_regs;
__be16 fx_keep_be16;
__be32 fx_keep_be32;
__wsum fx_keep_wsum;
__u8 fx_keep_u8;
__s8 fx_keep_s8;
__s16 fx_keep_s16;
__s32 fx_keep_s32;
__s64 fx_keep_s64;
enum fx_sign fx_keep_sign;

/* Functions: their BTF prototypes are what the lookups read. */
int fx_d_alloc(struct dentry *parent, const struct qstr *name, gfp_t gfp)
{
	return parent && name && gfp;
}

ssize_t fx_vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)
{
	return file && buf && pos ? (ssize_t)count : 0;
}

void fx_submit_bio(struct bio *bio)
{
	bio->bi_opf = 0;
}

#else /* !KF_BTF_FIXTURE: the tests */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_types.h"
#include "clang_compile.h"

static struct kf_btf *open_fixture(void)
{
	struct kf_btf *kf = kf_btf__open(KF_BTF_FIXTURE_PATH);

	if (!kf)
		fail_msg("cannot open %s: %s", KF_BTF_FIXTURE_PATH,
			 strerror(errno));
	return kf;
}

static int setup(void **state)
{
	*state = open_fixture();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	kf_btf__free(*state);
	return 0;
}

static void test_open_errors(void **state)
{
	(void)state;
	errno = 0;
	assert_null(kf_btf__open("/nonexistent/vmlinux"));
	assert_int_equal(errno, ENOENT);
	assert_null(kf_btf__from_btf(NULL));
	assert_int_equal(errno, EINVAL);
}

static void test_find_type(void **state)
{
	struct kf_btf *kf = *state;
	const struct kf_btf *btf = kf;
	const struct btf_type *t;
	int id;

	id = kf_btf__find_type(kf, "struct qstr");
	assert_true(id > 0);
	t = kf_btf__type_by_id(btf, id);
	assert_true(btf_is_struct(t));
	assert_string_equal(kf_btf__name_by_offset(btf, t->name_off), "qstr");

	id = kf_btf__find_type(kf, "gfp_t");
	assert_true(id > 0);
	assert_true(btf_is_typedef(kf_btf__type_by_id(btf, id)));

	id = kf_btf__find_type(kf, "enum fx_mode");
	assert_true(id > 0);
	assert_true(btf_is_enum(kf_btf__type_by_id(btf, id)));

	assert_true(kf_btf__find_type(kf, "unsigned int") > 0);
	assert_int_equal(kf_btf__find_type(kf, "void"), 0);

	/* Wrong kind or unknown name. */
	assert_int_equal(kf_btf__find_type(kf, "union qstr"), -ENOENT);
	assert_int_equal(kf_btf__find_type(kf, "struct gfp_t"), -ENOENT);
	assert_int_equal(kf_btf__find_type(kf, "qstr"), -ENOENT);
	assert_int_equal(kf_btf__find_type(kf, "struct no_such_type"), -ENOENT);
	assert_int_equal(kf_btf__find_type(kf, "fx_d_alloc"), -ENOENT);
	assert_int_equal(kf_btf__find_type(kf, ""), -EINVAL);
	assert_int_equal(kf_btf__find_type(kf, "struct "), -EINVAL);

	assert_true(kf_btf__find_func(kf, "fx_d_alloc") > 0);
	assert_int_equal(kf_btf__find_func(kf, "no_such_func"), -ENOENT);
	assert_int_equal(kf_btf__find_func(kf, "gfp_t"), -ENOENT);
}

/* The fixture plus what clang cannot put in BTF: an anonymous enum that
 * nothing refers to, like vmlinux.h's enum { BPF_ANY, BPF_NOEXIST, ... }.
 */
static struct btf *fixture_with_anon_enum(void)
{
	struct btf *btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);

	assert_non_null(btf);
	assert_true(btf__add_enum(btf, NULL, 4) > 0);
	assert_int_equal(btf__add_enum_value(btf, "FX_ANY", 0), 0);
	assert_int_equal(btf__add_enum_value(btf, "FX_NOEXIST", 1), 0);
	return btf;
}

static void test_find_enumerator(void **state)
{
	struct kf_btf *kf = *state;
	struct btf *btf = fixture_with_anon_enum();
	struct kf_btf *kfa = kf_btf__from_btf(btf);
	long long v = 0;
	int id;

	assert_non_null(kfa);
	id = kf_btf__find_enumerator(kfa, "FX_NOEXIST", &v);
	assert_true(id > 0);
	assert_int_equal(v, 1);
	assert_int_equal(btf__type_by_id(btf, id)->name_off, 0);
	kf_btf__free(kfa);
	btf__free(btf);

	id = kf_btf__find_enumerator(kf, "FX_NEG", &v);
	assert_int_equal(id, kf_btf__find_type(kf, "enum fx_sign"));
	assert_true(v == -5);

	assert_int_equal(kf_btf__find_enumerator(kf, "FX_NOPE", &v), -ENOENT);
	assert_int_equal(kf_btf__find_enumerator(kf, "", &v), -EINVAL);
}

static void test_func_proto(void **state)
{
	struct kf_btf *kf = *state;
	struct kf_btf_func *f = NULL;

	assert_int_equal(kf_btf__func_proto(kf, "fx_d_alloc", &f), 0);
	assert_string_equal(f->name, "fx_d_alloc");
	assert_string_equal(f->ret_type, "int");
	assert_false(f->variadic);
	assert_int_equal(f->nparams, 3);
	assert_string_equal(f->params[0].name, "parent");
	assert_string_equal(f->params[0].type, "struct dentry *");
	assert_string_equal(f->params[0].decl, "struct dentry *parent");
	assert_string_equal(f->params[1].name, "name");
	assert_string_equal(f->params[1].type, "const struct qstr *");
	assert_string_equal(f->params[1].decl, "const struct qstr *name");
	assert_string_equal(f->params[2].name, "gfp");
	assert_string_equal(f->params[2].type, "gfp_t");
	assert_int_equal(f->params[2].type_id, kf_btf__find_type(kf, "gfp_t"));
	kf_btf_func__free(f);

	assert_int_equal(kf_btf__func_proto(kf, "fx_vfs_read", &f), 0);
	assert_string_equal(f->ret_type, "ssize_t");
	assert_int_equal(f->nparams, 4);
	assert_string_equal(f->params[3].decl, "loff_t *pos");
	kf_btf_func__free(f);

	assert_int_equal(kf_btf__func_proto(kf, "fx_submit_bio", &f), 0);
	assert_string_equal(f->ret_type, "void");
	assert_int_equal(f->ret_type_id, 0);
	kf_btf_func__free(f);

	f = (void *)1;
	assert_int_equal(kf_btf__func_proto(kf, "no_such_func", &f), -ENOENT);
	assert_null(f);
}

static void test_member(void **state)
{
	struct kf_btf *kf = *state;
	const struct kf_btf *btf = kf;
	int dentry = kf_btf__find_type(kf, "struct dentry");
	int qstr = kf_btf__find_type(kf, "struct qstr");
	int bio = kf_btf__find_type(kf, "struct bio");
	struct kf_btf_member m;

	/* An array: a->d_iname[3] indexes in place. */
	assert_int_equal(kf_btf__member(kf, dentry, "d_iname", &m), 0);
	assert_int_equal(m.kind, BTF_KIND_ARRAY);
	assert_int_equal(m.nelems, 32);
	assert_true(btf_is_int(kf_btf__type_by_id(btf, m.elem_type_id)));

	/* A pointer: a->d_parent[3] would read through it. */
	assert_int_equal(kf_btf__member(kf, dentry, "d_parent", &m), 0);
	assert_int_equal(m.kind, BTF_KIND_PTR);
	assert_int_equal(m.elem_type_id, dentry);
	assert_int_equal(m.bit_offset, 64);

	/* By value struct. */
	assert_int_equal(kf_btf__member(kf, dentry, "d_name", &m), 0);
	assert_int_equal(m.kind, BTF_KIND_STRUCT);
	assert_int_equal(m.resolved_id, qstr);

	/* Inside anonymous union and struct, behind a typedef. */
	assert_int_equal(kf_btf__member(kf, qstr, "len", &m), 0);
	assert_int_equal(m.kind, BTF_KIND_INT);
	assert_int_equal(m.bit_offset, 32);
	assert_true(btf_is_typedef(kf_btf__type_by_id(btf, m.type_id)));
	assert_int_equal(kf_btf__member(kf, qstr, "hash_len", &m), 0);
	assert_int_equal(m.bit_offset, 0);

	/* Bitfields and enums. */
	assert_int_equal(kf_btf__member(kf, bio, "bi_prio", &m), 0);
	assert_int_equal(m.bitfield_size, 13);
	assert_int_equal(m.bit_offset, 64 + 32 + 3);
	assert_int_equal(kf_btf__member(kf, bio, "mode", &m), 0);
	assert_int_equal(m.kind, BTF_KIND_ENUM);

	assert_int_equal(kf_btf__member(kf, dentry, "no_such_member", &m),
			 -ENOENT);
	assert_int_equal(kf_btf__member(kf, kf_btf__find_type(kf, "gfp_t"),
					"x", &m), -EINVAL);
}

static void test_type_str(void **state)
{
	struct kf_btf *kf = *state;
	struct kf_btf_member m;
	char *s;

	assert_int_equal(kf_btf__member(kf, kf_btf__find_type(kf, "struct dentry"),
					"d_iname", &m), 0);
	s = kf_btf__type_str(kf, m.type_id, "d_iname");
	assert_string_equal(s, "unsigned char d_iname[32]");
	free(s);
	s = kf_btf__type_str(kf, kf_btf__find_type(kf, "struct qstr"), NULL);
	assert_string_equal(s, "struct qstr");
	free(s);
	assert_null(kf_btf__type_str(kf, 1u << 30, NULL));
	assert_int_equal(errno, EINVAL);
}

static char *header_for(struct kf_btf *kf, const char *const *roots,
			size_t n, size_t *len)
{
	char *h = NULL;

	assert_int_equal(kf_btf__header(kf, roots, n, NULL, 0, &h, len), 0);
	assert_non_null(h);
	assert_int_equal(strlen(h), *len);
	return h;
}

static void test_header_contents(void **state)
{
	static const char *const roots[] = {"struct qstr", "struct pt_regs",
					    "gfp_t"};
	struct kf_btf *kf = *state;
	size_t len;
	char *h = header_for(kf, roots, 3, &len);

	assert_true(len < 64 * 1024);
	assert_non_null(strstr(h, "#ifndef KFAULT_VMLINUX_H"));
	assert_non_null(strstr(h, "#define __VMLINUX_H__"));
	assert_non_null(strstr(h, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
				  "#pragma clang attribute push "
				  "(__attribute__((preserve_access_index)), "
				  "apply_to = record)"));
	assert_non_null(strstr(h, "#pragma clang attribute pop"));
	assert_non_null(strstr(h, "struct qstr {"));
	assert_non_null(strstr(h, "struct pt_regs {"));
	assert_non_null(strstr(h, "typedef unsigned int gfp_t;"));
	/* The typedefs libbpf's headers need come unasked. */
	assert_non_null(strstr(h, "typedef __u32 __wsum;"));
	/* Nothing that was not asked for. */
	assert_null(strstr(h, "fx_unrelated"));
	assert_null(strstr(h, "struct dentry {"));
	assert_null(strstr(h, "list_head"));
	free(h);
}

static void test_header_func_root(void **state)
{
	static const char *const roots[] = {"fx_vfs_read"};
	struct kf_btf *kf = *state;
	size_t len;
	char *h = header_for(kf, roots, 1, &len);

	/* Typedefs of the prototype in full, pointed-to structs declared. */
	assert_non_null(strstr(h, "typedef __kernel_loff_t loff_t;"));
	assert_non_null(strstr(h, "typedef long ssize_t;"));
	assert_non_null(strstr(h, "struct file;"));
	assert_null(strstr(h, "struct file {"));
	free(h);
}

static void test_header_enumerator_root(void **state)
{
	static const char *const roots[] = {"FX_NOEXIST", "FX_POS"};
	struct btf *btf = fixture_with_anon_enum();
	struct kf_btf *kf = kf_btf__from_btf(btf);
	size_t len;
	char *h;

	(void)state;
	assert_non_null(kf);
	h = header_for(kf, roots, 2, &len);
	assert_non_null(strstr(h, "enum {\n\tFX_ANY = 0,\n\tFX_NOEXIST = 1,\n};"));
	assert_non_null(strstr(h, "enum fx_sign {"));
	free(h);
	kf_btf__free(kf);
	btf__free(btf);
}

static void test_header_unknown_root(void **state)
{
	static const char *const roots[] = {"struct qstr", "struct nope"};
	struct kf_btf *kf = *state;
	char *h = (void *)1;
	size_t len;

	assert_int_equal(kf_btf__header(kf, roots, 2, NULL, 0, &h, &len), -ENOENT);
	assert_null(h);
	assert_int_equal(kf_btf__dump_header(kf, roots + 1, 1, stdout), -ENOENT);
}

/* A root given by type id makes the same header as by its name. */
static void test_header_root_ids(void **state)
{
	static const char *const roots[] = {"struct qstr", "gfp_t"};
	struct kf_btf *kf = *state;
	int ids[2] = {kf_btf__find_type(kf, "struct qstr"), kf_btf__find_type(kf, "gfp_t")};
	char *by_name, *by_id, *h = (void *)1;
	size_t n1, n2;

	assert_true(ids[0] > 0 && ids[1] > 0);
	by_name = header_for(kf, roots, 2, &n1);
	assert_int_equal(kf_btf__header(kf, NULL, 0, ids, 2, &by_id, &n2), 0);
	assert_string_equal(by_id, by_name);
	free(by_id);
	free(by_name);

	ids[1] = (int)kf_btf__type_cnt(kf);	/* one past the last */
	assert_int_equal(kf_btf__header(kf, roots, 1, ids, 2, &h, &n2), -EINVAL);
	assert_null(h);
	assert_int_equal(kf_btf__header(kf, NULL, 0, NULL, 1, &h, &n2), -EINVAL);
}

static void test_dump_header_to_file(void **state)
{
	static const char *const roots[] = {"struct bio"};
	struct kf_btf *kf = *state;
	char buf[8192];
	size_t n;
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(kf_btf__dump_header(kf, roots, 1, f), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "struct bio {"));
	assert_non_null(strstr(buf, "enum fx_mode {"));
	assert_non_null(strstr(buf, "unsigned short bi_prio: 13;"));
}

/* The point of it all: a kprobe program with CO-RE reads compiles against
 * the minimal header alone, and the object has its CO-RE relocations.
 */
static void test_header_compiles(void **state)
{
	static const char *const roots[] = {
		"struct pt_regs", "struct dentry", "struct qstr", "fx_d_alloc",
	};
	static const char src[] =
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"#include <bpf/bpf_tracing.h>\n"
		"#include <bpf/bpf_core_read.h>\n"
		"\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
		"\n"
		"SEC(\"kprobe/fx_d_alloc\")\n"
		"int BPF_KPROBE(on_d_alloc, struct dentry *parent,\n"
		"	       const struct qstr *name, gfp_t gfp)\n"
		"{\n"
		"	const unsigned char *pname = BPF_CORE_READ(parent, d_name.name);\n"
		"	__u32 len = BPF_CORE_READ(name, len);\n"
		"\n"
		"	bpf_printk(\"%s %u %x\", pname, len, gfp);\n"
		"	return 0;\n"
		"}\n";
	struct kf_btf *kf = *state;
	struct kf_cc_result *res = NULL;
	struct bpf_object *obj;
	struct kf_vfile file;
	const void *data;
	size_t len, size;
	char *h;
	int err;

	h = header_for(kf, roots, 4, &len);
	file = (struct kf_vfile){"vmlinux.h", h, len};
	{
		KF_OPTS(kf_cc_opts, opts, .files = &file, .nfiles = 1,
			.target_arch = "x86");

		err = kf_cc_compile(src, sizeof(src) - 1, &opts, &res);
	}
	if (err) {
		fputs(h, stdout);
		kf_cc_result__print(res, stdout);
	}
	assert_int_equal(err, 0);
	assert_int_equal(kf_cc_result__diag_cnt(res), 0);

	data = kf_cc_result__object(res, &size);
	obj = bpf_object__open_mem(data, size, NULL);
	assert_non_null(obj);
	assert_non_null(bpf_object__find_program_by_name(obj, "on_d_alloc"));
	assert_non_null(bpf_object__btf(obj));
	assert_true(btf__find_by_name_kind(bpf_object__btf(obj), "dentry",
					   BTF_KIND_STRUCT) > 0);
	bpf_object__close(obj);
	kf_cc_result__free(res);
	free(h);
}

/* Raw BTF, the format of /sys/kernel/btf/vmlinux, read through the mmap
 * path: the fixture's .BTF written out raw.
 */
static void test_open_raw(void **state)
{
	struct btf *btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	char path[] = "/tmp/kf-raw-btf-XXXXXX";
	const void *raw;
	struct kf_btf *kf;
	__u32 size;
	int fd;

	(void)state;
	assert_non_null(btf);
	raw = btf__raw_data(btf, &size);
	assert_non_null(raw);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, size), (ssize_t)size);
	close(fd);

	kf = kf_btf__open(path);
	unlink(path);
	assert_non_null(kf);
	assert_int_equal(kf_btf__find_type(kf, "struct qstr"),
			 btf__find_by_name_kind(btf, "qstr", BTF_KIND_STRUCT));
	kf_btf__free(kf);
	btf__free(btf);
}

/* Neither raw BTF nor ELF. */
static void test_open_garbage(void **state)
{
	char path[] = "/tmp/kf-bad-btf-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not btf at all\n", 15), 15);
	close(fd);
	assert_null(kf_btf__open(path));
	unlink(path);
}

/* The same lookups through a BTF the caller built and owns. */
static void test_from_btf(void **state)
{
	struct btf *btf = btf__new_empty();
	struct kf_btf *kf;
	int u32, s;

	(void)state;
	assert_non_null(btf);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	s = btf__add_struct(btf, "tiny", 8);
	assert_int_equal(btf__add_field(btf, "a", u32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "b", u32, 32, 0), 0);

	kf = kf_btf__from_btf(btf);
	assert_non_null(kf);
	assert_int_equal(kf_btf__find_type(kf, "struct tiny"), s);
	assert_int_equal(kf_btf__find_type(kf, "unsigned int"), u32);
	kf_btf__free(kf);
	/* Still ours. */
	assert_int_equal(btf__type_cnt(btf), 3);
	btf__free(btf);
}

/* The BTF as libbpf would give it: ids, void, names, bounds. */
static void test_type_by_id(void **state)
{
	struct kf_btf *kf = *state;
	__u32 n = kf_btf__type_cnt(kf);
	const struct btf_type *t;
	int id = kf_btf__find_type(kf, "struct qstr");

	assert_true(n > (__u32)id);
	t = kf_btf__type_by_id(kf, 0);
	assert_non_null(t);
	assert_int_equal(btf_kind(t), BTF_KIND_UNKN);
	t = kf_btf__type_by_id(kf, id);
	assert_true(btf_is_struct(t));
	assert_string_equal(kf_btf__name_by_offset(kf, t->name_off), "qstr");
	assert_string_equal(kf_btf__name_by_offset(kf, 0), "");
	errno = 0;
	assert_null(kf_btf__type_by_id(kf, n));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(kf_btf__name_by_offset(kf, 1u << 30));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(kf_btf__type_cnt(NULL), 0);
}

/* Writes size bytes to a new temporary file; its path in path. */
static void write_temp(char *path, const void *data, size_t size)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
}

/* The fixture's raw BTF, in a buffer the caller may spoil and frees. */
static char *fixture_raw(struct btf **btf, __u32 *size)
{
	const void *raw;
	char *copy;

	*btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	assert_non_null(*btf);
	raw = btf__raw_data(*btf, size);
	assert_non_null(raw);
	copy = malloc(*size);
	assert_non_null(copy);
	memcpy(copy, raw, *size);
	return copy;
}

/* Where type id starts in raw BTF (libbpf keeps the types as they came). */
static struct btf_type *raw_type(char *raw, const struct btf *btf, __u32 id)
{
	const struct btf_header *hdr = (const void *)raw;

	return (struct btf_type *)(raw + hdr->hdr_len + hdr->type_off +
				   ((const char *)btf__type_by_id(btf, id) -
				    (const char *)btf__type_by_id(btf, 1)));
}

static int first_of_kind(const struct btf *btf, int kind)
{
	for (__u32 id = 1; id < btf__type_cnt(btf); id++)
		if (btf_kind(btf__type_by_id(btf, id)) == kind)
			return id;
	fail_msg("no type of kind %d in the fixture", kind);
	return -1;
}

enum spoil {
	SPOIL_TRUNCATED, SPOIL_VERSION, SPOIL_TYPE_LEN, SPOIL_NAME, SPOIL_MEMBER_NAME,
	SPOIL_REF, SPOIL_MEMBER_REF, SPOIL_KIND, SPOIL_STRINGS, NSPOILS
};

/* Raw BTF read in place is checked once, whole: every way of spoiling
 * the fixture's is refused (EINVAL), never read out of bounds later.
 */
static void test_open_malformed(void **state)
{
	(void)state;
	for (int how = 0; how < NSPOILS; how++) {
		char path[] = "/tmp/kf-spoilt-btf-XXXXXX";
		struct btf *btf;
		__u32 size;
		char *raw = fixture_raw(&btf, &size);
		struct btf_header *hdr = (void *)raw;
		struct btf_type *t;
		struct kf_btf *kf;

		switch (how) {
		case SPOIL_TRUNCATED:
			size -= 1;
			break;
		case SPOIL_VERSION:
			hdr->version = 2;
			break;
		case SPOIL_TYPE_LEN: /* the last type cut short */
			hdr->type_len -= 4;
			break;
		case SPOIL_NAME:
			raw_type(raw, btf, 1)->name_off = hdr->str_len;
			break;
		case SPOIL_MEMBER_NAME:
			t = raw_type(raw, btf, first_of_kind(btf, BTF_KIND_STRUCT));
			btf_members(t)[btf_vlen(t) - 1].name_off = 1u << 30;
			break;
		case SPOIL_REF:
			raw_type(raw, btf, first_of_kind(btf, BTF_KIND_PTR))->type = btf__type_cnt(btf);
			break;
		case SPOIL_MEMBER_REF:
			t = raw_type(raw, btf, first_of_kind(btf, BTF_KIND_STRUCT));
			btf_members(t)[0].type = 1u << 20;
			break;
		case SPOIL_KIND:
			t = raw_type(raw, btf, 1);
			t->info = (t->info & ~(0x1fu << 24)) | 0x1fu << 24;
			break;
		case SPOIL_STRINGS:
			raw[hdr->hdr_len + hdr->str_off + hdr->str_len - 1] = 'x';
			break;
		}
		write_temp(path, raw, size);
		errno = 0;
		kf = kf_btf__open(path);
		unlink(path);
		if (kf)
			fail_msg("spoilt BTF #%d accepted", how);
		assert_int_equal(errno, EINVAL);
		free(raw);
		btf__free(btf);
	}
}

/* BTF of the other byte order goes through libbpf, then reads the same. */
static void test_open_swapped(void **state)
{
	const enum btf_endianness other = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
					  BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN;
	struct kf_btf *kf = *state, *swapped;
	char path[] = "/tmp/kf-swapped-btf-XXXXXX";
	struct btf *btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	struct kf_btf_func *f = NULL;
	const void *raw;
	__u32 size;

	assert_non_null(btf);
	assert_int_equal(btf__set_endianness(btf, other), 0);
	raw = btf__raw_data(btf, &size);
	assert_non_null(raw);
	assert_int_not_equal(((const struct btf_header *)raw)->magic, BTF_MAGIC);
	write_temp(path, raw, size);
	swapped = kf_btf__open(path);
	unlink(path);
	assert_non_null(swapped);
	assert_int_equal(kf_btf__type_cnt(swapped), kf_btf__type_cnt(kf));
	assert_int_equal(kf_btf__find_type(swapped, "struct qstr"),
			 kf_btf__find_type(kf, "struct qstr"));
	assert_int_equal(kf_btf__func_proto(swapped, "fx_d_alloc", &f), 0);
	assert_string_equal(f->params[1].decl, "const struct qstr *name");
	kf_btf_func__free(f);
	kf_btf__free(swapped);
	btf__free(btf);
}

/* A module's BTF continues its base's ids: not taken. */
static void test_from_split_btf(void **state)
{
	struct btf *base = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	struct btf *split;

	(void)state;
	assert_non_null(base);
	split = btf__new_empty_split(base);
	assert_non_null(split);
	assert_true(btf__add_int(split, "fx_module_int", 4, 0) > 0);
	errno = 0;
	assert_null(kf_btf__from_btf(split));
	assert_int_equal(errno, EOPNOTSUPP);
	btf__free(split);
	btf__free(base);
}

static void print_to_file(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* btf_dump is given only the types a header needs, pointed-to structs as
 * forward declarations: what it writes must be what it writes from the
 * whole BTF, byte for byte.
 */
static void test_header_same_as_whole_btf(void **state)
{
	static const char *const base[] = {
		"__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
		"__be16", "__be32", "__wsum",
	};
	static const char *const roots[] = {
		"struct dentry", "struct file", "gfp_t", "struct bio", "enum fx_sign",
		"loff_t", "struct pt_regs",
	};
	struct kf_btf *kf = *state;
	struct btf *btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	struct btf_dump *d;
	char *whole = NULL, *h;
	size_t whole_len = 0, len;
	FILE *f = open_memstream(&whole, &whole_len);

	assert_non_null(btf);
	assert_non_null(f);
	d = btf_dump__new(btf, print_to_file, f, NULL);
	assert_non_null(d);
	for (size_t i = 0; i < sizeof(base) / sizeof(*base); i++)
		assert_int_equal(btf_dump__dump_type(d, btf__find_by_name_kind(btf, base[i], BTF_KIND_TYPEDEF)), 0);
	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++)
		assert_int_equal(btf_dump__dump_type(d, kf_btf__find_type(kf, roots[i])), 0);
	btf_dump__free(d);
	fclose(f);

	h = header_for(kf, roots, sizeof(roots) / sizeof(*roots), &len);
	if (!strstr(h, whole))
		fail_msg("header:\n%s\nwhole BTF's btf_dump:\n%s", h, whole);
	/* By value whole, through a pointer declared only. */
	assert_non_null(strstr(h, "struct qstr {"));
	assert_non_null(strstr(h, "struct list_head {"));
	assert_non_null(strstr(h, "struct inode;"));
	assert_null(strstr(h, "struct inode {"));
	assert_null(strstr(h, "fx_unrelated"));
	free(h);
	free(whole);
	btf__free(btf);
}

/* ---- index files ---- */

/* The one file in dir (an index, no temporary left): its inode; its path
 * in file.
 */
static ino_t only_file(const char *dir, char *file, size_t size)
{
	struct dirent *e;
	struct stat st;
	int n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		assert_true(snprintf(file, size, "%s/%s", dir, e->d_name) < (int)size);
	}
	closedir(d);
	assert_int_equal(n, 1);
	assert_non_null(strstr(file, ".idx"));
	assert_null(strstr(strstr(file, ".idx"), ".idx."));
	assert_int_equal(stat(file, &st), 0);
	return st.st_ino;
}

/* kf answers as the fixture opened without an index file does. */
static void assert_same_answers(struct kf_btf *kf)
{
	static const char *const names[] = {"struct qstr", "struct dentry", "gfp_t",
		"unsigned int", "struct fx_unrelated", "struct nosuch"};
	static const char *const roots[] = {"struct dentry", "fx_d_alloc", "gfp_t"};
	struct kf_btf *ref = open_fixture();
	char *h, *ref_h;
	size_t len, ref_len;

	assert_non_null(kf);
	assert_int_equal(kf_btf__type_cnt(kf), kf_btf__type_cnt(ref));
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		assert_int_equal(kf_btf__find_type(kf, names[i]), kf_btf__find_type(ref, names[i]));
	assert_int_equal(kf_btf__find_func(kf, "fx_d_alloc"), kf_btf__find_func(ref, "fx_d_alloc"));
	h = header_for(kf, roots, 3, &len);
	ref_h = header_for(ref, roots, 3, &ref_len);
	assert_string_equal(h, ref_h);
	free(h);
	free(ref_h);
	kf_btf__free(ref);
}

static void spoil_byte(const char *file, off_t off)
{
	int fd = open(file, O_RDWR);
	unsigned char b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x5a;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

/*
 * The index file: made by the first open, read by the next (not written
 * again: its inode stays), and made again when it is damaged, cut short or
 * older than the BTF file; a directory that cannot be written only costs
 * the time. Every open answers as one without an index.
 */
static void test_index_file(void **state)
{
	char dir[] = "/tmp/kf-btf-index-XXXXXX", index_dir[128], path[128], file[256];
	struct kf_btf_open_opts opts = { .index_dir = index_dir };
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };
	struct kf_btf *kf;
	struct btf *btf;
	struct stat st;
	ino_t ino;
	__u32 size;
	char *raw;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(index_dir, sizeof(index_dir), "%s/cache/btf", dir);	/* made */
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	raw = fixture_raw(&btf, &size);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, size), (ssize_t)size);
	close(fd);

	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	ino = only_file(index_dir, file, sizeof(file));

	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	assert_int_equal(only_file(index_dir, file, sizeof(file)), ino);

	/* damaged: a byte of the offsets, then of the name index */
	assert_int_equal(stat(file, &st), 0);
	spoil_byte(file, st.st_size / 4);
	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	assert_int_not_equal(only_file(index_dir, file, sizeof(file)), ino);
	ino = only_file(index_dir, file, sizeof(file));
	spoil_byte(file, st.st_size - 4);
	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	assert_int_not_equal(only_file(index_dir, file, sizeof(file)), ino);
	ino = only_file(index_dir, file, sizeof(file));

	/* cut short */
	assert_int_equal(truncate(file, st.st_size - 4), 0);
	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	assert_int_not_equal(only_file(index_dir, file, sizeof(file)), ino);
	ino = only_file(index_dir, file, sizeof(file));

	/* the BTF file changed since */
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);
	assert_int_not_equal(only_file(index_dir, file, sizeof(file)), ino);

	/* nowhere to write */
	opts.index_dir = "/proc/kf-no-such-dir/btf";
	kf = kf_btf__open_opts(path, &opts);
	assert_same_answers(kf);
	kf_btf__free(kf);

	unlink(file);
	unlink(path);
	rmdir(index_dir);
	snprintf(index_dir, sizeof(index_dir), "%s/cache", dir);
	rmdir(index_dir);
	assert_int_equal(rmdir(dir), 0);
	free(raw);
	btf__free(btf);
}

/* An index directory and a BTF file of the fixture in a new directory. */
struct index_env {
	char dir[32], index_dir[128], path[128], file[256];
	struct kf_btf_open_opts opts;
};

static void index_env_begin(struct index_env *e)
{
	struct btf *btf;
	__u32 size;
	char *raw;
	int fd;

	snprintf(e->dir, sizeof(e->dir), "/tmp/kf-btf-index-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->index_dir, sizeof(e->index_dir), "%s/btf", e->dir);
	snprintf(e->path, sizeof(e->path), "%s/vmlinux", e->dir);
	e->opts.index_dir = e->index_dir;
	raw = fixture_raw(&btf, &size);
	fd = open(e->path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, size), (ssize_t)size);
	close(fd);
	free(raw);
	btf__free(btf);
	/* the first open makes the index file */
	kf_btf__free(kf_btf__open_opts(e->path, &e->opts));
	only_file(e->index_dir, e->file, sizeof(e->file));
}

static void index_env_end(struct index_env *e)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
}

/* An open and every lookup of the fixture through the index file as
 * e->file now is: the same answers as without an index.
 */
static void assert_index_harmless(struct index_env *e)
{
	struct kf_btf *kf = kf_btf__open_opts(e->path, &e->opts);

	assert_same_answers(kf);
	kf_btf__free(kf);
}

/* The index file's bytes, malloc'd; *size. */
static __u32 *read_index_file(const char *file, size_t *size)
{
	struct stat st;
	__u32 *buf;
	int fd = open(file, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*size = st.st_size;
	buf = malloc(*size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, *size), (ssize_t)*size);
	close(fd);
	return buf;
}

/*
 * A forger who knows the format, as anyone who can write the cache does:
 * moves the offset of type id by 4 bytes (still rising) and writes the
 * file back with its checksum made again. The offsets are found by their
 * values (0 for void, 0 for the first type, then the second's, the
 * third's); the checksum is the 8 bytes before them.
 */
static void forge_offset(const char *file, __u32 nr_types, __u32 id)
{
	struct btf *btf = btf__parse(KF_BTF_FIXTURE_PATH, NULL);
	const char *t1 = (const char *)btf__type_by_id(btf, 1);
	__u32 want[4] = { 0, 0, (const char *)btf__type_by_id(btf, 2) - t1,
			  (const char *)btf__type_by_id(btf, 3) - t1 };
	__u64 a = 1, b = 0, sum;
	size_t size, start = 0, n;
	__u32 *w = read_index_file(file, &size);
	int fd;

	while (start + 4 <= size / 4 && memcmp(&w[start], want, sizeof(want)))
		start++;
	assert_true(start + 4 <= size / 4 && start >= 2);
	assert_true(id + 1 < nr_types && w[start + id] + 4 < w[start + id + 1]);
	w[start + id] += 4;
	n = size / 4 - start;	/* the offsets and the name index */
	for (size_t i = 0; i < n; i++) {
		a += w[start + i];
		b += a;
	}
	sum = a ^ (b << 32 | b >> 32);
	memcpy(&w[start - 2], &sum, sizeof(sum));
	unlink(file);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, w, size), (ssize_t)size);
	close(fd);
	free(w);
	btf__free(btf);
}

/* A forged index file (an offset moved, the checksum made again) is
 * found out at the first use of the type, removed, and costs nothing but
 * the time: lookups answer as without it, never read outside the BTF.
 */
static void test_index_forged(void **state)
{
	struct kf_btf *kf = *state;
	const char *const types[] = { "struct dentry", "struct qstr", "gfp_t" };
	struct index_env e;
	struct stat st;

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		index_env_begin(&e);
		forge_offset(e.file, kf_btf__type_cnt(kf), kf_btf__find_type(kf, types[i]));
		assert_index_harmless(&e);
		/* not used again */
		assert_true(stat(e.file, &st) != 0 && errno == ENOENT);
		index_env_end(&e);
	}
}

/* An index file cut short while a kf_btf has it open does not matter (it
 * is read, not mapped: a mapping would be SIGBUS).
 */
static void test_index_truncated_in_use(void **state)
{
	struct index_env e;
	struct kf_btf *kf;

	(void)state;
	index_env_begin(&e);
	kf = kf_btf__open_opts(e.path, &e.opts);
	assert_non_null(kf);
	assert_int_equal(truncate(e.file, 0), 0);
	assert_same_answers(kf);
	kf_btf__free(kf);
	index_env_end(&e);
}

/* A FIFO or a symbolic link in place of the index file is not opened
 * through (a FIFO would block the open forever); a regular file is made
 * in its place.
 */
static void test_index_not_a_file(void **state)
{
	struct index_env e;
	char copy[300];
	struct stat st;

	(void)state;
	index_env_begin(&e);
	assert_int_equal(unlink(e.file), 0);
	assert_int_equal(mkfifo(e.file, 0644), 0);
	assert_index_harmless(&e);
	assert_int_equal(lstat(e.file, &st), 0);
	assert_true(S_ISREG(st.st_mode));

	snprintf(copy, sizeof(copy), "%s.copy", e.dir);
	assert_int_equal(rename(e.file, copy), 0);
	assert_int_equal(symlink(copy, e.file), 0);
	assert_index_harmless(&e);
	assert_int_equal(lstat(e.file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(copy);
	index_env_end(&e);
}

/* As root, an index directory or file that another user could have
 * written is neither read nor written.
 */
static void test_index_untrusted_as_root(void **state)
{
	struct index_env e;
	struct stat st;
	ino_t ino;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* a directory anyone can write: the file there is not read, and
	 * none is made
	 */
	index_env_begin(&e);
	assert_int_equal(chmod(e.index_dir, 0777), 0);
	forge_offset(e.file, kf_btf__type_cnt(*state),
		     kf_btf__find_type(*state, "struct dentry"));
	ino = only_file(e.index_dir, e.file, sizeof(e.file));
	assert_index_harmless(&e);
	assert_int_equal(only_file(e.index_dir, e.file, sizeof(e.file)), ino);
	assert_int_equal(unlink(e.file), 0);
	assert_index_harmless(&e);
	assert_int_equal(stat(e.file, &st), -1);
	index_env_end(&e);

	/* a directory of another user */
	index_env_begin(&e);
	assert_int_equal(chown(e.index_dir, 65534, 65534), 0);
	assert_int_equal(unlink(e.file), 0);
	assert_index_harmless(&e);
	assert_int_equal(stat(e.file, &st), -1);
	index_env_end(&e);

	/* a file of another user, or one that others can write */
	index_env_begin(&e);
	ino = only_file(e.index_dir, e.file, sizeof(e.file));
	assert_int_equal(chown(e.file, 65534, 65534), 0);
	assert_index_harmless(&e);
	assert_int_not_equal(only_file(e.index_dir, e.file, sizeof(e.file)), ino);
	ino = only_file(e.index_dir, e.file, sizeof(e.file));
	assert_int_equal(chmod(e.file, 0666), 0);
	assert_index_harmless(&e);
	assert_int_not_equal(only_file(e.index_dir, e.file, sizeof(e.file)), ino);
	index_env_end(&e);
}

static void expect_dir(const char *want)
{
	char *dir = kf_btf_default_index_dir();

	if (!want)
		assert_null(dir);
	else
		assert_string_equal(dir, want);
	free(dir);
}

/* ${KFAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kfault}/btf, or none. */
static void test_default_index_dir(void **state)
{
	(void)state;
	unsetenv("KFAULT_BTF_INDEX");
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("KFAULT_CACHE");
	expect_dir("/home/u/.cache/kfault/btf");
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	expect_dir("/xdg/kfault/btf");
	setenv("KFAULT_CACHE", "/kc", 1);
	expect_dir("/kc/btf");
	setenv("KFAULT_BTF_INDEX", "off", 1);
	expect_dir(NULL);
	unsetenv("KFAULT_BTF_INDEX");
	unsetenv("KFAULT_CACHE");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	expect_dir(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_find_type),
		cmocka_unit_test(test_find_enumerator),
		cmocka_unit_test(test_func_proto),
		cmocka_unit_test(test_member),
		cmocka_unit_test(test_type_str),
		cmocka_unit_test(test_header_contents),
		cmocka_unit_test(test_header_func_root),
		cmocka_unit_test(test_header_enumerator_root),
		cmocka_unit_test(test_header_root_ids),
		cmocka_unit_test(test_header_unknown_root),
		cmocka_unit_test(test_dump_header_to_file),
		cmocka_unit_test(test_header_compiles),
		cmocka_unit_test(test_open_raw),
		cmocka_unit_test(test_open_garbage),
		cmocka_unit_test(test_from_btf),
		cmocka_unit_test(test_type_by_id),
		cmocka_unit_test(test_open_malformed),
		cmocka_unit_test(test_open_swapped),
		cmocka_unit_test(test_from_split_btf),
		cmocka_unit_test(test_header_same_as_whole_btf),
		cmocka_unit_test(test_index_file),
		cmocka_unit_test(test_index_forged),
		cmocka_unit_test(test_index_truncated_in_use),
		cmocka_unit_test(test_index_not_a_file),
		cmocka_unit_test(test_index_untrusted_as_root),
		cmocka_unit_test(test_default_index_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#endif /* KF_BTF_FIXTURE */
