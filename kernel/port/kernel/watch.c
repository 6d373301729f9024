// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: change watches (port.h) on fsnotify.
 *
 * One fsnotify group for the module; a watched directory is one inode mark
 * (struct kw_dir) with FS_EVENT_ON_CHILD, shared by the watches on it and
 * named by its path inside its share. A WATCH_TREE watch also holds a mark
 * on every subdirectory, found by walking the tree when it starts and
 * followed as directories are created or moved in (from the work item), up
 * to KW_MAX_DIRS marks for the module; a renamed directory keeps its old
 * path (as the engine's own watches do).
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

#define KW_MAX_DIRS	8192
#define KW_MAX_DEPTH	64
#define KW_MASK	(FS_CREATE | FS_DELETE | FS_MOVED_FROM | FS_MOVED_TO | FS_MODIFY | \
		 FS_ATTRIB | FS_EVENT_ON_CHILD)

struct kw_dir {
	struct fsnotify_mark mark;
	u64 root_dev, root_ino;
	unsigned int holders;		/* under kw_mutex */
	char path[];			/* inside the share, "" the root */
};

struct ksmbd_vfs_watch {
	struct list_head node;		/* kw_watches, under kw_mutex */
	struct ksmbd_vfs_root *root;	/* the open's tree holds it */
	u64 root_dev, root_ino;
	bool tree;
	char *path;
	struct kw_dir **dirs;		/* a hold on each, under kw_mutex */
	unsigned int nr, cap;
};

struct kw_ev {
	struct list_head node;
	u64 root_dev, root_ino;
	u32 mask, cookie;
	bool own;			/* the engine's new directory: follow, do not report */
	char path[];
};

static struct fsnotify_group *kw_group;
static DEFINE_MUTEX(kw_mutex);
static LIST_HEAD(kw_watches);
static unsigned int kw_nr_dirs;		/* marks, under kw_mutex */
static bool kw_full_logged;
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
	bool own;
	char *p;

	if (!name || !name->len)
		return 0;
	own = kw_is_own();
	/* the engine's own directories are followed by tree watches all the same */
	if (own && !((mask & FS_ISDIR) && (mask & (FS_CREATE | FS_MOVED_TO))))
		return 0;
	ev = kmalloc(sizeof(*ev) + dl + name->len + 2, GFP_NOFS);
	if (!ev)
		return 0;
	ev->root_dev = d->root_dev;
	ev->root_ino = d->root_ino;
	ev->mask = mask;
	ev->cookie = cookie;
	ev->own = own;
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

static void kw_new_dir(u64 root_dev, u64 root_ino, const char *path);

static void kw_report(const struct kw_ev *ev)
{
	bool is_dir = ev->mask & FS_ISDIR;
	u32 name_filter = is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;

	if (is_dir && (ev->mask & (FS_CREATE | FS_MOVED_TO)))
		kw_new_dir(ev->root_dev, ev->root_ino, ev->path);
	if (ev->own)
		return;

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
		    (next->mask & FS_MOVED_TO) && !next->own && next->cookie == ev->cookie &&
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

/* Have @w hold a mark on directory @path of its share; kw_mutex held. */
static int kw_hold(struct ksmbd_vfs_watch *w, const char *path)
{
	struct fsnotify_mark *found;
	struct ksmbd_vfs_file *f;
	struct inode *inode;
	struct kw_dir *d;
	int ret;

	if (w->nr == w->cap) {
		unsigned int cap = w->cap ? 2 * w->cap : 4;
		struct kw_dir **n = krealloc(w->dirs, cap * sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		w->dirs = n;
		w->cap = cap;
	}
	ret = ksmbd_vfs_open(w->root, *path ? path : ".", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
			     0, &f);
	if (ret)
		return ret;
	inode = ksmbd_kw_file_inode(f);
	found = fsnotify_find_mark(&inode->i_fsnotify_marks, kw_group);
	if (found) {
		d = container_of(found, struct kw_dir, mark);
		d->holders++;
		fsnotify_put_mark(found);
		goto held;
	}
	ret = -ENOSPC;
	if (kw_nr_dirs >= KW_MAX_DIRS) {
		if (!kw_full_logged)
			pr_warn("change watches: %d directories watched, no more\n", KW_MAX_DIRS);
		kw_full_logged = true;
		goto out;
	}
	ret = -ENOMEM;
	d = kzalloc(sizeof(*d) + strlen(path) + 1, GFP_KERNEL);
	if (!d)
		goto out;
	strcpy(d->path, path);
	d->root_dev = w->root_dev;
	d->root_ino = w->root_ino;
	d->holders = 1;
	fsnotify_init_mark(&d->mark, kw_group);
	d->mark.mask = KW_MASK;
	ret = fsnotify_add_inode_mark(&d->mark, inode, 0);
	if (ret) {
		fsnotify_put_mark(&d->mark);	/* frees it */
		goto out;
	}
	kw_nr_dirs++;
held:
	atomic_inc(&kw_active);
	w->dirs[w->nr++] = d;
	ret = 0;
out:
	ksmbd_vfs_close(f);
	return ret;
}

static void kw_dir_put(struct kw_dir *d)
{
	atomic_dec(&kw_active);
	if (--d->holders)
		return;
	kw_nr_dirs--;
	fsnotify_destroy_mark(&d->mark, kw_group);
	fsnotify_put_mark(&d->mark);
}

struct kw_subdirs {
	struct list_head names;
	int count;
};

struct kw_name {
	struct list_head node;
	char name[];
};

static int kw_emit(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	struct kw_subdirs *sd = arg;
	struct kw_name *n;

	if (dtype != DT_DIR || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	n = kmalloc(sizeof(*n) + len + 1, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	list_add_tail(&n->node, &sd->names);
	sd->count++;
	return 0;
}

/* Hold @path and, for a tree watch, every directory below; kw_mutex held. */
static int kw_hold_tree(struct ksmbd_vfs_watch *w, const char *path, int depth)
{
	struct kw_subdirs sd = { .names = LIST_HEAD_INIT(sd.names) };
	struct ksmbd_vfs_file *f;
	struct kw_name *n, *tmp;
	int ret;

	ret = kw_hold(w, path);
	if (ret || !w->tree || depth >= KW_MAX_DEPTH)
		return ret;
	if (ksmbd_vfs_open(w->root, *path ? path : ".", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
			   0, &f))
		return 0;	/* gone meanwhile */
	ret = ksmbd_vfs_readdir(f, kw_emit, &sd);
	ksmbd_vfs_close(f);
	list_for_each_entry_safe(n, tmp, &sd.names, node) {
		char *sub = NULL;

		if (!ret)
			sub = *path ? kasprintf(GFP_KERNEL, "%s/%s", path, n->name) :
				      kstrdup(n->name, GFP_KERNEL);
		if (sub) {
			ret = kw_hold_tree(w, sub, depth + 1);
			if (ret != -ENOSPC && ret != -ENOMEM)
				ret = 0;
		}
		kfree(sub);
		list_del(&n->node);
		kfree(n);
	}
	return ret == -ENOSPC || ret == -ENOMEM ? ret : 0;
}

/* Whether @path is @dir or below it ("" is the root). */
static bool kw_under(const char *dir, const char *path)
{
	size_t l = strlen(dir);

	return !l || (!strncmp(dir, path, l) && (path[l] == '/' || !path[l]));
}

/* A directory @path appeared: the tree watches over it hold it too. */
static void kw_new_dir(u64 root_dev, u64 root_ino, const char *path)
{
	struct ksmbd_vfs_watch *w;

	mutex_lock(&kw_mutex);
	list_for_each_entry(w, &kw_watches, node)
		if (w->tree && w->root_dev == root_dev && w->root_ino == root_ino &&
		    kw_under(w->path, path))
			kw_hold_tree(w, path, 0);
	mutex_unlock(&kw_mutex);
}

int ksmbd_vfs_watch_add(struct ksmbd_vfs_root *root, u64 root_dev, u64 root_ino,
			const char *name, bool tree, struct ksmbd_vfs_watch **out)
{
	struct ksmbd_vfs_watch *w;
	unsigned int i;
	int ret;

	if (!kw_group)
		return -EOPNOTSUPP;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->path = kstrdup(name, GFP_KERNEL);
	if (!w->path) {
		kfree(w);
		return -ENOMEM;
	}
	w->root = root;
	w->root_dev = root_dev;
	w->root_ino = root_ino;
	w->tree = tree;
	mutex_lock(&kw_mutex);
	ret = kw_hold_tree(w, w->path, 0);
	if (ret && w->nr)
		ret = 0;	/* the limit cut the tree: it sees what it got */
	if (ret) {
		for (i = 0; i < w->nr; i++)
			kw_dir_put(w->dirs[i]);
		mutex_unlock(&kw_mutex);
		kfree(w->dirs);
		kfree(w->path);
		kfree(w);
		return ret;
	}
	list_add_tail(&w->node, &kw_watches);
	mutex_unlock(&kw_mutex);
	*out = w;
	return 0;
}

void ksmbd_vfs_watch_del(struct ksmbd_vfs_watch *w)
{
	unsigned int i;

	mutex_lock(&kw_mutex);
	list_del(&w->node);
	for (i = 0; i < w->nr; i++)
		kw_dir_put(w->dirs[i]);
	mutex_unlock(&kw_mutex);
	kfree(w->dirs);
	kfree(w->path);
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
