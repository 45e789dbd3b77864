// SPDX-License-Identifier: MIT
/*
 * The kfault runtime (see injector.h): preflight, backend choice, knobs,
 * load, attach, arm, counters, events, detach.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "injector.h"
#include "injector_priv.h"
#include "knames.h"
#include "opts.h"
#include "plan.h"
#include "preflight.h"

#define KF_CGROUP_ROOT	"/sys/fs/cgroup"

struct kf_injector {
	struct bpf_object *obj;
	char *name;			/* the object's name, for messages */
	struct kf_injector_opts opts;
	char *comm, *cgroup;		/* owned copies of the overrides */
	struct kf_kernel *kernel;
	enum kf_backend backend;

	int n;				/* injections */
	struct kf_knobs *knobs;		/* in the .rodata image, until load */
	struct kf_knobs knobs_loaded[KF_MAX_INJECTIONS];
	struct kf_meta meta[KF_MAX_INJECTIONS];

	struct bpf_map *rodata, *bss, *stats, *cgroups, *tracked, *events, *sweep;
	struct bpf_map *cgroup_set;	/* NULL in objects built before kfault serve */
	void *rodata_image;		/* our copy of .rodata, handed to libbpf at load */
	size_t rodata_size;
	size_t armed_off;		/* of kf_armed[] in .bss */
	void *bss_image;		/* what we last wrote to .bss */

	struct bpf_link **links;
	int nlinks, caplinks;
	int cgroup_fd[KF_MAX_INJECTIONS];
	struct ring_buffer *rb;
	kf_event_fn event_fn;
	void *event_ctx;
	bool checked;			/* preflight passed */
	/* whether the kernel's BTF (vmlinux or a module's) names each site and frame: look_up_btf() */
	bool btf_looked_up;
	bool btf_held;		/* libbpf keeps the BTF look_up_btf() had it parse, until a load */
	bool site_btf[KF_MAX_INJECTIONS];
	bool frame_btf[KF_MAX_INJECTIONS][KF_MAX_FRAMES];
	bool loaded;
	/* kfault sweep --sites errinj (kf_injector__set_errinj) */
	bool errinj;
	int errinj_errno;		/* what ERRNO functions fail with */
	bool errinj_multi;		/* one kprobe.multi link, else a kprobe per function */
	struct kf_errinj_func *errinj_funcs;	/* names: the kernel's (kf_kernel) */
	int nerrinj;
	char err[1024];
	/* verifier logs: one buffer per program loaded (choose_programs) */
	struct bpf_program **log_progs;
	char *logs;
	int nlogs;
};

/*
 * Each program loaded gets a verifier log buffer of its own
 * (bpf_program__set_log_buf): libbpf fills it only when the kernel rejects
 * the program, so the failing one is the one whose buffer is not empty.
 * Nothing is shared between injectors, or with libbpf's global print
 * callback, which stays the program's business.
 */
#define KF_PROG_LOG_SIZE	(64 * 1024)

/* Set what kf_injector__errmsg() says; returns -|err|. command.c and sweep.c use it too. */
int kf_injector_fail(struct kf_injector *inj, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(inj->err, sizeof(inj->err), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

/* This file's short name for it. */
#define fail kf_injector_fail

const char *kf_injector__errmsg(const struct kf_injector *inj)
{
	return inj->err;
}

const char *kf_backend_name(enum kf_backend b)
{
	switch (b) {
	case KF_BACKEND_KPROBE: return "kprobe";
	case KF_BACKEND_FMOD_RET: return "fmod_ret";
	default: return "auto";
	}
}

/* Offset of global variable `var` in the data section `sec`, from the object's BTF. */
static int var_offset(struct bpf_object *obj, const char *sec, const char *var, size_t *off)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int id;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, (__u32)id);
	vs = btf_var_secinfos(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), var) == 0) {
			*off = vs->offset;
			return 0;
		}
	}
	return -ENOENT;
}

/* A pointer to read-only variable `var` in our copy of the .rodata image. */
static void *rodata_var(struct kf_injector *inj, const char *var, size_t want)
{
	size_t off;

	if (var_offset(inj->obj, ".rodata", var, &off) || off + want > inj->rodata_size)
		return NULL;
	return (char *)inj->rodata_image + off;
}

static int find_parts(struct kf_injector *inj)
{
	struct bpf_map *meta_map = bpf_object__find_map_by_name(inj->obj, ".rodata.kfault");
	const struct kf_meta *meta;
	const void *image;
	size_t size;

	inj->rodata = bpf_object__find_map_by_name(inj->obj, ".rodata");
	inj->bss = bpf_object__find_map_by_name(inj->obj, ".bss");
	inj->stats = bpf_object__find_map_by_name(inj->obj, "kf_stats");
	inj->cgroups = bpf_object__find_map_by_name(inj->obj, "kf_cgroups");
	inj->tracked = bpf_object__find_map_by_name(inj->obj, "kf_tracked");
	inj->events = bpf_object__find_map_by_name(inj->obj, "kf_events");
	inj->sweep = bpf_object__find_map_by_name(inj->obj, "kf_sweep");
	inj->cgroup_set = bpf_object__find_map_by_name(inj->obj, "kf_cgroup_set");
	if (!meta_map || !inj->rodata || !inj->bss || !inj->stats || !inj->cgroups ||
	    !inj->tracked || !inj->events || !inj->sweep)
		return fail(inj, -EINVAL, "%s is not a kfault object (no kf_meta, kf_knobs or kfault maps)",
			    inj->name);
	meta = bpf_map__initial_value(meta_map, &size);
	if (!meta || size % sizeof(*meta) || size / sizeof(*meta) > KF_MAX_INJECTIONS || !size)
		return fail(inj, -EINVAL, "%s: kf_meta has an unexpected size (%zu bytes): "
			    "was it built by another kfault version?", inj->name, size);
	inj->n = (int)(size / sizeof(*meta));
	memcpy(inj->meta, meta, size);
	image = bpf_map__initial_value(inj->rodata, &inj->rodata_size);
	inj->rodata_image = image ? malloc(inj->rodata_size) : NULL;
	if (!inj->rodata_image)
		return fail(inj, -EINVAL, "%s: no .rodata image", inj->name);
	memcpy(inj->rodata_image, image, inj->rodata_size);
	inj->knobs = rodata_var(inj, "kf_knobs", (size_t)inj->n * sizeof(struct kf_knobs));
	if (!inj->knobs)
		return fail(inj, -EINVAL, "%s: no kf_knobs table in .rodata", inj->name);
	if (var_offset(inj->obj, ".bss", "kf_armed", &inj->armed_off))
		return fail(inj, -EINVAL, "%s: no kf_armed in .bss", inj->name);
	return 0;
}

static struct kf_injector *open_object(struct bpf_object *obj, const char *name,
				       const struct kf_injector_opts *opts)
{
	struct kf_injector *inj;
	int err;

	if (!kf_opts_valid(opts, sizeof(*opts))) {
		bpf_object__close(obj);
		errno = EINVAL;
		return NULL;
	}
	inj = calloc(1, sizeof(*inj));
	if (!inj) {
		bpf_object__close(obj);
		errno = ENOMEM;
		return NULL;
	}
	inj->obj = obj;
	inj->name = strdup(name);
	for (int i = 0; i < KF_MAX_INJECTIONS; i++)
		inj->cgroup_fd[i] = -1;
	if (opts) {
		memcpy(&inj->opts, opts, opts->sz < sizeof(inj->opts) ? opts->sz : sizeof(inj->opts));
		inj->opts.sz = sizeof(inj->opts);
		if (opts->comm)
			inj->comm = strdup(opts->comm);
		if (opts->cgroup)
			inj->cgroup = strdup(opts->cgroup);
	}
	err = find_parts(inj);
	if (err) {
		/* Not a kfault object: EINVAL says so; the details are not worth keeping. */
		kf_injector__destroy(inj);
		errno = -err;
		return NULL;
	}
	return inj;
}

struct kf_injector *kf_injector__open_mem(const void *data, size_t size, const char *name,
					  const struct kf_injector_opts *opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "kfault");
	struct bpf_object *obj;

	obj = bpf_object__open_mem(data, size, &oo);
	if (!obj)
		return NULL;
	return open_object(obj, name, opts);
}

struct kf_injector *kf_injector__open_file(const char *path, const struct kf_injector_opts *opts)
{
	struct bpf_object *obj;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return NULL;
	return open_object(obj, path, opts);
}

/* ---- preflight ---- */

static bool site_is(const struct kf_meta *m, enum kf_kind kind)
{
	return m->kind == (__u32)kind;
}

static int check_function(struct kf_injector *inj, const struct kf_meta *m, const char *func,
			  __u32 line, bool site)
{
	const char *near;
	int has = kf_kernel__has_symbol(inj->kernel, func);

	if (has < 0)
		return fail(inj, has, "cannot read /proc/kallsyms: %s", strerror(-has));
	if (has)
		return 0;
	if (site && (site_is(m, KF_KIND_SLAB) || site_is(m, KF_KIND_PAGE))) {
		bool slab = site_is(m, KF_KIND_SLAB);
		const char *option = slab ? "CONFIG_FAILSLAB" : "CONFIG_FAIL_PAGE_ALLOC";

		return fail(inj, -ENOENT, "%s:%u: %s is not in this kernel: it was built without %s, so %s "
			    "failures cannot be injected; build it with %s=y (for kfault's VM: kfault vm "
			    "build --config FRAGMENT), or fail a function on the path with 'inject function'",
			    m->source, line, func, option, slab ? "slab" : "page", option);
	}
	near = kf_kernel__suggest(inj->kernel, func);
	if (near)
		return fail(inj, -ENOENT, "%s:%u: '%s' is not a function of this kernel; did you mean '%s'?",
			    m->source, line, func, near);
	return fail(inj, -ENOENT, "%s:%u: '%s' is not a function of this kernel (not in /proc/kallsyms)",
		    m->source, line, func);
}

/*
 * Whether auto may take fmod_ret: x86-64 has BPF trampolines (since Linux
 * 5.5); elsewhere auto keeps kprobe when it can.
 */
#if defined(__x86_64__)
#define AUTO_TRAMPOLINES true
#else
#define AUTO_TRAMPOLINES false
#endif

/*
 * Whether auto may take fmod_ret for this run: not when it wants the kernel
 * stack of each failure (--stack, kfault sweep): through a trampoline
 * bpf_get_stack() starts in kfault's own programs and names the traced
 * function twice; from a kprobe it starts at the probed function.
 */
static bool auto_may_trampoline(const struct kf_injector *inj)
{
	return AUTO_TRAMPOLINES && !inj->opts.log_stack;
}

/* "should_failslab" of "fmod_ret/should_failslab": a trampoline program's function, else NULL. */
static const char *tramp_func(const char *sec)
{
	static const char *const kinds[] = { "fentry/", "fexit/", "fmod_ret/" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(sec, kinds[i], strlen(kinds[i])) == 0)
			return sec + strlen(kinds[i]);
	return NULL;
}

/*
 * Fill site_btf[] and frame_btf[], once per preflight: whether the kernel's
 * BTF has each function, asked of libbpf by setting the attach target of
 * each trampoline program. The vmlinux BTF libbpf parses for it is the
 * object's own, which the load then uses for CO-RE and whose attach targets
 * it does not look up again: the BTF is parsed once. A program whose
 * function is missing keeps no target; only kprobes load then.
 */
static void look_up_btf(struct kf_injector *inj)
{
	struct bpf_program *prog;

	if (inj->btf_looked_up)
		return;
	memset(inj->site_btf, 0, sizeof(inj->site_btf));
	memset(inj->frame_btf, 0, sizeof(inj->frame_btf));
	bpf_object__for_each_program(prog, inj->obj) {
		const char *func = tramp_func(bpf_program__section_name(prog));
		bool has;

		if (!func)
			continue;
		has = bpf_program__set_attach_target(prog, 0, func) == 0;
		inj->btf_held = true;
		for (int i = 0; i < inj->n; i++) {
			const struct kf_meta *m = &inj->meta[i];

			if (strcmp(m->site, func) == 0)
				inj->site_btf[i] = has;
			for (__u32 f = 0; f < m->nframes && f < KF_MAX_FRAMES; f++)
				if (strcmp(m->frames[f], func) == 0)
					inj->frame_btf[i][f] = has;
		}
	}
	inj->btf_looked_up = true;
}

/*
 * Why fmod_ret cannot run the injections: 0 when it can; else a message
 * in inj's message and -EOPNOTSUPP.
 */
static int fmod_ret_problem(struct kf_injector *inj)
{
	struct kf_kernel *k = inj->kernel;

	if (!kf_kernel__has_btf(k))
		return fail(inj, -EOPNOTSUPP, "this kernel can neither override from kprobes "
			    "(no CONFIG_BPF_KPROBE_OVERRIDE) nor attach trampolines (no BTF at "
			    "/sys/kernel/btf/vmlinux)");
	look_up_btf(inj);
	for (int i = 0; i < inj->n; i++) {
		const struct kf_meta *m = &inj->meta[i];

		if (m->retval_zero)
			return fail(inj, -EOPNOTSUPP, "%s:%u: fmod_ret cannot make a function return 0; "
				    "use --backend kprobe", m->source, m->line);
		if (!inj->site_btf[i])
			return fail(inj, -EOPNOTSUPP, "%s:%u: '%s' has no BTF, so fmod_ret cannot attach "
				    "to it; use --backend kprobe", m->source, m->line, m->site);
		for (__u32 f = 0; f < m->nframes && f < KF_MAX_FRAMES; f++)
			if (!inj->frame_btf[i][f])
				return fail(inj, -EOPNOTSUPP, "%s:%u: '%s' has no BTF (inlined, or an "
					    "alias?), so fentry cannot attach to it; use --backend kprobe",
					    m->source, m->frame_lines[f], m->frames[f]);
	}
	return 0;
}

/*
 * auto: fmod_ret wherever it can run every injection, else kprobe. fmod_ret
 * costs less on each call the run does not fail, and the kernel never drops
 * an fexit, so it needs no kf_sys_exit on every system call to forget what a
 * dropped kretprobe left (docs/runtime.md, Backends).
 */
static int choose_backend(struct kf_injector *inj)
{
	struct kf_kernel *k = inj->kernel;
	enum kf_backend b = inj->opts.backend;
	bool checked = false;

	/* plan.c says what of this is known before the kernel is: keep them together */
	if (b == KF_BACKEND_AUTO) {
		if (auto_may_trampoline(inj) && kf_kernel__has_btf(k) && fmod_ret_problem(inj) == 0) {
			b = KF_BACKEND_FMOD_RET;
			checked = true;
		} else if (kf_kernel__has_override(k)) {
			b = KF_BACKEND_KPROBE;
			inj->err[0] = '\0';	/* why not fmod_ret is no error: kprobe runs it */
		} else {
			b = KF_BACKEND_FMOD_RET;	/* and fmod_ret_problem() says why it cannot */
		}
	}
	if (b == KF_BACKEND_KPROBE && !kf_kernel__has_override(k))
		return fail(inj, -EOPNOTSUPP, "bpf_override_return is not available: this kernel lacks "
			    "CONFIG_BPF_KPROBE_OVERRIDE; use --backend fmod_ret");
	if (b == KF_BACKEND_FMOD_RET && !checked) {
		int err = fmod_ret_problem(inj);

		if (err)
			return err;
	}
	inj->backend = b;
	return 0;
}

/* The error-injection list cannot be read. */
static int no_inject_list(struct kf_injector *inj)
{
	return fail(inj, -ENOENT, "cannot read /sys/kernel/debug/error_injection/list: mount "
		    "debugfs (mount -t debugfs none /sys/kernel/debug), or the kernel lacks "
		    "CONFIG_FUNCTION_ERROR_INJECTION");
}

/*
 * "mount" for a system call's own functions, as SYSCALL_DEFINE names them
 * (__x64_sys_mount, __ia32_compat_sys_mount, __do_sys_mount...); NULL for
 * any other function.
 */
static const char *syscall_of(const char *name)
{
	const char *p = strstr(name, "sys_");

	if (!p || strncmp(name, "__", 2) || p == name + 2 || p[-1] != '_')
		return NULL;
	for (const char *c = name + 2; c < p; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return NULL;
	return p + 4;
}

/*
 * Whether function name of the error-injection list may be called under
 * the chain of injection m: it is not a frame of the chain, and with a
 * chain, not a system call's own function, unless of a system call of the
 * chain (the kernel calls those for their system call only).
 */
static bool errinj_under_chain(const struct kf_meta *m, const char *name)
{
	const char *sys = syscall_of(name), *fsys;
	bool same_sys = false;

	for (__u32 f = 0; f < m->nframes && f < KF_MAX_FRAMES; f++) {
		if (!strcmp(m->frames[f], name))
			return false;
		fsys = syscall_of(m->frames[f]);
		if (sys && fsys && !strcmp(sys, fsys))
			same_sys = true;
	}
	return !sys || !m->nframes || same_sys;
}

/*
 * --sites errinj: kprobes with bpf_override_return, and the functions of
 * the error-injection list to attach to, each with what it fails with.
 */
static int errinj_preflight(struct kf_injector *inj)
{
	struct kf_kernel *k = inj->kernel;
	const struct kf_meta *m = &inj->meta[0];
	size_t cnt = kf_kernel__error_injection_cnt(k);
	int nofail_bit = kf_kernel__gfp_nofail_bit(k);

	if (inj->opts.backend == KF_BACKEND_FMOD_RET)
		return fail(inj, -EOPNOTSUPP, "--sites errinj fails functions from kprobes "
			    "(bpf_override_return), not with --backend fmod_ret");
	if (!kf_kernel__has_override(k))
		return fail(inj, -EOPNOTSUPP, "--sites errinj needs bpf_override_return: this kernel "
			    "lacks CONFIG_BPF_KPROBE_OVERRIDE");
	if (kf_kernel__error_injectable(k, m->site) == -ENOENT)
		return no_inject_list(inj);
	inj->backend = KF_BACKEND_KPROBE;
	inj->errinj_multi = kf_kernel__has_kprobe_multi(k);
	free(inj->errinj_funcs);
	inj->nerrinj = 0;
	inj->errinj_funcs = calloc(cnt + 1, sizeof(*inj->errinj_funcs));
	if (!inj->errinj_funcs)
		return fail(inj, -ENOMEM, "out of memory");
	for (size_t j = 0; j < cnt; j++) {
		const char *name = kf_kernel__error_injection_name(k, j);
		int type = kf_kernel__error_type(k, name);
		int has = kf_kernel__has_symbol(k, name);
		struct kf_errinj_func *f;

		if (has < 0)
			return fail(inj, has, "cannot read /proc/kallsyms: %s", strerror(-has));
		if (type < 0 || type >= KF_EI_NTYPES || !has || !errinj_under_chain(m, name))
			continue;
		if (inj->nerrinj && !strcmp(inj->errinj_funcs[inj->nerrinj - 1].name, name))
			continue;	/* listed twice (two static functions of one name): one attach */
		f = &inj->errinj_funcs[inj->nerrinj++];
		f->name = name;
		f->type = kf_ei_type_name(type);
		f->retval = kf_ei_type_value(type, inj->errinj_errno);
		f->gfp_arg = nofail_bit >= 0 ? kf_kernel__gfp_param(k, name, &f->gfp_param) : 0;
		f->gfp_nofail = f->gfp_arg ? 1ULL << nofail_bit : 0;
		if (inj->nerrinj == KF_ERRINJ_MAX_FUNCS)
			break;
	}
	if (!inj->nerrinj)
		return fail(inj, -ENOENT, "--sites errinj: no function of the kernel's error-injection "
			    "list can be called under %s:%u's chain", m->source, m->line);
	return 0;
}

/*
 * Whether the run will most likely attach with fmod_ret: asked for, or
 * auto's choice where the kernel has BTF (x86-64) and no injection returns
 * 0. Parses the vmlinux BTF, which fmod_ret's checks need anyway.
 */
static bool fmod_ret_ahead(struct kf_injector *inj)
{
	if (inj->errinj)
		return false;	/* kprobes only */
	if (inj->opts.backend == KF_BACKEND_FMOD_RET)
		return kf_kernel__has_btf(inj->kernel);
	if (inj->opts.backend != KF_BACKEND_AUTO || !auto_may_trampoline(inj))
		return false;
	for (int i = 0; i < inj->n; i++)
		if (inj->meta[i].retval_zero)
			return false;
	return kf_kernel__has_btf(inj->kernel);
}

/*
 * found[j]: whether frame j (every injection's, in order) is a function of
 * this kernel. With fmod_ret ahead, one that the vmlinux BTF names is: its
 * functions are kallsyms' too, and fentry attaches by that name. The
 * others are looked up in one pass over /proc/kallsyms, which costs more
 * than the BTF (the kernel prints every line up to the last name found);
 * the whole table is read, for the nearest name, only when one is missing
 * (check_function()).
 */
static int find_frames(struct kf_injector *inj, bool *found)
{
	const char *names[KF_MAX_INJECTIONS * KF_MAX_FRAMES];
	size_t at[KF_MAX_INJECTIONS * KF_MAX_FRAMES];
	bool hit[KF_MAX_INJECTIONS * KF_MAX_FRAMES];
	bool btf = fmod_ret_ahead(inj);
	size_t n = 0, j = 0;
	int err;

	if (btf)
		look_up_btf(inj);
	for (int i = 0; i < inj->n; i++) {
		for (__u32 f = 0; f < inj->meta[i].nframes && f < KF_MAX_FRAMES; f++, j++) {
			found[j] = btf && inj->frame_btf[i][f];
			if (!found[j]) {
				names[n] = inj->meta[i].frames[f];
				at[n++] = j;
			}
		}
	}
	if (n == 0)
		return 0;
	err = kf_kernel__find_symbols(inj->kernel, names, n, hit);
	if (err)
		return fail(inj, err, "cannot read /proc/kallsyms: %s", strerror(-err));
	for (size_t m = 0; m < n; m++)
		found[at[m]] = hit[m];
	return 0;
}

static int preflight(struct kf_injector *inj)
{
	bool found[KF_MAX_INJECTIONS * KF_MAX_FRAMES];
	size_t j = 0;
	int err;

	inj->btf_looked_up = false;	/* of an earlier kernel, if any */
	inj->kernel = kf_kernel__probe();
	if (!inj->kernel)
		return fail(inj, -errno, "cannot read what the kernel offers: %s", strerror(errno));
	if (!kf_kernel__privileged(inj->kernel))
		return fail(inj, -EPERM, "kfault needs root, or CAP_BPF with CAP_PERFMON: run it with sudo");
	err = find_frames(inj, found);
	if (err)
		return err;
	for (int i = 0; i < inj->n; i++) {
		const struct kf_meta *m = &inj->meta[i];

		for (__u32 f = 0; f < m->nframes && f < KF_MAX_FRAMES; f++, j++) {
			if (found[j])
				continue;
			err = check_function(inj, m, m->frames[f], m->frame_lines[f], false);
			if (err)
				return err;
		}
		if (inj->errinj)
			continue;	/* the sites are not attached: errinj_preflight() */
		/* a function of the error-injection list is one of the kernel's */
		err = kf_kernel__error_injectable(inj->kernel, m->site);
		if (err != 1) {
			err = check_function(inj, m, m->site, m->line, true);
			if (err)
				return err;
			err = kf_kernel__error_injectable(inj->kernel, m->site);
		}
		if (err == -ENOENT)
			return no_inject_list(inj);
		if (err == 0)
			return fail(inj, -EPERM, "%s:%u: '%s' cannot be failed: it is not in the kernel's "
				    "error-injection list (/sys/kernel/debug/error_injection/list)",
				    m->source, m->line, m->site);
		/* what the kernel lets it fail with (knames.h), as the build checked where it could */
		err = kf_kernel__error_type(inj->kernel, m->site);
		if (err >= 0 && !kf_ei_type_allows(err, inj->knobs[i].retval))
			return fail(inj, -EOPNOTSUPP, "%s:%u: '%s' cannot fail with %lld: its error-injection "
				    "type is %s, it fails with %s", m->source, m->line, m->site,
				    (long long)inj->knobs[i].retval, kf_ei_type_name(err),
				    kf_ei_type_means(err));
	}
	return inj->errinj ? errinj_preflight(inj) : choose_backend(inj);
}

/* ---- knobs and programs ---- */

static void set_knobs(struct kf_injector *inj)
{
	const struct kf_injector_opts *o = &inj->opts;
	bool *log_events = rodata_var(inj, "kf_log_events", sizeof(bool));
	bool *log_stack = rodata_var(inj, "kf_log_stack", sizeof(bool));
	__u64 *errinj_nofail = rodata_var(inj, "kf_errinj_gfp_nofail", sizeof(__u64));

	for (int i = 0; i < inj->n; i++) {
		struct kf_knobs *k = &inj->knobs[i];

		/* The command line's target replaces the file's, whole. */
		kf_plan__target(k, o->pid, o->children, inj->comm, inj->cgroup);
		if (o->cgroup_set) {
			/* ... and so does a set of cgroups, empty until some are added */
			kf_plan__target(k, 0, false, NULL, "");
			k->cgroup = KF_CGROUP_SET;
		}
		if (k->gfp_nofail) {	/* only then: it parses the BTF */
			int bit = kf_kernel__gfp_nofail_bit(inj->kernel);

			if (bit >= 0)
				k->gfp_nofail = 1ULL << bit;
		}
		inj->knobs_loaded[i] = *k;
	}
	if (log_events)
		*log_events = o->log_events;
	if (log_stack)
		*log_stack = o->log_stack;
	if (errinj_nofail && inj->errinj) {
		int bit = kf_kernel__gfp_nofail_bit(inj->kernel);

		if (bit >= 0)
			*errinj_nofail = 1ULL << bit;
	}
}

static bool children_wanted(const struct kf_injector *inj)
{
	for (int i = 0; i < inj->n; i++)
		if (inj->knobs_loaded[i].tgid && inj->knobs_loaded[i].children)
			return true;
	return false;
}

/* "kf0_site_kprobe": a program of an injection's failure site (codegen's names). */
static bool is_site_program(const char *name)
{
	return strncmp(name, "kf", 2) == 0 && strstr(name, "_site_");
}

/*
 * Load the programs of the chosen backend, and the housekeeping ones, each
 * with a verifier log buffer of its own. 0 or -ENOMEM.
 */
static int choose_programs(struct kf_injector *inj)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, inj->obj) {
		const char *sec = bpf_program__section_name(prog), *name = bpf_program__name(prog);
		bool kprobe = strncmp(sec, "kprobe/", 7) == 0 || strncmp(sec, "kretprobe/", 10) == 0;
		bool tramp = tramp_func(sec);
		bool load = true;

		if (strcmp(name, "kf_errinj_multi") == 0)
			load = inj->errinj && inj->errinj_multi;
		else if (strcmp(name, "kf_errinj_kprobe") == 0)
			load = inj->errinj;	/* with kprobe.multi: for what ftrace cannot trace */
		else if (inj->errinj && is_site_program(name))
			load = false;	/* --sites errinj: kf_errinj decides instead */
		else if (kprobe)
			load = inj->backend == KF_BACKEND_KPROBE;
		else if (tramp)
			load = inj->backend == KF_BACKEND_FMOD_RET;
		else if (strcmp(name, "kf_fork") == 0)
			load = children_wanted(inj);
		else if (strcmp(name, "kf_sys_exit") == 0)
			load = inj->backend == KF_BACKEND_KPROBE;	/* fexit is never dropped */
		bpf_program__set_autoload(prog, load);
		n += load;
	}
	free(inj->log_progs);
	free(inj->logs);
	inj->nlogs = 0;
	/* calloc: pages of a buffer no verifier writes are never touched */
	inj->log_progs = calloc((size_t)n + 1, sizeof(*inj->log_progs));
	inj->logs = calloc((size_t)n + 1, KF_PROG_LOG_SIZE);
	if (!inj->log_progs || !inj->logs)
		return -ENOMEM;
	bpf_object__for_each_program(prog, inj->obj) {
		char *buf = inj->logs + (size_t)inj->nlogs * KF_PROG_LOG_SIZE;

		if (!bpf_program__autoload(prog) || inj->nlogs == n)
			continue;
		if (bpf_program__set_log_buf(prog, buf, KF_PROG_LOG_SIZE))
			return -EINVAL;
		inj->log_progs[inj->nlogs++] = prog;
	}
	return 0;
}

/* "kf0_f1_kprobe" -> "bananas.fault:10" */
static void program_origin(const struct kf_injector *inj, const char *prog, char *buf, size_t len)
{
	int i, f;

	snprintf(buf, len, "%s", inj->name);
	if (sscanf(prog, "kf%d_f%d_", &i, &f) == 2 && i >= 0 && i < inj->n && f >= 0 &&
	    f < KF_MAX_FRAMES)
		snprintf(buf, len, "%s:%u", inj->meta[i].source, inj->meta[i].frame_lines[f]);
	else if (sscanf(prog, "kf%d_site", &i) == 1 && i >= 0 && i < inj->n)
		snprintf(buf, len, "%s:%u", inj->meta[i].source, inj->meta[i].line);
}

/*
 * libbpf turns a CO-RE relocation that finds nothing in this kernel's BTF
 * (a member, a type or an enumerator of the kernel the object was built
 * against) into a call of this bogus helper number, which the verifier then
 * rejects as an unknown function; kfault's own members are all in the
 * object, so this is always something the kernel lacks.
 */
#define KF_CORE_POISON	"unknown#195896080"

/*
 * The verifier's log shows each instruction after the C source line it came
 * from ("; line @ file:N"): the one before the poisoned call is what the
 * kernel lacks.
 */
static int core_failure(struct kf_injector *inj, int err, const char *origin, const char *prog, char *log)
{
	char *poison = strstr(log, KF_CORE_POISON), *line = NULL, *end;

	for (char *p = log; p && p < poison; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (p[0] == ';' && p[1] == ' ')
			line = p + 2;
	}
	if (!line)
		return fail(inj, err, "%s: program '%s' reads a member or type this kernel does not have "
			    "(the object was built against another kernel's BTF, and CO-RE found no match)",
			    origin, prog);
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	return fail(inj, err, "%s: program '%s' reads a member or type this kernel does not have "
		    "(the object was built against another kernel's BTF, and CO-RE found no match), in: %s",
		    origin, prog, line);
}

/* The verifier said no: name the program, its DSL line and its log's last lines. */
static int verifier_failure(struct kf_injector *inj, int err)
{
	char origin[KF_NAME_LEN + 16], *log = NULL, *tail;
	const char *prog = NULL;
	int lines = 0;

	for (int i = 0; i < inj->nlogs && !log; i++) {
		char *buf = inj->logs + (size_t)i * KF_PROG_LOG_SIZE;

		if (buf[0]) {
			buf[KF_PROG_LOG_SIZE - 1] = '\0';
			log = buf;
			prog = bpf_program__name(inj->log_progs[i]);
		}
	}
	if (!log)	/* not the verifier: libbpf says why (relocations, maps...) */
		return fail(inj, err, "%s: cannot load the programs: %s (libbpf's messages above say why)",
			    inj->name, strerror(-err));
	program_origin(inj, prog, origin, sizeof(origin));
	if (strstr(log, KF_CORE_POISON))
		return core_failure(inj, err, origin, prog, log);
	tail = log + strlen(log);
	while (tail > log && (tail[-1] == '\n' || tail[-1] == ' '))
		*--tail = '\0';
	while (tail > log && lines < 12)
		if (*--tail == '\n')
			lines++;
	return fail(inj, err, "%s: the kernel rejected program '%s' (%s); last lines of its verifier log:\n%s",
		    origin, prog, strerror(-err), tail == log ? log : tail + 1);
}

int kf_injector__set_target_pid(struct kf_injector *inj, int pid, bool children)
{
	if (inj->loaded)
		return -EBUSY;
	if (pid <= 0)
		return -EINVAL;
	inj->opts.pid = pid;
	inj->opts.children = children;
	free(inj->comm);
	free(inj->cgroup);
	inj->comm = inj->cgroup = NULL;
	inj->opts.comm = inj->opts.cgroup = NULL;
	return 0;
}

int kf_injector__set_errinj(struct kf_injector *inj, int err)
{
	if (inj->loaded)
		return -EBUSY;
	if (err > 0 || err < -4095)
		return -ERANGE;
	if (!bpf_object__find_program_by_name(inj->obj, "kf_errinj_kprobe") ||
	    !bpf_object__find_program_by_name(inj->obj, "kf_errinj_multi"))
		return fail(inj, -EOPNOTSUPP, "%s was built before kfault could sweep the kernel's "
			    "error-injection list (it has no kf_errinj program): build it again",
			    inj->name);
	inj->errinj = true;
	inj->errinj_errno = err ? err : -ENOMEM;
	inj->checked = false;	/* preflight checks other things for it */
	return 0;
}

int kf_injector__errinj_cnt(const struct kf_injector *inj)
{
	return inj->nerrinj;
}

const struct kf_errinj_func *kf_injector__errinj_func(const struct kf_injector *inj, int i)
{
	return i >= 0 && i < inj->nerrinj ? &inj->errinj_funcs[i] : NULL;
}

bool kf_injector__errinj_multi(const struct kf_injector *inj)
{
	return inj->errinj && inj->errinj_multi;
}

int kf_injector__preflight(struct kf_injector *inj)
{
	int err;

	if (inj->loaded)
		return -EBUSY;
	if (inj->checked)
		return 0;
	kf_kernel__free(inj->kernel);	/* an earlier preflight that failed */
	inj->kernel = NULL;
	err = preflight(inj);
	inj->checked = !err;
	return err;
}

int kf_injector__load(struct kf_injector *inj)
{
	int err;

	if (inj->opts.cgroup_set && !inj->cgroup_set)
		return fail(inj, -EOPNOTSUPP, "%s was built before kfault could target a set of "
			    "cgroups (it has no kf_cgroup_set map): build it again", inj->name);

	err = kf_injector__preflight(inj);
	if (err)
		return err;
	set_knobs(inj);
	err = bpf_map__set_initial_value(inj->rodata, inj->rodata_image, inj->rodata_size);
	if (err)
		return fail(inj, err, "cannot set the knobs: %s", strerror(-err));
	err = choose_programs(inj);
	if (err)
		return fail(inj, err, "cannot set up the verifier logs: %s", strerror(-err));
	inj->btf_held = false;	/* freed by the load, whatever comes of it */
	err = bpf_object__load(inj->obj);
	if (err)
		return verifier_failure(inj, err);
	inj->bss_image = calloc(1, bpf_map__value_size(inj->bss));
	if (!inj->bss_image)
		return fail(inj, -ENOMEM, "out of memory");
	inj->loaded = true;
	return 0;
}

/* ---- attach, arm, report ---- */

static int open_cgroup(struct kf_injector *inj, int i, const char *path)
{
	char full[KF_PATH_LEN + sizeof(KF_CGROUP_ROOT) + 1];
	__u32 key = (__u32)i;
	int fd;

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", KF_CGROUP_ROOT, path);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(inj, -errno, "cannot open cgroup %s: %s (a cgroup v2 directory is needed)",
			    full, strerror(errno));
	inj->cgroup_fd[i] = fd;
	if (bpf_map__update_elem(inj->cgroups, &key, sizeof(key), &fd, sizeof(fd), BPF_ANY))
		return fail(inj, -errno, "cannot use cgroup %s: %s", full, strerror(errno));
	return 0;
}

int kf_injector__track_pid(struct kf_injector *inj, int pid)
{
	__u32 key, mask;

	if (!inj->loaded)
		return fail(inj, -EINVAL, "tracking a process before load");
	for (int i = 0; i < inj->n; i++) {
		const struct kf_knobs *k = &inj->knobs_loaded[i];

		if (!k->tgid || !k->children)
			continue;
		key = pid > 0 ? (__u32)pid : k->tgid;
		mask = 0;
		bpf_map__lookup_elem(inj->tracked, &key, sizeof(key), &mask, sizeof(mask), 0);
		mask |= 1U << i;
		if (bpf_map__update_elem(inj->tracked, &key, sizeof(key), &mask, sizeof(mask), BPF_ANY))
			return fail(inj, -errno, "cannot track pid %u: %s", key, strerror(errno));
	}
	return 0;
}

/* Injections targeting a set of cgroups (KF_CGROUP_SET): their mask. */
static __u32 cgroup_set_mask(const struct kf_injector *inj)
{
	__u32 mask = 0;

	for (int i = 0; i < inj->n; i++)
		if (inj->knobs_loaded[i].cgroup == KF_CGROUP_SET)
			mask |= 1U << i;
	return mask;
}

int kf_injector__add_cgroup(struct kf_injector *inj, __u64 cgroup_id)
{
	__u32 mask = cgroup_set_mask(inj);

	if (!inj->loaded || !mask)
		return fail(inj, -EINVAL, "adding a cgroup %s", inj->loaded ?
			    "to an injector without opts.cgroup_set" : "before load");
	if (bpf_map__update_elem(inj->cgroup_set, &cgroup_id, sizeof(cgroup_id), &mask, sizeof(mask),
				 BPF_ANY))
		return fail(inj, -errno, "cannot target cgroup %llu: %s", (unsigned long long)cgroup_id,
			    strerror(errno));
	return 0;
}

int kf_injector__remove_cgroup(struct kf_injector *inj, __u64 cgroup_id)
{
	if (!inj->loaded || !inj->cgroup_set)
		return fail(inj, -EINVAL, "removing a cgroup before load");
	if (bpf_map__delete_elem(inj->cgroup_set, &cgroup_id, sizeof(cgroup_id), 0))
		return fail(inj, -errno, "cannot stop targeting cgroup %llu: %s",
			    (unsigned long long)cgroup_id, strerror(errno));
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct kf_injector *inj = ctx;

	if (size < sizeof(struct kf_event) || !inj->event_fn)
		return 0;
	return inj->event_fn(inj->event_ctx, data);
}

/* Keep link, to be destroyed at detach. */
static int keep_link(struct kf_injector *inj, struct bpf_link *link)
{
	if (inj->nlinks == inj->caplinks) {
		int cap = inj->caplinks ? 2 * inj->caplinks : 64;
		struct bpf_link **v = realloc(inj->links, (size_t)cap * sizeof(*v));

		if (!v) {
			bpf_link__destroy(link);
			return fail(inj, -ENOMEM, "out of memory");
		}
		inj->links = v;
		inj->caplinks = cap;
	}
	inj->links[inj->nlinks++] = link;
	return 0;
}

static bool is_errinj_program(const struct bpf_program *prog)
{
	return strncmp(bpf_program__name(prog), "kf_errinj_", 10) == 0;
}

/*
 * --sites errinj: function i by a kprobe of its own, with its cookie. A
 * function the kernel refuses to probe at all (EINVAL: 6.12's
 * __do_sys_ni_syscall, neither traced by ftrace nor kprobe-able) is left
 * out and marked so; the sweep goes on with the others.
 */
static int attach_errinj_kprobe(struct kf_injector *inj, struct bpf_program *prog, int i)
{
	struct kf_errinj_func *f = &inj->errinj_funcs[i];
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .bpf_cookie = KF_ERRINJ_COOKIE(i, f->gfp_arg, f->retval));
	struct bpf_link *link = bpf_program__attach_kprobe_opts(prog, f->name, &ko);

	f->kprobe = true;
	if (!link && errno == EINVAL) {
		f->unprobed = true;
		return 0;
	}
	if (!link)
		return fail(inj, -errno, "--sites errinj: cannot attach a kprobe to %s: %s",
			    f->name, strerror(errno));
	return keep_link(inj, link);
}

/* --sites errinj: a kprobe each for the functions marked so (all without kprobe.multi). */
static int attach_errinj_kprobes(struct kf_injector *inj, struct bpf_program *prog)
{
	int err, unprobed = 0;

	for (int i = 0; i < inj->nerrinj; i++) {
		struct kf_errinj_func *f = &inj->errinj_funcs[i];

		if (inj->errinj_multi && !f->kprobe)
			continue;	/* in the link */
		err = attach_errinj_kprobe(inj, prog, i);
		if (err)
			return err;
		unprobed += f->unprobed;
	}
	if (unprobed == inj->nerrinj)
		return fail(inj, -EINVAL, "--sites errinj: the kernel refused to probe %s%s",
			    inj->nerrinj > 1 ? "every function of the error-injection list, such as " : "",
			    inj->errinj_funcs[0].name);
	return 0;
}

/* --sites errinj: every function without a kprobe of its own in one kprobe.multi link. */
static int attach_errinj_multi(struct kf_injector *inj, struct bpf_program *prog)
{
	const char **syms = calloc((size_t)inj->nerrinj, sizeof(*syms));
	__u64 *cookies = calloc((size_t)inj->nerrinj, sizeof(*cookies));
	struct bpf_link *link;
	size_t cnt = 0;
	int err = 0;

	if (!syms || !cookies) {
		err = -ENOMEM;
		goto free_arrays;
	}
	for (int i = 0; i < inj->nerrinj; i++) {
		const struct kf_errinj_func *f = &inj->errinj_funcs[i];

		if (f->kprobe)
			continue;
		syms[cnt] = f->name;
		cookies[cnt++] = KF_ERRINJ_COOKIE(i, f->gfp_arg, f->retval);
	}
	if (!cnt)
		goto free_arrays;
	LIBBPF_OPTS(bpf_kprobe_multi_opts, mo, .syms = syms, .cookies = cookies, .cnt = cnt);
	link = bpf_program__attach_kprobe_multi_opts(prog, NULL, &mo);
	err = link ? keep_link(inj, link) : -errno;
free_arrays:
	free(syms);
	free(cookies);
	return err;
}

/*
 * --sites errinj: kf_errinj on each function, with a cookie that says which
 * and what it fails with: all in one kprobe.multi link, or a kprobe each.
 * The kernel refuses the whole link when ftrace cannot trace one of its
 * functions (6.12's __do_sys_ni_syscall, say): those get a kprobe each, and
 * the link the others. available_filter_functions says which; it is read
 * only then (0.2 s in the test VM, more than the link for a few functions).
 */
static int attach_errinj(struct kf_injector *inj)
{
	struct bpf_program *kprobe = bpf_object__find_program_by_name(inj->obj, "kf_errinj_kprobe");
	struct bpf_program *multi = bpf_object__find_program_by_name(inj->obj, "kf_errinj_multi");
	int err, untraceable = 0;

	if (!kprobe || (inj->errinj_multi && !multi))
		return fail(inj, -ENOENT, "%s: no kf_errinj program", inj->name);
	for (int i = 0; i < inj->nerrinj; i++)
		inj->errinj_funcs[i].kprobe = inj->errinj_funcs[i].unprobed = false;
	if (!inj->errinj_multi)
		return attach_errinj_kprobes(inj, kprobe);
	err = attach_errinj_multi(inj, multi);
	if (err && err != -ENOMEM) {
		int first = err;

		for (int i = 0; i < inj->nerrinj; i++) {
			struct kf_errinj_func *f = &inj->errinj_funcs[i];
			int traceable = kf_kernel__ftrace_traceable(inj->kernel, f->name);

			if (traceable < 0)
				break;
			if (!traceable) {
				f->kprobe = true;	/* attached below */
				untraceable++;
			}
		}
		err = untraceable ? attach_errinj_multi(inj, multi) : first;
	}
	if (err)
		return fail(inj, err, "--sites errinj: cannot attach kprobe.multi to the %d functions "
			    "of the error-injection list: %s", inj->nerrinj - untraceable, strerror(-err));
	return attach_errinj_kprobes(inj, kprobe);
}

int kf_injector__attach(struct kf_injector *inj)
{
	struct bpf_program *prog;
	int err;

	if (!inj->loaded)
		return fail(inj, -EINVAL, "attach before load");
	/* Targets first: nothing is armed yet, but the tables must be ready. */
	for (int i = 0; i < inj->n; i++) {
		const struct kf_knobs *k = &inj->knobs_loaded[i];

		if (k->cgroup == KF_CGROUP_ONE) {
			err = open_cgroup(inj, i, inj->cgroup ? inj->cgroup : inj->meta[i].cgroup);
			if (err)
				return err;
		}
	}
	err = kf_injector__track_pid(inj, 0);
	if (err)
		return err;
	bpf_object__for_each_program(prog, inj->obj) {
		struct bpf_link *link;
		char origin[KF_NAME_LEN + 16];

		if (!bpf_program__autoload(prog) || is_errinj_program(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			program_origin(inj, bpf_program__name(prog), origin, sizeof(origin));
			return fail(inj, err, "%s: cannot attach %s (%s): %s", origin,
				    bpf_program__name(prog), bpf_program__section_name(prog), strerror(-err));
		}
		err = keep_link(inj, link);
		if (err)
			return err;
	}
	if (inj->errinj) {
		err = attach_errinj(inj);
		if (err)
			return err;
	}
	if (inj->opts.log_events) {
		inj->rb = ring_buffer__new(bpf_map__fd(inj->events), handle_event, inj, NULL);
		if (!inj->rb)
			return fail(inj, -errno, "cannot open the event ring buffer: %s", strerror(errno));
	}
	return 0;
}

int kf_injector__arm(struct kf_injector *inj, int i, bool on)
{
	__u32 zero = 0, *armed;

	if (!inj->loaded || i >= inj->n || i < -1)
		return fail(inj, -EINVAL, "no injection %d to arm", i);
	armed = (__u32 *)((char *)inj->bss_image + inj->armed_off);
	for (int j = 0; j < inj->n; j++)
		if (i == -1 || i == j)
			armed[j] = on;
	if (bpf_map__update_elem(inj->bss, &zero, sizeof(zero), inj->bss_image,
				 bpf_map__value_size(inj->bss), BPF_ANY))
		return fail(inj, -errno, "cannot arm: %s", strerror(errno));
	return 0;
}

int kf_injector__stats(const struct kf_injector *inj, int i, struct kf_stats *out)
{
	__u32 key = (__u32)i;

	if (!inj->loaded || i < 0 || i >= inj->n)
		return -EINVAL;
	if (bpf_map__lookup_elem(inj->stats, &key, sizeof(key), out, sizeof(*out), 0))
		return -errno;
	return 0;
}

int kf_injector__reset_stats(struct kf_injector *inj)
{
	struct kf_stats zero = {};

	if (!inj->loaded)
		return -EINVAL;
	for (__u32 key = 0; key < (__u32)inj->n; key++)
		if (bpf_map__update_elem(inj->stats, &key, sizeof(key), &zero, sizeof(zero), BPF_ANY))
			return fail(inj, -errno, "cannot reset the counters: %s", strerror(errno));
	return 0;
}

int kf_injector__sweep_set(struct kf_injector *inj, const struct kf_sweep *sw)
{
	struct kf_sweep v = *sw;
	__u32 key = 0;

	if (!inj->loaded)
		return fail(inj, -EINVAL, "sweeping before load");
	v.decisions = v.reached = v.injected = 0;
	if (bpf_map__update_elem(inj->sweep, &key, sizeof(key), &v, sizeof(v), BPF_ANY))
		return fail(inj, -errno, "cannot set the sweep: %s", strerror(errno));
	return 0;
}

int kf_injector__sweep_get(const struct kf_injector *inj, struct kf_sweep *out)
{
	__u32 key = 0;

	if (!inj->loaded)
		return -EINVAL;
	if (bpf_map__lookup_elem(inj->sweep, &key, sizeof(key), out, sizeof(*out), 0))
		return -errno;
	return 0;
}

int kf_injector__poll(struct kf_injector *inj, int timeout_ms, kf_event_fn fn, void *ctx)
{
	int n;

	if (!inj->rb) {
		if (timeout_ms > 0)
			usleep((useconds_t)timeout_ms * 1000);
		return 0;
	}
	inj->event_fn = fn;
	inj->event_ctx = ctx;
	n = ring_buffer__poll(inj->rb, timeout_ms);
	return n == -EINTR ? 0 : n < 0 ? n : 0;
}

int kf_injector__event_fd(const struct kf_injector *inj)
{
	return inj->rb ? ring_buffer__epoll_fd(inj->rb) : -1;
}

int kf_injector__injection_cnt(const struct kf_injector *inj)
{
	return inj->n;
}

const struct kf_meta *kf_injector__meta(const struct kf_injector *inj, int i)
{
	return i >= 0 && i < inj->n ? &inj->meta[i] : NULL;
}

const struct kf_knobs *kf_injector__knobs(const struct kf_injector *inj, int i)
{
	if (i < 0 || i >= inj->n)
		return NULL;
	return inj->loaded ? &inj->knobs_loaded[i] : &inj->knobs[i];
}

enum kf_backend kf_injector__backend(const struct kf_injector *inj)
{
	return inj->backend;
}

int kf_injector__symbolize(const struct kf_injector *inj, unsigned long long addr, char *buf,
			   size_t len)
{
	if (!inj->kernel)
		return snprintf(buf, len, "0x%llx", addr);
	return kf_kernel__symbolize(inj->kernel, addr, buf, len);
}

int kf_injector__probe_cnt(const struct kf_injector *inj)
{
	return inj->nlinks;
}

/*
 * Up to 6.12, should_fail_bio() is 'static noinline'; by 7.2 it is global
 * (blk-merge.c calls it too) and no longer noinline, and the compiler copies
 * it into submit_bio_noacct(): the copy the probes attach to runs only for
 * split bios. Seen on Debian's 7.3~rc7 in the kernel matrix
 * (docs/testing.md), and Debian's 7.2 has the same source; nothing in BTF or
 * kallsyms tells, so it is said when a bio injection ends without a hit.
 */
const char *kf_injector__unreached_note(const struct kf_injector *inj, int i)
{
	const struct kf_meta *m = kf_injector__meta(inj, i);

	if (m && site_is(m, KF_KIND_BIO))
		return "0 hits: if the target did block I/O, this kernel may be one where "
		       "should_fail_bio is compiled into submit_bio_noacct (Debian's 7.2 and 7.3; "
		       "not up to 6.12): there only split bios call it, so other I/O cannot be "
		       "failed through 'inject bio'";
	return NULL;
}

int kf_injector__detach(struct kf_injector *inj)
{
	int err = 0, e;

	ring_buffer__free(inj->rb);
	inj->rb = NULL;
	for (int i = 0; i < inj->nlinks; i++) {
		e = bpf_link__destroy(inj->links[i]);
		if (e && !err)
			err = fail(inj, e, "cannot detach: %s", strerror(-e));
	}
	free(inj->links);
	inj->links = NULL;
	inj->nlinks = inj->caplinks = 0;
	return err;
}

/*
 * Make libbpf free the vmlinux BTF (and any module's) that setting attach
 * targets had it parse into an object that was then never loaded: only
 * bpf_object__load() frees them before libbpf 1.3 (Debian 12 has 1.1;
 * upstream commit a6874618 frees the vmlinux one in bpf_object__close(),
 * none frees the modules'), so a refused preflight would leak 5 MB, every
 * time in a long-running process (kfault serve). A load of nothing: every
 * program and map left out, so nothing reaches the kernel but libbpf's
 * probe and the object's BTF, both closed with the object.
 */
static void release_btf(struct kf_injector *inj)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	bpf_object__for_each_program(prog, inj->obj)
		bpf_program__set_autoload(prog, false);
	bpf_object__for_each_map(map, inj->obj)
		bpf_map__set_autocreate(map, false);
	bpf_object__load(inj->obj);	/* what it says is of no use now */
	inj->btf_held = false;
}

void kf_injector__destroy(struct kf_injector *inj)
{
	if (!inj)
		return;
	kf_injector__detach(inj);
	for (int i = 0; i < KF_MAX_INJECTIONS; i++)
		if (inj->cgroup_fd[i] >= 0)
			close(inj->cgroup_fd[i]);
	if (inj->btf_held)
		release_btf(inj);
	bpf_object__close(inj->obj);
	kf_kernel__free(inj->kernel);
	free(inj->bss_image);
	free(inj->rodata_image);
	free(inj->comm);
	free(inj->cgroup);
	free(inj->log_progs);
	free(inj->logs);
	free(inj->errinj_funcs);
	free(inj->name);
	free(inj);
}
