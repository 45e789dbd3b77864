// SPDX-License-Identifier: MIT
/* Preflight: facts about the running kernel (see preflight.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "knames.h"
#include "preflight.h"

#define KALLSYMS	"/proc/kallsyms"
#define INJECT_LIST	"/sys/kernel/debug/error_injection/list"
#define TRACEABLE	"/sys/kernel/tracing/available_filter_functions"
#define TRACEABLE_OLD	"/sys/kernel/debug/tracing/available_filter_functions"

/* A sorted set of names, stored in one buffer. */
struct names {
	char *buf;
	size_t len, cap;
	size_t *off;		/* while reading: offsets into buf */
	char **v;		/* after names_seal(): sorted pointers */
	size_t n, ncap;
};

struct sym_addr {
	unsigned long long addr;
	size_t off;		/* of the name in syms.buf */
};

struct inject_type {
	size_t off;		/* of the name in inject.buf */
	int type;		/* enum kf_ei_type; KF_EI_NTYPES: unknown */
};

struct kf_kernel {
	struct names syms;	/* text symbols of kallsyms, once read whole */
	struct sym_addr *addrs;	/* the same, by address, for symbolising stacks */
	size_t naddrs;
	int syms_err;		/* 1: not read yet; 0: read; else why it could not be */
	struct names inject;	/* the error-injection list */
	struct inject_type *types;	/* the type of each, by offset in inject.buf */
	bool inject_readable;
	struct names traceable;	/* ftrace's available_filter_functions, once read */
	int traceable_err;	/* 1: not read yet; 0 read; else why it could not be */
	bool has_btf;		/* /sys/kernel/btf/vmlinux is there */
	struct btf *btf;	/* vmlinux BTF once parsed, or NULL */
	bool btf_tried;		/* parsed, or tried to */
	int nofail_bit;		/* ___GFP_NOFAIL's bit; -1: not looked up yet */
	bool override, override_tried;	/* probed on first need: a program load */
	bool privileged;
};

static int names_add(struct names *s, const char *name)
{
	size_t len = strlen(name) + 1;

	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1 << 20;
		char *buf = realloc(s->buf, cap);

		if (!buf)
			return -ENOMEM;
		s->buf = buf;
		s->cap = cap;
	}
	if (s->n == s->ncap) {
		size_t ncap = s->ncap ? s->ncap * 2 : 1 << 14;
		size_t *off = realloc(s->off, ncap * sizeof(*off));

		if (!off)
			return -ENOMEM;
		s->off = off;
		s->ncap = ncap;
	}
	memcpy(s->buf + s->len, name, len);
	s->off[s->n++] = s->len;
	s->len += len;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int names_seal(struct names *s)
{
	s->v = malloc((s->n ? s->n : 1) * sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = s->buf + s->off[i];
	free(s->off);
	s->off = NULL;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	return 0;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->v && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
}

static void names_free(struct names *s)
{
	free(s->buf);
	free(s->off);
	free(s->v);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct sym_addr *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * "ffffffff81000000 T _text\t[module]": the address, the type and the name
 * (cut at its end in line). Split by hand, not with sscanf: this runs for
 * each of the kernel's 30,000 to 120,000 symbols at every start, and
 * sscanf took two thirds of the time kallsyms takes to read.
 */
static int parse_kallsyms_line(char *line, unsigned long long *addr, char *type, char **name)
{
	char *p, *end;

	errno = 0;
	*addr = strtoull(line, &p, 16);
	if (p == line || errno || p[0] != ' ' || !p[1] || p[2] != ' ')
		return -EINVAL;
	*type = p[1];
	*name = p + 3;
	end = *name + strcspn(*name, " \t\n");
	if (end == *name)
		return -EINVAL;
	*end = '\0';
	return 0;
}

/* Text symbols only. */
static int read_kallsyms(struct kf_kernel *k)
{
	char line[512], type, *name;
	unsigned long long addr;
	FILE *f = fopen(KALLSYMS, "r");
	size_t cap = 0;
	int err = 0;

	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		if (parse_kallsyms_line(line, &addr, &type, &name) || !strchr("tTwW", type))
			continue;
		if (k->naddrs == cap) {
			struct sym_addr *v;

			cap = cap ? cap * 2 : 1 << 14;
			v = realloc(k->addrs, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			k->addrs = v;
		}
		k->addrs[k->naddrs++] = (struct sym_addr){ addr, k->syms.len };
		err = names_add(&k->syms, name);
	}
	fclose(f);
	if (err)
		return err;
	qsort(k->addrs, k->naddrs, sizeof(*k->addrs), cmp_addr);
	return names_seal(&k->syms);
}

/*
 * The whole table, read on first need: about 0.1 s in the TCG test VM (the
 * kernel printing 31,000 lines, splitting them, sorting the names), a
 * quarter of the start of a prebuilt object. Preflight's few names do not
 * need it (kf_kernel__find_symbols()); suggestions, symbolised stacks and
 * --sites errinj's hundreds of names do.
 */
static int need_kallsyms(struct kf_kernel *k)
{
	if (k->syms_err == 1)
		k->syms_err = read_kallsyms(k);
	return k->syms_err;
}

int kf_kernel__find_symbols(struct kf_kernel *k, const char *const *names, size_t n, bool *found)
{
	char line[512], type, *name;
	unsigned long long addr;
	size_t left = n;
	FILE *f;

	if (k->syms_err != 1) {	/* the whole table was read (or could not be) */
		for (size_t i = 0; i < n; i++)
			found[i] = !k->syms_err && names_has(&k->syms, names[i]);
		return k->syms_err;
	}
	for (size_t i = 0; i < n; i++)
		found[i] = false;
	f = fopen(KALLSYMS, "r");
	if (!f)
		return -errno;
	/* one pass that keeps nothing, and stops once every name is found */
	while (left && fgets(line, sizeof(line), f)) {
		if (parse_kallsyms_line(line, &addr, &type, &name) || !strchr("tTwW", type))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!found[i] && strcmp(name, names[i]) == 0) {
				found[i] = true;
				left--;
			}
		}
	}
	fclose(f);
	return 0;
}

int kf_kernel__symbolize(struct kf_kernel *k, unsigned long long addr, char *buf, size_t len)
{
	size_t lo = 0, hi;

	if (need_kallsyms(k))
		return snprintf(buf, len, "0x%llx", addr);
	hi = k->naddrs;

	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->addrs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || !k->addrs[lo - 1].addr)
		return snprintf(buf, len, "0x%llx", addr);
	return snprintf(buf, len, "%s+0x%llx", k->syms.buf + k->addrs[lo - 1].off,
			addr - k->addrs[lo - 1].addr);
}

/* "should_failslab\tERRNO" */
static int read_inject_list(struct kf_kernel *k)
{
	char line[512], name[256];
	FILE *f = fopen(INJECT_LIST, "r");
	int err = 0, type;
	size_t cap = 0;

	if (!f)
		return 0;	/* not readable: reported when it matters */
	k->inject_readable = true;
	while (!err && fgets(line, sizeof(line), f)) {
		if (kf_ei_parse_line(line, name, sizeof(name), &type))
			continue;
		if (k->inject.n == cap) {
			struct inject_type *v;

			cap = cap ? 2 * cap : 1024;
			v = realloc(k->types, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			k->types = v;
		}
		k->types[k->inject.n] = (struct inject_type){ k->inject.len, type < 0 ? KF_EI_NTYPES : type };
		err = names_add(&k->inject, name);
	}
	fclose(f);
	return err ? err : names_seal(&k->inject);
}

/* Root, or CAP_BPF (39) with CAP_PERFMON (38), from /proc/self/status. */
/*
 * Whether kprobe programs may call bpf_override_return (the kernel was
 * built with CONFIG_BPF_KPROBE_OVERRIDE): the kernel loads a kprobe program
 * that calls it. libbpf_probe_bpf_helper() cannot tell: it takes any
 * rejection but "invalid func" and "unknown func" for support, and 6.12
 * without the option says "program of this type cannot use helper
 * bpf_override_return#58" (found by the kernel matrix, tests/e2e/matrix).
 */
static bool probe_override(void)
{
	const struct bpf_insn insns[] = {
		/* r1 is the context; bpf_override_return(ctx, 0); return 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_override_return },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "kf_probe_ovr", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool read_privileged(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return (caps >> 21 & 1) || ((caps >> 39 & 1) && (caps >> 38 & 1));
}

struct kf_kernel *kf_kernel__probe(void)
{
	struct kf_kernel *k = calloc(1, sizeof(*k));
	int err;

	if (!k) {
		errno = ENOMEM;
		return NULL;
	}
	k->syms_err = 1;
	k->traceable_err = 1;
	k->nofail_bit = -1;
	err = read_inject_list(k);
	if (err) {
		kf_kernel__free(k);
		errno = -err;
		return NULL;
	}
	k->privileged = read_privileged();
	k->has_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	return k;
}

void kf_kernel__free(struct kf_kernel *k)
{
	if (!k)
		return;
	names_free(&k->syms);
	names_free(&k->inject);
	names_free(&k->traceable);
	free(k->types);
	free(k->addrs);
	btf__free(k->btf);
	free(k);
}

int kf_kernel__has_symbol(struct kf_kernel *k, const char *name)
{
	int err = need_kallsyms(k);

	return err ? err : names_has(&k->syms, name);
}

const char *kf_kernel__suggest(struct kf_kernel *k, const char *name)
{
	if (need_kallsyms(k))
		return NULL;
	return kf_suggest_function(name, (const char *const *)k->syms.v, k->syms.n);
}

int kf_kernel__error_injectable(const struct kf_kernel *k, const char *name)
{
	if (!k->inject_readable)
		return -ENOENT;
	return names_has(&k->inject, name);
}

static int cmp_type_off(const void *a, const void *b)
{
	const struct inject_type *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int kf_kernel__error_type(const struct kf_kernel *k, const char *name)
{
	struct inject_type key, *t;
	char **found;

	if (!k->inject_readable)
		return -ENODATA;
	found = k->inject.v ? bsearch(&name, k->inject.v, k->inject.n, sizeof(*k->inject.v), cmp_str) : NULL;
	if (!found)
		return -ENOENT;
	/* types[] is in the order the names were read, which is their order in buf */
	key.off = (size_t)(*found - k->inject.buf);
	t = bsearch(&key, k->types, k->inject.n, sizeof(*k->types), cmp_type_off);
	return t ? t->type : KF_EI_NTYPES;
}

size_t kf_kernel__error_injection_cnt(const struct kf_kernel *k)
{
	return k->inject.v ? k->inject.n : 0;
}

const char *kf_kernel__error_injection_name(const struct kf_kernel *k, size_t i)
{
	return k->inject.v && i < k->inject.n ? k->inject.v[i] : NULL;
}

/* "name" or "name [module]", a line each */
static int read_traceable(struct kf_kernel *k)
{
	char line[512], name[256];
	FILE *f = fopen(TRACEABLE, "r");
	int err = 0;

	if (!f)
		f = fopen(TRACEABLE_OLD, "r");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s", name) == 1)
			err = names_add(&k->traceable, name);
	fclose(f);
	return err ? err : names_seal(&k->traceable);
}

int kf_kernel__ftrace_traceable(struct kf_kernel *k, const char *name)
{
	if (k->traceable_err == 1)
		k->traceable_err = read_traceable(k);
	if (k->traceable_err)
		return k->traceable_err;
	return names_has(&k->traceable, name);
}

bool kf_kernel__has_kprobe_multi(struct kf_kernel *k)
{
	/* fprobe came with kprobe.multi (5.18); without CONFIG_FPROBE the link is refused */
	return kf_kernel__has_symbol(k, "register_fprobe_ips") == 1;
}

/*
 * The vmlinux BTF, parsed on first need: 0.025-0.035 s in the TCG test VM,
 * and libbpf parses it again for the object when it loads (Debian 12's
 * libbpf 1.1 takes no parsed one, nor gives its own), so only for what is
 * below: this kernel's ___GFP_NOFAIL_BIT (a slab or page site) and the
 * gfp_t parameters of --sites errinj. fmod_ret's checks ask libbpf's parse
 * (injector.c, look_up_btf). NULL without BTF. (What libbpf prints
 * meanwhile goes where the program sends it: libbpf_set_print().)
 */
static struct btf *kernel_btf(struct kf_kernel *k)
{
	if (!k->btf_tried) {
		k->btf = btf__load_vmlinux_btf();
		k->btf_tried = true;
	}
	return k->btf;
}

bool kf_kernel__has_btf(const struct kf_kernel *k)
{
	return k->has_btf;
}

bool kf_kernel__has_override(struct kf_kernel *k)
{
	if (!k->override_tried) {
		k->override = probe_override();
		k->override_tried = true;
	}
	return k->override;
}

bool kf_kernel__privileged(const struct kf_kernel *k)
{
	return k->privileged;
}

int kf_kernel__gfp_param(struct kf_kernel *k, const char *func, const char **name)
{
	struct btf *btf = kernel_btf(k);
	const struct btf_type *t;
	const struct btf_param *p;
	int id;

	id = btf ? btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
	if (id <= 0)
		return 0;
	t = btf__type_by_id(btf, btf__type_by_id(btf, (__u32)id)->type);
	if (!t || !btf_is_func_proto(t))
		return 0;
	p = btf_params(t);
	for (__u16 i = 0; i < btf_vlen(t) && i < 5; i++, p++) {
		const struct btf_type *pt = btf__type_by_id(btf, p->type);

		if (pt && btf_is_typedef(pt) && strcmp(btf__name_by_offset(btf, pt->name_off), "gfp_t") == 0) {
			*name = btf__name_by_offset(btf, p->name_off);
			return i + 1;
		}
	}
	return 0;
}

#define GFP_NOFAIL_BIT_BEFORE_6_10	15	/* #define ___GFP_NOFAIL 0x8000u */

static int find_nofail_bit(const struct btf *btf)
{
	if (!btf)
		return GFP_NOFAIL_BIT_BEFORE_6_10;
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (__u16 j = 0; j < btf_vlen(t); j++, e++)
			if (strcmp(btf__name_by_offset(btf, e->name_off), "___GFP_NOFAIL_BIT") == 0)
				return (int)e->val;
	}
	return GFP_NOFAIL_BIT_BEFORE_6_10;
}

int kf_kernel__gfp_nofail_bit(struct kf_kernel *k)
{
	if (k->nofail_bit < 0)
		k->nofail_bit = find_nofail_bit(kernel_btf(k));
	return k->nofail_bit;
}
