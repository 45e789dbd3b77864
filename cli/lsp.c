// SPDX-License-Identifier: MIT
/*
 * kfault lsp: the language server (lsp/lsp.h) on standard input and
 * output, for editors: diagnostics as you type, completion and hover from
 * kernel BTF, the generated C. docs/editors.md sets it up in each editor.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lsp.h"

enum { OPT_BTF = 256, OPT_NO_BTF, OPT_STDIO };

static const struct cli_option lsp_options[] = {
	{ "btf", 0, OPT_BTF, "VMLINUX",
	  "kernel types and functions from this BTF or vmlinux\n(default: the client's initializationOptions.btf,\n"
	  "else /sys/kernel/btf/vmlinux when it exists)" },
	{ "no-btf", 0, OPT_NO_BTF, NULL, "no kernel BTF: diagnostics of what needs no kernel,\nno kernel completion" },
	{ "stdio", 0, OPT_STDIO, NULL, "accepted: the protocol is always on standard input\nand output" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_lsp = {
	"lsp", "lsp [OPTIONS]",
	"Serve the Language Server Protocol (3.17, JSON-RPC) on standard input and\n"
	"output, for editors: diagnostics as kfault check reports them while the file\n"
	"is typed; completion of kernel functions (with their parameters), members,\n"
	"parameters, statements and failure kinds; hover with prototypes, types,\n"
	"offsets and error-injection types; the generated BPF C (a code action, and\n"
	"go to definition from a line to its C). See docs/editors.md.",
	lsp_options,
	"Exit status: 0 after the client's shutdown and exit, 1 when the input ends\n"
	"first, 2 bad usage.\n",
};

struct lsp_cli_opts {
	const char *btf_path;
	bool no_btf;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct lsp_cli_opts *o = ctx;

	switch (key) {
	case OPT_BTF: o->btf_path = arg; break;
	case OPT_NO_BTF: o->no_btf = true; break;
	case OPT_STDIO: break;
	default: return EXIT_USAGE;
	}
	return 0;
}

static int write_all(void *ctx, const char *data, size_t len)
{
	int fd = *(int *)ctx;

	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int cmd_lsp(int argc, char **argv)
{
	struct lsp_cli_opts o = {0};
	struct kf_lsp *s;
	int first, out = STDOUT_FILENO, status = cli_parse(&cli_lsp, argc, argv, set_option, &o, &first);

	if (status >= 0)
		return status;
	if (first != argc)
		return cli_usage(&cli_lsp, "%s", "takes no operands");
	if (o.no_btf && o.btf_path)
		return cli_usage(&cli_lsp, "%s", "--btf and --no-btf exclude each other");
	/* a client that goes away is the end of the input, not a signal */
	signal(SIGPIPE, SIG_IGN);
	struct kf_lsp_opts lo = { .sz = sizeof(lo), .btf_path = o.btf_path, .no_btf = o.no_btf,
				  .write = write_all, .write_ctx = &out };
	s = kf_lsp__new(&lo);
	if (!s) {
		fprintf(stderr, "kfault lsp: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	status = kf_lsp__serve(s, STDIN_FILENO);
	kf_lsp__free(s);
	return status;
}
