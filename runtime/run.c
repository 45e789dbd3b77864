// SPDX-License-Identifier: MIT
/*
 * kfault run: attach a kfault object, keep it armed for its duration (or at
 * each tick of its schedule), show what it does, and detach.
 *
 * Exit status: 0 the run ended (duration, times used up, or a signal),
 * 1 the .fault file has errors, 2 usage, 3 other failure, 4 the kernel
 * cannot do it (preflight), 5 the kernel refused to load or attach it.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"
#include "injector.h"
#include "run.h"

#define EXIT_DIAG	1
#define EXIT_USAGE	2
#define EXIT_FAIL	3
#define EXIT_PREFLIGHT	4
#define EXIT_LOAD	5

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct run {
	struct kf_injector *inj;
	int n;
	bool json, log, stack, stay_armed, status_line;
	uint64_t duration_ms;		/* --duration, 0: the file's */
	double start;
	/* per injection */
	bool has_schedule[KF_MAX_INJECTIONS];
	struct kf_cron cron[KF_MAX_INJECTIONS];
	double next_tick[KF_MAX_INJECTIONS];	/* when to arm next */
	double disarm_at[KF_MAX_INJECTIONS];	/* when to disarm; 0: not armed */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char run_usage[] =
	"Usage: kfault run [OPTIONS] OBJECT.bpf.o|FILE.fault|FILE.yaml\n"
	"\n"
	"Attach an injection, keep it armed for its duration or at each tick of its\n"
	"schedule, and detach. Ctrl-C stops it at any time; so does any exit of kfault,\n"
	"kill -9 included: the kernel removes the probes with the process. A file that\n"
	"is not a BPF object is compiled first: a .fault file or KernelChaos YAML.\n"
	"\n"
	"Options:\n"
	"  -b, --backend B      kprobe, fmod_ret or auto (default: kprobe when the kernel\n"
	"                       has CONFIG_BPF_KPROBE_OVERRIDE, else fmod_ret)\n"
	"  -p, --pid PID        target process PID (all its threads)\n"
	"      --children       with --pid: and every process it starts\n"
	"  -c, --comm NAME      target tasks named NAME\n"
	"  -g, --cgroup PATH    target the cgroup v2 PATH and those below it\n"
	"                       (any of these replaces the file's targets)\n"
	"  -d, --duration TIME  stop after TIME (30s, 2m, 1h30m) instead of the file's\n"
	"      --stay-armed     keep running when every 'times' is used up\n"
	"  -l, --log            print a line per injected failure\n"
	"      --stack          with --log: and the kernel stack\n"
	"  -j, --json           print the summary as JSON on stdout\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 done, 1 the file has errors, 2 bad usage, 3 other failure,\n"
	"4 the kernel cannot do it (see the message), 5 the kernel refused to load it.\n";

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

/* ---- arming ---- */

/* Arm every injection that has no schedule; compute the first tick of the others. */
static int arm_initial(struct run *r)
{
	time_t wall = time(NULL);
	double t = now_s();

	for (int i = 0; i < r->n; i++) {
		const struct kf_meta *m = kf_injector__meta(r->inj, i);
		struct kf_cron_error err;

		if (m->schedule[0]) {
			if (kf_cron_parse(m->schedule, &r->cron[i], &err)) {
				fprintf(stderr, "kfault: %s:%u: bad schedule: %s\n", m->source, m->line, err.msg);
				return -EINVAL;
			}
			r->has_schedule[i] = true;
			r->next_tick[i] = t + (double)(kf_cron_next(&r->cron[i], wall) - wall);
			continue;
		}
		if (kf_injector__arm(r->inj, i, true))
			return -EIO;
	}
	return 0;
}

/* Scheduled injections: arm at a tick for their duration, then disarm. */
static void tick(struct run *r, double t)
{
	for (int i = 0; i < r->n; i++) {
		const struct kf_meta *m = kf_injector__meta(r->inj, i);

		if (!r->has_schedule[i])
			continue;
		if (r->disarm_at[i] && t >= r->disarm_at[i]) {
			kf_injector__arm(r->inj, i, false);
			r->disarm_at[i] = 0;
		}
		if (t >= r->next_tick[i]) {
			time_t wall = time(NULL);

			kf_injector__arm(r->inj, i, true);
			r->disarm_at[i] = t + (double)m->duration_ms / 1000;
			r->next_tick[i] = t + (double)(kf_cron_next(&r->cron[i], wall) - wall);
		}
	}
}

/* Why to stop now, or NULL. */
static const char *should_stop(struct run *r, double t)
{
	bool all_used = true, any_limited = false, any_scheduled = false;
	uint64_t dur = r->duration_ms;

	if (stop_signal)
		return "signal";
	for (int i = 0; i < r->n; i++) {
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		any_scheduled |= r->has_schedule[i];
		if (!dur && !r->has_schedule[i]) {
			uint64_t d = kf_injector__meta(r->inj, i)->duration_ms;

			if (d > dur)
				dur = d;
		}
		if (!k->times) {
			all_used = false;
			continue;
		}
		any_limited = true;
		if (kf_injector__stats(r->inj, i, &st) || st.injected < k->times)
			all_used = false;
	}
	/* With a schedule, a file's duration is per tick; only --duration ends the run. */
	if (any_scheduled && !r->duration_ms)
		dur = 0;
	if (dur && (t - r->start) * 1000 >= (double)dur)
		return "duration";
	if (any_limited && all_used && !r->stay_armed)
		return "times";
	return NULL;
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

static void print_status(struct run *r, double t)
{
	fprintf(stderr, "\r\033[K%6.1fs", t - r->start);
	for (int i = 0; i < r->n; i++) {
		const struct kf_knobs *k = kf_injector__knobs(r->inj, i);
		struct kf_stats st = {0};

		kf_injector__stats(r->inj, i, &st);
		fprintf(stderr, " | #%d %llu hits, %llu injected", i, (unsigned long long)st.hits,
			(unsigned long long)st.injected);
		if (k->times)
			fprintf(stderr, ", %llu left", (unsigned long long)(st.injected < k->times ?
									k->times - st.injected : 0));
		if (r->has_schedule[i])
			fprintf(stderr, r->disarm_at[i] ? " (armed)" : " (next in %.0fs)", r->next_tick[i] - t);
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

/* ---- the command ---- */

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

int kf_cmd_run(int argc, char **argv, kf_compile_fn compile)
{
	return kf_cmd_run_source(argc, argv, NULL, compile);
}

int kf_cmd_run_source(int argc, char **argv, const char *source, kf_compile_fn compile)
{
	enum { OPT_CHILDREN = 256, OPT_STACK, OPT_STAY };
	static const struct option options[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "pid", required_argument, NULL, 'p' },
		{ "children", no_argument, NULL, OPT_CHILDREN },
		{ "comm", required_argument, NULL, 'c' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "duration", required_argument, NULL, 'd' },
		{ "stay-armed", no_argument, NULL, OPT_STAY },
		{ "log", no_argument, NULL, 'l' },
		{ "stack", no_argument, NULL, OPT_STACK },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	KF_INJECTOR_OPTS(opts);
	struct run r = {0};
	struct sigaction sa = { .sa_handler = on_signal };
	const char *why, *path;
	void *obj = NULL;
	size_t obj_size = 0;
	int c, err, status = 0;
	double last_status = 0;
	char *end;

	optind = 0;
	while ((c = getopt_long(argc, argv, "b:p:c:g:d:ljh", options, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_backend(optarg, &opts.backend)) {
				fprintf(stderr, "kfault run: unknown backend '%s' (kprobe, fmod_ret, auto)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			opts.pid = (int)strtol(optarg, &end, 10);
			if (*end || opts.pid <= 0) {
				fprintf(stderr, "kfault run: --pid takes a process id, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_CHILDREN: opts.children = true; break;
		case 'c':
			if (!*optarg || strlen(optarg) >= KF_COMM_LEN) {
				fprintf(stderr, "kfault run: --comm takes a name of 1 to %d bytes\n", KF_COMM_LEN - 1);
				return EXIT_USAGE;
			}
			opts.comm = optarg;
			break;
		case 'g': opts.cgroup = optarg; break;
		case 'd':
			if (kf_parse_duration(optarg, &r.duration_ms) || !r.duration_ms) {
				fprintf(stderr, "kfault run: --duration takes a time such as 30s or 2m, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_STAY: r.stay_armed = true; break;
		case 'l': opts.log_events = r.log = true; break;
		case OPT_STACK: opts.log_stack = r.stack = true; break;
		case 'j': r.json = true; break;
		case 'h': fputs(run_usage, stdout); return 0;
		default: fputs("Try 'kfault run --help'.\n", stderr); return EXIT_USAGE;
		}
	}
	/* a source that is no file is named by the caller, not on the command line */
	if (optind != argc - (source ? 0 : 1)) {
		fputs("kfault run: give one OBJECT.bpf.o, FILE.fault or FILE.yaml\nTry 'kfault run --help'.\n", stderr);
		return EXIT_USAGE;
	}
	if (opts.children && !opts.pid) {
		fputs("kfault run: --children goes with --pid\n", stderr);
		return EXIT_USAGE;
	}
	if (r.stack && !r.log) {
		fputs("kfault run: --stack goes with --log\n", stderr);
		return EXIT_USAGE;
	}
	path = source ? source : argv[optind];

	/* An ELF file is an object; anything else is a source (.fault, KernelChaos YAML). */
	if (source || !is_elf(path)) {
		status = compile(path, opts.pid > 0 || opts.comm || opts.cgroup, &obj, &obj_size);
		if (status)
			return status;
		r.inj = kf_injector__open_mem(obj, obj_size, path, &opts);
	} else {
		r.inj = kf_injector__open_file(path, &opts);
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
		fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(r.inj));
		status = err == -EPERM || err == -ENOENT || err == -EOPNOTSUPP ? EXIT_PREFLIGHT : EXIT_LOAD;
		goto destroy;
	}
	/* Signals end the run cleanly; the kernel detaches on any other exit. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = kf_injector__attach(r.inj);
	if (err) {
		fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(r.inj));
		status = EXIT_LOAD;
		goto destroy;
	}
	r.start = now_s();
	if (arm_initial(&r)) {
		fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(r.inj));
		status = EXIT_FAIL;
		goto destroy;
	}
	r.status_line = isatty(STDERR_FILENO) && !r.json;
	fprintf(stderr, "kfault: %s: %d injection%s armed, %d probes (%s backend); Ctrl-C to stop\n",
		path, r.n, r.n == 1 ? "" : "s", kf_injector__probe_cnt(r.inj),
		kf_backend_name(kf_injector__backend(r.inj)));

	while (!(why = should_stop(&r, now_s()))) {
		double t;

		kf_injector__poll(r.inj, 100, print_event, &r);
		t = now_s();
		tick(&r, t);
		if (r.status_line && t - last_status >= 0.5) {
			print_status(&r, t);
			last_status = t;
		}
	}
	kf_injector__arm(r.inj, -1, false);
	kf_injector__poll(r.inj, 0, print_event, &r);	/* the last events */
	if (r.status_line)
		fputs("\r\033[K", stderr);
	print_summary(&r, path, why, now_s() - r.start);
destroy:
	kf_injector__destroy(r.inj);
	free(obj);
	return status;
}
