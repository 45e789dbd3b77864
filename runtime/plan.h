/* SPDX-License-Identifier: MIT */
/*
 * What a run does that the object and the run's options decide, before and
 * without the kernel: whose tasks an injection targets, how long the run
 * lasts, and the backend when the kernel does not decide it. injector.c and
 * session.c run by these rules; explain.c says them in words ('kfault
 * explain', 'kfault run --list-sites'), so that the two cannot disagree.
 */
#ifndef KFAULT_PLAN_H
#define KFAULT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "injector.h"

/*
 * The command line's target (pid, with children; comm; a cgroup path)
 * replaces the file's, whole, in k, when any of them is given. Returns
 * whether it did. k->cgroup says only that there is one: the path is the
 * command line's then, else the object's (kf_meta.cgroup).
 */
bool kf_plan__target(struct kf_knobs *k, int pid, bool children, const char *comm,
		     const char *cgroup);

/*
 * How long a run of these n injections lasts, in ms (0: until stopped):
 * duration_ms when given (kfault run --duration); else the longest of the
 * injections' own durations, unless one has a schedule: its duration is
 * then per tick, and only duration_ms ends the run.
 */
uint64_t kf_plan__duration_ms(const struct kf_meta *const *meta, int n, uint64_t duration_ms);

/*
 * Whether the run ends when every injection has used up its `times`: when
 * every one has a `times`, unless stay_armed.
 */
bool kf_plan__ends_with_times(const struct kf_knobs *const *knobs, int n, bool stay_armed);

/*
 * The backend a run with backend b attaches with, as far as the object
 * alone decides it: b when given; for auto, kprobe when an injection makes
 * its function return 0, which fmod_ret cannot; else KF_BACKEND_AUTO: the
 * kernel decides (injector.c: fmod_ret when it has BTF for every function,
 * else kprobe). *zero: the first injection that returns 0, or -1.
 */
enum kf_backend kf_plan__backend(enum kf_backend b, const struct kf_meta *const *meta, int n,
				 int *zero);

#endif
