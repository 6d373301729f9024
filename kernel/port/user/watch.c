// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: change watches (port.h) on inotify.
 *
 * One inotify descriptor for the engine and one reader thread. Every watched
 * directory is one inotify watch (struct uw_dir), shared by all the engine's
 * watches that need it and named by its path inside its share; a WATCH_TREE
 * watch also holds every subdirectory, found by walking the tree when the
 * watch starts and followed as directories are created, renamed or moved in.
 * At most ksmbd_port_watch_max (8192) directories are watched: beyond that a tree watch sees
 * only the directories it got (logged once).
 *
 * inotify does not say who made a change, so the engine's own changes are
 * told apart by time: while any directory is watched, each modifying call of
 * vfs.c runs under uw_lock between ksmbd_port_own_begin(), which first reads
 * whatever the queue already holds (changes made by others before it), and
 * ksmbd_port_own_end(), which reads what the call queued and drops it. The
 * reader thread reads under the same lock, so it never sees an engine call's
 * events. Only a change made by another process in the very instant of an
 * engine call is taken for the engine's. The price: while a directory is
 * watched, the engine's modifying calls are serialised on uw_lock.
 *
 * What is read is queued (uw_out) and handed to notify.c by the reader thread
 * alone, with no lock held: an engine thread calls the VFS under locks of its
 * own, in which notify.c's lock must not nest. uw_lock is a leaf lock.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "notify.h"
#include "port.h"
#include "port_user.h"

#define UW_MAX_DEPTH	64
#define UW_BUCKETS	256
#define UW_MASK		(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | \
			 IN_ATTRIB | IN_ONLYDIR | IN_EXCL_UNLINK)

/* One watched directory. */
struct uw_dir {
	struct list_head node;		/* uw_hash[wd % UW_BUCKETS] while wd >= 0 */
	int wd;
	u64 root_dev, root_ino;
	char *path;			/* inside the share; NULL once out of sight */
	unsigned int refs;		/* one per holding watch entry */
};

struct ksmbd_vfs_watch {
	struct list_head node;		/* uw_watches */
	int root_fd;
	u64 root_dev, root_ino;
	char *path;
	bool tree;
	struct uw_dir **dirs;
	unsigned int nr, cap;
};

/* A change to hand to notify.c once uw_lock is dropped. */
struct uw_rec {
	struct list_head node;
	u64 root_dev, root_ino;
	u32 action, filter;		/* action 0: a rename from @from to @path */
	bool overflow, is_dir;
	char *from;
	char path[];
};

static DEFINE_MUTEX(uw_lock);
static struct list_head uw_hash[UW_BUCKETS];
static LIST_HEAD(uw_watches);
static LIST_HEAD(uw_out);		/* records read, not dispatched yet */
static unsigned int uw_nr_dirs;
unsigned int ksmbd_port_watch_max = 8192;
static atomic_t uw_active = ATOMIC_INIT(0);	/* directories watched */
static int uw_fd = -1, uw_stop = -1;
static int uw_kick = -1;		/* records wait in uw_out for the reader */
static struct ksmbd_thread *uw_thread;
static bool uw_full_logged;

/* A rename's first half, waiting for its second (under uw_lock). */
static struct {
	bool set, own, is_dir;
	u32 cookie;
	u64 root_dev, root_ino;
	char *path;
} uw_from;

static char *uw_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = kmalloc(dl + nl + 2, GFP_KERNEL);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* Whether @path is @dir or below it ("" is the root). */
static bool uw_under(const char *dir, const char *path)
{
	size_t l = strlen(dir);

	if (!l)
		return true;
	return !strncmp(dir, path, l) && (path[l] == '/' || !path[l]);
}

static void uw_emit(u64 root_dev, u64 root_ino, const char *path, const char *from,
		    u32 action, u32 filter, bool is_dir)
{
	size_t n = strlen(path);
	struct uw_rec *r = kzalloc(sizeof(*r) + n + 1, GFP_KERNEL);

	if (!r)
		return;
	memcpy(r->path, path, n + 1);
	if (from) {
		r->from = kstrdup(from, GFP_KERNEL);
		if (!r->from) {
			kfree(r);
			return;
		}
	}
	r->root_dev = root_dev;
	r->root_ino = root_ino;
	r->action = action;
	r->filter = filter;
	r->is_dir = is_dir;
	list_add_tail(&r->node, &uw_out);
}

static void uw_emit_overflow(void)
{
	struct uw_rec *r = kzalloc(sizeof(*r) + 1, GFP_KERNEL);

	if (!r)
		return;
	r->overflow = true;
	list_add_tail(&r->node, &uw_out);
}

/* Hand the records read so far to notify.c; uw_lock NOT held. */
static void uw_dispatch(struct list_head *list)
{
	struct uw_rec *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, node) {
		list_del(&r->node);
		if (r->overflow)
			ksmbd_notify_overflow_all();
		else if (r->from)
			ksmbd_notify_rename(r->root_dev, r->root_ino, r->from, r->path, r->is_dir);
		else
			ksmbd_notify_event(r->root_dev, r->root_ino, r->path, r->action,
					   r->filter);
		kfree(r->from);
		kfree(r);
	}
}

/* Move uw_out to @list; uw_lock held. */
static void uw_take_out(struct list_head *list)
{
	struct uw_rec *r, *tmp;

	list_for_each_entry_safe(r, tmp, &uw_out, node) {
		list_del(&r->node);
		list_add_tail(&r->node, list);
	}
}

static struct uw_dir *uw_find(int wd)
{
	struct uw_dir *d;

	list_for_each_entry(d, &uw_hash[wd % UW_BUCKETS], node)
		if (d->wd == wd)
			return d;
	return NULL;
}

static void uw_dir_put(struct uw_dir *d)
{
	if (--d->refs)
		return;
	if (d->wd >= 0) {
		inotify_rm_watch(uw_fd, d->wd);
		list_del(&d->node);
	}
	uw_nr_dirs--;
	atomic_dec(&uw_active);
	kfree(d->path);
	kfree(d);
}

static int uw_openat2(int dfd, const char *name, u64 flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, dfd, *name ? name : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* Have @w hold directory @path (inside its share); uw_lock held. */
static int uw_hold(struct ksmbd_vfs_watch *w, const char *path)
{
	char proc[64];
	struct uw_dir *d;
	int fd, wd;

	if (uw_nr_dirs >= ksmbd_port_watch_max)
		goto full;
	if (w->nr == w->cap) {
		unsigned int cap = w->cap ? 2 * w->cap : 4;
		struct uw_dir **n = kmalloc(cap * sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (w->nr)
			memcpy(n, w->dirs, w->nr * sizeof(*n));
		kfree(w->dirs);
		w->dirs = n;
		w->cap = cap;
	}
	fd = uw_openat2(w->root_fd, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(uw_fd, proc, UW_MASK);
	wd = wd < 0 ? -errno : wd;
	close(fd);
	if (wd < 0)
		return wd;
	d = uw_find(wd);
	if (d) {
		d->refs++;
		goto held;
	}
	if (uw_nr_dirs >= ksmbd_port_watch_max) {
		inotify_rm_watch(uw_fd, wd);
		goto full;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (d)
		d->path = kstrdup(path, GFP_KERNEL);
	if (!d || !d->path) {
		kfree(d);
		inotify_rm_watch(uw_fd, wd);
		return -ENOMEM;
	}
	d->wd = wd;
	d->root_dev = w->root_dev;
	d->root_ino = w->root_ino;
	d->refs = 1;
	list_add_tail(&d->node, &uw_hash[wd % UW_BUCKETS]);
	uw_nr_dirs++;
	atomic_inc(&uw_active);
held:
	w->dirs[w->nr++] = d;
	return 0;
full:
	if (!uw_full_logged)
		pr_warn("change watches: %u directories watched, no more\n",
			ksmbd_port_watch_max);
	uw_full_logged = true;
	return -ENOSPC;
}

/* Hold @path and, for a tree watch, every directory below it; uw_lock held. */
static int uw_hold_tree(struct ksmbd_vfs_watch *w, const char *path, int depth)
{
	struct dirent *de;
	DIR *dir;
	int fd, ret;

	ret = uw_hold(w, path);
	if (ret || !w->tree || depth >= UW_MAX_DEPTH)
		return ret;
	fd = uw_openat2(w->root_fd, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;	/* gone meanwhile: its removal is reported */
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
			    !S_ISDIR(st.st_mode))
				continue;
		} else if (de->d_type != DT_DIR) {
			continue;
		}
		sub = uw_join(path, de->d_name);
		if (!sub)
			break;
		ret = uw_hold_tree(w, sub, depth + 1);
		kfree(sub);
		if (ret == -ENOSPC || ret == -ENOMEM)
			break;
		ret = 0;
	}
	closedir(dir);
	/* the limit stops the whole walk; the watch keeps what it got */
	return ret == -ENOSPC || ret == -ENOMEM ? ret : 0;
}

/* A directory @path appeared in a watched one: extend the tree watches over it. */
static void uw_new_dir(u64 root_dev, u64 root_ino, const char *path)
{
	struct ksmbd_vfs_watch *w;

	list_for_each_entry(w, &uw_watches, node)
		if (w->tree && w->root_dev == root_dev && w->root_ino == root_ino &&
		    uw_under(w->path, path))
			uw_hold_tree(w, path, 0);
}

/* Directories at or below @from (one share) are now at @to, or out of sight (@to NULL). */
static void uw_repath(u64 root_dev, u64 root_ino, const char *from, const char *to)
{
	size_t fl = strlen(from);
	struct uw_dir *d;
	char *p;
	int i;

	for (i = 0; i < UW_BUCKETS; i++) {
		list_for_each_entry(d, &uw_hash[i], node) {
			if (!d->path || d->root_dev != root_dev || d->root_ino != root_ino ||
			    !fl || !uw_under(from, d->path))
				continue;
			p = NULL;
			if (to)
				p = uw_join(to, d->path[fl] ? d->path + fl + 1 : "");
			if (p && !d->path[fl])
				p[strlen(to)] = '\0';	/* the directory itself */
			kfree(d->path);
			d->path = p;
		}
	}
}

/* A rename's first half that has no second one: the name left. */
static void uw_flush_from(void)
{
	if (!uw_from.set)
		return;
	if (!uw_from.own)
		uw_emit(uw_from.root_dev, uw_from.root_ino, uw_from.path, NULL,
			FILE_ACTION_REMOVED, uw_from.is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME :
							      FILE_NOTIFY_CHANGE_FILE_NAME,
			uw_from.is_dir);
	if (uw_from.is_dir)
		uw_repath(uw_from.root_dev, uw_from.root_ino, uw_from.path, NULL);
	kfree(uw_from.path);
	uw_from.path = NULL;
	uw_from.set = false;
}

static void uw_event(const struct inotify_event *ev, bool own)
{
	u32 name_filter = ev->mask & IN_ISDIR ? FILE_NOTIFY_CHANGE_DIR_NAME :
						FILE_NOTIFY_CHANGE_FILE_NAME;
	bool is_dir = ev->mask & IN_ISDIR;
	struct uw_dir *d;
	char *path;

	if (ev->mask & IN_Q_OVERFLOW) {
		uw_flush_from();
		uw_emit_overflow();
		return;
	}
	d = uw_find(ev->wd);
	if (!d)
		return;
	if (ev->mask & IN_IGNORED) {
		/* The directory is gone; its holders drop it in time. */
		list_del(&d->node);
		d->wd = -1;
		return;
	}
	if (!ev->len || !d->path)
		return;
	path = uw_join(d->path, ev->name);
	if (!path)
		return;
	if (uw_from.set && (!(ev->mask & IN_MOVED_TO) || ev->cookie != uw_from.cookie))
		uw_flush_from();
	if (ev->mask & IN_CREATE) {
		if (is_dir)
			uw_new_dir(d->root_dev, d->root_ino, path);
		if (!own)
			uw_emit(d->root_dev, d->root_ino, path, NULL, FILE_ACTION_ADDED,
				name_filter, is_dir);
	} else if (ev->mask & IN_DELETE) {
		if (!own)
			uw_emit(d->root_dev, d->root_ino, path, NULL, FILE_ACTION_REMOVED,
				name_filter, is_dir);
	} else if (ev->mask & IN_MOVED_FROM) {
		uw_from.set = true;
		uw_from.own = own;
		uw_from.is_dir = is_dir;
		uw_from.cookie = ev->cookie;
		uw_from.root_dev = d->root_dev;
		uw_from.root_ino = d->root_ino;
		uw_from.path = path;
		return;
	} else if (ev->mask & IN_MOVED_TO) {
		if (uw_from.set && uw_from.root_dev == d->root_dev &&
		    uw_from.root_ino == d->root_ino) {
			if (is_dir)
				uw_repath(d->root_dev, d->root_ino, uw_from.path, path);
			if (!own)
				uw_emit(d->root_dev, d->root_ino, path, uw_from.path, 0, 0,
					is_dir);
			kfree(uw_from.path);
			uw_from.path = NULL;
			uw_from.set = false;
		} else {
			uw_flush_from();
			if (is_dir)
				uw_new_dir(d->root_dev, d->root_ino, path);
			if (!own)
				uw_emit(d->root_dev, d->root_ino, path, NULL, FILE_ACTION_ADDED,
					name_filter, is_dir);
		}
	} else if (ev->mask & IN_MODIFY) {
		if (!own)
			uw_emit(d->root_dev, d->root_ino, path, NULL, FILE_ACTION_MODIFIED,
				FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE, is_dir);
	} else if (ev->mask & IN_ATTRIB) {
		/* Times, mode, owner or extended attributes: inotify does not say which. */
		if (!own)
			uw_emit(d->root_dev, d->root_ino, path, NULL, FILE_ACTION_MODIFIED,
				FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_LAST_WRITE |
				FILE_NOTIFY_CHANGE_LAST_ACCESS | FILE_NOTIFY_CHANGE_EA |
				FILE_NOTIFY_CHANGE_SECURITY, is_dir);
	}
	kfree(path);
}

/* Read everything queued; @own: it is the engine's. uw_lock held. */
static void uw_drain(bool own)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n, pos;

	for (;;) {
		n = read(uw_fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (pos = 0; pos < n; pos += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + pos);
			uw_event(ev, own);
		}
	}
	/* The second half of a rename is queued with the first: a lone one left. */
	uw_flush_from();
}

bool ksmbd_port_own_begin(void)
{
	if (!atomic_read(&uw_active))
		return false;
	mutex_lock(&uw_lock);
	uw_drain(false);
	return true;
}

/*
 * Have the reader hand uw_out to notify.c; uw_lock held. Only the reader
 * dispatches: the engine's threads call the VFS under locks of their own,
 * which notify.c's lock must never nest in.
 */
static void uw_wake_reader(void)
{
	u64 one = 1;

	if (!list_empty(&uw_out) && write(uw_kick, &one, sizeof(one)) != sizeof(one))
		pr_debug("change watches: reader not woken\n");
}

void ksmbd_port_own_end(bool begun)
{
	if (!begun)
		return;
	uw_drain(true);
	uw_wake_reader();
	mutex_unlock(&uw_lock);
}

static int uw_reader(void *arg)
{
	struct pollfd p[3] = { { .fd = uw_fd, .events = POLLIN },
			       { .fd = uw_stop, .events = POLLIN },
			       { .fd = uw_kick, .events = POLLIN } };
	LIST_HEAD(out);
	u64 n;

	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("change watches: poll: %d\n", -errno);
			return 0;
		}
		if (p[1].revents)
			return 0;
		if (p[2].revents && read(uw_kick, &n, sizeof(n)) != sizeof(n))
			pr_debug("change watches: kick not read\n");
		mutex_lock(&uw_lock);
		uw_drain(false);
		uw_take_out(&out);
		mutex_unlock(&uw_lock);
		uw_dispatch(&out);
	}
}

int ksmbd_vfs_watch_add(struct ksmbd_vfs_root *root, u64 root_dev, u64 root_ino,
			const char *name, bool tree, struct ksmbd_vfs_watch **out)
{
	struct ksmbd_vfs_watch *w;
	int ret;

	if (uw_fd < 0)
		return -EOPNOTSUPP;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->path = kstrdup(name, GFP_KERNEL);
	w->root_fd = fcntl(ksmbd_port_root_fd(root), F_DUPFD_CLOEXEC, 0);
	if (!w->path || w->root_fd < 0) {
		ret = w->path ? -errno : -ENOMEM;
		goto fail;
	}
	w->root_dev = root_dev;
	w->root_ino = root_ino;
	w->tree = tree;
	mutex_lock(&uw_lock);
	/* What was queued before belongs to nobody's watch yet. */
	uw_drain(false);
	ret = uw_hold_tree(w, w->path, 0);
	if (ret && w->nr)
		ret = 0;	/* the limit cut the tree: it sees what it got */
	if (ret) {
		mutex_unlock(&uw_lock);
		goto fail;
	}
	list_add_tail(&w->node, &uw_watches);
	uw_wake_reader();
	mutex_unlock(&uw_lock);
	*out = w;
	return 0;
fail:
	if (w->root_fd >= 0)
		close(w->root_fd);
	kfree(w->path);
	kfree(w);
	return ret;
}

void ksmbd_vfs_watch_del(struct ksmbd_vfs_watch *w)
{
	unsigned int i;

	mutex_lock(&uw_lock);
	uw_drain(false);
	list_del(&w->node);
	for (i = 0; i < w->nr; i++)
		uw_dir_put(w->dirs[i]);
	uw_wake_reader();
	mutex_unlock(&uw_lock);
	close(w->root_fd);
	kfree(w->dirs);
	kfree(w->path);
	kfree(w);
}

int ksmbd_vfs_watch_init(void)
{
	int i, ret;

	for (i = 0; i < UW_BUCKETS; i++)
		INIT_LIST_HEAD(&uw_hash[i]);
	uw_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (uw_fd < 0) {
		pr_warn("change watches: inotify: %d; changes outside the engine not seen\n",
			-errno);
		return 0;
	}
	uw_stop = eventfd(0, EFD_CLOEXEC);
	uw_kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (uw_stop < 0 || uw_kick < 0) {
		ret = -errno;
		goto fail;
	}
	ret = ksmbd_thread_run(&uw_thread, uw_reader, NULL, "ksmbd-inotify");
	if (ret)
		goto fail;
	return 0;
fail:
	if (uw_stop >= 0)
		close(uw_stop);
	if (uw_kick >= 0)
		close(uw_kick);
	close(uw_fd);
	uw_fd = uw_stop = uw_kick = -1;
	return ret;
}

void ksmbd_vfs_watch_exit(void)
{
	LIST_HEAD(out);
	u64 one = 1;

	if (uw_fd < 0)
		return;
	if (write(uw_stop, &one, sizeof(one)) != sizeof(one))
		pr_err("change watches: cannot stop the reader\n");
	ksmbd_thread_join(uw_thread);
	uw_thread = NULL;
	uw_take_out(&out);
	uw_dispatch(&out);
	close(uw_stop);
	close(uw_kick);
	close(uw_fd);
	uw_fd = uw_stop = uw_kick = -1;
}
