// SPDX-License-Identifier: MIT
/*
 * two-injectors: two injectors loaded at the same moment from two threads
 * keep their own verifier logs (issue 16: the runtime has no shared state).
 * Each object has one program the verifier rejects (tests/e2e/break-program):
 * each injector's message must name its own program and DSL line, quote
 * its own log, and nothing of the other's.
 *
 *   two-injectors OBJECT-A PROGRAM-A OBJECT-B PROGRAM-B
 *
 * Exits 0 when both messages are right, 1 otherwise. Links the runtime
 * only (libbpf, libc).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "injector.h"

struct side {
	const char *path, *prog, *other;
	char msg[2048];
	int err;
};

static pthread_barrier_t start;

static void *load(void *arg)
{
	struct side *s = arg;
	KF_INJECTOR_OPTS(opts, .backend = KF_BACKEND_KPROBE, .comm = "nobody-at-all");
	struct kf_injector *inj = kf_injector__open_file(s->path, &opts);

	pthread_barrier_wait(&start);
	if (!inj) {
		snprintf(s->msg, sizeof(s->msg), "cannot open %s", s->path);
		s->err = -1;
		return NULL;
	}
	s->err = kf_injector__load(inj);
	snprintf(s->msg, sizeof(s->msg), "%s", kf_injector__errmsg(inj));
	kf_injector__destroy(inj);
	return NULL;
}

static int check(const struct side *s)
{
	char want[128];

	printf("%s:\n%s\n\n", s->path, s->msg);
	snprintf(want, sizeof(want), "rejected program '%s'", s->prog);
	if (!s->err || !strstr(s->msg, want)) {
		printf("FAILED: %s: no \"%s\"\n", s->path, want);
		return 1;
	}
	if (strstr(s->msg, s->other)) {
		printf("FAILED: %s: the message names the other injector's program %s\n", s->path, s->other);
		return 1;
	}
	if (!strstr(s->msg, "R10") && !strstr(s->msg, "stack")) {
		printf("FAILED: %s: no verifier log about the bad stack read\n", s->path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct side a, b;
	pthread_t ta, tb;

	if (argc != 5) {
		fprintf(stderr, "usage: two-injectors OBJECT-A PROGRAM-A OBJECT-B PROGRAM-B\n");
		return 2;
	}
	a = (struct side){ .path = argv[1], .prog = argv[2], .other = argv[4] };
	b = (struct side){ .path = argv[3], .prog = argv[4], .other = argv[2] };
	pthread_barrier_init(&start, NULL, 2);
	pthread_create(&ta, NULL, load, &a);
	pthread_create(&tb, NULL, load, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	return check(&a) | check(&b);
}
