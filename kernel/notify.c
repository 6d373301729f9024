// SPDX-License-Identifier: GPL-2.0
/*
 * CHANGE_NOTIFY: watches, change events and the detached requests waiting
 * for them (see notify.h).
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "file.h"
#include "inode.h"
#include "notify.h"
#include "port.h"
#include "session.h"
#include "smb2.h"
#include "tree.h"
#include "unicode.h"

#define STATUS_NOTIFY_CLEANUP	cpu_to_le32(0x0000010b)
#define STATUS_NOTIFY_ENUM_DIR	cpu_to_le32(0x0000010c)

/* Connection.MaxTransactSize (smb2_negotiate.c): larger buffers are refused. */
#define KSMBD_NOTIFY_MAX_LEN	(8 * 1024 * 1024)
/* The CHANGE_NOTIFY response body before its buffer (MS-SMB2 2.2.36). */
#define KSMBD_NOTIFY_RSP_HDR	8

/* One FILE_NOTIFY_INFORMATION entry (MS-FSCC 2.7.1) to be. */
struct ksmbd_notify_ev {
	struct list_head node;
	u32 action;
	u32 len;			/* bytes of UTF-16LE name */
	u8 name[];
};

struct ksmbd_notify_watch {
	struct list_head node;		/* ksmbd_notify_watches, while its open is open */
	struct list_head events;	/* struct ksmbd_notify_ev, oldest first */
	struct list_head waiting;	/* struct ksmbd_notify_req not claimed yet */
	u64 root_dev, root_ino;		/* the share */
	char *path;			/* the directory, as the open named it */
	u32 filter;
	bool tree;			/* WATCH_TREE */
	bool overflow;			/* changes were lost: answer ENUM_DIR */
	bool dead;			/* its open closed */
	bool delete_pending;		/* its directory is to be deleted */
	u64 dev, ino;			/* its directory */
	u32 max_len;			/* the first request's OutputBufferLength */
	u32 bytes;			/* the queued entries' size */
	unsigned int refs;		/* the open's, and one per request on it */
	struct ksmbd_vfs_watch *fsw;	/* the filesystem's watch, or NULL */
	bool hold;			/* a rename's first half: do not answer yet */
};

struct ksmbd_notify_req {
	struct ksmbd_async_req areq;
	struct list_head node;		/* watch->waiting until claimed */
	struct ksmbd_notify_watch *watch; /* a reference, or NULL */
	struct work_struct work;
	u32 out_len;			/* this request's OutputBufferLength */
	/* Set once, by whoever claims the request (under ksmbd_notify_lock). */
	bool claimed;
	__le32 status;
	u8 *body;			/* the answer's body, taken when claimed */
	size_t len;
};

static DEFINE_MUTEX(ksmbd_notify_lock);
static LIST_HEAD(ksmbd_notify_watches);
/* Watches that exist: events cost nothing while there are none. */
static atomic_t ksmbd_notify_nr_watches = ATOMIC_INIT(0);
static struct workqueue_struct *ksmbd_notify_wq;

static u32 ksmbd_notify_entry_size(u32 len)
{
	return ALIGN(12 + len, 4);
}

static void ksmbd_notify_drop_events(struct ksmbd_notify_watch *wt)
{
	struct ksmbd_notify_ev *ev, *tmp;

	list_for_each_entry_safe(ev, tmp, &wt->events, node) {
		list_del(&ev->node);
		kfree(ev);
	}
	wt->bytes = 0;
}

/* Drop a reference to @wt; ksmbd_notify_lock held. */
static void ksmbd_notify_watch_put(struct ksmbd_notify_watch *wt)
{
	if (--wt->refs)
		return;
	ksmbd_notify_drop_events(wt);
	kfree(wt->path);
	kfree(wt);
}

/*
 * Answer from the queued changes of @wt for a buffer of @out_len bytes: the
 * CHANGE_NOTIFY response body in *@body (*@len bytes) with STATUS_SUCCESS,
 * or STATUS_NOTIFY_ENUM_DIR when they do not fit or some were lost.
 * The queue is emptied. ksmbd_notify_lock held.
 */
static __le32 ksmbd_notify_take(struct ksmbd_notify_watch *wt, u32 out_len, u8 **body,
				size_t *len)
{
	struct ksmbd_notify_ev *ev;
	u32 limit = min(out_len, wt->max_len), pos = 0;
	u8 *b, *prev = NULL;

	*body = NULL;
	*len = 0;
	if (wt->overflow || wt->bytes > limit) {
		wt->overflow = false;
		ksmbd_notify_drop_events(wt);
		return STATUS_NOTIFY_ENUM_DIR;
	}
	b = kzalloc(KSMBD_NOTIFY_RSP_HDR + wt->bytes, GFP_KERNEL);
	if (!b) {
		ksmbd_notify_drop_events(wt);
		return STATUS_NOTIFY_ENUM_DIR;
	}
	list_for_each_entry(ev, &wt->events, node) {
		u8 *e = b + KSMBD_NOTIFY_RSP_HDR + pos;

		if (prev)
			put_unaligned_le32(e - prev, prev);
		put_unaligned_le32(ev->action, e + 4);
		put_unaligned_le32(ev->len, e + 8);
		memcpy(e + 12, ev->name, ev->len);
		prev = e;
		pos += ksmbd_notify_entry_size(ev->len);
	}
	put_unaligned_le16(9, b);
	put_unaligned_le16(sizeof(struct smb2_hdr) + KSMBD_NOTIFY_RSP_HDR, b + 2);
	put_unaligned_le32(pos, b + 4);
	ksmbd_notify_drop_events(wt);
	*body = b;
	*len = KSMBD_NOTIFY_RSP_HDR + pos;
	return STATUS_SUCCESS;
}

/*
 * Take @r over and have its work answer it with @status; a request answered
 * with changes takes them now, so later ones wait for the next request.
 * ksmbd_notify_lock held.
 */
static void ksmbd_notify_claim(struct ksmbd_notify_req *r, __le32 status)
{
	r->claimed = true;
	list_del_init(&r->node);
	if (r->watch && status == STATUS_SUCCESS)
		status = ksmbd_notify_take(r->watch, r->out_len, &r->body, &r->len);
	r->status = status;
	queue_work(ksmbd_notify_wq, &r->work);
}

static void ksmbd_notify_work(struct work_struct *work)
{
	struct ksmbd_notify_req *r = container_of(work, struct ksmbd_notify_req, work);

	if (r->watch) {
		mutex_lock(&ksmbd_notify_lock);
		ksmbd_notify_watch_put(r->watch);
		mutex_unlock(&ksmbd_notify_lock);
	}
	ksmbd_async_answer(&r->areq, r->status, r->body, r->len);
	kfree(r->body);
	kfree(r);
}

/* CANCEL, LOGOFF, TREE_DISCONNECT, teardown; conn->async_lock held. */
static void ksmbd_notify_cancelled(struct ksmbd_async *a)
{
	struct ksmbd_notify_req *r = container_of(a, struct ksmbd_notify_req, areq.async);

	mutex_lock(&ksmbd_notify_lock);
	if (!r->claimed)
		ksmbd_notify_claim(r, a->cleanup ? STATUS_NOTIFY_CLEANUP : STATUS_CANCELLED);
	mutex_unlock(&ksmbd_notify_lock);
}

/*
 * Queue one change on @wt and wake a waiting request; ksmbd_notify_lock held.
 * A @weak change is dropped when the last queued entry names the same file.
 */
static void ksmbd_notify_queue(struct ksmbd_notify_watch *wt, u32 action, const char *rel,
			       bool weak)
{
	size_t n = strlen(rel);
	struct ksmbd_notify_ev *ev, *last;
	struct ksmbd_notify_req *r;
	int len, i;

	if (wt->overflow)
		goto wake;
	ev = kmalloc(sizeof(*ev) + 2 * n, GFP_KERNEL);
	if (!ev)
		goto lost;
	len = ksmbd_utf8_to_utf16(rel, n, ev->name, 2 * n);
	if (len < 0) {
		kfree(ev);
		goto lost;
	}
	/* Separators as the client writes them. */
	for (i = 0; i + 1 < len; i += 2)
		if (ev->name[i] == '/' && !ev->name[i + 1])
			ev->name[i] = '\\';
	ev->action = action;
	ev->len = len;
	/* The same change twice in a row is one entry (a write and its times). */
	last = list_empty(&wt->events) ? NULL :
	       list_entry(wt->events.prev, struct ksmbd_notify_ev, node);
	if (last && (weak || (action == FILE_ACTION_MODIFIED && last->action == action)) &&
	    last->len == ev->len && !memcmp(last->name, ev->name, len)) {
		kfree(ev);
		goto wake;
	}
	if (wt->bytes + ksmbd_notify_entry_size(len) > wt->max_len) {
		kfree(ev);
		goto lost;
	}
	list_add_tail(&ev->node, &wt->events);
	wt->bytes += ksmbd_notify_entry_size(len);
	goto wake;
lost:
	/* MS-FSA 2.1.5.10: the client must enumerate the directory instead. */
	ksmbd_notify_drop_events(wt);
	wt->overflow = true;
wake:
	if (wt->hold)
		return;	/* the rest of the change follows at once */
	r = list_first_entry_or_null(&wt->waiting, struct ksmbd_notify_req, node);
	if (r)
		ksmbd_notify_claim(r, STATUS_SUCCESS);
}

/* @path's name as watch @wt reports it, or NULL when @wt does not see @path. */
static const char *ksmbd_notify_rel(const struct ksmbd_notify_watch *wt, const char *path)
{
	size_t wl = strlen(wt->path);
	const char *rest = path;

	if (wl) {
		if (strncmp(path, wt->path, wl) || path[wl] != '/')
			return NULL;
		rest = path + wl + 1;
	}
	if (!*rest || (!wt->tree && strchr(rest, '/')))
		return NULL;
	return rest;
}

static void ksmbd_notify_event_ex(u64 root_dev, u64 root_ino, const char *path, u32 action,
				  u32 filter, bool weak)
{
	struct ksmbd_notify_watch *wt;
	const char *rel;

	if (!atomic_read(&ksmbd_notify_nr_watches) || !path || !*path)
		return;
	mutex_lock(&ksmbd_notify_lock);
	list_for_each_entry(wt, &ksmbd_notify_watches, node) {
		if (wt->root_dev != root_dev || wt->root_ino != root_ino || !(wt->filter & filter))
			continue;
		rel = ksmbd_notify_rel(wt, path);
		if (rel)
			ksmbd_notify_queue(wt, action, rel, weak);
	}
	mutex_unlock(&ksmbd_notify_lock);
}

void ksmbd_notify_event(u64 root_dev, u64 root_ino, const char *path, u32 action, u32 filter)
{
	ksmbd_notify_event_ex(root_dev, root_ino, path, action, filter, false);
}

void ksmbd_notify_renamed_file(u64 root_dev, u64 root_ino, const char *path)
{
	ksmbd_notify_event_ex(root_dev, root_ino, path, FILE_ACTION_MODIFIED,
			      FILE_NOTIFY_CHANGE_ATTRIBUTES, true);
}

void ksmbd_notify_overflow_all(void)
{
	struct ksmbd_notify_watch *wt;
	struct ksmbd_notify_req *r;

	mutex_lock(&ksmbd_notify_lock);
	list_for_each_entry(wt, &ksmbd_notify_watches, node) {
		ksmbd_notify_drop_events(wt);
		wt->overflow = true;
		r = list_first_entry_or_null(&wt->waiting, struct ksmbd_notify_req, node);
		if (r)
			ksmbd_notify_claim(r, STATUS_SUCCESS);
	}
	mutex_unlock(&ksmbd_notify_lock);
}

/* Whether @a and @b name entries of the same directory. */
static bool ksmbd_notify_same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? sa - a : 0, lb = sb ? sb - b : 0;

	return la == lb && !strncmp(a, b, la);
}

void ksmbd_notify_rename(u64 root_dev, u64 root_ino, const char *from, const char *to,
			 bool is_dir)
{
	u32 filter = is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;
	struct ksmbd_notify_watch *wt;
	const char *rf, *rt;

	if (!atomic_read(&ksmbd_notify_nr_watches))
		return;
	if (!ksmbd_notify_same_dir(from, to)) {
		/* MS-FSA 2.1.5.14.11: to another directory, a removal and an addition. */
		ksmbd_notify_event(root_dev, root_ino, from, FILE_ACTION_REMOVED, filter);
		ksmbd_notify_event(root_dev, root_ino, to, FILE_ACTION_ADDED, filter);
		return;
	}
	mutex_lock(&ksmbd_notify_lock);
	list_for_each_entry(wt, &ksmbd_notify_watches, node) {
		if (wt->root_dev != root_dev || wt->root_ino != root_ino || !(wt->filter & filter))
			continue;
		rf = ksmbd_notify_rel(wt, from);
		rt = ksmbd_notify_rel(wt, to);
		if (!rf || !rt)
			continue;
		/* Both names in one response: the old one cannot complete alone. */
		wt->hold = true;
		ksmbd_notify_queue(wt, FILE_ACTION_RENAMED_OLD_NAME, rf, false);
		wt->hold = false;
		ksmbd_notify_queue(wt, FILE_ACTION_RENAMED_NEW_NAME, rt, false);
	}
	mutex_unlock(&ksmbd_notify_lock);
}

void ksmbd_notify_fp(struct ksmbd_file *fp, u32 action, u32 filter)
{
	if (!atomic_read(&ksmbd_notify_nr_watches) || !fp->vfs)
		return;
	mutex_lock(&fp->dir_lock);
	ksmbd_notify_event(fp->root_dev, fp->root_ino, fp->path, action, filter);
	mutex_unlock(&fp->dir_lock);
}

void ksmbd_notify_delete_pending(u64 dev, u64 ino)
{
	struct ksmbd_notify_watch *wt;
	struct ksmbd_notify_req *r, *tmp;

	if (!atomic_read(&ksmbd_notify_nr_watches))
		return;
	mutex_lock(&ksmbd_notify_lock);
	list_for_each_entry(wt, &ksmbd_notify_watches, node) {
		if (wt->dev != dev || wt->ino != ino)
			continue;
		wt->delete_pending = true;
		list_for_each_entry_safe(r, tmp, &wt->waiting, node)
			ksmbd_notify_claim(r, STATUS_DELETE_PENDING);
	}
	mutex_unlock(&ksmbd_notify_lock);
}

void ksmbd_notify_release(struct ksmbd_file *fp)
{
	struct ksmbd_notify_watch *wt;
	struct ksmbd_notify_req *r, *tmp;
	struct ksmbd_vfs_watch *fsw;

	mutex_lock(&ksmbd_notify_lock);
	fp->notify_closed = true;
	wt = fp->notify;
	if (!wt) {
		mutex_unlock(&ksmbd_notify_lock);
		return;
	}
	fp->notify = NULL;
	fsw = wt->fsw;
	wt->fsw = NULL;
	wt->dead = true;
	list_del_init(&wt->node);
	atomic_dec(&ksmbd_notify_nr_watches);
	ksmbd_notify_drop_events(wt);
	/* MS-SMB2 3.3.5.10 / MS-FSA 2.1.5.4: pending requests complete with CLEANUP. */
	list_for_each_entry_safe(r, tmp, &wt->waiting, node)
		ksmbd_notify_claim(r, STATUS_NOTIFY_CLEANUP);
	ksmbd_notify_watch_put(wt);
	mutex_unlock(&ksmbd_notify_lock);
	/* Outside the lock: the backend hands over what it read on the way. */
	if (fsw)
		ksmbd_vfs_watch_del(fsw);
}

/* MS-SMB2 2.2.35, 3.3.5.19 */
__le32 ksmbd_smb2_change_notify(struct ksmbd_work *w)
{
	const u8 *b = ksmbd_req_body(w);
	u16 flags = get_unaligned_le16(b + 2);
	u32 out_len = get_unaligned_le32(b + 4);
	u32 filter = get_unaligned_le32(b + 24);
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_notify_watch *wt, *fresh = NULL;
	struct ksmbd_notify_req *r;
	__le32 status;
	size_t len;
	u8 *body;
	int ret;

	if ((w->tree->flags & KSMBD_SHARE_IPC) || !fp->vfs || !fp->is_dir)
		return STATUS_INVALID_PARAMETER;
	if (out_len > KSMBD_NOTIFY_MAX_LEN)
		return STATUS_INVALID_PARAMETER;
	/* MS-SMB2 3.3.5.19: the open must be allowed to list the directory. */
	if (!(fp->access & FILE_READ_DATA))
		return STATUS_ACCESS_DENIED;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!fresh || !r)
		goto nomem;
	INIT_LIST_HEAD(&fresh->node);
	INIT_LIST_HEAD(&fresh->events);
	INIT_LIST_HEAD(&fresh->waiting);
	mutex_lock(&fp->dir_lock);
	fresh->path = kstrdup(fp->path, GFP_KERNEL);
	mutex_unlock(&fp->dir_lock);
	if (!fresh->path)
		goto nomem;
	fresh->dev = fp->dev;
	fresh->ino = fp->ino;
	fresh->root_dev = fp->root_dev;
	fresh->root_ino = fp->root_ino;
	fresh->filter = filter;
	fresh->tree = flags & SMB2_WATCH_TREE;
	fresh->max_len = out_len;
	fresh->refs = 1;		/* the open's */
	INIT_LIST_HEAD(&r->node);
	INIT_WORK(&r->work, ksmbd_notify_work);
	r->out_len = out_len;

	/*
	 * The filesystem's watch for changes made outside the engine, set up
	 * before the lock (the backend reports to notify.c). Without one (no
	 * backend, or its limit reached) only the engine's own changes are seen.
	 */
	mutex_lock(&ksmbd_notify_lock);
	wt = fp->notify;
	mutex_unlock(&ksmbd_notify_lock);
	if (!wt && ksmbd_vfs_watch_add(fp->root, fp->root_dev, fp->root_ino, fresh->path,
				       fresh->tree, &fresh->fsw))
		fresh->fsw = NULL;

	mutex_lock(&ksmbd_notify_lock);
	wt = fp->notify;
	if (!wt && !fp->notify_closed) {
		/* The first request on the open sets the watch up (notify.h). */
		wt = fresh;
		fresh = NULL;
		fp->notify = wt;
		list_add_tail(&wt->node, &ksmbd_notify_watches);
		atomic_inc(&ksmbd_notify_nr_watches);
	}
	if (!wt) {
		mutex_unlock(&ksmbd_notify_lock);
		status = STATUS_FILE_CLOSED;	/* closed meanwhile */
		goto out;
	}
	/* A delete that became pending before the watch existed. */
	if (!wt->delete_pending && ksmbd_inode_delete_pending(&fp->ni))
		wt->delete_pending = true;
	if (wt->delete_pending) {
		mutex_unlock(&ksmbd_notify_lock);
		status = STATUS_DELETE_PENDING;
		goto out;
	}
	if (wt->overflow || !list_empty(&wt->events)) {
		/* Changes are waiting: answer them now. */
		status = ksmbd_notify_take(wt, out_len, &body, &len);
		mutex_unlock(&ksmbd_notify_lock);
		if (status == STATUS_SUCCESS) {
			u8 *rsp = ksmbd_rsp_body(w, len);

			if (rsp)
				memcpy(rsp, body, len);
			else
				status = STATUS_INSUFFICIENT_RESOURCES;
		}
		kfree(body);
		goto out;
	}
	mutex_unlock(&ksmbd_notify_lock);

	/*
	 * Wait, detached. Inside a compound only the last request may: an
	 * earlier one fails, as Windows' does (MS-SMB2 <159>, <162>).
	 */
	if (!w->last) {
		status = STATUS_INTERNAL_ERROR;
		goto out;
	}
	ret = ksmbd_async_detach(w, &r->areq, ksmbd_notify_cancelled);
	if (ret) {
		status = ret == -EBUSY ? STATUS_INSUFFICIENT_RESOURCES : STATUS_CANCELLED;
		goto out;
	}
	mutex_lock(&ksmbd_notify_lock);
	if (!r->claimed) {
		wt = fp->notify;
		if (!wt) {
			ksmbd_notify_claim(r, STATUS_NOTIFY_CLEANUP);
		} else if (wt->delete_pending) {
			ksmbd_notify_claim(r, STATUS_DELETE_PENDING);
		} else {
			wt->refs++;
			r->watch = wt;
			list_add_tail(&r->node, &wt->waiting);
			/* Changes that came while detaching. */
			if (wt->overflow || !list_empty(&wt->events))
				ksmbd_notify_claim(r, STATUS_SUCCESS);
		}
	}
	mutex_unlock(&ksmbd_notify_lock);
	r = NULL;	/* its work frees it */
	status = KSMBD_STATUS_ASYNC;
	goto out;

nomem:
	status = STATUS_INSUFFICIENT_RESOURCES;
out:
	if (fresh && fresh->fsw)
		ksmbd_vfs_watch_del(fresh->fsw);
	if (fresh)
		kfree(fresh->path);
	kfree(fresh);
	kfree(r);
	return status;
}

int ksmbd_notify_init(void)
{
	int ret;

	ksmbd_notify_wq = alloc_workqueue("ksmbd-notify", WQ_UNBOUND, 16);
	if (!ksmbd_notify_wq)
		return -ENOMEM;
	ret = ksmbd_vfs_watch_init();
	if (ret)
		destroy_workqueue(ksmbd_notify_wq);
	return ret;
}

void ksmbd_notify_exit(void)
{
	ksmbd_vfs_watch_exit();
	destroy_workqueue(ksmbd_notify_wq);
}
