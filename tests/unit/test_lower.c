// SPDX-License-Identifier: MIT
/* Lowering: predicates to BPF C with explicit kernel reads. */
#include <stdlib.h>

#include "helpers.h"
#include "lower.h"

/* Lower the site predicate of "inject function f(PARAMS) returns 0 when PRED". */
static char *lower(const char *params, const char *pred)
{
	struct kf_unit u;
	char text[1024];
	char *c;

	snprintf(text, sizeof(text), "inject function f(%s) returns 0 when %s { target pid 1 }",
		 params, pred);
	unit_parse(&u, text, true);
	for (size_t i = 0; i < u.diags.n; i++)
		print_message("%s\n", u.diags.v[i].message);
	assert_int_equal(u.diags.errors, 0);
	c = kf_lower_pred(u.file->inj[0]->pred);
	kf_unit__fini(&u);
	return c;
}

#define assert_lowers(params, pred, want) do {	\
	char *got = lower(params, pred);	\
	assert_string_equal(got, want);		\
	free(got);				\
} while (0)

static void test_member_chains(void **state)
{
	(void)state;
	assert_lowers("const struct qstr *name", "name->len > 3",
		      "BPF_CORE_READ(name, len) > 3");
	assert_lowers("struct bio *bio", "bio->bi_bdev->bd_disk->major == 8",
		      "BPF_CORE_READ(bio, bi_bdev, bd_disk, major) == 8");
	assert_lowers("struct dentry *d", "d->d_name.len",
		      "BPF_CORE_READ(d, d_name.len)");
	assert_lowers("struct dentry *d", "(d->d_parent)->d_flags",
		      "BPF_CORE_READ(d, d_parent, d_flags)");
}

static void test_derefs_and_index(void **state)
{
	(void)state;
	assert_lowers("int *p", "*p == 1", "KF_DEREF(p) == 1");
	assert_lowers("int *p, int i", "p[i + 1]", "KF_DEREF(p + (i + 1))");
	assert_lowers("struct task_struct *t", "t->comm[0] == 'k'",
		      "KF_INDEX(t->comm, 0) == 'k'");
	assert_lowers("struct files_struct *f", "f->fd_array[0]->f_flags",
		      "({ __auto_type ___kf_b = KF_INDEX(f->fd_array, 0); BPF_CORE_READ(___kf_b, f_flags); })");
	assert_lowers("struct file *f", "&f->f_path != 0", "&(f->f_path) != 0");
}

/* A read inside a reading macro's argument is read into a local first. */
static void test_nested_reads(void **state)
{
	(void)state;
	assert_lowers("int **pp", "**pp == 1",
		      "({ __auto_type ___kf_p = KF_DEREF(pp); KF_DEREF(___kf_p); }) == 1");
	assert_lowers("struct dentry *d", "d->d_parent->d_shortname.string[1]",
		      "({ __auto_type ___kf_p = BPF_CORE_READ(d, d_parent); "
		      "KF_INDEX(___kf_p->d_shortname.string, 1); })");
	assert_lowers("struct task_struct *t, struct qstr *q", "t->comm[q->len]",
		      "({ __auto_type ___kf_i = BPF_CORE_READ(q, len); KF_INDEX(t->comm, ___kf_i); })");
	assert_lowers("int *p, struct qstr *q", "p[q->len]",
		      "({ __auto_type ___kf_p = p + BPF_CORE_READ(q, len); KF_DEREF(___kf_p); })");
	assert_lowers("struct dentry **pp", "(*pp)->d_flags",
		      "({ __auto_type ___kf_b = KF_DEREF(pp); BPF_CORE_READ(___kf_b, d_flags); })");
	assert_lowers("struct dentry *d", "*&d->d_parent->d_flags",
		      "({ __auto_type ___kf_p = ({ __auto_type ___kf_p = BPF_CORE_READ(d, d_parent); "
		      "&(___kf_p->d_flags); }); KF_DEREF(___kf_p); })");
	assert_lowers("struct dentry *d", "(d->d_parent)->d_flags + ((struct dentry *)d)->d_flags",
		      "BPF_CORE_READ(d, d_parent, d_flags) + BPF_CORE_READ(((struct dentry *)d), d_flags)");
}

/* Members of array elements: the element's address, then a chain from it. */
static void test_elements(void **state)
{
	(void)state;
	assert_lowers("struct bio *bio", "bio->bi_io_vec[0].bv_len",
		      "({ __auto_type ___kf_b = KF_ELEM(bio->bi_io_vec, 0); "
		      "BPF_CORE_READ(___kf_b, bv_len); })");
	assert_lowers("struct kmem_cache *s", "s->node[1]->nr_partial",
		      "({ __auto_type ___kf_b = KF_INDEX(s->node, 1); BPF_CORE_READ(___kf_b, nr_partial); })");
	assert_lowers("struct zone *z", "z->free_area[3].free_list[1].next",
		      "({ __auto_type ___kf_b = ({ __auto_type ___kf_p = KF_ELEM(z->free_area, 3); "
		      "KF_ELEM(___kf_p->free_list, 1); }); BPF_CORE_READ(___kf_b, next); })");
	assert_lowers("char **argv", "argv[1][2]",
		      "({ __auto_type ___kf_e = (argv + 1); KF_INDEX((*___kf_e), 2); })");
	assert_lowers("struct grid *g", "g->next->cell[1][2]",
		      "({ __auto_type ___kf_e = ({ __auto_type ___kf_p = BPF_CORE_READ(g, next); "
		      "KF_ELEM(___kf_p->cell, 1); }); KF_INDEX((*___kf_e), 2); })");
	assert_lowers("struct bio_vec *v", "(*v).bv_len + v[1].bv_len",
		      "BPF_CORE_READ(v, bv_len) + ({ __auto_type ___kf_b = (v + 1); "
		      "BPF_CORE_READ(___kf_b, bv_len); })");
}

static void test_strings(void **state)
{
	(void)state;
	assert_lowers("const struct qstr *name", "STRNCMP(name->name, \"bananas\", 8)",
		      "kf_streq_n(KF_STR(name->name), \"bananas\", 8)");
	assert_lowers("struct dentry *d", "STRCMP(d->d_parent->d_name.name, \"etc\")",
		      "kf_streq_n(({ __auto_type ___kf_p = BPF_CORE_READ(d, d_parent); "
		      "KF_STR(___kf_p->d_name.name); }), \"etc\", 4)");
	assert_lowers("const char *s", "STRCMP(s, \"a\\\"b\\\\c?\\n\")",
		      "kf_streq_n(s, \"a\\\"b\\\\c\\?\\012\", 8)");
}

static void test_operators(void **state)
{
	(void)state;
	assert_lowers("int a, int b", "!(a & 4) || - -b < (a << 2)",
		      "!(a & 4) || (-(-b) < (a << 2))");
	assert_lowers("unsigned long x", "(u32)x == 0x10 && true",
		      "(((u32)x) == 0x10) && 1");
	assert_lowers("char c", "c == '\\''", "c == 39");
	/* decimal literals past INT64_MAX are unsigned in C: said so, not warned about */
	assert_lowers("unsigned long x", "x == 18446744073709551615 || x == 9223372036854775807",
		      "(x == 18446744073709551615U) || (x == 9223372036854775807)");
	assert_lowers("unsigned long x", "x == 18446744073709551615u || x == 0xffffffffffffffff",
		      "(x == 18446744073709551615u) || (x == 0xffffffffffffffff)");
}

static void test_c_string(void **state)
{
	char *s = kf_c_string("a\0*/\"\\?\?=\x7f", 10);

	(void)state;
	assert_string_equal(s, "\"a\\000*/\\\"\\\\\\?\\?=\\177\"");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_chains),
		cmocka_unit_test(test_derefs_and_index),
		cmocka_unit_test(test_nested_reads),
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_c_string),
	};
	return cmocka_run_group_tests_name("lower", tests, NULL, NULL);
}
