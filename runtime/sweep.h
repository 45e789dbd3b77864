/* SPDX-License-Identifier: MIT */
/*
 * kfault sweep: fail every failure point a command reaches, one at a time.
 *
 *   struct kf_sweeper *s = kf_sweeper__new(inj, argv, &opts);  // inj: opened
 *   kf_sweeper__record(s);          // load, attach; one run failing nothing
 *   for (i = 0; i < kf_sweeper__point_cnt(s); i++)
 *           kf_sweeper__run(s, i);  // one run failing point i
 *   ... kf_sweeper__point(s, i) ...
 *   kf_sweeper__free(s);
 *
 * A point is where an injection of the object would decide (a target task
 * at the site, the chain on its stack, every predicate true): a call
 * context (the injection and its kernel stack) or an occurrence (the N-th
 * decision of the run). With sites KF_SWEEP_SITES_ERRINJ, the decisions are
 * the calls of the functions of the kernel's error-injection list under
 * injection 0's chain, by its targets (kf_injector__set_errinj), and a
 * call context is the function and its stack. The object is loaded and attached once; between
 * runs only the kf_sweep map changes and each run's command is tracked by
 * pid (kf_injector__track_pid). Each run's command gets /dev/null as input
 * and output and a private file as standard error (the tail is kept); the
 * kernel log (/dev/kmsg) is read around each run. docs/sweep.md.
 */
#ifndef KFAULT_SWEEP_H
#define KFAULT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "injector.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the sweep's decisions are. */
enum kf_sweep_sites {
	KF_SWEEP_SITES_FILE = 0,	/* the object's own failure sites */
	KF_SWEEP_SITES_ERRINJ,		/* the functions of the kernel's error-injection list */
};

struct kf_sweeper_opts {
	size_t sz;		/* sizeof(struct kf_sweeper_opts) */
	enum kf_sweep_by by;	/* KF_SWEEP_BY_STACK (default) or KF_SWEEP_BY_NTH */
	bool always;		/* fail the point each time it recurs, not only once */
	int timeout_ms;		/* a run longer than this is killed: a hang; 0: 60 s */
	int max_points;		/* sweep at most this many points; 0: all */
	enum kf_sweep_sites sites;	/* KF_SWEEP_SITES_FILE (default) or KF_SWEEP_SITES_ERRINJ */
	int errinj_errno;	/* errinj: what ERRNO functions fail with, -4095 to -1; 0: -ENOMEM */
	size_t :0;
};

#define KF_SWEEPER_OPTS(name, ...)					\
	struct kf_sweeper_opts name = {					\
		.sz = sizeof(struct kf_sweeper_opts), __VA_ARGS__	\
	}

/* What a run made of the command, worst first. */
enum kf_sweep_class {
	KF_CLASS_KERNEL = 0,	/* the kernel complained (WARN, BUG, oops, KASAN, hung task, lockdep) */
	KF_CLASS_CRASH,		/* CMD was killed by a signal */
	KF_CLASS_HANG,		/* CMD ran past the timeout and was killed */
	KF_CLASS_HANDLED,	/* CMD ended with another status than without failures */
	KF_CLASS_RECOVERED,	/* CMD ended as it did without failures */
	KF_CLASS_NOT_REACHED,	/* the run never reached the point: CMD is not deterministic */
	KF_CLASS_NOT_RUN,	/* not swept (max_points) */
};

/* "kernel", "crash", "hang", "handled", "recovered", "not reached", "not run". */
const char *kf_sweep_class_name(enum kf_sweep_class c);

#define KF_SWEEP_TAIL	1024	/* bytes of CMD's standard error kept */
#define KF_SWEEP_KLOG	2048	/* bytes of kernel complaints kept */

struct kf_sweep_point {
	/* the point, from the record run */
	int injection;
	int func;			/* errinj: the function (kf_injector__errinj_func); else -1 */
	uint64_t stack_hash;		/* by stack */
	uint64_t nth;			/* the first occurrence's number among all decisions */
	uint64_t nth_in_injection;	/* ... among its injection's decisions (errinj: its function's calls), for `nth N` */
	int occurrences;		/* how often the record run reached it */
	int stack_depth;
	uint64_t stack[KF_MAX_STACK];	/* kernel return addresses, innermost first */
	/* the run that failed it */
	enum kf_sweep_class cls;
	int status;			/* CMD's, as a shell reports it */
	int signal;			/* that killed it, or 0 */
	double seconds;
	uint64_t reached, injected;	/* times the run reached the point, failures injected */
	char stderr_tail[KF_SWEEP_TAIL];
	char kernel_log[KF_SWEEP_KLOG];	/* complaints the kernel logged during the run */
};

struct kf_sweeper;

/* inj: opened, not loaded. NULL with errno (EINVAL: bad opts, empty argv). */
struct kf_sweeper *kf_sweeper__new(struct kf_injector *inj, char *const argv[],
				   const struct kf_sweeper_opts *opts);
/*
 * Load and attach the injector for CMD, and run CMD once failing nothing,
 * recording every point. 0, or a negative errno (kf_injector__errmsg()
 * says why; then CMD did not run, or its run could not be watched).
 */
int kf_sweeper__record(struct kf_sweeper *s);
/* The record run: CMD's status and its duration. */
int kf_sweeper__baseline_status(const struct kf_sweeper *s);
double kf_sweeper__baseline_seconds(const struct kf_sweeper *s);
/* Seconds the record run spent loading and attaching the object. */
double kf_sweeper__setup_seconds(const struct kf_sweeper *s);
/* Whether /dev/kmsg could be read (else no run is classed `kernel`). */
bool kf_sweeper__reads_kernel_log(const struct kf_sweeper *s);

int kf_sweeper__point_cnt(const struct kf_sweeper *s);
const struct kf_sweep_point *kf_sweeper__point(const struct kf_sweeper *s, int i);
/* Run CMD failing point i, and class the run. 0, or a negative errno. */
int kf_sweeper__run(struct kf_sweeper *s, int i);

void kf_sweeper__free(struct kf_sweeper *s);

#ifdef __cplusplus
}
#endif

#endif
