// SPDX-License-Identifier: MIT
/* What a program would attach, in words or JSON (explain.h). */
#define _GNU_SOURCE	/* strerrorname_np */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "explain.h"
#include "opts.h"
#include "plan.h"

/* The injections as a run with these options would arm them. */
struct view {
	const struct kf_explain *e;
	const char *path;
	FILE *out;
	char *const *command;
	struct kf_knobs knobs[KF_MAX_INJECTIONS];	/* the run's targets applied */
	bool retargeted;		/* the command line's targets replace the file's */
	const char *cgroup;		/* the command line's cgroup, or NULL */
	uint64_t duration_ms;		/* how long the run lasts; 0: until stopped */
	bool ends_with_times;
	enum kf_backend asked, backend;	/* --backend; what it attaches with (auto: the kernel decides) */
	int zero;			/* the first injection that returns 0, or -1 */
};

int kf_explain__from_injector(struct kf_explain *e, const struct kf_injector *inj)
{
	memset(e, 0, sizeof(*e));
	e->n = kf_injector__injection_cnt(inj);
	if (e->n < 0 || e->n > KF_MAX_INJECTIONS)
		return -EINVAL;
	for (int i = 0; i < e->n; i++) {
		struct kf_meta *m = &e->meta[i];

		*m = *kf_injector__meta(inj, i);
		e->knobs[i] = *kf_injector__knobs(inj, i);
		/* whatever an object holds, its strings end within their arrays here */
		m->site[sizeof(m->site) - 1] = '\0';
		for (int f = 0; f < KF_MAX_FRAMES; f++)
			m->frames[f][sizeof(m->frames[f]) - 1] = '\0';
		m->cgroup[sizeof(m->cgroup) - 1] = '\0';
		m->schedule[sizeof(m->schedule) - 1] = '\0';
		m->source[sizeof(m->source) - 1] = '\0';
		if (m->nframes > KF_MAX_FRAMES)
			m->nframes = KF_MAX_FRAMES;
		e->knobs[i].comm[sizeof(e->knobs[i].comm) - 1] = '\0';
	}
	return 0;
}

void kf_explain__fini(struct kf_explain *e)
{
	for (int i = 0; i < KF_MAX_INJECTIONS; i++) {
		struct kf_explain_source *s = &e->src[i];

		free(s->what);
		free(s->retval);
		free(s->site_pred);
		for (int f = 0; f < KF_MAX_FRAMES; f++)
			free(s->frame_pred[f]);
	}
	free(e->source_path);
	memset(e, 0, sizeof(*e));
}

/* ---- strings ---- */

/* s as it is, its control characters escaped: no input moves a terminal's cursor. */
static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

/* s in double quotes, as C writes a string. */
static void put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		put_text(out, (char[]){ *s, 0 });
	}
	fputc('"', out);
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629), or 0. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (!n || s[0] > 0xf4)
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Text that is not UTF-8 (a command's stderr can be anything: a binary run
 * as a script printed its own bytes) becomes U+FFFD, byte by byte, so that
 * the JSON stays JSON.
 */
void kf_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		int n;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, out);
		else if ((n = utf8_len((const unsigned char *)s))) {
			fwrite(s, 1, (size_t)n, out);
			s += n;
			continue;
		} else {
			fputs("\\ufffd", out);
		}
		s++;
	}
	fputc('"', out);
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* The value a failing function returns: as written, else its errno's name, else the number. */
static const char *retval_text(const struct view *v, int i, char *buf, size_t size)
{
	long long r = v->e->knobs[i].retval;
	const char *name = r < 0 && r > -4096 ? strerrorname_np((int)-r) : NULL;

	if (v->e->source_path && v->e->src[i].retval)
		return v->e->src[i].retval;
	if (name)
		snprintf(buf, size, "-%s", name);
	else
		snprintf(buf, size, "%lld", r);
	return buf;
}

/* A probability from its knob: percent. */
static double percent(const struct kf_knobs *k)
{
	if (k->prob_scaled >= KF_PROB_ALWAYS)
		return 100;
	return (double)k->prob_scaled * 100.0 / (double)KF_PROB_ALWAYS;
}

/* Where injection i is: its source as given, or the one the object names. */
static const char *source_of(const struct view *v, int i)
{
	return v->e->source_path ? v->e->source_path : v->e->meta[i].source;
}

/* ---- the run: its options applied ---- */

static int make_view(struct view *v, const struct kf_explain *e, const char *path,
		     const struct kf_explain_opts *opts, FILE *out)
{
	const struct kf_injector_opts *run = opts ? opts->run : NULL;
	const struct kf_session_opts *session = opts ? opts->session : NULL;
	const struct kf_meta *meta[KF_MAX_INJECTIONS];
	const struct kf_knobs *knobs[KF_MAX_INJECTIONS];

	if (!kf_opts_valid(opts, sizeof(*opts)) || !kf_opts_valid(run, sizeof(*run)) ||
	    !kf_opts_valid(session, sizeof(*session)) || e->n < 0 || e->n > KF_MAX_INJECTIONS)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->e = e;
	v->path = path;
	v->out = out;
	v->command = KF_OPTS_GET(opts, command, NULL);
	v->asked = KF_OPTS_GET(run, backend, KF_BACKEND_AUTO);
	for (int i = 0; i < e->n; i++) {
		struct kf_knobs *k = &v->knobs[i];

		*k = e->knobs[i];
		if (v->command) {
			/* run -- CMD: CMD's pid tree, not known before it starts */
			v->retargeted = kf_plan__target(k, 1, true, NULL, NULL);
			k->tgid = 0;
		} else if (run) {
			v->retargeted = kf_plan__target(k, KF_OPTS_GET(run, pid, 0),
							KF_OPTS_GET(run, children, false),
							KF_OPTS_GET(run, comm, NULL),
							KF_OPTS_GET(run, cgroup, NULL));
			v->cgroup = KF_OPTS_GET(run, cgroup, NULL);
		}
		meta[i] = &e->meta[i];
		knobs[i] = k;
	}
	v->duration_ms = kf_plan__duration_ms(meta, e->n, KF_OPTS_GET(session, duration_ms, 0));
	v->ends_with_times = kf_plan__ends_with_times(knobs, e->n,
						      KF_OPTS_GET(session, stay_armed, false));
	v->backend = kf_plan__backend(v->asked, meta, e->n, &v->zero);
	return 0;
}

/* ---- words ---- */

#define LABEL "  %-14s"

/* When the run ends, and with -- CMD when the injections are disarmed. */
static void words_run(const struct view *v)
{
	const char *why[3];
	char d[32], after[40];
	int n = 0;
	FILE *out = v->out;

	if (v->duration_ms) {
		snprintf(after, sizeof(after), "after %s", kf_format_duration(v->duration_ms, d, sizeof(d)));
		why[n++] = after;
	}
	if (v->ends_with_times)
		why[n++] = "when every injection has used its 'times'";
	if (v->command) {
		fputs("  the run ends when ", out);
		put_text(out, v->command[0]);
		fputs(" ends", out);
		if (n)
			fputs("; the injections are disarmed sooner, ", out);
	} else {
		why[n++] = "at Ctrl-C";
		fputs("  the run ends ", out);
	}
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s", i == 0 ? "" : i < n - 1 ? ", " : n > 2 ? ", or " : " or ", why[i]);
	fputs(v->command && n ? ", if that comes first\n" : "\n", out);
}

static void words_backend(const struct view *v)
{
	fprintf(v->out, LABEL, "backend:");
	if (v->backend == KF_BACKEND_AUTO) {
		fputs("decided at run time: fmod_ret if the kernel has BTF for every function, else kprobe\n",
		      v->out);
	} else if (v->asked == KF_BACKEND_AUTO) {
		fprintf(v->out, "kprobe: fmod_ret cannot make a function return 0 (injection #%d); "
			"the kernel needs CONFIG_BPF_KPROBE_OVERRIDE\n", v->zero);
	} else if (v->backend == KF_BACKEND_FMOD_RET && v->zero >= 0) {
		fprintf(v->out, "fmod_ret (--backend), which cannot make a function return 0 "
			"(injection #%d): the run would stop before loading\n", v->zero);
	} else {
		fprintf(v->out, "%s (--backend)\n", kf_backend_name(v->backend));
	}
}

static void words_target(const struct view *v, int i)
{
	const struct kf_knobs *k = &v->knobs[i];
	const char *cgroup = v->cgroup ? v->cgroup : v->e->meta[i].cgroup;
	const char *and = "";
	FILE *out = v->out;

	fprintf(out, LABEL, "target:");
	if (v->command) {
		put_text(out, v->command[0]);
		fputs(" and every process it starts (-- CMD, replacing the file's target)\n", out);
		return;
	}
	if (k->tgid) {
		fprintf(out, "process %u %s", k->tgid,
			k->children ? "and every process it starts" : "(all its threads)");
		and = " and ";
	}
	if (k->comm[0]) {
		fprintf(out, "%stasks named ", and);
		put_quoted(out, k->comm);
		and = " and ";
	}
	if (k->cgroup) {
		fprintf(out, "%stasks in the cgroup ", and);
		put_text(out, cgroup);
		fputs(" or below it", out);
		and = " and ";
	}
	if (!*and)
		fputs("every process on the host", out);
	if (v->retargeted)
		fputs(" (the command line's, replacing the file's)", out);
	fputc('\n', out);
}

static void words_injection(const struct view *v, int i)
{
	const struct kf_meta *m = &v->e->meta[i];
	const struct kf_knobs *k = &v->knobs[i];
	const struct kf_explain_source *src = v->e->source_path ? &v->e->src[i] : NULL;
	char buf[64], d[32];
	FILE *out = v->out;

	fprintf(out, "\ninjection #%d, ", i);
	put_text(out, source_of(v, i));
	fprintf(out, ":%u\n", m->line);

	fprintf(out, LABEL, "fails:");
	if (src && src->what)
		fprintf(out, "%s: ", src->what);
	put_text(out, m->site);
	fprintf(out, " returns %s\n", retval_text(v, i, buf, sizeof(buf)));

	fprintf(out, LABEL, "call chain:");
	if (!m->nframes)
		fputs("none: every call reaching the failure site counts\n", out);
	else
		fputs("outermost first, each function probed on entry and on return\n", out);
	for (__u32 f = 0; f < m->nframes; f++) {
		fprintf(out, "  %-14s  ", "");
		put_text(out, m->frames[f]);
		fprintf(out, " (line %u)", m->frame_lines[f]);
		if (src && src->frame_pred[f]) {
			fputs(" when ", out);
			put_text(out, src->frame_pred[f]);
		}
		fputc('\n', out);
	}
	fprintf(out, LABEL, "failure site:");
	put_text(out, m->site);
	fprintf(out, " (line %u)", m->line);
	if (src && src->site_pred) {
		fputs(" when ", out);
		put_text(out, src->site_pred);
	}
	fputc('\n', out);

	words_backend(v);

	fprintf(out, LABEL "%g%%", "probability:", percent(k));
	if (k->prob_scaled >= KF_PROB_ALWAYS)
		fputc('\n', out);
	else if (k->per_call && m->nframes) {
		fputs(", drawn once per call of ", out);
		put_text(out, m->frames[0]);
		fputc('\n', out);
	} else {
		fputs(", drawn at each decision\n", out);
	}

	fprintf(out, LABEL, "times:");
	if (k->times)
		fprintf(out, "at most %llu failure%s\n", (unsigned long long)k->times,
			k->times == 1 ? "" : "s");
	else
		fputs("no limit\n", out);
	if (k->nth)
		fprintf(out, LABEL "only decision %u may fail (nth)\n", "nth:", k->nth);

	fprintf(out, LABEL, "duration:");
	if (!m->duration_ms)
		fputs("none\n", out);
	else
		fprintf(out, "%s%s\n", kf_format_duration(m->duration_ms, d, sizeof(d)),
			m->schedule[0] ? " from each tick" : "");

	fprintf(out, LABEL, "schedule:");
	if (m->schedule[0]) {
		put_quoted(out, m->schedule);
		fputs(": armed at each tick for its duration, disarmed in between\n", out);
	} else {
		fputs("none: armed for the whole run\n", out);
	}

	words_target(v, i);
}

static void words(const struct view *v)
{
	const struct kf_explain *e = v->e;
	FILE *out = v->out;

	put_text(out, v->path);
	fputs(": ", out);
	if (!e->source_path && e->n) {
		fputs("a kfault object built from ", out);
		put_text(out, e->meta[0].source);
		fputs(", ", out);
	}
	fprintf(out, "%d injection%s\n", e->n, e->n == 1 ? "" : "s");
	words_run(v);
	if (!e->source_path)
		fputs("  an object does not record predicates: explain its source to see them\n", out);
	for (int i = 0; i < e->n; i++)
		words_injection(v, i);
}

/* ---- JSON ---- */

static void json_injection(const struct view *v, int i)
{
	const struct kf_meta *m = &v->e->meta[i];
	const struct kf_knobs *k = &v->knobs[i];
	const struct kf_explain_source *src = v->e->source_path ? &v->e->src[i] : NULL;
	FILE *out = v->out;

	fprintf(out, "%s{\"index\": %d, \"source\": ", i ? ", " : "", i);
	kf_json_string(out, source_of(v, i));
	fprintf(out, ", \"line\": %u, \"what\": ", m->line);
	kf_json_string(out, src ? src->what : NULL);
	fputs(", \"site\": ", out);
	kf_json_string(out, m->site);
	fprintf(out, ", \"returns\": %lld, \"returns_as_written\": ", (long long)k->retval);
	kf_json_string(out, src ? src->retval : NULL);
	fputs(", \"site_predicate\": ", out);
	kf_json_string(out, src ? src->site_pred : NULL);
	fputs(", \"frames\": [", out);
	for (__u32 f = 0; f < m->nframes; f++) {
		fprintf(out, "%s{\"function\": ", f ? ", " : "");
		kf_json_string(out, m->frames[f]);
		fprintf(out, ", \"line\": %u, \"predicate\": ", m->frame_lines[f]);
		kf_json_string(out, src ? src->frame_pred[f] : NULL);
		fputc('}', out);
	}
	fputs("], \"backend\": ", out);
	kf_json_string(out, v->backend == KF_BACKEND_AUTO ? NULL : kf_backend_name(v->backend));
	fprintf(out, ", \"probability\": %g, \"probability_per\": \"%s\", \"times\": %llu, "
		"\"nth\": %u, \"duration_ms\": %llu, \"schedule\": ", percent(k),
		k->per_call ? "call" : "decision", (unsigned long long)k->times, k->nth,
		(unsigned long long)m->duration_ms);
	kf_json_string(out, or_null(m->schedule));
	fprintf(out, ", \"target\": {\"pid\": %u, \"children\": %s, \"comm\": ", k->tgid,
		k->children ? "true" : "false");
	kf_json_string(out, or_null(k->comm));
	fputs(", \"cgroup\": ", out);
	kf_json_string(out, k->cgroup ? (v->cgroup ? v->cgroup : m->cgroup) : NULL);
	fputs(", \"command\": ", out);
	if (v->command) {
		fputc('[', out);
		for (int a = 0; v->command[a]; a++) {
			fputs(a ? ", " : "", out);
			kf_json_string(out, v->command[a]);
		}
		fputc(']', out);
	} else {
		fputs("null", out);
	}
	fprintf(out, ", \"replaced\": %s}}", v->retargeted ? "true" : "false");
}

static void json(const struct view *v)
{
	const struct kf_explain *e = v->e;
	FILE *out = v->out;

	fputs("{\"file\": ", out);
	kf_json_string(out, v->path);
	fprintf(out, ", \"object\": %s, \"predicates_recorded\": %s, \"backend\": ",
		e->source_path ? "false" : "true", e->source_path ? "true" : "false");
	kf_json_string(out, v->backend == KF_BACKEND_AUTO ? NULL : kf_backend_name(v->backend));
	fprintf(out, ", \"run\": {\"duration_ms\": %llu, \"ends_with_times\": %s}, \"injections\": [",
		(unsigned long long)v->duration_ms, v->ends_with_times ? "true" : "false");
	for (int i = 0; i < e->n; i++)
		json_injection(v, i);
	fputs("]}\n", out);
}

int kf_explain__print(const struct kf_explain *e, const char *path,
		      const struct kf_explain_opts *opts, FILE *out)
{
	struct view v;
	int err = make_view(&v, e, path, opts, out);

	if (err)
		return err;
	if (KF_OPTS_GET(opts, json, false))
		json(&v);
	else
		words(&v);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
