// SPDX-License-Identifier: GPL-2.0
/* Opens: a tree's table of FileIds (see file.h). */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include "durable.h"
#include "file.h"
#include "inode.h"
#include "stream.h"
#include "ipc.h"
#include "notify.h"
#include "lock.h"
#include "port.h"
#include "tree.h"

static atomic64_t ksmbd_next_file_id = ATOMIC64_INIT(0);

/* Every published disk open (file.h); also guards their paths' replacement. */
static DEFINE_MUTEX(ksmbd_disk_opens_lock);
static LIST_HEAD(ksmbd_disk_opens);

/* Opens of every session; at most ksmbd_port_max_opens() (port.h). */
static atomic_t ksmbd_open_files = ATOMIC_INIT(0);

struct ksmbd_file *ksmbd_file_alloc(u64 sess_id)
{
	struct ksmbd_file *fp;

	if ((unsigned int)atomic_inc_return(&ksmbd_open_files) > ksmbd_port_max_opens()) {
		atomic_dec(&ksmbd_open_files);
		pr_warn_ratelimited("open files limit (%u) reached\n", ksmbd_port_max_opens());
		return NULL;
	}
	fp = kzalloc(sizeof(*fp), GFP_KERNEL);
	if (!fp) {
		atomic_dec(&ksmbd_open_files);
		return NULL;
	}
	fp->volatile_id = atomic64_inc_return(&ksmbd_next_file_id);
	fp->persistent_id = fp->volatile_id;
	fp->pipe_id = fp->volatile_id;
	fp->sess_id = sess_id;
	INIT_LIST_HEAD(&fp->node);
	INIT_LIST_HEAD(&fp->open_node);
	INIT_LIST_HEAD(&fp->oplock.node);
	mutex_init(&fp->dir_lock);
	refcount_set(&fp->refs, 2);	/* the list's and the caller's */
	return fp;
}

void ksmbd_file_link(struct ksmbd_tree *tree, struct ksmbd_file *fp)
{
	mutex_lock(&tree->file_lock);
	list_add_tail(&fp->node, &tree->files);
	mutex_unlock(&tree->file_lock);
}

static void ksmbd_file_free(struct ksmbd_file *fp)
{
	/* last: a durable open's state holds the tree whose root it used */
	ksmbd_durable_forget(fp);
	kfree(fp->path);
	kfree(fp->pattern);
	mutex_destroy(&fp->dir_lock);
	kfree(fp);
	atomic_dec(&ksmbd_open_files);
}

static void ksmbd_file_unpublish(struct ksmbd_file *fp)
{
	mutex_lock(&ksmbd_disk_opens_lock);
	list_del_init(&fp->open_node);
	mutex_unlock(&ksmbd_disk_opens_lock);
}

void ksmbd_file_discard(struct ksmbd_file *fp)
{
	ksmbd_file_unpublish(fp);
	fp->delete_on_close = false;
	if (fp->is_stream)
		ksmbd_oplock_detach(fp);	/* before the stream's state goes */
	ksmbd_stream_close(fp);
	ksmbd_inode_share_del(&fp->ni, &fp->share_counted, fp->access, fp->share_access);
	ksmbd_oplock_release(fp, false);
	if (fp->vfs)
		ksmbd_vfs_close(fp->vfs);
	ksmbd_file_free(fp);
}

struct ksmbd_file *ksmbd_file_get(struct ksmbd_tree *tree, u64 persistent_id, u64 volatile_id)
{
	struct ksmbd_file *fp, *found = NULL;

	mutex_lock(&tree->file_lock);
	list_for_each_entry(fp, &tree->files, node) {
		if (fp->volatile_id == volatile_id && fp->persistent_id == persistent_id) {
			refcount_inc(&fp->refs);
			found = fp;
			break;
		}
	}
	mutex_unlock(&tree->file_lock);
	return found;
}

void ksmbd_file_put(struct ksmbd_file *fp)
{
	struct ksmbd_pipe_result res;

	if (!refcount_dec_and_test(&fp->refs))
		return;
	if (fp->vfs) {
		ksmbd_file_release(fp);
		ksmbd_vfs_close(fp->vfs);
	}
	else if (!ksmbd_ipc_pipe(fp->sess_id, fp->pipe_id, KSMBD_PIPE_CLOSE, NULL, NULL, 0, 0,
				 &res))
		kfree(res.data);
	ksmbd_file_free(fp);
}

void ksmbd_file_unlink(struct ksmbd_tree *tree, struct ksmbd_file *fp)
{
	bool linked;

	mutex_lock(&tree->file_lock);
	linked = !list_empty(&fp->node);
	if (linked)
		list_del_init(&fp->node);
	mutex_unlock(&tree->file_lock);
	if (linked)
		ksmbd_file_put(fp);
}

void ksmbd_file_unlink_all(struct ksmbd_tree *tree)
{
	struct ksmbd_file *fp;

	for (;;) {
		mutex_lock(&tree->file_lock);
		fp = list_first_entry_or_null(&tree->files, struct ksmbd_file, node);
		if (fp)
			list_del_init(&fp->node);
		mutex_unlock(&tree->file_lock);
		if (!fp)
			return;
		ksmbd_file_put(fp);
	}
}

void ksmbd_file_orphan_all(struct ksmbd_tree *tree)
{
	struct ksmbd_file *fp;

	for (;;) {
		mutex_lock(&tree->file_lock);
		fp = list_first_entry_or_null(&tree->files, struct ksmbd_file, node);
		if (fp)
			list_del_init(&fp->node);
		mutex_unlock(&tree->file_lock);
		if (!fp)
			return;
		/* an orphan keeps the list's reference in the durable table */
		if (!ksmbd_durable_orphan(tree, fp))
			ksmbd_file_put(fp);
	}
}

/*
 * Delete the file of @fp by its name, but only while that name is still the
 * file this open has (a rename through another open may have moved it).
 */
static int ksmbd_file_delete(struct ksmbd_file *fp)
{
	struct ksmbd_vfs_stat st;
	int ret;

	mutex_lock(&fp->dir_lock);
	ret = ksmbd_vfs_getattr_name(fp->root, fp->path, &st);
	if (!ret && (st.dev != fp->dev || st.ino != fp->ino))
		ret = -ESTALE;
	if (!ret)
		ret = fp->is_dir ? ksmbd_vfs_rmdir(fp->root, fp->path) :
				   ksmbd_vfs_unlink(fp->root, fp->path);
	if (!ret)
		ksmbd_notify_event(fp->root_dev, fp->root_ino, fp->path, FILE_ACTION_REMOVED,
				   fp->is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME :
						FILE_NOTIFY_CHANGE_FILE_NAME);
	if (!ret)
		ksmbd_lease_break_parent(fp);	/* the directory's leases (oplock.h) */
	if (ret)
		pr_debug("delete on close of %s: %d\n", fp->path, ret);
	mutex_unlock(&fp->dir_lock);
	return ret;
}

int ksmbd_file_release(struct ksmbd_file *fp)
{
	if (!fp->vfs)
		return 0;
	ksmbd_notify_release(fp);
	/* Its locks first: they live on the file it is about to give up. */
	ksmbd_brl_release(fp);
	ksmbd_file_unpublish(fp);
	/* A stream's oplock and lease live with the stream's state (oplock.h). */
	if (fp->is_stream)
		ksmbd_oplock_detach(fp);
	/* A stream's delete on close removes the stream only (stream.h). */
	ksmbd_stream_close(fp);
	ksmbd_inode_share_del(&fp->ni, &fp->share_counted, fp->access, fp->share_access);
	/* A written file's close changes its directory: its leases break (oplock.h). */
	if (READ_ONCE(fp->oplock.written) && !fp->is_stream)
		ksmbd_lease_break_parent(fp);
	/* The oplock and the file's open go together (oplock.h). */
	if (!ksmbd_oplock_release(fp, fp->delete_on_close && !fp->is_stream)) {
		/* Other opens keep a directory whose delete is now pending. */
		if (fp->delete_on_close && fp->is_dir &&
		    ksmbd_inode_delete_pending_of(fp->dev, fp->ino))
			ksmbd_notify_delete_pending(fp->dev, fp->ino);
		return 0;
	}
	return ksmbd_file_delete(fp);
}

void ksmbd_file_publish(struct ksmbd_file *fp)
{
	mutex_lock(&ksmbd_disk_opens_lock);
	list_add(&fp->open_node, &ksmbd_disk_opens);
	mutex_unlock(&ksmbd_disk_opens_lock);
}

struct ksmbd_file *ksmbd_file_find(u64 persistent_id, u64 volatile_id)
{
	struct ksmbd_file *fp, *found = NULL;

	mutex_lock(&ksmbd_disk_opens_lock);
	list_for_each_entry(fp, &ksmbd_disk_opens, open_node) {
		if (fp->persistent_id == persistent_id && fp->volatile_id == volatile_id) {
			if (refcount_inc_not_zero(&fp->refs))
				found = fp;
			break;
		}
	}
	mutex_unlock(&ksmbd_disk_opens_lock);
	return found;
}

bool ksmbd_file_opens_below(struct ksmbd_file *dir)
{
	size_t len = strlen(dir->path);
	struct ksmbd_file *fp;
	bool found = false;

	mutex_lock(&ksmbd_disk_opens_lock);
	list_for_each_entry(fp, &ksmbd_disk_opens, open_node) {
		if (fp == dir || fp->root_dev != dir->root_dev || fp->root_ino != dir->root_ino)
			continue;
		/* below "" (the share root) is everything else */
		if (!len || (!strncmp(fp->path, dir->path, len) && fp->path[len] == '/')) {
			found = true;
			break;
		}
	}
	mutex_unlock(&ksmbd_disk_opens_lock);
	return found;
}

void ksmbd_file_set_path(struct ksmbd_file *fp, char *path)
{
	char *old;

	mutex_lock(&ksmbd_disk_opens_lock);
	old = fp->path;
	fp->path = path;
	mutex_unlock(&ksmbd_disk_opens_lock);
	kfree(old);
}
