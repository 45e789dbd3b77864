// SPDX-License-Identifier: GPL-2.0
/*
 * failslab.bpf.c: the VM smoke tests' BPF program. A kprobe on
 * should_failslab that makes every slab allocation of the tasks whose comm
 * equals target[0] fail with -ENOMEM, by bpf_override_return, and counts
 * those failures in hits[0]. Loaded by failslab-loader.c.
 *
 * It reads no kernel structure (ctx only goes to bpf_override_return), so it
 * needs no vmlinux.h: the uapi headers and libbpf's bpf_helpers.h suffice.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>

#define COMM_LEN 16 /* TASK_COMM_LEN */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[COMM_LEN]);
} target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("kprobe/should_failslab")
int fail_slab_for_comm(struct pt_regs *ctx)
{
	__u32 zero = 0;
	char comm[COMM_LEN];
	const char *want = bpf_map_lookup_elem(&target, &zero);
	__u64 *count = bpf_map_lookup_elem(&hits, &zero);

	if (!want || !count || want[0] == '\0')
		return 0;
	if (bpf_get_current_comm(comm, sizeof(comm)) != 0)
		return 0;
	for (int i = 0; i < COMM_LEN; i++) {
		if (comm[i] != want[i])
			return 0;
		if (comm[i] == '\0')
			break;
	}
	__sync_fetch_and_add(count, 1);
	bpf_override_return(ctx, -ENOMEM);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
