/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHANGE_NOTIFY (MS-SMB2 3.3.5.19, MS-FSA 2.1.5.10): directory watches on
 * opens and the change events that complete them.
 *
 * A watch belongs to one directory open: the first CHANGE_NOTIFY on the open
 * creates it with that request's CompletionFilter, WATCH_TREE flag and
 * OutputBufferLength, which stay fixed until the open closes (as Windows
 * does). From then on every matching change is queued on the watch, whether
 * a request is waiting or not, up to that buffer size (beyond it the queue
 * overflows: the next request answers STATUS_NOTIFY_ENUM_DIR). A request
 * answers at once when changes are queued; otherwise it is detached (smb2.h,
 * struct ksmbd_async_req: an interim response, no worker held) until a change
 * arrives, CANCEL (STATUS_CANCELLED), the close of its open, TREE_DISCONNECT
 * or LOGOFF (STATUS_NOTIFY_CLEANUP), or teardown. A change completes the first
 * waiting request at once (from the notify workqueue); the changes that come
 * before the next request wait on the watch for it, so none is lost between
 * requests. Two changes in a row that are the same modification of the same
 * name are one entry; a rename's old and new names always travel together.
 *
 * Events come from ksmbd_notify_event() and ksmbd_notify_rename(), called by
 * the engine's own operations (create, delete, rename, write, size,
 * attributes and times) and by the filesystem's change watches (port.h,
 * ksmbd_vfs_watch_add(): inotify in ksmbd-engine, fsnotify in the module),
 * which report the changes made outside the engine only: the engine reports
 * its own itself, with the exact CompletionFilter bits and before its
 * response, which the filesystem's events cannot give
 * (docs/architecture.md, "Change notifications").
 *
 * Locking: one mutex (notify.c) for every watch, event list and waiting
 * request. Cancel callbacks take it under conn->async_lock, so it is never
 * held while taking async_lock.
 */
#ifndef KSMBD_NOTIFY_H
#define KSMBD_NOTIFY_H

#include <linux/types.h>

struct ksmbd_file;

/* MS-FSCC 2.4.42 / MS-SMB2 2.2.35: CompletionFilter bits. */
#define FILE_NOTIFY_CHANGE_FILE_NAME	0x00000001
#define FILE_NOTIFY_CHANGE_DIR_NAME	0x00000002
#define FILE_NOTIFY_CHANGE_ATTRIBUTES	0x00000004
#define FILE_NOTIFY_CHANGE_SIZE		0x00000008
#define FILE_NOTIFY_CHANGE_LAST_WRITE	0x00000010
#define FILE_NOTIFY_CHANGE_LAST_ACCESS	0x00000020
#define FILE_NOTIFY_CHANGE_CREATION	0x00000040
#define FILE_NOTIFY_CHANGE_EA		0x00000080
#define FILE_NOTIFY_CHANGE_SECURITY	0x00000100
#define FILE_NOTIFY_CHANGE_STREAM_NAME	0x00000200
#define FILE_NOTIFY_CHANGE_STREAM_SIZE	0x00000400
#define FILE_NOTIFY_CHANGE_STREAM_WRITE	0x00000800

/* FILE_NOTIFY_INFORMATION Action values. */
#define FILE_ACTION_ADDED		0x00000001
#define FILE_ACTION_REMOVED		0x00000002
#define FILE_ACTION_MODIFIED		0x00000003
#define FILE_ACTION_RENAMED_OLD_NAME	0x00000004
#define FILE_ACTION_RENAMED_NEW_NAME	0x00000005

/* CHANGE_NOTIFY Flags */
#define SMB2_WATCH_TREE			0x0001

int ksmbd_notify_init(void);
void ksmbd_notify_exit(void);

/*
 * A change of @path ('/' separated, relative to the share root identified by
 * (@root_dev, @root_ino)): @action a FILE_ACTION_*, @filter the
 * FILE_NOTIFY_CHANGE_* bits it matches. Queued on every watch it concerns.
 */
void ksmbd_notify_event(u64 root_dev, u64 root_ino, const char *path, u32 action, u32 filter);
/* A rename of @from to @to: old/new names in one directory, else removed/added. */
void ksmbd_notify_rename(u64 root_dev, u64 root_ino, const char *from, const char *to,
			 bool is_dir);
/* Changes were lost (the backend's queue overflowed): every watch answers ENUM_DIR. */
void ksmbd_notify_overflow_all(void);
/*
 * A file (not a directory) was renamed to @path: as Windows does, the new
 * name also reports FILE_ACTION_MODIFIED for FILE_NOTIFY_CHANGE_ATTRIBUTES
 * (the rename sets FILE_ATTRIBUTE_ARCHIVE on NTFS), except on a watch whose
 * last queued entry already names it (the rename's own ADDED/NEW_NAME entry:
 * smb2.notify.rec and smb2.notify.mask-change show both behaviours).
 */
void ksmbd_notify_renamed_file(u64 root_dev, u64 root_ino, const char *path);
/* A change of the file or directory open as @fp (its current path). */
void ksmbd_notify_fp(struct ksmbd_file *fp, u32 action, u32 filter);
/*
 * The delete of directory (@dev, @ino) is pending while it is still open:
 * requests waiting on its watches answer STATUS_DELETE_PENDING, as do later ones.
 */
void ksmbd_notify_delete_pending(u64 dev, u64 ino);
/* @fp closes: its waiting requests answer STATUS_NOTIFY_CLEANUP, its watch goes. */
void ksmbd_notify_release(struct ksmbd_file *fp);

#endif
