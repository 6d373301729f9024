// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the byte-range lock rules (kernel/lock.h): ranges and their
 * limits, overlap with zero-length ranges, lock conflicts and stacking,
 * READ/WRITE conflicts, which lock an unlock removes, the element flags and
 * lock sequence replay detection. The cases follow MS-FSA 2.1.5.7-2.1.5.9
 * and what smbtorture's smb2.lock expects of Windows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include "lock.h"
#include "smb_wire.h"

#define A ((const void *)0x1000)	/* two opens */
#define B ((const void *)0x2000)

static struct ksmbd_brl locks_buf[8];
static int nlocks;

static void add(struct list_head *locks, const void *owner, u64 off, u64 len, bool excl)
{
	struct ksmbd_brl *l = &locks_buf[nlocks++];

	l->owner = owner;
	l->off = off;
	l->len = len;
	l->excl = excl;
	list_add_tail(&l->node, locks);
}

static int setup(void **state)
{
	(void)state;
	nlocks = 0;
	return 0;
}

static void test_range_ok(void **state)
{
	(void)state;
	assert_true(ksmbd_brl_range_ok(0, 0));
	assert_true(ksmbd_brl_range_ok(U64_MAX, 0));	/* max/0 */
	assert_true(ksmbd_brl_range_ok(U64_MAX, 1));	/* max/1: the last byte */
	assert_false(ksmbd_brl_range_ok(U64_MAX, 2));	/* max/2 */
	assert_false(ksmbd_brl_range_ok(U64_MAX, U64_MAX));
	assert_true(ksmbd_brl_range_ok(0, U64_MAX));
	assert_true(ksmbd_brl_range_ok(1, U64_MAX));	/* ends exactly at 2^64 */
	assert_false(ksmbd_brl_range_ok(2, U64_MAX));
	assert_true(ksmbd_brl_range_ok(1ULL << 63, 1ULL << 63));
	assert_true(ksmbd_brl_range_ok(U32_MAX, U32_MAX));
}

static void test_overlap(void **state)
{
	(void)state;
	/* non-empty ranges: a shared byte */
	assert_true(ksmbd_brl_overlap(0, 4, 2, 4));
	assert_false(ksmbd_brl_overlap(0, 4, 4, 4));
	assert_false(ksmbd_brl_overlap(4, 4, 0, 4));
	assert_true(ksmbd_brl_overlap(0, U64_MAX, U64_MAX - 1, 1));
	/* the last byte, 2^64 - 1, with no wrap-around */
	assert_true(ksmbd_brl_overlap(U64_MAX, 1, 1, U64_MAX));
	assert_false(ksmbd_brl_overlap(U64_MAX, 1, 0, U64_MAX));
	assert_true(ksmbd_brl_overlap(U64_MAX, 1, U64_MAX, 1));
	/* zero-length: only strictly inside (smb2.lock.zerobytelength) */
	assert_false(ksmbd_brl_overlap(10, 0, 10, 0));
	assert_false(ksmbd_brl_overlap(10, 0, 9, 1));
	assert_false(ksmbd_brl_overlap(10, 0, 10, 1));
	assert_false(ksmbd_brl_overlap(10, 0, 11, 1));
	assert_true(ksmbd_brl_overlap(10, 0, 9, 2));
	assert_false(ksmbd_brl_overlap(10, 0, 10, 2));
	assert_true(ksmbd_brl_overlap(10, 0, 9, 3));
	assert_true(ksmbd_brl_overlap(9, 2, 10, 0));
	assert_false(ksmbd_brl_overlap(10, 2, 10, 0));
	assert_false(ksmbd_brl_overlap(0, 0, 0, 0));
	assert_true(ksmbd_brl_overlap(102, 0, 100, 10));	/* smb2.lock.errorcode */
	assert_false(ksmbd_brl_overlap(110, 0, 100, 10));
	assert_false(ksmbd_brl_overlap(U64_MAX, 0, U64_MAX, 0));	/* max/0 on two handles */
}

/* Exclusive and shared locks, one open and two (smb2.lock.stacking, contend, overlap). */
static void test_lock_conflicts(void **state)
{
	LIST_HEAD(locks);

	(void)state;
	assert_false(ksmbd_brl_lock_conflicts(&locks, A, 0, 10, true));
	add(&locks, A, 0, 10, true);
	/* two exclusive locks do not stack, on one open or two */
	assert_true(ksmbd_brl_lock_conflicts(&locks, A, 0, 10, true));
	assert_true(ksmbd_brl_lock_conflicts(&locks, B, 5, 10, true));
	/* a shared lock goes over the open's own exclusive lock, not another's */
	assert_false(ksmbd_brl_lock_conflicts(&locks, A, 0, 10, false));
	assert_true(ksmbd_brl_lock_conflicts(&locks, B, 0, 10, false));
	/* outside the range: nothing */
	assert_false(ksmbd_brl_lock_conflicts(&locks, B, 10, 10, true));
	/* a zero-length lock inside it conflicts */
	assert_true(ksmbd_brl_lock_conflicts(&locks, B, 5, 0, false));
	assert_false(ksmbd_brl_lock_conflicts(&locks, B, 0, 0, true));

	INIT_LIST_HEAD(&locks);
	add(&locks, A, 10, 4, false);
	/* shared locks stack, on one open or two; an exclusive one does not go over them */
	assert_false(ksmbd_brl_lock_conflicts(&locks, A, 12, 4, false));
	assert_false(ksmbd_brl_lock_conflicts(&locks, B, 12, 4, false));
	assert_true(ksmbd_brl_lock_conflicts(&locks, A, 12, 4, true));
	assert_true(ksmbd_brl_lock_conflicts(&locks, B, 12, 4, true));
}

/* READ and WRITE against locks (smb2.lock.rw-shared, rw-exclusive, zerobyteread). */
static void test_io_conflicts(void **state)
{
	LIST_HEAD(shared);
	LIST_HEAD(excl);

	(void)state;
	add(&shared, A, 0, 100, false);
	assert_false(ksmbd_brl_io_conflicts(&shared, A, 50, 100, false));
	assert_false(ksmbd_brl_io_conflicts(&shared, B, 50, 100, false));
	assert_true(ksmbd_brl_io_conflicts(&shared, A, 50, 100, true));	/* own shared lock too */
	assert_true(ksmbd_brl_io_conflicts(&shared, B, 99, 1, true));
	assert_false(ksmbd_brl_io_conflicts(&shared, B, 100, 100, true));

	add(&excl, A, 0, 10, true);
	assert_false(ksmbd_brl_io_conflicts(&excl, A, 0, 10, false));
	assert_false(ksmbd_brl_io_conflicts(&excl, A, 0, 10, true));
	assert_true(ksmbd_brl_io_conflicts(&excl, B, 5, 1, false));
	assert_true(ksmbd_brl_io_conflicts(&excl, B, 5, 1, true));
	/* zero-length I/O never conflicts */
	assert_false(ksmbd_brl_io_conflicts(&excl, B, 5, 0, false));
	assert_false(ksmbd_brl_io_conflicts(&excl, B, 5, 0, true));
	/* a zero-length lock counts when strictly inside the I/O range (MS-FSA 2.1.4.10) */
	INIT_LIST_HEAD(&excl);
	add(&excl, A, 5, 0, true);
	assert_true(ksmbd_brl_io_conflicts(&excl, B, 0, 10, false));
	assert_true(ksmbd_brl_io_conflicts(&excl, B, 0, 10, true));
	assert_false(ksmbd_brl_io_conflicts(&excl, B, 5, 10, false));
	assert_false(ksmbd_brl_io_conflicts(&excl, B, 0, 5, false));
}

/* Unlock: exact range, same open, exclusive first (smb2.lock.unlock). */
static void test_find(void **state)
{
	LIST_HEAD(locks);

	(void)state;
	add(&locks, A, 10, 10, false);
	add(&locks, A, 10, 10, true);
	add(&locks, B, 0, 5, true);
	assert_ptr_equal(ksmbd_brl_find(&locks, A, 10, 10), &locks_buf[1]);
	list_del(&locks_buf[1].node);
	assert_ptr_equal(ksmbd_brl_find(&locks, A, 10, 10), &locks_buf[0]);
	assert_null(ksmbd_brl_find(&locks, A, 10, 9));
	assert_null(ksmbd_brl_find(&locks, A, 11, 9));
	assert_null(ksmbd_brl_find(&locks, A, 0, 5));	/* another open's */
	assert_ptr_equal(ksmbd_brl_find(&locks, B, 0, 5), &locks_buf[2]);
}

static void test_flags(void **state)
{
	bool excl = false, now = false;

	(void)state;
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_SHARED_LOCK, &excl, &now), 0);
	assert_false(excl);
	assert_false(now);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_EXCLUSIVE_LOCK |
					 SMB2_LOCKFLAG_FAIL_IMMEDIATELY, &excl, &now), 0);
	assert_true(excl);
	assert_true(now);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_UNLOCK, &excl, &now), 1);
	/* anything else (smb2.lock.valid-request) */
	assert_int_equal(ksmbd_brl_flags(0, &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_FAIL_IMMEDIATELY, &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_SHARED_LOCK |
					 SMB2_LOCKFLAG_EXCLUSIVE_LOCK, &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_UNLOCK | SMB2_LOCKFLAG_SHARED_LOCK,
					 &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_UNLOCK | SMB2_LOCKFLAG_EXCLUSIVE_LOCK,
					 &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(SMB2_LOCKFLAG_UNLOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY,
					 &excl, &now), -EINVAL);
	assert_int_equal(ksmbd_brl_flags(~0x17u, &excl, &now), -EINVAL);
}

/* MS-SMB2 3.3.5.14: LockSequence = index << 4 | number; indexes 1..64. */
static void test_lock_seq(void **state)
{
	u8 seq[KSMBD_LOCK_SEQ_ENTRIES + 1] = {};

	(void)state;
	/* nothing recorded: no replay */
	assert_false(ksmbd_lock_seq_replay(seq, 1 << 4 | 3));
	ksmbd_lock_seq_record(seq, 1 << 4 | 3);
	assert_true(ksmbd_lock_seq_replay(seq, 1 << 4 | 3));
	assert_true(ksmbd_lock_seq_replay(seq, 1 << 4 | 3));
	/* another number at the index: not a replay, and the entry is invalid now */
	assert_false(ksmbd_lock_seq_replay(seq, 1 << 4 | 4));
	assert_false(ksmbd_lock_seq_replay(seq, 1 << 4 | 3));
	/* index 0 and indexes past 64 are never kept */
	ksmbd_lock_seq_record(seq, 0 << 4 | 1);
	assert_false(ksmbd_lock_seq_replay(seq, 0 << 4 | 1));
	ksmbd_lock_seq_record(seq, 65 << 4 | 1);
	assert_false(ksmbd_lock_seq_replay(seq, 65 << 4 | 1));
	ksmbd_lock_seq_record(seq, 64 << 4 | 15);
	assert_true(ksmbd_lock_seq_replay(seq, 64 << 4 | 15));
	/* number 0 is a number like any other */
	ksmbd_lock_seq_record(seq, 2 << 4);
	assert_true(ksmbd_lock_seq_replay(seq, 2 << 4));
	assert_false(ksmbd_lock_seq_replay(seq, 0x123ab1));	/* smb2.lock.valid-request */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_ok),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test_setup(test_lock_conflicts, setup),
		cmocka_unit_test_setup(test_io_conflicts, setup),
		cmocka_unit_test_setup(test_find, setup),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_lock_seq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
