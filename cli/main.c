// SPDX-License-Identifier: MIT
/*
 * kfault: the command line. main() dispatches to one file per command
 * (cli.h); each parses its own options, from its own table, and calls the
 * libraries.
 *
 *   kfault check FILE                          diagnostics only       (compile.c)
 *   kfault gen FILE [-o OUT]                   the generated BPF C    (compile.c)
 *   kfault build FILE -o OUT                   a BPF object           (compile.c)
 *   kfault explain FILE                        what FILE would attach (explain.c)
 *   kfault run OBJECT|FILE [OPTIONS]           inject                 (run.c)
 *   kfault convert FILE [-o OUT]               the native .fault text (convert.c)
 *   kfault inject [-I H]... [-P P] [-c N] [-v] MODE SPEC   bcc inject.py's command (inject.c)
 *   kfault templates DIR                       the headers generated C includes (templates.c)
 *   kfault list [GLOB]                         kernel functions, which can fail (list.c)
 *   kfault fmt [--check | -w] FILE...          the canonical layout   (fmt.c)
 *   kfault lsp [--btf VMLINUX]                 the language server, for editors (lsp.c)
 *   kfault serve [--listen ADDR:PORT]          Chaos Mesh's bpfki daemon (serve.c)
 *
 * Exit status: 0 ok, 1 the file has errors, 2 usage, 3 other failure;
 * 'run' adds 4 (the kernel cannot do it) and 5 (the kernel refused it).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clang_compile.h"
#include "cli.h"
#include "list-sites.h"
#include "run.h"
#include "sweep-cmd.h"
#include "source.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25	/* Linux 6.1 */
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000	/* Linux 4.17 */
#endif

/* 'run' on a source compiles it first (source.c); --list-sites explains it (explain.c). */
int cmd_run(int argc, char **argv)
{
	struct cli_source src = {0};
	struct run_sources sources = { cli_compile_for_run, explain_source, &src };

	return run_main(&cli_run, argc, argv, &sources);
}

/* 'sweep' compiles a source as run does (sweep.c). */
static int cmd_sweep(int argc, char **argv)
{
	struct cli_source src = {0};
	struct run_sources sources = { cli_compile_for_run, explain_source, &src };

	return sweep_main(&cli_sweep, argc, argv, &sources);
}

static const struct {
	const struct cli_command *cmd;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ &cli_check, cmd_check, "check FILE and print its diagnostics" },
	{ &cli_gen, cmd_gen, "print the BPF C generated for FILE" },
	{ &cli_build, cmd_build, "compile FILE to a BPF object (with BTF, CO-RE)" },
	{ &cli_explain, cmd_explain, "say what FILE (or an object) would attach, loading nothing" },
	{ &cli_list, cmd_list, "list kernel functions, their prototypes, which can fail" },
	{ &cli_run, cmd_run, "inject: attach, arm, report, detach" },
	{ &cli_sweep, cmd_sweep, "fail each failure point of a command in turn, report what breaks" },
	{ &cli_fmt, cmd_fmt, "print FILEs in kfault's one layout (-w: rewrite them)" },
	{ &cli_serve, cmd_serve, "serve Chaos Mesh's bpfki protocol (gRPC): KernelChaos on kfault" },
	{ &cli_convert, cmd_convert, "print FILE (e.g. KernelChaos YAML) as a native .fault file" },
	{ &cli_inject, cmd_inject, "bcc inject.py's command line, run" },
	{ &cli_vm, cmd_vm, "build kfault's test kernel, which run --vm boots" },
	{ &cli_templates, cmd_templates, "write kfault.h and kfault.bpf.h, which generated C includes" },
	{ &cli_lsp, cmd_lsp, "serve the Language Server Protocol to an editor (stdin/stdout)" },
};

static void usage(FILE *out)
{
	fputs("Usage: kfault COMMAND [OPTIONS] FILE\n"
	      "\n"
	      "Kernel fault injection, written in the kfault language (.fault files).\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s  %s\n", commands[i].cmd->name, commands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  -h, --help     show this help; 'kfault COMMAND --help' shows a command's options\n"
	      "  -V, --version  show the version\n"
	      "\n"
	      "FILE may be - for standard input, and may be KernelChaos YAML (Chaos Mesh's\n"
	      "resource, .yaml or .yml; see docs/compat.md) wherever a .fault file goes.\n"
	      "\n"
	      "Examples:\n"
	      "  kfault check examples/mount.fault\n"
	      "  kfault gen examples/bananas.fault -o bananas.bpf.c\n"
	      "  kfault build examples/mount.fault -o mount.bpf.o\n"
	      "  kfault explain examples/bananas.fault\n"
	      "  kfault fmt -w examples/*.fault\n"
	      "  kfault list 'ext4_fill_*'\n"
	      "  sudo kfault run examples/mount.fault --comm mount-loop --duration 30s\n"
	      "  kfault convert examples/kernelchaos.yaml -o bananas.fault\n"
	      "  kfault sweep --vm examples/mount.fault -- examples/mount-loop 3\n"
	      "\n"
	      "Exit status: 0 success, 1 the file has errors, 2 bad usage, 3 other failure;\n"
	      "run also 4 (the kernel cannot do it) and 5 (the kernel refused to load it);\n"
	      "sweep 6 (some point crashed, hung or made the kernel complain).\n"
	      "See kfault(1) and kfault(5), and docs/tutorial.md to start.\n", out);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("kfault: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'kfault --help'.\n", stderr);
	return EXIT_USAGE;
}

/*
 * .bss in a huge page, see above. And 'build' compiles once, in this
 * process: grow the heap in one go for it, in huge pages
 * (kf_cc_reserve_heap()). Before main(), and before LLVM's static
 * constructors (those run at the default priority, after 101), so that
 * what they allocate, ~650 KiB that would take ~160 page faults, is in it
 * too. glibc calls constructors with main's arguments.
 */
/*
 * LLVM's static objects, ~480 KiB of .bss that its constructors write at
 * every start, ~105 page faults (docs/build.md, "Speed"): in one huge page
 * instead. kf_bss_huge is 2 MiB aligned, and what follows it in .bss (the
 * libraries are linked after main.c) is LLVM's; the anonymous mapping of
 * .bss is extended to the next 2 MiB boundary, unless the heap starts
 * there, and collapsed into a huge page (Linux 6.1; before it, or without
 * transparent huge pages, nothing changes). Before LLVM's constructors,
 * but after ld.so, which has written a page of it already.
 */
__attribute__((aligned(2 << 20))) char kf_bss_huge;
extern char _end[];

static void huge_bss(void)
{
	const uintptr_t huge = 2 << 20;
	uintptr_t start = (uintptr_t)&kf_bss_huge;
	uintptr_t end = ((uintptr_t)_end + 4095) & ~(uintptr_t)4095;
	uintptr_t top = (end + huge - 1) & ~(huge - 1);
	void *p;

	if (top > end) {
		if ((uintptr_t)sbrk(0) < top)
			return;
		p = mmap((void *)end, top - end, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			return;
		if (p != (void *)end) {	/* a kernel before MAP_FIXED_NOREPLACE */
			munmap(p, top - end);
			return;
		}
	}
	madvise((void *)start, top - start, MADV_HUGEPAGE);
	madvise((void *)start, top - start, MADV_COLLAPSE);
}

__attribute__((constructor(101))) static void reserve_heap(int argc, char **argv)
{
	huge_bss();
	if (argc >= 2 && argv && argv[1] && strcmp(argv[1], "build") == 0)
		kf_cc_reserve_heap(24 << 20);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return usage_error("%s", "no command given");
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("kfault %s\n", KFAULT_VERSION);
		return 0;
	}
	/* Each command parses its own options, from argv[1] on (getopt skips argv[0]). */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].cmd->name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
