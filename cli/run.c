// SPDX-License-Identifier: MIT
/*
 * kfault run (and the runtime-only kfault-run): attach a kfault object,
 * keep it armed for its duration or at each tick of its schedule
 * (runtime/session.c), show what it does, and detach. A file that is no BPF
 * object is compiled first, where the program can compile.
 *
 * Exit status: 0 the run ended (duration, times used up, or a signal),
 * 1 the .fault file has errors, 2 usage, 3 other failure, 4 the kernel
 * cannot do it (preflight), 5 the kernel refused to load or attach it.
 */
#define _GNU_SOURCE	/* strsignal */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "command.h"
#include "cron.h"
#include "list-sites.h"
#include "opts.h"
#include "run.h"
#include "vm.h"

static volatile sig_atomic_t stop_signal;
/* Whether it came from the terminal (sent to CMD's process group too). */
static volatile sig_atomic_t stop_signal_from_tty;

/* A failure to load or attach: libbpf's messages, then ours. */
static void print_load_failure(struct kf_injector *inj)
{
	cli_libbpf_print_kept();
	fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(inj));
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	stop_signal_from_tty = info && info->si_code == SI_KERNEL;
	stop_signal = sig;
}

/*
 * -v: the time of each stage of the start, from the start of the process
 * (its exec: loading the program and its libraries is the first stage) to
 * the injections armed. The kernel keeps a process's start time in clock
 * ticks (/proc/self/stat), so the first stage is to 1/CLK_TCK s (10 ms).
 */
struct stages {
	bool on;
	double last;		/* CLOCK_BOOTTIME, s: the end of the last stage */
	double start;		/* the process's start, same clock */
};

static double boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's start on CLOCK_BOOTTIME (field 22 of /proc/self/stat); now when unknown. */
static double process_start(void)
{
	char buf[1024], *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* after the comm, which may hold anything */
	if (!p || hz <= 0 || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
				    "%*s %*s %*s %*s %llu", &ticks) != 1)
		return boottime();
	return (double)ticks / (double)hz;
}

static void stages_init(struct stages *st, bool on)
{
	st->on = on;
	if (on)
		st->last = st->start = process_start();
}

/* The stage that just ended. */
static void stage(struct stages *st, const char *what)
{
	double now;

	if (!st->on)
		return;
	now = boottime();
	fprintf(stderr, "kfault: %6.3fs %-9s (%.3fs since start)\n", now - st->last, what, now - st->start);
	st->last = now;
}

/* One run, for the reporting functions. */
struct run {
	struct kf_injector *inj;
	struct kf_session *session;
	int n;
	bool json, log, stack, status_line;
	FILE *log_out;		/* --log's lines: stdout, or stderr when a command runs */
	struct kf_command *cmd;	/* -- CMD */
};

const struct cli_option run_options[] = {
	{ "backend", 'b', RUN_BACKEND, "B",
	  "kprobe, fmod_ret or auto (default: fmod_ret when the kernel\n"
	  "has BTF for every function, else kprobe)" },
	{ "pid", 'p', RUN_PID, "PID", "target process PID (all its threads)" },
	{ "children", 0, RUN_CHILDREN, NULL, "with --pid: and every process it starts" },
	{ "comm", 'c', RUN_COMM, "NAME", "target tasks named NAME" },
	{ "cgroup", 'g', RUN_CGROUP, "PATH",
	  "target the cgroup v2 PATH and those below it\n(any of these replaces the file's targets)" },
	{ "duration", 'd', RUN_DURATION, "TIME", "stop after TIME (30s, 2m, 1h30m) instead of the file's" },
	{ "stay-armed", 0, RUN_STAY_ARMED, NULL, "keep running when every 'times' is used up" },
	{ "log", 'l', RUN_LOG, NULL, "print a line per injected failure" },
	{ "stack", 0, RUN_STACK, NULL, "with --log: and the kernel stack" },
	{ "json", 'j', RUN_JSON, "[=FILE]",
	  "print the summary as JSON on stdout; with =FILE,\nwrite it to FILE (and the summary to stderr)" },
	{ "btf", 0, RUN_BTF, "VMLINUX", "a source is compiled against this BTF or vmlinux" },
	{ "vm", 0, RUN_VM, "[=auto]",
	  "run CMD in kfault's test VM (qemu; no root needed),\non a kernel that can inject, built once if need be;\n"
	  "=auto: here when this kernel and user can inject" },
	{ "vm-kernel", 0, RUN_VM_KERNEL, "KERNEL", VM_KERNEL_HELP },
	{ "verbose", 'v', RUN_VERBOSE, NULL,
	  "say how long each stage of the start took, on stderr:\nstart-up, compile, open, preflight, load, attach, arm" },
	{ "name", 0, RUN_NAME, "NAME",
	  "call the object NAME in messages and the report\n(--vm passes the name of the file you gave)" },
	{ "list-sites", 0, RUN_LIST_SITES, NULL,
	  "say what the file would attach, with these options,\nand stop: nothing is loaded ('kfault explain')" },
	CLI_OPT_HELP,
	{ NULL },
};

void run_opts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->inj.sz = sizeof(o->inj);
	o->session.sz = sizeof(o->session);
}

int run_parse_backend(const char *s, enum kf_backend *b)
{
	if (strcmp(s, "kprobe") == 0)
		*b = KF_BACKEND_KPROBE;
	else if (strcmp(s, "fmod_ret") == 0 || strcmp(s, "fentry") == 0)
		*b = KF_BACKEND_FMOD_RET;
	else if (strcmp(s, "auto") == 0)
		*b = KF_BACKEND_AUTO;
	else
		return -EINVAL;
	return 0;
}

int run_set_option(const struct cli_command *cmd, struct run_opts *o, int key, const char *arg)
{
	char *end;
	long pid;

	switch (key) {
	case RUN_BACKEND:
		if (run_parse_backend(arg, &o->inj.backend))
			return cli_usage(cmd, "unknown backend '%s' (kprobe, fmod_ret, auto)", arg);
		break;
	case RUN_PID:
		errno = 0;
		pid = strtol(arg, &end, 10);
		if (errno || *end || pid <= 0 || pid > 4194304)
			return cli_usage(cmd, "--pid takes a process id, not '%s'", arg);
		o->inj.pid = (int)pid;
		break;
	case RUN_CHILDREN: o->inj.children = true; break;
	case RUN_COMM:
		if (!*arg || strlen(arg) >= KF_COMM_LEN)
			return cli_usage(cmd, "--comm takes a name of 1 to %d bytes", KF_COMM_LEN - 1);
		o->inj.comm = arg;
		break;
	case RUN_CGROUP: o->inj.cgroup = arg; break;
	case RUN_DURATION:
		if (kf_parse_duration(arg, &o->session.duration_ms) || !o->session.duration_ms)
			return cli_usage(cmd, "--duration takes a time such as 30s or 2m, not '%s'", arg);
		break;
	case RUN_STAY_ARMED: o->session.stay_armed = true; break;
	case RUN_LOG: o->inj.log_events = o->log = true; break;
	case RUN_STACK: o->inj.log_stack = o->stack = true; break;
	case RUN_JSON:
		o->json = true;
		o->json_path = arg;	/* --json=FILE; NULL: stdout */
		if (arg && !*arg)
			return cli_usage(cmd, "%s", "--json=FILE wants a file name");
		break;
	case RUN_BTF: o->btf_path = arg; break;
	case RUN_LIST_SITES: o->list_sites = true; break;
	case RUN_VERBOSE: o->verbose = true; break;
	case RUN_NAME:
		if (!*arg)
			return cli_usage(cmd, "%s", "--name wants a name");
		o->name = arg;
		break;
	case RUN_VM:
		if (arg && strcmp(arg, "auto") != 0)
			return cli_usage(cmd, "--vm takes no value or '=auto', not '%s'", arg);
		o->vm = arg ? RUN_VM_AUTO : RUN_VM_ALWAYS;
		break;
	case RUN_VM_KERNEL: o->vm_kernel = arg; break;
	default: return EXIT_USAGE;
	}
	return 0;
}

int run_split_command(struct run_opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			o->command = i + 1 < argc ? argv + i + 1 : NULL;
			return i;
		}
	}
	return argc;
}

int run_check_options(const struct cli_command *cmd, const struct run_opts *o)
{
	if (o->command && (o->inj.pid || o->inj.comm || o->inj.cgroup))
		return cli_usage(cmd, "%s", "-- CMD targets the command: no --pid, --comm or --cgroup with it");
	if (o->vm && !o->command)
		return cli_usage(cmd, "%s", "--vm runs a command in the VM: give -- CMD [ARG...]");
	if (o->vm_kernel && !o->vm)
		return cli_usage(cmd, "%s", "--vm-kernel says which kernel --vm boots: give --vm too");
	if (o->vm && o->btf_path)
		return cli_usage(cmd, "%s", "--vm compiles against the VM kernel's BTF: no --btf with it");
	if (o->inj.children && !o->inj.pid)
		return cli_usage(cmd, "%s", "--children goes with --pid");
	if (o->stack && !o->log)
		return cli_usage(cmd, "%s", "--stack goes with --log");
	return -1;
}

/* ---- the command (-- CMD) ---- */

/* A signal kfault got while the command runs is the command's: passed on,
 * unless the terminal sent it to the command's process group already. */
static void command_forward_signal(struct run *r)
{
	int sig = stop_signal;

	stop_signal = 0;
	if (sig && !stop_signal_from_tty && r->cmd)
		kf_command__kill(r->cmd, sig);
}

/* ---- reporting ---- */

static int print_event(void *ctx, const struct kf_event *ev)
{
	struct run *r = ctx;
	const struct kf_meta *m = kf_injector__meta(r->inj, (int)ev->injection);

	if (!m)
		return 0;
	fprintf(r->log_out, "%.6f pid %u tid %u comm %.16s: %s failed [%s:%u]\n",
		(double)ev->time_ns / 1e9, ev->pid, ev->tid, ev->comm, m->site, m->source, m->line);
	for (int i = 0; r->stack && ev->stack_len > 0 && i < ev->stack_len / 8 && i < KF_MAX_STACK; i++) {
		char sym[192];

		kf_injector__symbolize(r->inj, ev->stack[i], sym, sizeof(sym));
		fprintf(r->log_out, "    %s\n", sym);
	}
	fflush(r->log_out);
	return 0;
}

/* The status line; t: seconds since the start. */
static void print_status(struct run *r, double t)
{
	fprintf(stderr, "\r\033[K%6.1fs", t);
	for (int i = 0; i < r->n; i++) {
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		kf_injector__stats(r->inj, i, &st);
		fprintf(stderr, " | #%d %llu hits, %llu injected", i, (unsigned long long)st.hits,
			(unsigned long long)st.injected);
		if (k->times)
			fprintf(stderr, ", %llu left", (unsigned long long)(st.injected < k->times ?
									k->times - st.injected : 0));
		if (kf_session__scheduled(r->session, i))
			fprintf(stderr, kf_session__armed(r->session, i) ? " (armed)" : " (next in %.0fs)",
				kf_session__next_tick(r->session, i));
	}
	fflush(stderr);
}

/* The command's ending in words: "exited with status 3", "killed by signal 9 (Killed)". */
static void command_ending(const struct run *r, char *buf, size_t size)
{
	int ws = kf_command__wait_status(r->cmd);

	if (WIFSIGNALED(ws))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else
		snprintf(buf, size, "exited with status %d", kf_command__status(r->cmd));
}

/* The summary as JSON, on out (--json). */
static void print_summary_json(struct run *r, FILE *out, const char *object, const char *why,
			       double elapsed, char **command)
{
	fprintf(out, "{\"object\": ");
	kf_json_string(out, object);
	fprintf(out, ", \"backend\": \"%s\", \"probes\": %d, \"elapsed_s\": %.3f, \"stopped_by\": \"%s\", ",
		kf_backend_name(kf_injector__backend(r->inj)), kf_injector__probe_cnt(r->inj), elapsed, why);
	if (command) {
		fprintf(out, "\"command\": {\"argv\": [");
		for (int i = 0; command[i]; i++) {
			fprintf(out, "%s", i ? ", " : "");
			kf_json_string(out, command[i]);
		}
		fprintf(out, "], \"exit_status\": %d, \"signal\": %d}, ", kf_command__status(r->cmd),
			WIFSIGNALED(kf_command__wait_status(r->cmd)) ?
			WTERMSIG(kf_command__wait_status(r->cmd)) : 0);
	}
	fprintf(out, "\"injections\": [");
	for (int i = 0; i < r->n; i++) {
		const struct kf_meta *m = kf_injector__meta(r->inj, i);
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		kf_injector__stats(r->inj, i, &st);
		fprintf(out, "%s{\"index\": %d, \"site\": ", i ? ", " : "", i);
		kf_json_string(out, m->site);
		fprintf(out, ", \"source\": ");
		kf_json_string(out, m->source);
		fprintf(out, ", \"line\": %u, \"hits\": %llu, \"decisions\": %llu, \"injected\": %llu, "
			"\"times\": %llu, \"probability_per\": \"%s\"", m->line,
			(unsigned long long)st.hits, (unsigned long long)st.decisions,
			(unsigned long long)st.injected, (unsigned long long)k->times,
			k->per_call ? "call" : "decision");
		if (k->per_call)
			fprintf(out, ", \"calls\": %llu, \"calls_won\": %llu",
				(unsigned long long)st.calls, (unsigned long long)st.calls_won);
		fputc('}', out);
	}
	fprintf(out, "]}\n");
}

/* The summary in words, on stderr. */
static void print_summary_text(struct run *r, const char *why, double elapsed, char **command)
{
	char ending[96];

	if (command) {
		uint64_t hits = 0, injected = 0;

		command_ending(r, ending, sizeof(ending));
		for (int i = 0; i < r->n; i++) {
			struct kf_stats st = {0};

			kf_injector__stats(r->inj, i, &st);
			hits += st.hits;
			injected += st.injected;
		}
		fprintf(stderr, "kfault: %s %s after %.1fs; %d injection%s (%s backend, %d probes): "
			"%llu hits, %llu failures injected\n", command[0], ending, elapsed,
			r->n, r->n == 1 ? "" : "s", kf_backend_name(kf_injector__backend(r->inj)),
			kf_injector__probe_cnt(r->inj), (unsigned long long)hits,
			(unsigned long long)injected);
		if (strcmp(why, "command") != 0)
			fprintf(stderr, "kfault: disarmed before %s ended, by %s\n", command[0], why);
	} else {
		fprintf(stderr, "kfault: stopped by %s after %.1fs (%s backend, %d probes)\n", why, elapsed,
			kf_backend_name(kf_injector__backend(r->inj)), kf_injector__probe_cnt(r->inj));
	}
	for (int i = 0; i < r->n; i++) {
		const struct kf_meta *m = kf_injector__meta(r->inj, i);
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		kf_injector__stats(r->inj, i, &st);
		fprintf(stderr, "  #%d %s:%u %s: ", i, m->source, m->line, m->site);
		if (k->per_call)
			fprintf(stderr, "%llu calls, %llu drawn to fail; ",
				(unsigned long long)st.calls, (unsigned long long)st.calls_won);
		fprintf(stderr, "%llu hits, %llu decisions, %llu injected",
			(unsigned long long)st.hits, (unsigned long long)st.decisions,
			(unsigned long long)st.injected);
		if (k->times)
			fprintf(stderr, " of %llu", (unsigned long long)k->times);
		fputc('\n', stderr);
		if (st.hits == 0 && kf_injector__unreached_note(r->inj, i))
			fprintf(stderr, "    note: %s\n", kf_injector__unreached_note(r->inj, i));
	}
}

/*
 * The summary: in words on stderr, and with --json as JSON: on stdout
 * instead, or in the --json=FILE as well. 0, or the exit status.
 */
static int print_summary(struct run *r, const struct run_opts *o, const char *object,
			 const char *why, double elapsed)
{
	FILE *f;

	if (!o->json || o->json_path)
		print_summary_text(r, why, elapsed, o->command);
	if (!o->json)
		return 0;
	if (!o->json_path) {
		print_summary_json(r, stdout, object, why, elapsed, o->command);
		return 0;
	}
	f = fopen(o->json_path, "w");
	if (f) {
		print_summary_json(r, f, object, why, elapsed, o->command);
		if (fclose(f) == 0)
			return 0;
	}
	fprintf(stderr, "kfault: %s: %s\n", o->json_path, strerror(errno));
	return EXIT_FAIL;
}

/*
 * With --json, a run that ends before its injections are armed still writes
 * one JSON object, on stdout or in the --json=FILE, so that a script always
 * gets one: {"object": PATH, "armed": false, "stage": STAGE, "error": MESSAGE,
 * "exit_status": N}. The message in words went to stderr as usual. Returns
 * status.
 */
static int json_failure(const struct run_opts *o, const char *object, const char *stage,
			const char *error, int status)
{
	FILE *out = stdout;

	if (!o->json)
		return status;
	if (o->json_path) {
		out = fopen(o->json_path, "w");
		if (!out) {
			fprintf(stderr, "kfault: %s: %s\n", o->json_path, strerror(errno));
			return status;
		}
	}
	fprintf(out, "{\"object\": ");
	kf_json_string(out, object);
	fprintf(out, ", \"armed\": false, \"stage\": \"%s\", \"error\": ", stage);
	kf_json_string(out, error);
	fprintf(out, ", \"exit_status\": %d}\n", status);
	if (o->json_path && fclose(out))
		fprintf(stderr, "kfault: %s: %s\n", o->json_path, strerror(errno));
	else if (!o->json_path)
		fflush(out);
	return status;
}

/* ---- the run ---- */

/* run_injections(); *cannot: the kernel or the user cannot inject (preflight said why) */
static int run_here(const struct cli_command *cmd, const struct run_opts *o, const char *path,
		    bool from_source, run_compile_fn compile, void *ctx, bool *cannot)
{
	struct run r = { .json = o->json && !o->json_path, .log = o->log, .stack = o->stack, .log_out = stdout };
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	bool targeted = o->inj.pid > 0 || o->inj.comm || o->inj.cgroup || o->command;
	struct kf_injector_opts inj_opts = o->inj;
	const char *why, *name;
	void *obj = NULL;
	size_t obj_size = 0;
	int err, status = 0;
	double last_status = 0;
	struct stages st = {0};

	stages_init(&st, o->verbose);
	stage(&st, "start-up");
	cli_libbpf_keep();
	/* An ELF file is an object; anything else is a source (.fault, KernelChaos YAML). */
	if (from_source || !cli_is_elf(path)) {
		if (!compile) {
			fprintf(stderr, "kfault: %s: not a BPF object; %s runs objects that 'kfault build' "
				"made\n", path, cmd->name);
			return json_failure(o, path, "open", "not a BPF object", EXIT_FAIL);
		}
		status = compile(ctx, path, o->btf_path, targeted, &obj, &obj_size);
		if (status)
			return json_failure(o, path, "compile", status == EXIT_DIAG ?
					    "the file has errors (on stderr)" : "it could not be compiled",
					    status);
		stage(&st, "compile");
	}
	name = o->name ? o->name : path;	/* what messages call the object */
	/*
	 * -- CMD: started now, held before its exec; the injection targets its
	 * pid and what it starts (the pid tree, docs/runtime.md says why not a
	 * cgroup), replacing the file's targets, and is armed before it runs.
	 */
	if (o->command) {
		r.cmd = kf_command__start(o->command, NULL);
		if (!r.cmd) {
			err = errno;
			fprintf(stderr, "kfault: %s: %s\n", o->command[0],
				err == ENOENT ? "command not found" : strerror(err));
			free(obj);
			return json_failure(o, name, "command",
					    err == ENOENT ? "command not found" : strerror(err),
					    err == ENOENT ? 127 : err == EACCES ? 126 : EXIT_FAIL);
		}
		inj_opts.pid = kf_command__pid(r.cmd);
		inj_opts.children = true;
		inj_opts.comm = NULL;
		inj_opts.cgroup = NULL;
		r.log_out = stderr;	/* CMD's standard output is CMD's */
		stage(&st, "command");
	}
	if (obj)
		r.inj = kf_injector__open_mem(obj, obj_size, name, &inj_opts);
	else
		r.inj = kf_injector__open_file(path, &inj_opts);
	if (!r.inj) {
		/* libbpf's own errors (LIBBPF_ERRNO__*: not an ELF object it reads) too */
		bool not_object = errno == EINVAL ||
				  (errno >= __LIBBPF_ERRNO__START && errno < __LIBBPF_ERRNO__END);
		const char *msg = not_object ? "not a kfault object (build one with 'kfault build')" :
				  strerror(errno);

		fprintf(stderr, "kfault: %s: %s\n", name, msg);
		status = json_failure(o, name, "open", msg, EXIT_FAIL);
		goto destroy;
	}
	r.n = kf_injector__injection_cnt(r.inj);
	stage(&st, "open");

	err = kf_injector__preflight(r.inj);
	if (!err) {
		stage(&st, "preflight");
		err = kf_injector__load(r.inj);
	}
	if (err) {
		print_load_failure(r.inj);
		status = err == -EPERM || err == -ENOENT || err == -EOPNOTSUPP ? EXIT_PREFLIGHT : EXIT_LOAD;
		*cannot = status == EXIT_PREFLIGHT;
		json_failure(o, name, *cannot ? "preflight" : "load", kf_injector__errmsg(r.inj), status);
		goto destroy;
	}
	stage(&st, "load");
	/* Signals end the run cleanly (with a command: they are the command's);
	 * the kernel detaches on any other exit. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->command) {
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
	}
	err = kf_injector__attach(r.inj);
	if (err) {
		print_load_failure(r.inj);
		status = json_failure(o, name, "attach", kf_injector__errmsg(r.inj), EXIT_LOAD);
		goto destroy;
	}
	stage(&st, "attach");
	r.session = kf_session__new(r.inj, &o->session);
	err = r.session ? kf_session__start(r.session) : -errno;
	if (err) {
		const char *msg = err == -EINVAL ? "a schedule of this object does not parse" :
				  kf_injector__errmsg(r.inj);

		if (err == -EINVAL)
			fprintf(stderr, "kfault: %s: %s\n", name, msg);
		else
			fprintf(stderr, "kfault: %s\n", msg);
		status = json_failure(o, name, "session", msg, EXIT_FAIL);
		goto destroy;
	}
	stage(&st, "arm");
	r.status_line = isatty(STDERR_FILENO) && !r.json && !o->command;
	if (o->command) {
		fprintf(stderr, "kfault: %s: %d injection%s armed, %d probes (%s backend); running %s\n",
			name, r.n, r.n == 1 ? "" : "s", kf_injector__probe_cnt(r.inj),
			kf_backend_name(kf_injector__backend(r.inj)), o->command[0]);
		err = kf_command__release(r.cmd);
		if (err) {
			/* As a shell says it: found, but the exec failed. */
			fprintf(stderr, "kfault: %s: %s\n", o->command[0], strerror(-err));
			status = err == -ENOENT ? 127 : 126;
			goto destroy;
		}
	} else {
		fprintf(stderr, "kfault: %s: %d injection%s armed, %d probes (%s backend); Ctrl-C to stop\n",
			name, r.n, r.n == 1 ? "" : "s", kf_injector__probe_cnt(r.inj),
			kf_backend_name(kf_injector__backend(r.inj)));
	}

	for (;;) {
		why = kf_session__step(r.session, r.cmd ? 20 : 100, print_event, &r);
		if (r.cmd && !kf_command__wait(r.cmd, 0))
			why = "command";
		else if (stop_signal && r.cmd)
			command_forward_signal(&r);
		else if (stop_signal)
			why = "signal";
		if (why)
			break;
		if (r.status_line && kf_session__elapsed(r.session) - last_status >= 0.5) {
			last_status = kf_session__elapsed(r.session);
			print_status(&r, last_status);
		}
	}
	kf_session__stop(r.session, print_event, &r);
	if (r.status_line)
		fputs("\r\033[K", stderr);
	/* Disarmed (duration, times) while the command runs on: wait for it. */
	while (r.cmd && kf_command__wait(r.cmd, -1))
		command_forward_signal(&r);
	status = print_summary(&r, o, name, why, kf_session__elapsed(r.session));
	if (r.cmd)
		status = kf_command__status(r.cmd);
destroy:
	kf_session__free(r.session);
	kf_injector__destroy(r.inj);
	free(obj);
	kf_command__free(r.cmd);	/* still held: it ends, unrun */
	return status;
}

int run_injections(const struct cli_command *cmd, const struct run_opts *o, const char *path,
		   bool from_source, run_compile_fn compile, void *ctx)
{
	bool cannot = false;

	return run_here(cmd, o, path, from_source, compile, ctx, &cannot);
}

struct run_cmd {
	const struct cli_command *cmd;
	struct run_opts opts;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct run_cmd *rc = ctx;

	return run_set_option(rc->cmd, &rc->opts, key, arg);
}

int run_main(const struct cli_command *cmd, int argc, char **argv, const struct run_sources *src)
{
	run_compile_fn compile = src ? src->compile : NULL;
	void *ctx = src ? src->ctx : NULL;
	struct run_cmd rc = { .cmd = cmd };
	int first, status, orig_argc = argc;
	bool cannot = false;

	run_opts_init(&rc.opts);
	argc = run_split_command(&rc.opts, argc, argv);
	if (argc < orig_argc && !rc.opts.command)
		return cli_usage(cmd, "%s", "'--' must be followed by a command");
	status = cli_parse(cmd, argc, argv, set_option, &rc, &first);
	if (status >= 0)
		return status;
	if (first != argc - 1)
		return cli_usage(cmd, "%s", compile ? "give one OBJECT.bpf.o, FILE.fault or FILE.yaml"
						    : "give one OBJECT.bpf.o");
	status = run_check_options(cmd, &rc.opts);
	if (status >= 0)
		return status;
	if (rc.opts.list_sites) {
		KF_OPTS(kf_explain_opts, eo, .run = &rc.opts.inj, .session = &rc.opts.session,
			.command = rc.opts.command, .json = rc.opts.json);
		return list_sites(cmd, argv[first], &eo, src ? src->explain : NULL, ctx);
	}
	if (rc.opts.vm == RUN_VM_ALWAYS)
		return vm_run(cmd, &rc.opts, argv[first], compile, ctx);
	status = run_here(cmd, &rc.opts, argv[first], false, compile, ctx, &cannot);
	if (cannot && rc.opts.vm == RUN_VM_AUTO) {
		fprintf(stderr, "kfault: running %s in kfault's test VM instead\n", rc.opts.command[0]);
		return vm_run(cmd, &rc.opts, argv[first], compile, ctx);
	}
	if (cannot && rc.opts.command)
		fprintf(stderr, "kfault: to run %s in kfault's test VM, on a kernel that can: "
			"kfault run --vm %s -- %s ...\n", rc.opts.command[0], argv[first], rc.opts.command[0]);
	return status;
}

const struct cli_command cli_run = {
	"run", "run [OPTIONS] OBJECT.bpf.o|FILE.fault|FILE.yaml [-- CMD [ARG...]]",
	"Attach an injection, keep it armed for its duration or at each tick of its\n"
	"schedule, and detach. Ctrl-C stops it at any time; so does any exit of kfault,\n"
	"kill -9 included: the kernel removes the probes with the process. A file that\n"
	"is not a BPF object is compiled first: a .fault file or KernelChaos YAML.\n"
	"\n"
	"With -- CMD, kfault runs CMD with the injection targeting CMD and every process\n"
	"it starts, armed before CMD runs, until CMD ends; kfault's report goes to\n"
	"stderr, and its exit status is CMD's (128+N when a signal N killed it).",
	run_options,
	"Examples:\n"
	"  kfault run examples/mount.fault -- mount -t tmpfs none /mnt\n"
	"  kfault run --log mount.bpf.o -- ./my-test-suite\n"
	"\n"
	"Exit status: 0 done, 1 the file has errors, 2 bad usage, 3 other failure,\n"
	"4 the kernel cannot do it (see the message), 5 the kernel refused to load it;\n"
	"with -- CMD, CMD's (127: not found, 126: not executable) once it ran.\n",
};
