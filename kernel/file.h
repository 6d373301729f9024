/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opens (MS-SMB2 3.3.1.10): what a CREATE returns a FileId for: a named
 * pipe on IPC$ (served by the peer) or a file or directory of a disk share.
 *
 * Lifetime: an open is linked into its tree's list with one reference owned
 * by that list; requests that name it hold another (ksmbd_file_get/put).
 * CLOSE unlinks it; a tree that goes away unlinks the rest. The last put
 * closes the pipe at the peer, or the file. An open never outlives its tree: requests
 * hold the tree too, and the tree unlinks its opens when its list reference
 * goes.
 */
#ifndef KSMBD_FILE_H
#define KSMBD_FILE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include "lock.h"
#include "oplock.h"

struct ksmbd_conn;
struct ksmbd_durable_state;
struct ksmbd_inode;
struct ksmbd_stream;
struct ksmbd_tree;
struct ksmbd_vfs_file;
struct ksmbd_vfs_root;

struct ksmbd_file {
	u64 persistent_id, volatile_id;
	struct list_head node;		/* tree->files, under tree->file_lock */
	refcount_t refs;
	u64 sess_id;			/* the session that opened it */
	/* Set before the open is linked, constant after. */
	struct ksmbd_vfs_file *vfs;	/* a disk open, or NULL for a pipe */
	bool is_dir;
	bool can_read, can_write;	/* granted data access */
	u32 access;			/* the granted access mask */
	u64 pipe_id;			/* pipes: the peer's name for the pipe */
	struct ksmbd_vfs_root *root;	/* disk opens: the tree's share root */
	u64 root_dev, root_ino;		/* disk opens: the share root's identity */
	u64 dev, ino;			/* disk opens: the file's identity */
	struct list_head open_node;	/* all disk opens, see ksmbd_file_publish() */
	bool delete_on_close;		/* created with FILE_DELETE_ON_CLOSE */
	struct ksmbd_inode *ni;		/* disk opens: see inode.h; NULL once released */
	u32 share_access;		/* disk opens: the ShareAccess it was granted with */
	bool share_counted;		/* in the file's share modes (share.h), under its lock */
	/*
	 * Disk opens: where oplock breaks go (no reference: the connection
	 * outlives its sessions' opens; see ksmbd_conn_tryget()), and the
	 * open's oplock, under oplock.c's lock.
	 */
	struct ksmbd_conn *conn;
	struct ksmbd_oplock oplock;

	/*
	 * Byte-range locks (lock.h), under smb2_lock.c's lock: set once the
	 * open released its locks; the lock sequence array (3.3.5.14), kept
	 * only for opens with @lock_replay (durable, resilient, persistent:
	 * none yet).
	 */
	bool brl_closed;
	bool lock_replay;		/* set for durable opens (durable.h) */
	u8 lock_seq[KSMBD_LOCK_SEQ_ENTRIES + 1];
	struct ksmbd_stream *stream;	/* a named stream's open (stream.h); NULL once released */
	bool is_stream;			/* a named stream's open, constant */
	u32 ea_index;			/* FileFullEaInformation scan position (ea.h) */
	/* CHANGE_NOTIFY (notify.h), under notify.c's lock */
	struct ksmbd_notify_watch *notify;
	bool notify_closed;		/* released: no watch any more */

	/* A durable open's state (durable.h), or NULL; set before it is linked. */
	struct ksmbd_durable_state *durable;

	u32 mode;			/* FileModeInformation flags */
	u64 position;			/* FilePositionInformation */

	/* @path: read under either lock, replaced (ksmbd_file_set_path) under both */
	struct mutex dir_lock;		/* also the QUERY_DIRECTORY state below */
	char *path;			/* disk opens: the name inside the share, UTF-8 */
	char *pattern;			/* the search pattern, UTF-8 */
	bool dir_started;		/* entries were returned since the last restart */
};

/* A new open of session @sess_id, not linked yet (see ksmbd_file_link). */
struct ksmbd_file *ksmbd_file_alloc(u64 sess_id);
/* Link @fp into @tree; the caller keeps its reference. */
void ksmbd_file_link(struct ksmbd_tree *tree, struct ksmbd_file *fp);
/* Free an open that was never linked (its vfs file included). */
void ksmbd_file_discard(struct ksmbd_file *fp);
struct ksmbd_file *ksmbd_file_get(struct ksmbd_tree *tree, u64 persistent_id, u64 volatile_id);
void ksmbd_file_put(struct ksmbd_file *fp);
void ksmbd_file_unlink(struct ksmbd_tree *tree, struct ksmbd_file *fp);
void ksmbd_file_unlink_all(struct ksmbd_tree *tree);
/*
 * The tree's session went without closing its opens (connection lost,
 * LOGOFF, PreviousSessionId): like ksmbd_file_unlink_all(), but durable
 * opens are orphaned instead of closed (durable.h).
 */
void ksmbd_file_orphan_all(struct ksmbd_tree *tree);
/*
 * Give up the open's share of its file (inode.h). When it was the last open
 * of a file whose delete disposition is set, the file is deleted now. CLOSE
 * calls this before it answers; the last put calls it for opens that go away
 * with their tree. Returns 0 or the -errno of the delete.
 */
int ksmbd_file_release(struct ksmbd_file *fp);
/*
 * Disk opens are also on one node-wide list, so a directory rename can tell
 * whether anything below the directory is open (MS-FSA 2.1.5.14.11: then it
 * fails). Publish a disk open once its path is set; release unpublishes it.
 */
void ksmbd_file_publish(struct ksmbd_file *fp);
/*
 * The published disk open with these ids, whatever its tree, with a
 * reference, or NULL (copychunk resume keys, fsctl.h).
 */
struct ksmbd_file *ksmbd_file_find(u64 persistent_id, u64 volatile_id);
/* Whether an open other than @dir is below the directory @dir; @dir->dir_lock held. */
bool ksmbd_file_opens_below(struct ksmbd_file *dir);
/* Replace @fp's path by @path (taking it over); @fp->dir_lock held. */
void ksmbd_file_set_path(struct ksmbd_file *fp, char *path);

#endif
