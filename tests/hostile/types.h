/* SPDX-License-Identifier: MIT */
/*
 * Made-up kernel types for the hostile inputs (tests/hostile/NAME.fault): members
 * named like the language's keywords and type names, and the longest names.
 * Appended to vmlinux.h by tests/hostile/check.
 */
#ifndef KF_HOSTILE_TYPES_H
#define KF_HOSTILE_TYPES_H

struct hostile {
	int inject, call, when, returns, function, headers, probability;
	int times, duration, schedule, target, with, children, unlimited;
	int u32, gfp_t, size_t, pid_t;
	int slab, page, bio, comm, cgroup, pid, STRNCMP, STRCMP;
	char name[16];
	const char *str;
	struct hostile *next;
	struct hostile *arr[4];
	struct {
		int a;
		struct { int b; } in;
	} nest;
	unsigned long long big;
	long mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;
};

typedef struct hostile hostile_t;

#endif
