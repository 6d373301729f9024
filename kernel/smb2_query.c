// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 QUERY_INFO (MS-SMB2 3.3.5.20) for the file information classes of
 * MS-FSCC 2.4 that clients ask for when they open a file, and the common
 * filesystem classes of MS-FSCC 2.5. Names are the open's path inside the
 * share with a leading separator ("\dir\file"); short names are derived
 * from the long ones (name.h), attributes and creation times come with the
 * DOS attributes (dosattr.h); the named streams of stream.h are listed by
 * FileStreamInformation (opens of them report the stream's sizes); EAs
 * (ea.h): FileFullEaInformation and EaSize. Security information:
 * smb2_security.c.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "dosattr.h"
#include "file.h"
#include "inode.h"
#include "name.h"
#include "port.h"
#include "server.h"
#include "conn.h"
#include "smb2.h"
#include "stream.h"
#include "ea.h"
#include "smb2_security.h"
#include "tree.h"
#include "unicode.h"

/* Longest fixed part of a class built here (FileAllInformation up to its name). */
#define KSMBD_INFO_FIXED	104
/* Longest name: a share path (4096 UTF-8 bytes) as UTF-16, plus its separator. */
#define KSMBD_INFO_NAME_MAX	(2 * 4096 + 2)
#define KSMBD_INFO_MAX		(KSMBD_INFO_FIXED + KSMBD_INFO_NAME_MAX)
/* A class is provided, but the buffer is shorter: STATUS_BUFFER_OVERFLOW. */
#define KSMBD_INFO_VARIABLE	0x80000000u
/* A list cut at an entry for want of room: STATUS_BUFFER_OVERFLOW. */
#define KSMBD_INFO_CUT		0x40000000u

/* FileStreamInformation's buffer: the largest response it may fill. */
#define KSMBD_STREAM_INFO_MAX	65536

/* FileBasicInformation: times and attributes, from the CREATE/CLOSE block. */
static size_t ksmbd_info_basic(const struct ksmbd_vfs_stat *st, struct ksmbd_file *fp, u8 *out)
{
	u8 block[52];

	ksmbd_fill_attrs_of(fp->vfs, st, block);
	memcpy(out, block, 32);			/* the four times */
	memcpy(out + 32, block + 48, 4);	/* FileAttributes */
	put_unaligned_le32(0, out + 36);
	return 40;
}

static size_t ksmbd_info_standard(const struct ksmbd_vfs_stat *st, struct ksmbd_file *fp,
				  u8 *out)
{
	u8 block[52];

	ksmbd_fill_attrs(st, block);
	ksmbd_fill_alloc(fp, st, block);
	memcpy(out, block + 32, 16);		/* AllocationSize, EndOfFile */
	put_unaligned_le32(st->nlink, out + 16);
	out[20] = fp->is_stream ? ksmbd_stream_delete_pending(fp) :
		  ksmbd_inode_delete_pending(&fp->ni);
	out[21] = fp->is_dir;
	put_unaligned_le16(0, out + 22);
	return 24;
}

/*
 * FILE_NAME_INFORMATION (MS-FSCC 2.4.30): the open's name as "\a\b" into
 * @out; with @normalized (FileNormalizedNameInformation, 2.4.29) without the
 * leading separator, so the share root is "". Its length, or -errno.
 */
static int ksmbd_info_name(struct ksmbd_file *fp, u8 *out, bool normalized)
{
	u8 *name = out + 4 + (normalized ? 0 : 2);
	u8 *p;
	int n;

	if (!normalized)
		put_unaligned_le16('\\', out + 4);
	mutex_lock(&fp->dir_lock);
	n = ksmbd_utf8_to_utf16(fp->path, strlen(fp->path), name, KSMBD_INFO_NAME_MAX - 2);
	mutex_unlock(&fp->dir_lock);
	if (n < 0)
		return n;
	if (fp->is_stream) {
		/* a stream's open: \dir\file:stream */
		char sname[2 + 256];
		int m;

		sname[0] = ':';
		m = ksmbd_stream_name(fp, sname + 1, sizeof(sname) - 1);
		if (!m)
			m = ksmbd_utf8_to_utf16(sname, strlen(sname), name + n,
						KSMBD_INFO_NAME_MAX - 2 - n);
		if (m < 0)
			return m;
		n += m;
	}
	for (p = name; p < name + n; p += 2)
		if (get_unaligned_le16(p) == '/')
			put_unaligned_le16('\\', p);
	n += name - (out + 4);
	put_unaligned_le32(n, out);
	return 4 + n;
}

/*
 * FileAlternateNameInformation (MS-FSCC 2.4.5): the short name of the open's
 * last component, or the name itself when it is a valid 8.3 name (its own
 * short name, as NTFS answers for a name that is both). The share root has
 * none: STATUS_OBJECT_NAME_NOT_FOUND as -ENOENT.
 */
static int ksmbd_info_short_name(struct ksmbd_file *fp, u8 *out)
{
	char short_name[KSMBD_SHORT_NAME_MAX];
	const char *last;
	int n;

	mutex_lock(&fp->dir_lock);
	last = strrchr(fp->path, '/');
	last = last ? last + 1 : fp->path;
	n = ksmbd_name_mangle(last, strlen(last), short_name);
	if (!n && *last) {
		n = strlen(last);		/* 8.3 names are ASCII, at most 12 bytes */
		memcpy(short_name, last, n + 1);
	}
	mutex_unlock(&fp->dir_lock);
	if (!n)
		return -ENOENT;
	n = ksmbd_utf8_to_utf16(short_name, n, out + 4, 2 * KSMBD_SHORT_NAME_MAX);
	if (n < 0)
		return n;
	put_unaligned_le32(n, out);
	return 4 + n;
}

/*
 * Build class @class into @out; its length, 0 for a class not provided, or
 * -errno. Classes with a variable part have KSMBD_INFO_VARIABLE set (their
 * length may be 0).
 */
static long ksmbd_info_file(struct ksmbd_work *w, u8 class, const struct ksmbd_vfs_stat *st,
			    struct ksmbd_file *fp, u8 *out)
{
	u8 block[52];
	size_t n;
	int ret;

	memset(out, 0, KSMBD_INFO_FIXED);
	switch (class) {
	case FILE_BASIC_INFORMATION:
		return ksmbd_info_basic(st, fp, out);
	case FILE_STANDARD_INFORMATION:
		return ksmbd_info_standard(st, fp, out);
	case FILE_INTERNAL_INFORMATION:
		put_unaligned_le64(st->ino, out);
		return 8;
	case FILE_EA_INFORMATION:
		put_unaligned_le32(ksmbd_ea_size(fp->vfs), out);
		return 4;
	case FILE_ALIGNMENT_INFORMATION:
		return 4;				/* byte alignment */
	case FILE_MODE_INFORMATION:
		put_unaligned_le32(READ_ONCE(fp->mode), out);
		return 4;
	case FILE_ACCESS_INFORMATION:
		put_unaligned_le32(fp->access, out);
		return 4;
	case FILE_POSITION_INFORMATION:
		put_unaligned_le64(READ_ONCE(fp->position), out);
		return 8;
	case FILE_NAME_INFORMATION:
	case FILE_NORMALIZED_NAME_INFORMATION:
		ret = ksmbd_info_name(fp, out, class == FILE_NORMALIZED_NAME_INFORMATION);
		if (ret < 0)
			return ret;
		return (long)ret | KSMBD_INFO_VARIABLE;
	case FILE_ALL_INFORMATION:
		n = ksmbd_info_basic(st, fp, out);
		n += ksmbd_info_standard(st, fp, out + n);
		put_unaligned_le64(st->ino, out + n);	/* internal */
		put_unaligned_le32(ksmbd_ea_size(fp->vfs), out + n + 8);
		n += 8 + 4;
		put_unaligned_le32(fp->access, out + n);
		put_unaligned_le64(READ_ONCE(fp->position), out + n + 4);
		put_unaligned_le32(READ_ONCE(fp->mode), out + n + 12);
		n += 4 + 8 + 4 + 4;			/* access, position, mode, alignment */
		ret = ksmbd_info_name(fp, out + n, false);
		if (ret < 0)
			return ret;
		return (long)(n + ret) | KSMBD_INFO_VARIABLE;
	case FILE_STREAM_INFORMATION: {
		/* the base file's streams, whichever of them @fp opened */
		const struct smb2_query_info_req *req = (const void *)ksmbd_req_body(w);
		u32 max = le32_to_cpu(req->output_buffer_length);
		struct ksmbd_vfs_stat bst;
		bool cut;
		long sn;

		ret = ksmbd_vfs_getattr(fp->vfs, &bst);
		if (ret)
			return ret;
		/* whole entries only: as many as the client's buffer holds */
		sn = ksmbd_stream_info(fp, &bst, !(w->tree->flags & KSMBD_SHARE_NO_STREAMS),
				       out, min_t(u32, max, KSMBD_STREAM_INFO_MAX), &cut);
		if (sn < 0)
			return sn;
		return sn | KSMBD_INFO_VARIABLE | (cut ? KSMBD_INFO_CUT : 0);
	}
	case FILE_COMPRESSION_INFORMATION:
		/* MS-FSCC 2.4.9: not compressed (COMPRESSION_FORMAT_NONE) */
		ksmbd_fill_attrs(st, block);
		memcpy(out, block + 40, 8);		/* CompressedFileSize: EndOfFile */
		return 16;
	case FILE_ALTERNATE_NAME_INFORMATION:
		ret = ksmbd_info_short_name(fp, out);
		if (ret < 0)
			return ret;
		return (long)ret | KSMBD_INFO_VARIABLE;
	case FILE_NETWORK_OPEN_INFORMATION:
		ksmbd_fill_attrs_of(fp->vfs, st, block);
		ksmbd_fill_alloc(fp, st, block);
		memcpy(out, block, 52);
		return 56;
	case FILE_ATTRIBUTE_TAG_INFORMATION:
		ksmbd_fill_attrs_of(fp->vfs, st, block);
		memcpy(out, block + 48, 4);
		return 8;
	default:
		return 0;
	}
}

/*
 * MS-SMB2 3.3.5.20.1: classes of attributes need FILE_READ_ATTRIBUTES, and
 * FileFullEaInformation FILE_READ_EA.
 */
static __le32 ksmbd_file_info_access(u8 class, const struct ksmbd_file *fp)
{
	switch (class) {
	case FILE_BASIC_INFORMATION:
	case FILE_ALL_INFORMATION:
	case FILE_NETWORK_OPEN_INFORMATION:
	case FILE_ATTRIBUTE_TAG_INFORMATION:
		return fp->access & FILE_READ_ATTRIBUTES ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
	case FILE_FULL_EA_INFORMATION:
		return fp->access & FILE_READ_EA ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
	default:
		return STATUS_SUCCESS;
	}
}

/*
 * The FileInformationClass range MS-FSCC 2.4 documents: classes in it that are
 * not built here are "not supported" rather than invalid (MS-SMB2 3.3.5.20.1).
 */
static bool ksmbd_file_class_known(u8 class)
{
	return class >= 1 && class <= 76;
}

/*
 * The OutputBufferLength a class needs at least: the size of its structure
 * as Windows declares it (a one-character name, rounded up to the alignment),
 * even when the data is shorter (MS-SMB2 3.3.5.20.1). 0: the data's length.
 */
static size_t ksmbd_info_min(u8 type, u8 class)
{
	if (type == SMB2_0_INFO_FILESYSTEM) {
		switch (class) {
		case FILE_FS_VOLUME_INFORMATION:
			return 24;
		case FILE_FS_ATTRIBUTE_INFORMATION:
			return 16;
		default:
			return 0;
		}
	}
	switch (class) {
	case FILE_NAME_INFORMATION:
	case FILE_NORMALIZED_NAME_INFORMATION:
	case FILE_ALTERNATE_NAME_INFORMATION:
		return 8;
	case FILE_ALL_INFORMATION:
		return 104;
	case FILE_STREAM_INFORMATION:
		return 32;
	default:
		return 0;
	}
}

/* Filesystem class @class of the share into @out; its length, or 0. */
static size_t ksmbd_info_fs(u8 class, const struct ksmbd_vfs_statfs *sf, bool streams, u8 *out)
{
	static const u8 ntfs[] = { 'N', 0, 'T', 0, 'F', 0, 'S', 0 };
	u32 per_unit = max_t(u32, sf->bsize / 512, 1);

	memset(out, 0, KSMBD_INFO_MAX);
	switch (class) {
	case FILE_FS_VOLUME_INFORMATION:
		return 18;			/* no creation time, serial or label */
	case FILE_FS_SIZE_INFORMATION:
		put_unaligned_le64(sf->blocks, out);
		put_unaligned_le64(sf->bavail, out + 8);
		put_unaligned_le32(per_unit, out + 16);
		put_unaligned_le32(512, out + 20);
		return 24;
	case FILE_FS_FULL_SIZE_INFORMATION:
		put_unaligned_le64(sf->blocks, out);
		put_unaligned_le64(sf->bavail, out + 8);
		put_unaligned_le64(sf->bfree, out + 16);
		put_unaligned_le32(per_unit, out + 24);
		put_unaligned_le32(512, out + 28);
		return 32;
	case FILE_FS_DEVICE_INFORMATION:
		put_unaligned_le32(0x00000007, out);	/* FILE_DEVICE_DISK */
		return 8;
	case FILE_FS_CONTROL_INFORMATION:
		/* MS-FSCC 2.5.2: no quotas (FileSystemControlFlags 0), no default limits */
		put_unaligned_le64(~0ULL, out + 24);
		put_unaligned_le64(~0ULL, out + 32);
		return 48;
	case FILE_FS_OBJECT_ID_INFORMATION:
		/*
		 * MS-FSCC 2.5.6: the volume's object id is the node's server
		 * GUID (stable, 16 bytes); no extended information.
		 */
		memcpy(out, ksmbd_server_cfg()->server_guid, 16);
		return 64;
	case FILE_FS_SECTOR_SIZE_INFORMATION:
		/* MS-FSCC 2.5.7: the 512-byte sectors the size classes report */
		put_unaligned_le32(512, out);
		put_unaligned_le32(512, out + 4);
		put_unaligned_le32(512, out + 8);
		put_unaligned_le32(512, out + 12);
		/* SSINFO_FLAGS_ALIGNED_DEVICE | SSINFO_FLAGS_PARTITION_ALIGNED_ON_DEVICE */
		put_unaligned_le32(0x3, out + 16);
		return 28;
	case FILE_FS_ATTRIBUTE_INFORMATION:
		/*
		 * case-sensitive search, case-preserved names, Unicode on disk,
		 * EAs (FILE_SUPPORTS_EXTENDED_ATTRIBUTES), named streams
		 * (FILE_NAMED_STREAMS) where the share has them, sparse files
		 * (FILE_SUPPORTS_SPARSE_FILES, fsctl.h)
		 */
		put_unaligned_le32(0x00800047 | (streams ? 0x00040000 : 0), out);
		put_unaligned_le32(sf->namelen ? sf->namelen : 255, out + 4);
		put_unaligned_le32(sizeof(ntfs), out + 8);
		memcpy(out + 12, ntfs, sizeof(ntfs));
		return 12 + sizeof(ntfs);
	default:
		return 0;
	}
}

/* FileFullEaInformation (MS-SMB2 3.3.5.20.1, MS-FSCC 2.4.15): ea.h. */
static __le32 ksmbd_query_ea(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	const struct smb2_query_info_req *req = (const void *)ksmbd_req_body(w);
	u32 max = min_t(u32, le32_to_cpu(req->output_buffer_length), KSMBD_EA_LIST_MAX + 5);
	u16 in_off = le16_to_cpu(req->input_buffer_offset);
	u32 in_len = le32_to_cpu(req->input_buffer_length);
	struct smb2_query_info_rsp *rsp;
	__le32 status;
	u32 n = 0;
	u8 *out;

	if (in_len && !ksmbd_req_has(w, in_off, in_len))
		return STATUS_INVALID_PARAMETER;
	if (!(fp->access & FILE_READ_EA))
		return STATUS_ACCESS_DENIED;
	out = kvmalloc(max ?: 1, GFP_KERNEL);
	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = ksmbd_ea_query(fp, in_len ? w->req + in_off : NULL, in_len,
				le32_to_cpu(req->flags), le32_to_cpu(req->additional_information),
				out, max, &n);
	if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
		rsp = ksmbd_rsp_body(w, sizeof(*rsp) + n);
		if (!rsp) {
			status = STATUS_INSUFFICIENT_RESOURCES;
		} else {
			rsp->structure_size = cpu_to_le16(9);
			rsp->output_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) +
								sizeof(*rsp));
			rsp->output_buffer_length = cpu_to_le32(n);
			memcpy(rsp->buffer, out, n);
		}
	}
	kvfree(out);
	return status;
}

__le32 ksmbd_smb2_query_info(struct ksmbd_work *w)
{
	const struct smb2_query_info_req *req = (const void *)ksmbd_req_body(w);
	u32 max = le32_to_cpu(req->output_buffer_length);
	struct smb2_query_info_rsp *rsp;
	struct ksmbd_vfs_stat st;
	struct ksmbd_file *fp;
	size_t n, min;
	__le32 status;
	long len;
	u8 *info;
	int ret;

	if (req->info_type == SMB2_0_INFO_SECURITY)
		return ksmbd_sd_query(w);
	if (req->info_type != SMB2_0_INFO_FILE && req->info_type != SMB2_0_INFO_FILESYSTEM)
		return STATUS_NOT_SUPPORTED;
	fp = w->fp;
	status = STATUS_NOT_SUPPORTED;
	if (!fp->vfs)
		return status;			/* pipes: not yet */
	if (req->info_type == SMB2_0_INFO_FILE &&
	    req->file_info_class == FILE_FULL_EA_INFORMATION)
		return ksmbd_query_ea(w, fp);
	info = kvmalloc(req->info_type == SMB2_0_INFO_FILE &&
			req->file_info_class == FILE_STREAM_INFORMATION ?
			KSMBD_STREAM_INFO_MAX : KSMBD_INFO_MAX, GFP_KERNEL);
	if (!info)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (req->info_type == SMB2_0_INFO_FILESYSTEM) {
		struct ksmbd_vfs_statfs sf;

		ret = ksmbd_vfs_statfs(w->tree->root, &sf);
		status = ksmbd_errno_status(ret);
		if (ret)
			goto out;
		len = ksmbd_info_fs(req->file_info_class, &sf,
				    !(w->tree->flags & KSMBD_SHARE_NO_STREAMS), info);
		/* MS-FSCC 2.5 documents classes 1 to 11: the others are invalid. */
		if (!len && req->file_info_class >= 1 && req->file_info_class <= 11) {
			status = STATUS_NOT_SUPPORTED;
			goto out;
		}
	} else {
		/* MS-SMB2 3.3.5.20.1: the normalized name exists from 3.1.1 on. */
		status = STATUS_NOT_SUPPORTED;
		if (req->file_info_class == FILE_NORMALIZED_NAME_INFORMATION &&
		    READ_ONCE(w->conn->dialect) < SMB2_DIALECT_0311)
			goto out;
		status = ksmbd_file_info_access(req->file_info_class, fp);
		if (status != STATUS_SUCCESS)
			goto out;
		/*
		 * MS-FSA 2.1.5.11.13 (FileFullEaInformation): files have no EAs
		 * here (FileEaInformation says EaSize 0; EAs cannot be set).
		 */
		status = STATUS_NO_EAS_ON_FILE;
		if (req->file_info_class == FILE_FULL_EA_INFORMATION)
			goto out;
		ret = ksmbd_vfs_getattr(fp->vfs, &st);
		status = ksmbd_errno_status(ret);
		if (ret)
			goto out;
		ksmbd_stream_fix_stat(fp, &st);
		len = ksmbd_info_file(w, req->file_info_class, &st, fp, info);
		if (len < 0) {
			status = ksmbd_errno_status(len);
			goto out;
		}
		if (!len) {
			status = ksmbd_file_class_known(req->file_info_class) ?
				 STATUS_NOT_SUPPORTED : STATUS_INVALID_INFO_CLASS;
			goto out;
		}
	}
	status = STATUS_INVALID_INFO_CLASS;
	if (!len)
		goto out;
	n = len & ~(KSMBD_INFO_VARIABLE | KSMBD_INFO_CUT);
	min = ksmbd_info_min(req->info_type, req->file_info_class) ?: n;
	status = STATUS_INFO_LENGTH_MISMATCH;
	if (max < min)
		goto out;
	/* MS-SMB2 3.3.5.20.1: what fits of a variable-length class. */
	if (n > max)
		n = max;
	status = STATUS_INSUFFICIENT_RESOURCES;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + n);
	if (!rsp)
		goto out;
	rsp->structure_size = cpu_to_le16(9);
	rsp->output_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) + sizeof(*rsp));
	rsp->output_buffer_length = cpu_to_le32(n);
	memcpy(rsp->buffer, info, n);
	status = n < (len & ~(KSMBD_INFO_VARIABLE | KSMBD_INFO_CUT)) || (len & KSMBD_INFO_CUT) ?
		 STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
out:
	kvfree(info);
	return status;
}
