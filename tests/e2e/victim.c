// SPDX-License-Identifier: MIT
/*
 * victim: the process the end-to-end tests inject failures into.
 *
 *   victim [-c COMM] [-t THREADS] [-s MS] [-d SECONDS] [-e] OP COUNT [PATH]
 *
 * Starts THREADS threads (default 1), each named COMM, that repeat OP COUNT
 * times, and tallies the results. Only the threads carry COMM: the main
 * thread, which prints, keeps its own name, so an injection aimed at COMM
 * does not fail the victim's own output. Prints one line per result, "ok N"
 * or "ENOMEM N" (errno names), sorted; with -e also one line per attempt.
 * With -s, each thread sleeps MS milliseconds between attempts; with -d, it
 * stops after SECONDS even if COUNT attempts are not done (COUNT 0: no limit).
 *
 *   mount PATH     mount("none", PATH, "tmpfs"), unmounting after success
 *   umask          syscall(SYS_umask, 022): one call, one decision, no side effect
 *   write PATH     create PATH, write 64 KiB (new pages on tmpfs), close, unlink
 *   direct PATH    write 4 KiB to the block device PATH with O_DIRECT: one bio
 *   fork           fork(); the child exits at once; wait for it
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
#include <sys/wait.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_ERRNO 512

static const char *op, *path;
static long count;
static int each;
static long sleep_ms, seconds;
static time_t deadline;
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
	if (strcmp(op, "fork") == 0) {
		pid_t pid = fork();

		if (pid < 0)
			return errno;
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		return 0;
	}
	if (strcmp(op, "write") == 0) {
		int e = 0;

		memset(buf, 'k', sizeof(buf));
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return errno;
		for (int i = 0; i < 16 && !e; i++)
			if (write(fd, buf, sizeof(buf)) < 0)
				e = errno;
		close(fd);
		unlink(path);
		return e;
	}
	/* direct */
	{
		static __thread void *block;
		int e = 0;

		if (!block && posix_memalign(&block, 4096, 4096))
			return ENOMEM;
		memset(block, 'k', 4096);
		fd = open(path, O_WRONLY | O_DIRECT);
		if (fd < 0)
			return errno;
		if (pwrite(fd, block, 4096, 0) < 0)
			e = errno;
		close(fd);
		return e;
	}
}

static const char *comm;

static void *worker(void *arg)
{
	(void)arg;
	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0))
		return NULL;
	for (long i = 0; !count || i < count; i++) {
		int e;

		if (deadline && time(NULL) >= deadline)
			break;
		e = attempt();

		pthread_mutex_lock(&lock);
		tally[e > MAX_ERRNO ? MAX_ERRNO : e]++;
		if (each)
			printf("%s %ld: %s\n", op, i + 1, e ? strerrorname_np(e) : "ok");
		pthread_mutex_unlock(&lock);
		if (sleep_ms)
			usleep((useconds_t)sleep_ms * 1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1, c;
	pthread_t tid[64];

	while ((c = getopt(argc, argv, "c:t:s:d:e")) != -1) {
		switch (c) {
		case 'd': seconds = atol(optarg); break;
		case 's': sleep_ms = atol(optarg); break;
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
	if (strcmp(op, "umask") && strcmp(op, "fork") && !path)
		return 2;
	if (strcmp(op, "mount") && strcmp(op, "umask") && strcmp(op, "write") &&
	    strcmp(op, "direct") && strcmp(op, "fork"))
		return 2;
	if (!count && !seconds)
		return 2;
	if (seconds)
		deadline = time(NULL) + seconds;
	setvbuf(stdout, NULL, _IOLBF, 0);
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
