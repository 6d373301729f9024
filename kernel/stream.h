/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alternate data streams (MS-FSCC 2.1.4, MS-FSA 2.1.5.1 "stream" steps).
 *
 * A named stream "file:name" (or "file:name:$DATA") is kept in one extended
 * attribute of the base file, KSMBD_STREAM_XATTR_PREFIX followed by the
 * stream name as the client first created it (UTF-8); the attribute's value
 * is the stream's data. The default stream ("file::$DATA") is the file
 * itself. Names compare without regard to ASCII case, as NTFS does for the
 * names clients use; other characters compare exactly. A stream holds at
 * most what one extended attribute holds on the share's filesystem: 64 KiB
 * (XATTR_SIZE_MAX) on tmpfs, XFS or btrfs, about one block for all of a
 * file's attributes together on ext4 without ea_inode; writes and sizes past
 * that answer STATUS_DISK_FULL. Streams go away with their file; an
 * overwrite or supersede of the file removes them (MS-FSA 2.1.5.1.2.1).
 *
 * A stream open is a ksmbd_file whose @vfs is the base file and whose
 * @stream names the stream's state shared by all opens of that stream (open
 * count and delete disposition); it holds the base file's ksmbd_inode like
 * any open (so a pending delete of the file applies to it), has oplocks and
 * leases of its own, on the stream's own holder list, which only the
 * stream's opens compete for and break (oplock.h), and its
 * FILE_DELETE_ON_CLOSE or disposition removes only the stream at its last
 * close. Share modes (share.h) are per stream: opens of one stream
 * check and count against each other only, not against the file's opens or
 * other streams', except that an open of the file itself with DELETE must be
 * shared so by every stream open (ksmbd_stream_delete_conflict(), MS-FSA
 * 2.1.5.1.2). A stream renamed to "::$DATA" becomes the file's (empty) data.
 */
#ifndef KSMBD_STREAM_H
#define KSMBD_STREAM_H

#include <linux/types.h>

#define KSMBD_STREAM_XATTR_PREFIX	"trusted.ksmbd.stream."
/* The largest stream: XATTR_SIZE_MAX. */
#define KSMBD_STREAM_MAX		65536

struct ksmbd_file;
struct ksmbd_stream;
struct ksmbd_vfs_file;
struct ksmbd_vfs_stat;

/*
 * Split a CREATE or rename name (UTF-16LE, @len bytes) at its first ':'.
 * *@base_len: the bytes of the file name part (@len when there is no ':').
 * *@stream: the named stream (kmalloc'd UTF-8) or NULL for the default
 * stream or no stream part; *@has_stream: there was a stream part.
 * STATUS_OBJECT_NAME_INVALID for a malformed stream part (an empty name
 * without "$DATA", a type other than $DATA, '\\', '/' or a third ':').
 */
__le32 ksmbd_stream_split(const u8 *name, u32 len, u32 *base_len, char **stream,
			  bool *has_stream);
/*
 * Open (or create, per @disp, a CREATE disposition) the named stream @name
 * of the file @fp holds open; *@action gets the CREATE action. On success
 * @fp->stream is set and counts as an open of the stream. An existing
 * stream that @disp overwrites or supersedes is not emptied here: the caller
 * does it (ksmbd_stream_truncate()) once the stream's oplock holders had
 * their say, as for a file (MS-FSA 2.1.5.1.2.1).
 */
__le32 ksmbd_stream_open(struct ksmbd_file *fp, const char *name, u32 disp, u32 *action);
/* The stream open goes away: at the stream's last close, delete it if pending. */
void ksmbd_stream_close(struct ksmbd_file *fp);
/*
 * Oplocks and leases of a stream's opens (oplock.h): its holder list and
 * stat-open count (both under oplock.c's lock, valid while @fp holds the
 * stream open), and how many opens it has.
 */
struct list_head *ksmbd_stream_oplocks(struct ksmbd_file *fp);
unsigned int *ksmbd_stream_stat_opens(struct ksmbd_file *fp);
unsigned int ksmbd_stream_opens(struct ksmbd_file *fp);
/* FileDispositionInformation on a stream open. */
__le32 ksmbd_stream_set_delete(struct ksmbd_file *fp, bool pending);
bool ksmbd_stream_delete_pending(struct ksmbd_file *fp);
/* The stream's name (as stored, without ":$DATA") into @buf; 0 or -errno. */
int ksmbd_stream_name(struct ksmbd_file *fp, char *buf, size_t size);
/* Data of a stream open; same conventions as ksmbd_vfs_read()/write(). */
ssize_t ksmbd_stream_read(struct ksmbd_file *fp, void *buf, size_t len, loff_t pos);
ssize_t ksmbd_stream_write(struct ksmbd_file *fp, const void *buf, size_t len, loff_t pos);
int ksmbd_stream_truncate(struct ksmbd_file *fp, u64 size);
/* Replace the size fields of @st (the base file's) by the stream's; nothing for others. */
void ksmbd_stream_fix_stat(struct ksmbd_file *fp, struct ksmbd_vfs_stat *st);
/*
 * FileStreamInformation (MS-FSCC 2.4.49) of the file @fp is on into @out
 * (@size bytes): "::$DATA" for files, then every named stream. @streams:
 * the share has streams. Its length, or -errno; *@overflow when entries
 * were left out for want of room (the length is then of those that fit).
 */
long ksmbd_stream_info(struct ksmbd_file *fp, const struct ksmbd_vfs_stat *st, bool streams,
		       u8 *out, size_t size, bool *overflow);
/* Remove every named stream of @f (an overwrite of the file). */
int ksmbd_stream_remove_all(struct ksmbd_vfs_file *f);
/* Whether a stream of (@dev, @ino) is open. */
bool ksmbd_stream_opens_of(u64 dev, u64 ino);
/*
 * Opens of the named stream @fp is on; for an open that is on no named
 * stream, the opens of every named stream of its file (oplock.c).
 */
unsigned int ksmbd_stream_count(const struct ksmbd_file *fp);
/*
 * MS-FSA 2.1.5.1.2: whether an open of the file (@dev, @ino) itself with
 * DELETE access conflicts with its streams' opens, i.e. some counted stream
 * open does not share FILE_SHARE_DELETE.
 */
bool ksmbd_stream_delete_conflict(u64 dev, u64 ino);
/*
 * FileRenameInformation of the stream open @fp to @target (the UTF-16 name,
 * starting with ':'), MS-FSA 2.1.5.14.11.1.
 */
__le32 ksmbd_stream_rename(struct ksmbd_file *fp, const u8 *target, u32 len, bool replace);

/*
 * The names of @f's extended attributes (for streams here, EAs in ea.h): a
 * kvmalloc'd list of NUL-terminated names, its length in *@len (0 for none);
 * NULL with *@len -errno on failure.
 */
char *ksmbd_xattr_list(struct ksmbd_vfs_file *f, ssize_t *len);

#endif
