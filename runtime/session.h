/* SPDX-License-Identifier: MIT */
/*
 * A run of a loaded, attached injector over time: what 'kfault run' does
 * between attaching and detaching, as a library (no argv, no printing), so
 * that every command running injections (run, inject, the runtime-only
 * kfault-run) shares it.
 *
 *   struct kf_session *s = kf_session__new(inj, &opts);
 *   kf_session__start(s);                   // arm, or schedule the first tick
 *   while (!(why = kf_session__step(s, 100, fn, ctx)))
 *           ...;                            // events, ticks, limits
 *   kf_session__stop(s);                    // disarm, last events
 *   kf_session__free(s);
 *
 * Injections with a schedule (kf_meta.schedule) are armed at each tick for
 * their duration; the others from start to stop. A run stops at the
 * duration (opts.duration_ms, else the longest of the objects' own, not
 * counting scheduled ones), or when every injection with `times` has used
 * them up (unless opts.stay_armed). The caller stops it for signals.
 */
#ifndef KFAULT_SESSION_H
#define KFAULT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "injector.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kf_session_opts {
	size_t sz;		/* sizeof(struct kf_session_opts) */
	uint64_t duration_ms;	/* 0: the object's own */
	bool stay_armed;	/* keep running when every `times` is used up */
	size_t :0;
};

#define KF_SESSION_OPTS(name, ...)					\
	struct kf_session_opts name = {					\
		.sz = sizeof(struct kf_session_opts), __VA_ARGS__	\
	}

struct kf_session;

/* NULL with errno EINVAL for bad opts (runtime/opts.h: a larger struct's unknown fields set). */
struct kf_session *kf_session__new(struct kf_injector *inj, const struct kf_session_opts *opts);
/*
 * Arm every injection without a schedule; schedule the others' first tick.
 * 0, or a negative errno: -EINVAL for a schedule that does not parse (the
 * injector was built by a broken kfault), -EIO when arming failed
 * (kf_injector__errmsg() says why).
 */
int kf_session__start(struct kf_session *s);
/*
 * Wait up to timeout_ms for events (fn is called for each), then arm and
 * disarm scheduled injections whose time has come. Returns why the run
 * should stop ("duration", "times"), or NULL to go on.
 */
const char *kf_session__step(struct kf_session *s, int timeout_ms, kf_event_fn fn, void *ctx);
/* Disarm everything and deliver the events still queued. */
void kf_session__stop(struct kf_session *s, kf_event_fn fn, void *ctx);
/* Seconds since kf_session__start(). */
double kf_session__elapsed(const struct kf_session *s);
/* Injection i: whether it has a schedule, whether it is armed now, and the
 * seconds to its next tick (scheduled ones). */
bool kf_session__scheduled(const struct kf_session *s, int i);
bool kf_session__armed(const struct kf_session *s, int i);
double kf_session__next_tick(const struct kf_session *s, int i);
void kf_session__free(struct kf_session *s);

#ifdef __cplusplus
}
#endif

#endif
