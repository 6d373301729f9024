// SPDX-License-Identifier: GPL-2.0
/* Durable and persistent handles: see durable.h. */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>
#include <uapi/ksmbd_cluster.h>
#include "conn.h"
#include "durable.h"
#include "file.h"
#include "oplock.h"
#include "session.h"
#include "share.h"
#include "smb2.h"
#include "tree.h"

/* ------------------------------------------------------------------------------------------ */
/* The blob                                                                                     */

static const u8 ksmbd_durable_magic[4] = { 'K', 'S', 'D', 'H' };

size_t ksmbd_durable_blob_size(const struct ksmbd_durable_state *st)
{
	return KSMBD_DURABLE_BLOB_HDR + strnlen(st->user, sizeof(st->user)) +
	       strnlen(st->share, sizeof(st->share)) + (st->path ? strlen(st->path) : 0);
}

int ksmbd_durable_export(const struct ksmbd_durable_state *st, u8 *buf, size_t len)
{
	size_t ulen = strnlen(st->user, sizeof(st->user));
	size_t slen = strnlen(st->share, sizeof(st->share));
	size_t plen = st->path ? strlen(st->path) : 0;
	size_t total = KSMBD_DURABLE_BLOB_HDR + ulen + slen + plen;
	u8 *p;

	if (ulen >= sizeof(st->user) || slen >= sizeof(st->share) ||
	    plen >= KSMBD_DURABLE_PATH_MAX || (st->flags & ~KSMBD_DURABLE_FLAGS_VALID))
		return -EINVAL;
	if (len < total)
		return -ENOSPC;
	memset(buf, 0, KSMBD_DURABLE_BLOB_HDR);
	memcpy(buf, ksmbd_durable_magic, 4);
	put_unaligned_le16(KSMBD_DURABLE_BLOB_VERSION, buf + 4);
	put_unaligned_le16(KSMBD_DURABLE_BLOB_HDR, buf + 6);
	put_unaligned_le32(total, buf + 8);
	put_unaligned_le32(st->flags, buf + 12);
	put_unaligned_le64(st->persistent_id, buf + 16);
	put_unaligned_le64(st->volatile_id, buf + 24);
	put_unaligned_le32(st->timeout_ms, buf + 32);
	put_unaligned_le32(st->access, buf + 36);
	put_unaligned_le32(st->share_access, buf + 40);
	put_unaligned_le32(st->mode, buf + 44);
	put_unaligned_le64(st->position, buf + 48);
	memcpy(buf + 56, st->create_guid, 16);
	memcpy(buf + 72, st->app_instance_id, 16);
	memcpy(buf + 88, st->client_guid, 16);
	memcpy(buf + 104, st->lease_key, 16);
	put_unaligned_le32(st->lease_state, buf + 120);
	put_unaligned_le16(st->lease_epoch, buf + 124);
	buf[126] = st->lease_version;
	buf[127] = st->oplock_level;
	memcpy(buf + 128, st->lock_seq, sizeof(st->lock_seq));
	put_unaligned_le16(ulen, buf + 196);
	put_unaligned_le16(slen, buf + 198);
	put_unaligned_le16(plen, buf + 200);
	p = buf + KSMBD_DURABLE_BLOB_HDR;
	memcpy(p, st->user, ulen);
	memcpy(p + ulen, st->share, slen);
	if (plen)
		memcpy(p + ulen + slen, st->path, plen);
	return total;
}

static bool ksmbd_durable_nonzero(const u8 guid[16])
{
	int i;

	for (i = 0; i < 16; i++)
		if (guid[i])
			return true;
	return false;
}

static bool ksmbd_durable_oplock_valid(u8 level)
{
	return level == SMB2_OPLOCK_LEVEL_NONE || level == SMB2_OPLOCK_LEVEL_II ||
	       level == SMB2_OPLOCK_LEVEL_EXCLUSIVE || level == SMB2_OPLOCK_LEVEL_BATCH ||
	       level == SMB2_OPLOCK_LEVEL_LEASE;
}

/* A name inside a share as CREATE makes them: relative, no empty, "." or ".." parts. */
static bool ksmbd_durable_path_valid(const char *p, size_t len)
{
	size_t i = 0, start;

	if (!len)
		return true;	/* the share root */
	while (i <= len) {
		start = i;
		while (i < len && p[i] != '/')
			i++;
		if (i == start || (i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		i++;
	}
	return true;
}

int ksmbd_durable_import(const u8 *buf, size_t len, struct ksmbd_durable_state *st)
{
	u32 total, flags, i;
	u16 ulen, slen, plen;
	const u8 *p;

	memset(st, 0, sizeof(*st));
	INIT_LIST_HEAD(&st->node);
	if (len < KSMBD_DURABLE_BLOB_HDR || memcmp(buf, ksmbd_durable_magic, 4) ||
	    get_unaligned_le16(buf + 4) != KSMBD_DURABLE_BLOB_VERSION ||
	    get_unaligned_le16(buf + 6) != KSMBD_DURABLE_BLOB_HDR)
		return -EINVAL;
	total = get_unaligned_le32(buf + 8);
	flags = get_unaligned_le32(buf + 12);
	ulen = get_unaligned_le16(buf + 196);
	slen = get_unaligned_le16(buf + 198);
	plen = get_unaligned_le16(buf + 200);
	if (total != len || (u32)KSMBD_DURABLE_BLOB_HDR + ulen + slen + plen != total)
		return -EINVAL;
	/* exactly one of v1 and v2; persistent only for v2 */
	if ((flags & ~KSMBD_DURABLE_FLAGS_VALID) ||
	    !(flags & KSMBD_DURABLE_V1) == !(flags & KSMBD_DURABLE_V2) ||
	    ((flags & KSMBD_DURABLE_PERSISTENT) && !(flags & KSMBD_DURABLE_V2)) ||
	    ((flags & KSMBD_DURABLE_HAS_APP_ID) && !(flags & KSMBD_DURABLE_V2)))
		return -EINVAL;
	if (buf[193] || buf[194] || buf[195] || get_unaligned_le16(buf + 202))
		return -EINVAL;
	st->flags = flags;
	st->persistent_id = get_unaligned_le64(buf + 16);
	st->volatile_id = get_unaligned_le64(buf + 24);
	st->timeout_ms = get_unaligned_le32(buf + 32);
	st->access = get_unaligned_le32(buf + 36);
	st->share_access = get_unaligned_le32(buf + 40);
	st->mode = get_unaligned_le32(buf + 44);
	st->position = get_unaligned_le64(buf + 48);
	memcpy(st->create_guid, buf + 56, 16);
	memcpy(st->app_instance_id, buf + 72, 16);
	memcpy(st->client_guid, buf + 88, 16);
	memcpy(st->lease_key, buf + 104, 16);
	st->lease_state = get_unaligned_le32(buf + 120);
	st->lease_epoch = get_unaligned_le16(buf + 124);
	st->lease_version = buf[126];
	st->oplock_level = buf[127];
	memcpy(st->lock_seq, buf + 128, sizeof(st->lock_seq));
	if (!ksmbd_durable_oplock_valid(st->oplock_level) ||
	    (st->share_access & ~0x7u) ||
	    (st->lease_state & ~(u32)(SMB2_LEASE_READ | SMB2_LEASE_HANDLE | SMB2_LEASE_WRITE)))
		return -EINVAL;
	/* a lease exactly when the oplock level says so, and a version 1 or 2 */
	if (!(flags & KSMBD_DURABLE_HAS_LEASE) != (st->oplock_level != SMB2_OPLOCK_LEVEL_LEASE) ||
	    ((flags & KSMBD_DURABLE_HAS_LEASE) ?
	     st->lease_version < 1 || st->lease_version > 2 :
	     st->lease_version || st->lease_state || st->lease_epoch))
		return -EINVAL;
	/* v1 opens have no CreateGuid (a DH2C with one never finds them) */
	if ((flags & KSMBD_DURABLE_V1) && ksmbd_durable_nonzero(st->create_guid))
		return -EINVAL;
	/* lock sequence entries: unused (0), or valid with a 4-bit sequence number */
	for (i = 0; i < sizeof(st->lock_seq); i++)
		if (st->lock_seq[i] && (st->lock_seq[i] & ~(KSMBD_LOCK_SEQ_VALID | 0xf)))
			return -EINVAL;
	if (!ulen || ulen >= sizeof(st->user) || slen >= sizeof(st->share) || !slen ||
	    plen >= KSMBD_DURABLE_PATH_MAX)
		return -EINVAL;
	p = buf + KSMBD_DURABLE_BLOB_HDR;
	if (memchr(p, 0, (size_t)ulen + slen + plen) ||
	    !ksmbd_durable_path_valid((const char *)p + ulen + slen, plen))
		return -EINVAL;
	memcpy(st->user, p, ulen);
	memcpy(st->share, p + ulen, slen);
	st->path = kmalloc(plen + 1, GFP_KERNEL);
	if (!st->path)
		return -ENOMEM;
	memcpy(st->path, p + ulen + slen, plen);
	st->path[plen] = '\0';
	return 0;
}

void ksmbd_durable_state_clear(struct ksmbd_durable_state *st)
{
	kfree(st->path);
	st->path = NULL;
}

void ksmbd_durable_snapshot(struct ksmbd_file *fp)
{
	struct ksmbd_durable_state *st = fp->durable;

	if (!st)
		return;
	ksmbd_oplock_caching(fp, &st->oplock_level, st->lease_key, &st->lease_state,
			     &st->lease_version, &st->lease_epoch);
	if (st->lease_version)
		st->flags |= KSMBD_DURABLE_HAS_LEASE;
	else
		st->flags &= ~KSMBD_DURABLE_HAS_LEASE;
	st->position = fp->position;
	st->mode = fp->mode;
	st->access = fp->access;
	st->share_access = fp->share_access;
	memcpy(st->lock_seq, fp->lock_seq, sizeof(st->lock_seq));
}

/* ------------------------------------------------------------------------------------------ */
/* The table and the scavenger                                                                  */

unsigned int ksmbd_durable_v1_timeout_ms = KSMBD_DURABLE_DEFAULT_TIMEOUT;

static DEFINE_MUTEX(ksmbd_durable_lock);
static LIST_HEAD(ksmbd_durable_table);
static unsigned int ksmbd_durable_nr_orphans;
static unsigned int ksmbd_durable_events;	/* bumped when an orphan comes or goes */
static DECLARE_WAIT_QUEUE_HEAD(ksmbd_durable_wq);
/* How long a reconnect waits for the old connection's teardown to orphan its open. */
#define KSMBD_DURABLE_TEARDOWN_WAIT	(5 * HZ)
static struct workqueue_struct *ksmbd_durable_workq;
static struct work_struct ksmbd_durable_work;

unsigned int ksmbd_durable_orphans(void)
{
	unsigned int n;

	mutex_lock(&ksmbd_durable_lock);
	n = ksmbd_durable_nr_orphans;
	mutex_unlock(&ksmbd_durable_lock);
	return n;
}

/* Take orphan @st out of the table, so the caller owns it; ksmbd_durable_lock held. */
static void ksmbd_durable_take(struct ksmbd_durable_state *st)
{
	list_del_init(&st->node);
	if (st->orphaned) {
		st->orphaned = false;
		ksmbd_durable_nr_orphans--;
	}
	ksmbd_durable_events++;
	wake_up(&ksmbd_durable_wq);
}

/*
 * Close an orphan taken out of the table: the table's reference to the open
 * goes, which releases its file (ksmbd_file_put); the tree reference goes with
 * the open (ksmbd_durable_forget).
 */
static void ksmbd_durable_close_orphan(struct ksmbd_file *fp)
{
	pr_debug("closing orphaned durable open %llu\n", fp->persistent_id);
	ksmbd_file_put(fp);
}

static void ksmbd_durable_scavenge(struct work_struct *work)
{
	for (;;) {
		struct ksmbd_durable_state *st, *victim = NULL;
		unsigned long now = jiffies, next = 0;
		unsigned int snap;
		bool any = false;

		mutex_lock(&ksmbd_durable_lock);
		list_for_each_entry(st, &ksmbd_durable_table, node) {
			if (!st->orphaned)
				continue;
			if (time_after_eq(now, st->expires)) {
				victim = st;
				break;
			}
			if (!any || time_before(st->expires, next))
				next = st->expires;
			any = true;
		}
		if (victim)
			ksmbd_durable_take(victim);
		snap = ksmbd_durable_events;
		mutex_unlock(&ksmbd_durable_lock);
		if (victim) {
			ksmbd_durable_close_orphan(victim->fp);
			continue;
		}
		if (!any)
			return;	/* requeued by the next orphan */
		wait_event_timeout(ksmbd_durable_wq, READ_ONCE(ksmbd_durable_events) != snap,
				   next - now + 1);
	}
}

static void ksmbd_durable_kick(void)
{
	ksmbd_durable_events++;
	wake_up(&ksmbd_durable_wq);
}

bool ksmbd_durable_orphan(struct ksmbd_tree *tree, struct ksmbd_file *fp)
{
	struct ksmbd_durable_state *st = fp->durable;
	struct workqueue_struct *wq;

	if (!st || !fp->vfs)
		return false;
	mutex_lock(&ksmbd_durable_lock);
	if (!ksmbd_durable_workq) {
		ksmbd_durable_workq = alloc_workqueue("ksmbd-durable", WQ_UNBOUND, 1);
		INIT_WORK(&ksmbd_durable_work, ksmbd_durable_scavenge);
	}
	wq = ksmbd_durable_workq;
	if (!wq || list_empty(&st->node)) {
		mutex_unlock(&ksmbd_durable_lock);
		return false;	/* closed like any open */
	}
	/* Breaks go nowhere now (oplock.h); the orphan waits for its client. */
	ksmbd_oplock_move_conn(fp, READ_ONCE(fp->conn), NULL);
	if (ksmbd_oplock_breaking(fp)) {
		/*
		 * A break was sent as the connection went: nobody will
		 * acknowledge it, and a CREATE waits for it. It closes now.
		 */
		ksmbd_durable_take(st);
		mutex_unlock(&ksmbd_durable_lock);
		ksmbd_durable_close_orphan(fp);
		return true;
	}
	st->orphaned = true;
	st->expires = jiffies + msecs_to_jiffies(st->timeout_ms);
	ksmbd_durable_nr_orphans++;
	ksmbd_durable_kick();
	pr_debug("durable open %llu orphaned for %u ms\n", fp->persistent_id, st->timeout_ms);
	/* once unlocked, a CREATE may purge the orphan (fp and st) at once */
	mutex_unlock(&ksmbd_durable_lock);
	queue_work(wq, &ksmbd_durable_work);
	return true;
}

void ksmbd_durable_forget(struct ksmbd_file *fp)
{
	struct ksmbd_durable_state *st = fp->durable;

	if (!st)
		return;
	mutex_lock(&ksmbd_durable_lock);
	if (!list_empty(&st->node))
		ksmbd_durable_take(st);
	wake_up(&ksmbd_durable_wq);
	mutex_unlock(&ksmbd_durable_lock);
	fp->durable = NULL;
	if (st->tree)
		ksmbd_tree_put(st->tree);
	ksmbd_durable_state_clear(st);
	kfree(st);
}

void ksmbd_durable_close_all(void)
{
	struct ksmbd_durable_state *st;

	for (;;) {
		struct ksmbd_durable_state *victim = NULL;

		mutex_lock(&ksmbd_durable_lock);
		list_for_each_entry(st, &ksmbd_durable_table, node) {
			if (st->orphaned) {
				victim = st;
				break;
			}
		}
		if (victim)
			ksmbd_durable_take(victim);
		wake_up(&ksmbd_durable_wq);
		mutex_unlock(&ksmbd_durable_lock);
		if (!victim)
			break;
		ksmbd_durable_close_orphan(victim->fp);
	}
	mutex_lock(&ksmbd_durable_lock);
	if (ksmbd_durable_workq) {
		/* the scavenger returns once no orphan is left */
		mutex_unlock(&ksmbd_durable_lock);
		flush_workqueue(ksmbd_durable_workq);
		return;
	}
	mutex_unlock(&ksmbd_durable_lock);
}

void ksmbd_durable_exit(void)
{
	ksmbd_durable_close_all();
	if (ksmbd_durable_workq) {
		destroy_workqueue(ksmbd_durable_workq);
		ksmbd_durable_workq = NULL;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* CREATE                                                                                       */

/* SMB2_CREATE_APP_INSTANCE_ID's name (MS-SMB2 2.2.13.2.13) */
static const u8 ksmbd_app_instance_tag[16] = {
	0x45, 0xBC, 0xA6, 0x6A, 0xEF, 0xA7, 0xF7, 0x4A,
	0x90, 0x08, 0xFA, 0x46, 0x2E, 0x14, 0x4D, 0x74
};

__le32 ksmbd_durable_parse(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len,
			   struct ksmbd_durable_req *dr)
{
	u16 dialect = w->conn->dialect;
	bool v2 = dialect >= SMB2_DIALECT_0300 && dialect != SMB2_DIALECT_WILDCARD;
	const u8 *p = w->req + ctx_off;
	u32 remain = ctx_len;

	memset(dr, 0, sizeof(*dr));
	while (ctx_len && remain >= 16) {
		u32 next = get_unaligned_le32(p), len = next ? next : remain;
		u16 noff = get_unaligned_le16(p + 4), nlen = get_unaligned_le16(p + 6);
		u16 doff = get_unaligned_le16(p + 10);
		u32 dlen = get_unaligned_le32(p + 12);
		const u8 *n = p + noff, *d = p + doff;

		if (len > remain || (u32)noff + nlen > len || (dlen && (u64)doff + dlen > len))
			return STATUS_INVALID_PARAMETER;
		/* MS-SMB2 2.2.13.2: names are at least 4 bytes (Windows refuses shorter ones) */
		if (nlen < 4)
			return STATUS_INVALID_PARAMETER;
		/*
		 * SMB2_CREATE_TIMEWARP_TOKEN (2.2.13.2.7): a previous version;
		 * the server keeps none, so there is no such file.
		 */
		if (nlen == 4 && !memcmp(n, "TWrp", 4))
			return dlen == 8 ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_INVALID_PARAMETER;
		if (nlen == 4 && !memcmp(n, "DHnQ", 4)) {
			if (dlen != 16)
				return STATUS_INVALID_PARAMETER;
			dr->dhnq = true;
		} else if (nlen == 4 && !memcmp(n, "DHnC", 4)) {
			if (dlen != 16)
				return STATUS_INVALID_PARAMETER;
			dr->dhnc = true;
			dr->persistent_id = get_unaligned_le64(d);
		} else if (v2 && nlen == 4 && !memcmp(n, "DH2Q", 4)) {
			if (dlen != 32)
				return STATUS_INVALID_PARAMETER;
			dr->dh2q = true;
			dr->timeout_ms = get_unaligned_le32(d);
			dr->flags = get_unaligned_le32(d + 4);
			memcpy(dr->create_guid, d + 16, 16);
		} else if (v2 && nlen == 4 && !memcmp(n, "DH2C", 4)) {
			if (dlen != 36)
				return STATUS_INVALID_PARAMETER;
			dr->dh2c = true;
			dr->persistent_id = get_unaligned_le64(d);
			memcpy(dr->create_guid, d + 16, 16);
			dr->flags = get_unaligned_le32(d + 32);
		} else if (nlen == 4 && !memcmp(n, "AlSi", 4)) {
			/* MS-SMB2 2.2.13.2.6: the AllocationSize, 8 bytes */
			if (dlen != 8)
				return STATUS_INVALID_PARAMETER;
			dr->alloc = true;
			dr->alloc_size = get_unaligned_le64(d);
		} else if (v2 && nlen == 16 && !memcmp(n, ksmbd_app_instance_tag, 16)) {
			/* StructureSize 20, Reserved, AppInstanceId */
			if (dlen != 20 || get_unaligned_le16(d) != 20)
				return STATUS_INVALID_PARAMETER;
			dr->app_id = true;
			memcpy(dr->app_instance_id, d + 4, 16);
		}
		if (!next)
			break;
		p += next;
		remain -= next;
	}
	/* 3.3.5.9.10, 3.3.5.9.12: v2 contexts exclude every other durable context */
	if ((dr->dh2c && (dr->dhnq || dr->dhnc || dr->dh2q)) ||
	    (dr->dh2q && (dr->dhnq || dr->dhnc)))
		return STATUS_INVALID_PARAMETER;
	/* 3.3.5.9.7: a reconnect ignores a DHnQ next to it */
	if (dr->dhnc)
		dr->dhnq = false;
	/* the app instance id counts with DH2Q only (3.3.5.9.13) */
	if (!dr->dh2q)
		dr->app_id = false;
	return STATUS_SUCCESS;
}

void ksmbd_durable_close_app_instance(const struct ksmbd_durable_req *dr)
{
	struct ksmbd_durable_state *st;

	if (!dr->app_id || !ksmbd_durable_nonzero(dr->app_instance_id))
		return;
	for (;;) {
		struct ksmbd_file *fp = NULL;
		struct ksmbd_tree *tree = NULL;
		bool orphan = false;

		mutex_lock(&ksmbd_durable_lock);
		list_for_each_entry(st, &ksmbd_durable_table, node) {
			if (!(st->flags & KSMBD_DURABLE_HAS_APP_ID) ||
			    memcmp(st->app_instance_id, dr->app_instance_id, 16))
				continue;
			/* this state is handled once */
			st->flags &= ~KSMBD_DURABLE_HAS_APP_ID;
			fp = st->fp;
			orphan = st->orphaned;
			if (orphan) {
				ksmbd_durable_take(st);
			} else if (refcount_inc_not_zero(&fp->refs)) {
				/* connected: closed like a CLOSE through its tree */
				tree = st->tree;
				refcount_inc(&tree->refs);
			} else {
				fp = NULL;	/* being freed: nothing to close */
				continue;
			}
			break;
		}
		mutex_unlock(&ksmbd_durable_lock);
		if (!fp)
			return;
		if (orphan) {
			ksmbd_durable_close_orphan(fp);
		} else {
			ksmbd_file_unlink(tree, fp);
			ksmbd_file_put(fp);
			ksmbd_tree_put(tree);
		}
	}
}

/* Whether the new open @fp would break orphan @o's caching (see durable.h). */
static bool ksmbd_durable_conflicts(struct ksmbd_file *o, bool overwrite, u32 want,
				    bool sharing)
{
	u8 level, key[16], version;
	u32 state;
	u16 epoch;

	/* Stat opens (oplock.h): READ_CONTROL is one for leases only. */
	if (!overwrite && !sharing && ksmbd_oplock_stat_access(want))
		return false;
	ksmbd_oplock_caching(o, &level, key, &state, &version, &epoch);
	switch (level) {
	case SMB2_OPLOCK_LEVEL_BATCH:
	case SMB2_OPLOCK_LEVEL_EXCLUSIVE:
		return true;
	case SMB2_OPLOCK_LEVEL_LEASE:
		if (!overwrite && !sharing && ksmbd_lease_stat_access(want))
			return false;
		return (state & SMB2_LEASE_WRITE) ||
		       ((state & SMB2_LEASE_HANDLE) && (sharing || overwrite));
	default:
		return false;
	}
}

/* MS-FSA 2.1.5.1.2's share mode conflict of two opens (attribute-only ones never conflict). */
static bool ksmbd_durable_share_conflict(u32 a1, u32 s1, u32 a2, u32 s2)
{
	const u32 rd = FILE_READ_DATA | FILE_EXECUTE, wr = FILE_WRITE_DATA | FILE_APPEND_DATA;

	if (!(a1 & (rd | wr | DELETE)) || !(a2 & (rd | wr | DELETE)))
		return false;
	return ((a2 & rd) && !(s1 & FILE_SHARE_READ)) || ((a2 & wr) && !(s1 & FILE_SHARE_WRITE)) ||
	       ((a2 & DELETE) && !(s1 & FILE_SHARE_DELETE)) ||
	       ((a1 & rd) && !(s2 & FILE_SHARE_READ)) || ((a1 & wr) && !(s2 & FILE_SHARE_WRITE)) ||
	       ((a1 & DELETE) && !(s2 & FILE_SHARE_DELETE));
}

/*
 * Close the orphans of file (@dev, @ino) the open @fp (NULL: one not made
 * yet, with @access and @share) would break; @sharing < 0: compute the
 * share mode conflict with each orphan.
 */
static int ksmbd_durable_purge_of(struct ksmbd_file *fp, u64 dev, u64 ino, u32 access,
				  u32 share, bool overwrite, u32 want, int sharing)
{
	struct ksmbd_durable_state *st;
	int n = 0;

	for (;;) {
		struct ksmbd_file *victim = NULL;

		mutex_lock(&ksmbd_durable_lock);
		list_for_each_entry(st, &ksmbd_durable_table, node) {
			struct ksmbd_file *o = st->fp;
			bool sh;

			if (!st->orphaned || o == fp || o->dev != dev || o->ino != ino)
				continue;
			sh = sharing >= 0 ? sharing :
			     ksmbd_durable_share_conflict(o->access, o->share_access, access, share);
			if (!ksmbd_durable_conflicts(o, overwrite, want, sh))
				continue;
			ksmbd_durable_take(st);
			victim = o;
			break;
		}
		mutex_unlock(&ksmbd_durable_lock);
		if (!victim)
			return n;
		ksmbd_durable_close_orphan(victim);
		n++;
	}
}

int ksmbd_durable_purge(struct ksmbd_file *fp, bool overwrite, u32 want, bool sharing)
{
	return ksmbd_durable_purge_of(fp, fp->dev, fp->ino, 0, 0, overwrite, want, sharing);
}

int ksmbd_durable_purge_file(u64 dev, u64 ino, u32 access, u32 share, bool overwrite)
{
	return ksmbd_durable_purge_of(NULL, dev, ino, access, share, overwrite, access, -1);
}

/* Append a create context (@name, @nlen bytes; @data, @dlen bytes) to the CREATE response. */
static __le32 ksmbd_durable_rsp_context(struct ksmbd_work *w, const char *name, u16 nlen,
					const u8 *data, u32 dlen)
{
	struct smb2_create_rsp *rsp;
	u32 old_off, old_len, off, clen = 24 + dlen, last;
	u8 *buf, *c;

	rsp = (struct smb2_create_rsp *)(w->rsp + sizeof(struct smb2_hdr));
	old_off = le32_to_cpu(rsp->create_contexts_offset);
	old_len = le32_to_cpu(rsp->create_contexts_length);
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
	put_unaligned_le16(nlen, c + 6);	/* NameLength */
	put_unaligned_le16(24, c + 10);		/* DataOffset */
	put_unaligned_le32(dlen, c + 12);	/* DataLength */
	memcpy(c + 16, name, nlen);
	memcpy(c + 24, data, dlen);
	rsp = (struct smb2_create_rsp *)(buf + sizeof(struct smb2_hdr));
	if (!old_len) {
		rsp->create_contexts_offset = cpu_to_le32(off);
		rsp->create_contexts_length = cpu_to_le32(clen);
		return STATUS_SUCCESS;
	}
	/* chain it after the last context already there */
	last = old_off;
	while (get_unaligned_le32(buf + last))
		last += get_unaligned_le32(buf + last);
	put_unaligned_le32(off - last, buf + last);
	rsp->create_contexts_length = cpu_to_le32(off + clen - old_off);
	return STATUS_SUCCESS;
}

__le32 ksmbd_durable_grant(struct ksmbd_work *w, struct ksmbd_file *fp,
			   const struct ksmbd_durable_req *dr, const char *path)
{
	struct ksmbd_durable_state *st;
	bool persistent = false;
	u8 data[8] = { 0 };
	u32 timeout;
	__le32 status;

	if ((!dr->dhnq && !dr->dh2q) || !fp->vfs || fp->is_dir || fp->is_stream)
		return STATUS_SUCCESS;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return STATUS_INSUFFICIENT_RESOURCES;
	INIT_LIST_HEAD(&st->node);
	st->fp = fp;
	ksmbd_oplock_caching(fp, &st->oplock_level, st->lease_key, &st->lease_state,
			     &st->lease_version, &st->lease_epoch);
	if (dr->dh2q && (dr->flags & SMB2_DHANDLE_FLAG_PERSISTENT) &&
	    (w->tree->flags & KSMBD_SHARE_CONTINUOUS_AVAILABILITY) &&
	    w->conn->dialect >= SMB2_DIALECT_0300 && w->conn->dialect != SMB2_DIALECT_WILDCARD)
		persistent = true;
	/* 3.3.5.9.6, 3.3.5.9.10: a batch oplock or a lease with H, unless persistent */
	if (!persistent && st->oplock_level != SMB2_OPLOCK_LEVEL_BATCH &&
	    !(st->oplock_level == SMB2_OPLOCK_LEVEL_LEASE && (st->lease_state & SMB2_LEASE_HANDLE))) {
		kfree(st);
		return STATUS_SUCCESS;
	}
	if (dr->dh2q) {
		timeout = dr->timeout_ms ? dr->timeout_ms : KSMBD_DURABLE_DEFAULT_TIMEOUT;
		if (!persistent && timeout > KSMBD_DURABLE_MAX_TIMEOUT)
			timeout = KSMBD_DURABLE_MAX_TIMEOUT;
		st->flags = KSMBD_DURABLE_V2 | (persistent ? KSMBD_DURABLE_PERSISTENT : 0);
		memcpy(st->create_guid, dr->create_guid, 16);
		if (dr->app_id) {
			st->flags |= KSMBD_DURABLE_HAS_APP_ID;
			memcpy(st->app_instance_id, dr->app_instance_id, 16);
		}
	} else {
		timeout = ksmbd_durable_v1_timeout_ms;
		st->flags = KSMBD_DURABLE_V1;
	}
	if (st->lease_version)
		st->flags |= KSMBD_DURABLE_HAS_LEASE;
	st->timeout_ms = timeout;
	st->persistent_id = fp->persistent_id;
	st->volatile_id = fp->volatile_id;
	memcpy(st->client_guid, w->conn->client_guid, 16);
	st->access = fp->access;
	st->share_access = fp->share_access;
	st->mode = fp->mode;
	strscpy(st->user, w->sess->user, sizeof(st->user));
	strscpy(st->share, w->tree->name, sizeof(st->share));
	st->path = kstrdup(path, GFP_KERNEL);
	if (!st->path) {
		kfree(st);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	if (dr->dh2q) {
		put_unaligned_le32(timeout, data);
		put_unaligned_le32(persistent ? SMB2_DHANDLE_FLAG_PERSISTENT : 0, data + 4);
		status = ksmbd_durable_rsp_context(w, "DH2Q", 4, data, 8);
	} else {
		status = ksmbd_durable_rsp_context(w, "DHnQ", 4, data, 8);
	}
	if (status != STATUS_SUCCESS) {
		ksmbd_durable_state_clear(st);
		kfree(st);
		return status;
	}
	/* 3.3.5.14: durable opens detect lock sequence replays */
	fp->lock_replay = true;
	refcount_inc(&w->tree->refs);
	st->tree = w->tree;
	fp->durable = st;
	mutex_lock(&ksmbd_durable_lock);
	list_add_tail(&st->node, &ksmbd_durable_table);
	mutex_unlock(&ksmbd_durable_lock);
	return STATUS_SUCCESS;
}

struct ksmbd_file *ksmbd_durable_reconnect(struct ksmbd_work *w,
					   const struct ksmbd_durable_req *dr,
					   const struct ksmbd_lease_req *lr, const char *path,
					   __le32 *status)
{
	struct ksmbd_durable_state *st, *found = NULL;
	struct ksmbd_tree *old;
	struct ksmbd_file *fp;

	unsigned long deadline = jiffies + KSMBD_DURABLE_TEARDOWN_WAIT;
	struct ksmbd_conn *conn;
	unsigned int snap;
	long left;

	*status = STATUS_OBJECT_NAME_NOT_FOUND;
again:
	mutex_lock(&ksmbd_durable_lock);
	found = NULL;
	list_for_each_entry(st, &ksmbd_durable_table, node) {
		if (st->persistent_id == dr->persistent_id) {
			found = st;
			break;
		}
	}
	st = found;
	/* 3.3.5.9.7/12: an open still connected cannot be reconnected */
	if (!st)
		goto out;
	if (!st->orphaned) {
		/*
		 * Unless its connection is already going: the client saw it
		 * drop before reconnecting, and its teardown (conn.c), which
		 * orphans the open, may still be running. Wait for it, within
		 * a bound; the table's events wake us (ksmbd_durable_kick).
		 */
		conn = READ_ONCE(st->fp->conn);
		left = (long)(deadline - jiffies);
		if (!conn || READ_ONCE(conn->state) == KSMBD_CONN_RUNNING || left <= 0)
			goto out;
		snap = ksmbd_durable_events;
		mutex_unlock(&ksmbd_durable_lock);
		wait_event_timeout(ksmbd_durable_wq, READ_ONCE(ksmbd_durable_events) != snap,
				   left);
		goto again;
	}
	/* DH2C: the same CreateGuid (zero for a v1 open, which DH2C never finds) */
	if (dr->dh2c && memcmp(st->create_guid, dr->create_guid, 16))
		goto out;
	if (st->flags & KSMBD_DURABLE_HAS_LEASE) {
		/* the same lease key of the same client */
		if (!lr || memcmp(lr->key, st->lease_key, 16) ||
		    memcmp(st->client_guid, w->conn->client_guid, 16))
			goto out;
		/* then the name must be the open's */
		*status = STATUS_INVALID_PARAMETER;
		if (!path || !st->fp->path || strcasecmp(path, st->fp->path))
			goto out;
	} else if (lr) {
		goto out;
	}
	/* 3.3.5.9.7: the same user */
	*status = STATUS_ACCESS_DENIED;
	if (strcmp(st->user, w->sess->user))
		goto out;
	*status = STATUS_OBJECT_NAME_NOT_FOUND;
	if (strcasecmp(st->share, w->tree->name))
		goto out;
	st->orphaned = false;
	ksmbd_durable_nr_orphans--;
	ksmbd_durable_kick();
	fp = st->fp;
	old = st->tree;
	refcount_inc(&w->tree->refs);
	st->tree = w->tree;
	fp->sess_id = w->sess->id;
	fp->root = w->tree->root;
	mutex_unlock(&ksmbd_durable_lock);
	ksmbd_oplock_move_conn(fp, NULL, w->conn);
	/* the table's reference becomes the new tree's list reference */
	refcount_inc(&fp->refs);
	ksmbd_file_link(w->tree, fp);
	ksmbd_tree_put(old);
	*status = STATUS_SUCCESS;
	pr_debug("durable open %llu reconnected\n", fp->persistent_id);
	return fp;
out:
	mutex_unlock(&ksmbd_durable_lock);
	return NULL;
}
