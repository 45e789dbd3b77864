// SPDX-License-Identifier: MIT
/* Option tables: parsing and --help from the same table (cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"

const char *cli_prog(const struct cli_command *cmd, char *buf, size_t size)
{
	if (strncmp(cmd->name, "kfault", 6) == 0)
		snprintf(buf, size, "%s", cmd->name);
	else
		snprintf(buf, size, "kfault %s", cmd->name);
	return buf;
}

int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
{
	char prog[64];
	va_list ap;

	cli_prog(cmd, prog, sizeof(prog));
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

static size_t count_options(const struct cli_option *o)
{
	size_t n = 0;

	while (o[n].name)
		n++;
	return n;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, cli_set_fn set, void *ctx,
	      int *first)
{
	size_t n = count_options(cmd->options);
	struct option *longopts = calloc(n + 1, sizeof(*longopts));
	char *shortopts = calloc(3 * n + 3, 1), *s;
	int c, idx, status = -1;

	if (!longopts || !shortopts) {
		free(longopts);
		free(shortopts);
		fprintf(stderr, "kfault: %s\n", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	s = shortopts;
	*s++ = ':';	/* a missing argument is ':', not '?' */
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->options[i];

		/* the value getopt returns for a long option: its index, past any letter */
		longopts[i] = (struct option){ o->name, !o->arg ? no_argument :
							o->arg[0] == '[' ? optional_argument :
							required_argument, NULL, 256 + (int)i };
		if (o->letter) {
			*s++ = o->letter;
			if (o->arg)
				*s++ = ':';
			if (o->arg && o->arg[0] == '[')
				*s++ = ':';
		}
	}
	optind = 0;
	opterr = 0;
	while (status < 0 && (c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct cli_option *o = NULL;

		if (c >= 256) {
			o = &cmd->options[c - 256];
		} else if (c != '?' && c != ':') {
			for (size_t i = 0; i < n && !o; i++)
				if (cmd->options[i].letter == c)
					o = &cmd->options[i];
		}
		if (c == ':' && optopt >= 256) {	/* a long option: optopt is its value */
			status = cli_usage(cmd, "option '--%s' needs an argument", cmd->options[optopt - 256].name);
		} else if (c == ':') {
			status = optopt ? cli_usage(cmd, "option '-%c' needs an argument", optopt) :
					  cli_usage(cmd, "option '%s' needs an argument", argv[optind - 1]);
		} else if (!o) {
			status = optopt ? cli_usage(cmd, "unknown option '-%c'", optopt) :
					  cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
		} else if (o->key == CLI_HELP) {
			cli_help(cmd, stdout);
			status = 0;
		} else {
			int r = set(ctx, o->key, optarg);

			if (r)
				status = r;
		}
	}
	free(longopts);
	free(shortopts);
	*first = optind;
	return status;
}

void cli_help(const struct cli_command *cmd, FILE *out)
{
	fprintf(out, "Usage: %s%s\n\n%s\n", strncmp(cmd->name, "kfault", 6) ? "kfault " : "",
		cmd->usage, cmd->about);
	fputs("\nOptions:\n", out);
	for (const struct cli_option *o = cmd->options; o->name; o++) {
		char head[64];
		const char *h = o->help;
		int len;

		len = snprintf(head, sizeof(head), "  %c%c%s--%s%s%s", o->letter ? '-' : ' ',
			       o->letter ? o->letter : ' ', o->letter ? ", " : "  ", o->name,
			       o->arg && o->arg[0] != '[' ? " " : "", o->arg ? o->arg : "");
		fputs(head, out);
		/* the help in a column, each further line of it too */
		if (len >= 24)
			fputc('\n', out);	/* too long for the column: the help below */
		for (int first = len < 24; *h; first = 0) {
			size_t line = strcspn(h, "\n");

			fprintf(out, "%*s%.*s\n", first ? 25 - len : 25, "", (int)line, h);
			h += line;
			if (*h)
				h++;
		}
	}
	if (cmd->footer)
		fprintf(out, "\n%s", cmd->footer);
}

int cli_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
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

bool cli_is_elf(const char *path)
{
	unsigned char magic[4];
	bool elf;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return false;
	f = fopen(path, "rb");
	if (!f)
		return true;
	elf = fread(magic, 1, 4, f) == 4 && memcmp(magic, "\177ELF", 4) == 0;
	fclose(f);
	return elf;
}

/* The program's choice, made here; the runtime library never touches it. */
static char libbpf_kept[16 * 1024];
static size_t libbpf_kept_len;

static int keep_libbpf_msg(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t room = sizeof(libbpf_kept) - libbpf_kept_len;
	int n;

	if (level == LIBBPF_DEBUG || room <= 1)
		return 0;
	n = vsnprintf(libbpf_kept + libbpf_kept_len, room, fmt, ap);
	if (n > 0)
		libbpf_kept_len += (size_t)n < room ? (size_t)n : room - 1;
	return 0;
}

void cli_libbpf_keep(void)
{
	libbpf_kept_len = 0;
	libbpf_set_print(keep_libbpf_msg);
}

void cli_libbpf_print_kept(void)
{
	if (libbpf_kept_len)
		fwrite(libbpf_kept, 1, libbpf_kept_len, stderr);
}
