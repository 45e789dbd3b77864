// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for compiler/clang_compile: BPF C in memory -> object. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "clang_compile.h"

/* A tiny stand-in for vmlinux.h: what the test program uses, x86 layout. */
static const char tiny_vmlinux_h[] =
	"#ifndef __VMLINUX_H__\n"
	"#define __VMLINUX_H__\n"
	"typedef unsigned char __u8;\n"
	"typedef unsigned short __u16;\n"
	"typedef unsigned int __u32;\n"
	"typedef unsigned long long __u64;\n"
	"typedef signed char __s8;\n"
	"typedef short __s16;\n"
	"typedef int __s32;\n"
	"typedef long long __s64;\n"
	"typedef __u16 __be16;\n"
	"typedef __u32 __be32;\n"
	"typedef __u32 __wsum;\n"
	"#pragma clang attribute push (__attribute__((preserve_access_index)), "
	"apply_to = record)\n"
	"struct pt_regs {\n"
	"	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;\n"
	"	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;\n"
	"};\n"
	"struct qstr {\n"
	"	union {\n"
	"		struct { __u32 hash; __u32 len; };\n"
	"		__u64 hash_len;\n"
	"	};\n"
	"	const unsigned char *name;\n"
	"};\n"
	"struct dentry {\n"
	"	unsigned int d_flags;\n"
	"	struct dentry *d_parent;\n"
	"	struct qstr d_name;\n"
	"};\n"
	"#pragma clang attribute pop\n"
	"#endif\n";

static const struct kf_vfile tiny_files[] = {
	{"vmlinux.h", tiny_vmlinux_h, sizeof(tiny_vmlinux_h) - 1},
};

/* PROG_NAME is substituted so that each compile of a series differs. */
static const char kprobe_src_fmt[] =
	"#include \"vmlinux.h\"\n"
	"#include <bpf/bpf_helpers.h>\n"
	"#include <bpf/bpf_tracing.h>\n"
	"#include <bpf/bpf_core_read.h>\n"
	"\n"
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
	"const volatile __u32 target_len = %d;\n"
	"\n"
	"SEC(\"kprobe/d_alloc\")\n"
	"int BPF_KPROBE(%s, struct dentry *parent, const struct qstr *name)\n"
	"{\n"
	"	__u32 len = BPF_CORE_READ(name, len);\n"
	"	const unsigned char *pname = BPF_CORE_READ(parent, d_name.name);\n"
	"\n"
	"	if (target_len && len != target_len)\n"
	"		return 0;\n"
	"	bpf_printk(\"d_alloc %%s/%%u\", pname, len);\n"
	"	return 0;\n"
	"}\n";

static char *kprobe_src(const char *prog_name, int n)
{
	char *s;

	assert_true(asprintf(&s, kprobe_src_fmt, n, prog_name) > 0);
	return s;
}

/* .BTF.ext header (libbpf keeps its definition private). */
struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

/* Returns a copy of section name's contents, or NULL. */
static void *elf_section(const void *obj, size_t size, const char *name,
			 size_t *sec_size)
{
	char *image = malloc(size);
	void *copy = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;

	assert_non_null(image);
	memcpy(image, obj, size);
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_memory(image, size);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		assert_non_null(gelf_getshdr(scn, &sh));
		if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name))
			continue;
		data = elf_getdata(scn, NULL);
		assert_non_null(data);
		copy = malloc(data->d_size);
		assert_non_null(copy);
		memcpy(copy, data->d_buf, data->d_size);
		*sec_size = data->d_size;
		break;
	}
	elf_end(elf);
	free(image);
	return copy;
}

/* Counts CO-RE relocations in the object and how many are against struct
 * type_name (its BTF name).
 */
static void count_core_relos(const void *obj, size_t size,
			     const char *type_name, int *total, int *matching)
{
	size_t btf_size = 0, ext_size = 0;
	void *btf_data = elf_section(obj, size, ".BTF", &btf_size);
	void *ext = elf_section(obj, size, ".BTF.ext", &ext_size);
	const struct btf_ext_hdr *h = ext;
	const uint8_t *p, *end;
	uint32_t rec_size;
	struct btf *btf;

	assert_non_null(btf_data);
	assert_non_null(ext);
	btf = btf__new(btf_data, btf_size);
	assert_non_null(btf);
	assert_true(ext_size >= sizeof(*h));
	assert_int_equal(h->magic, 0xeB9F);
	assert_true(h->hdr_len >= sizeof(*h));
	assert_true(h->core_relo_len > 0);

	/* Layout: record size, then per ELF section: name offset, count,
	 * records {insn_off, type_id, access_str_off, kind}.
	 */
	p = (const uint8_t *)ext + h->hdr_len + h->core_relo_off;
	end = p + h->core_relo_len;
	memcpy(&rec_size, p, 4);
	assert_true(rec_size >= 16);
	p += 4;
	*total = *matching = 0;
	while (p < end) {
		uint32_t nrec;

		memcpy(&nrec, p + 4, 4);
		p += 8;
		for (uint32_t i = 0; i < nrec; i++, p += rec_size) {
			uint32_t type_id;
			const struct btf_type *t;

			memcpy(&type_id, p + 4, 4);
			t = btf__type_by_id(btf, type_id);
			assert_non_null(t);
			(*total)++;
			*matching += !strcmp(btf__name_by_offset(btf, t->name_off),
					     type_name);
		}
	}
	btf__free(btf);
	free(btf_data);
	free(ext);
}

/* The object is loadable by libbpf's parser, has the program, its BTF,
 * and CO-RE relocations against struct qstr.
 */
static void check_object(const struct kf_cc_result *res, const char *prog_name)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	const void *data;
	size_t size = 0;
	int total, qstr;

	data = kf_cc_result__object(res, &size);
	assert_non_null(data);
	assert_true(size > 0);

	obj = bpf_object__open_mem(data, size, NULL);
	assert_non_null(obj);
	prog = bpf_object__find_program_by_name(obj, prog_name);
	assert_non_null(prog);
	assert_string_equal(bpf_program__section_name(prog), "kprobe/d_alloc");
	assert_non_null(bpf_object__btf(obj));
	bpf_object__close(obj);

	count_core_relos(data, size, "qstr", &total, &qstr);
	assert_true(total >= 2);
	assert_true(qstr >= 1);
}

/* Redirects fd 2 to a temporary file, to prove nothing is printed. */
struct stderr_capture {
	int saved;
	FILE *tmp;
};

static void capture_stderr(struct stderr_capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restores stderr; returns how many bytes were written to it meanwhile. */
static long release_stderr(struct stderr_capture *c)
{
	struct stat st;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	assert_int_equal(fstat(fileno(c->tmp), &st), 0);
	fclose(c->tmp);
	return (long)st.st_size;
}

static const struct kf_cc_diag *first_error(const struct kf_cc_result *res)
{
	for (size_t i = 0; i < kf_cc_result__diag_cnt(res); i++) {
		const struct kf_cc_diag *d = kf_cc_result__diag(res, i);

		if (d->severity == KF_CC_ERROR)
			return d;
	}
	return NULL;
}

static bool has_diag(const struct kf_cc_result *res, enum kf_cc_severity sev,
		     const char *text)
{
	for (size_t i = 0; i < kf_cc_result__diag_cnt(res); i++) {
		const struct kf_cc_diag *d = kf_cc_result__diag(res, i);

		if (d->severity == sev && strstr(d->message, text))
			return true;
	}
	return false;
}

static void test_kprobe_core_isolated(void **state)
{
	KF_OPTS(kf_cc_opts, opts, .main_name = "probe.bpf.c",
		.files = tiny_files, .nfiles = 1, .target_arch = "x86");
	struct kf_cc_result *res = NULL;
	char *src = kprobe_src("on_d_alloc", 0);
	int err;

	(void)state;
	err = kf_cc_compile(src, strlen(src), &opts, &res);
	if (err)
		kf_cc_result__print(res, stdout);
	assert_int_equal(err, 0);
	assert_int_equal(kf_cc_result__error_cnt(res), 0);
	check_object(res, "on_d_alloc");
	kf_cc_result__free(res);
	free(src);
}

/* Compiles the kprobe test program, isolated, with or without DWARF. */
static struct kf_cc_result *compile_kprobe(bool no_dwarf)
{
	KF_OPTS(kf_cc_opts, opts, .main_name = "probe.bpf.c", .files = tiny_files,
		.nfiles = 1, .target_arch = "x86", .no_dwarf = no_dwarf);
	struct kf_cc_result *res = NULL;
	char *src = kprobe_src("on_d_alloc", 0);

	assert_int_equal(kf_cc_compile(src, strlen(src), &opts, &res), 0);
	free(src);
	return res;
}

/* Section name of the object in res, as a malloc'd copy; NULL if none. */
static void *result_section(const struct kf_cc_result *res, const char *name, size_t *len)
{
	size_t size = 0;
	const void *obj = kf_cc_result__object(res, &size);

	assert_non_null(obj);
	*len = 0;
	return elf_section(obj, size, name, len);
}

static void assert_same_section(const struct kf_cc_result *a, const struct kf_cc_result *b,
				const char *name)
{
	size_t la, lb;
	void *da = result_section(a, name, &la), *db = result_section(b, name, &lb);

	if (!da || !db)
		fail_msg("no %s section", name);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
}

/*
 * no_dwarf: no .debug_* sections, and the same BTF, line and CO-RE
 * records (.BTF, .BTF.ext) and code as with DWARF.
 */
static void test_no_dwarf(void **state)
{
	struct kf_cc_result *with = compile_kprobe(false), *without = compile_kprobe(true);
	size_t len;
	void *d;

	(void)state;
	check_object(without, "on_d_alloc");
	d = result_section(with, ".debug_info", &len);
	assert_non_null(d);
	free(d);
	assert_null(result_section(without, ".debug_info", &len));
	assert_null(result_section(without, ".debug_line", &len));
	assert_same_section(with, without, ".BTF");
	assert_same_section(with, without, ".BTF.ext");
	assert_same_section(with, without, "kprobe/d_alloc");
	kf_cc_result__free(with);
	kf_cc_result__free(without);
}

static void test_error_has_location(void **state)
{
	/* Line 4, column 9: the undeclared identifier. */
	static const char src[] =
		"#include \"vmlinux.h\"\n"
		"int f(void)\n"
		"{\n"
		"	return nosuch + 1;\n"
		"}\n";
	KF_OPTS(kf_cc_opts, opts, .main_name = "bad.bpf.c",
		.files = tiny_files, .nfiles = 1);
	struct kf_cc_result *res = NULL;
	const struct kf_cc_diag *d;
	struct stderr_capture cap;
	size_t size;
	int err;

	(void)state;
	capture_stderr(&cap);
	err = kf_cc_compile(src, sizeof(src) - 1, &opts, &res);
	assert_int_equal(release_stderr(&cap), 0);

	assert_int_equal(err, -ENOEXEC);
	assert_non_null(res);
	d = first_error(res);
	assert_non_null(d);
	assert_string_equal(d->file, "bad.bpf.c");
	assert_int_equal(d->line, 4);
	assert_int_equal(d->col, 9);
	assert_non_null(strstr(d->message, "nosuch"));
	errno = 0;
	assert_null(kf_cc_result__object(res, &size));
	assert_int_equal(errno, ENOENT);
	kf_cc_result__free(res);
}

static void test_error_in_header(void **state)
{
	static const char hdr[] = "struct a { int x; };\nstruct a { int y; };\n";
	static const char src[] = "#include \"types.h\"\nint v;\n";
	const struct kf_vfile files[] = {{"types.h", hdr, sizeof(hdr) - 1}};
	KF_OPTS(kf_cc_opts, opts, .files = files, .nfiles = 1);
	struct kf_cc_result *res = NULL;
	const struct kf_cc_diag *d;

	(void)state;
	assert_int_equal(kf_cc_compile(src, sizeof(src) - 1, &opts, &res),
			 -ENOEXEC);
	d = first_error(res);
	assert_non_null(d);
	assert_string_equal(d->file, "types.h");
	assert_int_equal(d->line, 2);
	assert_int_equal(d->col, 8);
	assert_non_null(strstr(d->message, "redefinition"));
	/* And the note pointing at the first definition. */
	assert_true(has_diag(res, KF_CC_NOTE, "previous definition"));
	kf_cc_result__free(res);
}

static void test_warning_still_compiles(void **state)
{
	static const char src[] = "int f(void)\n{\n\tint unused;\n\treturn 0;\n}\n";
	const char *args[] = {"-Wall"};
	KF_OPTS(kf_cc_opts, opts, .extra_args = args, .nextra = 1);
	struct kf_cc_result *res = NULL;
	const struct kf_cc_diag *d;

	(void)state;
	assert_int_equal(kf_cc_compile(src, sizeof(src) - 1, &opts, &res), 0);
	assert_int_equal(kf_cc_result__diag_cnt(res), 1);
	d = kf_cc_result__diag(res, 0);
	assert_int_equal(d->severity, KF_CC_WARNING);
	assert_string_equal(d->file, "kfault.bpf.c"); /* the default name */
	assert_int_equal(d->line, 3);
	assert_non_null(strstr(d->message, "[-Wunused-variable]"));
	assert_non_null(kf_cc_result__object(res, NULL));
	assert_null(kf_cc_result__diag(res, 1));
	kf_cc_result__free(res);
}

static void test_bad_driver_argument(void **state)
{
	static const char src[] = "int x;\n";
	const char *args[] = {"-fno-such-flag-at-all"};
	KF_OPTS(kf_cc_opts, opts, .extra_args = args, .nextra = 1);
	struct kf_cc_result *res = NULL;
	const struct kf_cc_diag *d;

	(void)state;
	assert_int_equal(kf_cc_compile(src, sizeof(src) - 1, &opts, &res),
			 -ENOEXEC);
	d = first_error(res);
	assert_non_null(d);
	assert_null(d->file);
	assert_non_null(strstr(d->message, "-fno-such-flag-at-all"));
	kf_cc_result__free(res);
}

static void test_crash_is_reported(void **state)
{
	/* clang's own debugging pragma: traps in the preprocessor. */
	static const char src[] = "#pragma clang __debug crash\nint x;\n";
	struct kf_cc_result *res = NULL;
	struct stderr_capture cap;
	int err;

	(void)state;
	capture_stderr(&cap);
	err = kf_cc_compile(src, sizeof(src) - 1, NULL, &res);
	assert_int_equal(release_stderr(&cap), 0);
	assert_int_equal(err, -ECHILD);
	assert_true(has_diag(res, KF_CC_ERROR, "internal compiler crash (signal"));
	assert_null(kf_cc_result__object(res, NULL));
	kf_cc_result__free(res);
	/* The child was reaped. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_fatal_error_is_reported(void **state)
{
	/* Ends in llvm::report_fatal_error(), which would exit(). */
	static const char src[] = "#pragma clang __debug llvm_fatal_error\n";
	struct kf_cc_result *res = NULL;
	struct stderr_capture cap;
	int err;

	(void)state;
	capture_stderr(&cap);
	err = kf_cc_compile(src, sizeof(src) - 1, NULL, &res);
	assert_int_equal(release_stderr(&cap), 0);
	assert_int_equal(err, -ECHILD);
	assert_true(has_diag(res, KF_CC_ERROR, "internal compiler error: "
					       "#pragma clang __debug llvm_fatal_error"));
	kf_cc_result__free(res);
}

static void test_timeout(void **state)
{
	KF_OPTS(kf_cc_opts, opts, .files = tiny_files, .nfiles = 1,
		.timeout_ms = 1);
	struct kf_cc_result *res = NULL;
	char *src = kprobe_src("p", 0);

	(void)state;
	assert_int_equal(kf_cc_compile(src, strlen(src), &opts, &res),
			 -ETIMEDOUT);
	assert_true(has_diag(res, KF_CC_ERROR, "timeout"));
	kf_cc_result__free(res);
	free(src);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_resource_dir(void **state)
{
	static const char src[] = "int x;\n";
	KF_OPTS(kf_cc_opts, opts, .resource_dir = "/nonexistent/clang/19");
	struct kf_cc_result *res = NULL;
	const char *dflt = kf_cc_default_resource_dir();
	char *saved = getenv("KFAULT_CLANG_RESOURCE_DIR");

	(void)state;
	assert_non_null(dflt);
	assert_true(access(dflt, R_OK) == 0);

	assert_int_equal(kf_cc_compile(src, sizeof(src) - 1, &opts, &res),
			 -ENOENT);
	assert_true(has_diag(res, KF_CC_ERROR, "/nonexistent/clang/19"));
	assert_true(has_diag(res, KF_CC_ERROR, "KFAULT_CLANG_RESOURCE_DIR"));
	kf_cc_result__free(res);

	/* The environment overrides the built-in default. */
	saved = saved ? strdup(saved) : NULL;
	setenv("KFAULT_CLANG_RESOURCE_DIR", "/nonexistent/env", 1);
	assert_string_equal(kf_cc_default_resource_dir(), "/nonexistent/env");
	assert_int_equal(kf_cc_compile(src, sizeof(src) - 1, NULL, &res),
			 -ENOENT);
	kf_cc_result__free(res);
	if (saved)
		setenv("KFAULT_CLANG_RESOURCE_DIR", saved, 1);
	else
		unsetenv("KFAULT_CLANG_RESOURCE_DIR");
	free(saved);
}

static void test_bad_arguments(void **state)
{
	static const char src[] = "int x;\n";
	struct kf_cc_result *res = (void *)1;
	struct {
		struct kf_cc_opts opts;
		char newer_field;
	} big;
	KF_OPTS(kf_cc_opts, empty_name, .main_name = "");
	KF_OPTS(kf_cc_opts, no_files, .nfiles = 1);
	KF_OPTS(kf_cc_opts, stdin_name, .main_name = "-");
	const struct kf_vfile twice[] = {{"a.h", "", 0}, {"a.h", "", 0}};
	KF_OPTS(kf_cc_opts, dup_files, .files = twice, .nfiles = 2);
	KF_OPTS(kf_cc_opts, file_is_main, .main_name = "a.h", .files = twice,
		.nfiles = 1);

	(void)state;
	assert_int_equal(kf_cc_compile(src, 6, NULL, NULL), -EINVAL);
	assert_int_equal(kf_cc_compile(NULL, 6, NULL, &res), -EINVAL);
	assert_null(res);
	assert_int_equal(kf_cc_compile(src, 6, &empty_name, &res), -EINVAL);
	assert_int_equal(kf_cc_compile(src, 6, &no_files, &res), -EINVAL);
	assert_int_equal(kf_cc_compile(src, 6, &stdin_name, &res), -EINVAL);
	assert_int_equal(kf_cc_compile(src, 6, &dup_files, &res), -EINVAL);
	assert_int_equal(kf_cc_compile(src, 6, &file_is_main, &res), -EINVAL);

	/* A newer caller's unknown field must be zero... */
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.newer_field = 1;
	assert_int_equal(kf_cc_compile(src, 6, &big.opts, &res), -EINVAL);
	/* ...and is fine when it is. */
	big.newer_field = 0;
	assert_int_equal(kf_cc_compile(src, 6, &big.opts, &res), 0);
	kf_cc_result__free(res);

	kf_cc_result__free(NULL);
	assert_int_equal(kf_cc_result__diag_cnt(NULL), 0);
	assert_string_equal(kf_cc_severity_str(KF_CC_WARNING), "warning");
}

/*
 * The heap grows once and stays, and what is allocated next starts on a
 * 2 MiB boundary (its first huge page), not in the small pages below it.
 * First of the tests: nothing freed yet could serve the big allocation.
 */
static void test_reserve_heap(void **state)
{
	const uintptr_t huge = 2 << 20;
	size_t before = mallinfo2().arena;
	int err = kf_cc_reserve_heap(8 << 20);
	uintptr_t next;
	void *q;

	(void)state;
	if (err == -EOPNOTSUPP) {
		print_message("SKIP: malloc is not glibc's (sanitizer build?)\n");
		return;
	}
	/* -EINVAL: no transparent huge pages; the heap grew all the same */
	assert_true(err == 0 || err == -EINVAL);
	assert_true(mallinfo2().arena >= before + (8 << 20));
	/* Later allocations come from it, from the boundary on (the chunk
	 * header just below it), or from less than 64 KiB below it: a
	 * stretch that short is not set aside (kf_cc_reserve_heap()).
	 */
	q = malloc(6 << 20);
	assert_non_null(q);
	next = ((uintptr_t)q + huge - 1) & ~(huge - 1);
	if ((uintptr_t)q % huge >= 4096 && next - (uintptr_t)q >= 64 << 10)
		fail_msg("allocated at %p, not at or just below a 2 MiB boundary", q);
	free(q);
	assert_true(mallinfo2().arena >= before + (8 << 20));
}

/* The reason isolation exists: many compiles in one process. */
static void test_many_isolated(void **state)
{
	KF_OPTS(kf_cc_opts, opts, .main_name = "many.bpf.c",
		.files = tiny_files, .nfiles = 1, .target_arch = "x86");

	(void)state;
	for (int i = 0; i < 50; i++) {
		struct kf_cc_result *res = NULL;
		char name[32];
		char *src;
		int err;

		snprintf(name, sizeof(name), "prog_%d", i);
		src = kprobe_src(name, i);
		err = kf_cc_compile(src, strlen(src), &opts, &res);
		if (err)
			kf_cc_result__print(res, stdout);
		assert_int_equal(err, 0);
		check_object(res, name);
		kf_cc_result__free(res);
		free(src);
	}
}

/* In-process compiles without CO-RE can repeat, and leave the process fit
 * for isolated compiles (test_many_isolated runs after this one).
 */
static void test_in_process_without_core(void **state)
{
	static const char src[] =
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
		"SEC(\"kprobe/d_alloc\")\n"
		"int plain(void *ctx)\n"
		"{\n"
		"	bpf_printk(\"pid %u\", (__u32)bpf_get_current_pid_tgid());\n"
		"	return 0;\n"
		"}\n";
	KF_OPTS(kf_cc_opts, opts, .files = tiny_files, .nfiles = 1,
		.in_process = true);

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct kf_cc_result *res = NULL;
		int err = kf_cc_compile(src, sizeof(src) - 1, &opts, &res);

		if (err)
			kf_cc_result__print(res, stdout);
		assert_int_equal(err, 0);
		assert_non_null(kf_cc_result__object(res, NULL));
		kf_cc_result__free(res);
	}
}

/* One in-process compile with CO-RE: the warm-compile path of the
 * benchmark. After it, this process can compile no more (see
 * clang_compile.h), so it runs last.
 */
static void test_in_process_once(void **state)
{
	KF_OPTS(kf_cc_opts, opts, .main_name = "inproc.bpf.c",
		.files = tiny_files, .nfiles = 1, .target_arch = "x86",
		.in_process = true);
	struct kf_cc_result *res = NULL;
	char *src = kprobe_src("in_proc", 7);
	struct stderr_capture cap;
	int err;

	(void)state;
	capture_stderr(&cap);
	err = kf_cc_compile(src, strlen(src), &opts, &res);
	assert_int_equal(release_stderr(&cap), 0);
	if (err)
		kf_cc_result__print(res, stdout);
	assert_int_equal(err, 0);
	check_object(res, "in_proc");
	kf_cc_result__free(res);

	/* Anything more would crash in LLVM: refused, with the reason. */
	assert_int_equal(kf_cc_compile(src, strlen(src), &opts, &res), -EALREADY);
	assert_true(has_diag(res, KF_CC_ERROR, "CO-RE"));
	kf_cc_result__free(res);
	opts.in_process = false;
	assert_int_equal(kf_cc_compile(src, strlen(src), &opts, &res), -EALREADY);
	kf_cc_result__free(res);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_heap),
		cmocka_unit_test(test_kprobe_core_isolated),
		cmocka_unit_test(test_no_dwarf),
		cmocka_unit_test(test_error_has_location),
		cmocka_unit_test(test_error_in_header),
		cmocka_unit_test(test_warning_still_compiles),
		cmocka_unit_test(test_bad_driver_argument),
		cmocka_unit_test(test_crash_is_reported),
		cmocka_unit_test(test_fatal_error_is_reported),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_resource_dir),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_in_process_without_core),
		cmocka_unit_test(test_many_isolated),
		/* Last: it leaves LLVM state behind in this process. */
		cmocka_unit_test(test_in_process_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
