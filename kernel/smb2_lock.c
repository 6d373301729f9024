// SPDX-License-Identifier: GPL-2.0
/*
 * Byte-range locks: the rules of lock.h, each file's lock list, SMB2 LOCK
 * with its waiting requests, the READ/WRITE check and the release of an
 * open's locks.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "file.h"
#include "inode.h"
#include "lock.h"
#include "oplock.h"
#include "smb2.h"
#include "smb2_bind.h"
#include "tree.h"

/* Every file's lock list and every open's lock state (lock.h). */
static DEFINE_MUTEX(ksmbd_brl_lock);
/*
 * Waiting LOCK requests sleep here for ksmbd_brl_events to move: a lock
 * went away, an open was closed, or a request was cancelled. The condition
 * reads only that counter and the request's own cancel flag.
 */
static DECLARE_WAIT_QUEUE_HEAD(ksmbd_brl_wq);
static atomic_t ksmbd_brl_events = ATOMIC_INIT(0);

static void ksmbd_brl_wake(void)
{
	atomic_inc(&ksmbd_brl_events);
	wake_up_all(&ksmbd_brl_wq);
}

/* --- pure functions ------------------------------------------------------------------------ */

bool ksmbd_brl_range_ok(u64 off, u64 len)
{
	return !len || len - 1 <= U64_MAX - off;
}

bool ksmbd_brl_overlap(u64 a_off, u64 a_len, u64 b_off, u64 b_len)
{
	if (!a_len && !b_len)
		return false;
	/* a zero-length range counts only strictly inside the other one */
	if (!a_len)
		return b_off < a_off && a_off - b_off < b_len;
	if (!b_len)
		return a_off < b_off && b_off - a_off < a_len;
	/* last bytes: no overflow for valid ranges */
	return a_off <= b_off + (b_len - 1) && b_off <= a_off + (a_len - 1);
}

bool ksmbd_brl_lock_conflicts(const struct list_head *locks, const void *owner,
			      u64 off, u64 len, bool excl)
{
	const struct ksmbd_brl *l;

	list_for_each_entry(l, locks, node) {
		if (!ksmbd_brl_overlap(l->off, l->len, off, len))
			continue;
		if (excl || (l->excl && l->owner != owner))
			return true;
	}
	return false;
}

bool ksmbd_brl_io_conflicts(const struct list_head *locks, const void *owner,
			    u64 off, u64 len, bool write)
{
	const struct ksmbd_brl *l;

	if (!len)
		return false;
	list_for_each_entry(l, locks, node) {
		if (!ksmbd_brl_overlap(l->off, l->len, off, len))
			continue;
		if (l->excl ? l->owner != owner : write)
			return true;
	}
	return false;
}

struct ksmbd_brl *ksmbd_brl_find(const struct list_head *locks, const void *owner,
				 u64 off, u64 len)
{
	struct ksmbd_brl *l, *found = NULL;

	list_for_each_entry(l, locks, node) {
		if (l->owner != owner || l->off != off || l->len != len)
			continue;
		found = l;
		if (l->excl)
			break;	/* exclusive ones go first */
	}
	return found;
}

int ksmbd_brl_flags(u32 flags, bool *excl, bool *fail_now)
{
	*fail_now = flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY;
	switch (flags & ~SMB2_LOCKFLAG_FAIL_IMMEDIATELY) {
	case SMB2_LOCKFLAG_SHARED_LOCK:
		*excl = false;
		return 0;
	case SMB2_LOCKFLAG_EXCLUSIVE_LOCK:
		*excl = true;
		return 0;
	case SMB2_LOCKFLAG_UNLOCK:
		/* 2.2.26.1: UNLOCK goes alone */
		return flags == SMB2_LOCKFLAG_UNLOCK ? 1 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static u32 ksmbd_lock_seq_index(u32 lock_sequence)
{
	return lock_sequence >> 4;
}

bool ksmbd_lock_seq_replay(u8 seq[KSMBD_LOCK_SEQ_ENTRIES + 1], u32 lock_sequence)
{
	u32 i = ksmbd_lock_seq_index(lock_sequence);
	u8 want = KSMBD_LOCK_SEQ_VALID | (lock_sequence & 0xf);

	if (!i || i > KSMBD_LOCK_SEQ_ENTRIES || !(seq[i] & KSMBD_LOCK_SEQ_VALID))
		return false;
	if (seq[i] == want)
		return true;
	seq[i] = 0;	/* not a replay: the entry is no longer valid */
	return false;
}

void ksmbd_lock_seq_record(u8 seq[KSMBD_LOCK_SEQ_ENTRIES + 1], u32 lock_sequence)
{
	u32 i = ksmbd_lock_seq_index(lock_sequence);

	if (i && i <= KSMBD_LOCK_SEQ_ENTRIES)
		seq[i] = KSMBD_LOCK_SEQ_VALID | (lock_sequence & 0xf);
}

/* --- the engine's locks -------------------------------------------------------------------- */

/* One element of a request, decoded. */
struct ksmbd_lock_el {
	u64 off, len;
	u32 flags;
};

static void ksmbd_lock_el_read(const u8 *p, struct ksmbd_lock_el *el)
{
	el->off = get_unaligned_le64(p);
	el->len = get_unaligned_le64(p + 8);
	el->flags = get_unaligned_le32(p + 16);
}

/*
 * 3.3.5.14.1: unlock element by element; the unlocks done before a failure
 * stay done.
 */
static __le32 ksmbd_lock_unlock(struct ksmbd_file *fp, const u8 *els, u16 count)
{
	struct list_head *locks;
	__le32 status = STATUS_SUCCESS;
	bool any = false;
	u16 i;

	mutex_lock(&ksmbd_brl_lock);
	if (fp->brl_closed || !fp->ni) {
		status = STATUS_FILE_CLOSED;
		goto out;
	}
	locks = ksmbd_inode_brlocks(fp->ni);
	for (i = 0; i < count; i++) {
		struct ksmbd_lock_el el;
		struct ksmbd_brl *l;

		ksmbd_lock_el_read(els + i * 24, &el);
		if (el.flags != SMB2_LOCKFLAG_UNLOCK) {
			status = STATUS_INVALID_PARAMETER;
			break;
		}
		if (!ksmbd_brl_range_ok(el.off, el.len)) {
			status = STATUS_INVALID_LOCK_RANGE;
			break;
		}
		l = ksmbd_brl_find(locks, fp, el.off, el.len);
		if (!l) {
			status = STATUS_RANGE_NOT_LOCKED;
			break;
		}
		list_del(&l->node);
		kfree(l);
		any = true;
	}
out:
	mutex_unlock(&ksmbd_brl_lock);
	if (any)
		ksmbd_brl_wake();
	return status;
}

/*
 * Grant every element of @els to @fp or none; ksmbd_brl_lock held, the
 * open not released. @l: @count preallocated locks, consumed on success.
 */
static bool ksmbd_lock_grant(struct ksmbd_file *fp, const u8 *els, u16 count,
			     struct ksmbd_brl **l)
{
	struct list_head *locks = ksmbd_inode_brlocks(fp->ni);
	u16 i;

	for (i = 0; i < count; i++) {
		struct ksmbd_lock_el el;
		bool excl = false, fail_now;

		ksmbd_lock_el_read(els + i * 24, &el);
		ksmbd_brl_flags(el.flags, &excl, &fail_now);	/* checked by the caller */
		if (ksmbd_brl_lock_conflicts(locks, fp, el.off, el.len, excl)) {
			/* all or nothing: take back what this request got */
			while (i--)
				list_del(&l[i]->node);
			return false;
		}
		l[i]->owner = fp;
		l[i]->off = el.off;
		l[i]->len = el.len;
		l[i]->excl = excl;
		list_add_tail(&l[i]->node, locks);
	}
	return true;
}

static void ksmbd_lock_cancelled(struct ksmbd_async *a)
{
	ksmbd_brl_wake();
}

/* 3.3.5.14.2: lock every element, or none; a single blocking one may wait. */
static __le32 ksmbd_lock_lock(struct ksmbd_work *w, struct ksmbd_file *fp, const u8 *els,
			      u16 count)
{
	struct ksmbd_brl **l;
	bool blocking = false, registered = false, granted = false;
	__le32 status;
	u16 i;

	for (i = 0; i < count; i++) {
		struct ksmbd_lock_el el;
		bool excl, fail_now;

		ksmbd_lock_el_read(els + i * 24, &el);
		/* UNLOCK among locks, unknown flags, or several that may wait */
		if (ksmbd_brl_flags(el.flags, &excl, &fail_now) || (count > 1 && !fail_now))
			return STATUS_INVALID_PARAMETER;
		if (!ksmbd_brl_range_ok(el.off, el.len))
			return STATUS_INVALID_LOCK_RANGE;
		blocking = count == 1 && !fail_now;
	}
	l = kcalloc(count, sizeof(*l), GFP_KERNEL);
	if (!l)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = STATUS_INSUFFICIENT_RESOURCES;
	for (i = 0; i < count; i++) {
		l[i] = kzalloc(sizeof(**l), GFP_KERNEL);
		if (!l[i])
			goto out;
		INIT_LIST_HEAD(&l[i]->node);
	}
	/* MS-FSA 2.1.5.7: a lock breaks the file's level II oplocks. */
	ksmbd_oplock_break_level2(fp);

	for (;;) {
		bool cancelled;
		int snap;

		mutex_lock(&ksmbd_brl_lock);
		snap = atomic_read(&ksmbd_brl_events);
		cancelled = registered && READ_ONCE(w->async.cancelled);
		if (fp->brl_closed || !fp->ni) {
			/* closed while it waited: Windows answers RANGE_NOT_LOCKED */
			status = registered ? STATUS_RANGE_NOT_LOCKED : STATUS_FILE_CLOSED;
		} else if (ksmbd_lock_grant(fp, els, count, l)) {
			granted = true;
			status = STATUS_SUCCESS;
		} else if (!blocking) {
			status = STATUS_LOCK_NOT_GRANTED;
		} else if (cancelled) {
			status = STATUS_CANCELLED;
		} else {
			status = STATUS_PENDING;
		}
		mutex_unlock(&ksmbd_brl_lock);
		if (status != STATUS_PENDING)
			break;
		if (!registered) {
			if (ksmbd_async_begin(w, ksmbd_lock_cancelled)) {
				status = STATUS_CANCELLED;
				break;
			}
			registered = true;
			ksmbd_async_interim(w);
			continue;	/* try again: a lock may have gone meanwhile */
		}
		/* Windows waits for as long as it takes; so do we, until cancelled. */
		wait_event_interruptible(ksmbd_brl_wq,
					 atomic_read(&ksmbd_brl_events) != snap ||
					 READ_ONCE(w->async.cancelled));
	}
	if (registered)
		ksmbd_async_end(w);
out:
	for (i = 0; i < count; i++)
		if (!granted)
			kfree(l[i]);
	kfree(l);
	return status;
}

__le32 ksmbd_smb2_lock(struct ksmbd_work *w)
{
	const u8 *b = ksmbd_req_body(w);
	u16 count = get_unaligned_le16(b + 2);
	u32 seq = get_unaligned_le32(b + 4);
	const u8 *els = b + 24;
	struct ksmbd_file *fp = w->fp;
	bool use_seq, replay = false;
	u16 dialect;
	struct ksmbd_lock_el first;
	__le32 status;
	u8 *rsp;

	if (!count || !ksmbd_req_has(w, sizeof(struct smb2_hdr) + 24, (size_t)count * 24))
		return STATUS_INVALID_PARAMETER;
	if (!fp->vfs)
		return STATUS_NOT_SUPPORTED;	/* named pipes */
	if (fp->is_dir)
		return STATUS_INVALID_PARAMETER;	/* MS-FSA 2.1.5.7: no locks on directories */

	/*
	 * 3.3.5.14: lock sequence replay detection, for durable, resilient or
	 * persistent opens (fp->lock_replay) and on connections whose server
	 * capabilities include multichannel (3.x, smb2_negotiate.c).
	 */
	dialect = READ_ONCE(w->conn->dialect);
	use_seq = dialect != SMB2_DIALECT_0202 &&
		  (fp->lock_replay ||
		   (dialect >= SMB2_DIALECT_0300 && dialect != SMB2_DIALECT_WILDCARD &&
		    ksmbd_multichannel_enabled()));
	if (use_seq) {
		mutex_lock(&ksmbd_brl_lock);
		replay = ksmbd_lock_seq_replay(fp->lock_seq, seq);
		mutex_unlock(&ksmbd_brl_lock);
	}
	if (replay) {
		status = STATUS_SUCCESS;
	} else {
		ksmbd_lock_el_read(els, &first);
		if (first.flags & SMB2_LOCKFLAG_UNLOCK)
			status = ksmbd_lock_unlock(fp, els, count);
		else
			status = ksmbd_lock_lock(w, fp, els, count);
		if (status == STATUS_SUCCESS && use_seq) {
			mutex_lock(&ksmbd_brl_lock);
			ksmbd_lock_seq_record(fp->lock_seq, seq);
			mutex_unlock(&ksmbd_brl_lock);
		}
	}
	if (status != STATUS_SUCCESS)
		return status;
	rsp = ksmbd_rsp_body(w, 4);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le16(4, rsp);
	return STATUS_SUCCESS;
}

__le32 ksmbd_brl_check_io(struct ksmbd_file *fp, u64 off, u64 len, bool write)
{
	bool conflict = false;

	if (!len)
		return STATUS_SUCCESS;
	mutex_lock(&ksmbd_brl_lock);
	if (!fp->brl_closed && fp->ni)
		conflict = ksmbd_brl_io_conflicts(ksmbd_inode_brlocks(fp->ni), fp, off, len,
						  write);
	mutex_unlock(&ksmbd_brl_lock);
	return conflict ? STATUS_FILE_LOCK_CONFLICT : STATUS_SUCCESS;
}

void ksmbd_brl_release(struct ksmbd_file *fp)
{
	struct ksmbd_brl *l, *tmp;
	bool was;

	mutex_lock(&ksmbd_brl_lock);
	was = fp->brl_closed;
	fp->brl_closed = true;
	if (!was && fp->ni) {
		list_for_each_entry_safe(l, tmp, ksmbd_inode_brlocks(fp->ni), node) {
			if (l->owner == fp) {
				list_del(&l->node);
				kfree(l);
			}
		}
	}
	mutex_unlock(&ksmbd_brl_lock);
	if (!was)
		ksmbd_brl_wake();
}
