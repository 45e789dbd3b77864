// SPDX-License-Identifier: MIT
/*
 * A command run under injection (command.h): fork, hold before exec,
 * release, wait, report as a shell does.
 *
 * The child waits on one end of a socket pair before its exec; the parent
 * releases it by writing a byte and then reads: end of file means the exec
 * happened (the child's end is close-on-exec), an int is the errno the
 * exec failed with. A socket rather than a pipe so that releasing a child
 * that died meanwhile is an error, not a SIGPIPE (send with MSG_NOSIGNAL).
 */
#define _GNU_SOURCE	/* SOCK_CLOEXEC */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "injector_priv.h"
#include "opts.h"
#include "session.h"

struct kf_command {
	pid_t pid;
	int sock;		/* our end of the hold; -1 once released */
	int pidfd;		/* polls readable when it ends; -1 where the kernel has none */
	bool ended;
	int wstatus;
};

/*
 * The file name runs, looked up as execvp() does: a path with a '/', else
 * each $PATH entry; in buf. 0, -ENOENT, or -EACCES (there, not executable).
 */
static int find_command(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *end;
	int err = -ENOENT;
	struct stat st;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if (snprintf(buf, size, "%s", name) >= (int)size)
			return -ENAMETOOLONG;
		return access(name, X_OK) == 0 ? 0 : -errno;
	}
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (p = path; ; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		if (snprintf(buf, size, "%.*s/%s", (int)n, n ? p : ".", name) < (int)size &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			err = -EACCES;
		}
		if (!end)
			return err;
	}
}

int kf_command_lookup(const char *name)
{
	char buf[4096];

	return find_command(name, buf, sizeof(buf));
}

/* In the child: fd onto target (0, 1, 2) when given. */
static int redirect(int fd, int target)
{
	if (fd <= 0 || fd == target)
		return 0;
	return dup2(fd, target) < 0 ? -1 : 0;
}

/*
 * In the child: never returns. Its streams are set up while it is held,
 * before it is targeted: once released, the only system calls that are
 * still kfault's are the end of the read() that waits and the exec. The
 * exec is execv() of the file found, never /bin/sh's as execvp() falls
 * back to on ENOEXEC: under injection the kernel's ELF loader answers
 * ENOEXEC for a failed allocation (6.1, load_elf_phdrs), and execvp() then
 * ran the binary as a shell script (found by bench/sweep: files named
 * after its bytes appeared).
 */
static void child(int sock, pid_t parent, const char *file, char *const argv[],
		  const struct kf_command_opts *opts)
{
	int err = 0;
	char go;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	if (redirect(KF_OPTS_GET(opts, stdin_fd, 0), 0) ||
	    redirect(KF_OPTS_GET(opts, stdout_fd, 0), 1) ||
	    redirect(KF_OPTS_GET(opts, stderr_fd, 0), 2))
		err = errno;
	if (read(sock, &go, 1) != 1)
		_exit(127);	/* freed before its release: it ends unrun */
	if (!err && execv(file, argv))
		err = errno;
	if (write(sock, &err, sizeof(err)) != sizeof(err))
		_exit(127);
	_exit(err == ENOENT ? 127 : 126);
}

struct kf_command *kf_command__start(char *const argv[], const struct kf_command_opts *opts)
{
	pid_t parent = getpid();
	struct kf_command *cmd;
	char file[4096];
	int sv[2], err;

	if (!kf_opts_valid(opts, sizeof(*opts)) || !argv || !argv[0]) {
		errno = EINVAL;
		return NULL;
	}
	err = find_command(argv[0], file, sizeof(file));
	if (err) {
		errno = -err;
		return NULL;
	}
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return NULL;
	cmd->pidfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		goto free_cmd;
	cmd->pid = fork();
	if (cmd->pid < 0)
		goto close_socks;
	if (cmd->pid == 0) {
		close(sv[0]);
		child(sv[1], parent, file, argv, opts);
	}
	close(sv[1]);
	cmd->sock = sv[0];
#ifdef SYS_pidfd_open
	cmd->pidfd = (int)syscall(SYS_pidfd_open, cmd->pid, 0);
#endif
	return cmd;

close_socks:
	err = errno;
	close(sv[0]);
	close(sv[1]);
	errno = err;
free_cmd:
	err = errno;
	free(cmd);
	errno = err;
	return NULL;
}

pid_t kf_command__pid(const struct kf_command *cmd)
{
	return cmd->pid;
}

int kf_command__release(struct kf_command *cmd)
{
	int child_err = 0;
	ssize_t n;

	if (cmd->sock < 0)
		return -EALREADY;
	if (send(cmd->sock, "g", 1, MSG_NOSIGNAL) != 1) {
		child_err = errno;
		close(cmd->sock);
		cmd->sock = -1;
		return -child_err;
	}
	do
		n = read(cmd->sock, &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	close(cmd->sock);
	cmd->sock = -1;
	if (n == sizeof(child_err))
		return -child_err;
	return n == 0 ? 0 : -EIO;
}

/* 1: it has ended, 0: not yet, or a negative errno (-ECHILD: someone else reaped it). */
static int reap(struct kf_command *cmd, bool block)
{
	pid_t p;

	if (cmd->ended)
		return 1;
	p = waitpid(cmd->pid, &cmd->wstatus, block ? 0 : WNOHANG);
	if (p < 0)
		return -errno;
	if (p == cmd->pid)
		cmd->ended = true;
	return cmd->ended;
}

int kf_command__wait(struct kf_command *cmd, int timeout_ms)
{
	struct timespec start, now;
	int r = reap(cmd, false);

	if (r)
		return r < 0 ? r : 0;
	if (timeout_ms == 0)
		return -ETIMEDOUT;
	if (cmd->pidfd >= 0) {
		struct pollfd pfd = { .fd = cmd->pidfd, .events = POLLIN };

		if (poll(&pfd, 1, timeout_ms) < 0)
			return -errno;
		r = reap(cmd, false);
		return r < 0 ? r : r ? 0 : -ETIMEDOUT;
	}
	if (timeout_ms < 0) {
		r = reap(cmd, true);
		return r < 0 ? r : 0;
	}
	/* No pidfd (before Linux 5.3): look every 5 ms. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct timespec nap = { 0, 5 * 1000 * 1000 };

		if (nanosleep(&nap, NULL))
			return -errno;
		r = reap(cmd, false);
		if (r)
			return r < 0 ? r : 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= timeout_ms)
			return -ETIMEDOUT;
	}
}

int kf_command__fd(const struct kf_command *cmd)
{
	return cmd->pidfd;
}

int kf_command__wait_status(const struct kf_command *cmd)
{
	return cmd->ended ? cmd->wstatus : -EAGAIN;
}

int kf_command__status(const struct kf_command *cmd)
{
	if (!cmd->ended)
		return -EAGAIN;
	if (WIFSIGNALED(cmd->wstatus))
		return 128 + WTERMSIG(cmd->wstatus);
	return WEXITSTATUS(cmd->wstatus);
}

int kf_command__kill(struct kf_command *cmd, int sig)
{
	if (cmd->ended)
		return -ESRCH;
	return kill(cmd->pid, sig) ? -errno : 0;
}

void kf_command__free(struct kf_command *cmd)
{
	if (!cmd)
		return;
	if (cmd->sock >= 0)
		close(cmd->sock);	/* held: it reads end of file and ends unrun */
	else if (!cmd->ended)
		kill(cmd->pid, SIGKILL);
	while (reap(cmd, true) == -EINTR)
		;
	if (cmd->pidfd >= 0)
		close(cmd->pidfd);
	free(cmd);
}

/* ---- kfault run OBJECT -- CMD as one call ---- */

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

int kf_injector__run_command(struct kf_injector *inj, char *const argv[],
			     const struct kf_run_opts *opts)
{
	int timeout_ms = KF_OPTS_GET(opts, timeout_ms, 0);
	KF_COMMAND_OPTS(copts,
		.stdin_fd = KF_OPTS_GET(opts, stdin_fd, 0),
		.stdout_fd = KF_OPTS_GET(opts, stdout_fd, 0),
		.stderr_fd = KF_OPTS_GET(opts, stderr_fd, 0));
	KF_SESSION_OPTS(sopts,
		.duration_ms = KF_OPTS_GET(opts, duration_ms, 0),
		.stay_armed = KF_OPTS_GET(opts, stay_armed, false));
	kf_event_fn fn = KF_OPTS_GET(opts, on_event, NULL);
	void *ctx = KF_OPTS_GET(opts, ctx, NULL);
	struct kf_session *session = NULL;
	struct kf_command *cmd;
	struct timespec start;
	const char *why = NULL;
	bool stopped = false;
	int err;

	if (!kf_opts_valid(opts, sizeof(*opts)) || !inj || timeout_ms < 0)
		return -EINVAL;
	cmd = kf_command__start(argv, &copts);
	if (!cmd)
		return kf_injector_fail(inj, errno, "%s: %s", argv && argv[0] ? argv[0] : "(no command)",
					errno == ENOENT ? "command not found" : strerror(errno));
	err = kf_injector__set_target_pid(inj, kf_command__pid(cmd), true);
	if (err)
		kf_injector_fail(inj, err, "the injector is loaded already: open a new one for a command");
	else
		err = kf_injector__load(inj);
	if (!err)
		err = kf_injector__attach(inj);
	if (err)
		goto free_cmd;
	session = kf_session__new(inj, &sopts);
	if (!session) {
		err = kf_injector_fail(inj, errno, "out of memory");
		goto free_cmd;
	}
	err = kf_session__start(session);
	if (err) {
		if (err == -EINVAL)
			kf_injector_fail(inj, err, "a schedule of this object does not parse");
		goto free_session;
	}
	err = kf_command__release(cmd);
	if (err) {
		kf_injector_fail(inj, err, "%s: %s", argv[0], strerror(-err));
		goto stop_session;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);

	/* Armed while CMD runs, until the duration or `times` ends it. */
	for (;;) {
		if (!why)
			why = kf_session__step(session, 20, fn, ctx);
		else if (!stopped) {
			/* Disarmed early: CMD runs on without injection. */
			kf_session__stop(session, fn, ctx);
			stopped = true;
		}
		err = kf_command__wait(cmd, why ? 20 : 0);
		if (err != -ETIMEDOUT && err != -EINTR)
			break;
		if (timeout_ms && elapsed_ms(&start) >= timeout_ms)
			kf_command__kill(cmd, SIGKILL);
	}
	if (!err)
		err = kf_command__status(cmd);
	else
		kf_injector_fail(inj, err, "cannot wait for %s: %s", argv[0], strerror(-err));
	if (stopped)
		goto free_session;
stop_session:
	kf_session__stop(session, fn, ctx);
free_session:
	kf_session__free(session);
free_cmd:
	kf_command__free(cmd);
	kf_injector__detach(inj);
	return err;
}
