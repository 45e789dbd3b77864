/* SPDX-License-Identifier: MIT */
/*
 * The headers every program 'kfault build' compiles in BTF mode starts
 * with, precompiled when kfault is built (compiler/CMakeLists.txt) and
 * read from the embedded PCH at each build instead of parsed again
 * (libbpf's bpf_helper_defs.h alone declares some 200 helpers). Their
 * include guards then skip the same #includes in kfault.bpf.h. They come
 * before the minimal vmlinux.h here, so this file gives them what they
 * would take from it: the UAPI integer types, and __VMLINUX_H__, by which
 * bpf_tracing.h picks the kernel's register names (the minimal vmlinux.h
 * has a guard of its own and defines __VMLINUX_H__ too, for compiling by
 * hand). The same typedefs in vmlinux.h again are allowed (C11).
 */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short int __s16;
typedef short unsigned int __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long int __s64;
typedef long long unsigned int __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
#define __VMLINUX_H__

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
