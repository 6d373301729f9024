// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 TREE_CONNECT (MS-SMB2 3.3.5.7) and TREE_DISCONNECT (3.3.5.8). The
 * share name is checked against the configuration by the peer
 * (KSMBD_CMD_TREE_CONNECT); the engine opens the share root it names.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "conn.h"
#include "ipc.h"
#include "session.h"
#include "smb2.h"
#include "tree.h"
#include "unicode.h"

/* Room for "\\server\share" in UTF-8. */
#define KSMBD_UNC_MAX	(2 * KSMBD_SHARE_NAME_MAX + 8)

/* The share component of a "\\server\share" path, or NULL when malformed. */
static const char *ksmbd_unc_share(const char *unc)
{
	const char *share;

	if (unc[0] != '\\' || unc[1] != '\\')
		return NULL;
	share = strchr(unc + 2, '\\');
	if (!share || share == unc + 2 || !share[1] || strchr(share + 1, '\\'))
		return NULL;
	return share + 1;
}

static __le32 ksmbd_tree_rsp(struct ksmbd_work *w, const struct ksmbd_tree *tree)
{
	bool encrypt = (tree->flags & KSMBD_SHARE_ENCRYPT) &&
		       ksmbd_session_can_encrypt(w->conn, w->sess);
	struct smb2_tree_connect_rsp *rsp = ksmbd_rsp_body(w, sizeof(*rsp));

	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	((struct smb2_hdr *)w->rsp)->tree_id = cpu_to_le32(tree->id);
	rsp->structure_size = cpu_to_le16(16);
	if (tree->flags & KSMBD_SHARE_IPC) {
		rsp->share_type = SMB2_SHARE_TYPE_PIPE;
		rsp->share_flags = cpu_to_le32(SMB2_SHAREFLAG_NO_CACHING);
		rsp->maximal_access = cpu_to_le32(FILE_ALL_ACCESS);
	} else {
		rsp->share_type = SMB2_SHARE_TYPE_DISK;
		rsp->maximal_access = cpu_to_le32(tree->flags & KSMBD_SHARE_READONLY ?
						  FILE_GENERIC_READ_EXECUTE : FILE_ALL_ACCESS);
	}
	/* Share.DoAccessBasedDirectoryEnumeration (MS-SMB2 3.3.5.7, 3.3.5.18) */
	if (tree->flags & KSMBD_SHARE_HIDE_UNREADABLE)
		rsp->share_flags |= cpu_to_le32(SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM);
	/*
	 * Share.IsCA (3.3.5.7): persistent handles (durable.h) on 3.x; the
	 * handles survive a connection drop, not yet a node failure.
	 */
	if ((tree->flags & KSMBD_SHARE_CONTINUOUS_AVAILABILITY) &&
	    w->conn->dialect >= SMB2_DIALECT_0300 && w->conn->dialect != SMB2_DIALECT_WILDCARD)
		rsp->capabilities |= cpu_to_le32(SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY);
	/* Share.EncryptData (MS-SMB2 3.3.5.7): the client encrypts on this tree. */
	if (encrypt)
		rsp->share_flags |= cpu_to_le32(SMB2_SHAREFLAG_ENCRYPT_DATA);
	return STATUS_SUCCESS;
}

__le32 ksmbd_smb2_tree_connect(struct ksmbd_work *w)
{
	const struct smb2_tree_connect_req *req = (const void *)ksmbd_req_body(w);
	struct ksmbd_session *sess = w->sess;
	struct ksmbd_share_info info;
	struct ksmbd_tree *tree;
	const char *share;
	u16 off = le16_to_cpu(req->path_offset), len = le16_to_cpu(req->path_length);
	u32 login_flags;
	__le32 status;
	char *unc;
	int ret;

	if (le16_to_cpu(req->flags) & SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT)
		return STATUS_NOT_SUPPORTED;	/* tree connect contexts: not yet */
	if (!len || !ksmbd_req_has(w, off, len))
		return STATUS_INVALID_PARAMETER;
	unc = kmalloc(KSMBD_UNC_MAX, GFP_KERNEL);
	if (!unc)
		return STATUS_INSUFFICIENT_RESOURCES;
	ret = ksmbd_utf16_to_utf8(w->req + off, len, unc, KSMBD_UNC_MAX);
	share = ret < 0 ? NULL : ksmbd_unc_share(unc);
	if (!share) {
		status = ret == -ENAMETOOLONG ? STATUS_BAD_NETWORK_NAME : STATUS_INVALID_PARAMETER;
		goto out;
	}
	login_flags = (sess->guest ? KSMBD_LOGIN_GUEST : 0) |
		      (sess->anonymous ? KSMBD_LOGIN_ANONYMOUS : 0);
	ret = ksmbd_ipc_tree_connect(sess->id, sess->user, login_flags, w->conn->t->peer,
				     share, &info);
	if (ret) {
		pr_warn("%s: share lookup unavailable: %d\n", w->conn->t->peer, ret);
		status = STATUS_INTERNAL_ERROR;
		goto out;
	}
	status = info.status;
	/* 3.3.5.7: a share that requires encryption refuses sessions that cannot. */
	if (status == STATUS_SUCCESS && (info.flags & KSMBD_SHARE_ENCRYPT_REQUIRED) &&
	    !ksmbd_session_can_encrypt(w->conn, sess)) {
		pr_info("%s: share %s requires encryption, the session cannot encrypt\n",
			w->conn->t->peer, share);
		status = STATUS_ACCESS_DENIED;
	}
	if (status == STATUS_SUCCESS) {
		ret = ksmbd_tree_new(sess, share, info.flags,
				     info.flags & KSMBD_SHARE_IPC ? NULL : info.path, &tree);
		if (ret) {
			pr_warn("share %s: cannot open its path: %d\n", share, ret);
			status = STATUS_BAD_NETWORK_NAME;
		} else {
			status = ksmbd_tree_rsp(w, tree);
			if (status != STATUS_SUCCESS)
				ksmbd_tree_unlink(sess, tree);
			ksmbd_tree_put(tree);
		}
	}
	kfree(info.path);
out:
	kfree(unc);
	return status;
}

__le32 ksmbd_smb2_tree_disconnect(struct ksmbd_work *w)
{
	struct smb2_logoff *rsp = ksmbd_rsp_body(w, sizeof(*rsp));

	/* The TREE_DISCONNECT response has the LOGOFF layout. */
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(4);
	ksmbd_tree_unlink(w->sess, w->tree);
	/* What waits on the tree ends now (MS-SMB2 3.3.5.8). */
	ksmbd_async_cancel_all(w->conn, 0, w->tree, false);
	return STATUS_SUCCESS;
}
