// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 SET_INFO (MS-SMB2 3.3.5.21) and FLUSH (3.3.5.11) on disk shares.
 *
 * File information classes, with the object store behaviour of MS-FSA
 * 2.1.5.14: FileBasicInformation (creation, last access and last write
 * times; the attributes, see dosattr.h), FileRenameInformation,
 * FileDispositionInformation, FileEndOfFileInformation,
 * FileAllocationInformation, FilePositionInformation, FileModeInformation
 * and FileFullEaInformation (ea.h); on a named stream's open (stream.h) the
 * disposition, sizes and renames apply to the stream.
 * Linux cannot set a file's change time: it is accepted and left to the
 * filesystem; the creation time is kept with the DOS attributes. A time of
 * -1 ("stop updating this time for the open") is taken as "leave
 * unchanged". Attributes that are not settable (MS-FSA 2.1.5.14.2:
 * compressed, sparse, ...) are ignored. The remaining settable classes,
 * security descriptors and quotas are refused with STATUS_NOT_SUPPORTED.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "dosattr.h"
#include "file.h"
#include "inode.h"
#include "notify.h"
#include "oplock.h"
#include "ipc.h"
#include "lookup.h"
#include "port.h"
#include "share.h"
#include "smb2.h"
#include "stream.h"
#include "ea.h"
#include "smb2_security.h"
#include "tree.h"

#define KSMBD_FILETIME_EPOCH	116444736000000000ULL
#define KSMBD_OFF_MAX		(~0ULL >> 1)
/* Longest path inside a share, in UTF-8 bytes (as CREATE). */
#define KSMBD_PATH_MAX		4096
/* FILE_RENAME_INFORMATION_TYPE_2 (MS-FSCC 2.4.42.2) up to its FileName. */
#define KSMBD_RENAME_HDR	20
/* FileModeInformation flags a client may set (MS-FSA 2.1.5.14.9). */
#define KSMBD_MODE_VALID	(FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY | \
				 FILE_NO_INTERMEDIATE_BUFFERING | FILE_SYNCHRONOUS_IO_ALERT | \
				 FILE_SYNCHRONOUS_IO_NONALERT)

static bool ksmbd_file_may(const struct ksmbd_file *fp, u32 access)
{
	return (fp->access & access) == access;
}

/*
 * A FILETIME of FileBasicInformation as nanoseconds since 1970 in *@ns, or -1
 * for "leave unchanged" (0, -1 and -2 per MS-FSA 2.1.5.14.2).
 */
static __le32 ksmbd_basic_time(const u8 *p, s64 *ns)
{
	s64 ft = (s64)get_unaligned_le64(p);

	*ns = -1;
	if (ft == 0 || ft == -1 || ft == -2)
		return STATUS_SUCCESS;
	if (ft < -2)
		return STATUS_INVALID_PARAMETER;
	if ((u64)ft < KSMBD_FILETIME_EPOCH)
		return STATUS_NOT_SUPPORTED;	/* before 1970: not representable */
	*ns = ((u64)ft - KSMBD_FILETIME_EPOCH) * 100;
	return STATUS_SUCCESS;
}

/* MS-FSCC 2.4.7, MS-FSA 2.1.5.14.2 */
static __le32 ksmbd_set_basic(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_vfs_stat st;
	s64 ctime_ns, atime_ns, mtime_ns, chtime_ns;
	bool readonly;
	__le32 status;
	u32 attrs;
	int ret;

	if (len < 40)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!ksmbd_file_may(fp, FILE_WRITE_ATTRIBUTES))
		return STATUS_ACCESS_DENIED;
	status = ksmbd_basic_time(buf, &ctime_ns);
	if (status == STATUS_SUCCESS)
		status = ksmbd_basic_time(buf + 8, &atime_ns);
	if (status == STATUS_SUCCESS)
		status = ksmbd_basic_time(buf + 16, &mtime_ns);
	if (status == STATUS_SUCCESS)
		status = ksmbd_basic_time(buf + 24, &chtime_ns);
	if (status != STATUS_SUCCESS)
		return status;
	attrs = get_unaligned_le32(buf + 32);
	if (attrs) {
		if ((attrs & FILE_ATTRIBUTE_DIRECTORY) && !fp->is_dir)
			return STATUS_INVALID_PARAMETER;
		if ((attrs & FILE_ATTRIBUTE_TEMPORARY) && fp->is_dir)
			return STATUS_INVALID_PARAMETER;
	}
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	if (attrs || ctime_ns >= 0) {
		struct ksmbd_dosattr da;

		ksmbd_dosattr_read(fp->vfs, &da);
		if (attrs) {
			da.flags |= KSMBD_DOSATTR_HAS_ATTRS;
			/* SPARSE_FILE is FSCTL_SET_SPARSE's (MS-FSA 2.1.5.14.2) */
			da.attrs = (attrs & (KSMBD_DOSATTR_STORED |
					     (fp->is_dir ? FILE_ATTRIBUTE_READONLY : 0))) |
				   (da.attrs & KSMBD_DOSATTR_SPARSE);
		}
		if (ctime_ns >= 0) {
			da.flags |= KSMBD_DOSATTR_HAS_CTIME;
			da.create_ft = ctime_ns / 100 + KSMBD_FILETIME_EPOCH;
		}
		ret = ksmbd_dosattr_write(fp->vfs, &da);
		if (ret == -EOPNOTSUPP)
			return STATUS_NOT_SUPPORTED;	/* no xattrs on this filesystem */
		if (ret)
			return ksmbd_errno_status(ret);
	}
	if (attrs && !fp->is_dir) {
		/* Read-only is the absence of every write permission bit. */
		readonly = attrs & FILE_ATTRIBUTE_READONLY;
		if (readonly != !(st.mode & 0222)) {
			ret = ksmbd_vfs_chmod(fp->vfs, readonly ? st.mode & 07555 :
					      (st.mode & 07777) | ((st.mode & 0444) >> 1));
			if (ret)
				return ksmbd_errno_status(ret);
		}
	}
	ret = ksmbd_vfs_set_times(fp->vfs, atime_ns, mtime_ns);
	if (ret)
		return ksmbd_errno_status(ret);
	/* MS-FSA 2.1.5.14.2: what was set, as change notifications see it. */
	ksmbd_notify_fp(fp, FILE_ACTION_MODIFIED,
			(attrs ? FILE_NOTIFY_CHANGE_ATTRIBUTES : 0) |
			(ctime_ns >= 0 ? FILE_NOTIFY_CHANGE_CREATION : 0) |
			(atime_ns >= 0 ? FILE_NOTIFY_CHANGE_LAST_ACCESS : 0) |
			(mtime_ns >= 0 ? FILE_NOTIFY_CHANGE_LAST_WRITE : 0));
	return STATUS_SUCCESS;
}

static int ksmbd_first_entry(void *arg, const char *name, size_t len, u64 ino,
			     unsigned int dtype)
{
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	return 1;
}

/* 0 if the directory @path of @root is empty, -ENOTEMPTY or -errno. */
static int ksmbd_dir_empty(struct ksmbd_vfs_root *root, const char *path)
{
	struct ksmbd_vfs_file *dir;
	int ret;

	ret = ksmbd_vfs_open(root, *path ? path : ".", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
			     0, &dir);
	if (ret)
		return ret;
	ret = ksmbd_vfs_readdir(dir, ksmbd_first_entry, NULL);
	ksmbd_vfs_close(dir);
	return ret == 1 ? -ENOTEMPTY : ret;
}

/* MS-FSCC 2.4.11, MS-FSA 2.1.5.14.3 */
static __le32 ksmbd_set_disposition(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_vfs_stat st;
	__le32 status;
	int ret = 0;

	if (len < 1)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!ksmbd_file_may(fp, DELETE))
		return STATUS_ACCESS_DENIED;
	if (fp->is_stream)
		return ksmbd_stream_set_delete(fp, buf[0]);
	if (!buf[0])
		return ksmbd_inode_set_delete_pending(&fp->ni, false) ? STATUS_FILE_CLOSED :
									 STATUS_SUCCESS;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	if (!fp->is_dir && !(st.mode & 0222))
		return STATUS_CANNOT_DELETE;	/* FILE_ATTRIBUTE_READONLY */
	mutex_lock(&fp->dir_lock);
	if (!*fp->path)
		ret = -EACCES;			/* the share root */
	else if (fp->is_dir)
		ret = ksmbd_dir_empty(fp->root, fp->path);
	mutex_unlock(&fp->dir_lock);
	if (ret == -ENOTEMPTY)
		return STATUS_DIRECTORY_NOT_EMPTY;
	if (ret)
		return ksmbd_errno_status(ret);
	/* MS-FSA 2.1.5.14.3: other keys' handle caching is broken first (oplock.h). */
	status = ksmbd_lease_break_handle(w, fp);
	if (status != STATUS_SUCCESS)
		return status;
	if (ksmbd_inode_set_delete_pending(&fp->ni, true))
		return STATUS_FILE_CLOSED;
	if (fp->is_dir)
		ksmbd_notify_delete_pending(fp->dev, fp->ino);
	return STATUS_SUCCESS;
}

static __le32 ksmbd_rename_status(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		return STATUS_OBJECT_PATH_NOT_FOUND;
	case -EEXIST:
		return STATUS_OBJECT_NAME_COLLISION;
	case -EXDEV:
		return STATUS_NOT_SAME_DEVICE;
	case -EINVAL:			/* a directory into itself */
		return STATUS_INVALID_PARAMETER;
	case -ENOTEMPTY:
	case -EBUSY:
	case -EISDIR:
		return STATUS_ACCESS_DENIED;
	default:
		return ksmbd_errno_status(err);
	}
}

/* Move @fp from its name to @target (both checked paths inside the share). */
static __le32 ksmbd_do_rename(struct ksmbd_file *fp, char *target, bool replace)
{
	__le32 status = STATUS_SUCCESS;
	struct ksmbd_vfs_stat st;
	char *name;
	int ret;

	name = kstrdup(target, GFP_KERNEL);
	if (!name)
		return STATUS_INSUFFICIENT_RESOURCES;
	mutex_lock(&fp->dir_lock);
	ret = -EACCES;
	if (!*fp->path)
		goto out;			/* the share root */
	/* The open's name must still be its file (see ksmbd_file_delete). */
	ret = ksmbd_vfs_getattr_name(fp->root, fp->path, &st);
	if (!ret && (st.dev != fp->dev || st.ino != fp->ino))
		ret = -ESTALE;
	if (ret)
		goto out;
	if (!strcmp(fp->path, name))
		goto out;			/* renamed to itself */
	/* MS-FSA 2.1.5.14.11: not a directory with open files below it. */
	ret = -EACCES;
	if (fp->is_dir && ksmbd_file_opens_below(fp))
		goto out;
	/* nor a file with an open stream (as Windows answers) */
	if (ksmbd_stream_opens_of(fp->dev, fp->ino))
		goto out;
	ret = ksmbd_vfs_getattr_name(fp->root, name, &st);
	if (!ret && !(st.dev == fp->dev && st.ino == fp->ino)) {
		/* MS-FSA 2.1.5.14.11: an existing target. */
		if (!replace)
			ret = -EEXIST;
		else if ((st.mode & 0170000) == 0040000 || !(st.mode & 0222) ||
			 ksmbd_inode_open_count(st.dev, st.ino))
			ret = -EBUSY;		/* a directory, read-only, or open */
		else
			ret = 0;
		if (ret)
			goto out;
	} else if (ret == -ENOENT) {
		ret = 0;
	}
	if (ret)
		goto out;
	/* Share modes: the target's directory takes a new entry (share.h). */
	status = ksmbd_rename_share_check(fp->root, name);
	if (status != STATUS_SUCCESS)
		goto out;
	ret = ksmbd_vfs_rename(fp->root, fp->path, name,
			       replace ? 0 : KSMBD_VFS_RENAME_NOREPLACE);
	if (!ret) {
		ksmbd_notify_rename(fp->root_dev, fp->root_ino, fp->path, name, fp->is_dir);
		if (!fp->is_dir)
			ksmbd_notify_renamed_file(fp->root_dev, fp->root_ino, name);
		ksmbd_file_set_path(fp, name);
		name = NULL;
	}
out:
	mutex_unlock(&fp->dir_lock);
	kfree(name);
	if (status != STATUS_SUCCESS)
		return status;
	if (ret == -ESTALE)
		return STATUS_FILE_RENAMED;
	return ret ? ksmbd_rename_status(ret) : STATUS_SUCCESS;
}

/*
 * The rename target's directories and, when it names another file, its last
 * component as they are on disk (lookup.h); a target that is the file
 * itself under another case keeps the client's case: that is a case change.
 */
static __le32 ksmbd_rename_target_ci(struct ksmbd_file *fp, char *target)
{
	struct ksmbd_vfs_stat st;
	char *given;
	int ret;

	given = kstrdup(target, GFP_KERNEL);
	if (!given)
		return STATUS_INSUFFICIENT_RESOURCES;
	ret = ksmbd_lookup_ci(fp->root, target, KSMBD_PATH_MAX);
	if (!ret && strcmp(given, target) &&
	    !ksmbd_vfs_getattr_name(fp->root, target, &st) &&
	    st.dev == fp->dev && st.ino == fp->ino) {
		const char *gl = strrchr(given, '/'), *tl = strrchr(target, '/');
		size_t dlen = tl ? tl - target + 1 : 0;

		gl = gl ? gl + 1 : given;
		if (dlen + strlen(gl) < KSMBD_PATH_MAX)
			strcpy(target + dlen, gl);
	}
	kfree(given);
	if (ret)
		return ret == -ENAMETOOLONG ? STATUS_OBJECT_NAME_INVALID :
					      STATUS_INSUFFICIENT_RESOURCES;
	return STATUS_SUCCESS;
}

/* MS-FSCC 2.4.42.2, MS-SMB2 3.3.5.21.1, MS-FSA 2.1.5.14.11 */
/* Whether a stream rename's target (":..." UTF-16LE) is the default stream "::$DATA". */
static bool ksmbd_rename_to_default(const u8 *name, u32 len)
{
	u32 base_len;
	char *stream;
	bool has;

	if (ksmbd_stream_split(name, len, &base_len, &stream, &has) != STATUS_SUCCESS)
		return false;
	kfree(stream);
	return !base_len && has && !stream;
}

static __le32 ksmbd_set_rename(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	struct ksmbd_file *fp = w->fp;
	char *old = NULL;
	u32 name_len;
	const u8 *name;
	__le32 status;
	char *target;

	if (len < KSMBD_RENAME_HDR)
		return STATUS_INFO_LENGTH_MISMATCH;
	name_len = get_unaligned_le32(buf + 16);
	name = buf + KSMBD_RENAME_HDR;
	if (get_unaligned_le64(buf + 8) || !name_len || name_len % 2 ||
	    name_len > len - KSMBD_RENAME_HDR || name_len > U16_MAX)
		return STATUS_INVALID_PARAMETER;
	if (!ksmbd_file_may(fp, DELETE))
		return STATUS_ACCESS_DENIED;
	/* ":stream": a stream renamed within its file (stream.h). */
	if (get_unaligned_le16(name) == ':') {
		if (!fp->is_stream)
			return STATUS_NOT_SUPPORTED;
		/*
		 * To the default stream: the stream's state, which holds the
		 * open's oplock and lease (oplock.h), goes, so they go first
		 * (also when the rename then fails).
		 */
		if (ksmbd_rename_to_default(name, name_len))
			ksmbd_oplock_detach(fp);
		return ksmbd_stream_rename(fp, name, name_len, buf[0]);
	}
	if (fp->is_stream) {
		u32 i;

		/*
		 * A stream renamed to "<file>:<stream>": Windows answers
		 * STATUS_SHARING_VIOLATION (smb2.streams.rename2); any other
		 * full name is not a stream's new name.
		 */
		for (i = 0; i + 1 < name_len; i += 2)
			if (get_unaligned_le16(name + i) == ':')
				return STATUS_SHARING_VIOLATION;
		return STATUS_INVALID_PARAMETER;
	}
	/* A full name inside the share; a leading separator is tolerated. */
	if (get_unaligned_le16(name) == '\\') {
		name += 2;
		name_len -= 2;
		if (!name_len)
			return STATUS_INVALID_PARAMETER;
	}
	target = kmalloc(KSMBD_PATH_MAX, GFP_KERNEL);
	if (!target)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = ksmbd_smb_path(name, name_len, target, KSMBD_PATH_MAX);
	if (status == STATUS_SUCCESS && !(w->tree->flags & KSMBD_SHARE_CASE_SENSITIVE))
		status = ksmbd_rename_target_ci(fp, target);
	/* Other clients' handle caching goes first (oplock.h). */
	if (status == STATUS_SUCCESS)
		status = ksmbd_lease_break_handle(w, fp);
	/* The old name's directory, for its leases (oplock.h). */
	if (status == STATUS_SUCCESS && !fp->is_stream) {
		mutex_lock(&fp->dir_lock);
		old = kstrdup(fp->path, GFP_KERNEL);
		mutex_unlock(&fp->dir_lock);
	}
	if (status == STATUS_SUCCESS)
		status = ksmbd_do_rename(fp, target, buf[0]);
	if (status == STATUS_SUCCESS && !fp->is_stream) {
		ksmbd_lease_break_parent_path(fp, old);
		mutex_lock(&fp->dir_lock);
		ksmbd_lease_break_parent(fp);
		mutex_unlock(&fp->dir_lock);
	}
	kfree(old);
	kfree(target);
	return status;
}

/* MS-FSCC 2.4.14 / 2.4.4, MS-FSA 2.1.5.14.4 / 2.1.5.14.1 */
static __le32 ksmbd_set_size(struct ksmbd_work *w, const u8 *buf, u32 len, bool alloc)
{
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_vfs_stat st;
	u64 size;
	int ret;

	if (len < 8)
		return STATUS_INFO_LENGTH_MISMATCH;
	if (!ksmbd_file_may(fp, FILE_WRITE_DATA))
		return STATUS_ACCESS_DENIED;
	if (fp->is_dir)
		return STATUS_INVALID_PARAMETER;
	size = get_unaligned_le64(buf);
	if (size > KSMBD_OFF_MAX)
		return STATUS_INVALID_PARAMETER;
	/* MS-FSA 2.1.5.14.4, 2.1.5.14.2: setting a size breaks level II oplocks. */
	ksmbd_oplock_break_level2(fp);
	WRITE_ONCE(fp->oplock.written, true);	/* for the directory's leases (oplock.h) */
	if (alloc) {
		/* Space is allocated as it is written: only shrinking changes the file. */
		ret = ksmbd_vfs_getattr(fp->vfs, &st);
		if (ret)
			return ksmbd_errno_status(ret);
		ksmbd_stream_fix_stat(fp, &st);
		if (size >= st.size)
			return STATUS_SUCCESS;
	}
	ret = fp->is_stream ? ksmbd_stream_truncate(fp, size) : ksmbd_vfs_truncate(fp->vfs, size);
	if (ret == -EFBIG)
		return STATUS_DISK_FULL;
	if (ret)
		return ksmbd_errno_status(ret);
	ksmbd_notify_fp(fp, FILE_ACTION_MODIFIED,
			FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE);
	return STATUS_SUCCESS;
}

/* MS-FSCC 2.4.35, MS-FSA 2.1.5.14.10 */
static __le32 ksmbd_set_position(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	struct ksmbd_file *fp = w->fp;
	u64 pos;

	if (len < 8)
		return STATUS_INFO_LENGTH_MISMATCH;
	pos = get_unaligned_le64(buf);
	if (pos > KSMBD_OFF_MAX ||
	    ((READ_ONCE(fp->mode) & FILE_NO_INTERMEDIATE_BUFFERING) && pos % 512))
		return STATUS_INVALID_PARAMETER;
	WRITE_ONCE(fp->position, pos);
	return STATUS_SUCCESS;
}

/* MS-FSCC 2.4.26, MS-FSA 2.1.5.14.9 */
static __le32 ksmbd_set_mode(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	const u32 sync = FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT;
	const u32 settable = FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY;
	struct ksmbd_file *fp = w->fp;
	u32 mode, cur;

	if (len < 4)
		return STATUS_INFO_LENGTH_MISMATCH;
	mode = get_unaligned_le32(buf);
	cur = READ_ONCE(fp->mode);
	if ((mode & ~KSMBD_MODE_VALID) || (mode & sync) != (cur & sync) ||
	    (mode & FILE_NO_INTERMEDIATE_BUFFERING) != (cur & FILE_NO_INTERMEDIATE_BUFFERING))
		return STATUS_INVALID_PARAMETER;
	WRITE_ONCE(fp->mode, (cur & ~settable) | (mode & settable));
	return STATUS_SUCCESS;
}

/* Classes MS-FSCC 2.4 marks settable: what SET_INFO does not do is "not supported". */
static bool ksmbd_class_settable(u8 class)
{
	switch (class) {
	case FILE_LINK_INFORMATION:
	case FILE_PIPE_INFORMATION:
	case FILE_OBJECT_ID_INFORMATION:
	case FILE_MOVE_CLUSTER_INFORMATION:
	case FILE_QUOTA_INFORMATION:
	case FILE_TRACKING_INFORMATION:
	case FILE_VALID_DATA_LENGTH_INFORMATION:
	case FILE_SHORT_NAME_INFORMATION:
	case FILE_SFIO_RESERVE_INFORMATION:
	case FILE_DISPOSITION_INFORMATION_EX:
	case FILE_RENAME_INFORMATION_EX:
		return true;
	default:
		return false;
	}
}

static __le32 ksmbd_set_file_info(struct ksmbd_work *w, u8 class, const u8 *buf, u32 len)
{
	bool readonly = w->tree->flags & KSMBD_SHARE_READONLY;

	switch (class) {
	case FILE_POSITION_INFORMATION:
		return ksmbd_set_position(w, buf, len);
	case FILE_MODE_INFORMATION:
		return ksmbd_set_mode(w, buf, len);
	case FILE_BASIC_INFORMATION:
	case FILE_RENAME_INFORMATION:
	case FILE_DISPOSITION_INFORMATION:
	case FILE_END_OF_FILE_INFORMATION:
	case FILE_ALLOCATION_INFORMATION:
	case FILE_FULL_EA_INFORMATION:
		/* CREATE grants no modifying right there; this is the last word. */
		if (readonly)
			return STATUS_ACCESS_DENIED;
		break;
	default:
		return ksmbd_class_settable(class) ? STATUS_NOT_SUPPORTED :
						     STATUS_INVALID_INFO_CLASS;
	}
	switch (class) {
	case FILE_BASIC_INFORMATION:
		return ksmbd_set_basic(w, buf, len);
	case FILE_RENAME_INFORMATION:
		return ksmbd_set_rename(w, buf, len);
	case FILE_DISPOSITION_INFORMATION:
		return ksmbd_set_disposition(w, buf, len);
	case FILE_END_OF_FILE_INFORMATION:
		return ksmbd_set_size(w, buf, len, false);
	case FILE_FULL_EA_INFORMATION:
		/* MS-SMB2 3.3.5.21.1: FILE_WRITE_EA */
		if (!ksmbd_file_may(w->fp, FILE_WRITE_EA))
			return STATUS_ACCESS_DENIED;
		return ksmbd_ea_set(w->fp, buf, len);
	default:
		return ksmbd_set_size(w, buf, len, true);
	}
}

__le32 ksmbd_smb2_set_info(struct ksmbd_work *w)
{
	const struct smb2_set_info_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->buffer_offset);
	u32 len = le32_to_cpu(req->buffer_length);
	struct smb2_set_info_rsp *rsp;
	__le32 status;

	if (len && !ksmbd_req_has(w, off, len))
		return STATUS_INVALID_PARAMETER;
	switch (req->info_type) {
	case SMB2_0_INFO_FILE:
		/* Pipes (FilePipeInformation) are not supported yet. */
		status = w->fp->vfs ? ksmbd_set_file_info(w, req->file_info_class,
							  w->req + off, len) :
				      STATUS_NOT_SUPPORTED;
		break;
	case SMB2_0_INFO_FILESYSTEM:
		/* FileFsControlInformation, FileFsObjectIdInformation: settable, not here. */
		status = req->file_info_class == 6 || req->file_info_class == 8 ?
			 STATUS_NOT_SUPPORTED : STATUS_INVALID_INFO_CLASS;
		break;
	case SMB2_0_INFO_SECURITY:
		status = ksmbd_sd_set(w, w->req + off, len);
		break;
	case SMB2_0_INFO_QUOTA:
		status = STATUS_NOT_SUPPORTED;
		break;
	default:
		status = STATUS_INVALID_PARAMETER;
		break;
	}
	if (status != STATUS_SUCCESS)
		return status;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(2);
	return STATUS_SUCCESS;
}

__le32 ksmbd_smb2_flush(struct ksmbd_work *w)
{
	struct ksmbd_file *fp = w->fp;
	struct smb2_flush_rsp *rsp;
	int ret;

	if (fp->vfs) {
		/* MS-SMB2 3.3.5.11 */
		if (!(fp->access & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
			return STATUS_ACCESS_DENIED;
		ret = ksmbd_vfs_fsync(fp->vfs);
		if (ret)
			return ksmbd_errno_status(ret);
	}
	/* Pipe writes are relayed as they come: nothing is buffered to flush. */
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(4);
	return STATUS_SUCCESS;
}
