// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Durable handles (kernel/durable.h) through the request path, with
 * in-memory connections: a DHnQ with a batch oplock is granted (and not
 * without one), the open is orphaned when its connection goes and only then,
 * a DHnC on another connection re-attaches it with its FileId, a reconnect
 * of a connected open or of an unknown FileId is STATUS_OBJECT_NAME_NOT_FOUND,
 * a conflicting CREATE closes an orphan, TREE_DISCONNECT closes a durable
 * open, the scavenger closes an orphan whose timeout passed, and a persistent
 * handle (DH2Q, SMB2_DHANDLE_FLAG_PERSISTENT) is granted without an oplock on
 * a continuously available share only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include <asm/unaligned.h>
#include "durable.h"
#include "file.h"
#include "oplock.h"
#include "server.h"
#include "session.h"
#include "smb.h"
#include "smb2.h"
#include "conn.h"
#include "tree.h"
#include "smb_wire.h"
#include "../lib/mem_transport.h"

#include "../lib/smb_peer.h"

static char dir[] = "/tmp/kc-durable-XXXXXX";

static int group_setup(void **state)
{
	(void)state;
	return peer_group_setup(dir);
}

static int group_teardown(void **state)
{
	(void)state;
	return peer_group_teardown(dir);
}

static int writes(struct peer *p)
{
	int w;

	mutex_lock(&p->conn->write_lock);
	w = p->mt->writes;
	mutex_unlock(&p->conn->write_lock);
	return w;
}

/*
 * CREATE @name (FILE_OPEN_IF, all access, sharing @share) asking @oplock,
 * with a durable context @ctx ("DHnQ", "DHnC" with @fid, or NULL). Returns
 * the status; the answer's FileId in @fid, oplock level in *@granted,
 * whether it carries a DHnQ response in *@durable.
 */
static __le32 create(struct peer *p, const char *name, u32 share, u8 oplock, const char *ctx,
		     u8 fid[16], u8 *granted, bool *durable)
{
	size_t n = strlen(name), i, len, coff;
	u8 buf[512] = { 0 }, *body = buf + 64, *c;
	const struct smb2_hdr *h;
	const u8 *rsp;
	int w = writes(p);

	coff = (56 + 2 * n + 7) & ~(size_t)7;
	len = put_req(buf, SMB2_CREATE, 57, coff + (ctx ? 40 : 0), p);
	body[3] = oplock;
	put_unaligned_le32(2, body + 4);			/* impersonation */
	put_unaligned_le32(0x001f01ff, body + 24);		/* DesiredAccess */
	put_unaligned_le32(share, body + 32);
	put_unaligned_le32(FILE_OPEN_IF, body + 36);
	put_unaligned_le16(64 + 56, body + 44);
	put_unaligned_le16(2 * n, body + 46);
	for (i = 0; i < n; i++)
		put_unaligned_le16(name[i], body + 56 + 2 * i);
	if (ctx) {
		put_unaligned_le32(64 + coff, body + 48);
		put_unaligned_le32(40, body + 52);
		c = body + coff;
		put_unaligned_le16(16, c + 4);
		put_unaligned_le16(4, c + 6);
		put_unaligned_le16(24, c + 10);
		put_unaligned_le32(16, c + 12);
		memcpy(c + 16, ctx, 4);
		if (!strcmp(ctx, "DHnC"))
			memcpy(c + 24, fid, 16);
		if (!strcmp(ctx, "DH2Q")) {
			/* Timeout 500 ms, SMB2_DHANDLE_FLAG_PERSISTENT, a CreateGuid */
			put_unaligned_le32(32, c + 12);
			put_unaligned_le32(500, c + 24);
			put_unaligned_le32(SMB2_DHANDLE_FLAG_PERSISTENT, c + 28);
			memset(c + 40, 0x5a, 16);
			len += 16;
			put_unaligned_le32(56, body + 52);
		}
	}
	assert_int_equal(ksmbd_smb_process(p->conn, buf, len), 0);
	h = pdu(p, w);
	assert_non_null(h);
	rsp = (const u8 *)h + 64;
	if (h->status == STATUS_SUCCESS) {
		memcpy(fid, rsp + 64, 16);
		if (granted)
			*granted = rsp[2];
		if (durable) {
			u32 off = get_unaligned_le32(rsp + 80), clen = get_unaligned_le32(rsp + 84);
			const u8 *q = (const u8 *)h + off;

			*durable = false;
			while (clen >= 24) {
				u32 next = get_unaligned_le32(q);

				if (!memcmp(q + get_unaligned_le16(q + 4), "DHnQ", 4))
					*durable = true;
				/* DH2Q: Timeout 500, Flags PERSISTENT */
				if (!memcmp(q + get_unaligned_le16(q + 4), "DH2Q", 4) &&
				    get_unaligned_le32(q + get_unaligned_le16(q + 10)) == 500 &&
				    get_unaligned_le32(q + get_unaligned_le16(q + 10) + 4) ==
				    SMB2_DHANDLE_FLAG_PERSISTENT)
					*durable = true;
				if (!next)
					break;
				q += next;
				clen -= next;
			}
		}
	}
	return h->status;
}

static __le32 close_fid(struct peer *p, const u8 fid[16])
{
	u8 buf[128];
	size_t len = put_req(buf, SMB2_CLOSE, 24, 24, p);
	int w = writes(p);

	memcpy(buf + 64 + 8, fid, 16);
	assert_int_equal(ksmbd_smb_process(p->conn, buf, len), 0);
	return pdu(p, w)->status;
}

/* Wait (5 s at most) until @n orphans are left. */
static bool wait_orphans(unsigned int n)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (ksmbd_durable_orphans() == n)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static void test_grant(void **state)
{
	struct peer a;
	u8 fid[16], level;
	bool durable;

	(void)state;
	peer_up(&a, dir);
	/* no batch oplock: not durable */
	assert_int_equal(create(&a, "g1", 7, SMB2_OPLOCK_LEVEL_II, "DHnQ", fid, &level, &durable),
			 STATUS_SUCCESS);
	assert_int_equal(level, SMB2_OPLOCK_LEVEL_II);
	assert_false(durable);
	assert_int_equal(close_fid(&a, fid), STATUS_SUCCESS);
	/* batch: durable, answered with a DHnQ context */
	assert_int_equal(create(&a, "g2", 7, SMB2_OPLOCK_LEVEL_BATCH, "DHnQ", fid, &level,
				&durable), STATUS_SUCCESS);
	assert_int_equal(level, SMB2_OPLOCK_LEVEL_BATCH);
	assert_true(durable);
	/* connected: a reconnect does not find it */
	assert_int_equal(create(&a, "g2", 7, 0, "DHnC", fid, NULL, NULL),
			 STATUS_OBJECT_NAME_NOT_FOUND);
	assert_int_equal(close_fid(&a, fid), STATUS_SUCCESS);
	assert_int_equal(ksmbd_durable_orphans(), 0);
	peer_down(&a);
	assert_int_equal(ksmbd_durable_orphans(), 0);
}

static void test_orphan_reconnect(void **state)
{
	struct peer a, b;
	u8 fid[16], fid2[16], level;
	bool durable;

	(void)state;
	peer_up(&a, dir);
	assert_int_equal(create(&a, "r1", 0, SMB2_OPLOCK_LEVEL_BATCH, "DHnQ", fid, &level,
				&durable), STATUS_SUCCESS);
	assert_true(durable);
	peer_down(&a);			/* the connection goes */
	assert_int_equal(ksmbd_durable_orphans(), 1);
	peer_up(&b, dir);
	/* an unknown FileId */
	memcpy(fid2, fid, 16);
	fid2[0] ^= 0x55;
	assert_int_equal(create(&b, "r1", 0, 0, "DHnC", fid2, NULL, NULL),
			 STATUS_OBJECT_NAME_NOT_FOUND);
	/* the orphan, with the same FileId and its batch oplock */
	memcpy(fid2, fid, 16);
	assert_int_equal(create(&b, "ignored", 0, 0, "DHnC", fid2, &level, &durable),
			 STATUS_SUCCESS);
	assert_memory_equal(fid2, fid, 16);
	assert_int_equal(level, SMB2_OPLOCK_LEVEL_BATCH);
	assert_false(durable);
	assert_int_equal(ksmbd_durable_orphans(), 0);
	/* TREE_DISCONNECT closes it, however durable */
	ksmbd_tree_unlink(b.sess, b.tree);
	assert_int_equal(ksmbd_durable_orphans(), 0);
	peer_down(&b);
	assert_int_equal(ksmbd_durable_orphans(), 0);
}

static void test_conflict_closes_orphan(void **state)
{
	struct peer a, b;
	u8 fid[16], fid2[16], level;
	bool durable;

	(void)state;
	peer_up(&a, dir);
	assert_int_equal(create(&a, "c1", 0, SMB2_OPLOCK_LEVEL_BATCH, "DHnQ", fid, &level,
				&durable), STATUS_SUCCESS);
	assert_true(durable);
	peer_down(&a);
	assert_int_equal(ksmbd_durable_orphans(), 1);
	/* another open, not sharing: the orphan goes instead of a sharing violation */
	peer_up(&b, dir);
	assert_int_equal(create(&b, "c1", 0, SMB2_OPLOCK_LEVEL_BATCH, NULL, fid2, &level, NULL),
			 STATUS_SUCCESS);
	assert_int_equal(level, SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_durable_orphans(), 0);
	assert_int_equal(create(&b, "c1", 0, 0, "DHnC", fid, NULL, NULL),
			 STATUS_OBJECT_NAME_NOT_FOUND);
	assert_int_equal(close_fid(&b, fid2), STATUS_SUCCESS);
	peer_down(&b);
}

static void test_scavenger(void **state)
{
	struct peer a, b;
	u8 fid[16], level;
	bool durable;

	(void)state;
	ksmbd_durable_v1_timeout_ms = 200;
	peer_up(&a, dir);
	assert_int_equal(create(&a, "s1", 0, SMB2_OPLOCK_LEVEL_BATCH, "DHnQ", fid, &level,
				&durable), STATUS_SUCCESS);
	assert_true(durable);
	peer_down(&a);
	assert_int_equal(ksmbd_durable_orphans(), 1);
	assert_true(wait_orphans(0));
	/* closed: its file is free again and the FileId unknown */
	peer_up(&b, dir);
	assert_int_equal(create(&b, "s1", 0, 0, "DHnC", fid, NULL, NULL),
			 STATUS_OBJECT_NAME_NOT_FOUND);
	peer_down(&b);
	ksmbd_durable_v1_timeout_ms = KSMBD_DURABLE_DEFAULT_TIMEOUT;
}

/* A persistent handle on a continuously available share (3.x): granted without an oplock. */
static void test_persistent(void **state)
{
	struct peer a;
	struct ksmbd_tree *ca, *plain;
	u8 fid[16], level;
	bool durable;

	(void)state;
	peer_up(&a, dir);
	a.conn->dialect = SMB2_DIALECT_0300;
	/* not on an ordinary share, without an oplock */
	assert_int_equal(create(&a, "p0", 7, 0, "DH2Q", fid, &level, &durable), STATUS_SUCCESS);
	assert_false(durable);
	assert_int_equal(close_fid(&a, fid), STATUS_SUCCESS);
	assert_int_equal(ksmbd_tree_new(a.sess, "share", KSMBD_SHARE_CONTINUOUS_AVAILABILITY, dir,
				       &ca), 0);
	plain = a.tree;
	a.tree = ca;
	assert_int_equal(create(&a, "p1", 7, 0, "DH2Q", fid, &level, &durable), STATUS_SUCCESS);
	assert_int_equal(level, SMB2_OPLOCK_LEVEL_NONE);
	assert_true(durable);
	a.tree = plain;
	ksmbd_tree_put(ca);
	peer_down(&a);
	/* kept for the client's 500 ms, then closed */
	assert_int_equal(ksmbd_durable_orphans(), 1);
	assert_true(wait_orphans(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_orphan_reconnect),
		cmocka_unit_test(test_conflict_closes_orphan),
		cmocka_unit_test(test_scavenger),
		cmocka_unit_test(test_persistent),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
