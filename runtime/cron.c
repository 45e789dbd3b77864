// SPDX-License-Identifier: MIT
/*
 * Cron expressions and durations (see cron.h). Part of the runtime (libc
 * only): sema checks schedules with it, and 'kfault run' arms by it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cron.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct field {
	const char *name;
	int min, max;
	const char *const *names;	/* names for min, min+1, ... or NULL */
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL,
};
static const char *const dow_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL,
};

static const struct field fields[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, month_names },
	{ "day of week", 0, 6, dow_names },
};

static int fail(struct kf_cron_error *err, size_t off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct kf_cron_error *err, size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	err->off = off;
	err->len = len ? len : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A number or a name of field f at s[0..n). */
static int field_value(const struct field *f, const char *s, size_t n, int *v)
{
	char *end;
	long x;

	if (n && isdigit((unsigned char)s[0])) {
		x = strtol(s, &end, 10);
		if ((size_t)(end - s) != n)
			return -EINVAL;
		*v = (int)(x > 1000 ? 1000 : x);
		return 0;
	}
	for (int i = 0; f->names && f->names[i]; i++) {
		if (n == 3 && strncasecmp(s, f->names[i], 3) == 0) {
			*v = f->min + i;
			return 0;
		}
	}
	return -EINVAL;
}

/* One comma-separated part: "*", "?", "N", "N-M", each with an optional "/STEP". */
static int parse_part(const struct field *f, const char *text, size_t off, size_t n,
		      uint64_t *bits, struct kf_cron_error *err)
{
	const char *s = text + off, *slash, *dash;
	size_t rn = n;
	int lo, hi, step = 1;

	slash = memchr(s, '/', n);
	if (slash) {
		char *end;
		long x;

		rn = (size_t)(slash - s);
		x = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || end != s + n || x <= 0)
			return fail(err, off + rn + 1, n - rn - 1,
				    "step in the %s field must be a positive number", f->name);
		step = (int)(x > 1000 ? 1000 : x);
	}
	if (rn == 1 && (s[0] == '*' || s[0] == '?')) {
		lo = f->min;
		hi = f->max;
	} else {
		dash = memchr(s, '-', rn);
		if (field_value(f, s, dash ? (size_t)(dash - s) : rn, &lo))
			return fail(err, off, dash ? (size_t)(dash - s) : rn,
				    "'%.*s' is not a valid %s", (int)(dash ? dash - s : (long)rn), s, f->name);
		hi = lo;
		if (dash && field_value(f, dash + 1, rn - (size_t)(dash - s) - 1, &hi))
			return fail(err, off + (size_t)(dash - s) + 1, rn - (size_t)(dash - s) - 1,
				    "'%.*s' is not a valid %s", (int)(rn - (size_t)(dash - s) - 1),
				    dash + 1, f->name);
		if (slash && !dash)
			hi = f->max;	/* "N/STEP": from N to the end */
	}
	if (lo < f->min || hi > f->max)
		return fail(err, off, rn, "%s %d is out of range %d-%d", f->name,
			    lo < f->min ? lo : hi, f->min, f->max);
	if (lo > hi)
		return fail(err, off, rn, "range %d-%d in the %s field is backwards", lo, hi, f->name);
	for (int v = lo; v <= hi; v += step)
		*bits |= 1ULL << v;
	return 0;
}

static int parse_field(int idx, const char *text, size_t off, size_t n,
		       uint64_t *bits, bool *star, struct kf_cron_error *err)
{
	size_t start = off;

	*bits = 0;
	*star = n == 1 && (text[off] == '*' || text[off] == '?');
	for (size_t i = off; i <= off + n; i++) {
		if (i < off + n && text[i] != ',')
			continue;
		if (i == start)
			return fail(err, start, 1, "empty list item in the %s field", fields[idx].name);
		int r = parse_part(&fields[idx], text, start, i - start, bits, err);
		if (r)
			return r;
		start = i + 1;
	}
	return 0;
}

int kf_parse_duration(const char *text, uint64_t *ms)
{
	const char *s = text;
	double total = 0;

	if (!*s)
		return -EINVAL;
	while (*s) {
		size_t whole = strspn(s, "0123456789"), frac = 0, n;
		char num[64];
		double v, unit;

		/* digits, optionally a point and more digits: no exponent, no hex */
		if (s[whole] == '.')
			frac = 1 + strspn(s + whole + 1, "0123456789");
		n = whole + frac;
		if (n == 0 || (n == 1 && frac) || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, n);
		num[n] = '\0';
		v = strtod(num, NULL);
		s += n;
		if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 's') {
			unit = 1000;
			s++;
		} else if (*s == 'm') {
			unit = 60 * 1000;
			s++;
		} else if (*s == 'h') {
			unit = 3600 * 1000;
			s++;
		} else if (*s == 'd') {
			unit = 24 * 3600 * 1000;
			s++;
		} else {
			return -EINVAL;
		}
		total += v * unit;
	}
	if (total > 1e15)
		return -ERANGE;
	*ms = (uint64_t)(total + 0.5);
	return 0;
}

char *kf_format_duration(uint64_t ms, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "h", 3600 * 1000 }, { "m", 60 * 1000 }, { "s", 1000 }, { "ms", 1 } };
	size_t len = 0;

	buf[0] = '\0';
	if (!ms)
		snprintf(buf, size, "0s");
	for (size_t i = 0; i < ARRAY_SIZE(units) && ms; i++) {
		uint64_t n = ms / units[i].ms;

		ms %= units[i].ms;
		if (n && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%llu%s", (unsigned long long)n,
						units[i].unit);
	}
	return buf;
}

static const struct {
	const char *name;
	const char *fields;
} descriptors[] = {
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

int kf_cron_parse(const char *text, struct kf_cron *out, struct kf_cron_error *err)
{
	size_t starts[6], lens[6], n = 0, i = 0, len = strlen(text);
	uint64_t bits[5];
	bool stars[5];

	memset(out, 0, sizeof(*out));
	while (i < len && text[i] == ' ')
		i++;
	if (i == len)
		return fail(err, 0, len, "empty schedule");
	if (strncmp(text + i, "TZ=", 3) == 0 || strncmp(text + i, "CRON_TZ=", 8) == 0)
		return fail(err, i, strcspn(text + i, " "),
			    "time zones are not supported; schedules use the local time zone");
	if (text[i] == '@') {
		if (strncmp(text + i, "@every", 6) == 0 && (text[i + 6] == ' ' || !text[i + 6])) {
			size_t d = i + 6;

			while (text[d] == ' ')
				d++;
			if (!text[d])
				return fail(err, i, 6, "@every needs a duration, as in '@every 5m'");
			if (kf_parse_duration(text + d, &out->every_ms))
				return fail(err, d, len - d,
					    "'%s' is not a duration (use ms, s, m, h, d: '5m', '1h30m')", text + d);
			if (out->every_ms < 1000)
				return fail(err, d, len - d, "@every needs at least 1s");
			return 0;
		}
		for (size_t k = 0; k < ARRAY_SIZE(descriptors); k++) {
			size_t dl = strlen(descriptors[k].name);

			if (strncmp(text + i, descriptors[k].name, dl) == 0 &&
			    strspn(text + i + dl, " ") == len - i - dl) {
				int r = kf_cron_parse(descriptors[k].fields, out, err);

				return r;
			}
		}
		return fail(err, i, strcspn(text + i, " "),
			    "unknown descriptor '%.*s' (known: @yearly @monthly @weekly @daily @hourly @every)",
			    (int)strcspn(text + i, " "), text + i);
	}
	while (i < len) {
		size_t s = i;

		while (i < len && text[i] != ' ')
			i++;
		if (n < 6) {
			starts[n] = s;
			lens[n] = i - s;
		}
		n++;
		while (i < len && text[i] == ' ')
			i++;
	}
	if (n != 5)
		return fail(err, 0, len,
			    "a schedule has 5 fields (minute hour day-of-month month day-of-week); this one has %zu",
			    n);
	for (int f = 0; f < 5; f++) {
		int r = parse_field(f, text, starts[f], lens[f], &bits[f], &stars[f], err);

		if (r)
			return r;
	}
	out->minute = bits[0];
	out->hour = (uint32_t)bits[1];
	out->dom = (uint32_t)bits[2];
	out->month = (uint32_t)bits[3];
	out->dow = (uint32_t)bits[4];
	out->dom_star = stars[2];
	out->dow_star = stars[4];
	return 0;
}

/* Day matching as in cron: if either day field is '*', both must match; else either. */
static bool day_matches(const struct kf_cron *c, const struct tm *tm)
{
	bool dom = c->dom >> tm->tm_mday & 1, dow = c->dow >> tm->tm_wday & 1;

	if (c->dom_star || c->dow_star)
		return dom && dow;
	return dom || dow;
}

time_t kf_cron_next(const struct kf_cron *c, time_t after)
{
	struct tm tm;
	time_t t;

	if (c->every_ms)
		return after + (time_t)((c->every_ms + 999) / 1000);
	/* Walk minute by minute, skipping whole hours and days that cannot match. */
	t = after - after % 60 + 60;
	for (int guard = 0; guard < 4 * 366 * 24 * 60; guard++) {
		localtime_r(&t, &tm);
		if (!(c->month >> (tm.tm_mon + 1) & 1) || !day_matches(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
			tm.tm_isdst = -1;
			t = mktime(&tm);
			continue;
		}
		if (!(c->hour >> tm.tm_hour & 1)) {
			tm.tm_hour++;
			tm.tm_min = tm.tm_sec = 0;
			tm.tm_isdst = -1;
			t = mktime(&tm);
			continue;
		}
		if (c->minute >> tm.tm_min & 1)
			return t;
		t += 60;
	}
	return (time_t)-1;
}
