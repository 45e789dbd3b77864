// SPDX-License-Identifier: MIT
/*
 * runtime/command.c: a command is held before its exec until released,
 * its end is reported as a shell does, and freeing it never leaves it
 * running. No root, no kernel feature: plain processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "command.h"

static char dir[] = "/tmp/kf-test-command.XXXXXX";

static char *path_in_dir(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static bool exists(const char *name)
{
	return access(path_in_dir(name), F_OK) == 0;
}

/* The command has not run a single instruction of its own before its release. */
static void test_held_until_release(void **state)
{
	char script[512];
	char *argv[] = { "sh", "-c", script, NULL };
	struct kf_command *cmd;

	(void)state;
	snprintf(script, sizeof(script), "echo $$ > %s; exit 7", path_in_dir("ran"));
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	assert_true(kf_command__pid(cmd) > 0);
	usleep(100 * 1000);
	assert_false(exists("ran"));
	assert_int_equal(kf_command__status(cmd), -EAGAIN);
	assert_int_equal(kf_command__wait(cmd, 0), -ETIMEDOUT);

	assert_int_equal(kf_command__release(cmd), 0);
	assert_int_equal(kf_command__release(cmd), -EALREADY);
	assert_int_equal(kf_command__wait(cmd, -1), 0);
	assert_int_equal(kf_command__status(cmd), 7);
	assert_true(exists("ran"));

	/* The pid it was targeted by is the pid that ran (exec keeps it). */
	FILE *f = fopen(path_in_dir("ran"), "r");
	int pid = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	assert_int_equal(pid, kf_command__pid(cmd));
	kf_command__free(cmd);
	unlink(path_in_dir("ran"));
}

/* Freed before its release: it ends without having run. */
static void test_free_unreleased(void **state)
{
	char script[512];
	char *argv[] = { "sh", "-c", script, NULL };
	struct kf_command *cmd;
	pid_t pid;

	(void)state;
	snprintf(script, sizeof(script), "touch %s", path_in_dir("never"));
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	pid = kf_command__pid(cmd);
	kf_command__free(cmd);
	assert_int_equal(kill(pid, 0), -1);	/* reaped: gone */
	assert_int_equal(errno, ESRCH);
	usleep(50 * 1000);
	assert_false(exists("never"));
}

/* Freed while it runs: killed and reaped. */
static void test_free_running(void **state)
{
	char *argv[] = { "sleep", "100", NULL };
	struct kf_command *cmd;
	pid_t pid;

	(void)state;
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	pid = kf_command__pid(cmd);
	assert_int_equal(kf_command__release(cmd), 0);
	assert_int_equal(kf_command__wait(cmd, 50), -ETIMEDOUT);
	kf_command__free(cmd);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

/* A signal's end is 128+N, as a shell says; the raw status is there too. */
static void test_signal_status(void **state)
{
	char *argv[] = { "sleep", "100", NULL };
	struct kf_command *cmd;

	(void)state;
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	assert_int_equal(kf_command__release(cmd), 0);
	assert_int_equal(kf_command__kill(cmd, SIGTERM), 0);
	assert_int_equal(kf_command__wait(cmd, 5000), 0);
	assert_int_equal(kf_command__status(cmd), 128 + SIGTERM);
	assert_true(WIFSIGNALED(kf_command__wait_status(cmd)));
	assert_int_equal(kf_command__kill(cmd, SIGTERM), -ESRCH);
	kf_command__free(cmd);
}

/* Not found / not executable: refused before anything is forked. */
static void test_lookup(void **state)
{
	char *missing[] = { "kfault-no-such-command", NULL };
	char *plain[] = { NULL, NULL };
	char *empty[] = { NULL };
	char file[512];
	int fd;

	(void)state;
	assert_int_equal(kf_command_lookup("sh"), 0);
	assert_int_equal(kf_command_lookup("kfault-no-such-command"), -ENOENT);
	assert_int_equal(kf_command_lookup(""), -ENOENT);
	errno = 0;
	assert_null(kf_command__start(missing, NULL));
	assert_int_equal(errno, ENOENT);

	snprintf(file, sizeof(file), "%s", path_in_dir("not-executable"));
	fd = open(file, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	plain[0] = file;
	assert_null(kf_command__start(plain, NULL));
	assert_int_equal(errno, EACCES);
	unlink(file);

	assert_null(kf_command__start(empty, NULL));
	assert_int_equal(errno, EINVAL);
}

/* Its standard output and error go where the caller says. */
static void test_redirect(void **state)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct kf_command *cmd;
	char buf[64] = "";
	int out, err;
	FILE *f;

	(void)state;
	out = open(path_in_dir("out"), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	err = open(path_in_dir("err"), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(out > 2 && err > 2);
	KF_COMMAND_OPTS(opts, .stdout_fd = out, .stderr_fd = err);
	cmd = kf_command__start(argv, &opts);
	assert_non_null(cmd);
	close(out);
	close(err);
	assert_int_equal(kf_command__release(cmd), 0);
	assert_int_equal(kf_command__wait(cmd, -1), 0);
	assert_int_equal(kf_command__status(cmd), 3);
	kf_command__free(cmd);

	f = fopen(path_in_dir("out"), "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "out\n");
	f = fopen(path_in_dir("err"), "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "err\n");
	unlink(path_in_dir("out"));
	unlink(path_in_dir("err"));
}

/* A found file whose exec fails (its interpreter is missing): release says
 * why, and it ends as a shell's command would, 127. */
static void test_exec_fails(void **state)
{
	char file[512];
	char *argv[] = { file, NULL };
	struct kf_command *cmd;
	int fd;

	(void)state;
	snprintf(file, sizeof(file), "%s", path_in_dir("garbage"));
	fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/kfault/no/such/interpreter\n", 30), 30);
	close(fd);
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	assert_int_equal(kf_command__release(cmd), -ENOENT);
	assert_int_equal(kf_command__wait(cmd, -1), 0);
	assert_int_equal(kf_command__status(cmd), 127);
	kf_command__free(cmd);
	unlink(file);
}

/*
 * A file the kernel cannot execute (ENOEXEC: no #!, not ELF) is not handed
 * to /bin/sh as execvp() would: a failed allocation in the kernel's ELF
 * loader says ENOEXEC too, and the binary was then run as a script. Here
 * the "script" would create a file if a shell ran it.
 */
static void test_no_shell_fallback(void **state)
{
	char file[512], line[600];
	char *argv[] = { file, NULL };
	struct kf_command *cmd;
	int fd, n;

	(void)state;
	snprintf(file, sizeof(file), "%s", path_in_dir("not-a-script"));
	n = snprintf(line, sizeof(line), "touch %s\n", path_in_dir("shell-ran"));
	fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, (size_t)n), n);
	close(fd);
	cmd = kf_command__start(argv, NULL);
	assert_non_null(cmd);
	assert_int_equal(kf_command__release(cmd), -ENOEXEC);
	assert_int_equal(kf_command__wait(cmd, -1), 0);
	assert_int_equal(kf_command__status(cmd), 126);
	assert_false(exists("shell-ran"));
	kf_command__free(cmd);
	unlink(file);
	unlink(path_in_dir("shell-ran"));
}

/* Options: a larger struct with unknown non-zero bytes is refused. */
static void test_opts(void **state)
{
	struct { struct kf_command_opts o; int future; } big = {
		.o.sz = sizeof(big), .future = 1,
	};
	char *argv[] = { "true", NULL };

	(void)state;
	assert_null(kf_command__start(argv, &big.o));
	assert_int_equal(errno, EINVAL);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_until_release),
		cmocka_unit_test(test_free_unreleased),
		cmocka_unit_test(test_free_running),
		cmocka_unit_test(test_signal_status),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_exec_fails),
		cmocka_unit_test(test_no_shell_fallback),
		cmocka_unit_test(test_opts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
