// SPDX-License-Identifier: MIT
/*
 * syscall-loop: the workload of bench/overhead. Opens and closes /dev/null
 * N times (each open allocates a struct file from the slab, so it passes
 * should_failslab once) and prints the nanoseconds per iteration. Names
 * itself COMM first, the name the benchmark's injection targets.
 *
 *   syscall-loop N COMM
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n = argc > 1 ? atol(argv[1]) : 100000;

	if (argc > 2 && prctl(PR_SET_NAME, argv[2], 0, 0, 0))
		return 1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0)
			return 1;
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}
