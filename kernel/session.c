// SPDX-License-Identifier: GPL-2.0
/* SMB2 sessions: the per-connection table and key derivation. */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "crypto_kdf.h"
#include "port.h"
#include "ipc.h"
#include "session.h"
#include "smb2.h"
#include "tree.h"
#include "smb_wire.h"

/* Session ids: a random 32-bit start, so ids differ between engine runs. */
static atomic64_t ksmbd_next_session_id = ATOMIC64_INIT(0);

static u64 ksmbd_session_new_id(void)
{
	u64 id;

	if (!atomic64_read(&ksmbd_next_session_id)) {
		u32 seed;

		get_random_bytes(&seed, sizeof(seed));
		atomic64_cmpxchg(&ksmbd_next_session_id, 0, (s64)seed << 16);
	}
	do {
		id = atomic64_inc_return(&ksmbd_next_session_id);
	} while (!id || id == U64_MAX);
	return id;
}

struct ksmbd_session *ksmbd_session_new(struct ksmbd_conn *conn)
{
	struct ksmbd_session *sess = kzalloc(sizeof(*sess), GFP_KERNEL);

	if (!sess)
		return NULL;
	sess->id = ksmbd_session_new_id();
	refcount_set(&sess->refs, 2);	/* the table's and the caller's */
	mutex_init(&sess->lock);
	mutex_init(&sess->tree_lock);
	INIT_LIST_HEAD(&sess->trees);
	sess->state = KSMBD_SESS_IN_PROGRESS;
	mutex_lock(&conn->sess_lock);
	list_add_tail(&sess->node, &conn->sessions);
	mutex_unlock(&conn->sess_lock);
	return sess;
}

struct ksmbd_session *ksmbd_session_get(struct ksmbd_conn *conn, u64 id)
{
	struct ksmbd_session *sess, *found = NULL;

	mutex_lock(&conn->sess_lock);
	list_for_each_entry(sess, &conn->sessions, node) {
		if (sess->id == id) {
			refcount_inc(&sess->refs);
			found = sess;
			break;
		}
	}
	mutex_unlock(&conn->sess_lock);
	return found;
}

void ksmbd_session_put(struct ksmbd_session *sess)
{
	if (!refcount_dec_and_test(&sess->refs))
		return;
	ksmbd_tree_unlink_all(sess);
	ksmbd_ipc_logout(sess->id);
	mutex_destroy(&sess->tree_lock);
	mutex_destroy(&sess->lock);
	kfree_sensitive(sess);
}

void ksmbd_session_unlink(struct ksmbd_conn *conn, struct ksmbd_session *sess)
{
	bool linked;

	mutex_lock(&conn->sess_lock);
	linked = !list_empty(&sess->node);
	if (linked)
		list_del_init(&sess->node);
	mutex_unlock(&conn->sess_lock);
	if (!linked)
		return;
	/*
	 * What waits on the session ends now: a detached request holds a
	 * reference to it, so its opens would otherwise never close.
	 */
	ksmbd_async_cancel_all(conn, sess->id, NULL, false);
	ksmbd_session_put(sess);
}

void ksmbd_session_unlink_all(struct ksmbd_conn *conn)
{
	struct ksmbd_session *sess;

	for (;;) {
		mutex_lock(&conn->sess_lock);
		sess = list_first_entry_or_null(&conn->sessions, struct ksmbd_session, node);
		if (sess)
			list_del_init(&sess->node);
		mutex_unlock(&conn->sess_lock);
		if (!sess)
			return;
		ksmbd_session_put(sess);
	}
}

int ksmbd_session_derive_keys(struct ksmbd_conn *conn, struct ksmbd_session *sess)
{
	static const u8 cmac_label[] = "SMB2AESCMAC", cmac_ctx[] = "SmbSign";
	static const u8 ccm_label[] = "SMB2AESCCM";
	static const u8 server_in[] = "ServerIn ", server_out[] = "ServerOut";
	static const u8 sign_label[] = "SMBSigningKey";
	static const u8 c2s_label[] = "SMBC2SCipherKey", s2c_label[] = "SMBS2CCipherKey";
	const u8 *key = sess->session_key;
	size_t klen = sizeof(sess->session_key), elen;
	int ret;

	get_random_bytes(sess->nonce_salt, sizeof(sess->nonce_salt));
	atomic64_set(&sess->nonce_counter, 0);
	switch (conn->dialect) {
	case SMB2_DIALECT_0202:
	case SMB2_DIALECT_0210:
		memcpy(sess->signing_key, sess->session_key, sizeof(sess->signing_key));
		return 0;
	case SMB2_DIALECT_0300:
	case SMB2_DIALECT_0302:
		/* 3.0 and 3.0.2 only know AES-128-CCM. */
		ret = ksmbd_crypto_kdf(key, klen, cmac_label, sizeof(cmac_label), cmac_ctx,
				       sizeof(cmac_ctx), sess->signing_key, 16);
		if (!ret)
			ret = ksmbd_crypto_kdf(key, klen, ccm_label, sizeof(ccm_label),
					       server_out, sizeof(server_out),
					       sess->encryption_key, 16);
		if (!ret)
			ret = ksmbd_crypto_kdf(key, klen, ccm_label, sizeof(ccm_label),
					       server_in, sizeof(server_in),
					       sess->decryption_key, 16);
		return ret;
	default:
		/* The AES-256 ciphers take 256-bit keys (L = 256). */
		elen = conn->cipher ? ksmbd_cipher_key_size(conn->cipher) : 16;
		ret = ksmbd_crypto_kdf(key, klen, sign_label, sizeof(sign_label),
				       sess->preauth_hash, sizeof(sess->preauth_hash),
				       sess->signing_key, 16);
		if (!ret)
			ret = ksmbd_crypto_kdf(key, klen, s2c_label, sizeof(s2c_label),
					       sess->preauth_hash, sizeof(sess->preauth_hash),
					       sess->encryption_key, elen);
		if (!ret)
			ret = ksmbd_crypto_kdf(key, klen, c2s_label, sizeof(c2s_label),
					       sess->preauth_hash, sizeof(sess->preauth_hash),
					       sess->decryption_key, elen);
		return ret;
	}
}

bool ksmbd_session_can_encrypt(const struct ksmbd_conn *conn, const struct ksmbd_session *sess)
{
	return conn->dialect >= SMB2_DIALECT_0300 && conn->dialect != SMB2_DIALECT_WILDCARD &&
	       conn->cipher && !sess->guest && !sess->anonymous;
}

void ksmbd_session_nonce(struct ksmbd_session *sess, u16 cipher, u8 nonce[16])
{
	size_t n = ksmbd_cipher_nonce_size(cipher);
	u64 count = atomic64_inc_return(&sess->nonce_counter);

	/* 8 counter bytes, then 3 (CCM) or 4 (GCM) random ones fixed per session. */
	memset(nonce, 0, 16);
	put_unaligned_le64(count, nonce);
	if (n > 8)
		memcpy(nonce + 8, sess->nonce_salt, n - 8);
}
