// SPDX-License-Identifier: GPL-2.0
/*
 * Server-side copy (MS-SMB2 3.3.5.15.5, 3.3.5.15.6): resume keys and
 * FSCTL_SRV_COPYCHUNK / FSCTL_SRV_COPYCHUNK_WRITE. See fsctl.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "file.h"
#include "fsctl.h"
#include "lock.h"
#include "notify.h"
#include "oplock.h"
#include "port.h"
#include "session.h"
#include "smb2.h"
#include "stream.h"

int ksmbd_copychunk_parse(const u8 *in, u32 len, u32 *count)
{
	u64 total = 0;
	u32 n, i;

	if (len < KSMBD_COPYCHUNK_HDR_SIZE)
		return -EINVAL;
	n = get_unaligned_le32(in + KSMBD_RESUME_KEY_SIZE);
	if (n > KSMBD_COPYCHUNK_MAX_CHUNKS)
		return -E2BIG;
	if ((len - KSMBD_COPYCHUNK_HDR_SIZE) / KSMBD_COPYCHUNK_SIZE < n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct ksmbd_copychunk c;

		ksmbd_copychunk_get(in, i, &c);
		if (!c.len || c.len > KSMBD_COPYCHUNK_MAX_CHUNK_SIZE)
			return -E2BIG;
		total += c.len;
	}
	if (total > KSMBD_COPYCHUNK_MAX_DATA)
		return -E2BIG;
	*count = n;
	return 0;
}

void ksmbd_copychunk_get(const u8 *in, u32 i, struct ksmbd_copychunk *c)
{
	const u8 *p = in + KSMBD_COPYCHUNK_HDR_SIZE + (size_t)i * KSMBD_COPYCHUNK_SIZE;

	c->src_off = get_unaligned_le64(p);
	c->dst_off = get_unaligned_le64(p + 8);
	c->len = get_unaligned_le32(p + 16);
}

/*
 * SRV_REQUEST_RESUME_KEY (MS-SMB2 2.2.32.3): ResumeKey, ContextLength 0 and
 * four bytes of Context, as Windows sends it.
 */
#define KSMBD_RESUME_KEY_RSP_SIZE	(KSMBD_RESUME_KEY_SIZE + 8)

__le32 ksmbd_fsctl_resume_key(struct ksmbd_work *w, const struct smb2_ioctl *req,
			      struct ksmbd_file *fp)
{
	u8 *out;

	if (!fp->vfs)
		return STATUS_NOT_SUPPORTED;	/* a pipe */
	if (le32_to_cpu(req->max_output_response) < KSMBD_RESUME_KEY_RSP_SIZE)
		return STATUS_INVALID_PARAMETER;
	out = ksmbd_ioctl_rsp(w, req, KSMBD_RESUME_KEY_RSP_SIZE);
	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le64(fp->persistent_id, out);
	put_unaligned_le64(fp->volatile_id, out + 8);
	return STATUS_SUCCESS;
}

/* The open a resume key names, for the request's session only. */
static struct ksmbd_file *ksmbd_resume_key_open(const u8 *key, u64 sess_id)
{
	struct ksmbd_file *fp;
	static const u8 zero[8];

	if (memcmp(key + 16, zero, sizeof(zero)))
		return NULL;
	fp = ksmbd_file_find(get_unaligned_le64(key), get_unaligned_le64(key + 8));
	if (fp && (fp->sess_id != sess_id || !fp->vfs)) {
		ksmbd_file_put(fp);
		return NULL;
	}
	return fp;
}

static ssize_t ksmbd_cc_read(struct ksmbd_file *fp, void *buf, size_t len, loff_t pos)
{
	return fp->is_stream ? ksmbd_stream_read(fp, buf, len, pos) :
			       ksmbd_vfs_read(fp->vfs, buf, len, pos);
}

static ssize_t ksmbd_cc_write(struct ksmbd_file *fp, const void *buf, size_t len, loff_t pos)
{
	return fp->is_stream ? ksmbd_stream_write(fp, buf, len, pos) :
			       ksmbd_vfs_write(fp->vfs, buf, len, pos);
}

/* Copy one chunk through @buf (at least @c->len bytes). */
static __le32 ksmbd_cc_copy_mem(struct ksmbd_file *src, struct ksmbd_file *dst,
				const struct ksmbd_copychunk *c, u8 *buf)
{
	ssize_t n = ksmbd_cc_read(src, buf, c->len, c->src_off);

	if (n < 0)
		return ksmbd_errno_status(n);
	if (n < c->len)
		return STATUS_INVALID_VIEW_SIZE;
	n = ksmbd_cc_write(dst, buf, c->len, c->dst_off);
	if (n < 0)
		return ksmbd_errno_status(n);
	return n == c->len ? STATUS_SUCCESS : STATUS_DISK_FULL;
}

/*
 * Copy one chunk inside the filesystem: 0, -EOPNOTSUPP when it has to go
 * through memory instead, or -errno.
 */
static int ksmbd_cc_copy_fs(struct ksmbd_file *src, struct ksmbd_file *dst,
			    const struct ksmbd_copychunk *c)
{
	u32 done = 0;

	if (src->is_stream || dst->is_stream)
		return -EOPNOTSUPP;
	/* copy_file_range() refuses overlapping ranges of one file */
	if (src->dev == dst->dev && src->ino == dst->ino &&
	    c->src_off < c->dst_off + c->len && c->dst_off < c->src_off + c->len)
		return -EOPNOTSUPP;
	while (done < c->len) {
		ssize_t n = ksmbd_vfs_copy_range(src->vfs, c->src_off + done, dst->vfs,
						 c->dst_off + done, c->len - done);

		if (n == -EXDEV || n == -EOPNOTSUPP || n == -EINVAL || n == -ENOSYS || !n)
			return -EOPNOTSUPP;	/* again through memory, whole */
		if (n < 0)
			return n;
		done += n;
	}
	return 0;
}

/* The source's size, for STATUS_INVALID_VIEW_SIZE; streams are checked by their reads. */
static __le32 ksmbd_cc_check_size(struct ksmbd_file *src, const struct ksmbd_copychunk *c)
{
	struct ksmbd_vfs_stat st;
	int ret;

	if (src->is_stream)
		return STATUS_SUCCESS;
	ret = ksmbd_vfs_getattr(src->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	if (c->src_off > st.size || c->len > st.size - c->src_off)
		return STATUS_INVALID_VIEW_SIZE;
	return STATUS_SUCCESS;
}

struct ksmbd_cc_result {
	u32 chunks, chunk_bytes, total;
};

static __le32 ksmbd_cc_rsp(struct ksmbd_work *w, const struct smb2_ioctl *req,
			   const struct ksmbd_cc_result *r, __le32 status)
{
	u8 *out = ksmbd_ioctl_rsp(w, req, KSMBD_COPYCHUNK_RSP_SIZE);

	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le32(r->chunks, out);
	put_unaligned_le32(r->chunk_bytes, out + 4);
	put_unaligned_le32(r->total, out + 8);
	w->err_keeps_body = true;
	return status;
}

static __le32 ksmbd_cc_run(struct ksmbd_file *src, struct ksmbd_file *dst, const u8 *in,
			   u32 count, struct ksmbd_cc_result *r)
{
	__le32 status = STATUS_SUCCESS;
	u8 *buf = NULL;
	u32 i;

	/* MS-FSA 2.1.5.3: writing breaks the target's level II oplocks. */
	ksmbd_oplock_break_level2(dst);
	for (i = 0; i < count; i++) {
		struct ksmbd_copychunk c;
		int ret;

		ksmbd_copychunk_get(in, i, &c);
		if (c.src_off > (u64)S64_MAX - c.len || c.dst_off > (u64)S64_MAX - c.len) {
			status = STATUS_INVALID_PARAMETER;
			break;
		}
		status = ksmbd_cc_check_size(src, &c);
		if (status == STATUS_SUCCESS)
			status = ksmbd_brl_check_io(src, c.src_off, c.len, false);
		if (status == STATUS_SUCCESS)
			status = ksmbd_brl_check_io(dst, c.dst_off, c.len, true);
		if (status != STATUS_SUCCESS)
			break;
		ret = ksmbd_cc_copy_fs(src, dst, &c);
		if (ret == -EOPNOTSUPP) {
			if (!buf)
				buf = kvmalloc(KSMBD_COPYCHUNK_MAX_CHUNK_SIZE, GFP_KERNEL);
			status = buf ? ksmbd_cc_copy_mem(src, dst, &c, buf) :
				       STATUS_INSUFFICIENT_RESOURCES;
		} else if (ret) {
			status = ksmbd_errno_status(ret);
		}
		if (status != STATUS_SUCCESS)
			break;
		r->chunks++;
		r->total += c.len;
	}
	kvfree(buf);
	if (r->total)
		ksmbd_notify_fp(dst, FILE_ACTION_MODIFIED,
				FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
	return status;
}

__le32 ksmbd_fsctl_copychunk(struct ksmbd_work *w, const struct smb2_ioctl *req,
			     struct ksmbd_file *dst)
{
	u32 in_off = le32_to_cpu(req->input_offset), in_len = le32_to_cpu(req->input_count);
	bool write_only = le32_to_cpu(req->ctl_code) == FSCTL_SRV_COPYCHUNK_WRITE;
	struct ksmbd_cc_result r = {};
	struct ksmbd_file *src;
	const u8 *in;
	__le32 status;
	u32 count;
	int ret;

	if (!dst->vfs)
		return STATUS_NOT_SUPPORTED;	/* a pipe */
	/* MS-SMB2 3.3.5.15.6, in its order */
	if (le32_to_cpu(req->max_output_response) < KSMBD_COPYCHUNK_RSP_SIZE)
		return STATUS_INVALID_PARAMETER;
	if (!ksmbd_req_has(w, in_off, in_len) || in_len < KSMBD_COPYCHUNK_HDR_SIZE)
		return STATUS_INVALID_PARAMETER;
	in = w->req + in_off;
	src = ksmbd_resume_key_open(in, w->sess->id);
	if (!src)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	status = STATUS_ACCESS_DENIED;
	if (!(dst->access & FILE_WRITE_DATA) || !dst->can_write)
		goto out;
	if (!write_only && !(dst->access & FILE_READ_DATA))
		goto out;
	/* Windows lets FILE_EXECUTE read the source too (smb2.ioctl.copy_chunk_bad_access) */
	if (!(src->access & (FILE_READ_DATA | FILE_EXECUTE)))
		goto out;
	status = STATUS_INVALID_DEVICE_REQUEST;
	if (src->is_dir || dst->is_dir)
		goto out;
	ret = ksmbd_copychunk_parse(in, in_len, &count);
	if (ret == -E2BIG) {
		r.chunks = KSMBD_COPYCHUNK_MAX_CHUNKS;
		r.chunk_bytes = KSMBD_COPYCHUNK_MAX_CHUNK_SIZE;
		r.total = KSMBD_COPYCHUNK_MAX_DATA;
		status = ksmbd_cc_rsp(w, req, &r, STATUS_INVALID_PARAMETER);
		goto out;
	}
	status = STATUS_INVALID_PARAMETER;
	if (ret)
		goto out;
	status = ksmbd_cc_run(src, dst, in, count, &r);
	status = ksmbd_cc_rsp(w, req, &r, status);
out:
	ksmbd_file_put(src);
	return status;
}
