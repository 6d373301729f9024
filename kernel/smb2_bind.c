// SPDX-License-Identifier: GPL-2.0
/*
 * Multichannel session binding (MS-SMB2 3.3.5.5 with SMB2_SESSION_FLAG_BINDING,
 * 3.3.5.5.2, channel keys of 3.3.5.5.3). A SESSION_SETUP with the binding flag
 * names a session of the node-wide table that this connection is not a
 * channel of yet. Its signature is checked with the session's key and
 * algorithm, the refusals are signed the same way (clients insist), and the
 * authentication legs run in their own context at the peer; when they end
 * with the session's user, the connection becomes a channel with its own
 * signing key: for 3.1.1 derived with the binding exchange's preauth hash.
 *
 * Binding legs are serialised node-wide (ksmbd_bind_lock): binding is rare,
 * and the state of a binding in progress lives in its connection
 * (conn->bind_*), which has room for one at a time.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "conn.h"
#include "crypto_kdf.h"
#include "ipc.h"
#include "port.h"
#include "server.h"
#include "session.h"
#include "smb2.h"
#include "smb2_bind.h"

static DEFINE_MUTEX(ksmbd_bind_lock);

bool ksmbd_multichannel_enabled(void)
{
	return !ksmbd_server_cfg()->no_multichannel;
}

/* Forget the binding in progress on @conn; ksmbd_bind_lock held or @conn dying. */
static void ksmbd_bind_reset(struct ksmbd_conn *conn)
{
	if (conn->bind_auth_id)
		ksmbd_ipc_logout(conn->bind_auth_id);
	conn->bind_auth_id = 0;
	conn->bind_sess_id = 0;
	memzero_explicit(conn->bind_preauth, sizeof(conn->bind_preauth));
}

void ksmbd_bind_conn_gone(struct ksmbd_conn *conn)
{
	if (conn->bind_auth_id)
		ksmbd_bind_reset(conn);
}

/* Channel.SigningKey of a new channel (3.3.5.5.3) from the binding's session key. */
static int ksmbd_bind_channel_key(struct ksmbd_conn *conn, const u8 *session_key, u8 key[16])
{
	static const u8 cmac_label[] = "SMB2AESCMAC", cmac_ctx[] = "SmbSign";
	static const u8 sign_label[] = "SMBSigningKey";

	if (conn->dialect == SMB2_DIALECT_0311)
		return ksmbd_crypto_kdf(session_key, KSMBD_SESSION_KEY_SIZE, sign_label,
					sizeof(sign_label), conn->bind_preauth,
					sizeof(conn->bind_preauth), key, 16);
	return ksmbd_crypto_kdf(session_key, KSMBD_SESSION_KEY_SIZE, cmac_label,
				sizeof(cmac_label), cmac_ctx, sizeof(cmac_ctx), key, 16);
}

/*
 * The checks of 3.3.5.5 for a binding request on a session that exists, in
 * the order Windows applies them (the statuses smb2.session.bind_negative_*
 * expect): signing algorithms first, then dialect family, cipher,
 * multichannel support and dialect.
 */
static __le32 ksmbd_bind_check(struct ksmbd_conn *conn, struct ksmbd_session *sess)
{
	u16 alg = conn->signing_alg;

	if (sess->signing_alg >= SMB2_SIGNING_AES_GMAC && alg != sess->signing_alg)
		return STATUS_REQUEST_OUT_OF_SEQUENCE;
	if (alg >= SMB2_SIGNING_AES_GMAC && alg != sess->signing_alg)
		return STATUS_NOT_SUPPORTED;
	if (conn->dialect < SMB2_DIALECT_0300 || conn->dialect == SMB2_DIALECT_WILDCARD)
		return STATUS_REQUEST_NOT_ACCEPTED;
	if (conn->cipher != sess->cipher)
		return STATUS_INVALID_PARAMETER;
	if (!ksmbd_multichannel_enabled())
		return STATUS_REQUEST_NOT_ACCEPTED;
	if (conn->dialect != sess->dialect)
		return STATUS_INVALID_PARAMETER;
	if (sess->guest || sess->anonymous)
		return STATUS_NOT_SUPPORTED;
	if (ksmbd_session_has_channel(sess, conn))
		return STATUS_REQUEST_NOT_ACCEPTED;
	return STATUS_SUCCESS;
}

/* One authentication leg of the binding; ksmbd_bind_lock and sess->lock held. */
static __le32 ksmbd_bind_leg(struct ksmbd_work *w, struct ksmbd_session *sess,
			     const u8 *blob, u16 len)
{
	struct ksmbd_conn *conn = w->conn;
	bool v311 = conn->dialect == SMB2_DIALECT_0311;
	struct ksmbd_login login;
	__le32 status;
	u8 key[16];
	int ret;

	if (conn->bind_sess_id != sess->id || !conn->bind_auth_id) {
		/* A new binding: its own authentication context at the peer. */
		ksmbd_bind_reset(conn);
		conn->bind_sess_id = sess->id;
		conn->bind_auth_id = ksmbd_session_new_id();
		memcpy(conn->bind_preauth, conn->preauth_hash, sizeof(conn->bind_preauth));
	}
	if (v311 && ksmbd_preauth_add(conn->bind_preauth, w->req, w->req_len))
		return STATUS_INSUFFICIENT_RESOURCES;
	ret = ksmbd_ipc_login(conn->bind_auth_id, conn->t->peer, blob, len, &login);
	if (ret) {
		pr_warn("%s: authentication unavailable: %d\n", conn->t->peer, ret);
		ksmbd_bind_reset(conn);
		return STATUS_NO_LOGON_SERVERS;
	}
	if (login.status == STATUS_MORE_PROCESSING_REQUIRED) {
		status = ksmbd_session_setup_rsp(w, sess, &login, login.status);
		if (status == login.status) {
			/*
			 * Signed now with the session's key, and hashed as
			 * the client will hash it: as sent.
			 */
			if (ksmbd_smb2_sign_session(conn, sess, w->rsp, w->rsp_len) ||
			    (v311 && ksmbd_preauth_add(conn->bind_preauth, w->rsp, w->rsp_len)))
				status = STATUS_INSUFFICIENT_RESOURCES;
			w->sign = false;
		}
		if (status != login.status)
			ksmbd_bind_reset(conn);
		ksmbd_login_release(&login);
		return status;
	}
	if (login.status != STATUS_SUCCESS) {
		status = login.status;
		goto out;
	}
	/* 3.3.5.5.3: only the session's own user may bind a channel to it. */
	if ((login.flags & (KSMBD_LOGIN_GUEST | KSMBD_LOGIN_ANONYMOUS)) ||
	    strcmp(login.user, sess->user)) {
		pr_info("%s: binding to session 0x%llx refused: another user\n",
			conn->t->peer, sess->id);
		status = STATUS_ACCESS_DENIED;
		goto out;
	}
	status = STATUS_INSUFFICIENT_RESOURCES;
	if (ksmbd_bind_channel_key(conn, login.session_key, key))
		goto out;
	ret = ksmbd_session_add_channel(sess, conn, key);
	memzero_explicit(key, sizeof(key));
	if (ret == -EEXIST) {
		status = STATUS_REQUEST_NOT_ACCEPTED;
	} else if (ret == -ENOENT) {
		status = STATUS_USER_SESSION_DELETED;
	} else if (ret) {
		status = STATUS_INSUFFICIENT_RESOURCES;
	} else {
		/* The final response is signed with the new channel's key. */
		status = ksmbd_session_setup_rsp(w, sess, &login, STATUS_SUCCESS);
		w->sign = true;
		w->sign_session_key = false;
		pr_debug("%s: bound to session 0x%llx\n", conn->t->peer, sess->id);
	}
out:
	ksmbd_login_release(&login);
	ksmbd_bind_reset(conn);
	return status;
}

__le32 ksmbd_smb2_session_bind(struct ksmbd_work *w, const u8 *blob, u16 len)
{
	struct ksmbd_conn *conn = w->conn;
	u64 id = le64_to_cpu(w->hdr->session_id);
	bool signed_req = w->hdr->flags & SMB2_FLAGS_SIGNED;
	struct ksmbd_session *sess;
	__le32 status;

	sess = id ? ksmbd_session_lookup(id) : NULL;
	if (!sess || READ_ONCE(sess->state) != KSMBD_SESS_VALID) {
		/* Clients skip the signature of this status but want the flag. */
		w->mark_signed = signed_req;
		if (!sess)
			return STATUS_USER_SESSION_DELETED;
		ksmbd_session_put(sess);
		return STATUS_REQUEST_NOT_ACCEPTED;
	}
	if (!signed_req || w->transform_sess_id) {
		ksmbd_session_put(sess);
		return STATUS_INVALID_PARAMETER;
	}
	/* The channel's key if this is one already, else the session's (3.3.5.2.4). */
	if (!ksmbd_smb2_verify(conn, sess, w->req, w->req_len)) {
		/*
		 * Unverified: signed only on a connection that is a channel
		 * already (authenticated; the client checks the refusal with
		 * the session's key), never for a stranger.
		 */
		if (!ksmbd_session_has_channel(sess, conn)) {
			ksmbd_session_put(sess);
			return STATUS_ACCESS_DENIED;
		}
		status = STATUS_ACCESS_DENIED;
	} else {
		status = STATUS_SUCCESS;
	}
	/*
	 * Refusals are signed with the session's own key and algorithm,
	 * which the client's new channel uses until it has its own key.
	 */
	w->sess = sess;
	w->sign = true;
	w->sign_session_key = true;
	if (status != STATUS_SUCCESS)
		return status;
	status = ksmbd_bind_check(conn, sess);
	if (status != STATUS_SUCCESS)
		return status;
	mutex_lock(&ksmbd_bind_lock);
	mutex_lock(&sess->lock);
	status = ksmbd_bind_leg(w, sess, blob, len);
	mutex_unlock(&sess->lock);
	mutex_unlock(&ksmbd_bind_lock);
	return status;
}
