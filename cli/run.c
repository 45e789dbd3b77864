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
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cron.h"
#include "run.h"

static volatile sig_atomic_t stop_signal;

/*
 * libbpf's own messages (warnings and up) are kept here while a run sets
 * up, and shown only if loading or attaching fails: they say why when the
 * verifier is not the one refusing (a CO-RE relocation, a map). The
 * program's choice, made here; the runtime library never touches it.
 */
static char libbpf_msgs[16 * 1024];
static size_t libbpf_msgs_len;

static int keep_libbpf_msg(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t room = sizeof(libbpf_msgs) - libbpf_msgs_len;
	int n;

	if (level == LIBBPF_DEBUG || room <= 1)
		return 0;
	n = vsnprintf(libbpf_msgs + libbpf_msgs_len, room, fmt, ap);
	if (n > 0)
		libbpf_msgs_len += (size_t)n < room ? (size_t)n : room - 1;
	return 0;
}

/* A failure to load or attach: libbpf's messages, then ours. */
static void print_load_failure(struct kf_injector *inj)
{
	if (libbpf_msgs_len)
		fwrite(libbpf_msgs, 1, libbpf_msgs_len, stderr);
	fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(inj));
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* One run, for the reporting functions. */
struct run {
	struct kf_injector *inj;
	struct kf_session *session;
	int n;
	bool json, log, stack, status_line;
};

const struct cli_option run_options[] = {
	{ "backend", 'b', RUN_BACKEND, "B",
	  "kprobe, fmod_ret or auto (default: kprobe when the kernel\n"
	  "has CONFIG_BPF_KPROBE_OVERRIDE, else fmod_ret)" },
	{ "pid", 'p', RUN_PID, "PID", "target process PID (all its threads)" },
	{ "children", 0, RUN_CHILDREN, NULL, "with --pid: and every process it starts" },
	{ "comm", 'c', RUN_COMM, "NAME", "target tasks named NAME" },
	{ "cgroup", 'g', RUN_CGROUP, "PATH",
	  "target the cgroup v2 PATH and those below it\n(any of these replaces the file's targets)" },
	{ "duration", 'd', RUN_DURATION, "TIME", "stop after TIME (30s, 2m, 1h30m) instead of the file's" },
	{ "stay-armed", 0, RUN_STAY_ARMED, NULL, "keep running when every 'times' is used up" },
	{ "log", 'l', RUN_LOG, NULL, "print a line per injected failure" },
	{ "stack", 0, RUN_STACK, NULL, "with --log: and the kernel stack" },
	{ "json", 'j', RUN_JSON, NULL, "print the summary as JSON on stdout" },
	{ "btf", 0, RUN_BTF, "VMLINUX", "a source is compiled against this BTF or vmlinux" },
	CLI_OPT_HELP,
	{ NULL },
};

void run_opts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->inj.sz = sizeof(o->inj);
	o->session.sz = sizeof(o->session);
}

static int parse_backend(const char *s, enum kf_backend *b)
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
		if (parse_backend(arg, &o->inj.backend))
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
	case RUN_JSON: o->json = true; break;
	case RUN_BTF: o->btf_path = arg; break;
	default: return EXIT_USAGE;
	}
	return 0;
}

int run_check_options(const struct cli_command *cmd, const struct run_opts *o)
{
	if (o->inj.children && !o->inj.pid)
		return cli_usage(cmd, "%s", "--children goes with --pid");
	if (o->stack && !o->log)
		return cli_usage(cmd, "%s", "--stack goes with --log");
	return -1;
}

/* Whether path starts like an ELF file (a BPF object); "-" is a source. */
static bool is_elf(const char *path)
{
	unsigned char magic[4];
	bool elf = false;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return false;
	f = fopen(path, "rb");
	if (!f)
		return true;	/* let the object loader say why it cannot be read */
	elf = fread(magic, 1, 4, f) == 4 && memcmp(magic, "\177ELF", 4) == 0;
	fclose(f);
	return elf;
}

/* ---- reporting ---- */

static int print_event(void *ctx, const struct kf_event *ev)
{
	struct run *r = ctx;
	const struct kf_meta *m = kf_injector__meta(r->inj, (int)ev->injection);

	if (!m)
		return 0;
	printf("%.6f pid %u tid %u comm %.16s: %s failed [%s:%u]\n", (double)ev->time_ns / 1e9,
	       ev->pid, ev->tid, ev->comm, m->site, m->source, m->line);
	for (int i = 0; r->stack && ev->stack_len > 0 && i < ev->stack_len / 8 && i < KF_MAX_STACK; i++) {
		char sym[192];

		kf_injector__symbolize(r->inj, ev->stack[i], sym, sizeof(sym));
		printf("    %s\n", sym);
	}
	fflush(stdout);
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

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_summary(struct run *r, const char *object, const char *why, double elapsed)
{
	if (r->json) {
		printf("{\"object\": ");
		json_string(object);
		printf(", \"backend\": \"%s\", \"probes\": %d, \"elapsed_s\": %.3f, \"stopped_by\": \"%s\", "
		       "\"injections\": [", kf_backend_name(kf_injector__backend(r->inj)),
		       kf_injector__probe_cnt(r->inj), elapsed, why);
	} else {
		fprintf(stderr, "kfault: stopped by %s after %.1fs (%s backend, %d probes)\n", why, elapsed,
			kf_backend_name(kf_injector__backend(r->inj)), kf_injector__probe_cnt(r->inj));
	}
	for (int i = 0; i < r->n; i++) {
		const struct kf_meta *m = kf_injector__meta(r->inj, i);
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		kf_injector__stats(r->inj, i, &st);
		if (r->json) {
			printf("%s{\"index\": %d, \"site\": ", i ? ", " : "", i);
			json_string(m->site);
			printf(", \"source\": ");
			json_string(m->source);
			printf(", \"line\": %u, \"hits\": %llu, \"decisions\": %llu, \"injected\": %llu, "
			       "\"times\": %llu, \"probability_per\": \"%s\"", m->line,
			       (unsigned long long)st.hits, (unsigned long long)st.decisions,
			       (unsigned long long)st.injected, (unsigned long long)k->times,
			       k->per_call ? "call" : "decision");
			if (k->per_call)
				printf(", \"calls\": %llu, \"calls_won\": %llu",
				       (unsigned long long)st.calls, (unsigned long long)st.calls_won);
			putchar('}');
		} else {
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
		}
	}
	if (r->json)
		printf("]}\n");
}

/* ---- the run ---- */

int run_injections(const struct cli_command *cmd, const struct run_opts *o, const char *path,
		   bool from_source, run_compile_fn compile, void *ctx)
{
	struct run r = { .json = o->json, .log = o->log, .stack = o->stack };
	struct sigaction sa = { .sa_handler = on_signal };
	bool targeted = o->inj.pid > 0 || o->inj.comm || o->inj.cgroup;
	const char *why;
	void *obj = NULL;
	size_t obj_size = 0;
	int err, status = 0;
	double last_status = 0;

	libbpf_msgs_len = 0;
	libbpf_set_print(keep_libbpf_msg);
	/* An ELF file is an object; anything else is a source (.fault, KernelChaos YAML). */
	if (from_source || !is_elf(path)) {
		if (!compile) {
			fprintf(stderr, "kfault: %s: not a BPF object; %s runs objects that 'kfault build' "
				"made\n", path, cmd->name);
			return EXIT_FAIL;
		}
		status = compile(ctx, path, o->btf_path, targeted, &obj, &obj_size);
		if (status)
			return status;
		r.inj = kf_injector__open_mem(obj, obj_size, path, &o->inj);
	} else {
		r.inj = kf_injector__open_file(path, &o->inj);
	}
	if (!r.inj) {
		fprintf(stderr, "kfault: %s: %s\n", path,
			errno == EINVAL ? "not a kfault object (build one with 'kfault build')" : strerror(errno));
		free(obj);
		return EXIT_FAIL;
	}
	r.n = kf_injector__injection_cnt(r.inj);

	err = kf_injector__load(r.inj);
	if (err) {
		print_load_failure(r.inj);
		status = err == -EPERM || err == -ENOENT || err == -EOPNOTSUPP ? EXIT_PREFLIGHT : EXIT_LOAD;
		goto destroy;
	}
	/* Signals end the run cleanly; the kernel detaches on any other exit. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = kf_injector__attach(r.inj);
	if (err) {
		print_load_failure(r.inj);
		status = EXIT_LOAD;
		goto destroy;
	}
	r.session = kf_session__new(r.inj, &o->session);
	err = r.session ? kf_session__start(r.session) : -errno;
	if (err) {
		if (err == -EINVAL)
			fprintf(stderr, "kfault: %s: a schedule of this object does not parse\n", path);
		else
			fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(r.inj));
		status = EXIT_FAIL;
		goto destroy;
	}
	r.status_line = isatty(STDERR_FILENO) && !r.json;
	fprintf(stderr, "kfault: %s: %d injection%s armed, %d probes (%s backend); Ctrl-C to stop\n",
		path, r.n, r.n == 1 ? "" : "s", kf_injector__probe_cnt(r.inj),
		kf_backend_name(kf_injector__backend(r.inj)));

	for (;;) {
		why = kf_session__step(r.session, 100, print_event, &r);
		if (stop_signal)
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
	print_summary(&r, path, why, kf_session__elapsed(r.session));
destroy:
	kf_session__free(r.session);
	kf_injector__destroy(r.inj);
	free(obj);
	return status;
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

int run_main(const struct cli_command *cmd, int argc, char **argv, run_compile_fn compile,
	     void *ctx)
{
	struct run_cmd rc = { .cmd = cmd };
	int first, status;

	run_opts_init(&rc.opts);
	status = cli_parse(cmd, argc, argv, set_option, &rc, &first);
	if (status >= 0)
		return status;
	if (first != argc - 1)
		return cli_usage(cmd, "%s", compile ? "give one OBJECT.bpf.o, FILE.fault or FILE.yaml"
						    : "give one OBJECT.bpf.o");
	status = run_check_options(cmd, &rc.opts);
	if (status >= 0)
		return status;
	return run_injections(cmd, &rc.opts, argv[first], false, compile, ctx);
}

const struct cli_command cli_run = {
	"run", "run [OPTIONS] OBJECT.bpf.o|FILE.fault|FILE.yaml",
	"Attach an injection, keep it armed for its duration or at each tick of its\n"
	"schedule, and detach. Ctrl-C stops it at any time; so does any exit of kfault,\n"
	"kill -9 included: the kernel removes the probes with the process. A file that\n"
	"is not a BPF object is compiled first: a .fault file or KernelChaos YAML.",
	run_options,
	"Exit status: 0 done, 1 the file has errors, 2 bad usage, 3 other failure,\n"
	"4 the kernel cannot do it (see the message), 5 the kernel refused to load it.\n",
};
