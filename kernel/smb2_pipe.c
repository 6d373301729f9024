// SPDX-License-Identifier: GPL-2.0
/*
 * Named pipes on IPC$: CREATE, READ, WRITE (called from smb2_file.c) and
 * FSCTL_PIPE_TRANSCEIVE (MS-SMB2 3.3.5.9, 3.3.5.12, 3.3.5.13, 3.3.5.15.1).
 * The bytes go to the peer (KSMBD_CMD_PIPE), which runs the DCE/RPC servers.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "file.h"
#include "ipc.h"
#include "session.h"
#include "smb2.h"
#include "tree.h"
#include "unicode.h"

/* Largest pipe message handed over in one READ or TRANSCEIVE. */
#define KSMBD_PIPE_IO_MAX	KSMBD_BLOB_MAX

static bool ksmbd_is_pipe_tree(const struct ksmbd_work *w)
{
	return w->tree->flags & KSMBD_SHARE_IPC;
}

/* The peer's failure to answer, as a status. */
static __le32 ksmbd_pipe_ipc_failed(struct ksmbd_work *w, int ret)
{
	pr_warn("%s: pipe service unavailable: %d\n", w->conn->t->peer, ret);
	return STATUS_INTERNAL_ERROR;
}

__le32 ksmbd_pipe_create(struct ksmbd_work *w)
{
	const struct smb2_create_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->name_offset), len = le16_to_cpu(req->name_length);
	struct ksmbd_pipe_result res;
	struct smb2_create_rsp *rsp;
	struct ksmbd_file *fp;
	char name[KSMBD_SHARE_NAME_MAX + 1];
	__le32 status;
	int ret;

	if (!len || !ksmbd_req_has(w, off, len) ||
	    ksmbd_utf16_to_utf8(w->req + off, len, name, sizeof(name)) < 0)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	fp = ksmbd_file_alloc(w->sess->id);
	if (!fp)
		return STATUS_INSUFFICIENT_RESOURCES;
	ksmbd_file_link(w->tree, fp);
	ret = ksmbd_ipc_pipe(fp->sess_id, fp->pipe_id, KSMBD_PIPE_OPEN, name, NULL, 0, 0, &res);
	status = ret ? ksmbd_pipe_ipc_failed(w, ret) : res.status;
	if (!ret)
		kfree(res.data);
	if (status == STATUS_SUCCESS) {
		rsp = ksmbd_rsp_body(w, sizeof(*rsp));
		if (rsp) {
			rsp->structure_size = cpu_to_le16(89);
			rsp->create_action = cpu_to_le32(FILE_OPENED);
			rsp->file_attributes = cpu_to_le32(FILE_ATTRIBUTE_NORMAL);
			rsp->persistent_id = cpu_to_le64(fp->persistent_id);
			rsp->volatile_id = cpu_to_le64(fp->volatile_id);
		} else {
			status = STATUS_INSUFFICIENT_RESOURCES;
		}
	}
	if (status != STATUS_SUCCESS)
		ksmbd_file_unlink(w->tree, fp);
	ksmbd_file_put(fp);
	return status;
}

__le32 ksmbd_pipe_write(struct ksmbd_work *w)
{
	const struct smb2_write_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->data_offset);
	u32 len = le32_to_cpu(req->length);
	struct ksmbd_pipe_result res;
	struct ksmbd_file *fp = w->fp;
	struct smb2_write_rsp *rsp;
	__le32 status;
	int ret;

	if (!ksmbd_req_has(w, off, len))
		return STATUS_INVALID_PARAMETER;
	ret = ksmbd_ipc_pipe(fp->sess_id, fp->pipe_id, KSMBD_PIPE_WRITE, NULL, w->req + off, len,
			     0, &res);
	if (ret)
		return ksmbd_pipe_ipc_failed(w, ret);
	kfree(res.data);
	status = res.status;
	if (status != STATUS_SUCCESS)
		return status;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(17);
	rsp->count = cpu_to_le32(len);
	return STATUS_SUCCESS;
}

/* A READ-style answer: @data of @len after the fixed part at 8-aligned offset 80. */
static __le32 ksmbd_read_rsp(struct ksmbd_work *w, const u8 *data, u32 len, __le32 status)
{
	struct smb2_read_rsp *rsp = ksmbd_rsp_body(w, sizeof(*rsp) + len);

	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(17);
	rsp->data_offset = sizeof(struct smb2_hdr) + sizeof(*rsp);
	rsp->data_length = cpu_to_le32(len);
	memcpy(rsp->buffer, data, len);
	return status;
}

__le32 ksmbd_pipe_read(struct ksmbd_work *w)
{
	const struct smb2_read_req *req = (const void *)ksmbd_req_body(w);
	u32 max = min_t(u32, le32_to_cpu(req->length), KSMBD_PIPE_IO_MAX);
	struct ksmbd_pipe_result res;
	struct ksmbd_file *fp = w->fp;
	__le32 status;
	int ret;

	ret = ksmbd_ipc_pipe(fp->sess_id, fp->pipe_id, KSMBD_PIPE_READ, NULL, NULL, 0,
			     max ? max : 1, &res);
	if (ret)
		return ksmbd_pipe_ipc_failed(w, ret);
	status = res.status;
	if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW)
		status = ksmbd_read_rsp(w, res.data, res.len, status);
	kfree(res.data);
	return status;
}

__le32 ksmbd_pipe_transceive(struct ksmbd_work *w, const struct smb2_ioctl *req)
{
	u32 in_off = le32_to_cpu(req->input_offset), in_len = le32_to_cpu(req->input_count);
	u32 max = min_t(u32, le32_to_cpu(req->max_output_response), KSMBD_PIPE_IO_MAX);
	struct ksmbd_pipe_result res;
	struct ksmbd_file *fp;
	__le32 status;
	u8 *out;
	int ret;

	if (!ksmbd_is_pipe_tree(w))
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!ksmbd_req_has(w, in_off, in_len))
		return STATUS_INVALID_PARAMETER;
	status = ksmbd_work_file(w, (const u8 *)&req->persistent_id, &fp);
	if (status != STATUS_SUCCESS)
		return status;
	ret = ksmbd_ipc_pipe(fp->sess_id, fp->pipe_id, KSMBD_PIPE_TRANSACT, NULL, w->req + in_off,
			     in_len, max ? max : 1, &res);
	ksmbd_file_put(fp);
	if (ret)
		return ksmbd_pipe_ipc_failed(w, ret);
	status = res.status;
	if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
		out = ksmbd_ioctl_rsp(w, req, res.len);
		if (out)
			memcpy(out, res.data, res.len);
		else
			status = STATUS_INSUFFICIENT_RESOURCES;
	}
	kfree(res.data);
	return status;
}
