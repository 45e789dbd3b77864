/* SPDX-License-Identifier: MIT */
/*
 * Lowering of predicates to BPF C.
 *
 * A kprobe program may not dereference kernel pointers directly, so every
 * load from kernel memory becomes an explicit, CO-RE relocated read:
 *
 *   name->name                 BPF_CORE_READ(name, name)
 *   bio->bi_bdev->bd_disk      BPF_CORE_READ(bio, bi_bdev, bd_disk)
 *   *p, p[i]                   KF_DEREF(p), KF_DEREF(p + i)
 *   s->member[i]               KF_INDEX(s->member, i)    (array or pointer member)
 *   s->member[i].len           ({ __auto_type ___kf_b = KF_ELEM(s->member, i);
 *                                 BPF_CORE_READ(___kf_b, len); })
 *   s->grid[i][j]              KF_INDEX of *KF_ELEM(s->grid, i), at j
 *   STRNCMP(name->name, "x", 2)  kf_streq_n(KF_STR(name->name), "x", 2)
 *
 * The macros are in templates/kfault.bpf.h. Lowering only reads the tree;
 * sema has already rejected what cannot be lowered.
 */
#ifndef KFAULT_LOWER_H
#define KFAULT_LOWER_H

#include <stddef.h>

#include "ast.h"

/* The C text of a checked predicate, without outer parentheses. */
char *kf_lower_pred(const struct kf_expr *e);

/* s as a C string literal, every byte that could end it escaped. */
char *kf_c_string(const char *s, size_t len);

#endif
