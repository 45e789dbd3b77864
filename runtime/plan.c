// SPDX-License-Identifier: MIT
/* The rules of a run that need no kernel (plan.h). */
#include <string.h>

#include "plan.h"

bool kf_plan__target(struct kf_knobs *k, int pid, bool children, const char *comm,
		     const char *cgroup)
{
	if (pid <= 0 && !comm && !cgroup)
		return false;
	k->tgid = pid > 0 ? (__u32)pid : 0;
	k->children = pid > 0 && children;
	memset(k->comm, 0, sizeof(k->comm));
	if (comm)
		strncpy(k->comm, comm, sizeof(k->comm) - 1);
	k->cgroup = cgroup != NULL;
	return true;
}

uint64_t kf_plan__duration_ms(const struct kf_meta *const *meta, int n, uint64_t duration_ms)
{
	uint64_t longest = 0;

	if (duration_ms)
		return duration_ms;
	for (int i = 0; i < n; i++) {
		if (meta[i]->schedule[0])
			return 0;
		if (meta[i]->duration_ms > longest)
			longest = meta[i]->duration_ms;
	}
	return longest;
}

bool kf_plan__ends_with_times(const struct kf_knobs *const *knobs, int n, bool stay_armed)
{
	if (stay_armed || n == 0)
		return false;
	for (int i = 0; i < n; i++)
		if (!knobs[i]->times)
			return false;
	return true;
}

enum kf_backend kf_plan__backend(enum kf_backend b, const struct kf_meta *const *meta, int n,
				 int *zero)
{
	*zero = -1;
	for (int i = 0; i < n && *zero < 0; i++)
		if (meta[i]->retval_zero)
			*zero = i;
	if (b == KF_BACKEND_AUTO && *zero >= 0)
		return KF_BACKEND_KPROBE;
	return b;
}
