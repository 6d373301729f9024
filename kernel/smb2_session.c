// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 SESSION_SETUP (MS-SMB2 3.3.5.5) and LOGOFF (3.3.5.6). The security
 * blobs are relayed to the peer (ksmbd-mountd) one leg at a time; only the
 * session key and the identity come back, so no password hash ever enters the
 * engine.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "conn.h"
#include "ipc.h"
#include "port.h"
#include "server.h"
#include "session.h"
#include "smb2.h"
#include "smb2_bind.h"

int ksmbd_preauth_add(u8 *hash, const void *msg, size_t len)
{
	struct kvec iov[2] = {
		{ .iov_base = hash, .iov_len = 64 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};

	return ksmbd_crypto_hash(KSMBD_HASH_SHA512, iov, 2, hash);
}

/* The SESSION_SETUP response body for @sess with the peer's @blob. */
__le32 ksmbd_session_setup_rsp(struct ksmbd_work *w, struct ksmbd_session *sess,
			       const struct ksmbd_login *login, __le32 status)
{
	struct smb2_sess_setup_rsp *rsp;
	struct smb2_hdr *hdr;
	u16 flags = 0;

	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + login->blob_len);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	hdr = (struct smb2_hdr *)w->rsp;
	hdr->session_id = cpu_to_le64(sess->id);
	hdr->status = status;
	if (status == STATUS_SUCCESS) {
		if (sess->anonymous)
			flags |= SMB2_SESSION_FLAG_IS_NULL;
		else if (sess->guest)
			flags |= SMB2_SESSION_FLAG_IS_GUEST;
		if (sess->encrypt_data)
			flags |= SMB2_SESSION_FLAG_ENCRYPT_DATA;
	}
	rsp->structure_size = cpu_to_le16(9);
	rsp->session_flags = cpu_to_le16(flags);
	rsp->security_buffer_offset = cpu_to_le16(sizeof(*hdr) + sizeof(*rsp));
	rsp->security_buffer_length = cpu_to_le16(login->blob_len);
	if (login->blob_len)
		memcpy(rsp->buffer, login->blob, login->blob_len);
	return status;
}

/*
 * MS-SMB2 3.3.5.5.3, smb encrypt: with "desired" or "required" a session of
 * a client that can encrypt (an SMB 3.x dialect and a cipher in common) is
 * told to encrypt everything; with "required" every other session is refused,
 * and so are guest and anonymous ones, whose keys protect nothing.
 */
static __le32 ksmbd_session_encryption(struct ksmbd_conn *conn, struct ksmbd_session *sess)
{
	u8 policy = ksmbd_server_cfg()->encryption;
	bool can = ksmbd_session_can_encrypt(conn, sess);

	if (policy == KSMBD_ENCRYPTION_REQUIRED && !can) {
		pr_info("%s: session refused: smb encrypt = required and it cannot encrypt\n",
			conn->t->peer);
		return STATUS_ACCESS_DENIED;
	}
	sess->encrypt_data = can && (policy == KSMBD_ENCRYPTION_REQUIRED ||
				     policy == KSMBD_ENCRYPTION_DESIRED);
	sess->reject_unencrypted = sess->encrypt_data && policy == KSMBD_ENCRYPTION_REQUIRED;
	return STATUS_SUCCESS;
}

/* The last leg succeeded: keys, flags, and whether responses must be signed. */
static __le32 ksmbd_session_established(struct ksmbd_work *w, struct ksmbd_session *sess,
					const struct ksmbd_login *login, u8 client_mode, u64 prev_id)
{
	struct ksmbd_conn *conn = w->conn;
	bool client_requires;
	__le32 status;

	strscpy(sess->user, login->user, sizeof(sess->user));
	sess->guest = login->flags & KSMBD_LOGIN_GUEST;
	sess->anonymous = login->flags & KSMBD_LOGIN_ANONYMOUS;
	if (sess->state == KSMBD_SESS_VALID) {
		/*
		 * Reauthentication (3.3.5.5.3): the identity may change, the
		 * keys and the signing rules of the session do not.
		 */
		w->sign = sess->signing_required || conn->dialect == SMB2_DIALECT_0311;
		pr_debug("%s: session 0x%llx reauthenticated as %s\n", conn->t->peer, sess->id,
			 sess->anonymous ? "anonymous" : sess->user);
		return STATUS_SUCCESS;
	}
	memcpy(sess->session_key, login->session_key, sizeof(sess->session_key));
	if (ksmbd_session_derive_keys(conn, sess))
		return STATUS_INSUFFICIENT_RESOURCES;
	status = ksmbd_session_encryption(conn, sess);
	if (status != STATUS_SUCCESS)
		return status;
	client_requires = (client_mode | conn->client_security_mode) &
			  SMB2_NEGOTIATE_SIGNING_REQUIRED;
	sess->signing_required = !sess->guest && !sess->anonymous &&
		(client_requires || ksmbd_server_cfg()->signing == KSMBD_SIGNING_MANDATORY);
	sess->state = KSMBD_SESS_VALID;
	/* A reconnecting client names its previous session: it goes (3.3.5.5.3). */
	if (prev_id && prev_id != sess->id && !sess->guest && !sess->anonymous)
		ksmbd_conn_logoff_previous(prev_id, sess->user);
	/* MS-SMB2 3.3.5.5.3: 3.1.1 signs the final response of a real user. */
	w->sign = sess->signing_required ||
		  (conn->dialect == SMB2_DIALECT_0311 && !sess->guest && !sess->anonymous);
	pr_debug("%s: session 0x%llx for %s%s\n", conn->t->peer, sess->id,
		 sess->anonymous ? "anonymous" : sess->user, sess->guest ? " (guest)" : "");
	return STATUS_SUCCESS;
}

/* Run one leg on @sess (locked); the status for the client. */
static __le32 ksmbd_session_leg(struct ksmbd_work *w, struct ksmbd_session *sess,
				const struct smb2_sess_setup_req *req, const u8 *blob, u16 len)
{
	struct ksmbd_conn *conn = w->conn;
	struct ksmbd_login login;
	__le32 status;
	int ret;

	if (conn->dialect == SMB2_DIALECT_0311 && sess->state != KSMBD_SESS_VALID &&
	    ksmbd_preauth_add(sess->preauth_hash, w->req, w->req_len))
		return STATUS_INSUFFICIENT_RESOURCES;
	ret = ksmbd_ipc_login(sess->id, conn->t->peer, blob, len, &login);
	if (ret) {
		pr_warn("%s: authentication unavailable: %d\n", conn->t->peer, ret);
		return STATUS_NO_LOGON_SERVERS;
	}
	if (login.status == STATUS_MORE_PROCESSING_REQUIRED) {
		status = ksmbd_session_setup_rsp(w, sess, &login, login.status);
		if (status == login.status && conn->dialect == SMB2_DIALECT_0311 &&
		    sess->state != KSMBD_SESS_VALID &&
		    ksmbd_preauth_add(sess->preauth_hash, w->rsp, w->rsp_len))
			status = STATUS_INSUFFICIENT_RESOURCES;
	} else if (login.status == STATUS_SUCCESS) {
		status = ksmbd_session_established(w, sess, &login, req->security_mode,
						   le64_to_cpu(req->previous_session_id));
		if (status == STATUS_SUCCESS)
			status = ksmbd_session_setup_rsp(w, sess, &login, STATUS_SUCCESS);
	} else {
		status = login.status;
	}
	ksmbd_login_release(&login);
	return status;
}

/*
 * A SESSION_SETUP naming a valid session reauthenticates it: the request must
 * be as authentic as any other on the session.
 */
static __le32 ksmbd_reauth_check(struct ksmbd_work *w, struct ksmbd_session *sess)
{
	if (READ_ONCE(sess->state) != KSMBD_SESS_VALID)
		return STATUS_SUCCESS;
	return ksmbd_smb2_check_signed(w, sess);
}

__le32 ksmbd_smb2_session_setup(struct ksmbd_work *w)
{
	const struct smb2_sess_setup_req *req = (const void *)ksmbd_req_body(w);
	struct ksmbd_conn *conn = w->conn;
	u16 off = le16_to_cpu(req->security_buffer_offset);
	u16 len = le16_to_cpu(req->security_buffer_length);
	u64 id = le64_to_cpu(w->hdr->session_id);
	struct ksmbd_session *sess;
	__le32 status;

	if (len && !ksmbd_req_has(w, off, len))
		return STATUS_INVALID_PARAMETER;
	/* Multichannel: a new channel for a session of another connection. */
	if (req->flags & SMB2_SESSION_FLAG_BINDING)
		return ksmbd_smb2_session_bind(w, w->req + off, len);
	if (id) {
		sess = ksmbd_session_get(conn, id);
		if (!sess) {
			/*
			 * Not a session of this connection (perhaps of another):
			 * clients skip this status's signature but want the flag.
			 */
			w->mark_signed = w->hdr->flags & SMB2_FLAGS_SIGNED;
			return STATUS_USER_SESSION_DELETED;
		}
		status = ksmbd_reauth_check(w, sess);
		if (status != STATUS_SUCCESS) {
			/*
			 * A signed refusal, with the session's own key: a
			 * client reauthenticating on a channel checks it so.
			 */
			if ((w->hdr->flags & SMB2_FLAGS_SIGNED) && !w->transform_sess_id) {
				w->sess = sess;
				w->sign = true;
				w->sign_session_key = true;
				return status;
			}
			ksmbd_session_put(sess);
			return status;
		}
	} else {
		sess = ksmbd_session_new(conn);
		if (!sess)
			return STATUS_INSUFFICIENT_RESOURCES;
		memcpy(sess->preauth_hash, conn->preauth_hash, sizeof(sess->preauth_hash));
	}

	mutex_lock(&sess->lock);
	status = ksmbd_session_leg(w, sess, req, w->req + off, len);
	mutex_unlock(&sess->lock);

	if (status == STATUS_SUCCESS && w->sign) {
		w->sess = sess;		/* the framework signs with it, then puts it */
		return status;
	}
	/*
	 * A failed authentication removes the session (MS-SMB2 3.3.5.5.3); so
	 * does a failed reauthentication, whose identity can no longer be trusted.
	 */
	if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED)
		ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
	return status;
}

__le32 ksmbd_smb2_logoff(struct ksmbd_work *w)
{
	struct smb2_logoff *rsp;

	/* The framework found a valid session for this request. */
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(4);
	/* w->sess keeps it alive until the response is signed. */
	/* Every channel goes, and what waits on the session ends (MS-SMB2 3.3.5.6). */
	ksmbd_session_unlink(w->conn, w->sess);
	return STATUS_SUCCESS;
}
