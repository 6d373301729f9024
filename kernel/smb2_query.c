// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 QUERY_INFO (MS-SMB2 3.3.5.20) for the file information classes of
 * MS-FSCC 2.4 that clients ask for when they open a file, and the common
 * filesystem classes of MS-FSCC 2.5. Security information and the file's
 * name in FileAllInformation are not provided yet.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "file.h"
#include "port.h"
#include "smb2.h"
#include "tree.h"

/* Largest information buffer built here (FileAllInformation with no name). */
#define KSMBD_INFO_MAX	104

/* FileBasicInformation: times and attributes, from the CREATE/CLOSE block. */
static size_t ksmbd_info_basic(const struct ksmbd_vfs_stat *st, u8 *out)
{
	u8 block[52];

	ksmbd_fill_attrs(st, block);
	memcpy(out, block, 32);			/* the four times */
	memcpy(out + 32, block + 48, 4);	/* FileAttributes */
	put_unaligned_le32(0, out + 36);
	return 40;
}

static size_t ksmbd_info_standard(const struct ksmbd_vfs_stat *st, const struct ksmbd_file *fp,
				  u8 *out)
{
	u8 block[52];

	ksmbd_fill_attrs(st, block);
	memcpy(out, block + 32, 16);		/* AllocationSize, EndOfFile */
	put_unaligned_le32(st->nlink, out + 16);
	out[20] = 0;				/* DeletePending */
	out[21] = fp->is_dir;
	put_unaligned_le16(0, out + 22);
	return 24;
}

/* Build class @class into @out; its length, or 0 for a class not provided. */
static size_t ksmbd_info_file(u8 class, const struct ksmbd_vfs_stat *st,
			      const struct ksmbd_file *fp, u8 *out)
{
	u8 block[52];
	size_t n;

	memset(out, 0, KSMBD_INFO_MAX);
	switch (class) {
	case FILE_BASIC_INFORMATION:
		return ksmbd_info_basic(st, out);
	case FILE_STANDARD_INFORMATION:
		return ksmbd_info_standard(st, fp, out);
	case FILE_INTERNAL_INFORMATION:
		put_unaligned_le64(st->ino, out);
		return 8;
	case FILE_EA_INFORMATION:
	case FILE_MODE_INFORMATION:
	case FILE_ALIGNMENT_INFORMATION:
		return 4;				/* no EAs, mode 0, byte alignment */
	case FILE_ACCESS_INFORMATION:
		put_unaligned_le32(fp->access, out);
		return 4;
	case FILE_POSITION_INFORMATION:
		return 8;
	case FILE_ALL_INFORMATION:
		n = ksmbd_info_basic(st, out);
		n += ksmbd_info_standard(st, fp, out + n);
		put_unaligned_le64(st->ino, out + n);	/* internal */
		n += 8 + 4;				/* EA size 0 */
		put_unaligned_le32(fp->access, out + n);
		n += 4 + 8 + 4 + 4;			/* position, mode, alignment */
		return n + 4;				/* FileNameLength 0 */
	case FILE_NETWORK_OPEN_INFORMATION:
		ksmbd_fill_attrs(st, block);
		memcpy(out, block, 52);
		return 56;
	case FILE_ATTRIBUTE_TAG_INFORMATION:
		ksmbd_fill_attrs(st, block);
		memcpy(out, block + 48, 4);
		return 8;
	default:
		return 0;
	}
}

/* Filesystem class @class of the share into @out; its length, or 0. */
static size_t ksmbd_info_fs(u8 class, const struct ksmbd_vfs_statfs *sf, u8 *out)
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
	case FILE_FS_ATTRIBUTE_INFORMATION:
		/* case-sensitive search, case-preserved names, Unicode on disk */
		put_unaligned_le32(0x00000007, out);
		put_unaligned_le32(sf->namelen ? sf->namelen : 255, out + 4);
		put_unaligned_le32(sizeof(ntfs), out + 8);
		memcpy(out + 12, ntfs, sizeof(ntfs));
		return 12 + sizeof(ntfs);
	default:
		return 0;
	}
}

__le32 ksmbd_smb2_query_info(struct ksmbd_work *w)
{
	const struct smb2_query_info_req *req = (const void *)ksmbd_req_body(w);
	u32 max = le32_to_cpu(req->output_buffer_length);
	struct smb2_query_info_rsp *rsp;
	struct ksmbd_vfs_stat st;
	struct ksmbd_file *fp;
	u8 info[KSMBD_INFO_MAX];
	__le32 status;
	size_t n;
	int ret;

	if (req->info_type != SMB2_0_INFO_FILE && req->info_type != SMB2_0_INFO_FILESYSTEM)
		return STATUS_NOT_SUPPORTED;
	fp = w->fp;
	status = STATUS_NOT_SUPPORTED;
	if (!fp->vfs)
		goto out;			/* pipes: not yet */
	if (req->info_type == SMB2_0_INFO_FILESYSTEM) {
		struct ksmbd_vfs_statfs sf;

		ret = ksmbd_vfs_statfs(w->tree->root, &sf);
		status = ksmbd_errno_status(ret);
		if (ret)
			goto out;
		n = ksmbd_info_fs(req->file_info_class, &sf, info);
	} else {
		ret = ksmbd_vfs_getattr(fp->vfs, &st);
		status = ksmbd_errno_status(ret);
		if (ret)
			goto out;
		n = ksmbd_info_file(req->file_info_class, &st, fp, info);
	}
	status = STATUS_INVALID_INFO_CLASS;
	if (!n)
		goto out;
	status = STATUS_INFO_LENGTH_MISMATCH;
	if (n > max)
		goto out;
	status = STATUS_INSUFFICIENT_RESOURCES;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + n);
	if (!rsp)
		goto out;
	rsp->structure_size = cpu_to_le16(9);
	rsp->output_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) + sizeof(*rsp));
	rsp->output_buffer_length = cpu_to_le32(n);
	memcpy(rsp->buffer, info, n);
	status = STATUS_SUCCESS;
out:
	return status;
}
