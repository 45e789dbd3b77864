// SPDX-License-Identifier: MIT
/*
 * kfault fmt: .fault files in their canonical layout (compiler/format.h).
 * Prints the formatted text, or with -w rewrites the files that change,
 * or with --check only says which would (a unified diff, by diff(1)).
 * A file with errors is never rewritten: its diagnostics are printed.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "format.h"
#include "util.h"

extern char **environ;

enum { OPT_CHECK = 256, OPT_WRITE };

static const struct cli_option fmt_options[] = {
	{ "check", 0, OPT_CHECK, NULL,
	  "write nothing: print a unified diff for each FILE not\nformatted, and exit 1 if there is one" },
	{ "write", 'w', OPT_WRITE, NULL, "rewrite each FILE that is not formatted, in place" },
	CLI_OPT_HELP,
	{ NULL },
};

const struct cli_command cli_fmt = {
	"fmt", "fmt [--check | -w] FILE...",
	"Format .fault files in kfault's one layout: four spaces per level, a frame's\n"
	"'when' on the line below its 'call', one space around binary operators,\n"
	"comments kept. Formatting a formatted file changes nothing. Without --check\n"
	"or -w, print the formatted text on standard output. A file with errors is\n"
	"left as it is and its diagnostics printed.",
	fmt_options,
	"FILE may be - for standard input (not with -w).\n\n"
	"Examples:\n"
	"  kfault fmt -w examples/*.fault\n"
	"  kfault fmt --check examples/*.fault     # in CI\n\n"
	"Exit status: 0 formatted (or written), 1 a file has errors or (--check) is not\n"
	"formatted, 2 bad usage, 3 other failure.\n",
};

struct fmt_opts {
	bool check, write;
};

static int set_option(void *ctx, int key, const char *arg)
{
	struct fmt_opts *o = ctx;

	(void)arg;
	switch (key) {
	case OPT_CHECK: o->check = true; break;
	case OPT_WRITE: o->write = true; break;
	}
	return 0;
}

/*
 * The unified diff from the file's text to the formatted text, on standard
 * output, by diff(1) (diffutils, essential in Debian: a diff written here
 * would be a second, worse one). 0 or -errno.
 */
static int print_diff(const char *path, const struct kf_source *src, const char *text, size_t len)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *old = kf_strfmt("%s/kfault-fmt-XXXXXX", tmp), *new = kf_strfmt("%s", old);
	char *label_new = kf_strfmt("%s (formatted)", path), *argv[9];
	int err, status;
	pid_t pid;

	err = kf_write_temp(old, src->text, src->len);
	if (err)
		goto free_names;
	err = kf_write_temp(new, text, len);
	if (err)
		goto unlink_old;
	fflush(stdout);
	memcpy(argv, (char *[]){ "diff", "-u", "--label", (char *)path, "--label", label_new, old, new,
				 NULL }, sizeof(argv));
	err = -posix_spawnp(&pid, "diff", NULL, NULL, argv, environ);
	if (!err && waitpid(pid, &status, 0) < 0)
		err = -errno;
	/* diff exits 1 when the files differ, as they do here */
	if (!err && (!WIFEXITED(status) || WEXITSTATUS(status) > 1))
		err = -EIO;
	unlink(new);
unlink_old:
	unlink(old);
free_names:
	free(old);
	free(new);
	free(label_new);
	return err;
}

/* Replace path's contents with text, its mode kept. 0 or -errno. */
static int rewrite(const char *path, const char *text, size_t len)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	return kf_write_replace(path, text, len, st.st_mode & 07777);
}

/* One file: 0, EXIT_DIAG (errors, or --check and not formatted) or EXIT_FAIL. */
static int fmt_file(const struct fmt_opts *o, const char *path)
{
	struct kf_source *src = kf_source__read(path);
	struct kf_diags diags;
	char *text;
	size_t len;
	int err, status = 0;
	bool same;

	if (!src) {
		fprintf(stderr, "kfault: %s: %s\n", path, strerror(errno));
		return EXIT_FAIL;
	}
	kf_diags__init(&diags, src);
	err = kf_format(src, &diags, &text, &len);
	kf_diags__print(&diags, stderr);
	if (err == -EINVAL) {
		fprintf(stderr, "kfault: %s: not formatted: it has errors\n", src->path);
		status = EXIT_DIAG;
		goto free_src;
	}
	if (err) {
		if (!diags.errors)
			fprintf(stderr, "kfault: %s: %s\n", src->path, strerror(-err));
		status = EXIT_FAIL;
		goto free_src;
	}
	same = len == src->len && memcmp(text, src->text, len) == 0;
	if (o->check && !same) {
		err = print_diff(src->path, src, text, len);
		if (err)
			fprintf(stderr, "kfault: diff: %s\n", strerror(-err));
		status = err ? EXIT_FAIL : EXIT_DIAG;
	} else if (o->write && !same) {
		err = rewrite(path, text, len);
		if (err) {
			fprintf(stderr, "kfault: %s: %s\n", path, strerror(-err));
			status = EXIT_FAIL;
		}
	} else if (!o->check && !o->write) {
		err = cli_write_file("-", text, len);
		if (err) {
			fprintf(stderr, "kfault: <stdout>: %s\n", strerror(-err));
			status = EXIT_FAIL;
		}
	}
	free(text);
free_src:
	kf_diags__free(&diags);
	kf_source__free(src);
	return status;
}

int cmd_fmt(int argc, char **argv)
{
	struct fmt_opts o = {0};
	int first, status = cli_parse(&cli_fmt, argc, argv, set_option, &o, &first);

	if (status >= 0)
		return status;
	if (o.check && o.write)
		return cli_usage(&cli_fmt, "%s", "--check and -w exclude each other");
	if (first == argc)
		return cli_usage(&cli_fmt, "%s", "give at least one FILE");
	for (int i = first; i < argc; i++)
		if (o.write && strcmp(argv[i], "-") == 0)
			return cli_usage(&cli_fmt, "%s", "-w cannot rewrite standard input");
	status = 0;
	for (int i = first; i < argc; i++) {
		int s = fmt_file(&o, argv[i]);

		/* the worst: other failures over errors */
		if (s > status)
			status = s;
	}
	return status;
}
