// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMB2 LOCK through the request path, for what smbtorture's smb2.lock does
 * not reach: two in-memory connections, each with a session and a tree on a
 * temporary directory. A lock waiting on connection B is granted when A logs
 * off, ends with STATUS_CANCELLED when B's connection is torn down, and with
 * STATUS_RANGE_NOT_LOCKED when its own open is closed; READ/WRITE conflicts
 * across connections; locks on directories; lock sequence replays on an
 * open that keeps the sequence array (no open does in the engine yet).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>
#include <asm/unaligned.h>
#include "file.h"
#include "lock.h"
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
static char dir[] = "/tmp/kc-lock-XXXXXX";

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

static int setup(void **state)
{
	(void)state;
	peer_up(&a, dir);
	peer_up(&b, dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	peer_down(&a);
	peer_down(&b);
	return 0;
}

/* Send one request on @p and return its answer's status (the PDU is the @n-th sent). */
static __le32 run(struct peer *p, u8 *buf, size_t len)
{
	int n = writes(p);
	const struct smb2_hdr *h;

	assert_int_equal(ksmbd_smb_process(p->conn, buf, len), 0);
	h = pdu(p, n);
	assert_non_null(h);
	return h->status;
}

/* Open (or create) @name with all access on @p; @dir: a directory. FileId in @fid. */
static void open_file(struct peer *p, const char *name, bool is_dir, u8 fid[16])
{
	size_t n = strlen(name), i, len;
	u8 buf[512], *body = buf + 64;
	const struct smb2_hdr *h;
	int w = writes(p);

	len = put_req(buf, SMB2_CREATE, 57, 56 + 2 * n, p);
	put_unaligned_le32(2, body + 4);			/* impersonation */
	put_unaligned_le32(0x001f01ff, body + 24);		/* DesiredAccess */
	put_unaligned_le32(0x7, body + 32);			/* ShareAccess */
	put_unaligned_le32(FILE_OPEN_IF, body + 36);
	put_unaligned_le32(is_dir ? FILE_DIRECTORY_FILE : 0, body + 40);
	put_unaligned_le16(64 + 56, body + 44);
	put_unaligned_le16(2 * n, body + 46);
	for (i = 0; i < n; i++)
		put_unaligned_le16(name[i], body + 56 + 2 * i);
	assert_int_equal(ksmbd_smb_process(p->conn, buf, len), 0);
	h = pdu(p, w);
	assert_non_null(h);
	assert_int_equal(le32_to_cpu(h->status), 0);
	memcpy(fid, (const u8 *)h + 64 + 64, 16);
}

/* A LOCK of one element on @fid. */
static size_t put_lock(u8 *buf, struct peer *p, const u8 fid[16], u64 off, u64 len, u32 flags,
		       u32 seq)
{
	size_t n = put_req(buf, SMB2_LOCK, 48, 48, p);

	put_unaligned_le16(1, buf + 64 + 2);
	put_unaligned_le32(seq, buf + 64 + 4);
	memcpy(buf + 64 + 8, fid, 16);
	put_unaligned_le64(off, buf + 64 + 24);
	put_unaligned_le64(len, buf + 64 + 32);
	put_unaligned_le32(flags, buf + 64 + 40);
	return n;
}

static __le32 lock(struct peer *p, const u8 fid[16], u64 off, u64 len, u32 flags)
{
	u8 buf[128];

	return run(p, buf, put_lock(buf, p, fid, off, len, flags, 0));
}

struct job {
	struct peer *p;
	u8 buf[512];
	size_t len;
	int ret;
	pthread_t thread;
};

static void *job_thread(void *arg)
{
	struct job *j = arg;

	j->ret = ksmbd_smb_process(j->p->conn, j->buf, j->len);
	return NULL;
}

/* Start B's exclusive lock of [0, 10) on @fid, which must wait: its interim response. */
static struct job *b_waits(const u8 fid[16], u64 *async_id)
{
	struct job *j = calloc(1, sizeof(*j));
	const struct smb2_hdr *h;

	int w = writes(&b);

	assert_non_null(j);
	j->p = &b;
	j->len = put_lock(j->buf, &b, fid, 0, 10, SMB2_LOCKFLAG_EXCLUSIVE_LOCK, 0);
	assert_int_equal(pthread_create(&j->thread, NULL, job_thread, j), 0);
	assert_true(wait_pdus(&b, w + 1));
	h = pdu(&b, w);
	assert_int_equal(le16_to_cpu(h->command), SMB2_LOCK);
	assert_true(h->status == STATUS_PENDING);
	assert_true(h->flags & SMB2_FLAGS_ASYNC_COMMAND);
	*async_id = get_unaligned_le64(&h->process_id);
	return j;
}

/* Join the waiting lock; the status of its final (async) response. */
static __le32 b_final(struct job *j, u64 async_id)
{
	const struct smb2_hdr *h;

	const struct smb2_hdr *found = NULL;
	int i;

	assert_int_equal(pthread_join(j->thread, NULL), 0);
	assert_int_equal(j->ret, 0);
	free(j);
	/* another request's answer (CLOSE, LOGOFF) may come after it */
	for (i = 0; (h = pdu(&b, i)); i++)
		if (le16_to_cpu(h->command) == SMB2_LOCK && h->status != STATUS_PENDING)
			found = h;
	assert_non_null(found);
	assert_true(found->flags & SMB2_FLAGS_ASYNC_COMMAND);
	assert_int_equal(get_unaligned_le64(&found->process_id), async_id);
	return found->status;
}

/* A lock held on another connection: B waits until A logs off, then gets it. */
static void test_granted_after_logoff(void **state)
{
	u8 fa[16], fb[16], buf[128];
	struct job *j;
	u64 id;

	(void)state;
	open_file(&a, "logoff.txt", false, fa);
	open_file(&b, "logoff.txt", false, fb);
	assert_true(lock(&a, fa, 5, 1, SMB2_LOCKFLAG_SHARED_LOCK) == STATUS_SUCCESS);
	j = b_waits(fb, &id);
	assert_true(run(&a, buf, put_req(buf, SMB2_LOGOFF, 4, 4, &a)) == STATUS_SUCCESS);
	assert_true(b_final(j, id) == STATUS_SUCCESS);
	/* B holds it now */
	assert_true(lock(&b, fb, 0, 10, SMB2_LOCKFLAG_UNLOCK) == STATUS_SUCCESS);
}

/* B's connection goes away while it waits: STATUS_CANCELLED, A keeps its lock. */
static void test_teardown_cancels(void **state)
{
	u8 fa[16], fb[16];
	struct job *j;
	u64 id;

	(void)state;
	open_file(&a, "down.txt", false, fa);
	open_file(&b, "down.txt", false, fb);
	assert_true(lock(&a, fa, 9, 1, SMB2_LOCKFLAG_EXCLUSIVE_LOCK) == STATUS_SUCCESS);
	j = b_waits(fb, &id);
	ksmbd_async_cancel_all(b.conn, 0, NULL, true);
	assert_true(b_final(j, id) == STATUS_CANCELLED);
	assert_true(lock(&a, fa, 9, 1, SMB2_LOCKFLAG_UNLOCK) == STATUS_SUCCESS);
}

/* The waiting lock's own open is closed: STATUS_RANGE_NOT_LOCKED. */
static void test_close_ends_wait(void **state)
{
	u8 fa[16], fb[16], buf[128];
	struct job *j;
	size_t len;
	u64 id;

	(void)state;
	open_file(&a, "close.txt", false, fa);
	open_file(&b, "close.txt", false, fb);
	assert_true(lock(&a, fa, 0, 1, SMB2_LOCKFLAG_EXCLUSIVE_LOCK) == STATUS_SUCCESS);
	j = b_waits(fb, &id);
	len = put_req(buf, SMB2_CLOSE, 24, 24, &b);
	memcpy(buf + 64 + 8, fb, 16);
	assert_int_equal(ksmbd_smb_process(b.conn, buf, len), 0);
	assert_true(b_final(j, id) == STATUS_RANGE_NOT_LOCKED);
}

/* READ and WRITE from another connection over an exclusive lock, and over a shared one. */
static void test_io_across_connections(void **state)
{
	u8 fa[16], fb[16], buf[256];
	size_t len;

	(void)state;
	open_file(&a, "io.txt", false, fa);
	open_file(&b, "io.txt", false, fb);
	assert_true(lock(&a, fa, 0, 100, SMB2_LOCKFLAG_EXCLUSIVE_LOCK |
			 SMB2_LOCKFLAG_FAIL_IMMEDIATELY) == STATUS_SUCCESS);
	len = put_req(buf, SMB2_WRITE, 49, 48 + 4, &b);
	put_unaligned_le16(64 + 48, buf + 64 + 2);
	put_unaligned_le32(4, buf + 64 + 4);
	put_unaligned_le64(98, buf + 64 + 8);
	memcpy(buf + 64 + 16, fb, 16);
	memcpy(buf + 64 + 48, "abcd", 4);
	assert_true(run(&b, buf, len) == STATUS_FILE_LOCK_CONFLICT);
	put_unaligned_le64(100, buf + 64 + 8);
	((struct smb2_hdr *)buf)->message_id = cpu_to_le64(b.mid++);
	assert_true(run(&b, buf, len) == STATUS_SUCCESS);
	len = put_req(buf, SMB2_READ, 49, 49, &b);
	put_unaligned_le32(10, buf + 64 + 4);
	put_unaligned_le64(95, buf + 64 + 8);
	memcpy(buf + 64 + 16, fb, 16);
	assert_true(run(&b, buf, len) == STATUS_FILE_LOCK_CONFLICT);
	/* A's own I/O is fine; a shared lock of B's then blocks A's writes too */
	assert_true(lock(&a, fa, 0, 100, SMB2_LOCKFLAG_UNLOCK) == STATUS_SUCCESS);
	assert_true(lock(&b, fb, 0, 100, SMB2_LOCKFLAG_SHARED_LOCK) == STATUS_SUCCESS);
	len = put_req(buf, SMB2_WRITE, 49, 48 + 4, &a);
	put_unaligned_le16(64 + 48, buf + 64 + 2);
	put_unaligned_le32(4, buf + 64 + 4);
	memcpy(buf + 64 + 16, fa, 16);
	assert_true(run(&a, buf, len) == STATUS_FILE_LOCK_CONFLICT);
}

/* No locks on directories (MS-FSA 2.1.5.7). */
static void test_directory(void **state)
{
	u8 fd[16];

	(void)state;
	open_file(&a, "adir", true, fd);
	assert_true(lock(&a, fd, 0, 1, SMB2_LOCKFLAG_SHARED_LOCK) == STATUS_INVALID_PARAMETER);
}

/*
 * MS-SMB2 3.3.5.14 lock sequence replay, on an open that keeps the array
 * (set by hand here: durable, resilient and persistent opens do not exist
 * yet): a replayed LOCK succeeds and does nothing; a new number at the same
 * index is processed.
 */
static void test_lock_sequence_replay(void **state)
{
	u32 seq = 1 << 4 | 5, excl = SMB2_LOCKFLAG_EXCLUSIVE_LOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY;
	struct ksmbd_file *fp;
	u8 fa[16], buf[128];

	(void)state;
	open_file(&a, "replay.txt", false, fa);
	fp = ksmbd_file_get(a.tree, get_unaligned_le64(fa), get_unaligned_le64(fa + 8));
	assert_non_null(fp);
	fp->lock_replay = true;
	ksmbd_file_put(fp);
	assert_true(run(&a, buf, put_lock(buf, &a, fa, 0, 10, excl, seq)) == STATUS_SUCCESS);
	/* the replay: success, and no second lock (it would conflict) */
	assert_true(run(&a, buf, put_lock(buf, &a, fa, 0, 10, excl, seq)) == STATUS_SUCCESS);
	/* another number at index 1: processed, and it conflicts */
	assert_true(run(&a, buf, put_lock(buf, &a, fa, 0, 10, excl, seq + 1)) ==
		    STATUS_LOCK_NOT_GRANTED);
	assert_true(lock(&a, fa, 0, 10, SMB2_LOCKFLAG_UNLOCK) == STATUS_SUCCESS);
	assert_true(lock(&a, fa, 0, 10, SMB2_LOCKFLAG_UNLOCK) == STATUS_RANGE_NOT_LOCKED);
	/* index 0 is never a replay */
	assert_true(run(&a, buf, put_lock(buf, &a, fa, 0, 10, excl, 5)) == STATUS_SUCCESS);
	assert_true(run(&a, buf, put_lock(buf, &a, fa, 0, 10, excl, 5)) ==
		    STATUS_LOCK_NOT_GRANTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_granted_after_logoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_ends_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_across_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_sequence_replay, setup, teardown),
	};

	return cmocka_run_group_tests_name("lock_path", tests, group_setup, group_teardown);
}
