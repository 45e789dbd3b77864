// SPDX-License-Identifier: MIT
/*
 * Unit tests of the build path: .fault source -> sema with kernel BTF ->
 * vmlinux.h of only the needed types -> in-process clang (isolated) -> an
 * object libbpf opens, with BTF and CO-RE relocations. Kernel BTF from
 * $KFAULT_BTF (scripts/test.sh: the test kernel's vmlinux), else
 * /sys/kernel/btf/vmlinux; the examples from KF_EXAMPLES_DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gelf.h>
#include <libelf.h>
#include <bpf/libbpf.h>

#include "btf_types.h"
#include "build.h"
#include "codegen.h"	/* kf_pch */
#include "frontend.h"

static struct kf_btf *kbtf;

static int open_btf(void **state)
{
	const char *path = getenv("KFAULT_BTF");

	(void)state;
	kbtf = kf_btf__open(path && *path ? path : NULL);
	if (!kbtf)
		fprintf(stderr, "cannot read kernel BTF from %s: %s\n",
			path && *path ? path : "/sys/kernel/btf/vmlinux", strerror(errno));
	return kbtf ? 0 : -1;
}

static int close_btf(void **state)
{
	(void)state;
	kf_btf__free(kbtf);
	return 0;
}

/* Front end with BTF on text; 0 or -EINVAL (diagnostics in u). */
static int check(struct kf_unit *u, const char *text)
{
	struct kf_source *src = kf_source__from_string("t.fault", text, strlen(text));

	assert_non_null(src);
	return kf_unit__compile_btf(u, src, kbtf);
}

static bool has_diag(const struct kf_unit *u, const char *needle)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (strstr(u->diags.v[i].message, needle) ||
		    (u->diags.v[i].hint && strstr(u->diags.v[i].hint, needle)))
			return true;
	return false;
}

static void print_diags(struct kf_unit *u)
{
	kf_diags__print(&u->diags, stderr);
}

struct btf_ext_hdr {
	__u16 magic;
	__u8 version, flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len, line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* The section name of the object, or NULL if it has none. */
static Elf_Data *section(Elf *elf, const char *want)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, want))
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

/* Records in a .BTF.ext info block (func_info, line_info, core_relo):
 * __u32 record size, then per section: name, count, records. -1 if bad.
 */
static long ext_records(const Elf_Data *d, __u32 off, __u32 len)
{
	const __u8 *p = (const __u8 *)d->d_buf + off, *end = p + len;
	long n = 0;
	__u32 rec;

	if (len < 4 || (size_t)off + len > d->d_size)
		return -1;
	memcpy(&rec, p, 4);
	for (p += 4; p + 8 <= end;) {
		__u32 cnt = ((const __u32 *)p)[1];

		n += cnt;
		p += 8 + (size_t)cnt * rec;
	}
	return n;
}

/* The object's .BTF.ext: how many function, line and CO-RE relocation
 * records it has. false if there is none.
 */
static bool btf_ext_counts(const void *data, size_t size, long *funcs, long *lines, long *relos)
{
	struct btf_ext_hdr h;
	bool ok = false;
	Elf_Data *d;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	if (!elf)
		return false;
	d = section(elf, ".BTF.ext");
	if (d && d->d_size >= sizeof(h)) {
		memcpy(&h, d->d_buf, sizeof(h));
		ok = h.magic == 0xeB9F && h.hdr_len >= sizeof(h);
	}
	if (ok) {
		*funcs = ext_records(d, h.hdr_len + h.func_info_off, h.func_info_len);
		*lines = ext_records(d, h.hdr_len + h.line_info_off, h.line_info_len);
		*relos = ext_records(d, h.hdr_len + h.core_relo_off, h.core_relo_len);
	}
	elf_end(elf);
	return ok;
}

static bool has_section(const void *data, size_t size, const char *name)
{
	Elf *elf;
	bool has;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	has = elf && section(elf, name);
	elf_end(elf);
	return has;
}

/* libbpf opens the object, and it has the programs the unit's file asks for. */
static void check_object(struct kf_unit *u, const struct kf_object *o)
{
	struct bpf_object *obj = bpf_object__open_mem(o->data, o->size, NULL);
	const struct kf_file *f = u->file;
	int want = 5;	/* kf_sys_exit, kf_fork, kf_exit, kf_errinj_multi, kf_errinj_kprobe */
	char name[64];

	assert_non_null(obj);
	/* kfault sweep --sites errinj's, in every object (the runtime half) */
	assert_non_null(bpf_object__find_program_by_name(obj, "kf_errinj_multi"));
	assert_non_null(bpf_object__find_program_by_name(obj, "kf_errinj_kprobe"));
	for (int i = 0; i < f->ninj; i++) {
		const struct kf_injection *inj = f->inj[i];

		snprintf(name, sizeof(name), "kf%d_site_kprobe", i);
		assert_non_null(bpf_object__find_program_by_name(obj, name));
		snprintf(name, sizeof(name), "kf%d_site_fmod_ret", i);
		assert_non_null(bpf_object__find_program_by_name(obj, name));
		want += 2;
		for (int k = 0; k < inj->nframes; k++) {
			bool seen = false;

			snprintf(name, sizeof(name), "kf%d_f%d_kprobe", i, k);
			assert_non_null(bpf_object__find_program_by_name(obj, name));
			snprintf(name, sizeof(name), "kf%d_f%d_fentry", i, k);
			assert_non_null(bpf_object__find_program_by_name(obj, name));
			for (int j = 0; j < k; j++)
				seen |= strcmp(inj->frames[j]->func, inj->frames[k]->func) == 0;
			want += seen ? 2 : 4;
		}
	}
	{
		struct bpf_program *p;
		int n = 0;

		bpf_object__for_each_program(p, obj)
			n++;
		assert_int_equal(n, want);
	}
	assert_non_null(bpf_object__find_map_by_name(obj, ".rodata.kfault"));
	bpf_object__close(obj);
	/* Function and line info for the verifier's messages, and CO-RE
	 * relocations: PT_REGS_SP(ctx) and the fork tracepoint's
	 * ctx->child_pid, at the least. No DWARF: libbpf's linker leaves it
	 * out, and nothing that loads a BPF object reads it.
	 */
	{
		long funcs = -1, lines = -1, relos = -1;

		assert_true(btf_ext_counts(o->data, o->size, &funcs, &lines, &relos));
		assert_true(funcs >= want);
		assert_true(lines > funcs);
		assert_true(relos > 0);
		assert_false(has_section(o->data, o->size, ".debug_info"));
		assert_false(has_section(o->data, o->size, ".debug_line"));
	}
}

/* Every example builds against kernel BTF into an object libbpf opens. */
static void test_examples(void **state)
{
	DIR *dir = opendir(KF_EXAMPLES_DIR);
	struct dirent *de;
	int built = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char path[4096];
		struct kf_object o;
		struct kf_source *src;
		struct kf_unit u;
		size_t n = strlen(de->d_name);
		int err;

		if (n < 7 || strcmp(de->d_name + n - 6, ".fault"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", KF_EXAMPLES_DIR, de->d_name);
		src = kf_source__read(path);
		assert_non_null(src);
		err = kf_unit__compile_btf(&u, src, kbtf);
		if (!err) {
			KF_OPTS(kf_build_opts, bo, .btf = kbtf);

			err = kf_build(&u, &bo, &o);
		}
		if (err) {
			fprintf(stderr, "%s:\n", path);
			print_diags(&u);
		}
		assert_int_equal(err, 0);
		check_object(&u, &o);
		kf_object_fini(&o);
		kf_unit__fini(&u);
		built++;
	}
	closedir(dir);
	assert_true(built >= 8);
}

/* One of four shapes, with predicates varying by i. */
static char *source(int i)
{
	char *s = NULL;

	switch (i % 4) {
	case 0:
		assert_true(asprintf(&s,
			"inject slab {\n"
			"    call __x64_sys_mount\n"
			"    call d_alloc_parallel when name->len > %d && parent->d_name.len != %d\n"
			"    target comm \"m%d\"\n"
			"}\n", i, i + 1, i) > 0);
		break;
	case 1:
		assert_true(asprintf(&s,
			"inject bio when bio->bi_bdev->bd_dev == %d && bio->bi_iter.bi_size > %d {\n"
			"    target pid %d\n"
			"}\n", i << 20, i * 512, i + 1) > 0);
		break;
	case 2:
		assert_true(asprintf(&s,
			"inject page when order >= %d {\n"
			"    call __x64_sys_mount when regs->di != %d\n"
			"    times %d\n"
			"    target comm \"p%d\"\n"
			"}\n", i % 11, i, i + 1, i) > 0);
		break;
	default:
		assert_true(asprintf(&s,
			"inject function do_sys_openat2 returns -ENOENT\n"
			"    when STRNCMP(filename, \"/tmp/f%d\", %d) && how->flags != %d {\n"
			"    probability %d%%\n"
			"    target comm \"f%d\"\n"
			"}\n"
			"inject slab {\n"
			"    call d_alloc_parallel(struct dentry *parent, const struct qstr *name)\n"
			"        when name->name[0] == '%c'\n"
			"    target comm \"f%d\"\n"
			"}\n", i, 7 + (i >= 10), i, 1 + i, i, 'a' + i % 26, i) > 0);
		break;
	}
	return s;
}

/* 50 compiles through the build path in one process. */
static void test_many(void **state)
{
	(void)state;
	for (int i = 0; i < 50; i++) {
		char *text = source(i);
		struct kf_object o;
		struct kf_unit u;
		int err = check(&u, text);

		if (!err) {
			KF_OPTS(kf_build_opts, bo, .btf = kbtf);

			err = kf_build(&u, &bo, &o);
		}
		if (err) {
			fprintf(stderr, "compile %d of:\n%s", i, text);
			print_diags(&u);
		}
		assert_int_equal(err, 0);
		check_object(&u, &o);
		kf_object_fini(&o);
		kf_unit__fini(&u);
		free(text);
	}
}

/* Parameters left out come from BTF, with ctx and reserved names renamed. */
static void test_params_from_btf(void **state)
{
	struct kf_unit u;

	(void)state;
	assert_int_equal(check(&u, "inject slab { call d_alloc_parallel when name->len > 3 && wq != 0 }"), 0);
	assert_int_equal(u.file->inj[0]->frames[0]->nparams, 3);
	assert_string_equal(u.file->inj[0]->frames[0]->params[1].name, "name");
	assert_non_null(strstr(u.prog.text, "BPF_KPROBE(kf0_f0_kprobe, struct dentry *parent, "
				       "const struct qstr *name, wait_queue_head_t *wq)"));
	kf_unit__fini(&u);

	assert_int_equal(check(&u, "inject function do_sys_openat2 returns -ENOENT "
				   "when dfd == -100 && how->resolve == 0 { }"), 0);
	kf_unit__fini(&u);
}

static void test_param_mismatch(void **state)
{
	struct kf_unit u;

	(void)state;
	assert_int_equal(check(&u, "inject slab { call d_alloc_parallel(int parent) }"), -EINVAL);
	assert_true(has_diag(&u, "parameter 1 of d_alloc_parallel is 'struct dentry *parent' "
				 "in this kernel, not 'int parent'"));
	assert_int_equal(u.diags.v[0].loc.first_column, 41);	/* the name */
	kf_unit__fini(&u);

	assert_int_equal(check(&u, "inject slab { call d_alloc_parallel(struct dentry *p, "
				   "const struct qstr *n, wait_queue_head_t *w, int x) }"), -EINVAL);
	assert_true(has_diag(&u, "d_alloc_parallel has 3 parameters in this kernel; there is no parameter 4"));
	kf_unit__fini(&u);

	/* a prefix, qualifiers aside, is fine */
	assert_int_equal(check(&u, "inject slab { call d_alloc_parallel(struct dentry *p, struct qstr *n) }"), 0);
	kf_unit__fini(&u);
}

static void test_syscall_pt_regs(void **state)
{
	struct kf_unit u;

	(void)state;
	assert_int_equal(check(&u, "inject slab { call __x64_sys_mount(char *dev_name, char *dir_name) }"),
			 -EINVAL);
	assert_true(has_diag(&u, "__x64_sys_mount is a system call entry point: it takes "
				 "'const struct pt_regs *regs'"));
	assert_true(has_diag(&u, "regs->di, regs->si, regs->dx"));
	kf_unit__fini(&u);
}

static void test_members(void **state)
{
	struct kf_unit u;

	(void)state;
	assert_int_equal(check(&u, "inject bio when bio->bi_bdevv->bd_dev == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "no member named 'bi_bdevv' in 'struct bio'"));
	assert_true(has_diag(&u, "did you mean 'bi_bdev'?"));
	kf_unit__fini(&u);

	assert_int_equal(check(&u, "inject bio when bio->bi_iter->bi_size == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "'bio->bi_iter' is a structure, not a pointer; did you mean '.'?"));
	kf_unit__fini(&u);

	assert_int_equal(check(&u, "inject bio when bio->bi_bdev.bd_dev == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "'bio->bi_bdev' is a pointer; did you mean '->'?"));
	kf_unit__fini(&u);

	assert_int_equal(check(&u, "inject bio when bio->bi_bdev == 0 && bio->bi_iter == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "'bio->bi_iter' is a structure; compare one of its members"));
	kf_unit__fini(&u);

	/* elements: a member of one, a pointer element, the element named as written */
	assert_int_equal(check(&u, "inject bio when bio->bi_io_vec[0].bv_len == 4096 { target pid 1 }"), 0);
	kf_unit__fini(&u);
	assert_int_equal(check(&u, "inject bio when bio->bi_io_vec[1]->bv_len == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "'bio->bi_io_vec[1]' is a structure, not a pointer; did you mean '.'?"));
	kf_unit__fini(&u);
	assert_int_equal(check(&u, "inject bio when bio->bi_io_vec[0].bv_lem == 0 { }"), -EINVAL);
	assert_true(has_diag(&u, "no member named 'bv_lem' in 'struct bio_vec'"));
	kf_unit__fini(&u);
	assert_int_equal(check(&u, "inject slab when s->node[0]->nr_partial > 0 { target pid 1 }"), 0);
	kf_unit__fini(&u);

	/* an enumerator of the kernel is a constant */
	assert_int_equal(check(&u, "inject page when gfp_mask & ___GFP_NOWARN_BIT { target pid 1 }"), 0);
	kf_unit__fini(&u);
}

/* The header has what the program reads through, not the whole kernel. */
static void test_minimal_header(void **state)
{
	struct kf_unit u;
	char *h = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(check(&u, "inject bio when bio->bi_bdev->bd_dev == 0 { target pid 1 }"), 0);
	assert_int_equal(kf_build_header(&u, kbtf, &h, &len), 0);
	assert_non_null(strstr(h, "struct block_device {"));
	assert_non_null(strstr(h, "struct bio {"));
	assert_non_null(strstr(h, "struct pt_regs {"));
	assert_null(strstr(h, "struct task_struct {"));
	assert_true(len < 256 * 1024);
	free(h);
	kf_unit__fini(&u);
}

/* Build mount.fault with opts; the object in *o, 0 or the error. */
static int build_with(struct kf_build_opts *bo, struct kf_object *o)
{
	static const char text[] =
		"inject slab {\n    call __x64_sys_mount\n    target comm \"mount-loop\"\n}\n";
	struct kf_unit u;
	int err;

	assert_int_equal(check(&u, text), 0);
	bo->btf = kbtf;
	err = kf_build(&u, bo, o);
	if (err)
		print_diags(&u);
	else
		check_object(&u, o);
	kf_unit__fini(&u);
	return err;
}

/*
 * A PCH clang cannot use never fails a build: it compiles the headers
 * instead, makes the same object, and says why in the log (issue 24).
 */
static void test_pch_fallback(void **state)
{
	struct kf_object want, o;
	unsigned char *bad;
	size_t n = kf_pch[0].size;

	(void)state;
	{
		KF_OPTS(kf_build_opts, bo);

		assert_int_equal(build_with(&bo, &want), 0);
		assert_null(want.log);	/* the embedded PCH was used */
	}
	{
		KF_OPTS(kf_build_opts, bo, .no_pch = true);

		assert_int_equal(build_with(&bo, &o), 0);
		assert_non_null(o.log);
		assert_non_null(strstr(o.log, "without kfault's precompiled headers: not used"));
		assert_int_equal(o.size, want.size);
		assert_memory_equal(o.data, want.data, want.size);
		kf_object_fini(&o);
	}
	{
		KF_OPTS(kf_build_opts, bo, .pch = "not a PCH at all", .pch_size = 16);

		assert_int_equal(build_with(&bo, &o), 0);
		assert_non_null(strstr(o.log, "not a clang precompiled header"));
		assert_memory_equal(o.data, want.data, want.size);
		kf_object_fini(&o);
	}
	/* the real one cut short: clang itself rejects it */
	bad = malloc(n);
	assert_non_null(bad);
	memcpy(bad, kf_pch[0].data, n);
	{
		KF_OPTS(kf_build_opts, bo, .pch = bad, .pch_size = n / 3);

		assert_int_equal(build_with(&bo, &o), 0);
		assert_non_null(o.log);
		assert_non_null(strstr(o.log, "clang could not use it: "));
		assert_memory_equal(o.data, want.data, want.size);
		kf_object_fini(&o);
	}
	free(bad);
	kf_object_fini(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_from_btf),
		cmocka_unit_test(test_param_mismatch),
		cmocka_unit_test(test_syscall_pt_regs),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_minimal_header),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_pch_fallback),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, open_btf, close_btf);
}
