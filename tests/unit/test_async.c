// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of async requests and oplock breaks through the request path:
 * two in-memory connections, each with a session and a tree on a temporary
 * directory. A batch oplock held on connection A is broken by a CREATE on
 * connection B, which goes async (interim response) until A acknowledges,
 * B cancels, B's connection is torn down, or the break times out; oplocks
 * on a named stream beside the file's, and a stream's overwrite waiting for
 * its holder.
 * CHANGE_NOTIFY on A's directory opens: detached requests answered by B's
 * changes, by CANCEL (also one that overtakes its request), by CLOSE, and by
 * the connection's teardown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <cmocka.h>
#include <asm/unaligned.h>
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

static struct peer a, b;
static char dir[] = "/tmp/kc-async-XXXXXX";

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

static int setup(void **state)
{
	(void)state;
	peer_up(&a, dir);
	peer_up(&b, dir);
	ksmbd_oplock_break_timeout_ms = 35000;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	peer_down(&a);
	peer_down(&b);
	return 0;
}

/* A CREATE of @name (ASCII) asking for @oplock, with @disp, all access. */
static size_t put_create_disp(u8 *buf, struct peer *p, const char *name, u8 oplock, u32 disp)
{
	size_t n = strlen(name), i, len = put_req(buf, SMB2_CREATE, 57, 56 + 2 * n, p);
	u8 *body = buf + 64;

	body[3] = oplock;
	put_unaligned_le32(2, body + 4);			/* impersonation */
	put_unaligned_le32(0x001f01ff, body + 24);		/* DesiredAccess */
	put_unaligned_le32(0x7, body + 32);			/* ShareAccess */
	put_unaligned_le32(disp, body + 36);
	put_unaligned_le16(64 + 56, body + 44);
	put_unaligned_le16(2 * n, body + 46);
	for (i = 0; i < n; i++)
		put_unaligned_le16(name[i], body + 56 + 2 * i);
	return len;
}

static size_t put_create(u8 *buf, struct peer *p, const char *name, u8 oplock)
{
	return put_create_disp(buf, p, name, oplock, FILE_OPEN_IF);
}

struct create_job {
	struct peer *p;
	u8 buf[512];
	size_t len;
	int ret;
	pthread_t thread;
};

static void *create_thread(void *arg)
{
	struct create_job *j = arg;

	j->ret = ksmbd_smb_process(j->p->conn, j->buf, j->len);
	return NULL;
}

/* Open @name with a batch oplock on A; its FileId in @fid. */
static void a_holds_batch(const char *name, u8 fid[16])
{
	u8 buf[512];
	size_t len = put_create(buf, &a, name, SMB2_OPLOCK_LEVEL_BATCH);
	const struct smb2_hdr *h;

	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, 0);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_BATCH);
	memcpy(fid, (const u8 *)h + 64 + 64, 16);
}

/* Start B's conflicting CREATE of @name; wait for A's break and B's interim response. */
static struct create_job *b_creates(const char *name, const u8 fid[16], u64 *async_id)
{
	struct create_job *j = calloc(1, sizeof(*j));
	const struct smb2_hdr *h;

	assert_non_null(j);
	j->p = &b;
	j->len = put_create(j->buf, &b, name, SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(pthread_create(&j->thread, NULL, create_thread, j), 0);
	/* A is told: MessageId all ones, level II, its FileId */
	assert_true(wait_pdus(&a, 2));
	h = pdu(&a, 1);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_int_equal(le64_to_cpu(h->message_id), U64_MAX);
	assert_true(h->flags & SMB2_FLAGS_SERVER_TO_REDIR);
	assert_int_equal(get_unaligned_le16((const u8 *)h + 64), 24);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
	assert_memory_equal((const u8 *)h + 64 + 8, fid, 16);
	/* B gets STATUS_PENDING with an AsyncId and its credits */
	assert_true(wait_pdus(&b, 1));
	h = pdu(&b, 0);
	assert_int_equal(le16_to_cpu(h->command), SMB2_CREATE);
	assert_true(h->status == STATUS_PENDING);
	assert_true(h->flags & SMB2_FLAGS_ASYNC_COMMAND);
	assert_int_equal(le16_to_cpu(h->credit_request), 5);
	*async_id = get_unaligned_le64(&h->process_id);
	assert_true(*async_id != 0);
	return j;
}

/* Join B's CREATE; its final response, with the AsyncId and no credits. */
static const struct smb2_hdr *b_final(struct create_job *j, u64 async_id)
{
	const struct smb2_hdr *h;

	assert_int_equal(pthread_join(j->thread, NULL), 0);
	assert_int_equal(j->ret, 0);
	free(j);
	h = pdu(&b, 1);
	assert_non_null(h);
	assert_int_equal(le16_to_cpu(h->command), SMB2_CREATE);
	assert_true(h->flags & SMB2_FLAGS_ASYNC_COMMAND);
	assert_int_equal(get_unaligned_le64(&h->process_id), async_id);
	assert_int_equal(le16_to_cpu(h->credit_request), 0);
	return h;
}

static size_t put_ack(u8 *buf, const u8 fid[16], u8 level)
{
	size_t len = put_req(buf, SMB2_OPLOCK_BREAK, 24, 24, &a);

	buf[64 + 2] = level;
	memcpy(buf + 64 + 8, fid, 16);
	return len;
}

/* The holder acknowledges to level II: the waiting CREATE gets level II. */
static void test_break_ack(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[128];
	u64 id;

	(void)state;
	a_holds_batch("ack.txt", fid);
	j = b_creates("ack.txt", fid, &id);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_II)), 0);
	h = pdu(&a, 2);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
	h = b_final(j, id);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
	/* a second ack finds no break under way */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_NONE)), 0);
	h = pdu(&a, 3);
	assert_true(h->status == STATUS_INVALID_DEVICE_STATE);
}

/* CANCEL by AsyncId: the waiting CREATE ends with STATUS_CANCELLED. */
static void test_cancel_async(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[128];
	size_t len;
	u64 id;

	(void)state;
	a_holds_batch("cancel.txt", fid);
	j = b_creates("cancel.txt", fid, &id);
	len = put_req(buf, SMB2_CANCEL, 4, 4, &b);
	((struct smb2_hdr *)buf)->flags = SMB2_FLAGS_ASYNC_COMMAND;
	put_unaligned_le64(id, buf + 32);
	assert_int_equal(ksmbd_smb_process(b.conn, buf, len), 0);
	h = b_final(j, id);
	assert_true(h->status == STATUS_CANCELLED);
	/* the cancelled open is gone; the holder's break still completes */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_NONE)), 0);
	h = pdu(&a, 2);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
}

/* A CANCEL naming another AsyncId cancels nothing: the break still decides. */
static void test_cancel_other_id(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[128];
	size_t len;
	u64 id;

	(void)state;
	a_holds_batch("other.txt", fid);
	j = b_creates("other.txt", fid, &id);
	len = put_req(buf, SMB2_CANCEL, 4, 4, &b);
	((struct smb2_hdr *)buf)->flags = SMB2_FLAGS_ASYNC_COMMAND;
	put_unaligned_le64(id + 1000, buf + 32);
	assert_int_equal(ksmbd_smb_process(b.conn, buf, len), 0);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_NONE)), 0);
	h = b_final(j, id);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
}

/* Teardown of B's connection cancels its waiting CREATE; nothing waits after. */
static void test_teardown_cancels(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[512];
	u64 id;

	(void)state;
	a_holds_batch("down.txt", fid);
	j = b_creates("down.txt", fid, &id);
	ksmbd_async_cancel_all(b.conn, 0, NULL, true);
	h = b_final(j, id);
	assert_true(h->status == STATUS_CANCELLED);
	/* still breaking: a new conflicting CREATE on B cannot wait any more */
	assert_int_equal(ksmbd_smb_process(b.conn, buf, put_create(buf, &b, "down.txt", 0)), 0);
	h = pdu(&b, 2);
	assert_true(h->status == STATUS_CANCELLED);
}

/* No ack: the CREATE goes on when the break times out; the holder has nothing. */
static void test_break_timeout(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[128];
	u64 id;

	(void)state;
	ksmbd_oplock_break_timeout_ms = 300;
	a_holds_batch("late.txt", fid);
	j = b_creates("late.txt", fid, &id);
	h = b_final(j, id);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_II)), 0);
	h = pdu(&a, 2);
	assert_true(h->status == STATUS_INVALID_OPLOCK_PROTOCOL);
}

/* A write breaks every level II oplock of the file, more than fit one batch of notifications. */
static void test_write_breaks_many_level2(void **state)
{
	u8 fid[20][16], buf[512];
	const struct smb2_hdr *h;
	size_t len;
	int i, breaks = 0;

	(void)state;
	for (i = 0; i < 20; i++) {
		len = put_create(buf, &a, "many.txt", SMB2_OPLOCK_LEVEL_II);
		assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
		h = pdu(&a, i);
		assert_int_equal(le32_to_cpu(h->status), 0);
		assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
		memcpy(fid[i], (const u8 *)h + 64 + 64, 16);
	}
	/* WRITE of one byte at 0 through the last open */
	len = put_req(buf, SMB2_WRITE, 49, 48 + 1, &a);
	put_unaligned_le16(64 + 48, buf + 64 + 2);
	put_unaligned_le32(1, buf + 64 + 4);
	memcpy(buf + 64 + 16, fid[19], 16);
	buf[64 + 48] = 'x';
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	for (i = 20; (h = pdu(&a, i)); i++) {
		if (le16_to_cpu(h->command) != SMB2_OPLOCK_BREAK)
			continue;
		assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
		breaks++;
	}
	assert_int_equal(breaks, 20);
	/* nothing is held any more: a new open gets level II without a break */
	len = put_create(buf, &a, "many.txt", SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, i);
	assert_int_equal(le16_to_cpu(h->command), SMB2_CREATE);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
}

/* A WRITE of @len bytes of @c at 0 through @fid on A. */
static size_t put_write(u8 *buf, const u8 fid[16], char c, u32 len)
{
	size_t n = put_req(buf, SMB2_WRITE, 49, 48 + len, &a);

	put_unaligned_le16(64 + 48, buf + 64 + 2);
	put_unaligned_le32(len, buf + 64 + 4);
	memcpy(buf + 64 + 16, fid, 16);
	memset(buf + 64 + 48, c, len);
	return n;
}

/*
 * An overwriting CREATE breaks the batch holder to none and truncates only
 * once the holder answered: what the holder writes before its ack is not
 * lost to the truncation, nor kept after it.
 */
static void test_overwrite_truncates_after_break(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[512];
	char file[128];
	struct stat st;
	u64 id;

	(void)state;
	a_holds_batch("over.txt", fid);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'a', 100)), 0);
	j = calloc(1, sizeof(*j));
	assert_non_null(j);
	j->p = &b;
	j->len = put_create_disp(j->buf, &b, "over.txt", 0, FILE_OVERWRITE_IF);
	assert_int_equal(pthread_create(&j->thread, NULL, create_thread, j), 0);
	assert_true(wait_pdus(&a, 3));
	h = pdu(&a, 2);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
	assert_true(wait_pdus(&b, 1));
	id = get_unaligned_le64(&pdu(&b, 0)->process_id);
	/* the holder flushes its cached data: nothing truncated it yet */
	snprintf(file, sizeof(file), "%s/over.txt", dir);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 100);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'b', 200)), 0);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_NONE)), 0);
	h = b_final(j, id);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(get_unaligned_le32((const u8 *)h + 64 + 4), FILE_OVERWRITTEN);
	assert_int_equal(get_unaligned_le64((const u8 *)h + 64 + 48), 0);	/* EndOfFile */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 0);
}

/* A's or B's response @n to a CREATE: its status, granted level and FileId. */
static u8 created(struct peer *p, int n, u8 fid[16])
{
	const struct smb2_hdr *h = pdu(p, n);

	assert_non_null(h);
	assert_int_equal(le16_to_cpu(h->command), SMB2_CREATE);
	assert_int_equal(le32_to_cpu(h->status), 0);
	memcpy(fid, (const u8 *)h + 64 + 64, 16);
	return ((const u8 *)h)[64 + 2];
}

/*
 * Oplocks are per stream (oplock.h): a batch on a file and one on its named
 * stream stand side by side; a second open of the stream breaks only the
 * stream's holder, and a write through the stream breaks only the stream's
 * level II holders.
 */
static void test_stream_oplocks(void **state)
{
	u8 fid[16], sfid[16], bsfid[16], buf[512];
	const struct smb2_hdr *h;
	struct create_job *j;
	size_t len;
	int i;

	(void)state;
	a_holds_batch("st.txt", fid);
	len = put_create(buf, &a, "st.txt:s", SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, 1);
	assert_non_null(h);
	if (h->status == STATUS_OBJECT_NAME_NOT_FOUND)
		skip();	/* no trusted.* extended attributes here (stream.h) */
	/* the file's other open is on another stream: batch, and no break */
	assert_int_equal(created(&a, 1, sfid), SMB2_OPLOCK_LEVEL_BATCH);
	assert_null(pdu(&a, 2));

	/* B opens the stream: A's stream open is broken to II, B waits */
	j = calloc(1, sizeof(*j));
	assert_non_null(j);
	j->p = &b;
	j->len = put_create(j->buf, &b, "st.txt:s", SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(pthread_create(&j->thread, NULL, create_thread, j), 0);
	assert_true(wait_pdus(&a, 3));
	h = pdu(&a, 2);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_II);
	assert_memory_equal((const u8 *)h + 64 + 8, sfid, 16);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, sfid, SMB2_OPLOCK_LEVEL_II)),
			 0);
	assert_int_equal(pthread_join(j->thread, NULL), 0);
	assert_int_equal(j->ret, 0);
	free(j);
	for (i = 0; (h = pdu(&b, i)) && h->status == STATUS_PENDING; i++)
		;
	assert_int_equal(created(&b, i, bsfid), SMB2_OPLOCK_LEVEL_II);

	/* a write through A's stream open: both level II of the stream go, the file's batch stays */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, sfid, 'w', 4)), 0);
	assert_true(wait_pdus(&b, i + 2));
	h = pdu(&b, i + 1);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
	assert_memory_equal((const u8 *)h + 64 + 8, bsfid, 16);
	for (i = 4; (h = pdu(&a, i)); i++) {
		if (le16_to_cpu(h->command) != SMB2_OPLOCK_BREAK)
			continue;
		assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
		assert_memory_equal((const u8 *)h + 64 + 8, sfid, 16);
	}
	/* the file's batch holder was never told anything: an ack finds no break */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_II)), 0);
	while (pdu(&a, i + 1))
		i++;
	h = pdu(&a, i);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_true(h->status == STATUS_INVALID_DEVICE_STATE);
}

/*
 * An overwriting CREATE of a named stream empties it only once the stream's
 * holder answered its break, as for a file.
 */
static void test_stream_overwrite_after_break(void **state)
{
	const struct smb2_hdr *h;
	struct create_job *j;
	u8 fid[16], buf[512];
	char file[128];
	u64 id;

	(void)state;
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_create(buf, &a, "sov.txt:s",
								   SMB2_OPLOCK_LEVEL_BATCH)), 0);
	h = pdu(&a, 0);
	assert_non_null(h);
	if (h->status == STATUS_OBJECT_NAME_NOT_FOUND)
		skip();	/* no trusted.* extended attributes here (stream.h) */
	assert_int_equal(created(&a, 0, fid), SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'a', 100)), 0);
	j = calloc(1, sizeof(*j));
	assert_non_null(j);
	j->p = &b;
	j->len = put_create_disp(j->buf, &b, "sov.txt:s", 0, FILE_OVERWRITE_IF);
	assert_int_equal(pthread_create(&j->thread, NULL, create_thread, j), 0);
	assert_true(wait_pdus(&a, 3));
	h = pdu(&a, 2);
	assert_int_equal(le16_to_cpu(h->command), SMB2_OPLOCK_BREAK);
	assert_int_equal(((const u8 *)h)[64 + 2], SMB2_OPLOCK_LEVEL_NONE);
	assert_true(wait_pdus(&b, 1));
	id = get_unaligned_le64(&pdu(&b, 0)->process_id);
	/* the holder flushes its cached data: nothing emptied the stream yet */
	snprintf(file, sizeof(file), "%s/sov.txt", dir);
	assert_int_equal(getxattr(file, "trusted.ksmbd.stream.s", NULL, 0), 100);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'b', 200)), 0);
	assert_int_equal(getxattr(file, "trusted.ksmbd.stream.s", NULL, 0), 200);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_ack(buf, fid, SMB2_OPLOCK_LEVEL_NONE)), 0);
	h = b_final(j, id);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(get_unaligned_le32((const u8 *)h + 64 + 4), FILE_OVERWRITTEN);
	assert_int_equal(get_unaligned_le64((const u8 *)h + 64 + 48), 0);	/* EndOfFile */
	assert_int_equal(getxattr(file, "trusted.ksmbd.stream.s", NULL, 0), 0);
}

/*
 * A stream open holding a batch oplock renames its stream to "::$DATA": the
 * stream's state, which held the oplock (oplock.h), goes; the open's oplock
 * goes first, so a later write and close of the open touch no freed state
 * (ASan), and the file's new opens are not broken by it.
 */
static void test_stream_rename_default_drops_oplock(void **state)
{
	static const char target[] = "::$DATA";
	u8 fid[16], bfid[16], buf[512];
	const struct smb2_hdr *h;
	size_t len, i, n = strlen(target);

	(void)state;
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_create(buf, &a, "rd.txt:s",
								   SMB2_OPLOCK_LEVEL_BATCH)), 0);
	h = pdu(&a, 0);
	assert_non_null(h);
	if (h->status == STATUS_OBJECT_NAME_NOT_FOUND)
		skip();	/* no trusted.* extended attributes here (stream.h) */
	assert_int_equal(created(&a, 0, fid), SMB2_OPLOCK_LEVEL_BATCH);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'r', 10)), 0);
	/* SET_INFO FileRenameInformation (MS-FSCC 2.4.37) to "::$DATA" */
	len = put_req(buf, SMB2_SET_INFO, 33, 32 + 20 + 2 * n, &a);
	buf[64 + 2] = 1;					/* SMB2_0_INFO_FILE */
	buf[64 + 3] = 10;					/* FileRenameInformation */
	put_unaligned_le32(20 + 2 * n, buf + 64 + 4);
	put_unaligned_le16(64 + 32, buf + 64 + 8);
	memcpy(buf + 64 + 16, fid, 16);
	put_unaligned_le32(2 * n, buf + 64 + 32 + 16);
	for (i = 0; i < n; i++)
		put_unaligned_le16(target[i], buf + 64 + 32 + 20 + 2 * i);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, 2);
	assert_non_null(h);
	assert_int_equal(le16_to_cpu(h->command), SMB2_SET_INFO);
	assert_int_equal(le32_to_cpu(h->status), 0);
	/* B opens the file: A's open holds no oplock any more, so no break */
	assert_int_equal(ksmbd_smb_process(b.conn, buf, put_create(buf, &b, "rd.txt",
								   SMB2_OPLOCK_LEVEL_NONE)), 0);
	created(&b, 0, bfid);
	assert_null(pdu(&a, 3));
	/* A's open names no stream now: the write fails; then it closes */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_write(buf, fid, 'x', 4)), 0);
	h = pdu(&a, 3);
	assert_non_null(h);
	assert_int_not_equal(le32_to_cpu(h->status), 0);
	len = put_req(buf, SMB2_CLOSE, 24, 24, &a);
	memcpy(buf + 64 + 8, fid, 16);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, 4);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
}

/* CHANGE_NOTIFY: A opens directory @name; its FileId in @fid. */
static void a_opens_dir(const char *name, u8 fid[16])
{
	u8 buf[512];
	size_t len = put_create_disp(buf, &a, name, 0, FILE_OPEN_IF);
	const struct smb2_hdr *h;
	int n = 0;

	put_unaligned_le32(FILE_DIRECTORY_FILE, buf + 64 + 40);
	while (pdu(&a, n))
		n++;
	assert_int_equal(ksmbd_smb_process(a.conn, buf, len), 0);
	h = pdu(&a, n);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
	memcpy(fid, (const u8 *)h + 64 + 64, 16);
}

/* A CHANGE_NOTIFY on @fid for name changes; its MessageId in *@mid. */
static size_t put_notify(u8 *buf, const u8 fid[16], u64 *mid)
{
	size_t len;

	*mid = a.mid;
	len = put_req(buf, SMB2_CHANGE_NOTIFY, 32, 32, &a);
	put_unaligned_le32(1000, buf + 64 + 4);			/* OutputBufferLength */
	memcpy(buf + 64 + 8, fid, 16);
	put_unaligned_le32(0x3, buf + 64 + 24);			/* FILE/DIR_NAME */
	return len;
}

/* A's PDU @n: an async CHANGE_NOTIFY response (interim or final). */
static const struct smb2_hdr *a_notify_pdu(int n, u64 mid)
{
	const struct smb2_hdr *h;

	assert_true(wait_pdus(&a, n + 1));
	h = pdu(&a, n);
	assert_non_null(h);
	assert_int_equal(le16_to_cpu(h->command), SMB2_CHANGE_NOTIFY);
	assert_int_equal(le64_to_cpu(h->message_id), mid);
	assert_true(h->flags & SMB2_FLAGS_ASYNC_COMMAND);
	return h;
}

/*
 * A waits (interim response, the worker is given back); B creates a file in
 * the directory; A's request answers with one ADDED entry for its name.
 */
static void test_notify_event(void **state)
{
	static const u8 name16[] = { 'f', 0, '.', 0, 't', 0 };
	const struct smb2_hdr *h;
	u8 fid[16], buf[512];
	const u8 *body;
	u64 mid, id;

	(void)state;
	a_opens_dir("nd", fid);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_notify(buf, fid, &mid)), 0);
	h = a_notify_pdu(1, mid);
	assert_true(h->status == STATUS_PENDING);
	id = get_unaligned_le64(&h->process_id);
	assert_true(id != 0);
	assert_int_equal(ksmbd_smb_process(b.conn, buf, put_create(buf, &b, "nd\\f.t", 0)), 0);
	h = a_notify_pdu(2, mid);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_int_equal(get_unaligned_le64(&h->process_id), id);
	assert_int_equal(le16_to_cpu(h->credit_request), 0);
	body = (const u8 *)h + 64;
	assert_int_equal(get_unaligned_le16(body), 9);
	assert_int_equal(get_unaligned_le16(body + 2), 72);
	assert_int_equal(get_unaligned_le32(body + 4), 20);
	assert_int_equal(get_unaligned_le32(body + 8), 0);		/* NextEntryOffset */
	assert_int_equal(get_unaligned_le32(body + 12), 1);		/* ADDED */
	assert_int_equal(get_unaligned_le32(body + 16), 6);
	assert_memory_equal(body + 20, name16, 6);
}

/* Changes between requests wait on the open; CLOSE answers a waiting one NOTIFY_CLEANUP. */
static void test_notify_queue_and_close(void **state)
{
	const struct smb2_hdr *h;
	u8 fid[16], buf[512];
	u64 mid;
	int n;

	(void)state;
	a_opens_dir("nq", fid);
	/* the first request sets the watch up; CANCEL by AsyncId ends it */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_notify(buf, fid, &mid)), 0);
	h = a_notify_pdu(1, mid);
	put_req(buf, SMB2_CANCEL, 4, 4, &a);
	((struct smb2_hdr *)buf)->flags |= SMB2_FLAGS_ASYNC_COMMAND;
	put_unaligned_le64(get_unaligned_le64(&h->process_id), buf + 32);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, 68), 0);
	h = a_notify_pdu(2, mid);
	assert_true(h->status == STATUS_CANCELLED);
	/* a change with no request waiting is kept for the next one */
	assert_int_equal(ksmbd_smb_process(b.conn, buf, put_create(buf, &b, "nq\\g", 0)), 0);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_notify(buf, fid, &mid)), 0);
	h = pdu(&a, 3);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
	assert_false(h->flags & SMB2_FLAGS_ASYNC_COMMAND);
	assert_int_equal(get_unaligned_le32((const u8 *)h + 64 + 12), 1);
	/* a waiting request, then CLOSE of its open */
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_notify(buf, fid, &mid)), 0);
	assert_true(a_notify_pdu(4, mid)->status == STATUS_PENDING);
	put_req(buf, SMB2_CLOSE, 24, 24, &a);
	memcpy(buf + 64 + 8, fid, 16);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, 64 + 24), 0);
	assert_true(wait_pdus(&a, 7));
	for (n = 5; n < 7; n++) {
		h = pdu(&a, n);
		if (le16_to_cpu(h->command) == SMB2_CHANGE_NOTIFY)
			break;
	}
	assert_int_not_equal(n, 7);
	assert_int_equal(le32_to_cpu(h->status), 0x0000010b);	/* STATUS_NOTIFY_CLEANUP */
}

/* A CANCEL by MessageId that overtakes its request still cancels it. */
static void test_notify_cancel_early(void **state)
{
	const struct smb2_hdr *h;
	u8 fid[16], buf[512], cbuf[128];
	u64 mid;

	(void)state;
	a_opens_dir("nc", fid);
	put_notify(buf, fid, &mid);
	put_req(cbuf, SMB2_CANCEL, 4, 4, &a);
	put_unaligned_le64(mid, cbuf + 24);		/* the NOTIFY's MessageId */
	assert_int_equal(ksmbd_smb_process(a.conn, cbuf, 68), 0);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, 64 + 32), 0);
	assert_true(a_notify_pdu(1, mid)->status == STATUS_PENDING);
	h = a_notify_pdu(2, mid);
	assert_true(h->status == STATUS_CANCELLED);
}

/* A waiting request ends with its connection: nothing is left behind. */
static void test_notify_teardown(void **state)
{
	u8 fid[16], buf[512];
	u64 mid;

	(void)state;
	a_opens_dir("nt", fid);
	assert_int_equal(ksmbd_smb_process(a.conn, buf, put_notify(buf, fid, &mid)), 0);
	assert_true(a_notify_pdu(1, mid)->status == STATUS_PENDING);
	/* teardown() frees the connection: it must answer and wait for the request */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_break_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_other_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_break_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_breaks_many_level2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_truncates_after_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_oplocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_overwrite_after_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_rename_default_drops_oplock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_notify_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_queue_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_cancel_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_teardown, setup, teardown),
	};

	return cmocka_run_group_tests_name("async", tests, group_setup, group_teardown);
}
