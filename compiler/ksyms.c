// SPDX-License-Identifier: MIT
/* The kernel's function names and error-injection list (see ksyms.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "btf_types.h"
#include "knames.h"
#include "ksyms.h"
#include "util.h"

#define KALLSYMS	"/proc/kallsyms"
#define INJECT_LIST	"/sys/kernel/debug/error_injection/list"

struct sym {
	const char *name;
	unsigned long long addr;
	int kind;		/* KF_KSYM_FUNC or KF_KSYM_VAR */
};

struct ei_entry {
	const char *name;
	int type;
};

struct kf_ksyms {
	struct kf_btf *btf;
	char *path;
	bool running;		/* path is the running kernel's BTF */
	/* BTF's functions, sorted */
	const char **funcs;
	size_t nfuncs, capfuncs;
	bool funcs_read;
	/* the kernel's symbols, sorted by name (their names in elf or names) */
	struct sym *syms;
	size_t nsyms, capsyms;
	bool syms_read;
	int fd;
	Elf *elf;
	struct kf_buf names;	/* kallsyms' names, NUL-separated */
	struct kf_buf ei_names;	/* the running kernel's list's */
	/* every function name, BTF's and the symbols', sorted, for suggestions */
	const char **all;
	size_t nall;
	/* the error-injection list, sorted by name */
	struct ei_entry *ei;
	size_t nei;
	bool ei_read, ei_known;
	const char *ei_source;
	char *ei_why;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

static int cmp_ei(const void *a, const void *b)
{
	return strcmp(((const struct ei_entry *)a)->name, ((const struct ei_entry *)b)->name);
}

static int cmp_sym_addr(const void *a, const void *b)
{
	const struct sym *x = *(const struct sym *const *)a, *y = *(const struct sym *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct kf_ksyms *kf_ksyms__new(struct kf_btf *btf, const char *path)
{
	struct kf_ksyms *k = kf_calloc(1, sizeof(*k));

	k->btf = btf;
	k->path = path ? kf_strdup(path) : NULL;
	k->running = path && strcmp(path, KF_RUNNING_BTF) == 0;
	k->fd = -1;
	return k;
}

void kf_ksyms__free(struct kf_ksyms *k)
{
	if (!k)
		return;
	if (k->elf)
		elf_end(k->elf);
	if (k->fd >= 0)
		close(k->fd);
	free(k->funcs);
	free(k->syms);
	free(k->all);
	free(k->ei);
	free(k->ei_why);
	kf_buf_free(&k->names);
	kf_buf_free(&k->ei_names);
	free(k->path);
	free(k);
}

int kf_ksyms__btf_functions(struct kf_ksyms *k, const char *const **names, size_t *n)
{
	if (!k->funcs_read) {
		__u32 cnt = kf_btf__type_cnt(k->btf);

		for (__u32 id = 1; id < cnt; id++) {
			const struct btf_type *t = kf_btf__type_by_id(k->btf, id);

			if (!btf_is_func(t))
				continue;
			if (k->nfuncs == k->capfuncs) {
				k->capfuncs = k->capfuncs ? 2 * k->capfuncs : 1 << 14;
				k->funcs = kf_realloc_array(k->funcs, k->capfuncs, sizeof(*k->funcs));
			}
			k->funcs[k->nfuncs++] = kf_btf__name_by_offset(k->btf, t->name_off);
		}
		if (k->nfuncs)
			qsort(k->funcs, k->nfuncs, sizeof(*k->funcs), cmp_str);
		k->funcs_read = true;
	}
	*names = k->funcs;
	*n = k->nfuncs;
	return 0;
}

static bool btf_has_func(struct kf_ksyms *k, const char *name)
{
	return kf_btf__find_func(k->btf, name) > 0;
}

static void add_sym(struct kf_ksyms *k, const char *name, unsigned long long addr, int kind)
{
	if (!*name)
		return;
	if (k->nsyms == k->capsyms) {
		k->capsyms = k->capsyms ? 2 * k->capsyms : 1 << 14;
		k->syms = kf_realloc_array(k->syms, k->capsyms, sizeof(*k->syms));
	}
	k->syms[k->nsyms++] = (struct sym){ name, addr, kind };
}

/* ---- a vmlinux ELF file ---- */

/* An unsigned number of size bytes at p, in the ELF file's byte order. */
static unsigned long long elf_uint(const unsigned char *p, size_t size, bool big)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (unsigned long long)p[big ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

/*
 * What EI_ETYPE_* value means which type, from this kernel's BTF (they
 * moved between versions); KF_EI_NTYPES for one this table does not know.
 */
static int ei_type_of(struct kf_ksyms *k, long long etype)
{
	bool any = false;

	for (int t = 0; t < KF_EI_NTYPES; t++) {
		long long v;

		if (kf_btf__find_enumerator(k->btf, kf_ei_type_enumerator(t), &v) < 0)
			continue;
		any = true;
		if (v == etype)
			return t;
	}
	/* no enumerators in BTF: the order of Linux 4.20 to 6.x */
	return !any && etype >= 0 && etype < KF_EI_NTYPES ? (int)etype : KF_EI_NTYPES;
}

/* The error-injection list between the two symbols, its addresses resolved through the symbols. */
static void read_elf_ei(struct kf_ksyms *k, const GElf_Sym *start, const GElf_Sym *stop)
{
	bool is64 = gelf_getclass(k->elf) == ELFCLASS64;
	size_t ulong = is64 ? 8 : 4, esize = is64 ? 16 : 8;
	const char *ident = elf_getident(k->elf, NULL);
	bool big = ident && ident[EI_DATA] == ELFDATA2MSB;
	Elf_Scn *scn = elf_getscn(k->elf, start->st_shndx);
	struct sym **by_addr;
	size_t nfunc = 0;
	Elf_Data *data;
	GElf_Shdr sh;

	k->ei_known = true;
	k->ei_source = "its error-injection list";
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
	    !(data = elf_rawdata(scn, NULL)) || start->st_value < sh.sh_addr ||
	    stop->st_value < start->st_value || stop->st_value - sh.sh_addr > data->d_size) {
		k->ei_known = false;
		k->ei_why = kf_strfmt("%s: cannot read its error-injection list", k->path);
		return;
	}
	by_addr = kf_calloc(k->nsyms ? k->nsyms : 1, sizeof(*by_addr));
	for (size_t i = 0; i < k->nsyms; i++)
		if (k->syms[i].kind == KF_KSYM_FUNC)
			by_addr[nfunc++] = &k->syms[i];
	qsort(by_addr, nfunc, sizeof(*by_addr), cmp_sym_addr);
	for (unsigned long long off = start->st_value - sh.sh_addr;
	     off + esize <= stop->st_value - sh.sh_addr; off += esize) {
		const unsigned char *e = (const unsigned char *)data->d_buf + off;
		struct sym key = { .addr = elf_uint(e, ulong, big) }, *pkey = &key, **found;
		int type = ei_type_of(k, (int)elf_uint(e + ulong, 4, big));

		found = nfunc ? bsearch(&pkey, by_addr, nfunc, sizeof(*by_addr), cmp_sym_addr) : NULL;
		if (!found)
			continue;
		/* every name at that address (bsearch found one of them) */
		while (found > by_addr && found[-1]->addr == key.addr)
			found--;
		for (; found < by_addr + nfunc && (*found)->addr == key.addr; found++) {
			k->ei = kf_realloc_array(k->ei, k->nei + 1, sizeof(*k->ei));
			k->ei[k->nei++] = (struct ei_entry){ (*found)->name, type };
		}
	}
	free(by_addr);
}

/* The symbol table of a vmlinux, and its error-injection list. Not an ELF file: nothing. */
static void read_elf(struct kf_ksyms *k)
{
	GElf_Sym start = {0}, stop = {0};
	bool has_start = false, has_stop = false;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return;
	k->fd = open(k->path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0)
		return;
	k->elf = elf_begin(k->fd, ELF_C_READ_MMAP, NULL);
	if (!k->elf || elf_kind(k->elf) != ELF_K_ELF)
		return;
	while ((scn = elf_nextscn(k->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	if (!scn || !sh.sh_entsize)
		return;	/* stripped: BTF's functions are all there is */
	for (Elf_Data *data = elf_getdata(scn, NULL); data; data = elf_getdata(scn, data)) {
		size_t n = data->d_size / sh.sh_entsize;

		for (size_t i = 0; i < n; i++) {
			GElf_Sym s;
			const char *name;
			int type;

			if (!gelf_getsym(data, (int)i, &s) || !(name = elf_strptr(k->elf, sh.sh_link, s.st_name)))
				continue;
			type = GELF_ST_TYPE(s.st_info);
			if (strcmp(name, "__start_error_injection_whitelist") == 0) {
				start = s;
				has_start = true;
			} else if (strcmp(name, "__stop_error_injection_whitelist") == 0) {
				stop = s;
				has_stop = true;
			} else if (type == STT_FUNC) {
				add_sym(k, name, s.st_value, KF_KSYM_FUNC);
			} else if (type == STT_OBJECT) {
				add_sym(k, name, s.st_value, KF_KSYM_VAR);
			}
		}
	}
	if (has_start && has_stop) {
		read_elf_ei(k, &start, &stop);
	} else {
		/* a kernel with a symbol table and no list has none */
		k->ei_known = true;
		k->ei_source = "its error-injection list (empty: the kernel was built without "
			       "CONFIG_FUNCTION_ERROR_INJECTION)";
	}
}

/* ---- the running kernel ---- */

/* "ffffffff81000000 T _text\t[module]": functions and variables. */
static void read_kallsyms(struct kf_ksyms *k)
{
	char line[512], name[256], type;
	unsigned long long addr;
	FILE *f = fopen(KALLSYMS, "r");
	size_t *offs = NULL, n = 0, cap = 0;
	int *kinds = NULL;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !strchr("tTwWdDbBrR", type))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1 << 14;
			offs = kf_realloc_array(offs, cap, sizeof(*offs));
			kinds = kf_realloc_array(kinds, cap, sizeof(*kinds));
		}
		offs[n] = k->names.len;
		kinds[n++] = strchr("tTwW", type) ? KF_KSYM_FUNC : KF_KSYM_VAR;
		kf_buf_add(&k->names, name, strlen(name) + 1);
	}
	fclose(f);
	/* names moved while the buffer grew: pointers only now */
	for (size_t i = 0; i < n; i++)
		add_sym(k, k->names.s + offs[i], 0, kinds[i]);
	free(offs);
	free(kinds);
}

static void read_running_ei(struct kf_ksyms *k)
{
	char line[512], name[256];
	FILE *f = fopen(INJECT_LIST, "r");
	size_t *offs = NULL;
	int type;

	if (!f) {
		k->ei_why = kf_strfmt("%s is not readable (%s)", INJECT_LIST, strerror(errno));
		return;
	}
	k->ei_known = true;
	k->ei_source = "the running kernel's " INJECT_LIST;
	while (fgets(line, sizeof(line), f)) {
		if (kf_ei_parse_line(line, name, sizeof(name), &type))
			continue;
		offs = kf_realloc_array(offs, k->nei + 1, sizeof(*offs));
		k->ei = kf_realloc_array(k->ei, k->nei + 1, sizeof(*k->ei));
		offs[k->nei] = k->ei_names.len;
		k->ei[k->nei++].type = type < 0 ? KF_EI_NTYPES : type;
		kf_buf_add(&k->ei_names, name, strlen(name) + 1);
	}
	fclose(f);
	for (size_t i = 0; i < k->nei; i++)
		k->ei[i].name = k->ei_names.s + offs[i];
	free(offs);
}

static void read_syms(struct kf_ksyms *k)
{
	if (k->syms_read)
		return;
	k->syms_read = true;
	if (k->running)
		read_kallsyms(k);
	else if (k->path)
		read_elf(k);
	if (k->nsyms)
		qsort(k->syms, k->nsyms, sizeof(*k->syms), cmp_sym);
}

static void read_ei(struct kf_ksyms *k)
{
	if (k->ei_read)
		return;
	k->ei_read = true;
	if (k->running) {
		read_running_ei(k);
	} else {
		read_syms(k);
		if (!k->ei_known && !k->ei_why)
			k->ei_why = kf_strdup("the kernel's BTF does not come from a vmlinux with its "
					      "symbol table, where the error-injection list is");
	}
	if (k->nei)
		qsort(k->ei, k->nei, sizeof(*k->ei), cmp_ei);
}

/* ---- lookups ---- */

static const struct sym *find_sym(struct kf_ksyms *k, const char *name)
{
	struct sym key = { .name = name };

	read_syms(k);
	return k->nsyms ? bsearch(&key, k->syms, k->nsyms, sizeof(*k->syms), cmp_sym) : NULL;
}

enum kf_ksym_kind kf_ksyms__lookup(struct kf_ksyms *k, const char *name)
{
	static const char *const keywords[] = { "struct ", "union ", "enum ", "" };
	const struct sym *s;
	__u32 cnt;

	if (btf_has_func(k, name))
		return KF_KSYM_FUNC;
	s = find_sym(k, name);
	if (s) {
		/* a name may be a function and a variable (static ones in different files) */
		while (s > k->syms && strcmp(s[-1].name, name) == 0)
			s--;
		for (const struct sym *p = s; p < k->syms + k->nsyms && strcmp(p->name, name) == 0; p++)
			if (p->kind == KF_KSYM_FUNC)
				return KF_KSYM_FUNC;
		return KF_KSYM_VAR;
	}
	for (size_t i = 0; i < KF_ARRAY_SIZE(keywords); i++) {
		char *type = kf_strfmt("%s%s", keywords[i], name);
		int id = kf_btf__find_type(k->btf, type);

		free(type);
		if (id > 0)
			return KF_KSYM_TYPE;
	}
	cnt = kf_btf__type_cnt(k->btf);
	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *t = kf_btf__type_by_id(k->btf, id);

		if (btf_is_var(t) && strcmp(kf_btf__name_by_offset(k->btf, t->name_off), name) == 0)
			return KF_KSYM_VAR;
	}
	return KF_KSYM_NONE;
}

const char *kf_ksyms__suggest(struct kf_ksyms *k, const char *name)
{
	if (!k->all) {
		const char *const *funcs;
		size_t nfuncs, n = 0;

		kf_ksyms__btf_functions(k, &funcs, &nfuncs);
		read_syms(k);
		k->all = kf_calloc(nfuncs + k->nsyms + 1, sizeof(*k->all));
		for (size_t i = 0; i < nfuncs; i++)
			k->all[n++] = funcs[i];
		for (size_t i = 0; i < k->nsyms; i++)
			if (k->syms[i].kind == KF_KSYM_FUNC)
				k->all[n++] = k->syms[i].name;
		if (n)
			qsort(k->all, n, sizeof(*k->all), cmp_str);
		/* each name once */
		for (size_t i = 0; i < n; i++)
			if (!k->nall || strcmp(k->all[k->nall - 1], k->all[i]))
				k->all[k->nall++] = k->all[i];
	}
	return kf_suggest_function(name, k->all, k->nall);
}

int kf_ksyms__error_type(struct kf_ksyms *k, const char *name)
{
	struct ei_entry key = { .name = name }, *e;

	read_ei(k);
	if (!k->ei_known)
		return -ENODATA;
	e = k->nei ? bsearch(&key, k->ei, k->nei, sizeof(*k->ei), cmp_ei) : NULL;
	return e ? e->type : -ENOENT;
}

const char *kf_ksyms__error_list(struct kf_ksyms *k, const char **why)
{
	read_ei(k);
	*why = k->ei_why;
	return k->ei_known ? k->ei_source : NULL;
}
