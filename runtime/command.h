/* SPDX-License-Identifier: MIT */
/*
 * A command run under injection (kfault run FILE -- CMD): started by
 * kfault, held before its first instruction until the injection that
 * targets its pid is armed, then let go; its end reported as a shell does.
 *
 *   struct kf_command *cmd = kf_command__start(argv, NULL);  // forked, held
 *   KF_INJECTOR_OPTS(o, .pid = kf_command__pid(cmd), .children = true);
 *   ... kf_injector__open_*(..., &o), __load, __attach, __arm ...
 *   kf_command__release(cmd);          // it execs now, already targeted
 *   kf_command__wait(cmd, -1);
 *   int status = kf_command__status(cmd);  // 0-255, or 128+N for signal N
 *   kf_command__free(cmd);
 *
 * The command dies with the process that started it, whatever way that
 * ends (kill -9 included), so it never runs on after its injection's owner.
 * Nothing here installs signal handlers or prints.
 */
#ifndef KFAULT_COMMAND_H
#define KFAULT_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "injector.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kf_command_opts {
	size_t sz;		/* sizeof(struct kf_command_opts) */
	/* > 0: the command's standard input, output, error; 0: the caller's. */
	int stdin_fd;
	int stdout_fd;
	int stderr_fd;
	size_t :0;
};

#define KF_COMMAND_OPTS(name, ...)					\
	struct kf_command_opts name = {					\
		.sz = sizeof(struct kf_command_opts), __VA_ARGS__	\
	}

struct kf_command;

/*
 * Look argv[0] up as execvp() would (a path with a '/', else $PATH) and
 * fork it, held before its exec (execv() of the file found: a file the
 * kernel cannot execute, ENOEXEC, is not handed to /bin/sh as execvp()
 * would). NULL with errno: ENOENT (not found: a
 * shell's 127), EACCES (not executable: 126), EINVAL (bad opts, empty
 * argv), or what fork/pipe failed with.
 */
struct kf_command *kf_command__start(char *const argv[], const struct kf_command_opts *opts);
/* Whether name would run, looked up as kf_command__start() does: 0, -ENOENT or -EACCES. */
int kf_command_lookup(const char *name);
/* Its pid, to target. */
pid_t kf_command__pid(const struct kf_command *cmd);
/*
 * Let it exec. Returns once it runs its own program: 0, or the negative
 * errno its exec failed with (it then ends with 127 or 126, as in a shell).
 * -EALREADY if released before.
 */
int kf_command__release(struct kf_command *cmd);
/*
 * Wait up to timeout_ms (< 0: for ever, 0: just look) for it to end.
 * 0 when it has ended, -ETIMEDOUT when not yet, -EINTR when a signal came.
 */
int kf_command__wait(struct kf_command *cmd, int timeout_ms);
/* A descriptor that polls readable when it has ended (to poll with others). */
int kf_command__fd(const struct kf_command *cmd);
/* Its status as a shell reports it: the exit status, 128+N if signal N killed it; -EAGAIN while it runs. */
int kf_command__status(const struct kf_command *cmd);
/* The raw wait status (<sys/wait.h>'s WIFEXITED...); -EAGAIN while it runs. */
int kf_command__wait_status(const struct kf_command *cmd);
/* Send it sig. -ESRCH when it has ended. */
int kf_command__kill(struct kf_command *cmd, int sig);
/*
 * Free it. Not released: it ends without having run. Still running: it is
 * killed (SIGKILL) and reaped; wait for it first to let it finish.
 */
void kf_command__free(struct kf_command *cmd);

/* ---- kfault run OBJECT -- CMD as one call ---- */

struct kf_run_opts {
	size_t sz;		/* sizeof(struct kf_run_opts) */
	/* Injection stops after this long (CMD runs on); 0: the object's own duration. */
	uint64_t duration_ms;
	/* Keep it armed when every `times` is used up. */
	bool stay_armed;
	/* > 0: CMD is killed (SIGKILL) if it runs longer; its status is then 137. */
	int timeout_ms;
	/* With the injector opened with log_events: called for each injected failure. */
	kf_event_fn on_event;
	void *ctx;
	/* CMD's standard streams, as in kf_command_opts (0: the caller's). */
	int stdin_fd;
	int stdout_fd;
	int stderr_fd;
	size_t :0;
};

#define KF_RUN_OPTS(name, ...)						\
	struct kf_run_opts name = {					\
		.sz = sizeof(struct kf_run_opts), __VA_ARGS__		\
	}

/*
 * Run argv under inj, an injector opened but not loaded, as `kfault run
 * OBJECT -- CMD` does: CMD is started held, inj targets it and every
 * process it starts (kf_injector__set_target_pid), is loaded, attached and
 * armed (or scheduled) before CMD's first instruction, and detached when
 * CMD ends; `duration`, `times` and schedules work as in kfault run.
 * Afterwards kf_injector__stats() has the counters.
 *
 * Returns CMD's status as a shell reports it (0-255, 128+N for signal N),
 * or a negative errno when it could not run under the injection, and then
 * it did not run at all; kf_injector__errmsg() says why: CMD not found or
 * not executable (-ENOENT, -EACCES), or what load or attach failed with
 * (-EPERM, -ENOENT, -EOPNOTSUPP: this kernel or user cannot inject, as
 * for kf_injector__load()). -EINVAL: bad opts; -EBUSY: inj was loaded already.
 *
 * It blocks until CMD ends and installs no signal handler: if the caller
 * dies, CMD is killed with it and the kernel removes the probes.
 */
int kf_injector__run_command(struct kf_injector *inj, char *const argv[],
			     const struct kf_run_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
