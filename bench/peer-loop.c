// SPDX-License-Identifier: MIT
/*
 * peer-loop: the victim and the bystander of bench/peers. Names itself
 * COMM, then mounts a tmpfs on PATH and unmounts it, again and again (one
 * attempt a millisecond at most), until SIGTERM. It prints, each line
 * starting with the CLOCK_REALTIME of the event in seconds (as bash's
 * $EPOCHREALTIME) and ending with the attempts so far that succeeded and
 * that failed:
 *
 *   T fail ERRNO OK FAILED   a mount failed, the one before did not (or it is the first)
 *   T ok OK FAILED           a mount succeeded, the one before failed
 *   T mark OK FAILED         SIGUSR1 came: the counts at that moment
 *   T end OK FAILED          SIGTERM came: the last counts
 *
 *   peer-loop COMM PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t marks, stop;

static void on_mark(int sig)
{
	(void)sig;
	marks++;
}

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void stamp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%lld.%06ld", (long long)ts.tv_sec, ts.tv_nsec / 1000);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	long ok = 0, failed = 0;
	int seen_marks = 0, last_failed = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: peer-loop COMM PATH\n");
		return 2;
	}
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sa.sa_handler = on_mark;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);

	while (!stop) {
		int e = 0;

		if (mount("none", argv[2], "tmpfs", 0, NULL))
			e = errno;
		else
			umount(argv[2]);
		if (e) {
			failed++;
			if (last_failed != 1) {
				stamp();
				printf(" fail %s %ld %ld\n", strerrorname_np(e), ok, failed);
			}
		} else {
			ok++;
			if (last_failed == 1) {
				stamp();
				printf(" ok %ld %ld\n", ok, failed);
			}
		}
		last_failed = e != 0;
		while (seen_marks < marks) {
			seen_marks++;
			stamp();
			printf(" mark %ld %ld\n", ok, failed);
		}
		usleep(1000);
	}
	stamp();
	printf(" end %ld %ld\n", ok, failed);
	return 0;
}
