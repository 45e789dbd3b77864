// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target over files without libFuzzer: the regression tests
 * (tests/fuzz/regressions/TARGET/) and the seed corpus, in every build, so a
 * crash once found stays fixed even where clang's libFuzzer is not used.
 *
 *   replay_TARGET FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	struct kf_buf b = {0};
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kf_buf_add(&b, chunk, n);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)(b.s ? b.s : ""), b.len);
	kf_buf_free(&b);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;
		DIR *d;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed += run_file(argv[i]) != 0;
			files++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			names = kf_realloc_array(names, n + 1, sizeof(*names));
			names[n++] = kf_strfmt("%s/%s", argv[i], e->d_name);
		}
		closedir(d);
		if (n)	/* qsort(NULL, 0) is undefined behaviour */
			qsort(names, n, sizeof(*names), cmp);	/* a stable order: reproducible runs */
		for (size_t k = 0; k < n; k++) {
			failed += run_file(names[k]) != 0;
			files++;
			free(names[k]);
		}
		free(names);
	}
	printf("%d inputs replayed, %d unreadable\n", files, failed);
	return failed ? 1 : 0;
}
