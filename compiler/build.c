// SPDX-License-Identifier: MIT
/* Build: generated C to a BPF object (see build.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf_types.h"
#include "build.h"
#include "clang_compile.h"
#include "util.h"

static void dump_printf(void *ctx, const char *fmt, va_list ap)
{
	vfprintf(ctx, fmt, ap);
}

/*
 * Every type of the kernel's BTF as C, like bpftool's vmlinux.h, records
 * marked preserve_access_index so that member accesses are CO-RE relocated.
 */
static int full_header(const struct btf *btf, char **text, size_t *len)
{
	struct btf_dump *d;
	FILE *f;
	int err = 0;

	f = open_memstream(text, len);
	if (!f)
		return -errno;
	d = btf_dump__new(btf, dump_printf, f, NULL);
	if (!d) {
		err = -errno;
		goto close_stream;
	}
	fputs("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n"
	      "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	      "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	      "#endif\n", f);
	for (__u32 id = 1; id < btf__type_cnt(btf) && !err; id++)
		err = btf_dump__dump_type(d, id);
	fputs("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n"
	      "#endif\n", f);
	btf_dump__free(d);
close_stream:
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

/* A clang diagnostic on generated line N belongs to the DSL range of that line. */
static void report(struct kf_unit *u, const struct kf_cc_diag *cd, const char *gen_name)
{
	const struct kf_program *p = &u->prog;
	struct kf_loc loc = { 1, 1, 1, 1 };
	enum kf_severity sev = cd->severity == KF_CC_ERROR ? KF_ERROR :
			       cd->severity == KF_CC_WARNING ? KF_WARNING : KF_NOTE;
	bool ours = cd->file && strcmp(cd->file, gen_name) == 0;

	if (ours && cd->line >= 1 && cd->line <= p->nlines && p->line_loc[cd->line - 1].first_line)
		loc = p->line_loc[cd->line - 1];
	if (sev == KF_NOTE)
		return;	/* clang's notes explain its errors; the hint below shows the line */
	kf_diag(&u->diags, sev, loc, "in the generated program: %s", cd->message);
	if (ours && cd->line >= 1 && cd->line <= p->nlines) {
		const char *s = p->text;

		for (int l = 1; l < cd->line && s; l++) {
			s = strchr(s, '\n');
			if (s)
				s++;
		}
		if (s)
			kf_diag_hint(&u->diags, "%s:%d: %.*s", gen_name, cd->line,
				     (int)strcspn(s, "\n"), s);
	} else if (cd->file) {
		kf_diag_hint(&u->diags, "%s:%d:%d", cd->file, cd->line, cd->col);
	}
}

int kf_build(struct kf_unit *u, const struct kf_build_opts *opts, struct kf_object *out)
{
	const char *btf_path = opts && opts->btf_path ? opts->btf_path : "/sys/kernel/btf/vmlinux";
	const struct kf_embedded *kh = kf_template("kfault.h"), *kbh = kf_template("kfault.bpf.h");
	struct kf_vfile files[3];
	struct kf_cc_result *res = NULL;
	struct kf_btf *kbtf;
	char *header = NULL;
	size_t header_len = 0;
	const void *obj;
	int err;

	memset(out, 0, sizeof(*out));
	kbtf = kf_btf__open(btf_path);
	if (!kbtf) {
		err = -errno;
		kf_error(&u->diags, (struct kf_loc){ 1, 1, 1, 1 }, "cannot read kernel BTF from %s: %s",
			 btf_path, strerror(errno));
		kf_diag_hint(&u->diags, "the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX");
		return err;
	}
	err = full_header(kf_btf__btf(kbtf), &header, &header_len);
	kf_btf__free(kbtf);
	if (err) {
		kf_error(&u->diags, (struct kf_loc){ 1, 1, 1, 1 }, "cannot write kernel types from %s: %s",
			 btf_path, strerror(-err));
		free(header);
		return err;
	}
	files[0] = (struct kf_vfile){ "vmlinux.h", header, header_len };
	files[1] = (struct kf_vfile){ "kfault.h", kh->data, kh->size };
	files[2] = (struct kf_vfile){ "kfault.bpf.h", kbh->data, kbh->size };
	KF_OPTS(kf_cc_opts, cc, .main_name = "kfault.bpf.c", .files = files, .nfiles = 3);

	err = kf_cc_compile(u->prog.text, u->prog.len, &cc, &res);
	for (size_t i = 0; res && i < kf_cc_result__diag_cnt(res); i++)
		report(u, kf_cc_result__diag(res, i), cc.main_name);
	if (!err) {
		obj = kf_cc_result__object(res, &out->size);
		out->data = malloc(out->size);
		if (!out->data)
			kf_oom();
		memcpy(out->data, obj, out->size);
	} else if (!u->diags.errors) {
		kf_error(&u->diags, (struct kf_loc){ 1, 1, 1, 1 }, "clang failed: %s", strerror(-err));
	}
	kf_cc_result__free(res);
	free(header);
	return err == -ENOEXEC ? -EINVAL : err;
}

void kf_object_fini(struct kf_object *o)
{
	free(o->data);
	memset(o, 0, sizeof(*o));
}
