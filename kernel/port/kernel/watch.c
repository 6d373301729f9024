// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: change watches (port.h) on fsnotify.
 *
 * One fsnotify group for the module; a watched directory is one inode mark
 * (struct kw_dir) with FS_EVENT_ON_CHILD, shared by the watches on it and
 * named by its path inside its share. WATCH_TREE is not followed into
 * subdirectories here: the backend reports the directory's own entries.
 *
 * fsnotify calls the handler synchronously, in the task that makes the
 * change, so the engine's own changes are told apart exactly: vfs.c brackets
 * each modifying call with ksmbd_kw_own_begin()/_end(), which list the
 * calling task, and the handler ignores the events of listed tasks. The
 * others are copied (GFP_NOFS: the handler runs under filesystem locks) and
 * handed to notify.c from a work item, in order.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/fsnotify_backend.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "notify.h"
#include "port.h"
#include "watch.h"

#define KW_MASK	(FS_CREATE | FS_DELETE | FS_MOVED_FROM | FS_MOVED_TO | FS_MODIFY | \
		 FS_ATTRIB | FS_EVENT_ON_CHILD)

struct kw_dir {
	struct fsnotify_mark mark;
	u64 root_dev, root_ino;
	unsigned int holders;		/* under kw_mutex */
	char path[];			/* inside the share, "" the root */
};

struct ksmbd_vfs_watch {
	struct kw_dir *dir;
};

struct kw_ev {
	struct list_head node;
	u64 root_dev, root_ino;
	u32 mask, cookie;
	char path[];
};

static struct fsnotify_group *kw_group;
static DEFINE_MUTEX(kw_mutex);
static atomic_t kw_active = ATOMIC_INIT(0);
static DEFINE_SPINLOCK(kw_own_lock);
static LIST_HEAD(kw_own);		/* struct ksmbd_kw_own of running engine calls */
static DEFINE_SPINLOCK(kw_ev_lock);
static LIST_HEAD(kw_events);
static void kw_work_fn(struct work_struct *work);
static DECLARE_WORK(kw_work, kw_work_fn);

void ksmbd_kw_own_begin(struct ksmbd_kw_own *own)
{
	own->on = atomic_read(&kw_active) > 0;
	if (!own->on)
		return;
	own->task = current;
	spin_lock(&kw_own_lock);
	list_add(&own->node, &kw_own);
	spin_unlock(&kw_own_lock);
}

void ksmbd_kw_own_end(struct ksmbd_kw_own *own)
{
	if (!own->on)
		return;
	spin_lock(&kw_own_lock);
	list_del(&own->node);
	spin_unlock(&kw_own_lock);
}

static bool kw_is_own(void)
{
	struct ksmbd_kw_own *own;
	bool ret = false;

	spin_lock(&kw_own_lock);
	list_for_each_entry(own, &kw_own, node) {
		if (own->task == current) {
			ret = true;
			break;
		}
	}
	spin_unlock(&kw_own_lock);
	return ret;
}

static int kw_handle(struct fsnotify_mark *mark, u32 mask, struct inode *inode,
		     struct inode *dir, const struct qstr *name, u32 cookie)
{
	struct kw_dir *d = container_of(mark, struct kw_dir, mark);
	size_t dl = strlen(d->path);
	struct kw_ev *ev;
	char *p;

	if (!name || !name->len || kw_is_own())
		return 0;
	ev = kmalloc(sizeof(*ev) + dl + name->len + 2, GFP_NOFS);
	if (!ev)
		return 0;
	ev->root_dev = d->root_dev;
	ev->root_ino = d->root_ino;
	ev->mask = mask;
	ev->cookie = cookie;
	p = ev->path;
	memcpy(p, d->path, dl);
	if (dl)
		p[dl++] = '/';
	memcpy(p + dl, name->name, name->len);
	p[dl + name->len] = '\0';
	spin_lock(&kw_ev_lock);
	list_add_tail(&ev->node, &kw_events);
	spin_unlock(&kw_ev_lock);
	queue_work(system_unbound_wq, &kw_work);
	return 0;
}

static void kw_free_mark(struct fsnotify_mark *mark)
{
	kfree(container_of(mark, struct kw_dir, mark));
}

static const struct fsnotify_ops kw_ops = {
	.handle_inode_event = kw_handle,
	.free_mark = kw_free_mark,
};

static void kw_report(const struct kw_ev *ev)
{
	bool is_dir = ev->mask & FS_ISDIR;
	u32 name_filter = is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;

	if (ev->mask & (FS_CREATE | FS_MOVED_TO))
		ksmbd_notify_event(ev->root_dev, ev->root_ino, ev->path, FILE_ACTION_ADDED,
				   name_filter);
	else if (ev->mask & (FS_DELETE | FS_MOVED_FROM))
		ksmbd_notify_event(ev->root_dev, ev->root_ino, ev->path, FILE_ACTION_REMOVED,
				   name_filter);
	else if (ev->mask & FS_MODIFY)
		ksmbd_notify_event(ev->root_dev, ev->root_ino, ev->path, FILE_ACTION_MODIFIED,
				   FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
	else if (ev->mask & FS_ATTRIB)
		/* Times, mode, owner or extended attributes: fsnotify does not say which. */
		ksmbd_notify_event(ev->root_dev, ev->root_ino, ev->path, FILE_ACTION_MODIFIED,
				   FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_LAST_WRITE |
				   FILE_NOTIFY_CHANGE_LAST_ACCESS | FILE_NOTIFY_CHANGE_EA |
				   FILE_NOTIFY_CHANGE_SECURITY);
}

static void kw_work_fn(struct work_struct *work)
{
	struct kw_ev *ev, *next;
	LIST_HEAD(list);

	spin_lock(&kw_ev_lock);
	list_splice_init(&kw_events, &list);
	spin_unlock(&kw_ev_lock);
	list_for_each_entry_safe(ev, next, &list, node) {
		/* A rename's halves are queued together by the renaming task. */
		if ((ev->mask & FS_MOVED_FROM) && !list_is_last(&ev->node, &list) &&
		    (next->mask & FS_MOVED_TO) && next->cookie == ev->cookie &&
		    next->root_dev == ev->root_dev && next->root_ino == ev->root_ino) {
			ksmbd_notify_rename(ev->root_dev, ev->root_ino, ev->path, next->path,
					    ev->mask & FS_ISDIR);
			list_del(&ev->node);
			kfree(ev);
			ev = next;
			next = list_next_entry(next, node);
		} else {
			kw_report(ev);
		}
		list_del(&ev->node);
		kfree(ev);
	}
}

int ksmbd_vfs_watch_add(struct ksmbd_vfs_root *root, u64 root_dev, u64 root_ino,
			const char *name, bool tree, struct ksmbd_vfs_watch **out)
{
	struct fsnotify_mark *found;
	struct ksmbd_vfs_watch *w;
	struct ksmbd_vfs_file *f;
	struct inode *inode;
	struct kw_dir *d;
	int ret;

	if (!kw_group)
		return -EOPNOTSUPP;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	ret = ksmbd_vfs_open(root, *name ? name : ".", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
			     0, &f);
	if (ret) {
		kfree(w);
		return ret;
	}
	inode = ksmbd_kw_file_inode(f);
	mutex_lock(&kw_mutex);
	found = fsnotify_find_mark(&inode->i_fsnotify_marks, kw_group);
	if (found) {
		d = container_of(found, struct kw_dir, mark);
		d->holders++;
		fsnotify_put_mark(found);
		goto done;
	}
	d = kzalloc(sizeof(*d) + strlen(name) + 1, GFP_KERNEL);
	if (!d) {
		ret = -ENOMEM;
		goto fail;
	}
	strcpy(d->path, name);
	d->root_dev = root_dev;
	d->root_ino = root_ino;
	d->holders = 1;
	fsnotify_init_mark(&d->mark, kw_group);
	d->mark.mask = KW_MASK;
	ret = fsnotify_add_inode_mark(&d->mark, inode, 0);
	if (ret) {
		fsnotify_put_mark(&d->mark);	/* frees it */
		goto fail;
	}
done:
	atomic_inc(&kw_active);
	mutex_unlock(&kw_mutex);
	ksmbd_vfs_close(f);
	w->dir = d;
	*out = w;
	return 0;
fail:
	mutex_unlock(&kw_mutex);
	ksmbd_vfs_close(f);
	kfree(w);
	return ret;
}

void ksmbd_vfs_watch_del(struct ksmbd_vfs_watch *w)
{
	struct kw_dir *d = w->dir;

	mutex_lock(&kw_mutex);
	atomic_dec(&kw_active);
	if (!--d->holders) {
		fsnotify_destroy_mark(&d->mark, kw_group);
		fsnotify_put_mark(&d->mark);
	}
	mutex_unlock(&kw_mutex);
	kfree(w);
}

int ksmbd_vfs_watch_init(void)
{
	kw_group = fsnotify_alloc_group(&kw_ops, FSNOTIFY_GROUP_NOFS);
	if (IS_ERR(kw_group)) {
		pr_warn("change watches: no fsnotify group (%ld), outside changes not seen\n",
			PTR_ERR(kw_group));
		kw_group = NULL;
	}
	return 0;
}

void ksmbd_vfs_watch_exit(void)
{
	if (!kw_group)
		return;
	/* Every watch is gone with its open: wait for the marks' frees, then the events. */
	fsnotify_wait_marks_destroyed();
	flush_work(&kw_work);
	fsnotify_put_group(kw_group);
	kw_group = NULL;
}
