// SPDX-License-Identifier: MIT
/*
 * KernelChaos YAML (compiler/compat/kernelchaos.c): which files are YAML, the
 * native text a resource becomes, and where its diagnostics point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kernelchaos.h"

static struct kf_source *src(const char *path, const char *text)
{
	struct kf_source *s = kf_source__from_string(path, text, strlen(text));

	assert_non_null(s);
	return s;
}

static bool detect(const char *path, const char *text)
{
	struct kf_source *s = src(path, text);
	bool yaml = kf_kernelchaos__detect(s);

	kf_source__free(s);
	return yaml;
}

static void test_detect(void **state)
{
	(void)state;
	assert_true(detect("chaos.yaml", "inject slab {}"));
	assert_true(detect("chaos.yml", ""));
	assert_false(detect("x.fault", "apiVersion: chaos-mesh.org/v1alpha1\n"));
	assert_true(detect("-", "# a comment\n\n  \napiVersion: chaos-mesh.org/v1alpha1\n"));
	assert_true(detect("-", "---\n"));
	assert_true(detect("chaos", "kind: KernelChaos\n"));
	assert_true(detect("-", "\xef\xbb\xbfkind: KernelChaos\n"));
	assert_false(detect("-", "# kind: KernelChaos\ninject slab {\n}\n"));
	assert_false(detect("-", ""));
}

/* Compile YAML text; returns kf_unit__compile's result. */
static int compile(struct kf_unit *u, const char *text)
{
	return kf_unit__compile(u, src("t.yaml", text));
}

static const struct kf_diag *first(const struct kf_unit *u, enum kf_severity sev)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (u->diags.v[i].severity == sev)
			return &u->diags.v[i];
	fail_msg("no diagnostic of severity %d", sev);
	return NULL;
}

static void test_docs_example(void **state)
{
	static const char yaml[] =
		"apiVersion: chaos-mesh.org/v1alpha1\n"
		"kind: KernelChaos\n"
		"metadata: {name: kernel-chaos-example, namespace: chaos-mesh}\n"
		"spec:\n"
		"  mode: one\n"
		"  selector: {namespaces: [chaos-mount]}\n"
		"  failKernRequest:\n"
		"    callchain: [{funcname: '__x64_sys_mount'}]\n"
		"    failtype: 0\n";
	struct kf_unit u;
	const struct kf_diag *note;

	(void)state;
	assert_int_equal(compile(&u, yaml), 0);
	assert_string_equal(u.native->text,
		"# KernelChaos kernel-chaos-example in namespace chaos-mesh, from t.yaml line 1\n"
		"# Kept for Kubernetes, as written (run locally, the target comes from --pid, "
		"--comm or --cgroup):\n"
		"#   metadata: {name: kernel-chaos-example, namespace: chaos-mesh}\n"
		"#   mode: one\n"
		"#   selector: {namespaces: [chaos-mount]}\n"
		"inject slab {\n"
		"    call __x64_sys_mount\n"
		"}\n");
	note = first(&u, KF_NOTE);
	assert_int_equal(note->loc.first_line, 5);
	assert_int_equal(note->loc.first_column, 3);
	assert_non_null(strstr(note->message, "kept for Kubernetes: mode, selector"));
	/* the untargeted warning points at failKernRequest */
	assert_int_equal(first(&u, KF_WARNING)->loc.first_line, 7);
	assert_int_equal(u.file->ninj, 1);
	assert_string_equal(u.file->inj[0]->frames[0]->func, "__x64_sys_mount");
	kf_unit__fini(&u);
}

/* The site predicate, times 0, probability; a statement word gets parentheses. */
static void test_native_forms(void **state)
{
	static const char yaml[] =
		"kind: KernelChaos\n"
		"apiVersion: chaos-mesh.org/v1alpha1\n"
		"spec:\n"
		"  duration: 1h30m\n"
		"  failKernRequest:\n"
		"    failtype: 1\n"
		"    probability: 5\n"
		"    times: 0\n"
		"    callchain:\n"
		"      - {funcname: f, parameters: int target, predicate: target > 1}\n"
		"      - {funcname: g, parameters: int times, predicate: (times > 1)}\n"
		"      - {predicate: order >= 2}\n";
	struct kf_unit u;

	(void)state;
	assert_int_equal(compile(&u, yaml), 0);
	assert_non_null(strstr(u.native->text,
		"inject page when order >= 2 {\n"
		"    call f(int target)\n"
		"        when (target > 1)\n"
		"    call g(int times)\n"
		"        when (times > 1)\n"
		"    probability 5% per call\n"
		"    times unlimited\n"
		"    duration 1h30m\n"
		"}\n"));
	kf_unit__fini(&u);
}

/* An error in a plain predicate: its exact bytes, after non-ASCII text. */
static void test_columns(void **state)
{
	static const char yaml[] =
		"kind: KernelChaos\n"
		"apiVersion: chaos-mesh.org/v1alpha1\n"
		"metadata: {name: \"\xc3\xa9t\xc3\xa9\"}\n"
		"spec: {failKernRequest: {failtype: 0, callchain: [{funcname: \xc3\xa9, predicate: x}]}}\n";
	static const char yaml2[] =
		"kind: KernelChaos\n"
		"apiVersion: chaos-mesh.org/v1alpha1\n"
		"spec: {mode: \xc3\xa9t\xc3\xa9, failKernRequest: {failtype: 0, callchain: [{funcname: f, predicate: 'a + bb'}]}}\n";
	const struct kf_diag *e;
	struct kf_unit u;

	(void)state;
	assert_int_equal(compile(&u, yaml), -EINVAL);
	e = first(&u, KF_ERROR);
	assert_string_equal(e->message, "funcname '\xc3\xa9' is not a function name");
	assert_int_equal(e->loc.first_line, 4);
	assert_int_equal(e->loc.first_column, 62);
	assert_int_equal(e->loc.last_column, 63);
	kf_unit__fini(&u);

	assert_int_equal(compile(&u, yaml2), -EINVAL);
	e = first(&u, KF_ERROR);
	assert_string_equal(e->message, "undeclared identifier 'a'");
	assert_int_equal(e->loc.first_line, 3);
	assert_int_equal(e->loc.first_column, 90);
	kf_unit__fini(&u);
}

/* Resources past the limit: one error, at the first one too many. */
static void test_too_many(void **state)
{
	struct kf_buf b = {0};
	struct kf_unit u;

	(void)state;
	for (int i = 0; i < 20; i++)
		kf_buf_printf(&b, "---\nkind: KernelChaos\napiVersion: chaos-mesh.org/v1alpha1\n"
			      "spec: {failKernRequest: {failtype: 0}}\n");
	assert_int_equal(compile(&u, b.s), -EINVAL);
	assert_int_equal(u.diags.errors, 1);
	assert_int_equal(first(&u, KF_ERROR)->loc.first_line, 17 * 4 - 2);
	kf_unit__fini(&u);
	kf_buf_free(&b);
}

/*
 * Nesting deeper than 64 levels is one error at the level past the limit,
 * before libyaml, whose time grows with the square of the depth: 1 MiB of
 * nested flow sequences, flow mappings, or block sequences (the ctest
 * timeout is the bound; 200 KB of '[' took libyaml a minute).
 */
static void test_deep_nesting(void **state)
{
	static const char *const opens[] = { "[", "{a: ", "- " };
	size_t size = KF_MAX_SOURCE;
	char *text = malloc(size + 1);

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < sizeof(opens) / sizeof(*opens); i++) {
		size_t n = strlen(opens[i]), len = size / n * n;
		const struct kf_diag *e;
		struct kf_unit u;

		for (size_t k = 0; k < len; k += n)
			memcpy(text + k, opens[i], n);
		text[len] = '\0';
		assert_int_equal(compile(&u, text), -EINVAL);
		assert_int_equal(u.diags.errors, 1);
		e = first(&u, KF_ERROR);
		assert_string_equal(e->message, "YAML nested deeper than 64 levels");
		assert_int_equal(e->loc.first_line, 1);
		assert_int_equal(e->loc.first_column, (int)(64 * n + 1));
		kf_unit__fini(&u);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_docs_example),
		cmocka_unit_test(test_native_forms),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
