/* SPDX-License-Identifier: MIT */
/*
 * kfault.h: the structs both the BPF program and user space read.
 *
 * Include it after the __u32/__u64 types are defined: vmlinux.h in BPF
 * programs, <linux/types.h> in user space (as libbpf-tools headers do).
 */
#ifndef KFAULT_H
#define KFAULT_H

#define KF_MAX_FRAMES		8	/* frames in one call chain */
#define KF_MAX_INJECTIONS	16	/* injections in one object */
#define KF_COMM_LEN		16	/* TASK_COMM_LEN */
#define KF_MAX_STACK		32	/* kernel stack entries in an event */
#define KF_PROB_ALWAYS		(1ULL << 32)	/* prob_scaled for 100% */
#define KF_NAME_LEN		128	/* a kernel function name, with the NUL */
#define KF_PATH_LEN		256	/* a cgroup path, with the NUL */
#define KF_SCHEDULE_LEN		64	/* a cron schedule, with the NUL */

/* What fails (struct kf_meta.kind). */
enum kf_kind {
	KF_KIND_SLAB = 0,	/* should_failslab */
	KF_KIND_PAGE = 1,	/* should_fail_alloc_page */
	KF_KIND_BIO = 2,	/* should_fail_bio */
	KF_KIND_FUNCTION = 3,	/* any error-injectable function */
};

/* Which cgroups an injection's target tasks are in (struct kf_knobs.cgroup). */
enum kf_cgroup_target {
	KF_CGROUP_ANY = 0,	/* any */
	KF_CGROUP_ONE = 1,	/* cgroup kf_cgroups[i] and those below it (--cgroup) */
	KF_CGROUP_SET = 2,	/* the cgroups of kf_cgroup_set whose mask has bit i, and
				 * those below them (kfault serve: one per container) */
};
#define KF_MAX_CGROUP_SET	4096	/* cgroups in kf_cgroup_set */
#define KF_MAX_CGROUP_DEPTH	32	/* cgroup levels kf_cgroup_set is looked up at */

/*
 * Knobs of one injection: read-only data, set by the runtime before the
 * program is loaded. The generated program initialises them from the
 * .fault file, so an object carries its own defaults.
 */
struct kf_knobs {
	__u64 prob_scaled;	/* inject when bpf_get_prandom_u32() < prob_scaled */
	__u64 times;		/* most injections; 0: no limit */
	__s64 retval;		/* what the failing function returns */
	__u64 gfp_nofail;	/* this kernel's __GFP_NOFAIL: such requests never fail */
	__u32 tgid;		/* target process; 0: any */
	__u32 children;		/* with tgid: its descendants too (kf_tracked) */
	__u32 cgroup;		/* enum kf_cgroup_target: tasks of which cgroups */
	__u32 nframes;		/* length of the call chain */
	char comm[KF_COMM_LEN];	/* target command name; "": any */
	__u32 per_call;		/* draw once per call of the outermost frame, not per decision */
	__u32 nth;		/* `nth N`: only the N-th decision may fail; 0: any */
};

/*
 * What the runtime needs to know of an injection besides its knobs, so that
 * an object is all 'kfault run' needs. In section .rodata.kfault; no BPF
 * program reads it.
 */
struct kf_meta {
	char site[KF_NAME_LEN];			/* the function that fails */
	char frames[KF_MAX_FRAMES][KF_NAME_LEN];	/* the call chain, outermost first */
	char cgroup[KF_PATH_LEN];		/* target cgroup path; "": none */
	char schedule[KF_SCHEDULE_LEN];		/* cron schedule; "": always armed */
	char source[KF_NAME_LEN];		/* the .fault file */
	__u64 duration_ms;			/* 0: until stopped */
	__u32 kind;				/* enum kf_kind */
	__u32 line;				/* of the injection in the .fault file */
	__u32 frame_lines[KF_MAX_FRAMES];	/* of each frame's 'call' */
	__u32 nframes;
	__u32 retval_zero;			/* fails with 0: fmod_ret cannot do that */
	__u32 per_call;				/* probability per call (kf_knobs.per_call) */
	__u32 pad;
};

/* Counters of one injection, in the kf_stats map (index: injection). */
struct kf_stats {
	__u64 hits;		/* failure site reached by a target task, chain complete */
	__u64 decisions;	/* ... and its own predicate true: where it may fail */
	__u64 reserved;		/* draws that won and asked for one of `times` */
	__u64 injected;		/* failures injected */
	__u64 calls;		/* per call: outermost calls drawn for */
	__u64 calls_won;	/* ... whose draw won: decisions under them may fail */
};

/* One injected failure, sent through the kf_events ring buffer. */
#define KF_EVENT_OBSERVED	1	/* kfault sweep's record: a decision, nothing failed */

struct kf_event {
	__u64 time_ns;		/* bpf_ktime_get_ns() */
	__u32 pid;		/* process (tgid) */
	__u32 tid;
	__u32 injection;
	__s32 stack_len;	/* bytes in stack[], or a negative errno */
	char comm[KF_COMM_LEN];
	__u32 flags;		/* KF_EVENT_OBSERVED */
	__u32 func;		/* sweep --sites errinj: 1 + KF_ERRINJ_FUNC(); 0: the injection's site */
	__u64 nth;		/* sweeping: the decision's number in the run, from 1 */
	__u64 stack_hash;	/* sweeping: kf_stack_hash() of stack[] */
	__u64 stack[KF_MAX_STACK];
};

/*
 * kfault sweep: what the loaded program does at each decision, in the one
 * entry of the kf_sweep map, so that one loaded object serves every run of
 * a sweep (the runtime rewrites it between runs; no reload). Mode off: the
 * file's own rules. Record: every decision is reported with its stack and
 * nothing fails. Fail: exactly the point fails (once, or each time it
 * recurs), whatever the file's probability, times and nth say.
 */
enum kf_sweep_mode {
	KF_SWEEP_OFF = 0,
	KF_SWEEP_RECORD = 1,
	KF_SWEEP_FAIL = 2,
};

enum kf_sweep_by {
	KF_SWEEP_BY_STACK = 0,	/* a call context: injection and kernel stack */
	KF_SWEEP_BY_NTH = 1,	/* an occurrence: the N-th decision of the run */
};

struct kf_sweep {
	__u32 mode;		/* enum kf_sweep_mode */
	__u32 by;		/* enum kf_sweep_by */
	__u32 injection;	/* by stack: the point's injection */
	__u32 always;		/* fail each time the point recurs, not only the first */
	__u64 stack_hash;	/* by stack: the point's */
	__u64 nth;		/* by nth: the point, from 1 */
	/* counted by the program, reset by the runtime for each run */
	__u64 decisions;	/* decisions in this run */
	__u64 reached;		/* ... that were the point */
	__u64 injected;		/* ... that failed */
};

/*
 * kfault sweep --sites errinj: the program kf_errinj_multi (kprobe.multi) or
 * kf_errinj_kprobe (one kprobe per function) is attached to functions of
 * the kernel's error-injection list, each with a cookie (read with
 * bpf_get_attach_cookie()) that says which function of the runtime's list
 * it is (below 2^24), which of its first five arguments is a gfp_t (1 to 5;
 * 0: none), so that __GFP_NOFAIL requests never fail, and what it fails
 * with: an errno, 0 or 1, which fits in 32 bits.
 */
#define KF_ERRINJ_MAX_FUNCS		(1U << 24)
#define KF_ERRINJ_COOKIE(func, gfp_arg, retval)					\
	(((__u64)(gfp_arg) << 56) | ((__u64)(func) << 32) | (__u32)(__s32)(retval))
#define KF_ERRINJ_FUNC(cookie)		((__u32)((cookie) >> 32) & (KF_ERRINJ_MAX_FUNCS - 1))
#define KF_ERRINJ_GFP_ARG(cookie)	((__u32)((cookie) >> 56))
#define KF_ERRINJ_RETVAL(cookie)	((__s64)(__s32)(cookie))

#endif /* KFAULT_H */
