// SPDX-License-Identifier: MIT
/*
 * kfault sweep (and kfault-run sweep): fail every failure point of a
 * command, one at a time (runtime/sweep.c), and report what broke: a
 * table worst first, --json, --junit, and a reproducer .fault per point.
 * With --vm, the whole sweep runs in one boot of kfault's test VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "command.h"
#include "cron.h"
#include "explain.h"
#include "knames.h"
#include "sweep.h"
#include "sweep-cmd.h"
#include "vm.h"

enum {
	SWEEP_BY = 400, SWEEP_EACH, SWEEP_TIMEOUT, SWEEP_MAX, SWEEP_JSON, SWEEP_JUNIT,
	SWEEP_REPRO, SWEEP_BACKEND, SWEEP_BTF, SWEEP_VM, SWEEP_VM_KERNEL, SWEEP_SOURCE, SWEEP_SITES,
	SWEEP_ERRNO,
};

const struct cli_option sweep_options[] = {
	{ "by", 0, SWEEP_BY, "stack|nth",
	  "what makes a point: its kernel stack (a call context,\nthe default) or its number (the N-th decision)" },
	{ "sites", 0, SWEEP_SITES, "file|errinj",
	  "what fails: FILE's failure sites (default), or each\nfunction of the kernel's error-injection list\n"
	  "called under FILE's chain, with a value of its type" },
	{ "errno", 0, SWEEP_ERRNO, "E",
	  "with --sites errinj, what ERRNO functions fail with\n(default ENOMEM; a name or a number)" },
	{ "each", 0, SWEEP_EACH, "once|always",
	  "fail a point the first time it is reached (default)\nor each time it recurs (by stack only)" },
	{ "timeout", 't', SWEEP_TIMEOUT, "TIME", "a run longer than TIME is killed: a hang (default 60s)" },
	{ "max-points", 0, SWEEP_MAX, "N", "sweep the first N points only" },
	{ "json", 'j', SWEEP_JSON, "FILE", "write every detail as JSON to FILE" },
	{ "junit", 0, SWEEP_JUNIT, "FILE", "write a JUnit report, one test case per point" },
	{ "repro", 'r', SWEEP_REPRO, "DIR",
	  "write a reproducer .fault file per point to DIR\n(kfault run DIR/point-N.fault -- CMD)" },
	{ "backend", 'b', SWEEP_BACKEND, "B", "kprobe, fmod_ret or auto (default)" },
	{ "btf", 0, SWEEP_BTF, "VMLINUX", "a source is compiled against this BTF or vmlinux" },
	{ "source", 0, SWEEP_SOURCE, "FILE", "the .fault file OBJECT was built from, for --repro" },
	{ "vm", 0, SWEEP_VM, NULL,
	  "sweep in kfault's test VM (qemu; no root needed),\nthe whole sweep in one boot" },
	{ "vm-kernel", 0, SWEEP_VM_KERNEL, "KERNEL", VM_KERNEL_HELP },
	CLI_OPT_HELP,
	{ NULL },
};

void sweep_opts_init(struct sweep_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sweeper.sz = sizeof(o->sweeper);
	o->sweeper.by = KF_SWEEP_BY_STACK;
	o->sweeper.timeout_ms = 60000;
}

static int set_option(void *ctx, int key, const char *arg)
{
	struct sweep_cmd *sc = ctx;
	struct sweep_opts *o = &sc->opts;
	char *end;
	uint64_t ms;

	switch (key) {
	case SWEEP_BY:
		if (!strcmp(arg, "stack"))
			o->sweeper.by = KF_SWEEP_BY_STACK;
		else if (!strcmp(arg, "nth"))
			o->sweeper.by = KF_SWEEP_BY_NTH;
		else
			return cli_usage(sc->cmd, "--by: '%s' is neither 'stack' nor 'nth'", arg);
		break;
	case SWEEP_EACH:
		if (!strcmp(arg, "once"))
			o->sweeper.always = false;
		else if (!strcmp(arg, "always"))
			o->sweeper.always = true;
		else
			return cli_usage(sc->cmd, "--each: '%s' is neither 'once' nor 'always'", arg);
		break;
	case SWEEP_TIMEOUT:
		if (kf_parse_duration(arg, &ms) || !ms || ms > INT_MAX)
			return cli_usage(sc->cmd, "--timeout: '%s' is not a duration such as 30s or 2m", arg);
		o->sweeper.timeout_ms = (int)ms;
		break;
	case SWEEP_MAX:
		errno = 0;
		o->sweeper.max_points = (int)strtol(arg, &end, 10);
		if (errno || *end || o->sweeper.max_points <= 0)
			return cli_usage(sc->cmd, "--max-points: '%s' is not a number of points", arg);
		break;
	case SWEEP_JSON: o->json_path = arg; break;
	case SWEEP_JUNIT: o->junit_path = arg; break;
	case SWEEP_REPRO: o->repro_dir = arg; break;
	case SWEEP_BACKEND:
		if (!strcmp(arg, "kprobe"))
			o->backend = KF_BACKEND_KPROBE;
		else if (!strcmp(arg, "fmod_ret"))
			o->backend = KF_BACKEND_FMOD_RET;
		else if (!strcmp(arg, "auto"))
			o->backend = KF_BACKEND_AUTO;
		else
			return cli_usage(sc->cmd, "--backend: '%s' is not kprobe, fmod_ret or auto", arg);
		break;
	case SWEEP_SITES:
		if (!strcmp(arg, "file"))
			o->sweeper.sites = KF_SWEEP_SITES_FILE;
		else if (!strcmp(arg, "errinj"))
			o->sweeper.sites = KF_SWEEP_SITES_ERRINJ;
		else
			return cli_usage(sc->cmd, "--sites: '%s' is neither 'file' nor 'errinj'", arg);
		break;
	case SWEEP_ERRNO: {
		const char *name = arg[0] == '-' ? arg + 1 : arg;
		long n = kf_errno_by_name(name);

		if (!n) {
			errno = 0;
			n = strtol(name, &end, 10);
			if ((errno || *end || n < 1 || n > 4095) && kf_closest_errno(name))
				return cli_usage(sc->cmd, "--errno: '%s' is not an errno; did you mean %s?", arg,
						 kf_closest_errno(name));
			if (errno || *end || n < 1 || n > 4095)
				return cli_usage(sc->cmd, "--errno: '%s' is not an errno (ENOMEM, EIO, 5...)", arg);
		}
		o->sweeper.errinj_errno = (int)-n;
		break;
	}
	case SWEEP_BTF: o->btf_path = arg; break;
	case SWEEP_VM: o->vm = true; break;
	case SWEEP_VM_KERNEL: o->vm_kernel = arg; break;
	case SWEEP_SOURCE: o->source = arg; break;
	}
	return -1;
}

/* ---- naming a point ---- */

/* Kernel frames that are the probe's or the system call's plumbing, not the path. */
static bool plumbing(const char *name)
{
	return !strncmp(name, "bpf_", 4) || !strncmp(name, "entry_SYSCALL", 13) ||
	       !strcmp(name, "do_syscall_64") || !strncmp(name, "0x", 2) ||
	       !strcmp(name, "x64_sys_call") || !strncmp(name, "kprobe", 6) ||
	       !strncmp(name, "ftrace", 6) || !strncmp(name, "arch_ftrace", 11);
}

/* The allocator's own frames: the same in every point, they say nothing. */
static bool allocator(const char *name)
{
	static const char *const prefixes[] = {
		"kmem_cache_alloc", "__kmalloc", "kmalloc", "__kmem_cache_alloc", "slab_alloc",
		"__alloc_pages", "alloc_pages", "__folio_alloc", "folio_alloc", "alloc_frozen_pages",
		"should_fail", "kvmalloc", "__kvmalloc",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* What an errinj function fails with, as `returns` says it: "-ENOMEM", "true", "0". */
static const char *returns_text(const struct kf_errinj_func *f, char *buf, size_t size)
{
	const char *name = kf_errno_name(f->retval);

	if (!strcmp(f->type, "TRUE") && f->retval == 1)
		snprintf(buf, size, "true");
	else if (f->retval < 0 && name)
		snprintf(buf, size, "-%s", name);
	else
		snprintf(buf, size, "%lld", f->retval);
	return buf;
}

/* Frame j of p's stack as a function name (no offset), into buf. */
static const char *frame_name(struct kf_injector *inj, const struct kf_sweep_point *p, int j,
			      char *buf, size_t size)
{
	kf_injector__symbolize(inj, p->stack[j], buf, size);
	buf[strcspn(buf, "+")] = '\0';
	return buf;
}

/*
 * "site < caller < ... < __x64_sys_mount", innermost first: the site, the
 * first five frames past the allocator's and the plumbing, "...", and the
 * outermost (the system call). An errinj point starts with its function
 * and what it fails with: "__filemap_add_folio() = -ENOMEM < caller ...".
 */
static void short_stack(struct kf_injector *inj, const struct kf_sweep_point *p, char *out,
			size_t size)
{
	const struct kf_errinj_func *f = kf_injector__errinj_func(inj, p->func);
	char name[KF_NAME_LEN + 32];
	int kept[KF_MAX_STACK], nkept = 0;
	size_t len = 0;

	for (int j = 0; j < p->stack_depth; j++) {
		frame_name(inj, p, j, name, sizeof(name));
		if (plumbing(name) || ((nkept || f) && allocator(name)) || (f && !strcmp(name, f->name)))
			continue;
		kept[nkept++] = j;
	}
	out[0] = '\0';
	if (f)
		len = (size_t)snprintf(out, size, "%s() = %s", f->name, returns_text(f, name, sizeof(name)));
	for (int k = 0; k < nkept && len + 1 < size; k++) {
		if (nkept > 7 && k == 6) {
			len += (size_t)snprintf(out + len, size - len, " < ...");
			k = nkept - 2;
			continue;
		}
		frame_name(inj, p, kept[k], name, sizeof(name));
		len += (size_t)snprintf(out + len, size - len, "%s%s", k || f ? " < " : "", name);
	}
	if (len >= size)
		out[size - 1] = '\0';
}

static const char *signal_name(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);

	snprintf(buf, size, "SIG%s", abbrev ? abbrev : "?");
	return buf;
}

/* "exit 3", "SIGSEGV", "killed at the timeout" */
static const char *ending(const struct kf_sweep_point *p, char *buf, size_t size)
{
	if (p->cls == KF_CLASS_HANG)
		snprintf(buf, size, "timeout");
	else if (p->signal)
		signal_name(p->signal, buf, size);
	else
		snprintf(buf, size, "exit %d", p->status);
	return buf;
}

static bool is_bad(enum kf_sweep_class c)
{
	return c == KF_CLASS_KERNEL || c == KF_CLASS_CRASH || c == KF_CLASS_HANG;
}

/* Points in report order: worst class first, then by point number. */
static int *report_order(const struct kf_sweeper *s)
{
	int n = kf_sweeper__point_cnt(s), *order = calloc((size_t)n + 1, sizeof(*order)), k = 0;

	if (!order)
		return NULL;
	for (int c = KF_CLASS_KERNEL; c <= KF_CLASS_NOT_RUN; c++)
		for (int i = 0; i < n; i++)
			if ((int)kf_sweeper__point(s, i)->cls == c)
				order[k++] = i;
	return order;
}

/* ---- reproducers ---- */

static bool starts_with_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	line += strspn(line, " \t");
	return !strncmp(line, word, n) && (line[n] == ' ' || line[n] == '\t' || line[n] == '\n' ||
					   line[n] == '\0');
}

/* The reproducer's own rules, first in the injection's block. */
static void repro_rules(FILE *out, const struct kf_sweep_point *p)
{
	fprintf(out, "    nth %llu\t# kfault sweep\n    times 1\t# kfault sweep\n",
		(unsigned long long)p->nth_in_injection);
}

/*
 * The source with injection `line`'s rules replaced by "nth N, times 1":
 * its probability, times, nth, duration and schedule lines commented out.
 * An errinj point's reproducer fails its function instead of the
 * injection's site: "inject function NAME returns VALUE", never for a
 * __GFP_NOFAIL request (as the sweep), the site's lines (and its predicate)
 * commented out. Made from the text, one statement per
 * line; kfault run checks it.
 */
static int write_repro(const struct sweep_opts *o, const char *path, struct kf_injector *inj,
		       const struct kf_sweep_point *p, int index, const char *what)
{
	static const char *const rules[] = { "probability", "times", "nth", "duration", "schedule" };
	const struct kf_meta *m = kf_injector__meta(inj, p->injection);
	const struct kf_errinj_func *f = kf_injector__errinj_func(inj, p->func);
	FILE *in = fopen(o->source, "r"), *out;
	char line[4096], name[KF_NAME_LEN + 32], value[32];
	unsigned lineno = 0;
	bool inside = false, inserted = false;
	int depth = 0;

	if (!in)
		return -errno;
	out = fopen(path, "w");
	if (!out) {
		int err = -errno;

		fclose(in);
		return err;
	}
	fprintf(out, "# kfault sweep reproducer: point %d, %s\n", index + 1, what);
	if (f)
		fprintf(out, "# It fails call %llu of %s (error-injection type %s) under the chain\n"
			"# and targets of the injection on line %u, the first time the record run\n"
			"# reached this kernel stack (innermost first):\n",
			(unsigned long long)p->nth_in_injection, f->name, f->type, m ? m->line : 0);
	else
		fprintf(out, "# It fails decision %llu of the injection on line %u, the first time the\n"
			"# record run reached this kernel stack (innermost first):\n",
			(unsigned long long)p->nth_in_injection, m ? m->line : 0);
	for (int j = 0; j < p->stack_depth; j++) {
		kf_injector__symbolize(inj, p->stack[j], name, sizeof(name));
		fprintf(out, "#   %s\n", name);
	}
	fprintf(out, "# Replay it: kfault run %s -- CMD (the same decisions in the same order).\n\n", path);
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (f && m && lineno >= m->line && !inserted && !inside) {
			fprintf(out, "# kfault sweep: %s", line);
			if (!strchr(line, '{'))
				continue;
			fprintf(out, "inject function %s returns %s", f->name, returns_text(f, value, sizeof(value)));
			if (f->gfp_nofail && f->gfp_param && f->gfp_param[0])	/* as the sweep skipped them */
				fprintf(out, " when !(%s & 0x%llx)", f->gfp_param, f->gfp_nofail);
			fprintf(out, " {\t# kfault sweep\n");
			repro_rules(out, p);
			inside = inserted = true;
			depth = 1;
			continue;
		}
		if (m && lineno >= m->line && !inserted && !inside && strchr(line, '{')) {
			fputs(line, out);
			repro_rules(out, p);
			inside = inserted = true;
			depth = 1;
			continue;
		}
		if (inside) {
			for (const char *c = line; *c && *c != '#'; c++)
				depth += *c == '{' ? 1 : *c == '}' ? -1 : 0;
			for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++)
				if (depth > 0 && starts_with_word(line, rules[r])) {
					fputs("# kfault sweep: ", out);
					break;
				}
			if (depth <= 0)
				inside = false;
		}
		fputs(line, out);
	}
	fclose(in);
	if (fclose(out) || !inserted)
		return inserted ? -errno : -EINVAL;
	return 0;
}

/* ---- reports ---- */

static void json_stack(FILE *f, struct kf_injector *inj, const struct kf_sweep_point *p)
{
	char name[KF_NAME_LEN + 32];

	fputc('[', f);
	for (int j = 0; j < p->stack_depth; j++) {
		kf_injector__symbolize(inj, p->stack[j], name, sizeof(name));
		if (j)
			fputs(", ", f);
		kf_json_string(f, name);
	}
	fputc(']', f);
}

static const char *sites_name(const struct sweep_opts *o)
{
	return o->sweeper.sites == KF_SWEEP_SITES_ERRINJ ? "errinj" : "file";
}

/* --sites errinj: how the functions were attached, in words. */
static const char *errinj_attach_text(struct kf_injector *inj, char *buf, size_t size)
{
	int kprobes = 0, unprobed = 0, n;

	for (int i = 0; i < kf_injector__errinj_cnt(inj); i++) {
		const struct kf_errinj_func *f = kf_injector__errinj_func(inj, i);

		kprobes += f->kprobe && !f->unprobed;
		unprobed += f->unprobed;
	}
	if (!kf_injector__errinj_multi(inj))
		n = snprintf(buf, size, "a kprobe each");
	else if (!kprobes)
		n = snprintf(buf, size, "one kprobe.multi link");
	else
		n = snprintf(buf, size, "one kprobe.multi link, and a kprobe each for the %d ftrace "
			     "cannot trace", kprobes);
	if (unprobed && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "; %d left out: the kernel refused to probe %s",
			 unprobed, unprobed == 1 ? "it" : "them");
	return buf;
}

/* --sites errinj: how the functions were attached, and each with its type and value. */
static void json_errinj(FILE *f, struct kf_injector *inj)
{
	char value[32];

	fprintf(f, "\"errinj\": {\"attach\": \"%s\", \"functions\": [",
		kf_injector__errinj_multi(inj) ? "kprobe.multi" : "kprobe");
	for (int i = 0; i < kf_injector__errinj_cnt(inj); i++) {
		const struct kf_errinj_func *ef = kf_injector__errinj_func(inj, i);

		fputs(i ? ", {\"name\": " : "{\"name\": ", f);
		kf_json_string(f, ef->name);
		fprintf(f, ", \"type\": \"%s\", \"returns\": ", ef->type);
		kf_json_string(f, returns_text(ef, value, sizeof(value)));
		fprintf(f, ", \"probe\": \"%s\"}", ef->unprobed ? "none" : ef->kprobe ? "kprobe" : "kprobe.multi");
	}
	fputs("]}, ", f);
}

static int write_json(const struct sweep_opts *o, const char *path, struct kf_sweeper *s,
		      struct kf_injector *inj, char **repro)
{
	FILE *f = fopen(o->json_path, "w");
	int n = kf_sweeper__point_cnt(s);

	if (!f)
		return -errno;
	fputs("{\"object\": ", f);
	kf_json_string(f, path);
	fputs(", \"source\": ", f);
	kf_json_string(f, o->source);
	fputs(", \"command\": [", f);
	for (char **c = o->command; *c; c++) {
		if (c != o->command)
			fputs(", ", f);
		kf_json_string(f, *c);
	}
	fprintf(f, "], \"by\": \"%s\", \"each\": \"%s\", \"sites\": \"%s\", \"timeout_ms\": %d, "
		"\"kernel_log_read\": %s, \"baseline\": {\"status\": %d, \"seconds\": %.3f}, "
		"\"setup_seconds\": %.3f, ", o->sweeper.by == KF_SWEEP_BY_NTH ? "nth" : "stack",
		o->sweeper.always ? "always" : "once", sites_name(o), o->sweeper.timeout_ms,
		kf_sweeper__reads_kernel_log(s) ? "true" : "false", kf_sweeper__baseline_status(s),
		kf_sweeper__baseline_seconds(s), kf_sweeper__setup_seconds(s));
	if (o->sweeper.sites == KF_SWEEP_SITES_ERRINJ)
		json_errinj(f, inj);
	fputs("\"points\": [", f);
	for (int i = 0; i < n; i++) {
		const struct kf_sweep_point *p = kf_sweeper__point(s, i);
		const struct kf_meta *m = kf_injector__meta(inj, p->injection);
		const struct kf_errinj_func *ef = kf_injector__errinj_func(inj, p->func);
		char value[32];

		fprintf(f, "%s{\"point\": %d, \"injection\": %d, \"site\": ", i ? ", " : "", i + 1,
			p->injection);
		kf_json_string(f, m ? m->site : NULL);
		fputs(", \"function\": ", f);
		kf_json_string(f, ef ? ef->name : NULL);
		fputs(", \"returns\": ", f);
		kf_json_string(f, ef ? returns_text(ef, value, sizeof(value)) : NULL);
		fprintf(f, ", \"line\": %u, \"nth\": %llu, \"nth_in_injection\": %llu, "
			"\"occurrences\": %d, \"stack_hash\": \"%016llx\", \"stack\": ",
			m ? m->line : 0, (unsigned long long)p->nth,
			(unsigned long long)p->nth_in_injection, p->occurrences,
			(unsigned long long)p->stack_hash);
		json_stack(f, inj, p);
		fprintf(f, ", \"class\": \"%s\", \"status\": %d, \"signal\": %d, \"seconds\": %.3f, "
			"\"reached\": %llu, \"injected\": %llu, \"stderr\": ",
			kf_sweep_class_name(p->cls), p->status, p->signal, p->seconds,
			(unsigned long long)p->reached, (unsigned long long)p->injected);
		kf_json_string(f, p->stderr_tail);
		fputs(", \"kernel_log\": ", f);
		kf_json_string(f, p->kernel_log[0] ? p->kernel_log : NULL);
		fputs(", \"reproducer\": ", f);
		kf_json_string(f, repro ? repro[i] : NULL);
		fputc('}', f);
	}
	fputs("]}\n", f);
	return fclose(f) ? -errno : 0;
}

/* XML text: &, <, >, " and control characters escaped or dropped. */
static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c >= 0x20 || c == '\n' || c == '\t')
			fputc(c, f);
	}
}

static int write_junit(const struct sweep_opts *o, const char *file, struct kf_sweeper *s,
		       struct kf_injector *inj)
{
	FILE *f = fopen(o->junit_path, "w");
	int n = kf_sweeper__point_cnt(s), failures = 0, skipped = 0;
	char stack[512], end[64];
	double total = 0;

	if (!f)
		return -errno;
	for (int i = 0; i < n; i++) {
		const struct kf_sweep_point *p = kf_sweeper__point(s, i);

		failures += is_bad(p->cls);
		skipped += p->cls == KF_CLASS_NOT_REACHED || p->cls == KF_CLASS_NOT_RUN;
		total += p->seconds;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"kfault sweep ", f);
	xml_text(f, file);
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n",
		n, failures, skipped, total);
	for (int i = 0; i < n; i++) {
		const struct kf_sweep_point *p = kf_sweeper__point(s, i);

		short_stack(inj, p, stack, sizeof(stack));
		fputs("  <testcase classname=\"kfault.sweep\" name=\"", f);
		fprintf(f, "point %d: ", i + 1);
		xml_text(f, stack);
		fprintf(f, "\" time=\"%.3f\">\n", p->seconds);
		if (is_bad(p->cls)) {
			fprintf(f, "    <failure type=\"%s\" message=\"", kf_sweep_class_name(p->cls));
			xml_text(f, ending(p, end, sizeof(end)));
			fputs("\">", f);
			xml_text(f, p->kernel_log);
			xml_text(f, p->stderr_tail);
			fputs("</failure>\n", f);
		} else if (p->cls == KF_CLASS_NOT_REACHED || p->cls == KF_CLASS_NOT_RUN) {
			fprintf(f, "    <skipped message=\"%s\"/>\n", kf_sweep_class_name(p->cls));
		}
		if (p->stderr_tail[0]) {
			fputs("    <system-err>", f);
			xml_text(f, p->stderr_tail);
			fputs("</system-err>\n", f);
		}
		fputs("  </testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	return fclose(f) ? -errno : 0;
}

/* --sites errinj: the functions attached, and those the points fail, with their points. */
static void print_errinj(struct kf_sweeper *s, struct kf_injector *inj)
{
	int nfuncs = kf_injector__errinj_cnt(inj), n = kf_sweeper__point_cnt(s), reached = 0;
	int *points = calloc((size_t)nfuncs + 1, sizeof(*points));
	char value[32], how[160];

	if (!points)
		return;
	for (int i = 0; i < n; i++) {
		int fn = kf_sweeper__point(s, i)->func;

		if (fn >= 0 && fn < nfuncs)
			reached += !points[fn]++;
	}
	printf("errinj: %d function%s of the kernel's error-injection list attached (%s) in %.2f s; "
	       "%d reached:", nfuncs, nfuncs == 1 ? "" : "s", errinj_attach_text(inj, how, sizeof(how)),
	       kf_sweeper__setup_seconds(s), reached);
	for (int fn = 0; fn < nfuncs; fn++) {
		const struct kf_errinj_func *f = kf_injector__errinj_func(inj, fn);

		if (points[fn])
			printf(" %s = %s (%d point%s)", f->name, returns_text(f, value, sizeof(value)),
			       points[fn], points[fn] == 1 ? "" : "s");
	}
	printf("\n");
	free(points);
}

/* The table, worst first, with each bad point's stderr and kernel log. */
static void print_table(const struct sweep_opts *o, const char *file, struct kf_sweeper *s,
			struct kf_injector *inj, char **repro)
{
	int n = kf_sweeper__point_cnt(s), *order = report_order(s), count[KF_CLASS_NOT_RUN + 1] = { 0 };
	char stack[512], end[64];

	printf("kfault sweep: %d point%s of %s (by %s, each %s); without failures %s exited %d "
	       "in %.2f s\n", n, n == 1 ? "" : "s", file,
	       o->sweeper.by == KF_SWEEP_BY_NTH ? "nth" : "stack", o->sweeper.always ? "always" : "once",
	       o->command[0], kf_sweeper__baseline_status(s), kf_sweeper__baseline_seconds(s));
	if (o->sweeper.sites == KF_SWEEP_SITES_ERRINJ)
		print_errinj(s, inj);
	if (!n || !order) {
		free(order);
		return;
	}
	printf("%5s  %-11s  %-9s  %7s  %s\n", "POINT", "CLASS", "ENDING", "SECONDS", "STACK");
	for (int k = 0; k < n; k++) {
		const struct kf_sweep_point *p = kf_sweeper__point(s, order[k]);

		count[p->cls]++;
		short_stack(inj, p, stack, sizeof(stack));
		printf("%5d  %-11s  %-9s  %7.2f  %s\n", order[k] + 1, kf_sweep_class_name(p->cls),
		       p->cls == KF_CLASS_NOT_RUN ? "-" : ending(p, end, sizeof(end)), p->seconds, stack);
		if (!is_bad(p->cls))
			continue;
		for (const char *t = p->kernel_log, *nl; *t; t = nl + 1) {
			nl = strchrnul(t, '\n');
			printf("%5s  kernel: %.*s\n", "", (int)(nl - t), t);
			if (!*nl)
				break;
		}
		for (const char *t = p->stderr_tail, *nl; *t; t = nl + 1) {
			nl = strchrnul(t, '\n');
			printf("%5s  stderr: %.*s\n", "", (int)(nl - t), t);
			if (!*nl)
				break;
		}
		if (repro && repro[order[k]])
			printf("%5s  replay: kfault run %s -- %s ...\n", "", repro[order[k]], o->command[0]);
	}
	printf("summary:");
	for (int c = KF_CLASS_KERNEL; c <= KF_CLASS_NOT_RUN; c++)
		if (count[c])
			printf(" %d %s,", count[c], kf_sweep_class_name(c));
	printf(" of %d\n", n);
	if (!kf_sweeper__reads_kernel_log(s))
		printf("note: /dev/kmsg could not be read: kernel complaints were not looked for\n");
	free(order);
}

/* ---- the sweep ---- */

/*
 * --sites errinj without kprobe.multi attaches a kprobe per function, each
 * two file descriptors (its perf event and its link): with hundreds of
 * functions, more than the usual soft limit of 1024. Raise it to the hard one.
 */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = sig;
}

int sweep_here(const struct cli_command *cmd, const struct sweep_opts *o, const char *path,
	       run_compile_fn compile, void *ctx)
{
	KF_INJECTOR_OPTS(iopts, .backend = o->backend, .log_events = true, .log_stack = true);
	const char *named = o->source ? o->source : path;
	const char *file = strrchr(named, '/') ? strrchr(named, '/') + 1 : named;
	struct sigaction sa = { .sa_handler = on_signal };
	struct kf_sweeper *s = NULL;
	struct kf_injector *inj;
	char **repro = NULL, stack[512], end[64], how[160];
	void *obj = NULL;
	size_t obj_size = 0;
	int status = 0, err, n, bad = 0;

	cli_libbpf_keep();
	if (o->sweeper.sites == KF_SWEEP_SITES_ERRINJ)
		raise_nofile();
	err = kf_command_lookup(o->command[0]);
	if (err) {
		fprintf(stderr, "kfault: %s: %s\n", o->command[0],
			err == -ENOENT ? "command not found" : strerror(-err));
		return err == -ENOENT ? 127 : 126;
	}
	if (!cli_is_elf(path)) {
		if (!compile) {
			fprintf(stderr, "kfault: %s: not a BPF object; %s sweeps objects that 'kfault build' "
				"made\n", path, cmd->name);
			return EXIT_FAIL;
		}
		status = compile(ctx, path, o->btf_path, true, &obj, &obj_size);
		if (status)
			return status;
	}
	inj = obj ? kf_injector__open_mem(obj, obj_size, path, &iopts)
		  : kf_injector__open_file(path, &iopts);
	if (!inj) {
		fprintf(stderr, "kfault: %s: %s\n", path,
			errno == EINVAL ? "not a kfault object (build one with 'kfault build')" : strerror(errno));
		free(obj);
		return EXIT_FAIL;
	}
	s = kf_sweeper__new(inj, o->command, &o->sweeper);
	if (!s) {
		fprintf(stderr, "kfault: %s\n", strerror(errno));
		status = EXIT_FAIL;
		goto destroy;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "kfault: sweep: recording %s's failure points under %s\n", o->command[0], file);
	err = kf_sweeper__record(s);
	if (err) {
		cli_libbpf_print_kept();
		fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(inj));
		status = err == -EPERM || err == -ENOENT || err == -EOPNOTSUPP ? EXIT_PREFLIGHT :
			 err == -ETIMEDOUT ? EXIT_FAIL : EXIT_LOAD;
		if (err == -ENOENT && strstr(kf_injector__errmsg(inj), "command not found"))
			status = 127;
		goto free_sweeper;
	}
	if (o->sweeper.sites == KF_SWEEP_SITES_ERRINJ)
		fprintf(stderr, "kfault: sweep: --sites errinj: %d functions of the error-injection list "
			"attached (%s) in %.2f s, under the chain and targets of %s:%u%s\n",
			kf_injector__errinj_cnt(inj), errinj_attach_text(inj, how, sizeof(how)),
			kf_sweeper__setup_seconds(s), kf_injector__meta(inj, 0)->source,
			kf_injector__meta(inj, 0)->line,
			kf_injector__injection_cnt(inj) > 1 ? " (the first injection; the others' sites "
			"are not swept)" : "");
	n = kf_sweeper__point_cnt(s);
	if (o->sweeper.max_points && n > o->sweeper.max_points)
		n = o->sweeper.max_points;
	fprintf(stderr, "kfault: sweep: %d point%s; %s exited %d without failures; sweeping %d\n",
		kf_sweeper__point_cnt(s), kf_sweeper__point_cnt(s) == 1 ? "" : "s", o->command[0],
		kf_sweeper__baseline_status(s), n);
	for (int i = 0; i < n && !stopping; i++) {
		const struct kf_sweep_point *p = kf_sweeper__point(s, i);

		short_stack(inj, p, stack, sizeof(stack));
		fprintf(stderr, "kfault: sweep: point %d/%d: %s\n", i + 1, n, stack);
		err = kf_sweeper__run(s, i);
		if (err) {
			fprintf(stderr, "kfault: %s\n", kf_injector__errmsg(inj));
			status = EXIT_FAIL;
			goto free_sweeper;
		}
		fprintf(stderr, "kfault: sweep: point %d/%d: %s (%s, %.2f s)\n", i + 1, n,
			kf_sweep_class_name(p->cls), ending(p, end, sizeof(end)), p->seconds);
		bad += is_bad(p->cls);
	}
	if (stopping)
		fprintf(stderr, "kfault: sweep: stopped by a signal; the points not run are reported as such\n");

	if (o->repro_dir && o->source && !cli_is_elf(o->source)) {
		repro = calloc((size_t)kf_sweeper__point_cnt(s) + 1, sizeof(*repro));
		if (mkdir(o->repro_dir, 0755) && errno != EEXIST) {
			fprintf(stderr, "kfault: %s: %s\n", o->repro_dir, strerror(errno));
			status = EXIT_FAIL;
		}
		for (int i = 0; repro && !status && i < n; i++) {
			const struct kf_sweep_point *p = kf_sweeper__point(s, i);
			char what[128];

			if (asprintf(&repro[i], "%s/point-%d.fault", o->repro_dir, i + 1) < 0) {
				repro[i] = NULL;
				break;
			}
			snprintf(what, sizeof(what), "%s (%s)", kf_sweep_class_name(p->cls),
				 ending(p, end, sizeof(end)));
			err = write_repro(o, repro[i], inj, p, i, what);
			if (err) {
				fprintf(stderr, "kfault: %s: %s\n", repro[i],
					err == -EINVAL ? "the injection's '{' was not found in the source"
						       : strerror(-err));
				free(repro[i]);
				repro[i] = NULL;
			}
		}
	} else if (o->repro_dir) {
		fprintf(stderr, "kfault: --repro: no .fault source to make reproducers from "
			"(sweep the .fault file, or give kfault-run --source)\n");
	}
	print_table(o, file, s, inj, repro);
	if (o->json_path && (err = write_json(o, path, s, inj, repro))) {
		fprintf(stderr, "kfault: %s: %s\n", o->json_path, strerror(-err));
		status = EXIT_FAIL;
	}
	if (o->junit_path && (err = write_junit(o, file, s, inj))) {
		fprintf(stderr, "kfault: %s: %s\n", o->junit_path, strerror(-err));
		status = EXIT_FAIL;
	}
	if (!status && bad)
		status = EXIT_FOUND;
	if (!status && stopping)
		status = 128 + stopping;
free_sweeper:
	if (repro)
		for (int i = 0; i < kf_sweeper__point_cnt(s); i++)
			free(repro[i]);
	free(repro);
	kf_sweeper__free(s);
destroy:
	kf_injector__destroy(inj);
	free(obj);
	return status;
}

int sweep_main(const struct cli_command *cmd, int argc, char **argv, const struct run_sources *src)
{
	struct sweep_cmd sc = { .cmd = cmd };
	struct run_opts split;
	int first, status, orig_argc = argc;

	sweep_opts_init(&sc.opts);
	run_opts_init(&split);
	argc = run_split_command(&split, argc, argv);
	sc.opts.command = split.command;
	status = cli_parse(cmd, argc, argv, set_option, &sc, &first);
	if (status >= 0)
		return status;
	if (argc == orig_argc || !split.command)
		return cli_usage(cmd, "%s", "give the command to sweep after '--'");
	if (first != argc - 1)
		return cli_usage(cmd, "%s", src ? "give one FILE.fault (or OBJECT.bpf.o)"
						: "give one OBJECT.bpf.o");
	if (sc.opts.sweeper.always && sc.opts.sweeper.by == KF_SWEEP_BY_NTH)
		return cli_usage(cmd, "%s", "--each always goes with --by stack: an N-th decision "
				 "happens once per run");
	if (sc.opts.sweeper.errinj_errno && sc.opts.sweeper.sites != KF_SWEEP_SITES_ERRINJ)
		return cli_usage(cmd, "%s", "--errno goes with --sites errinj: FILE's sites fail as "
				 "FILE says");
	if (!sc.opts.source && !cli_is_elf(argv[first]))
		sc.opts.source = argv[first];
	if (sc.opts.vm_kernel && !sc.opts.vm)
		return cli_usage(cmd, "%s", "--vm-kernel says which kernel --vm boots: give --vm too");
	if (sc.opts.vm)
		return vm_sweep(cmd, &sc.opts, argv[first], src ? src->compile : NULL,
				src ? src->ctx : NULL);
	return sweep_here(cmd, &sc.opts, argv[first], src ? src->compile : NULL, src ? src->ctx : NULL);
}

const struct cli_command cli_sweep = {
	"sweep", "sweep [OPTIONS] FILE.fault|OBJECT.bpf.o -- CMD [ARG...]",
	"Fail every failure point CMD reaches, one at a time, and report what breaks.\n"
	"First CMD runs once with FILE's injections observing only: every decision they\n"
	"would make (a target at the site, the chain on its stack, the predicates true)\n"
	"is recorded with its kernel stack. Then CMD runs again for each point, failing\n"
	"exactly that point, and each run is classed: kernel (the kernel logged a WARN,\n"
	"BUG, oops...), crash (a signal), hang (the timeout), handled (another exit\n"
	"status than without failures), recovered (the same), not reached. The object is\n"
	"loaded once for the whole sweep; CMD's output is discarded, the end of its\n"
	"stderr kept.",
	sweep_options,
	"Examples:\n"
	"  kfault sweep examples/mount.fault -- mount -t tmpfs none /mnt\n"
	"  kfault sweep --vm --by nth --repro repro mount.fault -- ./my-mount-test\n"
	"  kfault sweep --sites errinj --repro repro mount.fault -- ./my-mount-test\n"
	"\n"
	"Exit status: 0 swept, nothing crashed, hung or made the kernel complain;\n"
	"6 some point did; 1 the file has errors, 2 bad usage, 3 other failure,\n"
	"4 the kernel cannot do it, 5 the kernel refused to load it, 127 CMD not\n"
	"found; with --vm, 125 the VM went wrong (a panic: the last point shown).\n"
	"See docs/sweep.md.\n",
};
