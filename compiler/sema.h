/* SPDX-License-Identifier: MIT */
/*
 * Semantic checks: resolve failure sites, fold statements into settings,
 * check predicates against the parameters in scope, and warn where an
 * injection reaches further than its author may think.
 */
#ifndef KFAULT_SEMA_H
#define KFAULT_SEMA_H

#include <linux/types.h>

#include "ast.h"
#include "diag.h"
#include "kfault.h"	/* KF_MAX_FRAMES, KF_COMM_LEN, KF_NAME_LEN...: shared with the BPF side */

/* Limits of the language (docs/language.md, "Limits"). */
#define KF_MAX_STRLEN		64	/* bytes a string builtin compares */
#define KF_MAX_KPROBE_ARGS	5	/* arguments a kprobe program can read */
#define KF_MAX_PID		4194304	/* PID_MAX_LIMIT */
#define KF_MAX_PARAMS		32	/* parameters declared for one function */
#define KF_MAX_HEADERS		32	/* headers of one injection */
/* and in ast.h: KF_MAX_PRED_NODES, KF_MAX_PTR; in diag.h: KF_MAX_SOURCE */

/* Returns 0, or -EINVAL when it reported errors. */
int kf_sema(struct kf_file *file, struct kf_diags *d);

struct kf_btf;

/*
 * The same, with kernel BTF (btf_types.h): parameters a frame or function
 * site leaves out are taken from the function's BTF prototype, declared
 * ones are checked against it, and predicates are typed from BTF (members,
 * '.' versus '->', arrays versus pointers, enumerators). btf NULL: kf_sema.
 */
int kf_sema_btf(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf);
/*
 * The same for a file compiled against kernel headers (kfault build
 * --kernel-headers) when macros is true: a name that is no parameter and no
 * BTF enumerator is taken as an integer macro of those headers
 * (__GFP_NOWARN); clang reports it if the headers do not define it.
 */
int kf_sema_macros(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf, bool macros);
/*
 * The same, with btf's kernel's functions (ksyms.h; NULL: kf_sema_macros):
 * a frame or 'inject function' must name one of its functions, and
 * 'inject function' one in its error-injection list, with a `returns`
 * value that fits the function's error-injection type.
 */
struct kf_ksyms;
int kf_sema_kernel(struct kf_file *file, struct kf_diags *d, struct kf_btf *btf, bool macros,
		   struct kf_ksyms *ksyms);


/*
 * What a word already means in C, if anything ("a C keyword", "a C macro":
 * true, NULL, bool...), so that no generated name can be it; NULL for none.
 */
const char *kf_c_meaning(const char *name);

/* A header name of the form dir/name.h (n bytes): nothing that could leave
 * its #include. What to say when it is not:
 */
bool kf_header_name_ok(const char *h, size_t n);
#define KF_HEADER_NAME_HINT \
	"headers are named like \"linux/dcache.h\": a relative path ending in .h"

#endif
