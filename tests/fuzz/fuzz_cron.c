// SPDX-License-Identifier: MIT
/*
 * Fuzz target: schedules (kf_cron_parse, kf_cron_next) and durations
 * (kf_parse_duration), the text of `schedule` and `duration` statements.
 * An error must point inside the text it is about.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A fixed time zone: reproducible ticks, and 20 times the speed (without TZ,
 * glibc's mktime() looks at /etc/localtime on every call).
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC0", 1);
	tzset();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = kf_strndup((const char *)data, size);	/* stops at a NUL, as sema does */
	size_t len = strlen(text);
	struct kf_cron_error err;
	struct kf_cron cron;
	uint64_t ms;

	if (kf_cron_parse(text, &cron, &err) == 0) {
		time_t t = 1700000000;	/* a fixed start: runs are reproducible */

		for (int i = 0; i < 3 && t != (time_t)-1; i++) {
			time_t next = kf_cron_next(&cron, t);

			if (next != (time_t)-1 && next <= t) {
				fprintf(stderr, "fuzz_cron: next tick %lld not after %lld\n",
					(long long)next, (long long)t);
				abort();
			}
			t = next;
		}
	} else if (err.off > len || err.len > len - err.off + 1 || !memchr(err.msg, '\0', sizeof(err.msg))) {
		fprintf(stderr, "fuzz_cron: error range %zu+%zu outside a %zu-byte text\n",
			err.off, err.len, len);
		abort();
	}
	kf_parse_duration(text, &ms);
	free(text);
	return 0;
}
