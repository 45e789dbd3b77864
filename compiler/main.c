// SPDX-License-Identifier: MIT
/*
 * kfault: the command line.
 *
 *   kfault check FILE             diagnostics only
 *   kfault gen FILE [-o OUT]      print the generated BPF C
 *   kfault templates DIR          write kfault.h and kfault.bpf.h into DIR
 *
 * Exit status: 0 ok, 1 the file has errors, 2 usage, 3 other failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"

#define EXIT_DIAG	1
#define EXIT_USAGE	2
#define EXIT_FAIL	3

static const char usage_text[] =
	"Usage: kfault COMMAND [OPTIONS] FILE\n"
	"\n"
	"Compile kernel fault injections written in the kfault language (.fault files).\n"
	"\n"
	"Commands:\n"
	"  check FILE          check FILE and print its diagnostics\n"
	"  gen FILE            print the BPF C generated for FILE\n"
	"  templates DIR       write kfault.h and kfault.bpf.h, which generated C includes, to DIR\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   gen: write to FILE instead of standard output\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"\n"
	"FILE may be - for standard input.\n"
	"\n"
	"Examples:\n"
	"  kfault check examples/mount.fault\n"
	"  kfault gen examples/bananas.fault -o bananas.bpf.c\n"
	"\n"
	"Exit status: 0 success, 1 the file has errors, 2 bad usage, 3 other failure.\n"
	"See docs/language.md for the language.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("kfault: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'kfault --help'.\n", stderr);
	return EXIT_USAGE;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (f != stdout && fclose(f) && !err)
		err = -errno;
	else if (f == stdout && fflush(f) && !err)
		err = -errno;
	return err;
}

static int cmd_compile(const char *cmd, const char *path, const char *output)
{
	struct kf_source *src;
	struct kf_unit u;
	int err, status = 0;

	src = kf_source__read(path);
	if (!src) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(errno));
		return EXIT_FAIL;
	}
	err = kf_unit__compile(&u, src);
	kf_diags__print(&u.diags, stderr);
	if (err == -EINVAL) {
		status = EXIT_DIAG;
	} else if (err) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
		status = EXIT_FAIL;
	} else if (strcmp(cmd, "gen") == 0) {
		err = write_file(output ? output : "-", u.prog.text, u.prog.len);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", output ? output : "<stdout>", strerror(-err));
			status = EXIT_FAIL;
		}
	}
	kf_unit__fini(&u);
	return status;
}

static int cmd_templates(const char *dir)
{
	static const char *const names[] = { "kfault.h", "kfault.bpf.h" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct kf_embedded *t = kf_template(names[i]);
		char path[4096];
		int err;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		err = write_file(path, t->data, t->size);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
			return EXIT_FAIL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+o:hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("kfault %s\n", KFAULT_VERSION);
			return 0;
		default:
			return usage_error("%s", "unknown option");
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[optind];
	/* Options may also follow the command: parse again from it (optind 0 resets getopt). */
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:hV", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("kfault %s\n", KFAULT_VERSION);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (strcmp(cmd, "check") && strcmp(cmd, "gen") && strcmp(cmd, "templates"))
		return usage_error("unknown command '%s'", cmd);
	if (optind != argc - 1)
		return usage_error("'%s' takes exactly one FILE", cmd);
	if (output && strcmp(cmd, "gen"))
		return usage_error("-o goes with 'gen', not '%s'", cmd);
	if (strcmp(cmd, "templates") == 0)
		return cmd_templates(argv[optind]);
	return cmd_compile(cmd, argv[optind], output);
}
