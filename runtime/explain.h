/* SPDX-License-Identifier: MIT */
/*
 * What a kfault program would attach, said in words or in JSON, without
 * loading anything and without privileges: 'kfault explain FILE' and
 * 'kfault run --list-sites FILE'.
 *
 * An injection is described by what the runtime reads of it, its kf_meta
 * and kf_knobs: from an object opened but not loaded
 * (kf_explain__from_injector()), or from a source as the generated C
 * initialises them (kf_unit__explain(), compiler/explain.c), so that an
 * object and its source are explained alike. A source adds what an object
 * does not carry: the predicates and the failure value as written. The
 * rules a run follows (its target, its end, its backend) are plan.h's.
 */
#ifndef KFAULT_EXPLAIN_H
#define KFAULT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "injector.h"
#include "session.h"

/* What only a source says of an injection; NULL where it says nothing. */
struct kf_explain_source {
	char *what;			/* "slab allocations"; NULL for 'inject function' */
	char *retval;			/* the failure value as written: "-ENOMEM", "true" */
	char *site_pred;		/* the failure site's predicate, as written */
	char *frame_pred[KF_MAX_FRAMES];	/* each frame's */
};

/* About 30 KB: better on the heap. */
struct kf_explain {
	int n;				/* injections */
	struct kf_meta meta[KF_MAX_INJECTIONS];
	struct kf_knobs knobs[KF_MAX_INJECTIONS];
	/* from a source: where it is ("-": <stdin>'s name) and src[] */
	char *source_path;		/* NULL: an object (kf_meta.source names its source) */
	struct kf_explain_source src[KF_MAX_INJECTIONS];
};

struct kf_explain_opts {
	size_t sz;			/* sizeof(struct kf_explain_opts) */
	/*
	 * The options of a 'kfault run' (--list-sites): its backend, and the
	 * targets that replace the file's; its duration and stay_armed. NULL:
	 * none given.
	 */
	const struct kf_injector_opts *run;
	const struct kf_session_opts *session;
	char *const *command;		/* run's -- CMD [ARG...]: the target is CMD's pid tree */
	bool json;			/* JSON, one line, rather than words */
	size_t :0;
};

/* The injections of an object, opened and not loaded (knobs as the object has them). */
int kf_explain__from_injector(struct kf_explain *e, const struct kf_injector *inj);

/*
 * Write what path (the file explained, as given) would attach to out. 0,
 * -EINVAL for bad opts, or -EIO when out could not be written.
 */
int kf_explain__print(const struct kf_explain *e, const char *path,
		      const struct kf_explain_opts *opts, FILE *out);

void kf_explain__fini(struct kf_explain *e);

/*
 * s as a JSON string on out, escaped; NULL as null (explain, run's and
 * sweep's --json). A byte that is not part of well-formed UTF-8 is \ufffd.
 */
void kf_json_string(FILE *out, const char *s);

#endif
