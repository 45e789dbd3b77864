// SPDX-License-Identifier: MIT
/*
 * victim: the process the end-to-end tests inject failures into.
 *
 *   victim [-c COMM] [-t THREADS] [-e] OP COUNT [PATH]
 *
 * Renames itself COMM (before starting threads, which inherit it), then in
 * each of THREADS threads (default 1) repeats OP COUNT times and tallies
 * the results. Prints one line per result, "ok N" or "ENOMEM N" (errno
 * names), sorted; with -e also one line per attempt as it happens.
 *
 *   mount PATH     mount("none", PATH, "tmpfs"), unmounting after success
 *   umask          syscall(SYS_umask, 022): one call, one decision, no side effect
 *   read PATH      open PATH, read 4 KiB, close (after dropping the page cache)
 *
 * Exits 0 when every attempt ran, whatever they returned; 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_ERRNO 512

static const char *op, *path;
static long count;
static int each;
static long tally[MAX_ERRNO + 1];	/* [0]: ok */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int attempt(void)
{
	char buf[4096];
	long r;
	int fd;

	if (strcmp(op, "mount") == 0) {
		if (mount("none", path, "tmpfs", 0, NULL))
			return errno;
		umount(path);
		return 0;
	}
	if (strcmp(op, "umask") == 0) {
		r = syscall(SYS_umask, 022);
		return r < 0 ? errno : 0;
	}
	/* read */
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	r = read(fd, buf, sizeof(buf));
	close(fd);
	return r < 0 ? errno : 0;
}

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < count; i++) {
		int e = attempt();

		pthread_mutex_lock(&lock);
		tally[e > MAX_ERRNO ? MAX_ERRNO : e]++;
		if (each)
			printf("%s %ld: %s\n", op, i + 1, e ? strerrorname_np(e) : "ok");
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *comm = NULL;
	int threads = 1, c;
	pthread_t tid[64];

	while ((c = getopt(argc, argv, "c:t:e")) != -1) {
		switch (c) {
		case 'c': comm = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'e': each = 1; break;
		default: return 2;
		}
	}
	if (argc - optind < 2 || threads < 1 || threads > 64)
		return 2;
	op = argv[optind];
	count = atol(argv[optind + 1]);
	path = argc - optind > 2 ? argv[optind + 2] : NULL;
	if (strcmp(op, "umask") && !path)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0))
		return 1;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	for (int e = 0; e <= MAX_ERRNO; e++)
		if (tally[e])
			printf("%s %ld\n", e ? strerrorname_np(e) : "ok", tally[e]);
	return 0;
}
