// SPDX-License-Identifier: MIT
// The skeleton as C++ sees it: every function of a two-injection file
// (examples/pidtree.fault: a slab injection and a function injection).
#include <cstdio>

#include "pidtree.skel.h"

int main()
{
	struct kf_injector_opts opts = {};
	opts.sz = sizeof(opts);
	size_t size = 0;
	const void *elf = pidtree_kfault__elf_bytes(&size);
	pidtree_kfault *skel = pidtree_kfault__open(&opts);
	kf_stats st = {};

	if (!skel) {
		std::printf("open: %d, %zu bytes at %p\n", errno, size, elf);
		return 1;
	}
	std::printf("%s %s\n", pidtree_kfault__slab_meta(skel)->site,
		    pidtree_kfault____x64_sys_readlinkat_meta(skel)->site);
	std::printf("%u %u\n", (unsigned)pidtree_kfault__slab_knobs(skel)->tgid,
		    (unsigned)pidtree_kfault____x64_sys_readlinkat_knobs(skel)->tgid);
	if (pidtree_kfault__load(skel) || pidtree_kfault__attach(skel) ||
	    pidtree_kfault__arm(skel, true) || pidtree_kfault__slab_arm(skel, false) ||
	    pidtree_kfault____x64_sys_readlinkat_arm(skel, false) ||
	    pidtree_kfault__slab_stats(skel, &st) ||
	    pidtree_kfault____x64_sys_readlinkat_stats(skel, &st) ||
	    pidtree_kfault__stats(skel, PIDTREE_KFAULT___X64_SYS_READLINKAT, &st))
		std::printf("%s\n", pidtree_kfault__errmsg(skel));
	pidtree_kfault__destroy(skel);
	pidtree_kfault *other = pidtree_kfault__open_and_load(nullptr);
	pidtree_kfault__destroy(other);
	return PIDTREE_KFAULT_INJECTION_CNT == 2 && PIDTREE_KFAULT_SLAB == 0 ? 0 : 1;
}
