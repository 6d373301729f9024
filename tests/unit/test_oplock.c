// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the oplock state machine (kernel/oplock.h): one test per
 * row of the transition table, and the granting rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include "oplock.h"
#include "smb_wire.h"

static struct ksmbd_oplock held(u8 level)
{
	struct ksmbd_oplock op = { .state = KSMBD_OPLOCK_HELD, .level = level };

	INIT_LIST_HEAD(&op.node);
	return op;
}

static void test_grant(void **state)
{
	(void)state;
	/* alone: whatever is asked */
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_BATCH, false, 0, 0),
			 SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_EXCLUSIVE, false, 0, 0),
			 SMB2_OPLOCK_LEVEL_EXCLUSIVE);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_II, false, 0, 0),
			 SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_NONE, false, 0, 0),
			 SMB2_OPLOCK_LEVEL_NONE);
	/* other opens, none strong: level II at most */
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_BATCH, false, 2, 0),
			 SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_II, false, 1, 0),
			 SMB2_OPLOCK_LEVEL_II);
	/* a strong holder left: nothing */
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_II, false, 1, 1),
			 SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_BATCH, false, 1, 1),
			 SMB2_OPLOCK_LEVEL_NONE);
	/* directories, leases (not granted) and garbage: nothing */
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_BATCH, true, 0, 0),
			 SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(ksmbd_oplock_grant_level(SMB2_OPLOCK_LEVEL_LEASE, false, 0, 0),
			 SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(ksmbd_oplock_grant_level(0x05, false, 0, 0), SMB2_OPLOCK_LEVEL_NONE);
}

/* HELD II, break to NONE: NONE at once, notified, no ack awaited. */
static void test_level2_break_to_none(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_II);
	u8 notify = 0xaa;
	bool wait = true;

	(void)state;
	assert_true(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_NONE, 100, &notify, &wait));
	assert_int_equal(notify, SMB2_OPLOCK_LEVEL_NONE);
	assert_false(wait);
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_NONE);
	/* nothing left to break */
	assert_false(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_NONE, 100, &notify, &wait));
}

/* HELD II, break to II: nothing happens. */
static void test_level2_break_to_level2(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_II);
	u8 notify = 0xaa;
	bool wait = true;

	(void)state;
	assert_false(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_II, 100, &notify, &wait));
	assert_false(wait);
	assert_int_equal(op.state, KSMBD_OPLOCK_HELD);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_II);
}

/* HELD BATCH/EXCLUSIVE, break: BREAKING with the level kept, ack awaited. */
static void test_strong_break(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_BATCH);
	struct ksmbd_oplock ex = held(SMB2_OPLOCK_LEVEL_EXCLUSIVE);
	u8 notify = 0xaa;
	bool wait = false;

	(void)state;
	assert_true(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_II, 100, &notify, &wait));
	assert_true(wait);
	assert_int_equal(notify, SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(op.state, KSMBD_OPLOCK_BREAKING);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(op.break_to, SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(op.deadline, 100);
	/* a second break while one is under way starts nothing */
	assert_false(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_NONE, 200, &notify, &wait));
	assert_int_equal(op.break_to, SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(op.deadline, 100);

	assert_true(ksmbd_oplock_break(&ex, SMB2_OPLOCK_LEVEL_NONE, 5, &notify, &wait));
	assert_true(wait);
	assert_int_equal(notify, SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(ex.state, KSMBD_OPLOCK_BREAKING);
}

static struct ksmbd_oplock breaking(u8 level, u8 to)
{
	struct ksmbd_oplock op = held(level);
	bool wait;
	u8 n;

	assert_true(ksmbd_oplock_break(&op, to, 1000, &n, &wait));
	return op;
}

/* BREAKING, ack II (offered II): HELD II. */
static void test_ack_level2(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_II);
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_II, &granted), STATUS_SUCCESS);
	assert_int_equal(granted, SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(op.state, KSMBD_OPLOCK_HELD);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_II);
}

/* BREAKING, ack NONE: NONE. */
static void test_ack_none(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_EXCLUSIVE, SMB2_OPLOCK_LEVEL_II);
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_NONE, &granted), STATUS_SUCCESS);
	assert_int_equal(granted, SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
}

/* BREAKING to NONE, ack II: never more than offered, NONE. */
static void test_ack_more_than_offered(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_NONE);
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_II, &granted), STATUS_SUCCESS);
	assert_int_equal(granted, SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
}

/* BREAKING, ack LEASE: NONE and STATUS_INVALID_PARAMETER. */
static void test_ack_lease(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_II);
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_LEASE, &granted),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(granted, SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
}

/* BREAKING, ack EXCLUSIVE/BATCH: NONE and STATUS_INVALID_OPLOCK_PROTOCOL. */
static void test_ack_strong(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_II);
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_BATCH, &granted),
			 STATUS_INVALID_OPLOCK_PROTOCOL);
	assert_int_equal(granted, SMB2_OPLOCK_LEVEL_NONE);
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_NONE);
}

/* HELD, ack: STATUS_INVALID_DEVICE_STATE; NONE: STATUS_INVALID_OPLOCK_PROTOCOL. */
static void test_ack_not_breaking(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_II);
	struct ksmbd_oplock none = { .state = KSMBD_OPLOCK_NONE };
	u8 granted;

	(void)state;
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_NONE, &granted),
			 STATUS_INVALID_DEVICE_STATE);
	assert_int_equal(op.state, KSMBD_OPLOCK_HELD);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(ksmbd_oplock_ack(&none, SMB2_OPLOCK_LEVEL_NONE, &granted),
			 STATUS_INVALID_OPLOCK_PROTOCOL);
	assert_int_equal(none.state, KSMBD_OPLOCK_NONE);
}

/* BREAKING, no ack by the deadline: NONE; not before it. */
static void test_timeout(void **state)
{
	struct ksmbd_oplock op = breaking(SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_II);
	struct ksmbd_oplock h = held(SMB2_OPLOCK_LEVEL_BATCH);
	u8 granted;

	(void)state;
	assert_false(ksmbd_oplock_timeout(&op, 999));
	assert_int_equal(op.state, KSMBD_OPLOCK_BREAKING);
	assert_true(ksmbd_oplock_timeout(&op, 1000));
	assert_int_equal(op.state, KSMBD_OPLOCK_NONE);
	assert_int_equal(op.level, SMB2_OPLOCK_LEVEL_NONE);
	/* a late ack finds no break */
	assert_int_equal(ksmbd_oplock_ack(&op, SMB2_OPLOCK_LEVEL_II, &granted),
			 STATUS_INVALID_OPLOCK_PROTOCOL);
	/* a held oplock never times out */
	assert_false(ksmbd_oplock_timeout(&h, 1000000));
	assert_int_equal(h.state, KSMBD_OPLOCK_HELD);
}

/* The deadline is compared like jiffies: across the wrap too. */
static void test_timeout_wraps(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_EXCLUSIVE);
	bool wait;
	u8 n;

	(void)state;
	assert_true(ksmbd_oplock_break(&op, SMB2_OPLOCK_LEVEL_II, 5, &n, &wait));
	assert_false(ksmbd_oplock_timeout(&op, (unsigned long)-10));
	assert_true(ksmbd_oplock_timeout(&op, 6));
}

/* --- leases: one test per row of the lease table in oplock.h --- */

#define R SMB2_LEASE_READ
#define H SMB2_LEASE_HANDLE
#define W SMB2_LEASE_WRITE

static struct ksmbd_lease lease(u32 st)
{
	struct ksmbd_lease l = { .state = st, .version = 2, .epoch = 1 };

	return l;
}

static void test_lease_grant(void **state)
{
	(void)state;
	/* alone: R, RH, RW, RWH as asked; nothing without R */
	assert_int_equal(ksmbd_lease_grant_state(R | H | W, false, false), R | H | W);
	assert_int_equal(ksmbd_lease_grant_state(R | W, false, false), R | W);
	assert_int_equal(ksmbd_lease_grant_state(R, false, false), R);
	assert_int_equal(ksmbd_lease_grant_state(H, false, false), 0);
	assert_int_equal(ksmbd_lease_grant_state(W, false, false), 0);
	assert_int_equal(ksmbd_lease_grant_state(H | W, false, false), 0);
	assert_int_equal(ksmbd_lease_grant_state(0, false, false), 0);
	/* other keys: no W; a level II oplock: no H */
	assert_int_equal(ksmbd_lease_grant_state(R | H | W, true, false), R | H);
	assert_int_equal(ksmbd_lease_grant_state(R | W, true, false), R);
	assert_int_equal(ksmbd_lease_grant_state(R | H | W, true, true), R);
	/* unknown bits are dropped */
	assert_int_equal(ksmbd_lease_grant_state(R | 0x100, false, false), R);
}

static void test_lease_upgrade(void **state)
{
	struct ksmbd_lease l = lease(R);

	(void)state;
	ksmbd_lease_upgrade(&l, R | H, R | H);	/* strict superset, grantable */
	assert_int_equal(l.state, R | H);
	assert_int_equal(l.epoch, 2);
	ksmbd_lease_upgrade(&l, R | W, R | W);	/* not a superset: kept */
	assert_int_equal(l.state, R | H);
	ksmbd_lease_upgrade(&l, R | H | W, R | H);	/* not grantable whole: kept */
	assert_int_equal(l.state, R | H);
	ksmbd_lease_upgrade(&l, R, R);		/* downgrade: kept */
	assert_int_equal(l.state, R | H);
	assert_int_equal(l.epoch, 2);
	l.breaking = true;			/* breaking: kept */
	ksmbd_lease_upgrade(&l, R | H | W, R | H | W);
	assert_int_equal(l.state, R | H);
}

static void test_lease_break_nothing(void **state)
{
	struct ksmbd_lease l = lease(R | H);
	u32 from, to;
	bool ack;

	(void)state;
	assert_false(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_int_equal(l.state, R | H);
	assert_false(l.breaking);
}

static void test_lease_break_ack_required(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_true(ack);
	assert_int_equal(from, R | H | W);
	assert_int_equal(to, R | H);
	assert_true(l.breaking);
	assert_int_equal(l.state, R | H | W);	/* kept until the ack */
	assert_int_equal(l.epoch, 2);
}

static void test_lease_break_read_only(void **state)
{
	struct ksmbd_lease l = lease(R);
	u32 from, to;
	bool ack;

	(void)state;
	assert_true(ksmbd_lease_break(&l, 0, 5, &from, &to, &ack));
	assert_false(ack);
	assert_false(l.breaking);
	assert_int_equal(l.state, 0);
}

static void test_lease_break_while_breaking(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_false(ksmbd_lease_break(&l, 0, 5, &from, &to, &ack));
	assert_int_equal(l.notified, R | H);
	assert_int_equal(l.break_to, 0);
}

static void test_lease_ack(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack, again;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_int_equal(ksmbd_lease_ack(&l, R | H, 9, &again, &from, &to, &ack),
			 STATUS_SUCCESS);
	assert_false(again);
	assert_false(l.breaking);
	assert_int_equal(l.state, R | H);
}

static void test_lease_ack_then_narrowed(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack, again;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_false(ksmbd_lease_break(&l, 0, 5, &from, &to, &ack));
	/* H goes first ... */
	assert_int_equal(ksmbd_lease_ack(&l, R | H, 9, &again, &from, &to, &ack),
			 STATUS_SUCCESS);
	assert_true(again);
	assert_true(ack);
	assert_int_equal(from, R | H);
	assert_int_equal(to, R);
	/* ... then R, which needs no ack */
	assert_int_equal(ksmbd_lease_ack(&l, R, 9, &again, &from, &to, &ack), STATUS_SUCCESS);
	assert_true(again);
	assert_false(ack);
	assert_int_equal(to, 0);
	assert_int_equal(l.state, 0);
	assert_false(l.breaking);
}

static void test_lease_ack_too_much(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack, again;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_int_equal(ksmbd_lease_ack(&l, R | H | W, 9, &again, &from, &to, &ack),
			 STATUS_REQUEST_NOT_ACCEPTED);
	assert_true(l.breaking);
}

static void test_lease_ack_not_breaking(void **state)
{
	struct ksmbd_lease l = lease(R | H);
	u32 from, to;
	bool ack, again;

	(void)state;
	assert_int_equal(ksmbd_lease_ack(&l, R, 9, &again, &from, &to, &ack),
			 STATUS_UNSUCCESSFUL);
	assert_int_equal(l.state, R | H);
}

static void test_lease_timeout(void **state)
{
	struct ksmbd_lease l = lease(R | H | W);
	u32 from, to;
	bool ack;

	(void)state;
	assert_false(ksmbd_lease_timeout(&l, 100));	/* not breaking */
	assert_true(ksmbd_lease_break(&l, ~(u32)W, 5, &from, &to, &ack));
	assert_false(ksmbd_lease_timeout(&l, 4));
	assert_true(ksmbd_lease_timeout(&l, 6));
	assert_false(l.breaking);
	assert_int_equal(l.state, 0);
}

/*
 * Stat opens: attributes and SYNCHRONIZE break no oplock (smb2.oplock.statopen1),
 * and READ_CONTROL may come too for leases (smb2.lease.statopen4).
 */
static void test_stat_access(void **state)
{
	static const u32 both[] = { FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES, SYNCHRONIZE,
				    FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0 };
	static const u32 neither[] = { FILE_READ_DATA, FILE_WRITE_DATA, FILE_READ_EA,
				       FILE_WRITE_EA, FILE_EXECUTE, DELETE, WRITE_DAC,
				       WRITE_OWNER, READ_CONTROL | WRITE_DAC };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		assert_true(ksmbd_oplock_stat_access(both[i]));
		assert_true(ksmbd_lease_stat_access(both[i]));
	}
	for (i = 0; i < sizeof(neither) / sizeof(neither[0]); i++) {
		assert_false(ksmbd_oplock_stat_access(neither[i]));
		assert_false(ksmbd_lease_stat_access(neither[i]));
	}
	/* READ_CONTROL: a stat open for leases only */
	assert_false(ksmbd_oplock_stat_access(READ_CONTROL));
	assert_true(ksmbd_lease_stat_access(READ_CONTROL));
	assert_true(ksmbd_lease_stat_access(READ_CONTROL | FILE_READ_ATTRIBUTES | SYNCHRONIZE));
}

/* Directory leases: never W; files keep what they ask. */
static void test_dir_lease_asked(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_lease_asked(R | H | W, true), R | H);
	assert_int_equal(ksmbd_lease_asked(R | W, true), R);
	assert_int_equal(ksmbd_lease_asked(R, true), R);
	assert_int_equal(ksmbd_lease_asked(R | H | W, false), R | H | W);
	/* and then the usual grant: RH on a directory with other opens */
	assert_int_equal(ksmbd_lease_grant_state(ksmbd_lease_asked(R | H | W, true), true, false),
			 R | H);
	/* an upgrade asked as RHW on a directory goes NONE -> RH */
	{
		struct ksmbd_lease l = lease(0);
		u32 asked = ksmbd_lease_asked(R | H | W, true);

		ksmbd_lease_upgrade(&l, asked, ksmbd_lease_grant_state(asked, false, false));
		assert_int_equal(l.state, R | H);
		assert_int_equal(l.epoch, 2);
	}
}

/* A change in the directory breaks its RH lease to NONE, acknowledged. */
static void test_dir_lease_break(void **state)
{
	struct ksmbd_lease l = lease(R | H);
	u32 from, to;
	bool ack, again, ackreq;

	(void)state;
	l.is_dir = true;
	assert_true(ksmbd_lease_break(&l, SMB2_LEASE_NONE_STATE, 5, &from, &to, &ack));
	assert_true(ack);
	assert_int_equal(from, R | H);
	assert_int_equal(to, 0);
	assert_true(l.breaking);
	assert_int_equal(ksmbd_lease_ack(&l, 0, 9, &again, &from, &to, &ackreq), STATUS_SUCCESS);
	assert_false(again);
	assert_false(l.breaking);
	assert_int_equal(l.state, 0);
}

/* The open's own ParentLeaseKey (same client) spares that directory lease. */
static void test_parent_exempt(void **state)
{
	struct ksmbd_oplock op = held(SMB2_OPLOCK_LEVEL_LEASE);
	struct ksmbd_lease l = lease(R | H);

	(void)state;
	memset(l.key, 0x22, 16);
	memset(l.client_guid, 0x01, 16);
	memset(op.client_guid, 0x01, 16);
	assert_false(ksmbd_lease_parent_exempt(&op, &l));	/* no parent key */
	op.has_parent = true;
	memset(op.parent_key, 0x33, 16);
	assert_false(ksmbd_lease_parent_exempt(&op, &l));	/* another key */
	memset(op.parent_key, 0x22, 16);
	assert_true(ksmbd_lease_parent_exempt(&op, &l));
	memset(op.client_guid, 0x02, 16);
	assert_false(ksmbd_lease_parent_exempt(&op, &l));	/* another client */
}

/* Delete on close, disposition, rename: other keys' H goes (RH -> R, acked). */
static void test_lease_break_handle(void **state)
{
	struct ksmbd_lease l = lease(R | H);
	u32 from, to;
	bool ack;

	(void)state;
	assert_true(ksmbd_lease_break(&l, ~(u32)H, 5, &from, &to, &ack));
	assert_true(ack);
	assert_int_equal(from, R | H);
	assert_int_equal(to, R);
	/* an R lease has no H to give up */
	l = lease(R);
	assert_false(ksmbd_lease_break(&l, ~(u32)H, 5, &from, &to, &ack));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_level2_break_to_none),
		cmocka_unit_test(test_level2_break_to_level2),
		cmocka_unit_test(test_strong_break),
		cmocka_unit_test(test_ack_level2),
		cmocka_unit_test(test_ack_none),
		cmocka_unit_test(test_ack_more_than_offered),
		cmocka_unit_test(test_ack_lease),
		cmocka_unit_test(test_ack_strong),
		cmocka_unit_test(test_ack_not_breaking),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_wraps),
		cmocka_unit_test(test_lease_grant),
		cmocka_unit_test(test_lease_upgrade),
		cmocka_unit_test(test_lease_break_nothing),
		cmocka_unit_test(test_lease_break_ack_required),
		cmocka_unit_test(test_lease_break_read_only),
		cmocka_unit_test(test_lease_break_while_breaking),
		cmocka_unit_test(test_lease_ack),
		cmocka_unit_test(test_lease_ack_then_narrowed),
		cmocka_unit_test(test_lease_ack_too_much),
		cmocka_unit_test(test_lease_ack_not_breaking),
		cmocka_unit_test(test_lease_timeout),
		cmocka_unit_test(test_stat_access),
		cmocka_unit_test(test_dir_lease_asked),
		cmocka_unit_test(test_dir_lease_break),
		cmocka_unit_test(test_parent_exempt),
		cmocka_unit_test(test_lease_break_handle),
	};

	return cmocka_run_group_tests_name("oplock", tests, NULL, NULL);
}
