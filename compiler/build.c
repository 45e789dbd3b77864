// SPDX-License-Identifier: MIT
/* Build: generated C to a BPF object (see build.h). */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf_types.h"
#include "build.h"
#include "clang_compile.h"
#include "codegen.h"
#include "util.h"

/*
 * What templates/kfault.bpf.h and libbpf's bpf_helpers.h, bpf_tracing.h and
 * bpf_core_read.h use from vmlinux.h (found by compiling them against an
 * empty one): the registers, the fork tracepoint's record, map types and
 * update flags, and bool.
 */
static const char *const template_roots[] = {
	"struct pt_regs", "struct trace_event_raw_sched_process_fork",
	"BPF_MAP_TYPE_HASH", "BPF_MAP_TYPE_ARRAY", "BPF_MAP_TYPE_CGROUP_ARRAY",
	"BPF_MAP_TYPE_RINGBUF", "BPF_ANY", "BPF_NOEXIST", "bool", "true",
};

/*
 * A set of header roots: type names, function names and enumerators, as
 * the templates and the file name them; BTF type ids, as sema resolved them.
 */
struct roots {
	char **v;
	size_t n;
	int *ids;
	size_t nids;
};

static void add_root(struct roots *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i], name) == 0)
			return;
	r->v = kf_realloc_array(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = kf_strdup(name);
}

static void add_root_id(struct roots *r, int id)
{
	for (size_t i = 0; i < r->nids; i++)
		if (r->ids[i] == id)
			return;
	r->ids = kf_realloc_array(r->ids, r->nids + 1, sizeof(*r->ids));
	r->ids[r->nids++] = id;
}

static void roots_free(struct roots *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	free(r->ids);
	memset(r, 0, sizeof(*r));
}

/*
 * The named type under BTF type id's pointers, arrays and qualifiers: a
 * struct or union root makes it complete (and what it holds by value), so
 * that member reads and sizeof work; a typedef brings what it names.
 */
static void add_type_root(struct roots *r, const struct kf_btf *kbtf, __u32 id)
{
	const struct btf_type *t = kf_btf__type_by_id(kbtf, id);

	while (t && (btf_is_ptr(t) || btf_is_mod(t) || btf_is_array(t))) {
		id = btf_is_array(t) ? btf_array(t)->type : t->type;
		t = kf_btf__type_by_id(kbtf, id);
	}
	if (!t || !id || !t->name_off)
		return;	/* void, or anonymous: defined where it is used */
	if (btf_is_composite(t) || btf_is_any_enum(t) || btf_is_typedef(t)) {
		add_root_id(r, id);
	} else if (btf_is_fwd(t)) {
		/* declared only here: the complete type, found by its name */
		char *s = kf_strfmt("%s %s", btf_kflag(t) ? "union" : "struct",
				    kf_btf__name_by_offset(kbtf, t->name_off));

		add_root(r, s);
		free(s);
	}
}

/* A type as written in the file (no BTF id): its base by name. */
static void add_ctype_root(struct roots *r, const struct kf_ctype *t)
{
	static const char *const keyword[] = {
		[KF_BASE_STRUCT] = "struct", [KF_BASE_UNION] = "union", [KF_BASE_ENUM] = "enum",
	};
	char *s;

	if (t->base_kind == KF_BASE_BUILTIN)
		return;
	if (t->base_kind == KF_BASE_TYPEDEF) {
		add_root(r, t->base);
		return;
	}
	s = kf_strfmt("%s %s", keyword[t->base_kind], t->base);
	add_root(r, s);
	free(s);
}

static void add_param_roots(struct roots *r, const struct kf_btf *kbtf,
			    const struct kf_param *params, int n)
{
	for (int i = 0; i < n; i++) {
		if (params[i].btf_id)
			add_type_root(r, kbtf, params[i].btf_id);
		else
			add_ctype_root(r, &params[i].type);
	}
}

/* Every type a predicate reads through, every cast type and enumerator. */
static void add_expr_roots(struct roots *r, const struct kf_btf *kbtf, const struct kf_expr *e)
{
	if (!e)
		return;
	if (e->btf_id)
		add_type_root(r, kbtf, e->btf_id);
	if (e->kind == KF_EXPR_CAST)
		add_ctype_root(r, e->cast);
	if (e->kind == KF_EXPR_IDENT && e->enumerator)
		add_root(r, e->name);
	add_expr_roots(r, kbtf, e->lhs);
	add_expr_roots(r, kbtf, e->rhs);
	for (int i = 0; i < e->nargs; i++)
		add_expr_roots(r, kbtf, e->args[i]);
}

static void collect_roots(const struct kf_file *file, const struct kf_btf *kbtf, struct roots *r)
{
	for (size_t i = 0; i < KF_ARRAY_SIZE(template_roots); i++)
		add_root(r, template_roots[i]);
	for (int i = 0; i < file->ninj; i++) {
		const struct kf_injection *inj = file->inj[i];

		add_param_roots(r, kbtf, inj->params, inj->nparams);
		add_expr_roots(r, kbtf, inj->pred);
		for (int k = 0; k < inj->nframes; k++) {
			add_param_roots(r, kbtf, inj->frames[k]->params, inj->frames[k]->nparams);
			add_expr_roots(r, kbtf, inj->frames[k]->pred);
		}
	}
}

int kf_build_header(struct kf_unit *u, struct kf_btf *kbtf, char **header, size_t *len)
{
	struct roots r = {0};
	int err;

	collect_roots(u->file, kbtf, &r);
	err = kf_btf__header(kbtf, (const char *const *)r.v, r.n, r.ids, r.nids, header, len);
	if (err == -ENOENT) {
		/* sema checked every name against this BTF: only a template root can be missing */
		for (size_t i = 0; i < r.n; i++) {
			if (kf_btf__find_type(kbtf, r.v[i]) < 0 && kf_btf__find_func(kbtf, r.v[i]) < 0 &&
			    kf_btf__find_enumerator(kbtf, r.v[i], NULL) < 0) {
				kf_error(&u->diags, KF_NOLOC,
					 "the kernel's BTF has no '%s'", r.v[i]);
				break;
			}
		}
	} else if (err) {
		kf_error(&u->diags, KF_NOLOC, "cannot write kernel types: %s",
			 strerror(-err));
	}
	roots_free(&r);
	return err;
}

/* The files a build serves from memory (kf_build()), besides the program. */
static bool is_own_file(const char *file)
{
	static const char *const own[] = {
		"kfault.h", "kfault.bpf.h", "kfault.pch", "kfault-kheaders.h", "vmlinux.h",
	};

	if (strncmp(file, "/kfault-builtin/", 16) == 0)
		return true;
	for (size_t i = 0; i < KF_ARRAY_SIZE(own); i++)
		if (strcmp(file, own[i]) == 0)
			return true;
	return false;
}

/*
 * A clang diagnostic on generated line N belongs to the DSL range of that
 * line. One elsewhere (kfault's own headers, a kernel header, a generated
 * line no statement made) has no place in the user's file: it is reported
 * without a location, naming where it is.
 */
static void report(struct kf_unit *u, const struct kf_cc_diag *cd, const char *gen_name)
{
	const struct kf_program *p = &u->prog;
	struct kf_loc loc = KF_NOLOC;
	enum kf_severity sev = cd->severity == KF_CC_ERROR ? KF_ERROR :
			       cd->severity == KF_CC_WARNING ? KF_WARNING : KF_NOTE;
	bool ours = cd->file && strcmp(cd->file, gen_name) == 0;

	if (ours && cd->line >= 1 && cd->line <= p->nlines && p->line_loc[cd->line - 1].first_line)
		loc = p->line_loc[cd->line - 1];
	if (sev == KF_NOTE)
		return;	/* clang's notes explain its errors; the hint below shows the line */
	if (ours || !cd->file)
		kf_diag(&u->diags, sev, loc, "in the generated program: %s", cd->message);
	else if (is_own_file(cd->file))
		kf_diag(&u->diags, sev, loc, "in kfault's own headers (a bug in kfault): %s:%d:%d: %s",
			cd->file, cd->line, cd->col, cd->message);
	else
		kf_diag(&u->diags, sev, loc, "in %s:%d:%d: %s", cd->file, cd->line, cd->col,
			cd->message);
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
	}
}

/*
 * DWARF that BPF objects do not use (and that libbpf's linker, see
 * link_runtime(), leaves out of the object anyway): clang 19 tracks
 * assignments for the DWARF variable locations of -O2 -g code, a fifth of
 * a compile here; and DWARF 5, its default, has it take an MD5 of every
 * source file, ~2% more. Without either the object is byte for byte the
 * same (.BTF, .BTF.ext with its line info and CO-RE relocations, code).
 * Nor do the vectorizers, which -O2 runs, ever find anything for BPF,
 * which has no vector registers (~1% of a build).
 */
static const char *const fast_args[] = {
	"-Xclang", "-fexperimental-assignment-tracking=disabled", "-gdwarf-4",
	"-fno-vectorize", "-fno-slp-vectorize",
	"-DKF_RUNTIME_LINKED",	/* see link_runtime() */
};

/*
 * BTF mode, after fast_args, also starts from the bpf headers precompiled
 * when kfault was built (templates/kfault.pch.h, served from memory as
 * kfault.pch). Not checked against the headers on disk: it holds the ones
 * kfault and its runtime half were built with, their text included
 * (compiler/CMakeLists.txt), so that no file it was made from is opened.
 * If clang cannot use it, the build compiles without it (pch_failed()).
 */
static const char *const pch_args[] = {
	"-include-pch", "kfault.pch", "-Xclang", "-fno-validate-pch",
};

/*
 * libbpf's bpf headers, embedded when kfault was built, are served from
 * memory under this directory, searched before the system's: a build
 * reads nothing of the host's but the kernel's types (and, in headers
 * mode, the kernel tree), so a relocated or copied kfault, or one whose
 * source tree is gone, builds the same objects.
 */
#define KF_BUILTIN_INCLUDE "/kfault-builtin/include"

/* ---- linking the runtime half ---- */

/*
 * The runtime half every program shares (templates/kfault.rt.bpf.c: the
 * maps, the helpers every probe calls, the housekeeping programs) was
 * compiled when kfault was built; a build compiles the generated program
 * with KF_RUNTIME_LINKED, against declarations of those helpers, and links
 * the two objects with libbpf's static linker, as 'bpftool gen object'
 * does. The program's own code is a small part of the whole: compiling only
 * it takes a third of the time of compiling both.
 *
 * libbpf 1.1's linker reads and writes named files: memory files, named
 * through /proc/self/fd, else files in a temporary directory. It leaves
 * DWARF (.debug_* sections) out of the object it writes.
 */
struct link_file {
	int fd;
	char path[4096];
};

static int link_file_open(struct link_file *f, const char *tmpdir, const char *name,
			  const void *data, size_t size)
{
	const char *p = data;

	f->fd = -1;
	if (!tmpdir) {
		f->fd = memfd_create(name, MFD_CLOEXEC);
		if (f->fd < 0)
			return -errno;
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	} else {
		snprintf(f->path, sizeof(f->path), "%s/%s", tmpdir, name);
		f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (f->fd < 0)
			return -errno;
	}
	while (size > 0) {
		ssize_t n = write(f->fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		size -= n;
	}
	return 0;
}

static void link_file_close(struct link_file *f, const char *tmpdir)
{
	if (f->fd >= 0)
		close(f->fd);
	if (tmpdir && f->fd >= 0)
		unlink(f->path);
	f->fd = -1;
}

/* What libbpf says while linking, for the error message. (libbpf's print
 * callback is process-wide: a thread that links at the same time as
 * another uses libbpf may lose that one's messages for the duration.)
 */
static _Thread_local char link_log[512];

static int link_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_DEBUG) {
		vsnprintf(link_log, sizeof(link_log), fmt, ap);
		link_log[strcspn(link_log, "\n")] = '\0';
	}
	return 0;
}

static int link_in(const void *prog, size_t prog_size, const char *tmpdir, void **out,
		   size_t *out_size)
{
	const struct kf_embedded *rt = &kf_runtime_objects[0];
	struct link_file in = { .fd = -1 }, half = { .fd = -1 }, linked = { .fd = -1 };
	struct bpf_linker *linker = NULL;
	struct stat st;
	int err;

	err = link_file_open(&in, tmpdir, "kfault.prog.bpf.o", prog, prog_size);
	if (!err)
		err = link_file_open(&half, tmpdir, "kfault.rt.bpf.o", rt->data, rt->size);
	if (!err)
		err = link_file_open(&linked, tmpdir, "kfault.bpf.o", NULL, 0);
	if (err)
		goto close_files;
	linker = bpf_linker__new(linked.path, NULL);
	if (!linker) {
		err = -errno;
		goto close_files;
	}
	err = bpf_linker__add_file(linker, in.path, NULL);
	if (!err)
		err = bpf_linker__add_file(linker, half.path, NULL);
	if (!err)
		err = bpf_linker__finalize(linker);
	if (err)
		goto free_linker;
	if (fstat(linked.fd, &st) || st.st_size <= 0) {
		err = -EIO;
		goto free_linker;
	}
	*out_size = st.st_size;
	*out = malloc(*out_size);
	if (!*out)
		kf_oom();
	if (pread(linked.fd, *out, *out_size, 0) != (ssize_t)*out_size) {
		free(*out);
		*out = NULL;
		err = -EIO;
	}
free_linker:
	bpf_linker__free(linker);
close_files:
	link_file_close(&linked, tmpdir);
	link_file_close(&half, tmpdir);
	link_file_close(&in, tmpdir);
	return err;
}

/* The program's object, linked with the runtime half into out. */
static int link_runtime(struct kf_unit *u, const void *prog, size_t size, struct kf_object *out)
{
	libbpf_print_fn_t old = libbpf_set_print(link_print);
	char tmpdir[4096] = "";
	void *data = NULL;
	size_t len = 0;
	int err;

	link_log[0] = '\0';
	if (access("/proc/self/fd", X_OK) == 0) {
		err = link_in(prog, size, NULL, &data, &len);
	} else {
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/kfault-link-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			err = -errno;
		} else {
			err = link_in(prog, size, tmpdir, &data, &len);
			rmdir(tmpdir);
		}
	}
	libbpf_set_print(old);
	if (err) {
		kf_error(&u->diags, KF_NOLOC,
			 "linking the program with kfault's runtime half failed: %s%s%s",
			 strerror(-err), link_log[0] ? ": libbpf: " : "", link_log);
		return err;
	}
	out->data = data;
	out->size = len;
	return 0;
}

/* ---- headers mode ---- */

#if defined(__x86_64__)
#define KF_KERNEL_ARCH "x86"
#define KF_KERNEL_TRIPLE "x86_64-linux-gnu"	/* the headers' inline asm is x86's */
#else
#define KF_KERNEL_TRIPLE NULL
#define KF_KERNEL_ARCH NULL	/* headers mode knows x86 only so far */
#endif

/*
 * Read after the kernel's kconfig.h and compiler_types.h, before anything
 * else: what the kernel's headers need to compile for the BPF target. They
 * are written for the kernel's own compiler (gcc, for Debian's) and arch;
 * a BPF program only needs their types and macros. As BCC does, inline asm
 * qualifiers BPF has no use for become plain asm.
 */
static const char kheaders_workarounds[] =
	"/* kfault --kernel-headers: kernel headers on the BPF target */\n"
	"#ifdef asm_inline\n"
	"#undef asm_inline\n"
	"#define asm_inline asm\n"
	"#endif\n"
	/* the kernel's noinline macro would break bpf_helpers.h's __noinline */
	"#define __noinline __attribute__((__noinline__))\n";

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Where a kernel tree's sources are: a kbuild output directory (O=) links
 * them as source; a Debian linux-headers-VERSION-ARCH directory names its
 * -common sibling in its Makefile ("include /usr/src/.../Makefile"); a
 * kernel built in its source tree is both.
 */
static char *kernel_srctree(const char *dir)
{
	char *path = kf_strfmt("%s/source", dir), line[4096], *src = NULL;
	FILE *f;

	if (is_dir(path))
		return path;
	free(path);
	path = kf_strfmt("%s/Makefile", dir);
	f = fopen(path, "r");
	free(path);
	if (f && fgets(line, sizeof(line), f) && strncmp(line, "include ", 8) == 0) {
		line[strcspn(line, "\n")] = 0;
		src = kf_strdup(dirname(line + 8));
		if (!is_dir(src)) {
			/* a package unpacked elsewhere (dpkg -x): the sibling directory */
			char *copy = kf_strdup(dir);

			path = kf_strfmt("%s/%s", dirname(copy), basename(src));
			free(copy);
			free(src);
			src = path;
		}
	}
	if (f)
		fclose(f);
	return src ? src : kf_strdup(dir);
}

static void add_arg(char ***args, size_t *n, char *arg)
{
	*args = kf_realloc_array(*args, *n + 1, sizeof(**args));
	(*args)[(*n)++] = arg;
}

/* Append the arguments of kf_build_kernel_headers_args() to *args. */
static int add_kernel_headers_args(struct kf_diags *d, const char *dir, char ***args, size_t *nargs)
{
	static const char *const defines[] = {
		"-DKFAULT_KERNEL_HEADERS", "-D__KERNEL__", "-D__BPF_TRACING__",
		/* the kernel's headers under clang's defaults */
		"-Wno-unused-value", "-Wno-pointer-sign", "-Wno-compare-distinct-pointer-types",
		"-Wno-gnu-variable-sized-type-not-at-end", "-Wno-address-of-packed-member",
		"-Wno-tautological-compare", "-Wno-unknown-warning-option",
		"-fno-stack-protector",
		/* the x86 stage's unwind tables would be .eh_frame in the BPF object */
		"-fno-asynchronous-unwind-tables",
	};
	const char *arch = KF_KERNEL_ARCH;
	char *src, *obj, *probe;
	int err = 0;

	if (!arch) {
		kf_error(d, KF_NOLOC,
			 "--kernel-headers is not supported on this architecture yet");
		return -ENOTSUP;
	}
	if (!is_dir(dir)) {
		kf_error(d, KF_NOLOC, "cannot use kernel headers from %s: %s", dir,
			 strerror(errno == 0 || access(dir, F_OK) == 0 ? ENOTDIR : errno));
		kf_diag_hint(d, "--kernel-headers takes a kernel build or headers tree, like "
			     "/lib/modules/$(uname -r)/build");
		return -ENOENT;
	}
	/* absolute: clang opens no relative path of the real file system
	 * (compiler/clang_compile.cpp, AbsoluteOnlyFS)
	 */
	obj = realpath(dir, NULL);
	if (!obj)
		kf_oom();
	src = kernel_srctree(obj);
	probe = kf_strfmt("%s/include/generated/autoconf.h", obj);
	if (!is_file(probe)) {
		kf_error(d, KF_NOLOC,
			 "%s is no configured kernel build or headers tree: it has no "
			 "include/generated/autoconf.h", dir);
		kf_diag_hint(d, "--kernel-headers takes a kernel build or headers tree, like "
			     "/lib/modules/$(uname -r)/build");
		err = -ENOENT;
	}
	free(probe);
	probe = kf_strfmt("%s/include/linux/kconfig.h", src);
	if (!err && !is_file(probe)) {
		kf_error(d, KF_NOLOC,
			 "kernel headers %s: no include/linux/kconfig.h in its sources %s", dir, src);
		err = -ENOENT;
	}
	free(probe);
	if (err)
		goto free_dirs;

	for (size_t i = 0; i < KF_ARRAY_SIZE(defines); i++)
		add_arg(args, nargs, kf_strdup(defines[i]));
	/*
	 * kbuild's LINUXINCLUDE, in its order; as system headers, so that
	 * clang's warnings about the kernel's code do not show. As kbuild,
	 * -nostdinc: no host header (/usr/include, clang's own) is searched,
	 * only the tree's and kfault's (the -isystem before these).
	 */
	add_arg(args, nargs, kf_strdup("-nostdinc"));
	add_arg(args, nargs, kf_strfmt("-isystem%s/arch/%s/include", src, arch));
	add_arg(args, nargs, kf_strfmt("-isystem%s/arch/%s/include/generated", obj, arch));
	add_arg(args, nargs, kf_strfmt("-isystem%s/include", src));
	add_arg(args, nargs, kf_strfmt("-isystem%s/include", obj));
	add_arg(args, nargs, kf_strfmt("-isystem%s/arch/%s/include/uapi", src, arch));
	add_arg(args, nargs, kf_strfmt("-isystem%s/arch/%s/include/generated/uapi", obj, arch));
	add_arg(args, nargs, kf_strfmt("-isystem%s/include/uapi", src));
	add_arg(args, nargs, kf_strfmt("-isystem%s/include/generated/uapi", obj));
	add_arg(args, nargs, kf_strdup("-include"));
	add_arg(args, nargs, kf_strfmt("%s/include/linux/kconfig.h", src));
	add_arg(args, nargs, kf_strdup("-include"));
	add_arg(args, nargs, kf_strfmt("%s/include/linux/compiler_types.h", src));
	add_arg(args, nargs, kf_strdup("-include"));
	add_arg(args, nargs, kf_strdup("kfault-kheaders.h"));
free_dirs:
	free(src);
	free(obj);
	return err;
}

int kf_build_kernel_headers_args(struct kf_diags *d, const char *dir, char ***args, size_t *nargs)
{
	int err;

	*args = NULL;
	*nargs = 0;
	err = add_kernel_headers_args(d, dir, args, nargs);
	if (err) {
		kf_build_free_args(*args, *nargs);
		*args = NULL;
		*nargs = 0;
	}
	return err;
}

void kf_build_free_args(char **args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}

/*
 * Whether a compile failed because of the precompiled headers rather than
 * the program: clang's errors about reading an AST file (a PCH is one).
 */
static bool pch_failed(const struct kf_cc_result *res)
{
	static const char *const marks[] = {
		"AST file", "PCH file", "precompiled header", "kfault.pch",
	};

	for (size_t i = 0; res && i < kf_cc_result__diag_cnt(res); i++) {
		const struct kf_cc_diag *cd = kf_cc_result__diag(res, i);

		if (cd->severity != KF_CC_ERROR)
			continue;
		if (cd->file && strcmp(cd->file, "kfault.pch") == 0)
			return true;
		for (size_t m = 0; m < KF_ARRAY_SIZE(marks); m++)
			if (strstr(cd->message, marks[m]))
				return true;
	}
	return false;
}

/* The first error of a compile, for the log: "" when there is none. */
static const char *first_error(const struct kf_cc_result *res)
{
	for (size_t i = 0; res && i < kf_cc_result__diag_cnt(res); i++)
		if (kf_cc_result__diag(res, i)->severity == KF_CC_ERROR)
			return kf_cc_result__diag(res, i)->message;
	return "";
}

/* A clang PCH starts with this magic; anything else is not worth trying. */
static bool pch_plausible(const void *data, size_t size)
{
	return data && size > 64 && memcmp(data, "CPCH", 4) == 0;
}

int kf_build(struct kf_unit *u, const struct kf_build_opts *opts, struct kf_object *out)
{
	const char *btf_path = opts && opts->btf_path ? opts->btf_path : "/sys/kernel/btf/vmlinux";
	const struct kf_embedded *kh = kf_template("kfault.h"), *kbh = kf_template("kfault.bpf.h");
	const char *kheaders = opts ? opts->kernel_headers : NULL;
	const void *pch = opts && opts->pch ? opts->pch : kf_pch[0].data;
	size_t pch_size = opts && opts->pch ? opts->pch_size : kf_pch[0].size;
	struct kf_btf *kbtf = opts ? opts->btf : NULL, *opened = NULL;
	struct kf_vfile files[16];
	char bpf_paths[8][64];
	struct kf_cc_result *res = NULL;
	char *header = NULL, **args = NULL, *why_no_pch = NULL;
	size_t header_len = 0, nargs = 0, nfiles = 0, nbpf = 0, nbase;
	bool use_pch = false;
	const void *obj;
	int err;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < KF_ARRAY_SIZE(fast_args); i++)
		add_arg(&args, &nargs, kf_strdup(fast_args[i]));
	add_arg(&args, &nargs, kf_strdup("-isystem" KF_BUILTIN_INCLUDE));
	if (kheaders) {
		/* kernel types from the headers */
		err = add_kernel_headers_args(&u->diags, kheaders, &args, &nargs);
		if (err)
			goto free_args;
		header = kf_strdup(kheaders_workarounds);
		header_len = strlen(header);
		files[nfiles++] = (struct kf_vfile){ "kfault-kheaders.h", header, header_len };
	} else {
		if (opts && opts->no_pch)
			why_no_pch = kf_strdup("not used (--no-pch)");
		else if (!pch_plausible(pch, pch_size))
			why_no_pch = kf_strdup("not a clang precompiled header");
		use_pch = !why_no_pch;
		if (!kbtf) {
			kbtf = opened = kf_build_open_btf(&u->diags, btf_path);
			if (!kbtf) {
				err = -errno;
				goto free_args;
			}
		}
		err = kf_build_header(u, kbtf, &header, &header_len);
		if (err)
			goto free_btf;
		files[nfiles++] = (struct kf_vfile){ "vmlinux.h", header, header_len };
	}
	files[nfiles++] = (struct kf_vfile){ "kfault.h", kh->data, kh->size };
	files[nfiles++] = (struct kf_vfile){ "kfault.bpf.h", kbh->data, kbh->size };
	for (const struct kf_embedded *e = kf_bpf_headers; e->name && nbpf < KF_ARRAY_SIZE(bpf_paths); e++) {
		snprintf(bpf_paths[nbpf], sizeof(bpf_paths[nbpf]), "%s/bpf/%s", KF_BUILTIN_INCLUDE, e->name);
		files[nfiles++] = (struct kf_vfile){ bpf_paths[nbpf++], e->data, e->size };
	}
	nbase = nargs;
	if (use_pch) {
		files[nfiles] = (struct kf_vfile){ "kfault.pch", pch, pch_size };
		for (size_t i = 0; i < KF_ARRAY_SIZE(pch_args); i++)
			add_arg(&args, &nargs, kf_strdup(pch_args[i]));
	}
	KF_OPTS(kf_cc_opts, cc, .main_name = "kfault.bpf.c", .files = files,
		.nfiles = nfiles + use_pch,
		.extra_args = (const char *const *)args, .nextra = nargs,
		.in_process = opts && opts->in_process,
		.frontend_target = kheaders ? KF_KERNEL_TRIPLE : NULL,
		.no_dwarf = true);	/* link_runtime() would drop it */

	err = kf_cc_compile(u->prog.text, u->prog.len, &cc, &res);
	if (err == -ENOEXEC && use_pch && pch_failed(res)) {
		/* slower, and correct: the headers' text instead of the PCH */
		why_no_pch = kf_strfmt("clang could not use it: %s", first_error(res));
		kf_cc_result__free(res);
		res = NULL;
		cc.nfiles = nfiles;
		cc.nextra = nbase;
		err = kf_cc_compile(u->prog.text, u->prog.len, &cc, &res);
	}
	if (why_no_pch)
		out->log = kf_strfmt("compiled without kfault's precompiled headers: %s\n", why_no_pch);
	for (size_t i = 0; res && i < kf_cc_result__diag_cnt(res); i++)
		report(u, kf_cc_result__diag(res, i), cc.main_name);
	if (!err) {
		size_t size;

		obj = kf_cc_result__object(res, &size);
		err = link_runtime(u, obj, size, out);
	} else if (!u->diags.errors) {
		kf_error(&u->diags, KF_NOLOC, "clang failed: %s", strerror(-err));
	}
	kf_cc_result__free(res);
	free(header);
free_btf:
	kf_btf__free(opened);
free_args:
	free(why_no_pch);
	kf_build_free_args(args, nargs);
	return err == -ENOEXEC ? -EINVAL : err;
}

struct kf_btf *kf_build_open_btf(struct kf_diags *d, const char *path)
{
	struct kf_btf *kbtf;
	int err;

	kbtf = kf_btf__open_indexed(path);
	if (!kbtf) {
		err = errno;
		kf_error(d, KF_NOLOC, "cannot read kernel BTF from %s: %s",
			 path ? path : "/sys/kernel/btf/vmlinux", kf_btf__strerror(err));
		if (path)
			kf_diag_hint(d, "--btf takes a vmlinux with a .BTF section (CONFIG_DEBUG_INFO_BTF) "
				     "or a raw BTF file such as /sys/kernel/btf/vmlinux");
		else
			kf_diag_hint(d, "the kernel needs CONFIG_DEBUG_INFO_BTF, or pass --btf VMLINUX");
		errno = err;
	}
	return kbtf;
}

void kf_object_fini(struct kf_object *o)
{
	free(o->data);
	free(o->log);
	memset(o, 0, sizeof(*o));
}
