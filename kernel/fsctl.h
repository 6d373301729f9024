/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FSCTLs on disk opens beyond object ids (smb2_ioctl.c dispatches):
 *
 * smb2_copychunk.c, server-side copy (MS-SMB2 2.2.31.1, 2.2.32.1-3,
 * 3.3.5.15.6): FSCTL_SRV_REQUEST_RESUME_KEY names an open by a 24-byte
 * key (its FileId and 8 zero bytes; only the session that opened it may
 * use it); FSCTL_SRV_COPYCHUNK and FSCTL_SRV_COPYCHUNK_WRITE copy chunks
 * from that open to the one the request names, in order, with the limits
 * below. The source open needs FILE_READ_DATA or FILE_EXECUTE (as on
 * Windows), the target FILE_WRITE_DATA
 * and, for FSCTL_SRV_COPYCHUNK only, FILE_READ_DATA. Each chunk is checked
 * against byte-range locks as a READ of the source and a WRITE of the
 * target (STATUS_FILE_LOCK_CONFLICT), must lie inside the source
 * (STATUS_INVALID_VIEW_SIZE), and is copied inside the filesystem
 * (copy_file_range) or through memory where it cannot (overlapping ranges
 * of one file, named streams). A failure ends the request with the chunks
 * copied so far in the response, whatever the status.
 *
 * smb2_fsctl.c (MS-FSCC 2.3, MS-FSA 2.1.5.9): FSCTL_SET_SPARSE (the
 * FILE_ATTRIBUTE_SPARSE_FILE in the dosattr xattr, dosattr.h; clearing it
 * allocates the file's holes), FSCTL_SET_ZERO_DATA (a hole punched in
 * sparse files, zeroed allocated ranges in the others),
 * FSCTL_QUERY_ALLOCATED_RANGES (SEEK_DATA/SEEK_HOLE for sparse files, the
 * whole range for the others), FSCTL_DUPLICATE_EXTENTS_TO_FILE (reflink;
 * STATUS_NOT_SUPPORTED where the filesystem cannot share blocks),
 * FSCTL_GET_REPARSE_POINT (STATUS_NOT_A_REPARSE_POINT: no open is a
 * reparse point), FSCTL_GET_INTEGRITY_INFORMATION (ReFS only:
 * STATUS_INVALID_DEVICE_REQUEST, as NTFS answers), FSCTL_GET_COMPRESSION
 * and FSCTL_SET_COMPRESSION (no file is compressed: COMPRESSION_FORMAT_NONE,
 * and setting NONE succeeds; the others are STATUS_NOT_SUPPORTED, as
 * Windows answers on volumes without compression), FSCTL_SRV_ENUMERATE_SNAPSHOTS
 * (MS-SMB2 3.3.5.15.1: no share has previous versions, so none are listed).
 */
#ifndef KSMBD_FSCTL_H
#define KSMBD_FSCTL_H

#include <linux/types.h>

struct ksmbd_work;
struct ksmbd_file;
struct smb2_ioctl;

#define FSCTL_SRV_REQUEST_RESUME_KEY		0x00140078
#define FSCTL_SRV_COPYCHUNK			0x001440f2
#define FSCTL_SRV_COPYCHUNK_WRITE		0x001480f2
#define FSCTL_SET_SPARSE			0x000900c4
#define FSCTL_SET_ZERO_DATA			0x000980c8
#define FSCTL_QUERY_ALLOCATED_RANGES		0x000940cf
#define FSCTL_DUPLICATE_EXTENTS_TO_FILE		0x00098344
#define FSCTL_GET_REPARSE_POINT			0x000900a8
#define FSCTL_SET_REPARSE_POINT			0x000900a4
#define FSCTL_DELETE_REPARSE_POINT		0x000900ac
#define FSCTL_GET_INTEGRITY_INFORMATION		0x0009027c
#define FSCTL_SET_INTEGRITY_INFORMATION		0x0009c280
#define FSCTL_FILE_LEVEL_TRIM			0x00098208
#define FSCTL_SRV_ENUMERATE_SNAPSHOTS		0x00144064
#define FSCTL_GET_COMPRESSION			0x0009003c
#define FSCTL_SET_COMPRESSION			0x0009c040

#define FILE_ATTRIBUTE_SPARSE_FILE		0x00000200

#define STATUS_INVALID_HANDLE			cpu_to_le32(0xc0000008)
#define STATUS_INVALID_VIEW_SIZE		cpu_to_le32(0xc000001f)
#define STATUS_NOT_A_REPARSE_POINT		cpu_to_le32(0xc0000275)

/* MS-SMB2 3.3.3: the server's copychunk limits (Windows' values). */
#define KSMBD_COPYCHUNK_MAX_CHUNKS		256
#define KSMBD_COPYCHUNK_MAX_CHUNK_SIZE		(1024 * 1024)
#define KSMBD_COPYCHUNK_MAX_DATA		(16 * 1024 * 1024)

#define KSMBD_RESUME_KEY_SIZE			24
/* SRV_COPYCHUNK_COPY: SourceKey, ChunkCount, Reserved; then 24-byte SRV_COPYCHUNKs. */
#define KSMBD_COPYCHUNK_HDR_SIZE		32
#define KSMBD_COPYCHUNK_SIZE			24
/* SRV_COPYCHUNK_RESPONSE: ChunksWritten, ChunkBytesWritten, TotalBytesWritten. */
#define KSMBD_COPYCHUNK_RSP_SIZE		12

struct ksmbd_copychunk {
	u64 src_off, dst_off;
	u32 len;
};

/*
 * Check a SRV_COPYCHUNK_COPY of @len bytes (pure): 0 and *@count chunks,
 * -EINVAL when it is shorter than its header or its chunks
 * (STATUS_INVALID_PARAMETER), -E2BIG when it asks for more than the limits
 * above or holds a zero-length chunk (STATUS_INVALID_PARAMETER with the
 * limits in the response).
 */
int ksmbd_copychunk_parse(const u8 *in, u32 len, u32 *count);
/* Chunk @i of a SRV_COPYCHUNK_COPY that ksmbd_copychunk_parse() accepted. */
void ksmbd_copychunk_get(const u8 *in, u32 i, struct ksmbd_copychunk *c);

/* The handlers, for an open @fp of the request's tree. */
__le32 ksmbd_fsctl_resume_key(struct ksmbd_work *w, const struct smb2_ioctl *req,
			      struct ksmbd_file *fp);
__le32 ksmbd_fsctl_copychunk(struct ksmbd_work *w, const struct smb2_ioctl *req,
			     struct ksmbd_file *fp);
/* Every other FSCTL on a disk open: STATUS_NOT_SUPPORTED for unknown codes. */
__le32 ksmbd_fsctl_file(struct ksmbd_work *w, const struct smb2_ioctl *req,
			struct ksmbd_file *fp);

#endif
