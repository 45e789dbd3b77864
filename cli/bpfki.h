/* SPDX-License-Identifier: MIT */
/*
 * What `kfault serve` does for each call of bpfki's protocol (cli/bpfki.proto),
 * in C: the state of the daemon (which injections are loaded, for which
 * containers) and the answer to each request, as a gRPC status code and a
 * message. cli/serve-grpc.cpp is only the gRPC glue that calls these.
 *
 * An injection is a compiled, loaded and attached object, made once for
 * each distinct request (FailMMOrBIO's callchain with its failtype,
 * headers, probability and times; FailSyscall's methods, err and
 * probability) and targeting a set of cgroups: the containers of the pids
 * that asked for it. A request for a known injection from another pid adds
 * that pid's cgroup (a map update); a recover removes it, and the last one
 * detaches the object.
 *
 * Every call is safe from any thread (one lock: requests are served one at
 * a time) and logs one line to the log stream given.
 */
#ifndef KFAULT_CLI_BPFKI_H
#define KFAULT_CLI_BPFKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "injector.h"

#ifdef __cplusplus
extern "C" {
#endif

/* gRPC's status codes, by their numbers (grpc/status.h). */
enum bpfki_code {
	BPFKI_OK = 0,
	BPFKI_INVALID_ARGUMENT = 3,
	BPFKI_NOT_FOUND = 5,
	BPFKI_FAILED_PRECONDITION = 9,
	BPFKI_UNIMPLEMENTED = 12,
	BPFKI_INTERNAL = 13,
};

struct bpfki_frame {
	const char *funcname, *parameters, *predicate;
};

/* FailKernRequest: FailMMOrBIO, RecoverMMOrBIO. */
struct bpfki_kern_req {
	unsigned pid, tid;
	int ftype;			/* 0 slab, 1 page, 2 bio */
	const char *const *headers;
	size_t nheaders;
	const struct bpfki_frame *callchain;
	size_t nframes;
	float probability;		/* 0 to 1; 0: not set */
	unsigned times;
};

/* FailSyscallRequest: FailSyscall, RecoverSyscall. */
struct bpfki_syscall_req {
	unsigned pid, tid;
	const char *const *methods;
	size_t nmethods;
	unsigned err;
	float probability;
};

/* An answer: code, and a message (malloc'd; NULL for OK). */
struct bpfki_reply {
	enum bpfki_code code;
	char *msg;
};

struct bpfki_opts {
	size_t sz;
	const char *btf_path;		/* kernel BTF; NULL: the running kernel's */
	enum kf_backend backend;
	FILE *log;			/* one line per request; NULL: none */
	size_t :0;
};

struct bpfki_daemon;

/* NULL and errno on failure (EINVAL: bad opts; the BTF cannot be read: its errno). */
struct bpfki_daemon *bpfki__new(const struct bpfki_opts *opts);
/* Detach and free everything. */
void bpfki__destroy(struct bpfki_daemon *d);

/* The RPCs. Each fills *rep (free rep->msg with free()). */
void bpfki__fail_kern(struct bpfki_daemon *d, const struct bpfki_kern_req *r, struct bpfki_reply *rep);
void bpfki__recover_kern(struct bpfki_daemon *d, const struct bpfki_kern_req *r, struct bpfki_reply *rep);
void bpfki__fail_syscall(struct bpfki_daemon *d, const struct bpfki_syscall_req *r,
			 struct bpfki_reply *rep);
void bpfki__recover_syscall(struct bpfki_daemon *d, const struct bpfki_syscall_req *r,
			    struct bpfki_reply *rep);
/* SetTimeVal and the other time RPCs (rpc: its name): UNIMPLEMENTED. */
void bpfki__time(struct bpfki_daemon *d, const char *rpc, unsigned pid, struct bpfki_reply *rep);

/* How many injections are loaded, and how many targets (pids) they have in all. */
void bpfki__count(struct bpfki_daemon *d, int *injections, int *targets);

#ifdef __cplusplus
}
#endif

#endif
