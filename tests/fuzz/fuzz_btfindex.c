// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the BTF index file (compiler/btf_types.c, "index files"), as
 * anyone who can write kfault's cache could forge it. At the start, a
 * small BTF is written to a temporary directory and opened once, which
 * makes its index file there: the template. Each input is that file's
 * bytes XORed with the input's (an input of zeros is the template; a
 * shorter input cuts the file short, a longer one appends its bytes), with
 * the checksum then made right again, as a forger would, so that the
 * offsets and the name index are what is tried, not the checksum. Every
 * lookup must then answer as without the index file, or at least never
 * read outside the BTF (ASan).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_types.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/kf-fuzz-btfindex-XXXXXX";
static char btf_path[64], index_dir[64], index_path[64 + 256];
static unsigned char *tmpl;
static size_t tmpl_len, sum_at, words_at;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_btfindex: %s: %s\n", what, strerror(errno));
	abort();
}

/* struct qstr { unsigned int len; const char *name; }, typedefs, a function. */
static void write_btf(void)
{
	struct btf *btf = btf__new_empty();
	int uint, chr, cchr, pchr, qstr, pqstr, proto, fd;
	const void *raw;
	__u32 raw_len;

	if (!btf)
		die("btf__new_empty");
	uint = btf__add_int(btf, "unsigned int", 4, 0);
	chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	cchr = btf__add_const(btf, chr);
	pchr = btf__add_ptr(btf, cchr);
	qstr = btf__add_struct(btf, "qstr", 16);
	btf__add_field(btf, "len", uint, 0, 0);
	btf__add_field(btf, "name", pchr, 64, 0);
	pqstr = btf__add_ptr(btf, qstr);
	btf__add_typedef(btf, "gfp_t", uint);
	btf__add_enum(btf, "fx_mode", 4);
	btf__add_enum_value(btf, "FX_READ", 0);
	btf__add_enum_value(btf, "FX_WRITE", 1);
	proto = btf__add_func_proto(btf, uint);
	btf__add_func_param(btf, "name", pqstr);
	btf__add_func_param(btf, "gfp", btf__find_by_name(btf, "gfp_t"));
	btf__add_func(btf, "fx_d_alloc", BTF_FUNC_GLOBAL, proto);
	raw = btf__raw_data(btf, &raw_len);
	fd = open(btf_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!raw || fd < 0 || write(fd, raw, raw_len) != (ssize_t)raw_len)
		die(btf_path);
	close(fd);
	btf__free(btf);
}

/* The answers every open must give (or, with a forged file, at least not crash on). */
static void look_up(struct kf_btf *kf)
{
	static const char *const roots[] = { "struct qstr", "fx_d_alloc", "gfp_t", "FX_WRITE" };
	struct kf_btf_func *func;
	char *h = NULL, *s;
	size_t len;

	kf_btf__find_type(kf, "struct qstr");
	kf_btf__find_type(kf, "unsigned int");
	kf_btf__find_enumerator(kf, "FX_WRITE", NULL);
	if (kf_btf__func_proto(kf, "fx_d_alloc", &func) == 0)
		kf_btf_func__free(func);
	for (__u32 id = 0; id < kf_btf__type_cnt(kf); id++) {
		struct kf_btf_member m;

		s = kf_btf__type_str(kf, id, "x");
		free(s);
		kf_btf__member(kf, id, "name", &m);
	}
	if (kf_btf__header(kf, roots, 4, NULL, 0, &h, &len) == 0)
		free(h);
}

static void remove_dir(void)
{
	unlink(index_path);
	rmdir(index_dir);
	unlink(btf_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct kf_btf_open_opts opts = { .index_dir = index_dir };
	__u32 nr_types, want[3] = { 0, 0, 0 };
	struct kf_btf *kf;
	struct dirent *e = NULL;
	DIR *d;
	FILE *f;

	(void)argc;
	(void)argv;
	libbpf_set_print(NULL);	/* a forged type's "unexpected type in decl chain" */
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(btf_path, sizeof(btf_path), "%s/vmlinux", dir);
	snprintf(index_dir, sizeof(index_dir), "%s/btf", dir);
	write_btf();
	kf = kf_btf__open_opts(btf_path, &opts);
	if (!kf)
		die("kf_btf__open_opts");
	nr_types = kf_btf__type_cnt(kf);
	/* the offsets of void and of the first two types: 0, 0, the second's */
	want[2] = (const char *)kf_btf__type_by_id(kf, 2) - (const char *)kf_btf__type_by_id(kf, 1);
	kf_btf__free(kf);
	d = opendir(index_dir);
	while (d && (e = readdir(d)) && e->d_name[0] == '.')
		;
	if (!d || !e)
		die("no index file made");
	snprintf(index_path, sizeof(index_path), "%s/%s", index_dir, e->d_name);
	closedir(d);
	atexit(remove_dir);
	f = fopen(index_path, "rb");
	if (!f)
		die(index_path);
	tmpl = malloc(1 << 20);
	tmpl_len = fread(tmpl, 1, 1 << 20, f);
	fclose(f);
	/* where the offsets start (the checksum is the 8 bytes before them) */
	for (words_at = 0; words_at + sizeof(want) <= tmpl_len; words_at += 4)
		if (words_at >= 8 && memcmp(tmpl + words_at, want, sizeof(want)) == 0)
			break;
	if (words_at + sizeof(want) > tmpl_len || nr_types < 3)
		die("no offsets in the index file");
	sum_at = words_at - 8;
	return 0;
}

/* The checksum of the offsets and the name index, as btf_types.c's index_check(). */
static void fix_sum(unsigned char *file, size_t len)
{
	__u64 a = 1, b = 0, sum;
	__u32 w;

	if (len < sum_at + 8)
		return;
	for (size_t i = words_at; i + 4 <= len; i += 4) {
		memcpy(&w, file + i, 4);
		a += w;
		b += a;
	}
	sum = a ^ (b << 32 | b >> 32);
	memcpy(file + sum_at, &sum, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_btf_open_opts opts = { .index_dir = index_dir };
	unsigned char *file = malloc(size + 1);
	struct kf_btf *kf;
	int fd;

	if (!tmpl)
		LLVMFuzzerInitialize(NULL, NULL);
	for (size_t i = 0; i < size; i++)
		file[i] = data[i] ^ (i < tmpl_len ? tmpl[i] : 0);
	fix_sum(file, size);
	unlink(index_path);
	fd = open(index_path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, file, size) != (ssize_t)size)
		die(index_path);
	close(fd);
	free(file);
	kf = kf_btf__open_opts(btf_path, &opts);
	if (!kf)
		die("kf_btf__open_opts");
	look_up(kf);
	kf_btf__free(kf);
	return 0;
}
