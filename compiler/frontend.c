// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "frontend.h"
#include "parse.h"
#include "sema.h"

int kf_unit__compile(struct kf_unit *u, struct kf_source *src)
{
	return kf_unit__compile_btf(u, src, NULL);
}

int kf_unit__compile_btf(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf)
{
	return kf_unit__compile_macros(u, src, btf, false);
}

int kf_unit__compile_macros(struct kf_unit *u, struct kf_source *src, struct kf_btf *btf,
			    bool macros)
{
	memset(u, 0, sizeof(*u));
	u->src = src;
	kf_diags__init(&u->diags, src);
	u->file = kf_parse(src, &u->diags);
	if (!u->file)
		return -errno;
	/* Check even after syntax errors: the parser kept what it could. */
	kf_sema_macros(u->file, &u->diags, btf, macros);
	if (u->diags.errors)
		return -EINVAL;
	return kf_codegen(u->file, &u->prog);
}

void kf_unit__fini(struct kf_unit *u)
{
	kf_program_fini(&u->prog);
	kf_file_free(u->file);
	kf_diags__free(&u->diags);
	kf_source__free(u->src);
	memset(u, 0, sizeof(*u));
}
