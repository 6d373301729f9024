/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opens (MS-SMB2 3.3.1.10): what a CREATE returns a FileId for. Only named
 * pipes on IPC$ exist so far; disk files come with the file-operation work.
 *
 * Lifetime: an open is linked into its tree's list with one reference owned
 * by that list; requests that name it hold another (ksmbd_file_get/put).
 * CLOSE unlinks it; a tree that goes away unlinks the rest. The last put
 * closes the pipe at the peer. An open never outlives its tree: requests
 * hold the tree too, and the tree unlinks its opens when its list reference
 * goes.
 */
#ifndef KSMBD_FILE_H
#define KSMBD_FILE_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct ksmbd_tree;

struct ksmbd_file {
	u64 persistent_id, volatile_id;
	struct list_head node;		/* tree->files, under tree->file_lock */
	refcount_t refs;
	u64 sess_id;			/* for the peer: the session that opened it */
	u64 pipe_id;			/* the peer's name for the pipe */
};

/* Link a new pipe open for session @sess_id into @tree (a reference for the caller). */
struct ksmbd_file *ksmbd_file_new_pipe(struct ksmbd_tree *tree, u64 sess_id);
struct ksmbd_file *ksmbd_file_get(struct ksmbd_tree *tree, u64 persistent_id, u64 volatile_id);
void ksmbd_file_put(struct ksmbd_file *fp);
void ksmbd_file_unlink(struct ksmbd_tree *tree, struct ksmbd_file *fp);
void ksmbd_file_unlink_all(struct ksmbd_tree *tree);

#endif
