// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel/inode.c: the per-file state shared by opens, i.e. the
 * delete disposition of MS-FSA 2.1.5.14.3 and "delete at the last close".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include "inode.h"

static void test_inode_shared_by_identity(void **state)
{
	struct ksmbd_inode *a, *b, *c;

	(void)state;
	a = ksmbd_inode_open(1, 100);
	b = ksmbd_inode_open(1, 100);
	c = ksmbd_inode_open(2, 100);		/* same inode number, other device */
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_int_equal(ksmbd_inode_open_count(1, 100), 2);
	assert_int_equal(ksmbd_inode_open_count(2, 100), 1);
	assert_int_equal(ksmbd_inode_open_count(1, 101), 0);
	assert_false(ksmbd_inode_close(&a, false));
	assert_null(a);
	assert_false(ksmbd_inode_close(&a, false));	/* already released: nothing */
	assert_int_equal(ksmbd_inode_open_count(1, 100), 1);
	assert_false(ksmbd_inode_close(&b, false));
	assert_false(ksmbd_inode_close(&c, false));
	assert_int_equal(ksmbd_inode_open_count(1, 100), 0);
	assert_int_equal(ksmbd_inode_open_count(2, 100), 0);
}

static void test_inode_delete_at_last_close(void **state)
{
	struct ksmbd_inode *a = ksmbd_inode_open(3, 7), *b = ksmbd_inode_open(3, 7);

	(void)state;
	assert_false(ksmbd_inode_delete_pending(&a));
	assert_false(ksmbd_inode_delete_pending_of(3, 7));
	assert_int_equal(ksmbd_inode_set_delete_pending(&a, true), 0);
	/* every open of the file sees it */
	assert_true(ksmbd_inode_delete_pending(&b));
	assert_true(ksmbd_inode_delete_pending_of(3, 7));
	/* not deleted while another open remains */
	assert_false(ksmbd_inode_close(&a, false));
	assert_false(ksmbd_inode_delete_pending(&a));	/* released: false */
	assert_int_equal(ksmbd_inode_set_delete_pending(&a, true), -ENOENT);
	assert_true(ksmbd_inode_close(&b, false));
	/* the file is gone: a new open starts clean */
	assert_false(ksmbd_inode_delete_pending_of(3, 7));
	a = ksmbd_inode_open(3, 7);
	assert_false(ksmbd_inode_delete_pending(&a));
	assert_false(ksmbd_inode_close(&a, false));
}

static void test_inode_disposition_cleared(void **state)
{
	struct ksmbd_inode *a = ksmbd_inode_open(4, 1);

	(void)state;
	assert_int_equal(ksmbd_inode_set_delete_pending(&a, true), 0);
	assert_int_equal(ksmbd_inode_set_delete_pending(&a, false), 0);
	assert_false(ksmbd_inode_close(&a, false));
}

static void test_inode_delete_on_close_open(void **state)
{
	struct ksmbd_inode *a = ksmbd_inode_open(5, 1), *b = ksmbd_inode_open(5, 1);

	(void)state;
	/* an open created with FILE_DELETE_ON_CLOSE sets the disposition when it closes */
	assert_false(ksmbd_inode_close(&a, true));
	assert_true(ksmbd_inode_delete_pending(&b));
	assert_true(ksmbd_inode_close(&b, false));
	/* and alone, it deletes at its own close */
	a = ksmbd_inode_open(5, 2);
	assert_true(ksmbd_inode_close(&a, true));
}

/* Many files, sharing hash buckets: each keeps its own state. */
static void test_inode_many(void **state)
{
	static struct ksmbd_inode *ni[2000];
	unsigned int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		ni[i] = ksmbd_inode_open(i % 2 ? 9 : 10, i * 256);	/* same bucket pairs */
		assert_non_null(ni[i]);
	}
	for (i = 0; i < 2000; i += 3)
		assert_int_equal(ksmbd_inode_set_delete_pending(&ni[i], true), 0);
	for (i = 0; i < 2000; i++) {
		assert_int_equal(ksmbd_inode_open_count(i % 2 ? 9 : 10, i * 256), 1);
		assert_int_equal(ksmbd_inode_delete_pending_of(i % 2 ? 9 : 10, i * 256), i % 3 == 0);
	}
	for (i = 0; i < 2000; i++)
		assert_int_equal(ksmbd_inode_close(&ni[i], false), i % 3 == 0);
	assert_int_equal(ksmbd_inode_open_count(10, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inode_shared_by_identity),
		cmocka_unit_test(test_inode_delete_at_last_close),
		cmocka_unit_test(test_inode_disposition_cleared),
		cmocka_unit_test(test_inode_delete_on_close_open),
		cmocka_unit_test(test_inode_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
