/* SPDX-License-Identifier: MIT */
/*
 * kfault's language server (kfault lsp): the Language Server Protocol
 * 3.17 over JSON-RPC, for editors writing .fault files.
 *
 * It serves diagnostics as the file is typed (the front end's, as kfault
 * check reports them), completion and hover from kernel BTF (functions,
 * their prototypes and error-injection types, members of the types
 * predicates read), the generated BPF C (a command, and go-to-definition
 * from a DSL line to the C it became) and formatting. docs/editors.md
 * says what each request does; lsp/server.c is the protocol, lsp/assist.c
 * the knowledge of the language behind completion and hover.
 *
 * The server reads no argv and prints nothing but protocol messages on
 * its output; it never exits the process.
 */
#ifndef KFAULT_LSP_H
#define KFAULT_LSP_H

#include <stdbool.h>
#include <stddef.h>

struct kf_lsp;

struct kf_lsp_opts {
	size_t sz;		/* sizeof(struct kf_lsp_opts) */
	/*
	 * Kernel BTF (a vmlinux or a raw BTF file): NULL for the client's
	 * initializationOptions.btf, or else the running kernel's
	 * (/sys/kernel/btf/vmlinux) when there is one.
	 */
	const char *btf_path;
	bool no_btf;		/* no BTF at all: syntax and what needs no kernel */
	/*
	 * Where messages go: write(ctx, data, len) writes all of data and
	 * returns 0, or a negative errno (the server then stops).
	 */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	size_t :0;
};

/* A server; NULL and errno on a bad opts. */
struct kf_lsp *kf_lsp__new(const struct kf_lsp_opts *opts);
void kf_lsp__free(struct kf_lsp *s);

/*
 * Handle one JSON-RPC message (the body, without its header). Diagnostics
 * of changed documents are not published here but by kf_lsp__idle(), so
 * that a burst of changes is checked once.
 */
void kf_lsp__handle(struct kf_lsp *s, const char *msg, size_t len);
/* Publish the diagnostics of every document changed since the last call. */
void kf_lsp__idle(struct kf_lsp *s);
/*
 * Whether the client sent 'exit'; *status is the exit status the
 * protocol asks for (0 after 'shutdown', else 1).
 */
bool kf_lsp__exited(const struct kf_lsp *s, int *status);

/*
 * Serve messages read from fd in (Content-Length framing) until 'exit' or
 * the end of the input: the process's exit status (1 when the input ended
 * without 'exit', or a write failed).
 */
int kf_lsp__serve(struct kf_lsp *s, int in);

#endif
