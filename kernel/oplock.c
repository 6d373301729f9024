// SPDX-License-Identifier: GPL-2.0
/*
 * Oplocks: the state machine of oplock.h, the holders of each file, break
 * notifications, acknowledgments and timeouts.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "file.h"
#include "inode.h"
#include "oplock.h"
#include "smb2.h"

unsigned int ksmbd_oplock_break_timeout_ms = 35000;

/* Every ksmbd_oplock and holder list (oplock.h). */
static DEFINE_MUTEX(ksmbd_oplock_lock);
/*
 * Waiting CREATEs sleep here for ksmbd_oplock_events to move: a break ended
 * (ack, close, timeout) or a request was cancelled. The condition reads only
 * that counter and the request's own cancel flag, so wakers may hold locks.
 */
static DECLARE_WAIT_QUEUE_HEAD(ksmbd_oplock_wq);
static atomic_t ksmbd_oplock_events = ATOMIC_INIT(0);

static void ksmbd_oplock_wake(void)
{
	atomic_inc(&ksmbd_oplock_events);
	wake_up_all(&ksmbd_oplock_wq);
}

static bool ksmbd_oplock_strong(u8 level)
{
	return level == SMB2_OPLOCK_LEVEL_EXCLUSIVE || level == SMB2_OPLOCK_LEVEL_BATCH;
}

u8 ksmbd_oplock_grant_level(u8 requested, bool is_dir, unsigned int other_opens,
			    unsigned int strong)
{
	if (is_dir || requested == SMB2_OPLOCK_LEVEL_NONE)
		return SMB2_OPLOCK_LEVEL_NONE;
	if (ksmbd_oplock_strong(requested) && !other_opens)
		return requested;
	if ((ksmbd_oplock_strong(requested) || requested == SMB2_OPLOCK_LEVEL_II) && !strong)
		return SMB2_OPLOCK_LEVEL_II;
	/* LEASE (not granted here) and unknown values */
	return SMB2_OPLOCK_LEVEL_NONE;
}

static void ksmbd_oplock_set_none(struct ksmbd_oplock *op)
{
	op->state = KSMBD_OPLOCK_NONE;
	op->level = SMB2_OPLOCK_LEVEL_NONE;
	op->break_to = SMB2_OPLOCK_LEVEL_NONE;
}

bool ksmbd_oplock_break(struct ksmbd_oplock *op, u8 to, unsigned long deadline,
			u8 *notify, bool *wait)
{
	*wait = false;
	if (op->state != KSMBD_OPLOCK_HELD)
		return false;	/* nothing held, or a break already under way */
	if (op->level == SMB2_OPLOCK_LEVEL_II) {
		if (to != SMB2_OPLOCK_LEVEL_NONE)
			return false;
		/* 2.2.24.1: a break from level II is to none, unacknowledged. */
		ksmbd_oplock_set_none(op);
		*notify = SMB2_OPLOCK_LEVEL_NONE;
		return true;
	}
	if (!ksmbd_oplock_strong(op->level))
		return false;
	op->state = KSMBD_OPLOCK_BREAKING;
	op->break_to = to == SMB2_OPLOCK_LEVEL_II ? SMB2_OPLOCK_LEVEL_II : SMB2_OPLOCK_LEVEL_NONE;
	op->deadline = deadline;
	*notify = op->break_to;
	*wait = true;
	return true;
}

__le32 ksmbd_oplock_ack(struct ksmbd_oplock *op, u8 ack, u8 *granted)
{
	*granted = op->level;
	/*
	 * No break under way. An open that holds nothing (a level II broken
	 * to none needs no ack) gets what Windows answers,
	 * STATUS_INVALID_OPLOCK_PROTOCOL; one that holds its oplock the
	 * 3.3.5.22.1 status.
	 */
	if (op->state == KSMBD_OPLOCK_NONE)
		return STATUS_INVALID_OPLOCK_PROTOCOL;
	if (op->state != KSMBD_OPLOCK_BREAKING)
		return STATUS_INVALID_DEVICE_STATE;
	if (ack == SMB2_OPLOCK_LEVEL_LEASE) {
		ksmbd_oplock_set_none(op);
		*granted = SMB2_OPLOCK_LEVEL_NONE;
		return STATUS_INVALID_PARAMETER;
	}
	if (ack != SMB2_OPLOCK_LEVEL_NONE && ack != SMB2_OPLOCK_LEVEL_II) {
		ksmbd_oplock_set_none(op);
		*granted = SMB2_OPLOCK_LEVEL_NONE;
		return STATUS_INVALID_OPLOCK_PROTOCOL;
	}
	/* Never more than the notification offered. */
	if (ack > op->break_to)
		ack = op->break_to;
	if (ack == SMB2_OPLOCK_LEVEL_NONE) {
		ksmbd_oplock_set_none(op);
	} else {
		op->state = KSMBD_OPLOCK_HELD;
		op->level = ack;
		op->break_to = SMB2_OPLOCK_LEVEL_NONE;
	}
	*granted = ack;
	return STATUS_SUCCESS;
}

bool ksmbd_oplock_timeout(struct ksmbd_oplock *op, unsigned long now)
{
	if (op->state != KSMBD_OPLOCK_BREAKING || time_before(now, op->deadline))
		return false;
	ksmbd_oplock_set_none(op);
	return true;
}

/* A notification to send once the lock is dropped. */
struct ksmbd_oplock_notify {
	struct ksmbd_conn *conn;	/* a reference */
	u64 persistent_id, volatile_id;
	u8 level;
};

void ksmbd_oplock_move_conn(struct ksmbd_file *fp, struct ksmbd_conn *from,
			    struct ksmbd_conn *to)
{
	mutex_lock(&ksmbd_oplock_lock);
	if (fp->conn == from)
		fp->conn = to;
	mutex_unlock(&ksmbd_oplock_lock);
}

/* Remember a notification for holder @h; ksmbd_oplock_lock held. */
static void ksmbd_oplock_queue(struct ksmbd_oplock_notify *n, int *nr, int max,
			       struct ksmbd_file *h, u8 level)
{
	if (*nr >= max || !h->conn || !ksmbd_conn_tryget(h->conn))
		return;	/* a connection on its way out is not told */
	n[*nr].conn = h->conn;
	n[*nr].persistent_id = h->persistent_id;
	n[*nr].volatile_id = h->volatile_id;
	n[*nr].level = level;
	(*nr)++;
}

/*
 * MS-SMB2 3.3.4.6: the Oplock Break Notification. MessageId all ones,
 * SessionId and TreeId 0, no credits, unsigned.
 */
static void ksmbd_oplock_send(struct ksmbd_oplock_notify *n, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		u8 buf[sizeof(struct smb2_hdr) + 24] = {};
		struct smb2_hdr *h = (struct smb2_hdr *)buf;
		u8 *b = buf + sizeof(*h);
		struct kvec iov = { .iov_base = buf, .iov_len = sizeof(buf) };

		h->protocol_id = SMB2_PROTO_ID;
		h->structure_size = cpu_to_le16(SMB2_HEADER_STRUCTURE_SIZE);
		h->command = cpu_to_le16(SMB2_OPLOCK_BREAK);
		h->flags = SMB2_FLAGS_SERVER_TO_REDIR;
		h->message_id = cpu_to_le64(U64_MAX);
		put_unaligned_le16(24, b);
		b[2] = n[i].level;
		put_unaligned_le64(n[i].persistent_id, b + 8);
		put_unaligned_le64(n[i].volatile_id, b + 16);
		if (ksmbd_conn_write(n[i].conn, &iov, 1))
			pr_debug("oplock break notification not sent\n");
		ksmbd_conn_put(n[i].conn);
	}
}

/* Time out the file's overdue breaks; ksmbd_oplock_lock held. True when any did. */
static bool ksmbd_oplock_expire(struct list_head *holders)
{
	struct ksmbd_oplock *op, *tmp;
	unsigned long now = jiffies;
	bool any = false;

	list_for_each_entry_safe(op, tmp, holders, node) {
		if (ksmbd_oplock_timeout(op, now)) {
			list_del_init(&op->node);
			any = true;
		}
	}
	return any;
}

#define KSMBD_OPLOCK_NOTIFY_MAX	16

static void ksmbd_oplock_cancelled(struct ksmbd_async *a)
{
	ksmbd_oplock_wake();
}

/*
 * Break what @fp conflicts with and wait for it; then, unless @batch_only,
 * grant @fp its level. @batch_only: break only BATCH holders, to II
 * (a sharing violation, see ksmbd_oplock_break_batch()).
 */
static __le32 ksmbd_oplock_settle(struct ksmbd_work *w, struct ksmbd_file *fp, u8 requested,
				  bool overwrite, bool stat_open, bool batch_only, u8 *granted)
{
	struct ksmbd_oplock_notify n[KSMBD_OPLOCK_NOTIFY_MAX];
	struct list_head *holders = ksmbd_inode_oplocks(fp->ni);
	unsigned long timeout = msecs_to_jiffies(ksmbd_oplock_break_timeout_ms);
	bool registered = false;
	__le32 status = STATUS_SUCCESS;

	for (;;) {
		unsigned long deadline = jiffies + timeout, wait_until = deadline;
		unsigned int strong = 0;
		bool must_wait = false, more = false;
		struct ksmbd_oplock *op;
		int nr = 0, snap;

		mutex_lock(&ksmbd_oplock_lock);
		snap = atomic_read(&ksmbd_oplock_events);
		ksmbd_oplock_expire(holders);
		list_for_each_entry(op, holders, node) {
			struct ksmbd_file *h = container_of(op, struct ksmbd_file, oplock);
			u8 to = overwrite ? SMB2_OPLOCK_LEVEL_NONE : SMB2_OPLOCK_LEVEL_II;
			bool wait;
			u8 level;

			if (stat_open)
				break;
			if (batch_only && op->level != SMB2_OPLOCK_LEVEL_BATCH)
				continue;
			if (op->state == KSMBD_OPLOCK_BREAKING) {
				must_wait = true;
				if (time_before(op->deadline, wait_until))
					wait_until = op->deadline;
				continue;
			}
			if (nr == ARRAY_SIZE(n)) {
				more = true;	/* no break without its notification */
				continue;
			}
			if (ksmbd_oplock_break(op, to, deadline, &level, &wait)) {
				ksmbd_oplock_queue(n, &nr, ARRAY_SIZE(n), h, level);
				must_wait |= wait;
			}
		}
		list_for_each_entry(op, holders, node)
			if (ksmbd_oplock_strong(op->level))
				strong++;
		if (!must_wait && !more && !batch_only) {
			/* Level II holders broken to none leave the list. */
			struct ksmbd_oplock *tmp;

			list_for_each_entry_safe(op, tmp, holders, node)
				if (op->state == KSMBD_OPLOCK_NONE)
					list_del_init(&op->node);
			*granted = ksmbd_oplock_grant_level(requested, fp->is_dir,
							    ksmbd_inode_opens(fp->ni) - 1, strong);
			if (*granted != SMB2_OPLOCK_LEVEL_NONE) {
				fp->oplock.state = KSMBD_OPLOCK_HELD;
				fp->oplock.level = *granted;
				list_add_tail(&fp->oplock.node, holders);
			}
		}
		mutex_unlock(&ksmbd_oplock_lock);
		ksmbd_oplock_send(n, nr);
		if (more)
			continue;	/* the holders not told yet */
		if (!must_wait)
			break;

		/* Wait for the acks: asynchronously where the request may go so. */
		if (!registered) {
			if (ksmbd_async_begin(w, ksmbd_oplock_cancelled)) {
				status = STATUS_CANCELLED;
				break;
			}
			registered = true;
			ksmbd_async_interim(w);
		}
		wait_until = time_after(wait_until, jiffies) ? wait_until - jiffies : 0;
		wait_event_timeout(ksmbd_oplock_wq,
				   atomic_read(&ksmbd_oplock_events) != snap ||
				   READ_ONCE(w->async.cancelled), wait_until + 1);
		if (READ_ONCE(w->async.cancelled)) {
			status = STATUS_CANCELLED;
			break;
		}
	}
	if (registered)
		ksmbd_async_end(w);
	return status;
}

__le32 ksmbd_oplock_create(struct ksmbd_work *w, struct ksmbd_file *fp, u8 requested,
			   bool overwrite, bool stat_open, u8 *granted)
{
	return ksmbd_oplock_settle(w, fp, requested, overwrite, stat_open, false, granted);
}

bool ksmbd_oplock_has_batch(struct ksmbd_file *fp)
{
	struct ksmbd_oplock *op;
	bool found = false;

	mutex_lock(&ksmbd_oplock_lock);
	if (fp->ni) {
		list_for_each_entry(op, ksmbd_inode_oplocks(fp->ni), node)
			if (op->level == SMB2_OPLOCK_LEVEL_BATCH)
				found = true;
	}
	mutex_unlock(&ksmbd_oplock_lock);
	return found;
}

__le32 ksmbd_oplock_break_batch(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	u8 granted;

	return ksmbd_oplock_settle(w, fp, SMB2_OPLOCK_LEVEL_NONE, false, false, true, &granted);
}

void ksmbd_oplock_break_level2(struct ksmbd_file *fp)
{
	struct ksmbd_oplock_notify n[KSMBD_OPLOCK_NOTIFY_MAX];
	struct ksmbd_oplock *op, *tmp;
	struct list_head *holders;
	bool more;
	int nr;

	do {
		more = false;
		nr = 0;
		mutex_lock(&ksmbd_oplock_lock);
		/* Released: fp->ni is gone (release drops it under this lock). */
		if (fp->oplock.gone || !fp->ni) {
			mutex_unlock(&ksmbd_oplock_lock);
			return;
		}
		holders = ksmbd_inode_oplocks(fp->ni);
		list_for_each_entry_safe(op, tmp, holders, node) {
			struct ksmbd_file *h = container_of(op, struct ksmbd_file, oplock);
			bool wait;
			u8 level;

			if (op->level != SMB2_OPLOCK_LEVEL_II)
				continue;
			if (nr == ARRAY_SIZE(n)) {
				more = true;	/* no break without its notification */
				break;
			}
			if (ksmbd_oplock_break(op, SMB2_OPLOCK_LEVEL_NONE, 0, &level, &wait)) {
				list_del_init(&op->node);
				ksmbd_oplock_queue(n, &nr, ARRAY_SIZE(n), h, level);
			}
		}
		mutex_unlock(&ksmbd_oplock_lock);
		ksmbd_oplock_send(n, nr);
	} while (more);
}

bool ksmbd_oplock_release(struct ksmbd_file *fp, bool delete_on_close)
{
	bool was = false, del;

	mutex_lock(&ksmbd_oplock_lock);
	if (!list_empty(&fp->oplock.node)) {
		list_del_init(&fp->oplock.node);
		was = fp->oplock.state == KSMBD_OPLOCK_BREAKING;
	}
	ksmbd_oplock_set_none(&fp->oplock);
	fp->oplock.gone = true;
	/*
	 * The open goes with its oplock, under the lock: a waiting CREATE
	 * never sees the oplock gone but the open still there.
	 */
	del = ksmbd_inode_close(&fp->ni, delete_on_close);
	mutex_unlock(&ksmbd_oplock_lock);
	if (was)
		ksmbd_oplock_wake();
	return del;
}

/* MS-SMB2 2.2.24.1 request, 2.2.25.1 response: the same 24-byte layout. */
__le32 ksmbd_smb2_oplock_break(struct ksmbd_work *w)
{
	const u8 *b = ksmbd_req_body(w);
	struct ksmbd_file *fp;
	__le32 status;
	u8 granted;
	u8 *rsp;

	/* A lease break acknowledgment: no lease is ever granted (3.3.5.22.2). */
	if (get_unaligned_le16(b) != 24)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	status = ksmbd_work_file(w, b + 8, &w->fp);
	if (status != STATUS_SUCCESS)
		return status;
	fp = w->fp;
	mutex_lock(&ksmbd_oplock_lock);
	status = ksmbd_oplock_ack(&fp->oplock, b[2], &granted);
	if (fp->oplock.state == KSMBD_OPLOCK_NONE)
		list_del_init(&fp->oplock.node);
	mutex_unlock(&ksmbd_oplock_lock);
	ksmbd_oplock_wake();
	if (status != STATUS_SUCCESS)
		return status;
	rsp = ksmbd_rsp_body(w, 24);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le16(24, rsp);
	rsp[2] = granted;
	memcpy(rsp + 8, b + 8, 16);
	return STATUS_SUCCESS;
}
