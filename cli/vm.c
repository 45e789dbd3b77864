// SPDX-License-Identifier: MIT
/*
 * kfault run --vm and kfault vm build (vm.h). The VM itself is the test
 * harness's runner (tests/vm/run, docs in tests/vm/README.md): a bash script
 * that boots the cached test kernel under qemu with the host's root shared
 * read-only, and reports crashes. This file gives it one command:
 *
 *   run -q -S -W -R -o TMP/vm -K KERNEL -s CWD  command CWD TMP/env  kfault-run
 *       [OPTIONS] OBJECT -- CMD [ARG...]
 *
 * where 'command' (tests/vm/command) runs in the guest, in the same
 * directory (shared writable), with the caller's environment, and sends
 * CMD's stdout and stderr to serial ports the runner copies to ours live.
 * The object is compiled here, against the VM kernel's BTF: no compiler
 * runs in the (emulated, slow) guest, only kfault-run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep-cmd.h"
#include "vm.h"

extern char **environ;

#define VM_RUN_ARGS	40		/* the runner's own and kfault-run's options, at most */
#define VM_TIMEOUT	"3600"		/* seconds, unless $KFAULT_VM_TIMEOUT says */
#define VM_MAX_FRAGMENTS 16		/* kfault vm build --config, at most */

/* The runner's exit statuses besides the test's (tests/vm/README.md). */
#define RUNNER_USAGE	240
#define RUNNER_WARN	245

/* snprintf() for paths: 0, or -ENAMETOOLONG when it does not fit. */
__attribute__((format(printf, 3, 4)))
static int pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The directory of this program: "/usr/bin", ".../build/cli". */
static int exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

/*
 * The VM's files: $KFAULT_VM_DIR, or share/kfault/vm beside the program's
 * directory (bin/ installed, cli/ in the build tree, which has a copy).
 */
static int vm_dir(char *buf, size_t size)
{
	const char *env = getenv("KFAULT_VM_DIR");
	char dir[PATH_MAX], run[PATH_MAX + 8];
	int err;

	if (env && *env) {
		err = pathf(buf, size, "%s", env);
	} else {
		err = exe_dir(dir, sizeof(dir));
		if (!err)
			err = pathf(buf, size, "%s/../share/kfault/vm", dir);
	}
	if (!err)
		err = pathf(run, sizeof(run), "%s/run", buf);
	if (err)
		return err;
	if (access(run, X_OK))
		return -errno;
	return 0;
}

/*
 * Start argv (argv[0] a path), its stdout to out (-1: ours), with our
 * environment and setenv, a NAME=VALUE, or NULL: its pid, or -1.
 */
static pid_t spawn(char *const argv[], int out, char *setenv)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (out >= 0 && dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		if (setenv)
			putenv(setenv);	/* the child's copy */
		execv(argv[0], argv);
		fprintf(stderr, "kfault: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static volatile sig_atomic_t forward_signal;

static void on_signal(int sig)
{
	forward_signal = sig;
}

/*
 * Wait for pid, passing SIGTERM and SIGHUP on to it; SIGINT (Ctrl-C) is the
 * terminal's, which sends it to pid too. Its wait status, or -1.
 */
static int wait_child(pid_t pid)
{
	struct sigaction sa = { .sa_handler = on_signal }, ign = { .sa_handler = SIG_IGN };
	struct sigaction old_int, old_term, old_hup;
	int wstatus;

	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			wstatus = -1;
			break;
		}
		if (forward_signal) {
			kill(pid, forward_signal);
			forward_signal = 0;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return wstatus;
}

/*
 * A kernel the user built, in the directory path: its bzImage and its
 * vmlinux (the BTF a source is compiled against). 0, or the exit status
 * after saying why.
 */
static int user_kernel(const char *path, char *kdir, size_t size)
{
	static const char *const files[] = { "bzImage", "vmlinux" };
	char file[PATH_MAX + 16];
	struct stat st;

	if (!realpath(path, kdir) || strlen(kdir) >= size) {
		fprintf(stderr, "kfault: --vm-kernel %s: %s\n", path, strerror(errno ? errno : ENAMETOOLONG));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s", kdir, files[i]);
		if (stat(file, &st) || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "kfault: --vm-kernel %s: no %s in it (a kernel directory holds the "
				"bzImage and the vmlinux of one build: arch/x86/boot/bzImage and vmlinux)\n",
				path, files[i]);
			return EXIT_FAIL;
		}
	}
	return 0;
}

/*
 * The directory of the kernel a VM boots, in kdir. kernel is a directory
 * (a kernel the user built: used as it is) or a name of kfault's table
 * (tests/vm/kernel/kernels; NULL: $KFAULT_VM_KERNEL_VERSION, or 6.12),
 * built with the NULL-terminated config fragments (or none) if it is not
 * in the cache: a few minutes on 2 cores, once a machine; build-kernel
 * says so and shows its progress on stderr. 0, or the exit status after
 * saying why.
 */
static int vm_kernel(const char *dir, bool quiet, const char *kernel, char *const *fragments,
		     char *kdir, size_t size)
{
	char tool[PATH_MAX + 16], buf[PATH_MAX + 64];
	char *argv[2 * VM_MAX_FRAGMENTS + 3];
	size_t len = 0;
	ssize_t n;
	int fds[2], wstatus, argc = 0;
	struct stat st;
	pid_t pid;
	char *line;

	if (!kernel || !*kernel)
		kernel = getenv("KFAULT_VM_KERNEL_VERSION");
	if (!kernel || !*kernel)
		kernel = "6.12";
	if (strchr(kernel, '/') || (stat(kernel, &st) == 0 && S_ISDIR(st.st_mode)))
		return user_kernel(kernel, kdir, size);
	if (pathf(tool, sizeof(tool), "%s/build-kernel", dir)) {
		fprintf(stderr, "kfault: %s: %s\n", dir, strerror(ENAMETOOLONG));
		return EXIT_FAIL;
	}
	argv[argc++] = tool;
	for (size_t i = 0; fragments && fragments[i]; i++) {
		argv[argc++] = "--config";
		argv[argc++] = fragments[i];
	}
	argv[argc++] = (char *)kernel;
	argv[argc] = NULL;
	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "kfault: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	pid = spawn(argv, fds[1], quiet ? "KFAULT_VM_QUIET=1" : NULL);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		fprintf(stderr, "kfault: %s: %s\n", tool, strerror(errno));
		return EXIT_FAIL;
	}
	/* its stdout: the directory, as the last line; keep the end */
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		len += (size_t)n;
		if (len == sizeof(buf) - 1) {
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	close(fds[0]);
	wstatus = wait_child(pid);
	if (wstatus < 0 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus)) {
		fprintf(stderr, "kfault: no %s kernel for the VM (build-kernel says why, above)\n", kernel);
		return EXIT_FAIL;
	}
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	line = strrchr(buf, '\n');
	if (pathf(kdir, size, "%s", line ? line + 1 : buf)) {
		fprintf(stderr, "kfault: %s: %s\n", line ? line + 1 : buf, strerror(ENAMETOOLONG));
		return EXIT_FAIL;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Write the environment CMD gets in the guest: ours, but for what names this host's /tmp or /run. */
static int write_env(const char *path)
{
	static const char *const dropped[] = { "TMPDIR=", "XDG_RUNTIME_DIR=" };
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (char **e = environ; *e; e++) {
		bool keep = true;

		for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
			if (strncmp(*e, dropped[i], strlen(dropped[i])) == 0)
				keep = false;
		if (keep)
			fwrite(*e, 1, strlen(*e) + 1, f);
	}
	return fclose(f) ? -errno : 0;
}

/* Copy the file from to the file to: 0 or a negative errno. */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
	char buf[4096];
	size_t len;
	int err = 0;

	if (!in || !out)
		err = -errno;
	while (!err && (len = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, len, out) != len)
			err = -errno;
	if (!err && ferror(in))
		err = -EIO;
	if (out && fclose(out) && !err)
		err = -errno;
	if (in)
		fclose(in);
	return err;
}

static int write_object(const char *path, const void *data, size_t size)
{
	int err = cli_write_file(path, data, size);

	if (err)
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
	return err ? EXIT_FAIL : 0;
}

/*
 * What runs in the guest besides the object and the command: the guest
 * kfault-run's arguments (args), what to do with the guest's output
 * directory once it ended (after), and whether a kernel WARN ends the boot
 * as a failure (run: yes; sweep classes it itself).
 */
struct vm_guest {
	int (*args)(void *ctx, char **argv, int n, const char *out, const char *cwd);
	void (*after)(void *ctx, const char *out);
	void *ctx;
	bool warn_fails;
	char **command;
	const char *kernel;	/* --vm-kernel, or NULL */
};

static int vm_boot(const struct cli_command *cmd, const char *path, run_compile_fn compile,
		   void *ctx, const struct vm_guest *g)
{
	char dir[PATH_MAX], kdir[PATH_MAX], bin[PATH_MAX], cwd[PATH_MAX];
	char tmp[PATH_MAX], out[PATH_MAX + 8], env[PATH_MAX + 8], obj_path[2 * PATH_MAX];
	char run[PATH_MAX + 8], command[PATH_MAX + 16], guest_run[PATH_MAX + 16];
	char status_path[PATH_MAX + 32], vmlinux[PATH_MAX + 16];
	const char *tmpdir = getenv("TMPDIR"), *timeout = getenv("KFAULT_VM_TIMEOUT");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char **argv = NULL;
	void *obj = NULL;
	size_t obj_size = 0, ncmd = 0;
	int status, err, wstatus, n = 0;
	bool keep = false;
	FILE *f;

	err = vm_dir(dir, sizeof(dir));
	if (err) {
		fprintf(stderr, "kfault: --vm: kfault's VM files are not installed (%s/run: %s); "
			"set KFAULT_VM_DIR to a kfault tree's tests/vm\n", dir, strerror(-err));
		return EXIT_FAIL;
	}
	if (exe_dir(bin, sizeof(bin)) || !getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "kfault: --vm: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(guest_run, sizeof(guest_run), "%s/kfault-run", bin);
	if (access(guest_run, X_OK)) {
		fprintf(stderr, "kfault: --vm: %s: %s (installed next to kfault)\n", guest_run, strerror(errno));
		return EXIT_FAIL;
	}
	status = vm_kernel(dir, true, g->kernel, NULL, kdir, sizeof(kdir));
	if (status)
		return status;

	/* The object: a source is compiled here, for the VM's kernel. */
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", kdir);
	if (!cli_is_elf(path)) {
		if (!compile) {
			fprintf(stderr, "kfault: %s: not a BPF object; %s runs objects that 'kfault build' "
				"made\n", path, cmd->name);
			return EXIT_FAIL;
		}
		status = compile(ctx, path, vmlinux, true, &obj, &obj_size);
		if (status)
			return status;
	}

	snprintf(tmp, sizeof(tmp), "%s/kfault-vm.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "kfault: %s: %s\n", tmp, strerror(errno));
		free(obj);
		return EXIT_FAIL;
	}
	snprintf(out, sizeof(out), "%s/vm", tmp);
	snprintf(env, sizeof(env), "%s/env", tmp);
	snprintf(status_path, sizeof(status_path), "%s/1-command/status", out);
	if (obj) {
		snprintf(obj_path, sizeof(obj_path), "%s/%s.bpf.o", tmp, base);
		status = write_object(obj_path, obj, obj_size);
		free(obj);
		if (status)
			goto remove_tmp;
	} else {
		snprintf(obj_path, sizeof(obj_path), "%s", path);
	}
	err = write_env(env);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", env, strerror(-err));
		status = EXIT_FAIL;
		goto remove_tmp;
	}

	for (char **c = g->command; *c; c++)
		ncmd++;
	argv = calloc(VM_RUN_ARGS + ncmd + 1, sizeof(*argv));
	if (!argv) {
		fprintf(stderr, "kfault: %s\n", strerror(errno));
		status = EXIT_FAIL;
		goto remove_tmp;
	}
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(command, sizeof(command), "%s/command", dir);
	/* the runner: quiet, CMD's output streamed, a WARN a problem (for run), arguments as they are */
	argv[n++] = run;
	argv[n++] = g->warn_fails ? "-qSWR" : "-qSR";
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n++] = "-K";
	argv[n++] = kdir;
	argv[n++] = "-t";
	argv[n++] = (char *)(timeout && *timeout ? timeout : VM_TIMEOUT);
	argv[n++] = "-s";
	argv[n++] = cwd;
	argv[n++] = command;
	argv[n++] = cwd;
	argv[n++] = env;
	/* kfault-run in the guest, with the options in their long form */
	argv[n++] = guest_run;
	n = g->args(g->ctx, argv, n, out, cwd);
	argv[n++] = obj_path;
	argv[n++] = "--";
	for (size_t i = 0; i < ncmd; i++)
		argv[n++] = g->command[i];

	fflush(NULL);
	wstatus = wait_child(spawn(argv, -1, NULL));
	if (wstatus < 0 || !WIFEXITED(wstatus)) {
		status = EXIT_VM;
		keep = true;
	} else if (WEXITSTATUS(wstatus) == RUNNER_USAGE) {
		status = EXIT_FAIL;	/* it said why */
	} else if (WEXITSTATUS(wstatus) > RUNNER_USAGE && WEXITSTATUS(wstatus) <= RUNNER_WARN) {
		fprintf(stderr, "kfault: the test VM went wrong, not %s (above); its console: %s/console.log\n",
			g->command[0], out);
		status = EXIT_VM;
		keep = true;
	} else if (WEXITSTATUS(wstatus) >= 128 + 1 && WEXITSTATUS(wstatus) <= 128 + 15 &&
		   access(status_path, F_OK)) {
		status = WEXITSTATUS(wstatus);	/* interrupted: the runner said so */
	} else if (!(f = fopen(status_path, "r")) || fscanf(f, "%d", &status) != 1) {
		fprintf(stderr, "kfault: the test VM ended without %s's status; its console: %s/console.log\n",
			g->command[0], out);
		if (f)
			fclose(f);
		status = EXIT_VM;
		keep = true;
	} else {
		fclose(f);
	}
	if (!keep && g->after)
		g->after(g->ctx, out);
remove_tmp:
	free(argv);
	if (!keep)
		nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return status;
}

/* ---- run --vm ---- */

struct run_guest {
	const struct run_opts *o;
	const char *path;	/* the file as the user named it */
	char duration[32];
	char json_guest[PATH_MAX + 32], json_opt[PATH_MAX + 48];
};

static int run_args(void *ctx, char **argv, int n, const char *out, const char *cwd)
{
	struct run_guest *rg = ctx;
	const struct run_opts *o = rg->o;

	(void)cwd;
	if (o->inj.backend != KF_BACKEND_AUTO) {
		argv[n++] = "--backend";
		argv[n++] = (char *)kf_backend_name(o->inj.backend);
	}
	if (o->session.duration_ms) {
		snprintf(rg->duration, sizeof(rg->duration), "%llums",
			 (unsigned long long)o->session.duration_ms);
		argv[n++] = "--duration";
		argv[n++] = rg->duration;
	}
	if (o->session.stay_armed)
		argv[n++] = "--stay-armed";
	if (o->log)
		argv[n++] = "--log";
	if (o->stack)
		argv[n++] = "--stack";
	if (o->verbose)
		argv[n++] = "--verbose";
	/* messages name the file given, not the object compiled from it */
	argv[n++] = "--name";
	argv[n++] = (char *)(o->name ? o->name : rg->path);
	snprintf(rg->json_guest, sizeof(rg->json_guest), "%s/report.json", out);
	if (o->json && o->json_path) {
		snprintf(rg->json_opt, sizeof(rg->json_opt), "--json=%s", rg->json_guest);
		argv[n++] = rg->json_opt;
	} else if (o->json) {
		argv[n++] = "--json";
	}
	return n;
}

/* --json=FILE: written in the guest where it can write, copied here */
static void run_after(void *ctx, const char *out)
{
	struct run_guest *rg = ctx;
	int err;

	(void)out;
	if (rg->o->json && rg->o->json_path && access(rg->json_guest, F_OK) == 0) {
		err = copy_file(rg->json_guest, rg->o->json_path);
		if (err)
			fprintf(stderr, "kfault: %s: %s\n", rg->o->json_path, strerror(-err));
	}
}

int vm_run(const struct cli_command *cmd, const struct run_opts *o, const char *path,
	   run_compile_fn compile, void *ctx)
{
	struct run_guest rg = { .o = o, .path = path };
	struct vm_guest g = { run_args, run_after, &rg, true, o->command, o->vm_kernel };

	return vm_boot(cmd, path, compile, ctx, &g);
}

/* ---- sweep --vm ---- */

struct sweep_guest {
	const struct sweep_opts *o;
	char timeout[32], max[32], errinj_errno[32];
	char json[PATH_MAX + 32], junit[PATH_MAX + 32], repro[PATH_MAX + 32], source[PATH_MAX];
	bool copy_json, copy_junit, copy_repro;
};

/*
 * Where the guest writes an output file: where it was asked, when that is
 * in the current directory (shared writable), else in the runner's output
 * directory, copied after (set *copy).
 */
static void guest_output(const char *want, const char *cwd, const char *out, const char *name,
			 char *buf, size_t size, bool *copy)
{
	char abs[PATH_MAX];
	size_t n = strlen(cwd);

	if (want[0] == '/')
		snprintf(abs, sizeof(abs), "%s", want);
	else
		snprintf(abs, sizeof(abs), "%s/%s", cwd, want);
	if (!strncmp(abs, cwd, n) && abs[n] == '/' && strcmp(cwd, "/")) {
		snprintf(buf, size, "%s", abs);
		*copy = false;
	} else {
		snprintf(buf, size, "%s/%s", out, name);
		*copy = true;
	}
}

static int sweep_args(void *ctx, char **argv, int n, const char *out, const char *cwd)
{
	struct sweep_guest *sg = ctx;
	const struct sweep_opts *o = sg->o;

	argv[n++] = "sweep";
	argv[n++] = o->sweeper.by == KF_SWEEP_BY_NTH ? "--by=nth" : "--by=stack";
	argv[n++] = o->sweeper.always ? "--each=always" : "--each=once";
	snprintf(sg->timeout, sizeof(sg->timeout), "--timeout=%dms", o->sweeper.timeout_ms);
	argv[n++] = sg->timeout;
	if (o->sweeper.max_points) {
		snprintf(sg->max, sizeof(sg->max), "--max-points=%d", o->sweeper.max_points);
		argv[n++] = sg->max;
	}
	if (o->sweeper.sites == KF_SWEEP_SITES_ERRINJ)
		argv[n++] = "--sites=errinj";
	if (o->sweeper.errinj_errno) {
		snprintf(sg->errinj_errno, sizeof(sg->errinj_errno), "--errno=%d", -o->sweeper.errinj_errno);
		argv[n++] = sg->errinj_errno;
	}
	if (o->backend != KF_BACKEND_AUTO) {
		argv[n++] = "--backend";
		argv[n++] = (char *)kf_backend_name(o->backend);
	}
	if (o->json_path) {
		guest_output(o->json_path, cwd, out, "sweep.json", sg->json, sizeof(sg->json), &sg->copy_json);
		argv[n++] = "--json";
		argv[n++] = sg->json;
	}
	if (o->junit_path) {
		guest_output(o->junit_path, cwd, out, "sweep.xml", sg->junit, sizeof(sg->junit),
			     &sg->copy_junit);
		argv[n++] = "--junit";
		argv[n++] = sg->junit;
	}
	if (o->repro_dir) {
		guest_output(o->repro_dir, cwd, out, "repro", sg->repro, sizeof(sg->repro), &sg->copy_repro);
		argv[n++] = "--repro";
		argv[n++] = sg->repro;
	}
	if (o->source && realpath(o->source, sg->source)) {
		argv[n++] = "--source";
		argv[n++] = sg->source;
	}
	return n;
}

static void copy_out(const char *from, const char *to)
{
	int err = copy_file(from, to);

	if (err)
		fprintf(stderr, "kfault: %s: %s\n", to, strerror(-err));
}

static void sweep_after(void *ctx, const char *out)
{
	struct sweep_guest *sg = ctx;
	const struct sweep_opts *o = sg->o;
	char from[PATH_MAX + 300], to[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	(void)out;
	if (sg->copy_json && access(sg->json, F_OK) == 0)
		copy_out(sg->json, o->json_path);
	if (sg->copy_junit && access(sg->junit, F_OK) == 0)
		copy_out(sg->junit, o->junit_path);
	if (!sg->copy_repro || !(d = opendir(sg->repro)))
		return;
	if (mkdir(o->repro_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "kfault: %s: %s\n", o->repro_dir, strerror(errno));
		closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", sg->repro, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", o->repro_dir, e->d_name);
		copy_out(from, to);
	}
	closedir(d);
	fprintf(stderr, "kfault: the reproducers are in %s (the paths above are the VM's)\n", o->repro_dir);
}

int vm_sweep(const struct cli_command *cmd, const struct sweep_opts *o, const char *path,
	     run_compile_fn compile, void *ctx)
{
	struct sweep_guest sg = { .o = o };
	struct vm_guest g = { sweep_args, sweep_after, &sg, false, o->command, o->vm_kernel };

	return vm_boot(cmd, path, compile, ctx, &g);
}

/* ---- kfault vm build ---- */

enum { VM_CONFIG = 300 };

static const struct cli_option vm_options[] = {
	{ "config", 0, VM_CONFIG, "FRAGMENT",
	  "merge this kernel config fragment (CONFIG_X=y lines)\n"
	  "too, for the options your own code needs (repeatable)" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_vm = {
	"vm", "vm build [--config FRAGMENT]... [KERNEL]",
	"Build a kernel of kfault's test VM, which 'kfault run --vm' boots under qemu,\n"
	"or find it in the cache (~/.cache/kfault/kernel): Debian's linux-source from\n"
	"'make tinyconfig' with what kfault and the VM need, a few minutes on 2 cores,\n"
	"once per machine, with its progress shown. KERNEL is a name of kfault's table:\n"
	"6.12 (the default), 6.1, newest (the newest Debian carries), 6.12-nooverride\n"
	"(no CONFIG_BPF_KPROBE_OVERRIDE), 6.12-nofailslab (no CONFIG_FAILSLAB). Prints\n"
	"the kernel's directory, for 'kfault run --vm --vm-kernel DIR'.",
	vm_options,
	"Environment: KFAULT_VM_KERNEL_VERSION (the default KERNEL), KFAULT_CACHE,\n"
	"KFAULT_VM_DIR.\n",
};

struct vm_build_opts {
	char *fragments[VM_MAX_FRAGMENTS + 1];
	size_t nfragments;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct vm_build_opts *o = ctx;

	if (key != VM_CONFIG)
		return EXIT_USAGE;
	if (o->nfragments == VM_MAX_FRAGMENTS)
		return cli_usage(&cli_vm, "at most %d --config fragments", VM_MAX_FRAGMENTS);
	if (access(arg, R_OK))
		return cli_usage(&cli_vm, "--config %s: %s", arg, strerror(errno));
	o->fragments[o->nfragments++] = (char *)arg;
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_build_opts o = { 0 };
	char dir[PATH_MAX], kdir[PATH_MAX];
	int first, err, status = cli_parse(&cli_vm, argc, argv, set_option, &o, &first);

	if (status >= 0)
		return status;
	if (first == argc || strcmp(argv[first], "build") != 0 || argc - first > 2)
		return cli_usage(&cli_vm, "%s", "the one subcommand is 'build [KERNEL]'");
	err = vm_dir(dir, sizeof(dir));
	if (err) {
		fprintf(stderr, "kfault: kfault's VM files are not installed (%s/run: %s)\n", dir, strerror(-err));
		return EXIT_FAIL;
	}
	status = vm_kernel(dir, false, argc - first == 2 ? argv[first + 1] : NULL, o.fragments, kdir,
			   sizeof(kdir));
	if (!status)
		printf("%s\n", kdir);
	return status;
}
