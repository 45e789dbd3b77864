/* SPDX-License-Identifier: MIT */
/*
 * The command-line layer: each subcommand has a file here (compile.c for
 * check, gen and build; explain.c; run.c; inject.c; convert.c; templates.c;
 * list.c; fmt.c; lsp.c), with one
 * table of its options that both parses them (once, into a struct of that
 * command) and prints its --help, and calls the libraries: the front end
 * and the build (compiler/), the runtime (runtime/). Nothing below this
 * layer sees argv, prints usage or exits.
 */
#ifndef KFAULT_CLI_H
#define KFAULT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit status of every command (kfault(1), EXIT STATUS). */
#define EXIT_DIAG	1	/* the file has errors */
#define EXIT_USAGE	2
#define EXIT_FAIL	3
#define EXIT_PREFLIGHT	4	/* run: the kernel cannot do it */
#define EXIT_LOAD	5	/* run: the kernel refused to load or attach it */

/* One option of a command: what parses it and what --help says of it. */
struct cli_option {
	const char *name;	/* long name, without "--" */
	char letter;		/* short name, or 0 */
	int key;		/* what the command's set function gets: unique in its table */
	const char *arg;	/* the argument's name in --help; NULL: takes none;
				 * "[=NAME]": an optional one, --name=VALUE */
	const char *help;	/* --help's text; lines after the first start with '\n' */
};

/* --help and -h: every table has it; its key. */
#define CLI_HELP	1
#define CLI_OPT_HELP	{ "help", 'h', CLI_HELP, NULL, "show this help" }

struct cli_command {
	const char *name;	/* "check"; "kfault-run" for that program's own */
	const char *usage;	/* "check [OPTIONS] FILE": after "Usage: kfault " */
	const char *about;	/* what the command does, a paragraph */
	const struct cli_option *options;	/* ends with { NULL } */
	const char *footer;	/* examples, exit status; or NULL */
};

/*
 * Called for each option given, in order: 0 to go on, or the exit status
 * to stop with (having said why, with cli_usage()).
 */
typedef int (*cli_set_fn)(void *ctx, int key, const char *arg);

/*
 * Parse argv (argv[0] is the command's name) against cmd's table. Returns
 * -1 and the index of the first operand in *first, or an exit status to
 * end with: 0 after --help, EXIT_USAGE after an unknown option or a
 * missing argument (said the way cli_usage() says it), or what set returned.
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, cli_set_fn set, void *ctx,
	      int *first);
void cli_help(const struct cli_command *cmd, FILE *out);
/* "kfault CMD: message" and "Try 'kfault CMD --help'." on stderr; EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int cli_usage(const struct cli_command *cmd, const char *fmt, ...);
/* The program's name for messages: "kfault CMD" or "kfault-run". */
const char *cli_prog(const struct cli_command *cmd, char *buf, size_t size);

/* Write len bytes to path ("-": standard output): 0 or a negative errno. */
int cli_write_file(const char *path, const void *data, size_t len);
/*
 * Whether path starts like an ELF file, a BPF object, which run and
 * explain take as one ("-" is a source); true when it cannot be read, so
 * that the object loader says why.
 */
bool cli_is_elf(const char *path);

/*
 * libbpf's own messages (warnings and up) kept from now on, instead of
 * printed, and shown by cli_libbpf_print_kept() only if loading or
 * attaching fails: they say why when the verifier is not the one refusing
 * (a CO-RE relocation, a map), and are noise when kfault recovers (a
 * kprobe.multi link refused, tried again without a function).
 */
void cli_libbpf_keep(void);
void cli_libbpf_print_kept(void);

/* The commands (one file each). */
extern const struct cli_command cli_check, cli_gen, cli_build, cli_explain, cli_run,
	cli_convert, cli_inject, cli_templates, cli_vm, cli_sweep, cli_list, cli_fmt, cli_lsp,
	cli_serve;
int cmd_check(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_inject(int argc, char **argv);
int cmd_templates(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
