/* SPDX-License-Identifier: MIT */
/*
 * KernelChaos YAML (Chaos Mesh's kernel fault resource) as native kfault
 * text: one 'inject' block per resource. See docs/compat.md for the
 * mapping and for what kfault does differently from Chaos Mesh and bpfki.
 *
 * The YAML is read with libyaml; every error names the YAML line and
 * column, and so does everything the native stages report afterwards
 * (compiler/compat/xlate.h maps it back).
 */
#ifndef KFAULT_KERNELCHAOS_H
#define KFAULT_KERNELCHAOS_H

#include <stdbool.h>

#include "xlate.h"

/*
 * Whether src is to be read as KernelChaos YAML: its name ends in .yaml or
 * .yml, or (any name but *.fault, standard input included) its first line
 * that is not blank and not a '#' comment starts with '---', '%YAML',
 * 'apiVersion:', 'kind:', 'metadata:' or 'spec:', which no .fault file can.
 */
bool kf_kernelchaos__detect(const struct kf_source *src);

/* A kf_translate_fn (frontend.h): the native text of every resource in src. */
int kf_kernelchaos__translate(const struct kf_source *src, struct kf_diags *d,
			      struct kf_xlate *x, void *ctx);

#endif
