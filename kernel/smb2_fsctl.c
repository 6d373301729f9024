// SPDX-License-Identifier: GPL-2.0
/*
 * FSCTLs on disk opens (MS-FSCC 2.3, MS-FSA 2.1.5.9): sparse files, zeroing,
 * allocated ranges, block cloning and reparse points. See fsctl.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "dosattr.h"
#include "file.h"
#include "fsctl.h"
#include "lock.h"
#include "notify.h"
#include "oplock.h"
#include "port.h"
#include "smb2.h"

/* FILE_ZERO_DATA_INFORMATION, FILE_ALLOCATED_RANGE_BUFFER: two 64-bit values. */
#define KSMBD_RANGE_SIZE	16
/* DUPLICATE_EXTENTS_DATA (MS-FSCC 2.3.8): FileHandle, three 64-bit values. */
#define KSMBD_DUP_EXTENTS_SIZE	40
/* Zeroing a non-sparse file writes this much at a time. */
#define KSMBD_ZERO_BUF_SIZE	(64 * 1024)

static const u8 *ksmbd_fsctl_input(struct ksmbd_work *w, const struct smb2_ioctl *req,
				   u32 *len)
{
	u32 off = le32_to_cpu(req->input_offset);

	*len = le32_to_cpu(req->input_count);
	if (!*len)
		return NULL;
	if (!ksmbd_req_has(w, off, *len)) {
		*len = 0;
		return NULL;
	}
	return w->req + off;
}

static bool ksmbd_is_sparse(struct ksmbd_file *fp)
{
	struct ksmbd_dosattr da;

	ksmbd_dosattr_read(fp->vfs, &da);
	return (da.flags & KSMBD_DOSATTR_HAS_ATTRS) && (da.attrs & FILE_ATTRIBUTE_SPARSE_FILE);
}

/*
 * FSCTL_SET_SPARSE (MS-FSA 2.1.5.9.35): no buffer means set. Clearing the
 * flag allocates the file's holes, as NTFS does.
 */
static __le32 ksmbd_fsctl_set_sparse(struct ksmbd_work *w, const struct smb2_ioctl *req,
				     struct ksmbd_file *fp)
{
	struct ksmbd_dosattr da;
	struct ksmbd_vfs_stat st;
	const u8 *in;
	bool set, was;
	u32 len;
	int ret;

	if (fp->is_dir)
		return STATUS_INVALID_PARAMETER;
	if (!(fp->access & (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES)))
		return STATUS_ACCESS_DENIED;
	if (fp->is_stream)
		return STATUS_NOT_SUPPORTED;
	in = ksmbd_fsctl_input(w, req, &len);
	set = !in || in[0];
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	ksmbd_dosattr_read(fp->vfs, &da);
	if (!(da.flags & KSMBD_DOSATTR_HAS_ATTRS)) {
		/* what a file without the xattr has (dosattr.h) */
		da.flags |= KSMBD_DOSATTR_HAS_ATTRS;
		da.attrs = FILE_ATTRIBUTE_ARCHIVE;
	}
	was = da.attrs & FILE_ATTRIBUTE_SPARSE_FILE;
	if (was == set)
		return ksmbd_ioctl_rsp(w, req, 0) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	if (!set && st.size) {
		/*
		 * Where it can: not on filesystems without fallocate, nor
		 * through an open without write access (FILE_WRITE_ATTRIBUTES
		 * alone may clear the flag).
		 */
		ret = ksmbd_vfs_fallocate(fp->vfs, KSMBD_VFS_FALLOC_ALLOCATE, 0, st.size);
		if (ret && ret != -EOPNOTSUPP && ret != -EBADF)
			return ksmbd_errno_status(ret);
	}
	if (set)
		da.attrs |= FILE_ATTRIBUTE_SPARSE_FILE;
	else
		da.attrs &= ~FILE_ATTRIBUTE_SPARSE_FILE;
	ret = ksmbd_dosattr_write(fp->vfs, &da);
	if (ret == -EOPNOTSUPP)
		return STATUS_NOT_SUPPORTED;
	if (ret)
		return ksmbd_errno_status(ret);
	ksmbd_notify_fp(fp, FILE_ACTION_MODIFIED, FILE_NOTIFY_CHANGE_ATTRIBUTES);
	return ksmbd_ioctl_rsp(w, req, 0) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Write zeros over [@off, @end) of a non-sparse file: it stays allocated. */
static int ksmbd_write_zeros(struct ksmbd_file *fp, u64 off, u64 end)
{
	u8 *buf = kzalloc(KSMBD_ZERO_BUF_SIZE, GFP_KERNEL);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	while (off < end) {
		size_t n = min_t(u64, end - off, KSMBD_ZERO_BUF_SIZE);
		ssize_t done = ksmbd_vfs_write(fp->vfs, buf, n, off);

		if (done < 0) {
			ret = done;
			break;
		}
		if (!done) {
			ret = -ENOSPC;
			break;
		}
		off += done;
	}
	kfree(buf);
	return ret;
}

/*
 * FSCTL_SET_ZERO_DATA (MS-FSA 2.1.5.9.38): zero [FileOffset,
 * BeyondFinalZero) within the file's size; sparse files lose the blocks.
 */
static __le32 ksmbd_fsctl_zero_data(struct ksmbd_work *w, const struct smb2_ioctl *req,
				    struct ksmbd_file *fp)
{
	struct ksmbd_vfs_stat st;
	const u8 *in;
	s64 off, end;
	u32 len;
	int ret;
	__le32 status;

	in = ksmbd_fsctl_input(w, req, &len);
	if (!in || len < KSMBD_RANGE_SIZE)
		return STATUS_INVALID_PARAMETER;
	off = get_unaligned_le64(in);
	end = get_unaligned_le64(in + 8);
	if (fp->is_dir || off < 0 || end < 0 || off > end)
		return STATUS_INVALID_PARAMETER;
	if (!(fp->access & FILE_WRITE_DATA) || !fp->can_write)
		return STATUS_ACCESS_DENIED;
	if (fp->is_stream)
		return STATUS_NOT_SUPPORTED;
	status = ksmbd_brl_check_io(fp, off, end - off, true);
	if (status != STATUS_SUCCESS)
		return status;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	if ((u64)end > st.size)
		end = st.size;
	if (off < end) {
		ksmbd_oplock_break_level2(fp);
		ret = -EOPNOTSUPP;
		if (ksmbd_is_sparse(fp))
			ret = ksmbd_vfs_fallocate(fp->vfs, KSMBD_VFS_FALLOC_PUNCH_HOLE, off,
						  end - off);
		if (ret == -EOPNOTSUPP)
			ret = ksmbd_write_zeros(fp, off, end);
		if (ret)
			return ksmbd_errno_status(ret);
		ksmbd_notify_fp(fp, FILE_ACTION_MODIFIED, FILE_NOTIFY_CHANGE_LAST_WRITE);
	}
	return ksmbd_ioctl_rsp(w, req, 0) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/*
 * FSCTL_QUERY_ALLOCATED_RANGES (MS-FSA 2.1.5.9.21): the allocated ranges of
 * [FileOffset, FileOffset + Length) within the file's size; a non-sparse
 * file is allocated whole. More ranges than fit: STATUS_BUFFER_OVERFLOW with
 * those that do; none fits: STATUS_BUFFER_TOO_SMALL.
 */
static __le32 ksmbd_fsctl_query_ranges(struct ksmbd_work *w, const struct smb2_ioctl *req,
				       struct ksmbd_file *fp)
{
	u32 max = le32_to_cpu(req->max_output_response) / KSMBD_RANGE_SIZE;
	u32 n = 0, cap, len;
	struct ksmbd_vfs_stat st;
	bool more = false;
	u64 *ranges;
	const u8 *in;
	s64 off, qlen, end;
	u8 *out;
	int ret;
	u32 i;

	in = ksmbd_fsctl_input(w, req, &len);
	if (!in || len < KSMBD_RANGE_SIZE)
		return STATUS_INVALID_PARAMETER;
	off = get_unaligned_le64(in);
	qlen = get_unaligned_le64(in + 8);
	if (fp->is_dir || off < 0 || qlen < 0 || qlen > S64_MAX - off)
		return STATUS_INVALID_PARAMETER;
	if (!(fp->access & FILE_READ_DATA))
		return STATUS_ACCESS_DENIED;
	if (fp->is_stream)
		return STATUS_NOT_SUPPORTED;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	end = min_t(s64, off + qlen, st.size);
	/* one range more than fits tells whether the answer overflows */
	cap = min_t(u32, max, 4096);
	ranges = kmalloc(2 * (cap + 1) * sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (off < end && !ksmbd_is_sparse(fp)) {
		ranges[0] = off;
		ranges[1] = end - off;
		n = 1;
	} else {
		s64 pos = off;

		while (pos < end && n <= cap) {
			loff_t data = ksmbd_vfs_seek(fp->vfs, pos, false), hole;

			if (data == -ENXIO || (data >= 0 && data >= end))
				break;
			if (data < 0) {
				kfree(ranges);
				return ksmbd_errno_status(data);
			}
			hole = ksmbd_vfs_seek(fp->vfs, data, true);
			if (hole < 0 || hole > end)
				hole = end;
			ranges[2 * n] = data;
			ranges[2 * n + 1] = hole - data;
			n++;
			pos = hole;
		}
	}
	if (n > cap) {
		more = true;
		n = cap;
	}
	if (more && !n) {
		kfree(ranges);
		return STATUS_BUFFER_TOO_SMALL;
	}
	out = ksmbd_ioctl_rsp(w, req, n * KSMBD_RANGE_SIZE);
	if (!out) {
		kfree(ranges);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	for (i = 0; i < n; i++) {
		put_unaligned_le64(ranges[2 * i], out + i * KSMBD_RANGE_SIZE);
		put_unaligned_le64(ranges[2 * i + 1], out + i * KSMBD_RANGE_SIZE + 8);
	}
	kfree(ranges);
	return more ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/*
 * FSCTL_DUPLICATE_EXTENTS_TO_FILE (MS-FSA 2.1.5.9.4): the source is another
 * open of the tree; the blocks are shared (reflink) where the filesystem
 * can, else STATUS_NOT_SUPPORTED (FILE_SUPPORTS_BLOCK_REFCOUNTING is not
 * announced).
 */
static __le32 ksmbd_fsctl_dup_extents(struct ksmbd_work *w, const struct smb2_ioctl *req,
				      struct ksmbd_file *dst)
{
	struct ksmbd_file *src;
	s64 src_off, dst_off, count;
	const u8 *in;
	__le32 status;
	u32 len;
	int ret;

	in = ksmbd_fsctl_input(w, req, &len);
	if (!in || len < KSMBD_DUP_EXTENTS_SIZE)
		return STATUS_INVALID_PARAMETER;
	src_off = get_unaligned_le64(in + 16);
	dst_off = get_unaligned_le64(in + 24);
	count = get_unaligned_le64(in + 32);
	if (src_off < 0 || dst_off < 0 || count < 0 || count > S64_MAX - src_off ||
	    count > S64_MAX - dst_off)
		return STATUS_INVALID_PARAMETER;
	src = ksmbd_file_get(w->tree, get_unaligned_le64(in), get_unaligned_le64(in + 8));
	if (!src)
		return STATUS_INVALID_HANDLE;
	status = STATUS_INVALID_PARAMETER;
	if (src->is_dir || dst->is_dir || !src->vfs)
		goto out;
	status = STATUS_ACCESS_DENIED;
	if (!(src->access & FILE_READ_DATA) || !(dst->access & FILE_WRITE_DATA) ||
	    !dst->can_write)
		goto out;
	status = STATUS_NOT_SUPPORTED;
	if (src->is_stream || dst->is_stream)
		goto out;
	/* no byte-range lock checks: Windows makes none for block cloning */
	if (count) {
		ksmbd_oplock_break_level2(dst);
		ret = ksmbd_vfs_clone_range(src->vfs, src_off, dst->vfs, dst_off, count);
		if (ret == -EOPNOTSUPP || ret == -EXDEV || ret == -ENOTTY) {
			status = STATUS_NOT_SUPPORTED;
			goto out;
		}
		if (ret) {
			status = ksmbd_errno_status(ret);
			goto out;
		}
		ksmbd_notify_fp(dst, FILE_ACTION_MODIFIED,
				FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
	}
	status = ksmbd_ioctl_rsp(w, req, 0) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
out:
	ksmbd_file_put(src);
	return status;
}

/* MS-FSCC 2.3.15, 2.3.67: COMPRESSION_STATE, a 16-bit CompressionFormat. */
#define COMPRESSION_FORMAT_NONE		0
#define COMPRESSION_FORMAT_DEFAULT	1
#define COMPRESSION_FORMAT_LZNT1	2

static __le32 ksmbd_fsctl_compression(struct ksmbd_work *w, const struct smb2_ioctl *req,
				      struct ksmbd_file *fp)
{
	const u8 *in;
	u16 format;
	u32 len;

	if (le32_to_cpu(req->ctl_code) == FSCTL_GET_COMPRESSION) {
		if (le32_to_cpu(req->max_output_response) < 2)
			return STATUS_INVALID_PARAMETER;
		/* zeroed: COMPRESSION_FORMAT_NONE */
		return ksmbd_ioctl_rsp(w, req, 2) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	in = ksmbd_fsctl_input(w, req, &len);
	if (!in || len < 2)
		return STATUS_INVALID_PARAMETER;
	if (!(fp->access & FILE_WRITE_DATA))
		return STATUS_ACCESS_DENIED;
	format = get_unaligned_le16(in);
	if (format == COMPRESSION_FORMAT_DEFAULT || format == COMPRESSION_FORMAT_LZNT1)
		return STATUS_NOT_SUPPORTED;
	if (format != COMPRESSION_FORMAT_NONE)
		return STATUS_INVALID_PARAMETER;
	return ksmbd_ioctl_rsp(w, req, 0) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/*
 * FSCTL_SRV_ENUMERATE_SNAPSHOTS (MS-SMB2 3.3.5.15.1, 2.2.32.2): shares have
 * no previous versions here, so the SRV_SNAPSHOT_ARRAY lists none: counts 0,
 * and an empty SnapShots list (its terminating UTF-16 null).
 */
#define KSMBD_SNAPSHOT_ARRAY_EMPTY	14

static __le32 ksmbd_fsctl_snapshots(struct ksmbd_work *w, const struct smb2_ioctl *req)
{
	u8 *out;

	if (le32_to_cpu(req->max_output_response) < 16)
		return STATUS_INVALID_PARAMETER;
	out = ksmbd_ioctl_rsp(w, req, KSMBD_SNAPSHOT_ARRAY_EMPTY);
	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le32(2, out + 8);		/* SnapShotArraySize */
	return STATUS_SUCCESS;
}

__le32 ksmbd_fsctl_file(struct ksmbd_work *w, const struct smb2_ioctl *req,
			struct ksmbd_file *fp)
{
	if (!fp->vfs)
		return STATUS_NOT_SUPPORTED;	/* a pipe */
	switch (le32_to_cpu(req->ctl_code)) {
	case FSCTL_SET_SPARSE:
		return ksmbd_fsctl_set_sparse(w, req, fp);
	case FSCTL_SET_ZERO_DATA:
		return ksmbd_fsctl_zero_data(w, req, fp);
	case FSCTL_QUERY_ALLOCATED_RANGES:
		return ksmbd_fsctl_query_ranges(w, req, fp);
	case FSCTL_DUPLICATE_EXTENTS_TO_FILE:
		return ksmbd_fsctl_dup_extents(w, req, fp);
	case FSCTL_SRV_ENUMERATE_SNAPSHOTS:
		return ksmbd_fsctl_snapshots(w, req);
	case FSCTL_GET_COMPRESSION:
	case FSCTL_SET_COMPRESSION:
		return ksmbd_fsctl_compression(w, req, fp);
	case FSCTL_GET_REPARSE_POINT:
		/* opens never name a symlink (they are followed inside the share) */
		return STATUS_NOT_A_REPARSE_POINT;
	case FSCTL_GET_INTEGRITY_INFORMATION:
	case FSCTL_SET_INTEGRITY_INFORMATION:
		/* integrity streams are ReFS's; NTFS answers this */
		return STATUS_INVALID_DEVICE_REQUEST;
	default:
		return STATUS_NOT_SUPPORTED;
	}
}
