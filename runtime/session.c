// SPDX-License-Identifier: MIT
/* A run of an injector over time: arming, schedules, limits (session.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"
#include "opts.h"
#include "plan.h"
#include "session.h"

struct kf_session {
	struct kf_injector *inj;
	struct kf_session_opts opts;
	int n;
	double start;
	bool has_schedule[KF_MAX_INJECTIONS];
	struct kf_cron cron[KF_MAX_INJECTIONS];
	double next_tick[KF_MAX_INJECTIONS];	/* when to arm next */
	double disarm_at[KF_MAX_INJECTIONS];	/* when to disarm; 0: not armed by a tick */
	uint64_t duration_ms;			/* how long the run lasts; 0: until stopped */
	bool ends_with_times;			/* when every `times` is used up */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds from now to the tick after wall time `wall`. */
static double until_next(const struct kf_cron *c, time_t wall)
{
	time_t next = kf_cron_next(c, wall);

	return next == (time_t)-1 ? 1e18 : (double)(next - wall);
}

struct kf_session *kf_session__new(struct kf_injector *inj, const struct kf_session_opts *opts)
{
	struct kf_session *s;

	if (!inj || !kf_opts_valid(opts, sizeof(*opts))) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->inj = inj;
	s->opts.sz = sizeof(s->opts);
	if (opts)
		memcpy(&s->opts, opts, opts->sz < sizeof(s->opts) ? opts->sz : sizeof(s->opts));
	s->opts.sz = sizeof(s->opts);
	s->n = kf_injector__injection_cnt(inj);
	return s;
}

int kf_session__start(struct kf_session *s)
{
	const struct kf_meta *meta[KF_MAX_INJECTIONS];
	const struct kf_knobs *knobs[KF_MAX_INJECTIONS];
	time_t wall = time(NULL);

	for (int i = 0; i < s->n; i++) {
		meta[i] = kf_injector__meta(s->inj, i);
		knobs[i] = kf_injector__knobs(s->inj, i);
	}
	s->duration_ms = kf_plan__duration_ms(meta, s->n, s->opts.duration_ms);
	s->ends_with_times = kf_plan__ends_with_times(knobs, s->n, s->opts.stay_armed);
	s->start = now_s();
	for (int i = 0; i < s->n; i++) {
		const struct kf_meta *m = meta[i];
		struct kf_cron_error err;

		if (m->schedule[0]) {
			if (kf_cron_parse(m->schedule, &s->cron[i], &err))
				return -EINVAL;
			s->has_schedule[i] = true;
			s->next_tick[i] = s->start + until_next(&s->cron[i], wall);
			continue;
		}
		if (kf_injector__arm(s->inj, i, true))
			return -EIO;
	}
	return 0;
}

/* Scheduled injections: arm at a tick for their duration, then disarm. */
static void tick(struct kf_session *s, double t)
{
	for (int i = 0; i < s->n; i++) {
		const struct kf_meta *m = kf_injector__meta(s->inj, i);

		if (!s->has_schedule[i])
			continue;
		if (s->disarm_at[i] && t >= s->disarm_at[i]) {
			kf_injector__arm(s->inj, i, false);
			s->disarm_at[i] = 0;
		}
		if (t >= s->next_tick[i]) {
			kf_injector__arm(s->inj, i, true);
			s->disarm_at[i] = t + (double)m->duration_ms / 1000;
			s->next_tick[i] = t + until_next(&s->cron[i], time(NULL));
		}
	}
}

/* Why to stop now, or NULL (plan.h says when). */
static const char *should_stop(const struct kf_session *s, double t)
{
	if (s->duration_ms && (t - s->start) * 1000 >= (double)s->duration_ms)
		return "duration";
	if (!s->ends_with_times)
		return NULL;
	for (int i = 0; i < s->n; i++) {
		const struct kf_knobs *k = kf_injector__knobs(s->inj, i);
		struct kf_stats st = {0};

		if (kf_injector__stats(s->inj, i, &st) || st.injected < k->times)
			return NULL;
	}
	return "times";
}

const char *kf_session__step(struct kf_session *s, int timeout_ms, kf_event_fn fn, void *ctx)
{
	double t;

	kf_injector__poll(s->inj, timeout_ms, fn, ctx);
	t = now_s();
	tick(s, t);
	return should_stop(s, t);
}

void kf_session__stop(struct kf_session *s, kf_event_fn fn, void *ctx)
{
	kf_injector__arm(s->inj, -1, false);
	kf_injector__poll(s->inj, 0, fn, ctx);	/* the last events */
}

double kf_session__elapsed(const struct kf_session *s)
{
	return now_s() - s->start;
}

bool kf_session__scheduled(const struct kf_session *s, int i)
{
	return i >= 0 && i < s->n && s->has_schedule[i];
}

bool kf_session__armed(const struct kf_session *s, int i)
{
	return i >= 0 && i < s->n && (!s->has_schedule[i] || s->disarm_at[i]);
}

double kf_session__next_tick(const struct kf_session *s, int i)
{
	return kf_session__scheduled(s, i) ? s->next_tick[i] - now_s() : 0;
}

void kf_session__free(struct kf_session *s)
{
	free(s);
}
