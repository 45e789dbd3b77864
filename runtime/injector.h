/* SPDX-License-Identifier: MIT */
/*
 * The kfault runtime: load a compiled kfault object, attach its probes,
 * arm its injections, report what they did, and detach.
 *
 *   struct kf_injector *inj = kf_injector__open_file("x.bpf.o", &opts);
 *   kf_injector__load(inj);        // preflight, backend, knobs, verifier
 *   kf_injector__attach(inj);      // every probe, then nothing is armed yet
 *   kf_injector__arm(inj, -1, true);
 *   ... kf_injector__stats(inj, 0, &st) ...
 *   kf_injector__destroy(inj);     // detaches everything
 *
 * Links belong to this process and nothing is pinned: whatever way the
 * process ends, kill -9 included, the kernel removes every probe.
 *
 * Functions returning int return 0 or a negative errno; on failure
 * kf_injector__errmsg() says what went wrong and what to do, in one line.
 */
#ifndef KFAULT_INJECTOR_H
#define KFAULT_INJECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "kfault.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kf_backend {
	KF_BACKEND_AUTO = 0,	/* fmod_ret where every function has BTF (x86-64), else kprobe */
	KF_BACKEND_KPROBE,	/* kprobe/kretprobe + bpf_override_return */
	KF_BACKEND_FMOD_RET,	/* fentry/fexit + fmod_ret (BPF trampolines, needs BTF) */
};

struct kf_injector_opts {
	size_t sz;		/* sizeof(struct kf_injector_opts), as libbpf's opts */
	enum kf_backend backend;
	/* Target overrides, applied to every injection when given. */
	int pid;		/* > 0: this process (all its threads) */
	bool children;		/* with pid: and its descendants */
	const char *comm;	/* this command name */
	const char *cgroup;	/* this cgroup v2 path (absolute, or under /sys/fs/cgroup) */
	bool log_events;	/* stream an event per injection (kf_injector__poll) */
	bool log_stack;		/* with the kernel stack */
	/*
	 * Target the cgroups kf_injector__add_cgroup() adds (none at first),
	 * replacing every other target: kfault serve, one object for the
	 * containers that ask for the same injection.
	 */
	bool cgroup_set;
	size_t :0;
};

#define KF_INJECTOR_OPTS(name, ...)					\
	struct kf_injector_opts name = {				\
		.sz = sizeof(struct kf_injector_opts), __VA_ARGS__	\
	}

struct kf_injector;

struct kf_injector *kf_injector__open_mem(const void *obj, size_t size, const char *name,
					  const struct kf_injector_opts *opts);
struct kf_injector *kf_injector__open_file(const char *path, const struct kf_injector_opts *opts);

/*
 * Before load: target process pid (and, with children, every process it
 * starts), replacing the file's targets and the opts' comm and cgroup, as
 * KF_INJECTOR_OPTS(.pid, .children) would. -EBUSY once loaded, -EINVAL for
 * pid <= 0.
 */
int kf_injector__set_target_pid(struct kf_injector *inj, int pid, bool children);

/*
 * Before load, for kfault sweep --sites errinj: the decisions are the calls
 * of the functions of the kernel's error-injection list made under
 * injection 0's chain by its targets, each failed with a value of its type
 * (err, a negative errno, for the ERRNO types; 0: -ENOMEM). The object's
 * kf_errinj program is loaded instead of its sites' programs and attached
 * to those functions (one kprobe.multi link where the kernel has them, else
 * a kprobe each). -EBUSY once loaded, -ERANGE for err not an errno,
 * -EOPNOTSUPP for an object built before kfault had it (errmsg says).
 */
int kf_injector__set_errinj(struct kf_injector *inj, int err);

/* A function --sites errinj attached to. */
struct kf_errinj_func {
	const char *name;
	const char *type;	/* its error-injection type: "ERRNO", "NULL", "ERRNO_NULL", "TRUE" */
	long long retval;	/* what it fails with */
	int gfp_arg;		/* its gfp_t parameter (1-5): __GFP_NOFAIL calls never fail; 0: none */
	const char *gfp_param;	/* that parameter's name, for reproducers */
	unsigned long long gfp_nofail;	/* this kernel's __GFP_NOFAIL; 0: unknown, not checked */
	bool kprobe;		/* after attach: a kprobe of its own (no kprobe.multi, or ftrace cannot trace it) */
	bool unprobed;		/* after attach: the kernel refused to probe it (EINVAL): left out */
};

/* After load: the functions (0 without --sites errinj), and function i of them. */
int kf_injector__errinj_cnt(const struct kf_injector *inj);
const struct kf_errinj_func *kf_injector__errinj_func(const struct kf_injector *inj, int i);
/*
 * After attach: whether one kprobe.multi link holds them (else a kprobe
 * each); the functions ftrace cannot trace have a kprobe each even so.
 */
bool kf_injector__errinj_multi(const struct kf_injector *inj);

/*
 * Preflight alone: read what the running kernel has, check the object
 * against it and choose the backend, loading nothing. kf_injector__load()
 * does it first when it was not done; a program calls it apart to time it
 * or to report a kernel that cannot inject before anything else. 0, or a
 * negative errno with kf_injector__errmsg() saying why.
 */
int kf_injector__preflight(struct kf_injector *inj);
int kf_injector__load(struct kf_injector *inj);
int kf_injector__attach(struct kf_injector *inj);
/* Arm or disarm injection i, or all of them with i = -1. */
int kf_injector__arm(struct kf_injector *inj, int i, bool on);
int kf_injector__stats(const struct kf_injector *inj, int i, struct kf_stats *out);

/* Zero every injection's counters (kf_stats). */
int kf_injector__reset_stats(struct kf_injector *inj);

/*
 * After load: target pid too (and what it starts), for every injection
 * that targets a process with its children; pid 0: the one it was loaded
 * for. A sweep targets each run's new command this way, without a reload.
 */
int kf_injector__track_pid(struct kf_injector *inj, int pid);

/*
 * After load, with opts.cgroup_set: target the tasks of the cgroup whose
 * id is cgroup_id (the inode number of its cgroup v2 directory) and of the
 * cgroups below it too, or no longer. Adding a cgroup twice is not an
 * error; removing one that is not there is -ENOENT. A map update: nothing
 * is loaded or attached again.
 */
int kf_injector__add_cgroup(struct kf_injector *inj, __u64 cgroup_id);
int kf_injector__remove_cgroup(struct kf_injector *inj, __u64 cgroup_id);

/*
 * kfault sweep's control (struct kf_sweep in kfault.h): set the mode and
 * the point, with its counters zeroed; read it back with the counters.
 */
int kf_injector__sweep_set(struct kf_injector *inj, const struct kf_sweep *sw);
int kf_injector__sweep_get(const struct kf_injector *inj, struct kf_sweep *out);

typedef int (*kf_event_fn)(void *ctx, const struct kf_event *ev);
/* With log_events: call fn for each event that arrives within timeout_ms. */
int kf_injector__poll(struct kf_injector *inj, int timeout_ms, kf_event_fn fn, void *ctx);
/* A file descriptor that polls readable when events wait (after load), or -1. */
int kf_injector__event_fd(const struct kf_injector *inj);

int kf_injector__injection_cnt(const struct kf_injector *inj);
const struct kf_meta *kf_injector__meta(const struct kf_injector *inj, int i);
const struct kf_knobs *kf_injector__knobs(const struct kf_injector *inj, int i);
enum kf_backend kf_injector__backend(const struct kf_injector *inj);
const char *kf_backend_name(enum kf_backend b);
int kf_injector__probe_cnt(const struct kf_injector *inj);
/*
 * What is known of kernels on which injection i's site may be attached and
 * never reached by its target (a report of 0 hits says it): NULL when
 * nothing is.
 */
const char *kf_injector__unreached_note(const struct kf_injector *inj, int i);
const char *kf_injector__errmsg(const struct kf_injector *inj);
/* "func+0x1c" for a kernel address, as in an event's stack. */
int kf_injector__symbolize(const struct kf_injector *inj, unsigned long long addr, char *buf,
			   size_t len);

/*
 * Remove every probe (and stop the event stream); the counters stay
 * readable with kf_injector__stats() until kf_injector__destroy().
 */
int kf_injector__detach(struct kf_injector *inj);
void kf_injector__destroy(struct kf_injector *inj);

#ifdef __cplusplus
}
#endif

#endif
