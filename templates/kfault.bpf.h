/* SPDX-License-Identifier: MIT */
/*
 * kfault.bpf.h: the fixed half of every generated kfault program.
 *
 * The generated .bpf.c defines KF_NR_INJECTIONS and the kf_knobs[] table,
 * then includes this file, then adds one probe per call-chain frame and one
 * per failure site. docs/semantics.md explains the rules implemented here.
 *
 * Every probe exists twice, once per attach backend, and the runtime loads
 * one set: kprobe/kretprobe with bpf_override_return, or fentry/fexit with
 * fmod_ret (BPF trampolines: no CONFIG_BPF_KPROBE_OVERRIDE needed).
 *
 * Two halves: what every probe calls (the maps, kf_target_match() and the
 * other KF_SUBPROG helpers, the housekeeping programs), which is the same in
 * every program, and what a generated program uses inline (KF_READ, STRNCMP,
 * kf_override). Three ways to compile this file:
 *
 *   by default, included by a generated .bpf.c compiled on its own (the way
 *     to compile 'kfault gen' output by hand): one program with both halves;
 *   with KF_RUNTIME_PART, alone: kfault's build compiles the first half once,
 *     into the runtime object it embeds (templates/kfault.rt.bpf.c);
 *   with KF_RUNTIME_LINKED, included by a generated .bpf.c: the helpers are
 *     only declared, and 'kfault build' links the program with the embedded
 *     runtime object (libbpf's static linker). The helpers are __hidden
 *     globals there, which libbpf loads as static subprograms: the verifier
 *     checks them at each call with the caller's registers either way.
 *
 * The two objects share kf_knobs[] (defined by the generated program, sized
 * KF_MAX_INJECTIONS so both see one type) and kf_nr_injections.
 *
 * Call-chain state lives per thread and per injection (kf_chains). A frame
 * is identified by its position on the kernel stack at its function's entry
 * (KF_KPROBE_SP, KF_TRAMP_SP): a caller's frame always lies above (at a higher
 * address than) its callee's. Frames whose stack position the thread has come
 * back up to have returned, so every probe first forgets them
 * (kf_chain_prune). That keeps the state right under recursion and when a
 * return probe is missed (the kernel drops kretprobe instances under load),
 * and a thread's state is dropped when it exits, and with kprobes when it
 * leaves the kernel (sys_exit: the only program that runs on every system
 * call; fexit programs are not dropped, so the fmod_ret backend needs none).
 */
#ifndef KFAULT_BPF_H
#define KFAULT_BPF_H

#if defined(KF_RUNTIME_PART)
/*
 * The runtime object is compiled without any kernel's types: the UAPI
 * headers (their struct pt_regs has the kernel's layout), and the fork
 * tracepoint's record declared here with CO-RE relocated member reads (the
 * ___kf suffix keeps it apart from the kernel's own, which libbpf matches
 * it against at load time).
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>	/* struct pt_regs, as kprobes see it (kf_errinj) */

struct trace_event_raw_sched_process_fork___kf {
	int child_pid;
} __attribute__((preserve_access_index));
#define KF_FORK_RECORD struct trace_event_raw_sched_process_fork___kf
#elif defined(KFAULT_KERNEL_HEADERS)
/*
 * kfault build --kernel-headers: what vmlinux.h gives in BTF mode comes
 * from the kernel's headers, but for the fork tracepoint's record, which
 * only the kernel's trace event macros define: its format, stable since
 * Linux 2.6, declared here (the ___kf suffix keeps it apart from a real
 * one). Member reads of kernel structures are CO-RE relocated in this mode
 * too: KF_READ and BPF_CORE_READ mark them, not the types.
 */
#include <uapi/linux/bpf.h>
#include <asm/ptrace.h>

struct trace_event_raw_sched_process_fork___kf {
	char ent[8];
	char parent_comm[16];
	pid_t parent_pid;
	char child_comm[16];
	pid_t child_pid;
};
#define KF_FORK_RECORD struct trace_event_raw_sched_process_fork___kf
#else
#define KF_FORK_RECORD struct trace_event_raw_sched_process_fork
#endif

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "kfault.h"

#if defined(KF_RUNTIME_PART)
extern const volatile struct kf_knobs kf_knobs[KF_MAX_INJECTIONS];
extern const volatile __u32 kf_nr_injections;
#elif !defined(KF_NR_INJECTIONS)
#error "define KF_NR_INJECTIONS and kf_knobs[] before including kfault.bpf.h"
#else
/* How many of kf_knobs[] are in use; read by the runtime half. */
const volatile __u32 kf_nr_injections = KF_NR_INJECTIONS;
#endif

#define KF_MAX_THREADS		10240	/* threads inside a chain at once */
#define KF_MAX_TRACKED		8192	/* processes tracked by 'with children' */
#define KF_MAX_STRLEN		64	/* see STRNCMP; clang unrolls its compare fully up to here */

/*
 * The helpers below that every probe calls are BPF subprograms (BPF-to-BPF
 * calls), compiled once rather than inlined into each of both backends'
 * probes: most of a compile is clang optimising the program, and inlining
 * made it three times as big. The verifier checks a static subprogram at
 * each call with the caller's registers, so constant injection numbers and
 * ctx stay known. Unused in a program without call chains: no warning.
 */
#if defined(KF_RUNTIME_PART)
#define KF_SUBPROG __hidden __noinline
#elif defined(KF_RUNTIME_LINKED)
#define KF_SUBPROG extern __hidden
#else
#define KF_SUBPROG static __noinline __attribute__((unused))
#endif

struct kf_chain_key {
	__u32 tid;
	__u32 injection;
};

struct kf_chain {
	__u32 matched;			/* frames matched so far */
	__u32 lost;			/* per call: this call's draw lost, nothing under it fails */
	__u64 sp[KF_MAX_FRAMES];	/* stack pointer at each matched frame's entry */
};

/*
 * A probe's position on the kernel stack. A kprobe sees the registers at the
 * function's entry; its stack pointer points at the return address. A
 * trampoline program (fentry, fexit, fmod_ret) gets ctx, a pointer to the
 * arguments the trampoline saved in its own frame on the same stack, just
 * below the traced function's caller; fentry and fexit of one call share it.
 * (Comparing and storing that pointer needs CAP_PERFMON, as loading does.)
 */
#define KF_KPROBE_SP(ctx)	((__u64)PT_REGS_SP(ctx))
#define KF_TRAMP_SP(ctx)	((__u64)(ctx))

/* ---- reading kernel memory ---- */

/* The value of an lvalue in kernel memory, read with a CO-RE relocated probe read. */
#define KF_READ(lv) ({							\
	typeof(lv) ___kf_v;						\
	bpf_core_read((void *)&___kf_v, sizeof(___kf_v), &(lv));	\
	___kf_v;							\
})

/*
 * *p for a kernel pointer p. p is evaluated first, on its own: when it is
 * itself a read (KF_INDEX of a pointer member: KF_DEREF(KF_READ(lv) + i)),
 * clang cannot nest it inside the access index builtin of this read. The
 * local's name is used nowhere else (lower.c's locals are ___kf_p, _b, _i).
 */
#define KF_DEREF(p) ({							\
	typeof(p) ___kf_deref = (p);					\
	KF_READ(*___kf_deref);						\
})

/* Whether an lvalue is an array (char comm[16]) rather than a pointer (char *name). */
#define KF_IS_ARRAY(lv) (!__builtin_types_compatible_p(typeof(lv), typeof(&(lv)[0])))

/* lv[i] for a member lv that is an array or a pointer. */
#define KF_INDEX(lv, i)							\
	__builtin_choose_expr(KF_IS_ARRAY(lv), KF_READ((lv)[i]),	\
			      KF_DEREF(KF_READ(lv) + (i)))

/*
 * &lv[i], the address of an element, for lv an array (its address, CO-RE
 * relocated, nothing read) or a pointer (read, plus i): where a member of
 * an element (p->arr[i].len) or the next index (p->grid[i][j]) is read from.
 */
#define KF_ELEM(lv, i)							\
	__builtin_choose_expr(KF_IS_ARRAY(lv),				\
			      __builtin_preserve_access_index(&(lv)[i]),	\
			      KF_READ(lv) + (i))

/* Where a string member's bytes are: the array itself, or where the pointer points. */
#define KF_STR(lv)							\
	__builtin_choose_expr(KF_IS_ARRAY(lv), (const void *)&(lv)[0],	\
			      (const void *)KF_READ(lv))

/*
 * STRNCMP(s, lit, n) and STRCMP(s, lit): true when the kernel string at kstr
 * equals lit in its first n bytes, with strncmp's rule that the comparison
 * ends at a NUL. n is at most strlen(lit) + 1 (sema checks it), so
 * STRCMP(s, lit) is kf_streq_n(s, lit, strlen(lit) + 1), an exact match.
 * Reading n + 1 bytes keeps byte n - 1 the string's own, not the
 * terminator bpf_probe_read_kernel_str() puts at the end of the buffer.
 */
static __always_inline bool kf_streq_n(const void *kstr, const char *lit, __u32 n)
{
	char buf[KF_MAX_STRLEN + 1] = {};

	if (n > KF_MAX_STRLEN || bpf_probe_read_kernel_str(buf, n + 1, kstr) < 0)
		return false;
	/* n is a constant at each use: the loop unrolls to n compares, no more */
#pragma unroll
	for (__u32 i = 0; i < n && i < KF_MAX_STRLEN; i++) {
		if (buf[i] != lit[i])
			return false;
		if (!lit[i])
			break;
	}
	return true;
}

#if defined(KF_RUNTIME_LINKED)
/* The runtime half, linked in by 'kfault build': see the top of this file. */
KF_SUBPROG bool kf_target_match(__u32 i);
KF_SUBPROG bool kf_frame_next(__u32 i, __u32 k, __u64 sp);
KF_SUBPROG void kf_frame_push(__u32 i, __u32 k, __u64 sp);
KF_SUBPROG void kf_frame_return(__u32 i, __u64 sp, bool kretprobe);
KF_SUBPROG bool kf_site_reached(__u32 i, __u64 sp);
KF_SUBPROG bool kf_decide(void *ctx, __u32 i);
KF_SUBPROG void kf_report(void *ctx, __u32 i);
#else /* the runtime half */

char LICENSE[] SEC("license") = "GPL";	/* bpf_override_return is GPL-only */

/* Set by the runtime: stream an event per injection, with the kernel stack. */
const volatile bool kf_log_events = false;
const volatile bool kf_log_stack = false;

/*
 * Armed injections. Not read-only: the runtime arms every injection once all
 * probes are attached, and disarms and re-arms scheduled ones at each tick.
 */
__u32 kf_armed[KF_MAX_INJECTIONS];

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KF_MAX_THREADS);
	__type(key, struct kf_chain_key);
	__type(value, struct kf_chain);
} kf_chains SEC(".maps");
#if !defined(KF_RUNTIME_LINKED)
/*
 * How many entries kf_chains holds: sys_exit, which runs at the end of
 * every system call of every thread, looks a thread up only when some
 * thread is inside a chain (bench/overhead: its lookups were kfault's cost
 * over bpftrace's on armed, unmatched calls). Only the runtime half's
 * helpers create and delete entries, and count them.
 */
__u64 kf_live_chains;
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KF_MAX_INJECTIONS);
	__type(key, __u32);
	__type(value, struct kf_stats);
} kf_stats SEC(".maps");

/* kfault sweep's control (struct kf_sweep), rewritten by the runtime between runs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kf_sweep);
} kf_sweep SEC(".maps");

/* A stack to hash when sweeping by stack (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[KF_MAX_STACK]);
} kf_stack_buf SEC(".maps");

/* Slot i: the cgroup of injection i (set by the runtime). */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, KF_MAX_INJECTIONS);
	__type(key, __u32);
	__type(value, __u32);
} kf_cgroups SEC(".maps");

/*
 * KF_CGROUP_SET: cgroup id -> mask of injections targeting the tasks of that
 * cgroup and of those below it (set by the runtime: kf_injector__add_cgroup).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KF_MAX_CGROUP_SET);
	__type(key, __u64);
	__type(value, __u32);
} kf_cgroup_set SEC(".maps");

/* 'with children': tgid -> mask of injections targeting it (seeded by the runtime). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KF_MAX_TRACKED);
	__type(key, __u32);
	__type(value, __u32);
} kf_tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} kf_events SEC(".maps");

/* ---- targets ---- */

static __always_inline bool kf_comm_match(const volatile char *want)
{
	char comm[KF_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
#pragma unroll
	for (int i = 0; i < KF_COMM_LEN; i++) {
		if (comm[i] != want[i])
			return false;
		if (!want[i])
			break;
	}
	return true;
}

/*
 * Whether the current task's cgroup, or one above it, is in injection i's
 * set: its own cgroup first (a container's tasks are in the container's),
 * then each level from the root down, as deep as the task's cgroup is.
 */
static __always_inline bool kf_cgroup_set_match(__u32 i)
{
	__u64 id = bpf_get_current_cgroup_id();
	__u32 *mask = bpf_map_lookup_elem(&kf_cgroup_set, &id);

	if (mask && (*mask & (1U << i)))
		return true;
	/* A loop, not unrolled: it runs for tasks outside the set only. */
#pragma clang loop unroll(disable)
	for (int level = 1; level < KF_MAX_CGROUP_DEPTH; level++) {
		id = bpf_get_current_ancestor_cgroup_id(level);
		if (!id)
			break;	/* deeper than the task's own cgroup */
		mask = bpf_map_lookup_elem(&kf_cgroup_set, &id);
		if (mask && (*mask & (1U << i)))
			return true;
	}
	return false;
}

/* Whether the current task is one injection i may fail. Cheapest tests first. */
KF_SUBPROG bool kf_target_match(__u32 i)
{
	const volatile struct kf_knobs *k = &kf_knobs[i];
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!kf_armed[i])
		return false;
	if (k->tgid && !k->children && tgid != k->tgid)
		return false;
	if (k->tgid && k->children) {
		__u32 *mask = bpf_map_lookup_elem(&kf_tracked, &tgid);

		if (!mask || !(*mask & (1U << i)))
			return false;
	}
	if (k->comm[0] && !kf_comm_match(k->comm))
		return false;
	if (k->cgroup == KF_CGROUP_ONE && bpf_current_task_under_cgroup(&kf_cgroups, i) != 1)
		return false;
	if (k->cgroup == KF_CGROUP_SET && !kf_cgroup_set_match(i))
		return false;
	return true;
}

/* ---- call-chain state ---- */

static __always_inline struct kf_chain_key kf_chain_key(__u32 i)
{
	struct kf_chain_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.injection = i,
	};
	return key;
}

/*
 * Forget frames that have returned: those at or below stack position sp
 * (at a function's entry), or below it (at a kretprobe, where sp is one slot
 * above the entry's). Frames are stored outermost first, at falling sp.
 */
static __always_inline void kf_chain_prune(struct kf_chain *c, __u64 sp, bool at_return)
{
#pragma unroll
	for (int n = 0; n < KF_MAX_FRAMES; n++) {
		__u32 top = c->matched - 1;

		if (!c->matched || top >= KF_MAX_FRAMES)
			break;
		if (at_return ? c->sp[top] >= sp : c->sp[top] > sp)
			break;
		c->matched = top;
	}
}

/* At the entry of frame k's function: is frame k the next one this thread needs? */
KF_SUBPROG bool kf_frame_next(__u32 i, __u32 k, __u64 sp)
{
	struct kf_chain_key key;
	struct kf_chain *c;

	if (!kf_target_match(i))
		return false;
	key = kf_chain_key(i);
	c = bpf_map_lookup_elem(&kf_chains, &key);
	if (!c)
		return k == 0;
	kf_chain_prune(c, sp, false);
	if (k && c->lost)
		return false;	/* a call whose draw lost: no need to follow it down */
	return c->matched == k;
}

/*
 * `probability P per call`: one draw when the outermost frame is entered,
 * kept for that whole call (as inject.py and bpfki do), so that P of the
 * calls fail, however many decisions each makes. True when it won.
 */
static __always_inline bool kf_draw_call(__u32 i)
{
	const volatile struct kf_knobs *k = &kf_knobs[i];
	struct kf_stats *st = bpf_map_lookup_elem(&kf_stats, &i);
	bool won = k->prob_scaled >= KF_PROB_ALWAYS || bpf_get_prandom_u32() < k->prob_scaled;

	if (st) {
		__sync_fetch_and_add(&st->calls, 1);
		if (won)
			__sync_fetch_and_add(&st->calls_won, 1);
	}
	return won;
}

/* Whether kfault sweep drives the decisions (then the file's draws do not). */
static __always_inline bool kf_sweeping(void)
{
	__u32 zero = 0;
	struct kf_sweep *sw = bpf_map_lookup_elem(&kf_sweep, &zero);

	return sw && sw->mode != KF_SWEEP_OFF;
}

/* Frame k matched (its predicate held): record where it sits on the stack. */
KF_SUBPROG void kf_frame_push(__u32 i, __u32 k, __u64 sp)
{
	struct kf_chain_key key = kf_chain_key(i);
	struct kf_chain *c, fresh = {};

	c = bpf_map_lookup_elem(&kf_chains, &key);
	if (!c) {
		if (!bpf_map_update_elem(&kf_chains, &key, &fresh, BPF_NOEXIST))
			__sync_fetch_and_add(&kf_live_chains, 1);
		c = bpf_map_lookup_elem(&kf_chains, &key);
		if (!c)
			return;
	}
	if (k >= KF_MAX_FRAMES || c->matched != k)
		return;
	if (k == 0)
		c->lost = kf_knobs[i].per_call && !kf_sweeping() && !kf_draw_call(i);
	c->sp[k] = sp;
	c->matched = k + 1;
}

/* At the return of a chain function: forget the frames it held. */
KF_SUBPROG void kf_frame_return(__u32 i, __u64 sp, bool kretprobe)
{
	struct kf_chain_key key = kf_chain_key(i);
	struct kf_chain *c;

	c = bpf_map_lookup_elem(&kf_chains, &key);
	if (!c)
		return;
	kf_chain_prune(c, sp, kretprobe);
	if (!c->matched && !bpf_map_delete_elem(&kf_chains, &key))
		__sync_fetch_and_add(&kf_live_chains, -1);
}

/*
 * At the failure site: is this a target task with the whole chain on its
 * stack? With a chain, the thread's chain state is looked up first: the
 * site is called far more often than the chain's functions, nearly always
 * by a thread that has none (no frame matched, so nothing else to test),
 * and a thread has some only if it was a target when its outermost frame
 * matched. And while no thread at all is inside a chain (kf_live_chains
 * is 0), there is nothing to look up: the site costs a few loads. The
 * target is checked again for a complete chain.
 */
KF_SUBPROG bool kf_site_reached(__u32 i, __u64 sp)
{
	const volatile struct kf_knobs *k = &kf_knobs[i];
	struct kf_chain_key key;
	struct kf_chain *c;
	struct kf_stats *st;

	if (!kf_armed[i])
		return false;
	if (k->nframes) {
		/* This thread's own frame push, if any, came before: it sees its count. */
		if (!*(volatile __u64 *)&kf_live_chains)
			return false;
		key = kf_chain_key(i);
		c = bpf_map_lookup_elem(&kf_chains, &key);
		if (!c)
			return false;
		kf_chain_prune(c, sp, false);
		if (c->matched != k->nframes || c->lost)
			return false;
	}
	if (!kf_target_match(i))
		return false;
	st = bpf_map_lookup_elem(&kf_stats, &i);
	if (st)
		__sync_fetch_and_add(&st->hits, 1);
	return true;
}

/*
 * A stack's identity for kfault sweep: FNV-1a over func (0, or the function
 * of --sites errinj that decides) and its return addresses (len bytes of
 * them, as bpf_get_stack() returned). The same in a record run and a sweep
 * run of one loaded object: a call context.
 */
static __always_inline __u64 kf_stack_hash(__u32 func, const __u64 *stack, long len)
{
	__u64 h = (0xcbf29ce484222325ULL ^ func) * 0x100000001b3ULL;

	/* A bounded loop (Linux 5.3), not unrolled: it runs once per sweep decision. */
#pragma clang loop unroll(disable)
	for (int j = 0; j < KF_MAX_STACK; j++) {
		if (j * 8 >= len)
			break;
		h = (h ^ stack[j]) * 0x100000001b3ULL;
	}
	return h;
}

/*
 * kfault sweep's decision, at injection i's site (func 0) or, with --sites
 * errinj, at a function of the error-injection list (func: 1 + its number).
 * Record: report the decision with its stack, fail nothing. Fail: fail the
 * point only, once or each time it recurs.
 */
static __always_inline bool kf_sweep_decide(void *ctx, __u32 i, struct kf_sweep *sw, __u32 func)
{
	__u64 nth = __sync_fetch_and_add(&sw->decisions, 1) + 1, hash = 0;
	struct kf_event *ev;
	__u32 zero = 0;
	__u64 *stack = NULL;
	long len = 0;

	if (sw->mode == KF_SWEEP_RECORD || (sw->by == KF_SWEEP_BY_STACK && i == sw->injection)) {
		/*
		 * One call of bpf_get_stack() for the record and the fail runs:
		 * from a trampoline (fmod_ret) the stack starts in this program,
		 * at the return address of that call, which must be the same
		 * in both for a point's hash to be found again.
		 */
		stack = bpf_map_lookup_elem(&kf_stack_buf, &zero);
		if (!stack)
			return false;
		len = bpf_get_stack(ctx, stack, KF_MAX_STACK * sizeof(__u64), 0);
		hash = kf_stack_hash(func, stack, len);
	}
	if (sw->mode == KF_SWEEP_RECORD) {
		if (!stack)
			return false;	/* the runtime changed the mode in between */
		ev = bpf_ringbuf_reserve(&kf_events, sizeof(*ev), 0);
		if (!ev)
			return false;
		__builtin_memset(ev, 0, sizeof(*ev));
		ev->time_ns = bpf_ktime_get_ns();
		ev->pid = bpf_get_current_pid_tgid() >> 32;
		ev->tid = (__u32)bpf_get_current_pid_tgid();
		ev->injection = i;
		ev->flags = KF_EVENT_OBSERVED;
		ev->func = func;
		ev->nth = nth;
		bpf_get_current_comm(ev->comm, sizeof(ev->comm));
		__builtin_memcpy(ev->stack, stack, sizeof(ev->stack));
		ev->stack_len = (__s32)len;
		ev->stack_hash = hash;
		bpf_ringbuf_submit(ev, 0);
		return false;
	}
	if (sw->by == KF_SWEEP_BY_NTH) {
		if (nth != sw->nth)
			return false;
	} else if (i != sw->injection || hash != sw->stack_hash) {
		return false;
	}
	if (__sync_fetch_and_add(&sw->reached, 1) && !sw->always)
		return false;
	__sync_fetch_and_add(&sw->injected, 1);
	return true;
}

/*
 * The decision, once the site's own predicate holds: with `nth N`, only
 * the N-th decision may fail; draw against the probability (unless it was
 * drawn for the whole call: kf_draw_call), then reserve one of `times` with
 * an atomic add, so that concurrent threads never inject more than `times`
 * failures in all. Per call with no chain, each decision is a call of its
 * own. kfault sweep, when it drives, decides instead.
 */
KF_SUBPROG bool kf_decide(void *ctx, __u32 i)
{
	const volatile struct kf_knobs *k = &kf_knobs[i];
	struct kf_stats *st = bpf_map_lookup_elem(&kf_stats, &i);
	bool drawn = k->per_call && k->nframes;
	struct kf_sweep *sw;
	__u32 zero = 0;
	__u64 n;

	if (!st)
		return false;
	n = __sync_fetch_and_add(&st->decisions, 1) + 1;
	sw = bpf_map_lookup_elem(&kf_sweep, &zero);
	if (sw && sw->mode != KF_SWEEP_OFF) {
		if (!kf_sweep_decide(ctx, i, sw, 0))
			return false;
		__sync_fetch_and_add(&st->injected, 1);
		return true;
	}
	if (k->nth && n != k->nth)
		return false;
	if (!drawn && k->prob_scaled < KF_PROB_ALWAYS && bpf_get_prandom_u32() >= k->prob_scaled)
		return false;
	if (k->times && __sync_fetch_and_add(&st->reserved, 1) >= k->times)
		return false;
	__sync_fetch_and_add(&st->injected, 1);
	return true;
}

/* Log an injected failure, if asked (kfault run --log, --stack). */
KF_SUBPROG void kf_report(void *ctx, __u32 i)
{
	struct kf_event *ev;
	__u64 id;

	if (!kf_log_events)
		return;
	ev = bpf_ringbuf_reserve(&kf_events, sizeof(*ev), 0);
	if (!ev)
		return;
	id = bpf_get_current_pid_tgid();
	ev->time_ns = bpf_ktime_get_ns();
	ev->pid = id >> 32;
	ev->tid = (__u32)id;
	ev->injection = i;
	ev->flags = 0;
	ev->func = 0;
	ev->nth = 0;
	ev->stack_hash = 0;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	ev->stack_len = kf_log_stack ? bpf_get_stack(ctx, ev->stack, sizeof(ev->stack), 0) : 0;
	bpf_ringbuf_submit(ev, 0);
}

/* Set by the runtime for --sites errinj: this kernel's __GFP_NOFAIL. */
const volatile __u64 kf_errinj_gfp_nofail = 0;

/*
 * Whether gfp argument n (KF_ERRINJ_GFP_ARG) asks for __GFP_NOFAIL: such
 * requests never fail. Every argument is read at its own offset and the
 * one asked for kept by a mask: choosing which one to read (a switch) made
 * clang read ctx at a computed offset, which the verifier refuses.
 */
static __always_inline bool kf_errinj_nofail(struct pt_regs *ctx, __u32 n)
{
	__u64 m = kf_errinj_gfp_nofail;

	if (!n || !m)
		return false;
	return (PT_REGS_PARM1(ctx) & (n == 1 ? m : 0)) | (PT_REGS_PARM2(ctx) & (n == 2 ? m : 0)) |
	       (PT_REGS_PARM3(ctx) & (n == 3 ? m : 0)) | (PT_REGS_PARM4(ctx) & (n == 4 ? m : 0)) |
	       (PT_REGS_PARM5(ctx) & (n == 5 ? m : 0));
}

/*
 * kfault sweep --sites errinj: a function of the kernel's error-injection
 * list is entered (the cookie says which, and what it fails with). Under
 * injection 0's chain and target, that is a decision of the sweep, as at
 * the injection's own site (but for __GFP_NOFAIL requests, as at the slab
 * and page sites); failed, the function returns without running.
 * Loaded only for such sweeps, instead of the site programs; two ways to
 * attach it (the runtime loads one): kprobe.multi, all functions in one
 * link (Linux 5.18, CONFIG_FPROBE), or one kprobe per function.
 */
static __always_inline int kf_errinj(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct kf_sweep *sw;
	struct kf_stats *st;
	__u32 zero = 0;

	sw = bpf_map_lookup_elem(&kf_sweep, &zero);
	if (!sw || sw->mode == KF_SWEEP_OFF)
		return 0;
	if (!kf_site_reached(0, KF_KPROBE_SP(ctx)))
		return 0;
	if (kf_errinj_nofail(ctx, KF_ERRINJ_GFP_ARG(cookie)))
		return 0;
	st = bpf_map_lookup_elem(&kf_stats, &zero);
	if (!st)
		return 0;
	__sync_fetch_and_add(&st->decisions, 1);
	if (!kf_sweep_decide(ctx, 0, sw, KF_ERRINJ_FUNC(cookie) + 1))
		return 0;
	__sync_fetch_and_add(&st->injected, 1);
	bpf_override_return(ctx, KF_ERRINJ_RETVAL(cookie));
	return 0;
}

SEC("kprobe.multi")
int kf_errinj_multi(struct pt_regs *ctx)
{
	return kf_errinj(ctx);
}

SEC("kprobe")
int kf_errinj_kprobe(struct pt_regs *ctx)
{
	return kf_errinj(ctx);
}

/* ---- housekeeping: no state outlives the kernel stack it describes ---- */

KF_SUBPROG void kf_forget_thread(__u32 tid)
{
	struct kf_chain_key key = { .tid = tid };

	/* A loop, not unrolled: the verifier knows kf_nr_injections (read-only). */
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < KF_MAX_INJECTIONS && i < kf_nr_injections; i++) {
		key.injection = i;
		if (bpf_map_lookup_elem(&kf_chains, &key) && !bpf_map_delete_elem(&kf_chains, &key))
			__sync_fetch_and_add(&kf_live_chains, -1);
	}
}

/*
 * Back in user space, no kernel frame of this thread is live: what a missed
 * kretprobe left is dropped. Loaded with the kprobe backend only.
 */
SEC("raw_tracepoint/sys_exit")
int kf_sys_exit(void *ctx)
{
	/* no thread inside a chain (nearly always): nothing to forget, no lookup */
	if (!*(volatile __u64 *)&kf_live_chains)
		return 0;
	kf_forget_thread((__u32)bpf_get_current_pid_tgid());
	return 0;
}

/* 'with children': a child of a tracked process is tracked too. */
SEC("tracepoint/sched/sched_process_fork")
int kf_fork(KF_FORK_RECORD *ctx)
{
	__u32 parent = bpf_get_current_pid_tgid() >> 32, child = ctx->child_pid;
	__u32 *mask = bpf_map_lookup_elem(&kf_tracked, &parent);

	if (mask) {
		__u32 m = *mask;

		bpf_map_update_elem(&kf_tracked, &child, &m, BPF_ANY);
	}
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int kf_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;

	kf_forget_thread(tid);
	bpf_map_delete_elem(&kf_tracked, &tid);	/* a process, or a thread kf_fork added */
	return 0;
}

#endif /* the runtime half */

/* ---- a generated program's failure sites ---- */

/* kprobe backend: make the probed function return injection i's value. */
static __always_inline void kf_override(struct pt_regs *ctx, __u32 i)
{
	bpf_override_return(ctx, kf_knobs[i].retval);
	kf_report(ctx, i);
}

/* fmod_ret backend: the value the trampoline returns instead of calling the function. */
static __always_inline long kf_fmod_ret(void *ctx, __u32 i)
{
	kf_report(ctx, i);
	return kf_knobs[i].retval;
}

#endif /* KFAULT_BPF_H */
