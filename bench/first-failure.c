// SPDX-License-Identifier: MIT
/*
 * first-failure: mount a tmpfs on PATH and unmount it, again and again,
 * until mount(2) fails; print CLOCK_MONOTONIC (ns) at that failure and the
 * errno's number, and exit 0. Exit 1 if none failed within SECONDS.
 * bench/serve starts it in a container before asking kfault serve to fail
 * that container's mounts: the time from the request to this failure.
 *
 *   first-failure PATH SECONDS
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long deadline;

	if (argc != 3) {
		fprintf(stderr, "usage: first-failure PATH SECONDS\n");
		return 2;
	}
	deadline = now_ns() + atoll(argv[2]) * 1000000000LL;
	while (now_ns() < deadline) {
		if (mount("none", argv[1], "tmpfs", 0, NULL)) {
			int e = errno;

			printf("%lld %d\n", now_ns(), e);
			return 0;
		}
		umount(argv[1]);
	}
	fprintf(stderr, "first-failure: no mount failed in %s s\n", argv[2]);
	return 1;
}
