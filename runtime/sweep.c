// SPDX-License-Identifier: MIT
/*
 * kfault sweep's engine (sweep.h): a record run, then one run per point,
 * each classed from CMD's ending and the kernel's log.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "injector_priv.h"
#include "opts.h"
#include "sweep.h"

#define DEFAULT_TIMEOUT_MS	60000

/* One decision the record run saw. */
struct record {
	int injection;
	int func;			/* errinj: the function, else -1 */
	uint64_t nth, hash;
	int depth;
	uint64_t stack[KF_MAX_STACK];
};

struct kf_sweeper {
	struct kf_injector *inj;
	char *const *argv;
	struct kf_sweeper_opts opts;
	bool loaded;
	int kmsg;			/* /dev/kmsg, or -1 */
	struct record *rec;		/* the record run's decisions */
	size_t nrec, caprec;
	struct kf_sweep_point *points;
	int npoints;
	int baseline_status;
	double baseline_seconds;
	double setup_seconds;
};

/* What the kernel says when something is wrong, as its log lines start or contain it. */
static const char *const complaints[] = {
	"WARNING:", "BUG:", "Oops", "kernel BUG", "general protection fault",
	"KASAN:", "UBSAN:", "KFENCE:", "Kernel panic", "blocked for more than",
	"possible circular locking", "possible recursive locking", "inconsistent lock state",
	"unreferenced object", "refcount_t:", "list_add corruption", "list_del corruption",
	"RCU detected stall", "soft lockup", "hard LOCKUP",
};

const char *kf_sweep_class_name(enum kf_sweep_class c)
{
	static const char *const names[] = {
		[KF_CLASS_KERNEL] = "kernel", [KF_CLASS_CRASH] = "crash", [KF_CLASS_HANG] = "hang",
		[KF_CLASS_HANDLED] = "handled", [KF_CLASS_RECOVERED] = "recovered",
		[KF_CLASS_NOT_REACHED] = "not reached", [KF_CLASS_NOT_RUN] = "not run",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

struct kf_sweeper *kf_sweeper__new(struct kf_injector *inj, char *const argv[],
				   const struct kf_sweeper_opts *opts)
{
	struct kf_sweeper *s;
	int err;

	if (!inj || !argv || !argv[0] || !kf_opts_valid(opts, sizeof(*opts))) {
		errno = EINVAL;
		return NULL;
	}
	err = KF_OPTS_GET(opts, errinj_errno, 0);
	if (err > 0 || err < -4095) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->inj = inj;
	s->argv = argv;
	s->opts.sz = sizeof(s->opts);
	s->opts.by = KF_OPTS_GET(opts, by, KF_SWEEP_BY_STACK);
	s->opts.sites = KF_OPTS_GET(opts, sites, KF_SWEEP_SITES_FILE);
	s->opts.errinj_errno = KF_OPTS_GET(opts, errinj_errno, 0);
	s->opts.always = KF_OPTS_GET(opts, always, false);
	s->opts.timeout_ms = KF_OPTS_GET(opts, timeout_ms, 0);
	s->opts.max_points = KF_OPTS_GET(opts, max_points, 0);
	if (s->opts.timeout_ms <= 0)
		s->opts.timeout_ms = DEFAULT_TIMEOUT_MS;
	s->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return s;
}

void kf_sweeper__free(struct kf_sweeper *s)
{
	if (!s)
		return;
	if (s->kmsg >= 0)
		close(s->kmsg);
	free(s->rec);
	free(s->points);
	free(s);
}

bool kf_sweeper__reads_kernel_log(const struct kf_sweeper *s)
{
	return s->kmsg >= 0;
}

int kf_sweeper__baseline_status(const struct kf_sweeper *s)
{
	return s->baseline_status;
}

double kf_sweeper__baseline_seconds(const struct kf_sweeper *s)
{
	return s->baseline_seconds;
}

double kf_sweeper__setup_seconds(const struct kf_sweeper *s)
{
	return s->setup_seconds;
}

int kf_sweeper__point_cnt(const struct kf_sweeper *s)
{
	return s->npoints;
}

const struct kf_sweep_point *kf_sweeper__point(const struct kf_sweeper *s, int i)
{
	if (i < 0 || i >= s->npoints) {
		errno = EINVAL;
		return NULL;
	}
	return &s->points[i];
}

/* ---- the kernel's log ---- */

/* Skip what the log holds so far. */
static void kmsg_skip(struct kf_sweeper *s)
{
	if (s->kmsg >= 0)
		lseek(s->kmsg, 0, SEEK_END);
}

/* Append to out the complaints logged since kmsg_skip(); returns how many. */
static int kmsg_complaints(struct kf_sweeper *s, char *out, size_t size)
{
	char rec[2048];
	size_t len = strlen(out);
	int n = 0;
	ssize_t r;

	if (s->kmsg < 0)
		return 0;
	for (;;) {
		const char *msg;

		r = read(s->kmsg, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it: go on */
		if (r <= 0)
			break;
		rec[r] = '\0';
		msg = strchr(rec, ';');	/* "prio,seq,usec,flags;message\n" */
		msg = msg ? msg + 1 : rec;
		for (size_t i = 0; i < sizeof(complaints) / sizeof(complaints[0]); i++) {
			if (!strstr(msg, complaints[i]))
				continue;
			n++;
			if (len + 1 < size) {
				int w = snprintf(out + len, size - len, "%.*s", (int)strcspn(msg, "\n") + 1, msg);

				len += w > 0 ? (size_t)w : 0;
				if (len >= size)
					len = size - 1;
			}
			break;
		}
	}
	return n;
}

/* ---- one run of CMD ---- */

struct run_result {
	int status, signal;
	bool timed_out;
	double seconds;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int on_event(void *ctx, const struct kf_event *ev)
{
	struct kf_sweeper *s = ctx;
	struct record *r;

	if (!(ev->flags & KF_EVENT_OBSERVED))
		return 0;
	if (s->nrec == s->caprec) {
		size_t cap = s->caprec ? 2 * s->caprec : 256;
		struct record *v = realloc(s->rec, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->rec = v;
		s->caprec = cap;
	}
	r = &s->rec[s->nrec++];
	r->injection = (int)ev->injection;
	r->func = (int)ev->func - 1;
	r->nth = ev->nth;
	r->hash = ev->stack_hash;
	r->depth = ev->stack_len > 0 ? ev->stack_len / (int)sizeof(__u64) : 0;
	if (r->depth > KF_MAX_STACK)
		r->depth = KF_MAX_STACK;
	memcpy(r->stack, ev->stack, (size_t)r->depth * sizeof(__u64));
	return 0;
}

/* The last lines of what fd holds, at most size - 1 bytes, from a line start. */
static void read_tail(int fd, char *out, size_t size)
{
	off_t end = lseek(fd, 0, SEEK_END), from;
	ssize_t n;
	char *nl;

	out[0] = '\0';
	if (end <= 0)
		return;
	from = end > (off_t)size - 1 ? end - (off_t)size + 1 : 0;
	n = pread(fd, out, size - 1, from);
	if (n <= 0)
		return;
	out[n] = '\0';
	if (from > 0 && (nl = strchr(out, '\n')))
		memmove(out, nl + 1, strlen(nl + 1) + 1);
}

/*
 * Until CMD ends or an event comes, timeout_ms at most: a run of a short
 * CMD (true: 8 ms in the test VM) is not rounded up to a polling period.
 */
static void wait_run(struct kf_sweeper *s, struct kf_command *cmd, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = kf_command__fd(cmd), .events = POLLIN },	/* -1: ignored */
		{ .fd = kf_injector__event_fd(s->inj), .events = POLLIN },
	};

	poll(fds, 2, timeout_ms);
}

/*
 * Run CMD once under sw: started held, targeted (loaded for it the first
 * time, tracked after), sw set with its counters and the injections' zeroed,
 * released, watched to its end or the timeout, its events delivered; sw
 * read back with the run's counters. stderr_tail: its standard error's end.
 */
static int run_once(struct kf_sweeper *s, struct kf_sweep *sw, struct run_result *res,
		    char *stderr_tail, size_t tail_size)
{
	int err_fd = memfd_create("kfault-sweep-stderr", MFD_CLOEXEC);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct kf_command *cmd = NULL;
	double start;
	int err, exec_err = 0;

	memset(res, 0, sizeof(*res));
	if (err_fd < 0 || null_fd < 0) {
		err = kf_injector_fail(s->inj, errno, "cannot set up the command's streams: %s",
				       strerror(errno));
		goto close_fds;
	}
	KF_COMMAND_OPTS(copts, .stdin_fd = null_fd, .stdout_fd = null_fd, .stderr_fd = err_fd);
	cmd = kf_command__start(s->argv, &copts);
	if (!cmd) {
		err = kf_injector_fail(s->inj, errno, "%s: %s", s->argv[0],
				       errno == ENOENT ? "command not found" : strerror(errno));
		goto close_fds;
	}
	if (!s->loaded) {
		start = now_s();
		err = kf_injector__set_target_pid(s->inj, kf_command__pid(cmd), true);
		if (!err && s->opts.sites == KF_SWEEP_SITES_ERRINJ)
			err = kf_injector__set_errinj(s->inj, s->opts.errinj_errno);
		if (!err)
			err = kf_injector__load(s->inj);
		if (!err)
			err = kf_injector__attach(s->inj);
		if (!err)
			err = kf_injector__arm(s->inj, -1, true);
		if (err)
			goto free_cmd;
		s->loaded = true;
		s->setup_seconds = now_s() - start;
	} else {
		err = kf_injector__track_pid(s->inj, kf_command__pid(cmd));
		if (err)
			goto free_cmd;
	}
	err = kf_injector__sweep_set(s->inj, sw);
	if (!err)
		err = kf_injector__reset_stats(s->inj);
	if (err)
		goto free_cmd;
	kmsg_skip(s);
	start = now_s();
	err = kf_command__release(cmd);
	if (err && sw->mode == KF_SWEEP_FAIL && err != -EALREADY && err != -EIO) {
		/*
		 * Its exec failed, in this run alone (the record run's did not):
		 * the point was the exec's, which is CMD's outcome (126 or 127,
		 * as a shell says it), not the sweep's failure.
		 */
		exec_err = err;
		err = 0;
	} else if (err) {
		kf_injector_fail(s->inj, err, "%s: %s", s->argv[0], strerror(-err));
		goto free_cmd;
	}
	for (;;) {
		wait_run(s, cmd, 10);
		kf_injector__poll(s->inj, 0, on_event, s);
		err = kf_command__wait(cmd, 0);
		if (err != -ETIMEDOUT && err != -EINTR)
			break;
		if (!res->timed_out && (now_s() - start) * 1000 >= s->opts.timeout_ms) {
			res->timed_out = true;
			kf_command__kill(cmd, SIGKILL);
		}
	}
	if (err) {
		kf_injector_fail(s->inj, err, "cannot wait for %s: %s", s->argv[0], strerror(-err));
		goto free_cmd;
	}
	res->seconds = now_s() - start;
	kf_injector__poll(s->inj, 0, on_event, s);	/* the last events */
	res->status = kf_command__status(cmd);
	if (WIFSIGNALED(kf_command__wait_status(cmd)))
		res->signal = WTERMSIG(kf_command__wait_status(cmd));
	if (exec_err)
		snprintf(stderr_tail, tail_size, "kfault: cannot execute %s: %s\n", s->argv[0],
			 strerror(-exec_err));
	else
		read_tail(err_fd, stderr_tail, tail_size);
	err = kf_injector__sweep_get(s->inj, sw);
	if (err)
		kf_injector_fail(s->inj, err, "cannot read the sweep's counters: %s", strerror(-err));
free_cmd:
	kf_command__free(cmd);
close_fds:
	if (err_fd >= 0)
		close(err_fd);
	if (null_fd >= 0)
		close(null_fd);
	return err;
}

/* ---- record ---- */

static int by_nth(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	return x->nth < y->nth ? -1 : x->nth > y->nth;
}

/*
 * The points: each decision (by nth), or each distinct injection and stack
 * (by stack; errinj: each distinct function and stack). A point's
 * nth_in_injection counts its injection's decisions (errinj: its function's
 * calls), as `nth N` in a reproducer will.
 */
static int make_points(struct kf_sweeper *s)
{
	int nfuncs = kf_injector__errinj_cnt(s->inj);
	uint64_t seen_in[KF_MAX_INJECTIONS] = { 0 }, *seen_func;

	qsort(s->rec, s->nrec, sizeof(*s->rec), by_nth);
	s->points = calloc(s->nrec ? s->nrec : 1, sizeof(*s->points));
	seen_func = calloc((size_t)nfuncs + 1, sizeof(*seen_func));
	if (!s->points || !seen_func) {
		free(seen_func);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nrec; i++) {
		const struct record *r = &s->rec[i];
		struct kf_sweep_point *p = NULL;
		uint64_t in_injection;

		if (r->injection < 0 || r->injection >= KF_MAX_INJECTIONS || r->func >= nfuncs)
			continue;
		in_injection = r->func >= 0 ? ++seen_func[r->func] : ++seen_in[r->injection];
		if (s->opts.by == KF_SWEEP_BY_STACK) {
			for (int j = 0; j < s->npoints && !p; j++)
				if (s->points[j].injection == r->injection && s->points[j].func == r->func &&
				    s->points[j].stack_hash == r->hash)
					p = &s->points[j];
			if (p) {
				p->occurrences++;
				continue;
			}
		}
		p = &s->points[s->npoints++];
		p->injection = r->injection;
		p->func = r->func;
		p->stack_hash = r->hash;
		p->nth = r->nth;
		p->nth_in_injection = in_injection;
		p->occurrences = 1;
		p->stack_depth = r->depth;
		memcpy(p->stack, r->stack, sizeof(p->stack));
		p->cls = KF_CLASS_NOT_RUN;
	}
	free(seen_func);
	return 0;
}

int kf_sweeper__record(struct kf_sweeper *s)
{
	struct kf_sweep sw = { .mode = KF_SWEEP_RECORD, .by = (__u32)s->opts.by };
	struct run_result res;
	char tail[256];
	int err;

	if (s->loaded)
		return -EALREADY;
	s->nrec = 0;
	err = run_once(s, &sw, &res, tail, sizeof(tail));
	if (err)
		return err;
	s->baseline_status = res.status;
	s->baseline_seconds = res.seconds;
	if (res.timed_out)
		return kf_injector_fail(s->inj, -ETIMEDOUT, "%s ran past the timeout (%d ms) without "
					"failures: give it more with --timeout", s->argv[0],
					s->opts.timeout_ms);
	return make_points(s);
}

/* ---- sweep ---- */

int kf_sweeper__run(struct kf_sweeper *s, int i)
{
	struct kf_sweep_point *p;
	struct kf_sweep sw = { .mode = KF_SWEEP_FAIL };
	struct run_result res;
	int err;

	if (!s->loaded)
		return -EINVAL;
	if (i < 0 || i >= s->npoints)
		return -ERANGE;
	p = &s->points[i];
	sw.by = (__u32)s->opts.by;
	sw.always = s->opts.always;
	sw.injection = (__u32)p->injection;
	sw.stack_hash = p->stack_hash;
	sw.nth = p->nth;
	p->kernel_log[0] = '\0';
	err = run_once(s, &sw, &res, p->stderr_tail, sizeof(p->stderr_tail));
	if (err)
		return err;
	p->status = res.status;
	p->signal = res.timed_out ? 0 : res.signal;
	p->seconds = res.seconds;
	p->reached = sw.reached;
	p->injected = sw.injected;
	if (kmsg_complaints(s, p->kernel_log, sizeof(p->kernel_log)))
		p->cls = KF_CLASS_KERNEL;
	else if (!p->reached)
		p->cls = KF_CLASS_NOT_REACHED;
	else if (res.timed_out)
		p->cls = KF_CLASS_HANG;
	else if (res.signal)
		p->cls = KF_CLASS_CRASH;
	else if (res.status != s->baseline_status)
		p->cls = KF_CLASS_HANDLED;
	else
		p->cls = KF_CLASS_RECOVERED;
	return 0;
}
