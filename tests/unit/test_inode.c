// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel/inode.c: the per-file state shared by opens, i.e. the
 * delete disposition of MS-FSA 2.1.5.14.3 and "delete at the last close";
 * and of kernel/share.c: the share-mode conflict matrix (MS-FSA 2.1.5.1.2)
 * and the access check of an open.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include "inode.h"
#include "share.h"

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

#define R	FILE_SHARE_READ
#define W	FILE_SHARE_WRITE
#define D	FILE_SHARE_DELETE

/*
 * The matrix smbtorture's smb2.sharemode checks against Windows: one open
 * with every file right sharing @share, another with @access sharing
 * everything, in both orders (the rows are the same either way).
 */
static const struct {
	u32 share, access;
	bool ok;
} share_matrix[] = {
	{ R, FILE_READ_DATA, true }, { R, FILE_WRITE_DATA, false },
	{ R, FILE_APPEND_DATA, false }, { R, FILE_READ_EA, true }, { R, FILE_WRITE_EA, true },
	{ R, FILE_EXECUTE, true }, { R, FILE_READ_ATTRIBUTES, true },
	{ R, FILE_WRITE_ATTRIBUTES, true }, { R, DELETE, false }, { R, READ_CONTROL, true },
	{ R, WRITE_DAC, true }, { R, WRITE_OWNER, true }, { R, SYNCHRONIZE, true },
	{ W, FILE_READ_DATA, false }, { W, FILE_WRITE_DATA, true }, { W, FILE_APPEND_DATA, true },
	{ W, FILE_EXECUTE, false }, { W, DELETE, false }, { W, FILE_WRITE_EA, true },
	{ D, FILE_READ_DATA, false }, { D, FILE_WRITE_DATA, false }, { D, FILE_APPEND_DATA, false },
	{ D, FILE_EXECUTE, false }, { D, DELETE, true }, { D, FILE_READ_ATTRIBUTES, true },
	{ R | W, FILE_READ_DATA | FILE_WRITE_DATA, true }, { R | W, DELETE, false },
	{ R | W, FILE_EXECUTE, true }, { R | D, FILE_READ_DATA | DELETE, true },
	{ R | D, FILE_READ_DATA | FILE_APPEND_DATA, false }, { W | D, FILE_WRITE_DATA | DELETE, true },
	{ W | D, FILE_WRITE_DATA | FILE_EXECUTE, false }, { R | W | D, FILE_ALL_ACCESS, true },
	{ 0, FILE_READ_ATTRIBUTES | SYNCHRONIZE, true }, { 0, FILE_READ_DATA, false },
};

static void test_share_matrix(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(share_matrix); i++) {
		struct ksmbd_share_modes m = {};
		bool ok = share_matrix[i].ok;

		/* the first open takes every right and shares @share */
		ksmbd_share_count(&m, FILE_ALL_ACCESS, share_matrix[i].share, true);
		assert_int_equal(!ksmbd_share_conflict(&m, share_matrix[i].access, R | W | D), ok);
		ksmbd_share_count(&m, FILE_ALL_ACCESS, share_matrix[i].share, false);
		assert_int_equal(m.opens, 0);
		/* the other way round: @access first, sharing everything */
		ksmbd_share_count(&m, share_matrix[i].access, R | W | D, true);
		assert_int_equal(!ksmbd_share_conflict(&m, FILE_ALL_ACCESS, share_matrix[i].share),
				 ok);
		ksmbd_share_count(&m, share_matrix[i].access, R | W | D, false);
		assert_memory_equal(&m, &(struct ksmbd_share_modes){}, sizeof(m));
	}
}

/* Attribute-only opens are not counted: their ShareAccess restricts nobody (bug 14375). */
static void test_share_stat_open(void **state)
{
	struct ksmbd_inode *a = ksmbd_inode_open(20, 1), *b = ksmbd_inode_open(20, 1);
	struct ksmbd_inode *c = ksmbd_inode_open(20, 1);
	bool ca = false, cb = false, cc = false;

	(void)state;
	assert_int_equal(ksmbd_inode_share_add(&a, &ca, FILE_READ_ATTRIBUTES, 0), 0);
	assert_false(ca);
	assert_int_equal(ksmbd_inode_share_add(&b, &cb, FILE_READ_DATA, R | W | D), 0);
	assert_true(cb);
	/* a reader that does not share reading conflicts with the counted reader b */
	assert_int_equal(ksmbd_inode_share_add(&c, &cc, FILE_READ_DATA, W), -EBUSY);
	assert_false(cc);
	assert_int_equal(ksmbd_inode_share_add(&c, &cc, FILE_READ_DATA, R), 0);
	/* counted once only */
	assert_int_equal(ksmbd_inode_share_add(&c, &cc, FILE_READ_DATA, R), 0);
	assert_true(cc);
	/* c does not share writing: no writer now; once c goes, one may come */
	assert_int_equal(ksmbd_inode_share_add(&a, &ca, FILE_WRITE_DATA, R | W | D), -EBUSY);
	ksmbd_inode_share_del(&c, &cc, FILE_READ_DATA, R);
	assert_false(cc);
	ksmbd_inode_share_del(&c, &cc, FILE_READ_DATA, R);	/* twice: nothing */
	assert_int_equal(ksmbd_inode_share_add(&a, &ca, FILE_WRITE_DATA, R | W | D), 0);
	ksmbd_inode_share_del(&a, &ca, FILE_WRITE_DATA, R | W | D);
	ksmbd_inode_share_del(&b, &cb, FILE_READ_DATA, R | W | D);
	assert_false(ksmbd_inode_close(&a, false));
	assert_false(ksmbd_inode_close(&b, false));
	/* released: nothing to count */
	assert_int_equal(ksmbd_inode_share_add(&b, &cb, FILE_READ_DATA, 0), -ENOENT);
	assert_false(ksmbd_inode_close(&c, false));
}

static __le32 check(u32 desired, u32 opts, u32 disp, u32 attrs, bool share_ro, bool exists,
		    bool file_ro, u32 *granted)
{
	struct ksmbd_open_req r = {
		.desired = desired, .options = opts, .disposition = disp, .attributes = attrs,
		.share_readonly = share_ro, .exists = exists, .file_readonly = file_ro,
	};

	return ksmbd_open_access_check(&r, granted);
}

static void test_open_access_check(void **state)
{
	u32 g;

	(void)state;
	/* generic rights mapped */
	assert_int_equal(check(GENERIC_READ, 0, FILE_OPEN, 0, false, true, false, &g),
			 STATUS_SUCCESS);
	assert_int_equal(g, FILE_GENERIC_READ);
	/* undefined bits; a SACL needs a privilege */
	assert_int_equal(check(0x00400000, 0, FILE_OPEN, 0, false, true, false, &g),
			 STATUS_ACCESS_DENIED);
	assert_int_equal(check(ACCESS_SYSTEM_SECURITY | FILE_READ_DATA, 0, FILE_OPEN, 0, false,
			       true, false, &g), STATUS_PRIVILEGE_NOT_HELD);
	/*
	 * SYNCHRONIZE alone is granted: smb2.sharemode (Windows Server 2012
	 * and later) opens with it; smb2.create.gentest's older Windows refused it.
	 */
	assert_int_equal(check(SYNCHRONIZE, 0, FILE_OPEN_IF, 0, false, true, false, &g),
			 STATUS_SUCCESS);
	assert_int_equal(g, SYNCHRONIZE);
	/* MAXIMUM_ALLOWED: the file's, the read-only file's, the read-only share's */
	assert_int_equal(check(MAXIMUM_ALLOWED, 0, FILE_OPEN, 0, false, true, false, &g),
			 STATUS_SUCCESS);
	assert_int_equal(g, FILE_ALL_ACCESS);
	assert_int_equal(check(MAXIMUM_ALLOWED, 0, FILE_OPEN, 0, false, true, true, &g),
			 STATUS_SUCCESS);
	assert_int_equal(g, FILE_ALL_ACCESS & ~(FILE_WRITE_DATA | FILE_APPEND_DATA |
						FILE_DELETE_CHILD));
	assert_int_equal(check(MAXIMUM_ALLOWED, 0, FILE_OPEN, 0, true, true, false, &g),
			 STATUS_SUCCESS);
	assert_int_equal(g, FILE_GENERIC_READ_EXECUTE);
	assert_int_equal(check(MAXIMUM_ALLOWED | FILE_WRITE_DATA, 0, FILE_OPEN, 0, false, true,
			       true, &g), STATUS_ACCESS_DENIED);
	/* a read-only file: no writing, no overwriting, no deleting */
	assert_int_equal(check(FILE_WRITE_DATA, 0, FILE_OPEN, 0, false, true, true, &g),
			 STATUS_ACCESS_DENIED);
	assert_int_equal(check(FILE_READ_DATA, 0, FILE_OVERWRITE_IF, 0, false, true, true, &g),
			 STATUS_ACCESS_DENIED);
	assert_int_equal(check(FILE_READ_DATA | DELETE, FILE_DELETE_ON_CLOSE, FILE_OPEN, 0, false,
			       true, true, &g), STATUS_CANNOT_DELETE);
	/* FILE_CREATE of an existing read-only name is left to fail as a collision */
	assert_int_equal(check(FILE_WRITE_DATA, 0, FILE_CREATE, 0, false, true, true, &g),
			 STATUS_SUCCESS);
	/* delete on close needs DELETE */
	assert_int_equal(check(FILE_READ_DATA, FILE_DELETE_ON_CLOSE, FILE_OPEN, 0, false, true,
			       false, &g), STATUS_ACCESS_DENIED);
	assert_int_equal(check(MAXIMUM_ALLOWED, FILE_DELETE_ON_CLOSE, FILE_OPEN, 0, false, true,
			       false, &g), STATUS_SUCCESS);
	/* a file created read-only cannot be deleted on close */
	assert_int_equal(check(DELETE, FILE_DELETE_ON_CLOSE, FILE_CREATE, FILE_ATTRIBUTE_READONLY,
			       false, false, false, &g), STATUS_CANNOT_DELETE);
	assert_int_equal(check(DELETE, FILE_DELETE_ON_CLOSE, FILE_OPEN_IF, 0, false, false, false,
			       &g), STATUS_SUCCESS);
	/* a read-only share: no creating, writing or deleting */
	assert_int_equal(check(FILE_READ_DATA, 0, FILE_CREATE, 0, true, false, false, &g),
			 STATUS_ACCESS_DENIED);
	assert_int_equal(check(FILE_WRITE_ATTRIBUTES, 0, FILE_OPEN, 0, true, true, false, &g),
			 STATUS_ACCESS_DENIED);
	assert_int_equal(check(MAXIMUM_ALLOWED, FILE_DELETE_ON_CLOSE, FILE_OPEN, 0, true, true,
			       false, &g), STATUS_ACCESS_DENIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inode_shared_by_identity),
		cmocka_unit_test(test_inode_delete_at_last_close),
		cmocka_unit_test(test_inode_disposition_cleared),
		cmocka_unit_test(test_inode_delete_on_close_open),
		cmocka_unit_test(test_inode_many),
		cmocka_unit_test(test_share_matrix),
		cmocka_unit_test(test_share_stat_open),
		cmocka_unit_test(test_open_access_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
