/* SPDX-License-Identifier: MIT */
/*
 * Preflight: what the running kernel offers, checked before anything is
 * loaded, so that a missing piece is one clear line rather than a verifier
 * log or an injection that silently never fires.
 */
#ifndef KFAULT_PREFLIGHT_H
#define KFAULT_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

struct kf_kernel;	/* what was learnt of the running kernel */

struct kf_kernel *kf_kernel__probe(void);
void kf_kernel__free(struct kf_kernel *k);

/*
 * Which of names[0..n) are functions the kernel can probe (text symbols in
 * /proc/kallsyms), in found[]: one pass over kallsyms that stops when all
 * are found and keeps nothing (the whole table is read only for what
 * needs it, below). 0, or a negative errno when kallsyms cannot be read.
 */
int kf_kernel__find_symbols(struct kf_kernel *k, const char *const *names, size_t n, bool *found);
/* The same for one name, 1 or 0, from the whole table (read on first use). */
int kf_kernel__has_symbol(struct kf_kernel *k, const char *name);
/* The kallsyms name closest to a missing one, or NULL. */
const char *kf_kernel__suggest(struct kf_kernel *k, const char *name);
/* Listed in /sys/kernel/debug/error_injection/list. -ENOENT: the list is not readable. */
int kf_kernel__error_injectable(const struct kf_kernel *k, const char *name);
/*
 * Its error-injection type there (enum kf_ei_type, knames.h), -ENOENT when
 * it is not listed, -ENODATA when the list is not readable.
 */
int kf_kernel__error_type(const struct kf_kernel *k, const char *name);
/* The functions of the error-injection list, by name: i from 0 to cnt - 1. */
size_t kf_kernel__error_injection_cnt(const struct kf_kernel *k);
const char *kf_kernel__error_injection_name(const struct kf_kernel *k, size_t i);
/* kprobe.multi links: Linux 5.18 with CONFIG_FPROBE (register_fprobe_ips in kallsyms). */
bool kf_kernel__has_kprobe_multi(struct kf_kernel *k);
/*
 * Whether ftrace can trace the function (it is in available_filter_functions),
 * which a kprobe.multi link needs of each of its functions (a plain kprobe
 * does not): 1 or 0, or a negative errno when the list cannot be read. The
 * list is read on the first call (about 0.2 s in the TCG test VM).
 */
int kf_kernel__ftrace_traceable(struct kf_kernel *k, const char *name);
/*
 * Whether the kernel has BTF of its own (/sys/kernel/btf/vmlinux), which
 * trampolines (fentry, fexit, fmod_ret) need: the file is not parsed.
 */
bool kf_kernel__has_btf(const struct kf_kernel *k);
/* bpf_override_return usable from kprobes (CONFIG_BPF_KPROBE_OVERRIDE); probed on the first call. */
bool kf_kernel__has_override(struct kf_kernel *k);
/* Root, or CAP_BPF with CAP_PERFMON. */
bool kf_kernel__privileged(const struct kf_kernel *k);
/* "func+0x1c" for a kernel text address (needs kallsyms addresses: root), else "0x..." */
int kf_kernel__symbolize(struct kf_kernel *k, unsigned long long addr, char *buf, size_t len);
/*
 * Which of a function's first five parameters is a gfp_t (1 to 5), from
 * BTF, its name in *name; 0: none, or no BTF.
 */
int kf_kernel__gfp_param(struct kf_kernel *k, const char *func, const char **name);
/*
 * Bit number of ___GFP_NOFAIL: the enumerator ___GFP_NOFAIL_BIT of this
 * kernel's BTF (Linux 6.10 and later), else 15: before, ___GFP_NOFAIL was
 * the macro 0x8000u, which BTF does not carry (6.1, found by the matrix:
 * without it, --sites errinj failed a __GFP_NOFAIL page allocation of
 * __getblk_gfp and the kernel oopsed on the NULL it never expects).
 */
int kf_kernel__gfp_nofail_bit(struct kf_kernel *k);

#endif
