/* SPDX-License-Identifier: MIT */
/*
 * What the runtime's own files (command.c) may do to an injector that its
 * users may not: not installed, not exported from libkfault.
 */
#ifndef KFAULT_INJECTOR_PRIV_H
#define KFAULT_INJECTOR_PRIV_H

#include "injector.h"

/* Set what kf_injector__errmsg() says (printf-style); returns -|err|. */
int kf_injector_fail(struct kf_injector *inj, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
