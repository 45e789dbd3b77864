// SPDX-License-Identifier: MIT
/*
 * kfault serve's daemon state and answers (bpfki.h): bpfki's requests
 * written as kfault sources (a KernelChaos resource for FailMMOrBIO, native
 * `inject function` blocks for FailSyscall), compiled once per distinct
 * request, loaded with a set of cgroups as their target (the containers
 * of the pids that asked), and detached when the last pid recovers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "bpfki.h"
#include "btf_types.h"
#include "build.h"
#include "frontend.h"
#include "ksyms.h"
#include "opts.h"

#define CGROUP2_MAGIC	0x63677270	/* CGROUP2_SUPER_MAGIC */

/* The message bpfki answers a recover with for a pid its injection does not target. */
#define NOT_TARGETED	"Error removing value: No such file or directory"

#if defined(__x86_64__)
#define SYSCALL_PREFIX	"__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_PREFIX	"__arm64_sys_"
#else
#define SYSCALL_PREFIX	"sys_"
#endif

enum kind { KIND_KERN, KIND_SYSCALL };

/* A pid an injection targets, by its cgroup. */
struct target {
	unsigned pid;
	unsigned long long cgroup_id;
	char *cgroup;			/* its path under the cgroup v2 root */
};

/* One loaded injection: one compiled request, for the targets that asked for it. */
struct injection {
	enum kind kind;
	char *key;			/* what a recover names: the callchain, the methods */
	char *text;			/* the source compiled: the whole request but its pid */
	void *obj;			/* the object, kept as long as the injector */
	size_t obj_size;
	struct kf_injector *inj;
	struct target *t;
	int nt, capt;
	int number;			/* for the log: injection #number */
	bool cached;			/* its object was compiled for an earlier one */
	struct injection *next;
};

/*
 * Objects compiled, by the text they were compiled from, kept after their
 * injection is detached: a request asked again (the next experiment with
 * the same callchain) loads without compiling. The most recent first; at
 * most CACHE_MAX.
 */
#define CACHE_MAX	16

struct compiled {
	char *text;
	void *obj;
	size_t size;
	enum kind kind;
};

struct bpfki_daemon {
	pthread_mutex_t lock;
	struct compiled cache[CACHE_MAX];
	int ncache;
	struct kf_btf *btf;
	const char *btf_path;
	enum kf_backend backend;
	FILE *log;
	struct injection *list;
	int numbered;			/* injections made so far */
};

/* ---- strings ---- */

/* A growing string; out of memory aborts, as the compiler's allocations do. */
struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

__attribute__((format(printf, 3, 4)))
static void reply(struct bpfki_reply *rep, enum bpfki_code code, const char *fmt, ...)
{
	va_list ap;

	rep->code = code;
	free(rep->msg);
	rep->msg = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	if (vasprintf(&rep->msg, fmt, ap) < 0)
		rep->msg = NULL;
	va_end(ap);
}

/* s as a YAML scalar: single-quoted on one line, or double-quoted with escapes. */
static void put_yaml_string(struct buf *b, const char *s)
{
	bool plain = true;

	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			plain = false;
	if (plain) {
		put(b, "'");
		for (const char *p = s; *p; p++)
			put(b, *p == '\'' ? "''" : "%c", *p);
		put(b, "'");
		return;
	}
	put(b, "\"");
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			put(b, "\\%c", c);
		else if (c == '\n')
			put(b, "\\n");
		else if (c == '\t')
			put(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			put(b, "\\x%02x", c);
		else
			put(b, "%c", c);
	}
	put(b, "\"");
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* The first line of s, for the log. */
static int first_line_len(const char *s)
{
	return (int)strcspn(s, "\n");
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- requests as kfault sources ---- */

/* What a recover of a FailKernRequest names: its callchain. */
static char *kern_key(const struct bpfki_kern_req *r)
{
	struct buf b = {0};

	put(&b, "%s", "");
	for (size_t i = 0; i < r->nframes; i++) {
		const struct bpfki_frame *f = &r->callchain[i];
		const char *v[3] = { f->funcname, f->parameters, f->predicate };

		for (int j = 0; j < 3; j++)
			put(&b, "%zu:%s", v[j] ? strlen(v[j]) : 0, v[j] ? v[j] : "");
	}
	return b.s;
}

/* The callchain's function names, for the log. */
static char *kern_names(const struct bpfki_kern_req *r)
{
	struct buf b = {0};

	put(&b, "%s", "");
	for (size_t i = 0; i < r->nframes; i++)
		put(&b, "%s%s", i ? " > " : "",
		    empty(r->callchain[i].funcname) ? "(site predicate)" : r->callchain[i].funcname);
	return b.s;
}

/*
 * The request as a KernelChaos resource, which the KernelChaos front end
 * checks and translates as it does a file (docs/compat.md). 0, or
 * INVALID_ARGUMENT in rep.
 */
static int kern_yaml(const struct bpfki_kern_req *r, char **text, struct bpfki_reply *rep)
{
	static const char *const fields[] = { "funcname", "parameters", "predicate" };
	float pct = r->probability * 100.0f;
	long whole = lroundf(pct);
	struct buf b = {0};

	if (isnan(pct) || fabsf(pct - (float)whole) > 0.01f) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "probability %g is not a whole percentage: "
		      "KernelChaos takes one, sent as a fraction (0.05 for 5%%)", (double)r->probability);
		return -EINVAL;
	}
	put(&b, "# bpfki FailKernRequest\n"
	    "apiVersion: chaos-mesh.org/v1alpha1\n"
	    "kind: KernelChaos\n"
	    "metadata:\n"
	    "  name: failkernrequest\n"
	    "spec:\n"
	    "  failKernRequest:\n"
	    "    failtype: %d\n", r->ftype);
	if (r->nheaders) {
		put(&b, "    headers:\n");
		for (size_t i = 0; i < r->nheaders; i++) {
			put(&b, "      - ");
			put_yaml_string(&b, r->headers[i] ? r->headers[i] : "");
			put(&b, "\n");
		}
	}
	if (r->nframes) {
		put(&b, "    callchain:\n");
		for (size_t i = 0; i < r->nframes; i++) {
			const struct bpfki_frame *f = &r->callchain[i];
			const char *v[3] = { f->funcname, f->parameters, f->predicate };
			bool first = true;

			for (int j = 0; j < 3; j++) {
				if (empty(v[j]))
					continue;
				put(&b, "      %s%s: ", first ? "- " : "  ", fields[j]);
				put_yaml_string(&b, v[j]);
				put(&b, "\n");
				first = false;
			}
			if (first)
				put(&b, "      - {}\n");
		}
	}
	/* 0 is "not set" for Chaos Mesh (every time): left out, as the controller leaves it */
	if (whole)
		put(&b, "    probability: %ld\n", whole);
	if (r->times)
		put(&b, "    times: %u\n", r->times);
	*text = b.s;
	return 0;
}

/* A system call name as bpfki's clients send it: "mount". */
static bool syscall_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The methods, checked, sorted and without repeats: *out (free it, not its strings). */
static int syscall_methods(const struct bpfki_syscall_req *r, const char ***out, size_t *n,
			   struct bpfki_reply *rep)
{
	const char **m;
	size_t k = 0;

	if (!r->nmethods) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "no methods: name the system calls to fail");
		return -EINVAL;
	}
	if (r->nmethods > KF_MAX_INJECTIONS) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "%zu methods: at most %d in one request",
		      r->nmethods, KF_MAX_INJECTIONS);
		return -EINVAL;
	}
	m = calloc(r->nmethods, sizeof(*m));
	if (!m)
		abort();
	for (size_t i = 0; i < r->nmethods; i++) {
		const char *s = r->methods[i] ? r->methods[i] : "";

		if (!syscall_name_ok(s)) {
			reply(rep, BPFKI_INVALID_ARGUMENT, "method '%.64s' is not a system call name "
			      "(lower-case letters, digits and '_', as 'mount')", s);
			free(m);
			return -EINVAL;
		}
		m[k++] = s;
	}
	qsort(m, k, sizeof(*m), cmp_str);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (!*n || strcmp(m[*n - 1], m[i]))
			m[(*n)++] = m[i];
	*out = m;
	return 0;
}

/* What a recover of a FailSyscallRequest names: its methods. */
static char *syscall_key(const char **m, size_t n)
{
	struct buf b = {0};

	put(&b, "%s", "");
	for (size_t i = 0; i < n; i++)
		put(&b, "%s%s", i ? "," : "", m[i]);
	return b.s;
}

/* The request as native kfault text: one `inject function` per system call. */
static int syscall_text(const struct bpfki_syscall_req *r, const char **m, size_t n, char **text,
			struct bpfki_reply *rep)
{
	struct buf b = {0};
	char pct[32] = "100";

	if (!r->err || r->err > 4095) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "err %u is not an errno (1 to 4095)", r->err);
		return -EINVAL;
	}
	if (isnan(r->probability) || r->probability < 0 || r->probability > 1) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "probability %g is not from 0 to 1",
		      (double)r->probability);
		return -EINVAL;
	}
	if (r->probability > 0) {
		char *end;

		/* a percentage, its trailing zeros dropped: 0.005 is "0.5" */
		snprintf(pct, sizeof(pct), "%.6f", (double)r->probability * 100.0);
		end = pct + strlen(pct);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			end[-1] = '\0';
	}
	put(&b, "# bpfki FailSyscallRequest\n");
	for (size_t i = 0; i < n; i++) {
		const char *prefix = strncmp(m[i], SYSCALL_PREFIX, strlen(SYSCALL_PREFIX)) ?
				     SYSCALL_PREFIX : "";

		put(&b, "inject function %s%s returns -%u {\n    probability %s%%\n}\n", prefix, m[i],
		    r->err, pct);
	}
	*text = b.s;
	return 0;
}

/* ---- pids, cgroups ---- */

/*
 * The cgroup v2 directory of pid: its path (relative to the hierarchy's
 * root, as /proc/PID/cgroup says) and its id (the directory's inode
 * number, which bpf_get_current_cgroup_id() returns). 0, or a reply.
 */
static int pid_cgroup(unsigned pid, char **path, unsigned long long *id, struct bpfki_reply *rep)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	char file[64], *line = NULL, *p = NULL;
	size_t cap = 0;
	struct statfs sfs;
	struct stat st;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%u/cgroup", pid);
	f = fopen(file, "re");
	if (!f) {
		reply(rep, BPFKI_NOT_FOUND, "no process %u (%s)", pid, strerror(errno));
		return -ENOENT;
	}
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			p = strdup(line + 3);
			break;
		}
	}
	free(line);
	fclose(f);
	if (!p) {
		reply(rep, BPFKI_FAILED_PRECONDITION, "process %u is in no cgroup v2 (/proc/%u/cgroup "
		      "has no '0::' line): kfault serve targets containers by their cgroup v2", pid, pid);
		return -ENOENT;
	}
	if (strcmp(p, "/") == 0 || strncmp(p, "/..", 3) == 0) {
		reply(rep, BPFKI_FAILED_PRECONDITION, strcmp(p, "/") == 0 ?
		      "process %u is in the root cgroup: targeting it would fail the whole host" :
		      "process %u's cgroup %s is outside kfault serve's cgroup namespace: run it in the "
		      "host's (docs/kubernetes.md)", pid, p);
		free(p);
		return -EPERM;
	}
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char *dir;

		if (statfs(roots[i], &sfs) || sfs.f_type != CGROUP2_MAGIC)
			continue;
		if (asprintf(&dir, "%s%s", roots[i], p) < 0)
			abort();
		if (stat(dir, &st) == 0) {
			free(dir);
			*path = p;
			*id = (unsigned long long)st.st_ino;
			return 0;
		}
		reply(rep, BPFKI_NOT_FOUND, "process %u's cgroup %s: %s", pid, dir, strerror(errno));
		free(dir);
		free(p);
		return -ENOENT;
	}
	reply(rep, BPFKI_FAILED_PRECONDITION, "no cgroup v2 hierarchy at /sys/fs/cgroup: "
	      "kfault serve targets containers by their cgroup v2");
	free(p);
	return -ENOENT;
}

/* ---- injections ---- */

/*
 * Compile text (named name in diagnostics) to an object: 0, or the reply
 * (INVALID_ARGUMENT with the diagnostics as kfault prints them).
 */
/* The cached object of text, moved to the front, or NULL. */
static struct compiled *cache_find(struct bpfki_daemon *d, enum kind kind, const char *text)
{
	for (int i = 0; i < d->ncache; i++) {
		struct compiled c = d->cache[i];

		if (c.kind != kind || strcmp(c.text, text))
			continue;
		memmove(&d->cache[1], &d->cache[0], (size_t)i * sizeof(c));
		d->cache[0] = c;
		return &d->cache[0];
	}
	return NULL;
}

/* Keep a copy of an object compiled from text, forgetting the least recent past CACHE_MAX. */
static void cache_add(struct bpfki_daemon *d, enum kind kind, const char *text, const void *obj,
		      size_t size)
{
	struct compiled c = { strdup(text), malloc(size), size, kind };

	if (!c.text || !c.obj)
		abort();
	memcpy(c.obj, obj, size);
	if (d->ncache == CACHE_MAX) {
		free(d->cache[CACHE_MAX - 1].text);
		free(d->cache[CACHE_MAX - 1].obj);
		d->ncache--;
	}
	memmove(&d->cache[1], &d->cache[0], (size_t)d->ncache * sizeof(c));
	d->cache[0] = c;
	d->ncache++;
}

static int compile(struct bpfki_daemon *d, const char *name, const char *text, struct injection *in,
		   struct bpfki_reply *rep)
{
	struct kf_object obj = {0};
	struct kf_source *src;
	struct kf_unit u = {0};
	char *diags = NULL;
	size_t dlen = 0;
	FILE *f;
	struct compiled *c = cache_find(d, in->kind, text);
	int err;

	if (c) {
		in->obj = malloc(c->size);
		if (!in->obj)
			abort();
		memcpy(in->obj, c->obj, c->size);
		in->obj_size = c->size;
		in->cached = true;
		return 0;
	}
	src = kf_source__from_string(name, text, strlen(text));
	if (!src) {
		reply(rep, BPFKI_INTERNAL, "%s", strerror(errno));
		return -ENOMEM;
	}
	KF_OPTS(kf_unit_opts, uo, .btf = d->btf, .btf_path = d->btf_path ? d->btf_path : KF_RUNNING_BTF,
		.target_given = true);
	err = kf_unit__compile_opts(&u, src, &uo);
	if (!err) {
		KF_OPTS(kf_build_opts, bo, .btf = d->btf);

		err = kf_build(&u, &bo, &obj);
	}
	if (err) {
		f = open_memstream(&diags, &dlen);
		if (f) {
			kf_diags__print(&u.diags, f);
			fclose(f);
		}
		if (u.diags.errors)
			reply(rep, BPFKI_INVALID_ARGUMENT, "%s", diags ? diags : "");
		else
			reply(rep, BPFKI_INTERNAL, "%s: %s", name, strerror(-err));
		free(diags);
	}
	kf_unit__fini(&u);
	free(obj.log);
	in->obj = obj.data;
	in->obj_size = obj.size;
	if (!err)
		cache_add(d, in->kind, text, obj.data, obj.size);
	return err;
}

static void injection_free(struct injection *in)
{
	if (!in)
		return;
	kf_injector__destroy(in->inj);
	for (int i = 0; i < in->nt; i++)
		free(in->t[i].cgroup);
	free(in->t);
	free(in->obj);
	free(in->key);
	free(in->text);
	free(in);
}

/* Compile text to a new injection, not loaded yet. NULL, or a reply. */
static struct injection *injection_compile(struct bpfki_daemon *d, enum kind kind, const char *name,
					   char *key, char *text, struct bpfki_reply *rep)
{
	struct injection *in = calloc(1, sizeof(*in));

	if (!in)
		abort();
	in->kind = kind;
	in->key = key;
	in->text = text;
	if (compile(d, name, text, in, rep)) {
		injection_free(in);
		return NULL;
	}
	return in;
}

/* Load, attach and arm a compiled injection, targeting no cgroup yet: 0, or a reply. */
static int injection_load(struct bpfki_daemon *d, struct injection *in, const char *name,
			  struct bpfki_reply *rep)
{
	int err;

	KF_INJECTOR_OPTS(io, .backend = d->backend, .cgroup_set = true);
	in->inj = kf_injector__open_mem(in->obj, in->obj_size, name, &io);
	if (!in->inj) {
		reply(rep, BPFKI_INTERNAL, "cannot open the object: %s", strerror(errno));
		return -EINVAL;
	}
	err = kf_injector__load(in->inj);
	if (!err)
		err = kf_injector__attach(in->inj);
	if (!err)
		err = kf_injector__arm(in->inj, -1, true);
	if (err) {
		reply(rep, err == -EOPNOTSUPP || err == -EPERM ? BPFKI_FAILED_PRECONDITION : BPFKI_INTERNAL,
		      "%s", kf_injector__errmsg(in->inj));
		return err;
	}
	in->number = ++d->numbered;
	in->next = d->list;
	d->list = in;
	return 0;
}

static void injection_unlink(struct bpfki_daemon *d, struct injection *in)
{
	for (struct injection **pp = &d->list; *pp; pp = &(*pp)->next) {
		if (*pp == in) {
			*pp = in->next;
			break;
		}
	}
	injection_free(in);
}

static int find_target(const struct injection *in, unsigned pid)
{
	for (int i = 0; i < in->nt; i++)
		if (in->t[i].pid == pid)
			return i;
	return -1;
}

static bool cgroup_targeted(const struct injection *in, unsigned long long id)
{
	for (int i = 0; i < in->nt; i++)
		if (in->t[i].cgroup_id == id)
			return true;
	return false;
}

/* Target pid's cgroup too (a map update): 0, or a reply. */
static int target_add(struct injection *in, unsigned pid, char *cgroup, unsigned long long id,
		      struct bpfki_reply *rep)
{
	if (!cgroup_targeted(in, id) && kf_injector__add_cgroup(in->inj, id)) {
		reply(rep, BPFKI_INTERNAL, "%s", kf_injector__errmsg(in->inj));
		free(cgroup);
		return -EIO;
	}
	if (in->nt == in->capt) {
		in->capt = in->capt ? 2 * in->capt : 4;
		in->t = realloc(in->t, (size_t)in->capt * sizeof(*in->t));
		if (!in->t)
			abort();
	}
	in->t[in->nt++] = (struct target){ pid, id, cgroup };
	return 0;
}

/* No longer target pid (target i); its cgroup when no other pid is in it. */
static int target_remove(struct injection *in, int i, struct bpfki_reply *rep)
{
	struct target t = in->t[i];

	in->t[i] = in->t[--in->nt];
	if (!cgroup_targeted(in, t.cgroup_id) && kf_injector__remove_cgroup(in->inj, t.cgroup_id)) {
		reply(rep, BPFKI_INTERNAL, "%s", kf_injector__errmsg(in->inj));
		free(t.cgroup);
		return -EIO;
	}
	free(t.cgroup);
	return 0;
}

/* ---- the log ---- */

__attribute__((format(printf, 6, 7)))
static void log_request(struct bpfki_daemon *d, const char *rpc, unsigned pid,
			const struct bpfki_reply *rep, const struct timespec *t0, const char *fmt, ...)
{
	static const char *const names[] = {
		[BPFKI_OK] = "OK", [BPFKI_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
		[BPFKI_NOT_FOUND] = "NOT_FOUND", [BPFKI_FAILED_PRECONDITION] = "FAILED_PRECONDITION",
		[BPFKI_UNIMPLEMENTED] = "UNIMPLEMENTED", [BPFKI_INTERNAL] = "INTERNAL",
	};
	char what[512];
	va_list ap;

	if (!d->log)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(d->log, "kfault serve: %s pid %u: %s: %s", rpc, pid, what, names[rep->code]);
	if (rep->msg)
		fprintf(d->log, ": %.*s%s", first_line_len(rep->msg), rep->msg,
			strchr(rep->msg, '\n') && rep->msg[first_line_len(rep->msg) + 1] ? " ..." : "");
	fprintf(d->log, " (%.0f ms)\n", ms_since(t0));
	fflush(d->log);
}

/* ---- the RPCs ---- */

struct bpfki_daemon *bpfki__new(const struct bpfki_opts *opts)
{
	struct bpfki_daemon *d;

	if (!kf_opts_valid(opts, sizeof(*opts))) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->btf_path = KF_OPTS_GET(opts, btf_path, NULL);
	d->backend = KF_OPTS_GET(opts, backend, KF_BACKEND_AUTO);
	d->log = KF_OPTS_GET(opts, log, NULL);
	d->btf = kf_btf__open_indexed(d->btf_path);
	if (!d->btf) {
		int err = errno;

		free(d);
		errno = err;
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	return d;
}

void bpfki__destroy(struct bpfki_daemon *d)
{
	if (!d)
		return;
	while (d->list) {
		struct injection *in = d->list;

		d->list = in->next;
		injection_free(in);
	}
	for (int i = 0; i < d->ncache; i++) {
		free(d->cache[i].text);
		free(d->cache[i].obj);
	}
	kf_btf__free(d->btf);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/*
 * Fail: the injection made from text, for pid's cgroup too. A new text is
 * compiled first (a request in error is INVALID_ARGUMENT whatever its pid),
 * loaded once pid's cgroup is known. Takes key and text.
 */
static void fail(struct bpfki_daemon *d, enum kind kind, const char *name, unsigned pid, char *key,
		 char *text, struct bpfki_reply *rep, char **cgroup_out, int *number,
		 const struct injection **made)
{
	struct injection *in;
	unsigned long long id;
	char *cgroup;

	*made = NULL;
	if (!pid) {
		reply(rep, BPFKI_INVALID_ARGUMENT, "pid 0: give the container's process");
		free(key);
		free(text);
		return;
	}
	for (in = d->list; in; in = in->next)
		if (in->kind == kind && strcmp(in->text, text) == 0)
			break;
	if (in) {
		free(key);
		free(text);
	} else {
		in = injection_compile(d, kind, name, key, text, rep);
		if (!in)
			return;
		*made = in;
	}
	if (pid_cgroup(pid, &cgroup, &id, rep))
		goto free_new;
	*cgroup_out = strdup(cgroup);
	if (*made && injection_load(d, in, name, rep)) {
		free(cgroup);
		goto free_new;
	}
	*number = in->number;
	if (find_target(in, pid) >= 0) {
		free(cgroup);	/* asked again: already so */
		reply(rep, BPFKI_OK, NULL);
		return;
	}
	if (target_add(in, pid, cgroup, id, rep)) {
		if (!in->nt) {
			injection_unlink(d, in);
			*made = NULL;
			*number = 0;
		}
		return;
	}
	reply(rep, BPFKI_OK, NULL);
	return;
free_new:
	if (*made && !in->number)
		injection_free(in);	/* not in the list yet */
	*made = NULL;
}

/* Recover: pid no longer targeted by the injection of kind and key that targets it. */
static void recover(struct bpfki_daemon *d, enum kind kind, unsigned pid, const char *key,
		    struct bpfki_reply *rep, int *number, int *left)
{
	struct injection *in, *known = NULL;
	int i = -1;

	for (in = d->list; in; in = in->next) {
		if (in->kind != kind || strcmp(in->key, key))
			continue;
		known = in;
		i = find_target(in, pid);
		if (i >= 0)
			break;
	}
	if (!known) {
		reply(rep, BPFKI_OK, NULL);	/* nothing armed for it: nothing to recover */
		*number = 0;
		return;
	}
	if (!in) {
		reply(rep, BPFKI_INTERNAL, NOT_TARGETED);	/* armed, but not for pid */
		*number = 0;
		return;
	}
	*number = in->number;
	if (target_remove(in, i, rep))
		return;
	*left = in->nt;
	if (!in->nt)
		injection_unlink(d, in);	/* the last target: detached */
	reply(rep, BPFKI_OK, NULL);
}

/*
 * What a request did to which injection, for the log: ", injection #3
 * (new, compiled)" (or "compiled before", for an earlier one, now
 * detached), "(loaded)" when it existed, "(detached)" when the recover
 * removed its last target, "(N left)" otherwise; "" when none.
 */
static const char *injection_said(int number, const struct injection *made, int left)
{
	static __thread char buf[64];

	if (!number)
		return "";
	if (left < 0)
		snprintf(buf, sizeof(buf), ", injection #%d (%s)", number,
			 !made ? "loaded" : made->cached ? "new, compiled before" : "new, compiled");
	else if (left == 0)
		snprintf(buf, sizeof(buf), ", injection #%d (detached)", number);
	else
		snprintf(buf, sizeof(buf), ", injection #%d (%d target%s left)", number, left,
			 left == 1 ? "" : "s");
	return buf;
}

static const char *kind_name(int ftype)
{
	static const char *const names[] = { "slab", "page", "bio" };

	return ftype >= 0 && ftype < 3 ? names[ftype] : "failtype?";
}

void bpfki__fail_kern(struct bpfki_daemon *d, const struct bpfki_kern_req *r, struct bpfki_reply *rep)
{
	char *text = NULL, *names = kern_names(r), *cgroup = NULL;
	struct timespec t0;
	int number = 0;
	const struct injection *made = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep->msg = NULL;
	pthread_mutex_lock(&d->lock);
	if (!kern_yaml(r, &text, rep))
		fail(d, KIND_KERN, "FailKernRequest.yaml", r->pid, kern_key(r), text, rep, &cgroup,
		     &number, &made);
	log_request(d, "FailMMOrBIO", r->pid, rep, &t0, "%s%s%s%s under [%s]%s", cgroup ? "cgroup " : "",
		    cgroup ? cgroup : "", cgroup ? ", " : "", kind_name(r->ftype), names,
		    injection_said(number, made, -1));
	pthread_mutex_unlock(&d->lock);
	free(names);
	free(cgroup);
}

void bpfki__recover_kern(struct bpfki_daemon *d, const struct bpfki_kern_req *r, struct bpfki_reply *rep)
{
	char *key = kern_key(r), *names = kern_names(r);
	struct timespec t0;
	int number = 0, left = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep->msg = NULL;
	pthread_mutex_lock(&d->lock);
	recover(d, KIND_KERN, r->pid, key, rep, &number, &left);
	log_request(d, "RecoverMMOrBIO", r->pid, rep, &t0, "[%s]%s", names,
		    injection_said(number, false, left));
	pthread_mutex_unlock(&d->lock);
	free(key);
	free(names);
}

void bpfki__fail_syscall(struct bpfki_daemon *d, const struct bpfki_syscall_req *r,
			 struct bpfki_reply *rep)
{
	char *text = NULL, *key = NULL, *cgroup = NULL;
	const char **m = NULL;
	struct timespec t0;
	int number = 0;
	const struct injection *made = NULL;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep->msg = NULL;
	pthread_mutex_lock(&d->lock);
	if (!syscall_methods(r, &m, &n, rep)) {
		key = syscall_key(m, n);
		if (!syscall_text(r, m, n, &text, rep))
			fail(d, KIND_SYSCALL, "FailSyscallRequest", r->pid, strdup(key), text, rep,
			     &cgroup, &number, &made);
	}
	log_request(d, "FailSyscall", r->pid, rep, &t0, "%s%s%s[%s] with -%u%s", cgroup ? "cgroup " : "",
		    cgroup ? cgroup : "", cgroup ? ", " : "", key ? key : "", r->err,
		    injection_said(number, made, -1));
	pthread_mutex_unlock(&d->lock);
	free(m);
	free(key);
	free(cgroup);
}

void bpfki__recover_syscall(struct bpfki_daemon *d, const struct bpfki_syscall_req *r,
			    struct bpfki_reply *rep)
{
	const char **m = NULL;
	char *key = NULL;
	struct timespec t0;
	int number = 0, left = -1;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep->msg = NULL;
	pthread_mutex_lock(&d->lock);
	if (!syscall_methods(r, &m, &n, rep)) {
		key = syscall_key(m, n);
		recover(d, KIND_SYSCALL, r->pid, key, rep, &number, &left);
	}
	log_request(d, "RecoverSyscall", r->pid, rep, &t0, "[%s]%s", key ? key : "",
		    injection_said(number, false, left));
	pthread_mutex_unlock(&d->lock);
	free(m);
	free(key);
}

void bpfki__time(struct bpfki_daemon *d, const char *rpc, unsigned pid, struct bpfki_reply *rep)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rep->msg = NULL;
	reply(rep, BPFKI_UNIMPLEMENTED, "%s is not implemented by kfault serve: it injects kernel "
	      "faults (FailMMOrBIO, FailSyscall); Chaos Mesh's TimeChaos does not call bpfki", rpc);
	pthread_mutex_lock(&d->lock);
	log_request(d, rpc, pid, rep, &t0, "time");
	pthread_mutex_unlock(&d->lock);
}

void bpfki__count(struct bpfki_daemon *d, int *injections, int *targets)
{
	*injections = *targets = 0;
	pthread_mutex_lock(&d->lock);
	for (struct injection *in = d->list; in; in = in->next) {
		(*injections)++;
		*targets += in->nt;
	}
	pthread_mutex_unlock(&d->lock);
}
