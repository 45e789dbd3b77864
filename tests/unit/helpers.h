/* SPDX-License-Identifier: MIT */
/* Shared by the compiler's unit tests: run the front end on a string. */
#ifndef KFAULT_TEST_HELPERS_H
#define KFAULT_TEST_HELPERS_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "frontend.h"
#include "parse.h"
#include "sema.h"

/* Parse (and, if sema is set, check) text; diagnostics land in u->diags. */
static inline void unit_parse(struct kf_unit *u, const char *text, bool sema)
{
	memset(u, 0, sizeof(*u));
	u->src = kf_source__from_string("t.fault", text, strlen(text));
	assert_non_null(u->src);
	kf_diags__init(&u->diags, u->src);
	u->file = kf_parse(u->src, &u->diags);
	assert_non_null(u->file);
	if (sema)
		kf_sema(u->file, &u->diags);
}

/* Whether some diagnostic's message contains needle. */
static inline bool has_diag(const struct kf_unit *u, const char *needle)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (strstr(u->diags.v[i].message, needle))
			return true;
	return false;
}

#endif
