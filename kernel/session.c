// SPDX-License-Identifier: GPL-2.0
/* SMB2 sessions: the node-wide table, channels and key derivation. */
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
#include "file.h"
#include "oplock.h"
#include "smb2.h"
#include "smb_wire.h"

/* Session ids: a random 32-bit start, so ids differ between engine runs. */
static atomic64_t ksmbd_next_session_id = ATOMIC64_INIT(0);

u64 ksmbd_session_new_id(void)
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

/*
 * The node-wide session table (MS-SMB2 GlobalSessionTable), every session's
 * channel list and every connection's channel list (conn->sessions).
 */
static DEFINE_MUTEX(ksmbd_sessions_lock);
#define KSMBD_SESSION_BUCKETS	256
static struct list_head ksmbd_session_table[KSMBD_SESSION_BUCKETS];
static bool ksmbd_session_table_ready;

/* The bucket of @id; ksmbd_sessions_lock held. */
static struct list_head *ksmbd_session_bucket(u64 id)
{
	int i;

	if (!ksmbd_session_table_ready) {
		for (i = 0; i < KSMBD_SESSION_BUCKETS; i++)
			INIT_LIST_HEAD(&ksmbd_session_table[i]);
		ksmbd_session_table_ready = true;
	}
	return &ksmbd_session_table[(id ^ (id >> 8) ^ (id >> 16)) % KSMBD_SESSION_BUCKETS];
}

/* The channel of @sess on @conn; ksmbd_sessions_lock held. */
static struct ksmbd_channel *ksmbd_channel_find(struct ksmbd_session *sess,
						struct ksmbd_conn *conn)
{
	struct ksmbd_channel *ch;

	list_for_each_entry(ch, &sess->channels, sess_node)
		if (ch->conn == conn)
			return ch;
	return NULL;
}

/* A new channel of @sess on @conn; ksmbd_sessions_lock held. */
static struct ksmbd_channel *ksmbd_channel_link(struct ksmbd_session *sess,
						struct ksmbd_conn *conn,
						struct ksmbd_channel *ch)
{
	ch->conn = conn;
	ch->sess = sess;
	list_add_tail(&ch->sess_node, &sess->channels);
	list_add_tail(&ch->conn_node, &conn->sessions);
	return ch;
}

struct ksmbd_session *ksmbd_session_new(struct ksmbd_conn *conn)
{
	struct ksmbd_session *sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	struct ksmbd_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!sess || !ch) {
		kfree(sess);
		kfree(ch);
		return NULL;
	}
	sess->id = ksmbd_session_new_id();
	refcount_set(&sess->refs, 2);	/* the table's and the caller's */
	mutex_init(&sess->lock);
	mutex_init(&sess->tree_lock);
	INIT_LIST_HEAD(&sess->trees);
	INIT_LIST_HEAD(&sess->channels);
	sess->state = KSMBD_SESS_IN_PROGRESS;
	sess->signing_alg = conn->signing_alg;
	sess->dialect = conn->dialect;
	sess->cipher = conn->cipher;
	mutex_lock(&ksmbd_sessions_lock);
	list_add_tail(&sess->node, ksmbd_session_bucket(sess->id));
	ksmbd_channel_link(sess, conn, ch);
	mutex_unlock(&ksmbd_sessions_lock);
	return sess;
}

/* The linked session @id with a reference; ksmbd_sessions_lock held. */
static struct ksmbd_session *ksmbd_session_find(u64 id)
{
	struct ksmbd_session *sess;

	list_for_each_entry(sess, ksmbd_session_bucket(id), node) {
		if (sess->id == id) {
			refcount_inc(&sess->refs);
			return sess;
		}
	}
	return NULL;
}

struct ksmbd_session *ksmbd_session_lookup(u64 id)
{
	struct ksmbd_session *sess;

	mutex_lock(&ksmbd_sessions_lock);
	sess = ksmbd_session_find(id);
	mutex_unlock(&ksmbd_sessions_lock);
	return sess;
}

struct ksmbd_session *ksmbd_session_get(struct ksmbd_conn *conn, u64 id)
{
	struct ksmbd_session *sess;

	mutex_lock(&ksmbd_sessions_lock);
	sess = ksmbd_session_find(id);
	if (sess && !ksmbd_channel_find(sess, conn)) {
		/* Only the table's reference can be left: this one is not the last. */
		refcount_dec(&sess->refs);
		sess = NULL;
	}
	mutex_unlock(&ksmbd_sessions_lock);
	return sess;
}

bool ksmbd_session_has_channel(struct ksmbd_session *sess, struct ksmbd_conn *conn)
{
	bool ret;

	mutex_lock(&ksmbd_sessions_lock);
	ret = ksmbd_channel_find(sess, conn);
	mutex_unlock(&ksmbd_sessions_lock);
	return ret;
}

int ksmbd_session_add_channel(struct ksmbd_session *sess, struct ksmbd_conn *conn,
			      const u8 signing_key[16])
{
	struct ksmbd_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL), *c;
	int n = 0, ret = 0;

	if (!ch)
		return -ENOMEM;
	ch->own_key = true;
	memcpy(ch->signing_key, signing_key, sizeof(ch->signing_key));
	mutex_lock(&ksmbd_sessions_lock);
	list_for_each_entry(c, &sess->channels, sess_node) {
		if (c->conn == conn)
			ret = -EEXIST;
		n++;
	}
	if (!ret && list_empty(&sess->node))
		ret = -ENOENT;
	if (!ret && n >= KSMBD_MAX_CHANNELS)
		ret = -ENOSPC;
	if (!ret)
		ksmbd_channel_link(sess, conn, ch);
	mutex_unlock(&ksmbd_sessions_lock);
	if (ret)
		kfree_sensitive(ch);
	return ret;
}

void ksmbd_session_signing_key(struct ksmbd_session *sess, struct ksmbd_conn *conn,
			       u8 key[16], u16 *alg)
{
	struct ksmbd_channel *ch;

	mutex_lock(&ksmbd_sessions_lock);
	ch = ksmbd_channel_find(sess, conn);
	if (ch && ch->own_key) {
		memcpy(key, ch->signing_key, 16);
		*alg = conn->signing_alg;
	} else {
		memcpy(key, sess->signing_key, 16);
		*alg = ch ? conn->signing_alg : sess->signing_alg;
	}
	mutex_unlock(&ksmbd_sessions_lock);
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

/* Unlink a channel from both lists; ksmbd_sessions_lock held. */
static void ksmbd_channel_unlink(struct ksmbd_channel *ch)
{
	list_del_init(&ch->sess_node);
	list_del_init(&ch->conn_node);
}

void ksmbd_session_unlink(struct ksmbd_conn *conn, struct ksmbd_session *sess)
{
	struct ksmbd_conn *conns[KSMBD_MAX_CHANNELS + 1];
	struct ksmbd_channel *ch, *tmp;
	bool linked;
	int i, n = 0;

	mutex_lock(&ksmbd_sessions_lock);
	linked = !list_empty(&sess->node);
	if (linked)
		list_del_init(&sess->node);
	list_for_each_entry_safe(ch, tmp, &sess->channels, sess_node) {
		/* What waits on the session on any channel ends (3.3.5.6). */
		if (n < (int)ARRAY_SIZE(conns) && ksmbd_conn_tryget(ch->conn))
			conns[n++] = ch->conn;
		ksmbd_channel_unlink(ch);
		kfree_sensitive(ch);
	}
	mutex_unlock(&ksmbd_sessions_lock);
	for (i = 0; i < n; i++) {
		ksmbd_async_cancel_all(conns[i], sess->id, NULL, false);
		ksmbd_conn_put(conns[i]);
	}
	if (linked)
		ksmbd_session_put(sess);
}

/*
 * The opens of @sess whose oplock breaks went to @from go to @to now;
 * ksmbd_sessions_lock held, so @to stays a channel while they move.
 */
static void ksmbd_session_move_opens(struct ksmbd_session *sess, struct ksmbd_conn *from,
				     struct ksmbd_conn *to)
{
	struct ksmbd_tree *tree;
	struct ksmbd_file *fp;

	mutex_lock(&sess->tree_lock);
	list_for_each_entry(tree, &sess->trees, node) {
		mutex_lock(&tree->file_lock);
		list_for_each_entry(fp, &tree->files, node)
			ksmbd_oplock_move_conn(fp, from, to);
		mutex_unlock(&tree->file_lock);
	}
	mutex_unlock(&sess->tree_lock);
}

void ksmbd_session_unlink_all(struct ksmbd_conn *conn)
{
	struct ksmbd_session *sess;
	struct ksmbd_channel *ch, *other;
	bool put;

	for (;;) {
		mutex_lock(&ksmbd_sessions_lock);
		ch = list_first_entry_or_null(&conn->sessions, struct ksmbd_channel, conn_node);
		if (!ch) {
			mutex_unlock(&ksmbd_sessions_lock);
			return;
		}
		sess = ch->sess;
		ksmbd_channel_unlink(ch);
		kfree_sensitive(ch);
		other = list_first_entry_or_null(&sess->channels, struct ksmbd_channel, sess_node);
		put = false;
		if (other) {
			ksmbd_session_move_opens(sess, conn, other->conn);
		} else if (!list_empty(&sess->node)) {
			/* The last channel: the session ends with it. */
			list_del_init(&sess->node);
			put = true;
		}
		mutex_unlock(&ksmbd_sessions_lock);
		if (put)
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
	sess->signing_alg = conn->signing_alg;
	sess->dialect = conn->dialect;
	sess->cipher = conn->cipher;
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
