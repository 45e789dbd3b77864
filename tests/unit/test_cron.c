// SPDX-License-Identifier: MIT
/* Schedules: cron fields, descriptors, next tick, durations (read and written). */
#include <stdlib.h>

#include "helpers.h"
#include "cron.h"

static void test_fields(void **state)
{
	struct kf_cron c;
	struct kf_cron_error err;

	(void)state;
	assert_int_equal(kf_cron_parse("*/15 0,12 1-3 jan-mar mon", &c, &err), 0);
	assert_int_equal(c.minute, (1ULL << 0) | (1ULL << 15) | (1ULL << 30) | (1ULL << 45));
	assert_int_equal(c.hour, (1U << 0) | (1U << 12));
	assert_int_equal(c.dom, (1U << 1) | (1U << 2) | (1U << 3));
	assert_int_equal(c.month, (1U << 1) | (1U << 2) | (1U << 3));
	assert_int_equal(c.dow, 1U << 1);
	assert_false(c.dom_star);

	assert_int_equal(kf_cron_parse("5/20 * ? * *", &c, &err), 0);
	assert_int_equal(c.minute, (1ULL << 5) | (1ULL << 25) | (1ULL << 45));
	assert_true(c.dom_star);
}

static void test_descriptors(void **state)
{
	struct kf_cron c;
	struct kf_cron_error err;

	(void)state;
	assert_int_equal(kf_cron_parse("@every 1h30m", &c, &err), 0);
	assert_int_equal(c.every_ms, 90 * 60 * 1000);
	assert_int_equal(kf_cron_parse("@hourly", &c, &err), 0);
	assert_int_equal(c.minute, 1);
	assert_int_equal(c.hour, 0xffffff);
	assert_int_equal(kf_cron_parse("@weekly", &c, &err), 0);
	assert_int_equal(c.dow, 1);
}

static void test_errors(void **state)
{
	struct kf_cron c;
	struct kf_cron_error err;

	(void)state;
	assert_int_equal(kf_cron_parse("* * * 13 *", &c, &err), -EINVAL);
	assert_int_equal(err.off, 6);
	assert_int_equal(err.len, 2);
	assert_int_equal(kf_cron_parse("*/0 * * * *", &c, &err), -EINVAL);
	assert_int_equal(err.off, 2);
	assert_int_equal(kf_cron_parse("5-1 * * * *", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("@every 500ms", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("@every", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("@sometimes", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("CRON_TZ=UTC * * * * *", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("* * * * * *", &c, &err), -EINVAL);
	assert_int_equal(kf_cron_parse("1,,2 * * * *", &c, &err), -EINVAL);
}

static void test_next(void **state)
{
	struct kf_cron c;
	struct kf_cron_error err;
	struct tm tm = { .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 27,
			 .tm_hour = 11, .tm_min = 7, .tm_sec = 30, .tm_isdst = -1 };
	time_t now, next;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	now = mktime(&tm);	/* Friday 2026-11-27 11:07:30 */
	assert_int_equal(kf_cron_parse("*/15 * * * *", &c, &err), 0);
	assert_int_equal(kf_cron_next(&c, now) - now, 7 * 60 + 30);
	assert_int_equal(kf_cron_parse("0 9 * * mon", &c, &err), 0);
	next = kf_cron_next(&c, now);
	gmtime_r(&next, &tm);
	assert_int_equal(tm.tm_wday, 1);
	assert_int_equal(tm.tm_mday, 30);
	assert_int_equal(tm.tm_hour, 9);
	assert_int_equal(kf_cron_parse("0 0 30 2 *", &c, &err), 0);
	assert_int_equal(kf_cron_next(&c, now), (time_t)-1);
	assert_int_equal(kf_cron_parse("@every 5m", &c, &err), 0);
	assert_int_equal(kf_cron_next(&c, now), now + 300);
}

static void test_durations(void **state)
{
	uint64_t ms;

	(void)state;
	assert_int_equal(kf_parse_duration("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(kf_parse_duration("1.5h", &ms), 0);
	assert_int_equal(ms, 5400000);
	assert_int_equal(kf_parse_duration("2m10s", &ms), 0);
	assert_int_equal(ms, 130000);
	assert_int_equal(kf_parse_duration("2d", &ms), 0);
	assert_int_equal(ms, 2 * 86400000);
	assert_int_equal(kf_parse_duration("10", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration("s", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration("", &ms), -EINVAL);
	/* what strtod would take but a duration is not */
	assert_int_equal(kf_parse_duration("1e5s", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration("0x10s", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration(".s", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration("1.2.3s", &ms), -EINVAL);
	assert_int_equal(kf_parse_duration(".5s", &ms), 0);
	assert_int_equal(ms, 500);
}

/* kf_format_duration: what kf_parse_duration reads back, in the fewest units. */
static void test_format_durations(void **state)
{
	static const struct {
		uint64_t ms;
		const char *text;
	} cases[] = {
		{ 0, "0s" }, { 500, "500ms" }, { 30000, "30s" }, { 60000, "1m" }, { 130000, "2m10s" },
		{ 5400000, "1h30m" }, { 3600001, "1h1ms" }, { 360000000, "100h" },
	};
	char buf[32];
	uint64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(kf_format_duration(cases[i].ms, buf, sizeof(buf)), cases[i].text);
		assert_int_equal(kf_parse_duration(buf, &ms), 0);
		assert_int_equal(ms, cases[i].ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_format_durations),
	};
	return cmocka_run_group_tests_name("cron", tests, NULL, NULL);
}
