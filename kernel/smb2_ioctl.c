// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 IOCTL (MS-SMB2 3.3.5.15): FSCTL dispatch and the response layout the
 * FSCTLs share. FSCTL_VALIDATE_NEGOTIATE_INFO (smb2_negotiate.c) needs no
 * open; FSCTL_PIPE_TRANSCEIVE (smb2_pipe.c) works on IPC$; every other FSCTL
 * names an open first, so an unknown FileId is STATUS_FILE_CLOSED whatever
 * the control code.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "file.h"
#include "fsctl.h"
#include "port.h"
#include "smb2.h"
#include "smb2_bind.h"
#include "tree.h"

/* FILE_OBJECTID_BUFFER (MS-FSCC 2.1.3): object id, birth volume, birth object, domain. */
#define KSMBD_OBJECTID_BUFFER_SIZE	64

/*
 * The response's fixed part is 48 bytes (MS-SMB2 2.2.32: the request's
 * fields up to Flags/Reserved2 in other roles); the output follows it at
 * once, as Windows and Samba place it. Clients check the size of what
 * follows exactly: smbtorture takes a copychunk failure's
 * SRV_COPYCHUNK_RESPONSE only when exactly its 12 bytes follow.
 */
#define KSMBD_IOCTL_RSP_FIXED	48

void *ksmbd_ioctl_rsp(struct ksmbd_work *w, const struct smb2_ioctl *req, u32 out_len)
{
	struct smb2_ioctl *rsp = ksmbd_rsp_body(w, KSMBD_IOCTL_RSP_FIXED + out_len);

	if (!rsp)
		return NULL;
	rsp->structure_size = cpu_to_le16(49);
	rsp->ctl_code = req->ctl_code;
	rsp->persistent_id = req->persistent_id;
	rsp->volatile_id = req->volatile_id;
	/* Response fields: InputOffset, InputCount, OutputOffset, OutputCount. */
	rsp->input_offset = cpu_to_le32(sizeof(struct smb2_hdr) + KSMBD_IOCTL_RSP_FIXED);
	rsp->max_input_response = rsp->input_offset;
	rsp->output_offset = cpu_to_le32(out_len);
	return (u8 *)rsp + KSMBD_IOCTL_RSP_FIXED;
}

/*
 * FSCTL_CREATE_OR_GET_OBJECT_ID and FSCTL_GET_OBJECT_ID (MS-FSCC 2.3.8, 2.3.22):
 * the object id is the file's identity (inode and device), stable for its
 * life and the same from every open, so nothing has to be stored.
 */
static __le32 ksmbd_fsctl_object_id(struct ksmbd_work *w, const struct smb2_ioctl *req,
				    struct ksmbd_file *fp)
{
	struct ksmbd_vfs_stat st;
	u8 *out;
	int ret;

	if (le32_to_cpu(req->max_output_response) < KSMBD_OBJECTID_BUFFER_SIZE)
		return STATUS_BUFFER_TOO_SMALL;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret)
		return ksmbd_errno_status(ret);
	out = ksmbd_ioctl_rsp(w, req, KSMBD_OBJECTID_BUFFER_SIZE);
	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	put_unaligned_le64(st.ino, out);
	put_unaligned_le64(st.dev, out + 8);
	/* The birth object id is the object id: files do not move between volumes here. */
	memcpy(out + 32, out, 16);
	return STATUS_SUCCESS;
}

__le32 ksmbd_smb2_ioctl(struct ksmbd_work *w)
{
	const struct smb2_ioctl *req = (const void *)ksmbd_req_body(w);
	struct ksmbd_file *fp;
	__le32 status;

	if (!(le32_to_cpu(req->flags) & SMB2_0_IOCTL_IS_FSCTL))
		return STATUS_NOT_SUPPORTED;
	switch (le32_to_cpu(req->ctl_code)) {
	case FSCTL_PIPE_TRANSCEIVE:
		return ksmbd_pipe_transceive(w, req);
	case FSCTL_VALIDATE_NEGOTIATE_INFO:
		return ksmbd_validate_negotiate(w, req);
	case FSCTL_QUERY_NETWORK_INTERFACE_INFO:
		/*
		 * This FSCTL names no open: clients send an all-ones FileId;
		 * another one is STATUS_INVALID_PARAMETER, as Samba answers
		 * and smb2.ioctl.bug14788.NETWORK_INTERFACE expects.
		 */
		if (req->persistent_id != cpu_to_le64(U64_MAX) ||
		    req->volatile_id != cpu_to_le64(U64_MAX))
			return STATUS_INVALID_PARAMETER;
		return ksmbd_fsctl_query_interfaces(w, req);
	}
	status = ksmbd_work_file(w, (const u8 *)&req->persistent_id, &fp);
	if (status != STATUS_SUCCESS)
		return status;
	switch (le32_to_cpu(req->ctl_code)) {
	case FSCTL_CREATE_OR_GET_OBJECT_ID:
	case FSCTL_GET_OBJECT_ID:
		status = fp->vfs ? ksmbd_fsctl_object_id(w, req, fp) :
				   STATUS_INVALID_DEVICE_REQUEST;
		break;
	case FSCTL_SRV_REQUEST_RESUME_KEY:
		status = ksmbd_fsctl_resume_key(w, req, fp);
		break;
	case FSCTL_SRV_COPYCHUNK:
	case FSCTL_SRV_COPYCHUNK_WRITE:
		status = ksmbd_fsctl_copychunk(w, req, fp);
		break;
	default:
		status = ksmbd_fsctl_file(w, req, fp);
		break;
	}
	ksmbd_file_put(fp);
	return status;
}
