// SPDX-License-Identifier: MIT
/*
 * Unit tests of libkfault's compile API (include/kfault/libkfault.h),
 * linked against the shared library as a program outside kfault would be:
 * only the exported symbols are reachable. Kernel BTF from $KFAULT_BTF
 * (scripts/test.sh: the test kernel's vmlinux), else /sys/kernel/btf/vmlinux.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kfault/libkfault.h>

static const char *btf(void)
{
	const char *path = getenv("KFAULT_BTF");

	return path && *path ? path : NULL;
}

/* examples/mount.fault compiled: its object (size in *size; free *c after). */
static const void *mount_object(struct kf_compilation **c, size_t *size)
{
	KF_COMPILE_OPTS(opts, .btf_path = btf());
	const void *obj;

	assert_int_equal(kf_compile_file(KF_EXAMPLES_DIR "/mount.fault", &opts, c), 0);
	obj = kf_compilation__object(*c, size);
	assert_non_null(obj);
	return obj;
}

static const char good[] =
	"inject slab {\n"
	"    call __x64_sys_mount\n"
	"    target comm \"mount-loop\"\n"
	"}\n";

/* Two errors (lines 3 and 4) and a warning on line 1 (no target). */
static const char bad[] =
	"inject slab {\n"
	"    call __x64_sys_mount\n"
	"    probability 200%\n"
	"    times 0\n"
	"}\n";

static void test_generate_only(void **state)
{
	KF_COMPILE_OPTS(opts, .no_object = true);
	struct kf_compilation *c;
	const char *text;
	size_t len, size;

	(void)state;
	assert_int_equal(kf_compile_string("good.fault", good, strlen(good), &opts, &c), 0);
	assert_non_null(c);
	assert_int_equal(kf_compilation__error_cnt(c), 0);
	text = kf_compilation__c(c, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "__x64_sys_mount"));
	errno = 0;
	assert_null(kf_compilation__object(c, &size));
	assert_int_equal(errno, ENOENT);
	kf_compilation__free(c);
}

static void test_diagnostics(void **state)
{
	KF_COMPILE_OPTS(opts, .no_object = true);
	struct kf_compilation *c;
	const struct kf_diagnostic *d;
	char *printed = NULL;
	size_t n, printed_len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(kf_compile_string("bad.fault", bad, strlen(bad), &opts, &c), -EINVAL);
	assert_non_null(c);
	assert_null(kf_compilation__c(c, NULL));
	n = kf_compilation__diag_cnt(c);
	assert_int_equal(n, 3);
	assert_int_equal(kf_compilation__error_cnt(c), 2);
	assert_int_equal(kf_compilation__warning_cnt(c), 1);
	/* errors first, in source order; then the warning */
	d = kf_compilation__diag(c, 0);
	assert_int_equal(d->level, KF_DIAG_ERROR);
	assert_string_equal(d->file, "bad.fault");
	assert_int_equal(d->line, 3);
	assert_int_equal(d->column, 17);
	assert_int_equal(d->end_line, 3);
	assert_int_equal(d->end_column, 20);
	assert_string_equal(d->message, "probability 200% is outside 0..100%");
	assert_null(d->hint);
	assert_string_equal(kf_diag_level_str(d->level), "error");
	d = kf_compilation__diag(c, 1);
	assert_int_equal(d->level, KF_DIAG_ERROR);
	assert_int_equal(d->line, 4);
	assert_int_equal(d->column, 11);
	assert_non_null(d->hint);
	d = kf_compilation__diag(c, 2);
	assert_int_equal(d->level, KF_DIAG_WARNING);
	assert_int_equal(d->line, 1);
	assert_non_null(strstr(d->message, "no target"));
	errno = 0;
	assert_null(kf_compilation__diag(c, n));
	assert_int_equal(errno, EINVAL);

	/* printed as kfault prints them: location, severity, message, excerpt, caret */
	f = open_memstream(&printed, &printed_len);
	assert_non_null(f);
	kf_compilation__print_diags(c, f);
	fclose(f);
	assert_non_null(strstr(printed, "bad.fault:3:17: error: probability 200% is outside 0..100%\n"
					" 3 |     probability 200%\n"
					"   |                 ^~~~\n"));
	assert_non_null(strstr(printed, "   = hint: leave 'times' out"));
	assert_true(strstr(printed, "bad.fault:4:11: error") < strstr(printed, "bad.fault:1:1: warning"));
	free(printed);
	kf_compilation__free(c);
}

static void test_object(void **state)
{
	KF_COMPILE_OPTS(opts, .btf_path = btf());
	struct kf_compilation *c;
	const unsigned char *obj;
	size_t size = 0;

	(void)state;
	assert_int_equal(kf_compile_file(KF_EXAMPLES_DIR "/mount.fault", &opts, &c), 0);
	assert_int_equal(kf_compilation__error_cnt(c), 0);
	obj = kf_compilation__object(c, &size);
	assert_non_null(obj);
	assert_true(size > 64);
	assert_memory_equal(obj, "\177ELF", 4);
	assert_int_equal(obj[18] | obj[19] << 8, 247);	/* e_machine: EM_BPF */
	assert_non_null(kf_compilation__c(c, NULL));
	kf_compilation__free(c);

	/* a second compile in the same process (isolated: no CO-RE state left) */
	assert_int_equal(kf_compile_string("again.fault", good, strlen(good), &opts, &c), 0);
	assert_non_null(kf_compilation__object(c, NULL));
	kf_compilation__free(c);
}

/*
 * The runtime's options structs are checked libbpf's way (runtime/opts.h):
 * an older caller's smaller struct is taken, a newer one's unknown fields
 * must be zero, and a size that cannot even hold sz is refused.
 */
static void test_runtime_opts(void **state)
{
	struct kf_injector_opts big[2], small;
	struct kf_compilation *c;
	struct kf_injector *inj;
	const void *obj;
	size_t size;

	(void)state;
	obj = mount_object(&c, &size);

	memset(big, 0, sizeof(big));
	big[0].sz = sizeof(big);
	inj = kf_injector__open_mem(obj, size, "big", &big[0]);
	assert_non_null(inj);	/* unknown fields, all zero */
	kf_injector__destroy(inj);
	((char *)big)[sizeof(big) - 1] = 1;
	errno = 0;
	assert_null(kf_injector__open_mem(obj, size, "big", &big[0]));
	assert_int_equal(errno, EINVAL);

	memset(&small, 0, sizeof(small));
	small.sz = offsetof(struct kf_injector_opts, pid);	/* older: no target fields */
	inj = kf_injector__open_mem(obj, size, "small", &small);
	assert_non_null(inj);
	kf_injector__destroy(inj);
	small.sz = 4;	/* not even sz */
	errno = 0;
	assert_null(kf_injector__open_mem(obj, size, "tiny", &small));
	assert_int_equal(errno, EINVAL);
	kf_compilation__free(c);
}

/*
 * kfault sweep --sites errinj's switch: taken before load with an errno
 * (or 0: -ENOMEM), refused for a value that is not one, and refused with
 * a message for an object without the kf_errinj programs, which stands for
 * one built before them: a copy whose program names are changed in place.
 */
static void test_set_errinj(void **state)
{
	struct kf_compilation *c;
	struct kf_injector *inj;
	const void *obj;
	char *old;
	size_t size, renamed = 0;

	(void)state;
	obj = mount_object(&c, &size);

	inj = kf_injector__open_mem(obj, size, "mount", NULL);
	assert_non_null(inj);
	assert_int_equal(kf_injector__set_errinj(inj, 1), -ERANGE);
	assert_int_equal(kf_injector__set_errinj(inj, -4096), -ERANGE);
	assert_int_equal(kf_injector__set_errinj(inj, -5), 0);
	assert_int_equal(kf_injector__set_errinj(inj, 0), 0);
	assert_int_equal(kf_injector__errinj_cnt(inj), 0);	/* chosen at load */
	assert_null(kf_injector__errinj_func(inj, 0));
	kf_injector__destroy(inj);

	/* "kf_errinj_" in the symbol and BTF string tables, made "kf_errinX_" */
	old = malloc(size);
	assert_non_null(old);
	memcpy(old, obj, size);
	for (char *p = old; (p = memmem(p, size - (size_t)(p - old), "kf_errinj_", 10)); p += 10) {
		p[8] = 'X';
		renamed++;
	}
	assert_true(renamed >= 2);
	inj = kf_injector__open_mem(old, size, "old.bpf.o", NULL);
	assert_non_null(inj);	/* still a kfault object, for everything else */
	assert_int_equal(kf_injector__set_errinj(inj, 0), -EOPNOTSUPP);
	assert_non_null(strstr(kf_injector__errmsg(inj), "old.bpf.o was built before"));
	assert_non_null(strstr(kf_injector__errmsg(inj), "build it again"));
	kf_injector__destroy(inj);
	free(old);
	kf_compilation__free(c);
}

/*
 * A command under injection through the exported API. What loading does
 * depends on the host's kernel, so: a command that is not found is refused
 * with the injector's message and nothing loaded; and whether this kernel
 * can inject or not, the command runs only under the injection: a failure
 * to load means it never ran, success means it ran to its status.
 */
static void test_run_command(void **state)
{
	char marker[] = "/tmp/kf-test-api-run.XXXXXX";
	char script[128];
	char *missing[] = { "kfault-no-such-command", NULL };
	char *argv[] = { "sh", "-c", script, NULL };
	struct kf_compilation *c;
	struct kf_injector *inj;
	const void *obj;
	size_t size;
	int fd, status;

	(void)state;
	obj = mount_object(&c, &size);

	inj = kf_injector__open_mem(obj, size, "mount", NULL);
	assert_non_null(inj);
	assert_int_equal(kf_injector__run_command(inj, missing, NULL), -ENOENT);
	assert_string_equal(kf_injector__errmsg(inj), "kfault-no-such-command: command not found");
	kf_injector__destroy(inj);

	fd = mkstemp(marker);
	assert_true(fd >= 0);
	close(fd);
	unlink(marker);
	snprintf(script, sizeof(script), "touch %s; exit 9", marker);
	inj = kf_injector__open_mem(obj, size, "mount", NULL);
	assert_non_null(inj);
	status = kf_injector__run_command(inj, argv, NULL);
	if (status < 0) {
		print_message("this kernel cannot inject: %s\n", kf_injector__errmsg(inj));
		assert_true(kf_injector__errmsg(inj)[0] != '\0');
		assert_int_equal(access(marker, F_OK), -1);	/* never ran */
	} else {
		assert_int_equal(status, 9);
		assert_int_equal(access(marker, F_OK), 0);
		unlink(marker);
	}
	/* Once used (loaded or not), an injector is not run again. */
	if (status >= 0)
		assert_int_equal(kf_injector__run_command(inj, argv, NULL), -EBUSY);
	kf_injector__destroy(inj);
	kf_compilation__free(c);
}

/* The API takes what the front end takes: a KernelChaos YAML file too. */
static void test_kernelchaos(void **state)
{
	KF_COMPILE_OPTS(opts, .no_object = true);
	struct kf_compilation *c;

	(void)state;
	assert_int_equal(kf_compile_file(KF_EXAMPLES_DIR "/kernelchaos.yaml", &opts, &c), 0);
	assert_int_equal(kf_compilation__error_cnt(c), 0);
	assert_non_null(kf_compilation__c(c, NULL));
	kf_compilation__free(c);
}

static void test_bad_btf(void **state)
{
	KF_COMPILE_OPTS(opts, .btf_path = "/nonexistent/vmlinux");
	struct kf_compilation *c;

	(void)state;
	assert_int_equal(kf_compile_string("good.fault", good, strlen(good), &opts, &c), -EINVAL);
	assert_non_null(c);
	assert_int_equal(kf_compilation__error_cnt(c), 1);
	assert_non_null(strstr(kf_compilation__diag(c, 0)->message, "/nonexistent/vmlinux"));
	assert_non_null(kf_compilation__diag(c, 0)->hint);
	kf_compilation__free(c);
}

/* Headers mode is passed through: a tree that is none is reported as such. */
static void test_kernel_headers(void **state)
{
	KF_COMPILE_OPTS(opts, .btf_path = btf(), .kernel_headers = "/nonexistent/linux");
	struct kf_compilation *c;

	(void)state;
	assert_int_not_equal(kf_compile_string("good.fault", good, strlen(good), &opts, &c), 0);
	assert_non_null(c);
	assert_int_equal(kf_compilation__error_cnt(c), 1);
	assert_non_null(strstr(kf_compilation__diag(c, 0)->message,
			       "cannot use kernel headers from /nonexistent/linux"));
	assert_null(kf_compilation__object(c, NULL));
	kf_compilation__free(c);
}

static void test_bad_arguments(void **state)
{
	struct kf_compile_opts big[2];
	struct kf_compilation *c = (void *)1;

	(void)state;
	assert_int_equal(kf_compile_file("/nonexistent.fault", NULL, &c), -ENOENT);
	assert_null(c);
	assert_int_equal(kf_compile_string(NULL, good, 1, NULL, &c), -EINVAL);
	assert_int_equal(kf_compile_file("x", NULL, NULL), -EINVAL);
	/* a newer caller's opts: unknown fields must be zero */
	memset(big, 0, sizeof(big));
	big[0].sz = sizeof(big);
	big[0].no_object = true;
	assert_int_equal(kf_compile_string("g.fault", good, strlen(good), &big[0], &c), 0);
	kf_compilation__free(c);
	((char *)big)[sizeof(big) - 1] = 1;
	assert_int_equal(kf_compile_string("g.fault", good, strlen(good), &big[0], &c), -EINVAL);
	assert_null(c);
	/* NULL-safe accessors */
	assert_int_equal(kf_compilation__diag_cnt(NULL), 0);
	kf_compilation__free(NULL);
	assert_non_null(kf_version());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_only),
		cmocka_unit_test(test_diagnostics),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_run_command),
		cmocka_unit_test(test_kernelchaos),
		cmocka_unit_test(test_bad_btf),
		cmocka_unit_test(test_kernel_headers),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_runtime_opts),
		cmocka_unit_test(test_set_errinj),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
