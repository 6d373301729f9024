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
#include "session.h"
#include "smb2.h"
#include "stream.h"

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

bool ksmbd_oplock_stat_access(u32 access)
{
	return !(access & ~(u32)(FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE));
}

bool ksmbd_lease_stat_access(u32 access)
{
	return ksmbd_oplock_stat_access(access & ~(u32)READ_CONTROL);
}

u32 ksmbd_lease_asked(u32 requested, bool is_dir)
{
	return is_dir ? requested & ~(u32)SMB2_LEASE_WRITE : requested;
}

bool ksmbd_lease_parent_exempt(const struct ksmbd_oplock *op, const struct ksmbd_lease *l)
{
	return op->has_parent && !memcmp(l->key, op->parent_key, 16) &&
	       !memcmp(l->client_guid, op->client_guid, 16);
}

u32 ksmbd_lease_grant_state(u32 requested, bool other_keys, bool level2)
{
	u32 g = requested & (SMB2_LEASE_READ | SMB2_LEASE_HANDLE | SMB2_LEASE_WRITE);

	if (!(g & SMB2_LEASE_READ))
		return SMB2_LEASE_NONE_STATE;
	if (other_keys)
		g &= ~SMB2_LEASE_WRITE;
	if (level2)
		g &= ~SMB2_LEASE_HANDLE;
	return g;
}

void ksmbd_lease_upgrade(struct ksmbd_lease *l, u32 requested, u32 grant)
{
	requested &= SMB2_LEASE_READ | SMB2_LEASE_HANDLE | SMB2_LEASE_WRITE;
	/* Only to a valid strict superset that can be granted whole. */
	if (l->breaking || grant != requested || (grant & l->state) != l->state ||
	    grant == l->state)
		return;
	l->state = grant;
	l->epoch++;
}

bool ksmbd_lease_break(struct ksmbd_lease *l, u32 keep, unsigned long deadline,
		       u32 *from, u32 *new, bool *ack)
{
	u32 to;

	*ack = false;
	if (l->breaking) {
		l->break_to &= keep;
		return false;
	}
	to = l->state & keep;
	if (to == l->state)
		return false;
	*from = l->state;
	*new = to;
	l->epoch++;
	if (l->state & (SMB2_LEASE_WRITE | SMB2_LEASE_HANDLE)) {
		l->breaking = true;
		l->from_write = l->state & SMB2_LEASE_WRITE;
		l->notified = to;
		l->break_to = to;
		l->deadline = deadline;
		*ack = true;
	} else {
		l->state = to;
	}
	return true;
}

__le32 ksmbd_lease_ack(struct ksmbd_lease *l, u32 ack, unsigned long deadline, bool *again,
		       u32 *from, u32 *new, bool *ackreq)
{
	u32 final = l->break_to, to;
	bool from_write;
	u16 epoch;

	*again = false;
	if (!l->breaking)
		return STATUS_UNSUCCESSFUL;
	if (ack & ~l->notified)
		return STATUS_REQUEST_NOT_ACCEPTED;
	l->state = ack;
	l->breaking = false;
	l->notified = SMB2_LEASE_NONE_STATE;
	l->break_to = SMB2_LEASE_NONE_STATE;
	/* Handle caching goes first, then read caching, as Windows does. */
	to = final;
	if ((ack & SMB2_LEASE_HANDLE) && !(final & SMB2_LEASE_HANDLE))
		to |= ack & SMB2_LEASE_READ;
	/* The breaks that follow an ack keep the epoch of the first one. */
	epoch = l->epoch;
	from_write = l->from_write;
	*again = ksmbd_lease_break(l, to, deadline, from, new, ackreq);
	l->epoch = epoch;
	if (*again && l->breaking) {
		l->break_to = final;
		l->from_write = from_write;
	}
	return STATUS_SUCCESS;
}

bool ksmbd_lease_timeout(struct ksmbd_lease *l, unsigned long now)
{
	if (!l->breaking || time_before(now, l->deadline))
		return false;
	/* As an oplock's: an unacknowledged break leaves nothing cached. */
	l->state = SMB2_LEASE_NONE_STATE;
	l->breaking = false;
	l->notified = SMB2_LEASE_NONE_STATE;
	l->break_to = SMB2_LEASE_NONE_STATE;
	return true;
}

/* The lease table: every lease by (ClientGuid, LeaseKey), under ksmbd_oplock_lock. */
static LIST_HEAD(ksmbd_lease_table);
static unsigned int ksmbd_lease_pass;
/* How many of them are directory leases (read without the lock as a hint). */
static atomic_t ksmbd_dir_leases = ATOMIC_INIT(0);

/*
 * The holders of what @fp opened: the file's (inode.h), or for a named
 * stream's open the stream's own (stream.h), whose opens alone compete for
 * its oplocks and leases (MS-FSA keeps them per stream).
 */
static struct list_head *ksmbd_holders(struct ksmbd_file *fp)
{
	return fp->is_stream ? ksmbd_stream_oplocks(fp) : ksmbd_inode_oplocks(fp->ni);
}

/*
 * Opens of the stream @fp is on, @fp included: a named stream's own, or for
 * the default stream the file's opens that are on no named stream (every
 * stream open also holds the file's ksmbd_inode). ksmbd_oplock_lock held.
 */
static unsigned int ksmbd_holder_opens(struct ksmbd_file *fp)
{
	unsigned int all, named;

	if (fp->is_stream)
		return ksmbd_stream_opens(fp);
	all = ksmbd_inode_opens(fp->ni);
	named = ksmbd_stream_count(fp);
	return all > named ? all - named : 1;
}

/*
 * Whether @fp no longer has a holder list: released, or a stream open whose
 * stream state went (renamed to the default stream, stream.h).
 */
static bool ksmbd_holders_gone(struct ksmbd_file *fp)
{
	return !fp->ni || (fp->is_stream && !fp->stream);
}

static unsigned int *ksmbd_holder_stat_opens(struct ksmbd_file *fp)
{
	return fp->is_stream ? ksmbd_stream_stat_opens(fp) : ksmbd_inode_stat_opens(fp->ni);
}

/* What a lease of @fp is on (one key, one file or stream: 3.3.5.9.8). */
static const void *ksmbd_holder_obj(struct ksmbd_file *fp)
{
	return fp->is_stream ? (const void *)fp->stream : (const void *)fp->ni;
}

static struct ksmbd_lease *ksmbd_lease_find(const u8 *client_guid, const u8 *key)
{
	struct ksmbd_lease *l;

	list_for_each_entry(l, &ksmbd_lease_table, node)
		if (!memcmp(l->client_guid, client_guid, 16) && !memcmp(l->key, key, 16))
			return l;
	return NULL;
}

/* A notification to send once the lock is dropped. */
struct ksmbd_oplock_notify {
	struct ksmbd_conn *conn;	/* a reference */
	u64 sess_id;			/* the holder's session (encryption) */
	u64 persistent_id, volatile_id;
	u8 level;
	bool lease;			/* a lease break (2.2.23.2) */
	bool ack;
	u8 key[16];
	u8 client_guid[16];		/* lease: the lease's client */
	u32 from, to;
	u16 epoch;
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
	n[*nr].lease = false;
	n[*nr].sess_id = h->sess_id;
	(*nr)++;
}

/* Remember a lease break notification of @l for its holder @h; lock held. */
static void ksmbd_lease_queue(struct ksmbd_oplock_notify *n, int *nr, int max,
			      struct ksmbd_file *h, struct ksmbd_lease *l, u32 from, u32 to,
			      bool ack)
{
	if (*nr >= max || !h->conn || !ksmbd_conn_tryget(h->conn))
		return;
	n[*nr].conn = h->conn;
	n[*nr].sess_id = h->sess_id;
	n[*nr].lease = true;
	n[*nr].ack = ack;
	memcpy(n[*nr].key, l->key, 16);
	memcpy(n[*nr].client_guid, l->client_guid, 16);
	n[*nr].from = from;
	n[*nr].to = to;
	n[*nr].epoch = l->version == 2 ? l->epoch : 0;
	(*nr)++;
}

/*
 * Write one notification of @len bytes at @msg (after room for a transform
 * header): encrypted for the holder's session when that session encrypts
 * (MS-SMB2 3.3.4.1.4, 3.3.4.6, 3.3.4.7), otherwise as it is.
 */
static int ksmbd_oplock_write(struct ksmbd_conn *conn, u64 sess_id, u8 *out, size_t len)
{
	size_t hlen = sizeof(struct smb2_transform_hdr);
	struct ksmbd_session *sess = sess_id ? ksmbd_session_get(conn, sess_id) : NULL;
	struct kvec iov = { .iov_base = out + hlen, .iov_len = len };
	int ret = 0;

	if (sess && sess->encrypt_data && ksmbd_session_can_encrypt(conn, sess)) {
		u8 nonce[16];

		ksmbd_session_nonce(sess, conn->cipher, nonce);
		ret = ksmbd_transform_seal(conn->cipher, sess->encryption_key, nonce, sess->id,
					   out, len);
		iov.iov_base = out;
		iov.iov_len = hlen + len;
	}
	if (sess)
		ksmbd_session_put(sess);
	return ret ? ret : ksmbd_conn_write(conn, &iov, 1);
}

/* Whether the session @sess_id of @conn encrypts its messages. */
static bool ksmbd_oplock_encrypts(struct ksmbd_conn *conn, u64 sess_id)
{
	struct ksmbd_session *sess = sess_id ? ksmbd_session_get(conn, sess_id) : NULL;
	bool enc = sess && sess->encrypt_data;

	if (sess)
		ksmbd_session_put(sess);
	return enc;
}

/*
 * MS-SMB2 3.3.4.7: a lease belongs to the client (its ClientGuid), not to
 * one open, so its break goes to the client's oldest connection, as Windows
 * does (smb2.lease.v2_complex1: a key's opens on two connections of one
 * client), whichever of them the holder found used. A holder whose session
 * encrypts is told on its own connection (or channel), where the
 * notification can be encrypted.
 */
static void ksmbd_lease_route(struct ksmbd_oplock_notify *n)
{
	struct ksmbd_conn *c;

	if (ksmbd_oplock_encrypts(n->conn, n->sess_id))
		return;
	c = ksmbd_conn_oldest_of_client(n->client_guid);
	if (!c)
		return;
	if (c == n->conn) {
		ksmbd_conn_put(c);
		return;
	}
	ksmbd_conn_put(n->conn);
	n->conn = c;
}

/*
 * MS-SMB2 3.3.4.6: the Oplock Break Notification, 3.3.4.7 the Lease Break
 * Notification. MessageId all ones, SessionId and TreeId 0, no credits,
 * unsigned; encrypted when the holder's session encrypts.
 */
static void ksmbd_oplock_send(struct ksmbd_oplock_notify *n, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		u8 out[sizeof(struct smb2_transform_hdr) + sizeof(struct smb2_hdr) + 44] = {};
		u8 *buf = out + sizeof(struct smb2_transform_hdr);
		struct smb2_hdr *h = (struct smb2_hdr *)buf;
		u8 *b = buf + sizeof(*h);
		struct kvec iov = { .iov_base = buf, .iov_len = sizeof(*h) + 24 };

		h->protocol_id = SMB2_PROTO_ID;
		h->structure_size = cpu_to_le16(SMB2_HEADER_STRUCTURE_SIZE);
		h->command = cpu_to_le16(SMB2_OPLOCK_BREAK);
		h->flags = SMB2_FLAGS_SERVER_TO_REDIR;
		h->message_id = cpu_to_le64(U64_MAX);
		if (n[i].lease) {
			ksmbd_lease_route(&n[i]);
			/* 2.2.23.2 Lease Break Notification */
			iov.iov_len = sizeof(*h) + 44;
			put_unaligned_le16(44, b);
			put_unaligned_le16(n[i].epoch, b + 2);
			put_unaligned_le32(n[i].ack ?
					   SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED : 0, b + 4);
			memcpy(b + 8, n[i].key, 16);
			put_unaligned_le32(n[i].from, b + 24);
			put_unaligned_le32(n[i].to, b + 28);
		} else {
			put_unaligned_le16(24, b);
			b[2] = n[i].level;
			put_unaligned_le64(n[i].persistent_id, b + 8);
			put_unaligned_le64(n[i].volatile_id, b + 16);
		}
		if (ksmbd_oplock_write(n[i].conn, n[i].sess_id, out, iov.iov_len))
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
		if (op->lease) {
			any |= ksmbd_lease_timeout(op->lease, now);
			continue;
		}
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
/*
 * Grant the lease of @lr to @fp, after the breaks; ksmbd_oplock_lock held.
 * @mine: the lease of that key, if any; @level2: an open holds level II.
 */
static __le32 ksmbd_lease_grant(struct ksmbd_file *fp, const struct ksmbd_lease_req *lr,
				struct ksmbd_lease *mine, bool level2, u8 *granted)
{
	unsigned int others = ksmbd_holder_opens(fp) - 1;
	struct ksmbd_lease *l = mine;
	u32 g, req;

	/* Stat opens conflict with no caching. */
	others -= min(others, *ksmbd_holder_stat_opens(fp));

	*granted = SMB2_OPLOCK_LEVEL_NONE;
	/* Directory leasing: v2 requests (3.x) only, never W (3.3.5.9.11). */
	if (fp->is_dir && lr->version != 2)
		return STATUS_SUCCESS;
	if (l)
		others -= min(others, l->opens);
	/* A directory's lease is asked for as RH at most. */
	req = ksmbd_lease_asked(lr->state, fp->is_dir);
	g = ksmbd_lease_grant_state(req, others > 0, level2);
	if (l) {
		ksmbd_lease_upgrade(l, req, g);
	} else {
		l = kzalloc(sizeof(*l), GFP_KERNEL);
		if (!l)
			return STATUS_INSUFFICIENT_RESOURCES;
		memcpy(l->client_guid, fp->conn->client_guid, 16);
		memcpy(l->key, lr->key, 16);
		memcpy(l->parent_key, lr->parent_key, 16);
		l->has_parent = lr->has_parent;
		l->version = lr->version;
		l->file = ksmbd_holder_obj(fp);
		l->state = g;
		l->epoch = lr->version == 2 ? lr->epoch + 1 : 0;
		l->is_dir = fp->is_dir;
		l->dev = fp->dev;
		l->ino = fp->ino;
		if (l->is_dir)
			atomic_inc(&ksmbd_dir_leases);
		list_add_tail(&l->node, &ksmbd_lease_table);
	}
	l->opens++;
	fp->oplock.lease = l;
	fp->oplock.state = KSMBD_OPLOCK_HELD;
	fp->oplock.level = SMB2_OPLOCK_LEVEL_LEASE;
	list_add_tail(&fp->oplock.node, ksmbd_holders(fp));
	*granted = SMB2_OPLOCK_LEVEL_LEASE;
	return STATUS_SUCCESS;
}

static __le32 ksmbd_oplock_settle(struct ksmbd_work *w, struct ksmbd_file *fp, u8 requested,
				  const struct ksmbd_lease_req *lr,
				  bool overwrite, bool stat_open, int mode, u8 *granted)
{
	/* mode 1: a sharing violation (batch and H); 2: a rename (H only) */
	bool batch_only = mode != 0, handle_only = mode == 2;
	/* MS-FSA 2.1.5.1.2.1: an open to delete on close also breaks H, at once. */
	bool drop_h = !mode && fp->delete_on_close;

	struct ksmbd_oplock_notify n[KSMBD_OPLOCK_NOTIFY_MAX];
	struct list_head *holders = ksmbd_holders(fp);
	unsigned long timeout = msecs_to_jiffies(ksmbd_oplock_break_timeout_ms);
	bool registered = false;
	__le32 status = STATUS_SUCCESS;

	for (;;) {
		unsigned long deadline = jiffies + timeout, wait_until = deadline;
		unsigned int strong = 0, pass;
		bool must_wait = false, more = false, level2 = false, handle = false;
		struct ksmbd_lease *mine = NULL;
		struct ksmbd_oplock *op;
		int nr = 0, snap;

		mutex_lock(&ksmbd_oplock_lock);
		snap = atomic_read(&ksmbd_oplock_events);
		if (lr) {
			mine = ksmbd_lease_find(fp->conn->client_guid, lr->key);
			if (mine && mine->file != ksmbd_holder_obj(fp)) {
				/* 3.3.5.9.8: one key, one file */
				mutex_unlock(&ksmbd_oplock_lock);
				status = STATUS_INVALID_PARAMETER;
				break;
			}
		}
		ksmbd_oplock_expire(holders);
		pass = ++ksmbd_lease_pass;
		list_for_each_entry(op, holders, node) {
			struct ksmbd_file *h = container_of(op, struct ksmbd_file, oplock);
			u8 to = overwrite ? SMB2_OPLOCK_LEVEL_NONE : SMB2_OPLOCK_LEVEL_II;
			bool wait;
			u8 level;

			/* Stat opens break no lease, nor oplocks unless READ_CONTROL. */
			if (stat_open && (op->lease || !fp->oplock.breaks_oplocks))
				continue;
			if (op->lease) {
				struct ksmbd_lease *l = op->lease;
				u32 keep = ~(u32)SMB2_LEASE_WRITE, from, new;

				if (l->mark == pass || l == mine || l == fp->oplock.lease)
					continue;
				l->mark = pass;
				if (batch_only)
					keep = ~(u32)SMB2_LEASE_HANDLE;
				else if (overwrite)
					keep = SMB2_LEASE_NONE_STATE;
				else if (drop_h)
					keep = ~(u32)(SMB2_LEASE_WRITE | SMB2_LEASE_HANDLE);
				if (batch_only && !(l->state & SMB2_LEASE_HANDLE) && !l->breaking)
					continue;
				/*
				 * A CREATE waits for a lease that gives up W; a
				 * sharing violation, rename or delete on close for
				 * one giving up H.
				 */
				if (l->breaking) {
					l->break_to &= keep;
					if (!batch_only && !drop_h && !l->from_write)
						continue;
					must_wait = true;
					if (time_before(l->deadline, wait_until))
						wait_until = l->deadline;
					continue;
				}
				if (nr == ARRAY_SIZE(n)) {
					more = true;
					continue;
				}
				if (ksmbd_lease_break(l, keep, deadline, &from, &new, &wait)) {
					ksmbd_lease_queue(n, &nr, ARRAY_SIZE(n), h, l, from, new, wait);
					must_wait |= wait && (batch_only || drop_h ||
							      (from & SMB2_LEASE_WRITE));
				}
				continue;
			}
			if (handle_only ||
			    (batch_only && op->level != SMB2_OPLOCK_LEVEL_BATCH))
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
		list_for_each_entry(op, holders, node) {
			if (ksmbd_oplock_strong(op->level))
				strong++;
			if (op->level == SMB2_OPLOCK_LEVEL_II)
				level2 = true;
			if (op->lease && op->lease != mine &&
			    (op->lease->state & SMB2_LEASE_HANDLE))
				handle = true;
		}
		if (!must_wait && !more && !batch_only && lr) {
			struct ksmbd_oplock *tmp;

			list_for_each_entry_safe(op, tmp, holders, node)
				if (op->state == KSMBD_OPLOCK_NONE)
					list_del_init(&op->node);
			status = ksmbd_lease_grant(fp, lr, mine, level2, granted);
		} else if (!must_wait && !more && !batch_only) {
			/* Level II holders broken to none leave the list. */
			struct ksmbd_oplock *tmp;

			list_for_each_entry_safe(op, tmp, holders, node)
				if (op->state == KSMBD_OPLOCK_NONE)
					list_del_init(&op->node);
			*granted = ksmbd_oplock_grant_level(requested, fp->is_dir,
							    ksmbd_holder_opens(fp) - 1, strong);
			/* No oplock next to another client's handle caching. */
			if (handle)
				*granted = SMB2_OPLOCK_LEVEL_NONE;
			if (*granted != SMB2_OPLOCK_LEVEL_NONE) {
				fp->oplock.state = KSMBD_OPLOCK_HELD;
				fp->oplock.level = *granted;
				list_add_tail(&fp->oplock.node, holders);
			}
		}
		/* Stat opens without a lease conflict with no lease (oplock.h). */
		if (!must_wait && !more && !batch_only && stat_open && !fp->oplock.lease &&
		    status == STATUS_SUCCESS) {
			fp->oplock.stat_open = true;
			(*ksmbd_holder_stat_opens(fp))++;
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
	return ksmbd_oplock_settle(w, fp, requested, NULL, overwrite, stat_open, 0, granted);
}

__le32 ksmbd_lease_create(struct ksmbd_work *w, struct ksmbd_file *fp,
			  const struct ksmbd_lease_req *lr, bool overwrite, bool stat_open,
			  u8 *granted)
{
	/* Who makes the changes that break directory leases (oplock.h). */
	memcpy(fp->oplock.client_guid, fp->conn->client_guid, 16);
	if (lr->has_parent) {
		memcpy(fp->oplock.parent_key, lr->parent_key, 16);
		fp->oplock.has_parent = true;
	}
	return ksmbd_oplock_settle(w, fp, SMB2_OPLOCK_LEVEL_LEASE, lr, overwrite, stat_open,
				   0, granted);
}

bool ksmbd_oplock_has_batch(struct ksmbd_file *fp)
{
	struct ksmbd_oplock *op;
	bool found = false;

	mutex_lock(&ksmbd_oplock_lock);
	if (!ksmbd_holders_gone(fp)) {
		list_for_each_entry(op, ksmbd_holders(fp), node)
			if (op->level == SMB2_OPLOCK_LEVEL_BATCH ||
			    (op->lease && (op->lease->state & SMB2_LEASE_HANDLE)))
				found = true;
	}
	mutex_unlock(&ksmbd_oplock_lock);
	return found;
}

__le32 ksmbd_oplock_break_batch(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	u8 granted;

	return ksmbd_oplock_settle(w, fp, SMB2_OPLOCK_LEVEL_NONE, NULL, false, false, 1,
				   &granted);
}

__le32 ksmbd_lease_break_handle(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	u8 granted;

	if (ksmbd_holders_gone(fp))
		return STATUS_SUCCESS;
	return ksmbd_oplock_settle(w, fp, SMB2_OPLOCK_LEVEL_NONE, NULL, false, false, 2,
				   &granted);
}

void ksmbd_lease_break_parent_path(struct ksmbd_file *fp, const char *path)
{
	struct ksmbd_oplock_notify n[KSMBD_OPLOCK_NOTIFY_MAX];
	unsigned long deadline = jiffies + msecs_to_jiffies(ksmbd_oplock_break_timeout_ms);
	struct ksmbd_vfs_stat st;
	struct ksmbd_lease *l;
	const char *slash;
	char *parent;
	int nr = 0;

	if (!atomic_read(&ksmbd_dir_leases) || !fp->root || !path || !*path)
		return;	/* no directory lease, or the share root (no parent here) */
	slash = strrchr(path, '/');
	parent = kmalloc(slash ? slash - path + 1 : 2, GFP_KERNEL);
	if (!parent)
		return;
	if (slash) {
		memcpy(parent, path, slash - path);
		parent[slash - path] = '\0';
	} else {
		strcpy(parent, ".");
	}
	if (ksmbd_vfs_getattr_name(fp->root, parent, &st)) {
		kfree(parent);
		return;
	}
	kfree(parent);
	mutex_lock(&ksmbd_oplock_lock);
	list_for_each_entry(l, &ksmbd_lease_table, node) {
		struct ksmbd_oplock *op;
		u32 from, to;
		bool ack;

		if (!l->is_dir || l->dev != st.dev || l->ino != st.ino ||
		    ksmbd_lease_parent_exempt(&fp->oplock, l) || nr == ARRAY_SIZE(n))
			continue;
		/* Any open of the lease names the client (the notification is rerouted). */
		list_for_each_entry(op, ksmbd_inode_oplocks((struct ksmbd_inode *)l->file), node) {
			if (op->lease != l)
				continue;
			if (ksmbd_lease_break(l, SMB2_LEASE_NONE_STATE, deadline, &from, &to, &ack))
				ksmbd_lease_queue(n, &nr, ARRAY_SIZE(n),
						  container_of(op, struct ksmbd_file, oplock),
						  l, from, to, ack);
			break;
		}
	}
	mutex_unlock(&ksmbd_oplock_lock);
	ksmbd_oplock_send(n, nr);
}

void ksmbd_lease_break_parent(struct ksmbd_file *fp)
{
	ksmbd_lease_break_parent_path(fp, fp->path);
}

void ksmbd_oplock_break_level2(struct ksmbd_file *fp)
{
	struct ksmbd_oplock_notify n[KSMBD_OPLOCK_NOTIFY_MAX];
	unsigned long timeout = msecs_to_jiffies(ksmbd_oplock_break_timeout_ms);
	struct ksmbd_oplock *op, *tmp;
	struct list_head *holders;
	unsigned int pass;
	bool more;
	int nr;

	do {
		more = false;
		nr = 0;
		mutex_lock(&ksmbd_oplock_lock);
		/* Released: fp->ni is gone (release drops it under this lock). */
		if (fp->oplock.gone || ksmbd_holders_gone(fp)) {
			mutex_unlock(&ksmbd_oplock_lock);
			return;
		}
		holders = ksmbd_holders(fp);
		pass = ++ksmbd_lease_pass;
		list_for_each_entry_safe(op, tmp, holders, node) {
			struct ksmbd_file *h = container_of(op, struct ksmbd_file, oplock);
			bool wait;
			u8 level;

			if (op->lease) {
				struct ksmbd_lease *l = op->lease;
				u32 from, new;

				/* The writer's own lease keeps its caching. */
				if (l->mark == pass || l == fp->oplock.lease ||
				    !(l->state & SMB2_LEASE_READ))
					continue;
				l->mark = pass;
				if (nr == ARRAY_SIZE(n)) {
					more = true;
					break;
				}
				if (ksmbd_lease_break(l, SMB2_LEASE_NONE_STATE, jiffies + timeout,
						      &from, &new, &wait))
					ksmbd_lease_queue(n, &nr, ARRAY_SIZE(n), h, l, from, new,
							  wait);
				continue;
			}
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

/* Drop @fp's oplock and lease; ksmbd_oplock_lock held. True when a break waited on it. */
static bool ksmbd_oplock_drop(struct ksmbd_file *fp)
{
	bool was = false;

	if (!list_empty(&fp->oplock.node)) {
		list_del_init(&fp->oplock.node);
		was = fp->oplock.state == KSMBD_OPLOCK_BREAKING;
	}
	if (fp->oplock.stat_open && (fp->is_stream ? !!fp->stream : !!fp->ni)) {
		(*ksmbd_holder_stat_opens(fp))--;
		fp->oplock.stat_open = false;
	}
	if (fp->oplock.lease) {
		struct ksmbd_lease *l = fp->oplock.lease;

		fp->oplock.lease = NULL;
		if (!--l->opens) {
			was |= l->breaking;
			if (l->is_dir)
				atomic_dec(&ksmbd_dir_leases);
			list_del(&l->node);
			kfree(l);
		}
	}
	ksmbd_oplock_set_none(&fp->oplock);
	fp->oplock.gone = true;
	return was;
}

void ksmbd_oplock_detach(struct ksmbd_file *fp)
{
	bool was;

	mutex_lock(&ksmbd_oplock_lock);
	was = ksmbd_oplock_drop(fp);
	mutex_unlock(&ksmbd_oplock_lock);
	if (was)
		ksmbd_oplock_wake();
}

bool ksmbd_oplock_release(struct ksmbd_file *fp, bool delete_on_close)
{
	bool was, del;

	mutex_lock(&ksmbd_oplock_lock);
	was = ksmbd_oplock_drop(fp);
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

/* MS-SMB2 2.2.24.2 request, 2.2.25.2 response (36 bytes), 3.3.5.22.2. */
static __le32 ksmbd_lease_break_ack(struct ksmbd_work *w, const u8 *b)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ksmbd_oplock_break_timeout_ms);
	struct ksmbd_oplock_notify n;
	struct ksmbd_lease *l;
	__le32 status;
	u32 state = get_unaligned_le32(b + 24), from, to;
	bool again = false, ackreq;
	int nr = 0;
	u8 *rsp;

	if (w->conn->dialect < SMB2_DIALECT_0210 || w->conn->dialect == SMB2_DIALECT_WILDCARD)
		return STATUS_NOT_SUPPORTED;
	mutex_lock(&ksmbd_oplock_lock);
	l = ksmbd_lease_find(w->conn->client_guid, b + 8);
	status = l ? ksmbd_lease_ack(l, state, deadline, &again, &from, &to, &ackreq) :
		     STATUS_OBJECT_NAME_NOT_FOUND;
	/* A break narrowed meanwhile goes on from the acked state (3.3.4.7). */
	if (again && ksmbd_conn_tryget(w->conn)) {
		n.conn = w->conn;
		n.sess_id = w->sess ? w->sess->id : 0;
		n.lease = true;
		n.ack = ackreq;
		memcpy(n.key, l->key, 16);
		memcpy(n.client_guid, l->client_guid, 16);
		n.from = from;
		n.to = to;
		n.epoch = l->version == 2 ? l->epoch : 0;
		nr = 1;
	}
	mutex_unlock(&ksmbd_oplock_lock);
	ksmbd_oplock_wake();
	if (status != STATUS_SUCCESS)
		return status;
	ksmbd_oplock_send(&n, nr);
	rsp = ksmbd_rsp_body(w, 36);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le16(36, rsp);
	memcpy(rsp + 8, b + 8, 16);
	put_unaligned_le32(state, rsp + 24);
	return STATUS_SUCCESS;
}

/* MS-SMB2 2.2.24.1 request, 2.2.25.1 response: the same 24-byte layout. */
__le32 ksmbd_smb2_oplock_break(struct ksmbd_work *w)
{
	const u8 *b = ksmbd_req_body(w);
	struct ksmbd_file *fp;
	__le32 status;
	u8 granted;
	u8 *rsp;

	if (get_unaligned_le16(b) == 36 && ksmbd_req_has(w, sizeof(struct smb2_hdr), 36))
		return ksmbd_lease_break_ack(w, b);
	if (get_unaligned_le16(b) != 24)
		return STATUS_INVALID_PARAMETER;
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

int ksmbd_lease_parse(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len,
		      struct ksmbd_lease_req *lr, __le32 *status)
{
	u16 dialect = w->conn->dialect;
	const u8 *p = w->req + ctx_off;
	u32 remain = ctx_len;

	*status = STATUS_SUCCESS;
	if (dialect < SMB2_DIALECT_0210 || dialect == SMB2_DIALECT_WILDCARD)
		return 0;	/* 2.0.2 has no leases */
	while (remain >= 16) {
		u32 next = get_unaligned_le32(p), len = next ? next : remain;
		u16 noff = get_unaligned_le16(p + 4), nlen = get_unaligned_le16(p + 6);
		u16 doff = get_unaligned_le16(p + 10);
		u32 dlen = get_unaligned_le32(p + 12);

		if (len > remain || (u32)noff + nlen > len || (dlen && (u64)doff + dlen > len))
			return 0;
		if (nlen == 4 && !memcmp(p + noff, "RqLs", 4)) {
			const u8 *d = p + doff;

			if (dlen < 32) {
				*status = STATUS_INVALID_PARAMETER;
				return -1;
			}
			memset(lr, 0, sizeof(*lr));
			memcpy(lr->key, d, 16);
			lr->state = get_unaligned_le32(d + 16);
			lr->version = 1;
			if (dlen >= 52 && dialect >= SMB2_DIALECT_0300) {
				lr->version = 2;
				if (get_unaligned_le32(d + 20) & SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET) {
					lr->has_parent = true;
					memcpy(lr->parent_key, d + 32, 16);
				}
				lr->epoch = get_unaligned_le16(d + 48);
			}
			return 1;
		}
		if (!next)
			break;
		p += next;
		remain -= next;
	}
	return 0;
}

__le32 ksmbd_lease_rsp_context(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	struct smb2_create_rsp *rsp;
	struct ksmbd_lease l;
	u32 dlen, clen, off;
	u8 *buf, *c, *d;
	bool breaking;

	mutex_lock(&ksmbd_oplock_lock);
	if (!fp->oplock.lease) {
		mutex_unlock(&ksmbd_oplock_lock);
		return STATUS_SUCCESS;
	}
	l = *fp->oplock.lease;
	breaking = l.breaking;
	mutex_unlock(&ksmbd_oplock_lock);

	dlen = l.version == 2 ? 52 : 32;
	clen = 24 + dlen;
	off = (w->rsp_len + 7) & ~(size_t)7;
	buf = kzalloc(off + clen, GFP_KERNEL);
	if (!buf)
		return STATUS_INSUFFICIENT_RESOURCES;
	memcpy(buf, w->rsp, w->rsp_len);
	kfree(w->rsp);
	w->rsp = buf;
	w->rsp_len = off + clen;
	c = buf + off;
	put_unaligned_le16(16, c + 4);		/* NameOffset */
	put_unaligned_le16(4, c + 6);		/* NameLength */
	put_unaligned_le16(24, c + 10);		/* DataOffset */
	put_unaligned_le32(dlen, c + 12);	/* DataLength */
	memcpy(c + 16, "RqLs", 4);
	d = c + 24;
	memcpy(d, l.key, 16);
	put_unaligned_le32(l.state, d + 16);
	put_unaligned_le32((breaking ? SMB2_LEASE_FLAG_BREAK_IN_PROGRESS : 0) |
			   (l.version == 2 && l.has_parent ?
			    SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET : 0), d + 20);
	if (l.version == 2) {
		if (l.has_parent)
			memcpy(d + 32, l.parent_key, 16);
		put_unaligned_le16(l.epoch, d + 48);
	}
	rsp = (struct smb2_create_rsp *)(buf + sizeof(struct smb2_hdr));
	rsp->create_contexts_offset = cpu_to_le32(off);
	rsp->create_contexts_length = cpu_to_le32(clen);
	return STATUS_SUCCESS;
}

void ksmbd_oplock_caching(struct ksmbd_file *fp, u8 *level, u8 key[16], u32 *lease_state,
			  u8 *lease_version, u16 *lease_epoch)
{
	mutex_lock(&ksmbd_oplock_lock);
	*level = fp->oplock.level;
	memset(key, 0, 16);
	*lease_state = 0;
	*lease_version = 0;
	*lease_epoch = 0;
	if (fp->oplock.lease) {
		memcpy(key, fp->oplock.lease->key, 16);
		*lease_state = fp->oplock.lease->state;
		*lease_version = fp->oplock.lease->version;
		*lease_epoch = fp->oplock.lease->epoch;
	}
	mutex_unlock(&ksmbd_oplock_lock);
}

bool ksmbd_oplock_breaking(struct ksmbd_file *fp)
{
	bool ret;

	mutex_lock(&ksmbd_oplock_lock);
	ret = fp->oplock.state == KSMBD_OPLOCK_BREAKING ||
	      (fp->oplock.lease && fp->oplock.lease->breaking);
	mutex_unlock(&ksmbd_oplock_lock);
	return ret;
}
