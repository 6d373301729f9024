/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tree connects (MS-SMB2 3.3.1.9).
 *
 * Lifetime: a tree is linked into its session's list with one reference owned
 * by that list; requests that name it hold another (ksmbd_tree_get/put).
 * TREE_DISCONNECT unlinks it; the session, when it is freed, unlinks the rest
 * (no request can hold one then: requests also hold the session). Unlinking
 * closes the tree's opens; the last put closes the share root.
 */
#ifndef KSMBD_TREE_H
#define KSMBD_TREE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct ksmbd_session;
struct ksmbd_vfs_root;

struct ksmbd_tree {
	u32 id;
	struct list_head node;		/* sess->trees, under sess->tree_lock */
	refcount_t refs;
	u32 flags;			/* KSMBD_SHARE_* */
	struct ksmbd_vfs_root *root;	/* disk shares; NULL for IPC$ */
	struct mutex file_lock;		/* protects files */
	struct list_head files;		/* struct ksmbd_file, see file.h */
	char name[];
};

/* Link a new tree for @name; @path (disk shares) is opened as its root. */
int ksmbd_tree_new(struct ksmbd_session *sess, const char *name, u32 flags,
		   const char *path, struct ksmbd_tree **out);
struct ksmbd_tree *ksmbd_tree_get(struct ksmbd_session *sess, u32 id);
void ksmbd_tree_put(struct ksmbd_tree *tree);
void ksmbd_tree_unlink(struct ksmbd_session *sess, struct ksmbd_tree *tree);
void ksmbd_tree_unlink_all(struct ksmbd_session *sess);

#endif
