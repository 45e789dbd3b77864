/* SPDX-License-Identifier: MIT */
/*
 * Schedules in the cron syntax KernelChaos uses (robfig/cron's standard
 * parser): five fields "minute hour day-of-month month day-of-week" with
 * `*`, `?`, lists, ranges, steps and month/day names, or a descriptor:
 * @yearly @annually @monthly @weekly @daily @midnight @hourly @every DURATION.
 */
#ifndef KFAULT_CRON_H
#define KFAULT_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct kf_cron {
	uint64_t every_ms;	/* @every: the interval; 0 for field schedules */
	uint64_t minute;	/* bit n: minute n (0-59) */
	uint32_t hour;		/* 0-23 */
	uint32_t dom;		/* 1-31 */
	uint32_t month;		/* 1-12 */
	uint32_t dow;		/* 0-6, Sunday 0 */
	bool dom_star, dow_star;	/* written as * or ?: matters for day matching */
};

/* Where a schedule is wrong: a byte range of the text and a message. */
struct kf_cron_error {
	size_t off, len;
	char msg[160];
};

int kf_cron_parse(const char *text, struct kf_cron *out, struct kf_cron_error *err);

/*
 * The first tick strictly after `after` (local time), or (time_t)-1 if none
 * within four years (such as "0 0 30 2 *").
 */
time_t kf_cron_next(const struct kf_cron *c, time_t after);

/* Parse "1h30m", "500ms", "1.5h", "2d": Go's time.ParseDuration units ms s m h, and d (days). */
int kf_parse_duration(const char *text, uint64_t *ms);
/* The other way: "1h30m", "500ms", "0s", in buf (size: 32 is enough); buf. */
char *kf_format_duration(uint64_t ms, char *buf, size_t size);

#endif
