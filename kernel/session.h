/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2 sessions (MS-SMB2 3.3.1.8) and their channels (3.3.1.14).
 *
 * Lifetime: ksmbd_session_new() links a session into the node-wide session
 * table (GlobalSessionTable), which owns one reference, and gives it its
 * first channel: the connection it was created on. Binding (multichannel,
 * smb2_bind.c) adds channels on other connections. Lookups take a reference
 * (ksmbd_session_get/put) and find a session only from a connection that is
 * one of its channels. ksmbd_session_unlink() (LOGOFF, a failed
 * authentication, a PreviousSessionId) removes the session from the table and
 * all of its channels and drops the table's reference; the last put frees it
 * and tells the peer to forget its authentication context. Connection
 * teardown (ksmbd_session_unlink_all) removes that connection's channels; a
 * session whose last channel goes is unlinked, the others live on, and their
 * opens' oplock breaks go to a remaining channel. Requests holding references
 * finish first.
 *
 * Locking: ksmbd_sessions_lock (session.c) protects the table, every
 * session's channel list and every connection's channel list (conn->sessions).
 */
#ifndef KSMBD_SESSION_H
#define KSMBD_SESSION_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <uapi/ksmbd_cluster.h>

struct ksmbd_conn;
struct ksmbd_session;

/* One connection bound to a session (MS-SMB2 3.3.1.14 Channel). */
struct ksmbd_channel {
	struct list_head sess_node;	/* sess->channels */
	struct list_head conn_node;	/* conn->sessions */
	struct ksmbd_conn *conn;	/* no reference: removed before conn is freed */
	struct ksmbd_session *sess;	/* no reference: removed before sess is freed */
	/*
	 * Channel.SigningKey of a bound channel (3.x); the first channel
	 * signs with the session's key (own_key false).
	 */
	bool own_key;
	u8 signing_key[16];
};

enum ksmbd_session_state {
	KSMBD_SESS_IN_PROGRESS,
	KSMBD_SESS_VALID,
};

struct ksmbd_session {
	u64 id;
	struct list_head node;		/* the session table, under ksmbd_sessions_lock */
	struct list_head channels;	/* struct ksmbd_channel, same lock */
	refcount_t refs;
	struct mutex lock;		/* serialises SESSION_SETUP legs */
	/* Written under lock by SESSION_SETUP; read once state is VALID. */
	enum ksmbd_session_state state;
	u8 preauth_hash[64];
	u8 session_key[KSMBD_SESSION_KEY_SIZE];
	u8 signing_key[16];
	/*
	 * MS-SMB2 3.3.1.8: EncryptionKey (server to client) and DecryptionKey
	 * (client to server), ksmbd_cipher_key_size(conn->cipher) bytes.
	 */
	u8 encryption_key[32];
	u8 decryption_key[32];
	bool signing_required;
	/*
	 * The first channel's signing algorithm and dialect, for binding
	 * requests that come on connections that are not channels yet.
	 */
	u16 signing_alg, dialect, cipher;
	bool encrypt_data;		/* Session.EncryptData: told to the client */
	bool reject_unencrypted;	/* smb encrypt = required */
	/* Transform nonces: a per-session counter, then random bytes. */
	atomic64_t nonce_counter;
	u8 nonce_salt[4];
	bool guest, anonymous;
	char user[KSMBD_USER_NAME_MAX + 1];

	struct mutex tree_lock;		/* protects trees and next_tree_id */
	struct list_head trees;		/* struct ksmbd_tree, see tree.h */
	u32 next_tree_id;
};

struct ksmbd_session *ksmbd_session_new(struct ksmbd_conn *conn);
/* A fresh node-wide unique id (sessions, binding authentication contexts). */
u64 ksmbd_session_new_id(void);
/* The session @id with a reference when @conn is one of its channels, or NULL. */
struct ksmbd_session *ksmbd_session_get(struct ksmbd_conn *conn, u64 id);
/* The session @id with a reference, whatever connection it is on, or NULL. */
struct ksmbd_session *ksmbd_session_lookup(u64 id);
void ksmbd_session_put(struct ksmbd_session *sess);
/*
 * End @sess (idempotent): remove it from the table and from every channel,
 * cancel what waits on it on each channel's connection, and drop the table's
 * reference. @conn is unused (every channel goes).
 */
void ksmbd_session_unlink(struct ksmbd_conn *conn, struct ksmbd_session *sess);
/*
 * Connection teardown: remove @conn's channels; a session left without a
 * channel is unlinked.
 */
void ksmbd_session_unlink_all(struct ksmbd_conn *conn);
/* Whether @conn is a channel of @sess. */
bool ksmbd_session_has_channel(struct ksmbd_session *sess, struct ksmbd_conn *conn);
/*
 * Make @conn a channel of @sess with @signing_key (a bound channel).
 * -EEXIST when it is one already, -ENOSPC past KSMBD_MAX_CHANNELS,
 * -ENOENT when the session has been unlinked meanwhile.
 */
int ksmbd_session_add_channel(struct ksmbd_session *sess, struct ksmbd_conn *conn,
			      const u8 signing_key[16]);
/*
 * The key and algorithm that sign messages of @sess on @conn (MS-SMB2
 * 3.3.4.1.1, 3.3.5.2.4): the channel's own key on a bound channel, else the
 * session's key with the algorithm of @conn when it is the first channel, or
 * with the session's own algorithm on a connection that is not a channel (a
 * binding request and its answers).
 */
void ksmbd_session_signing_key(struct ksmbd_session *sess, struct ksmbd_conn *conn,
			       u8 key[16], u16 *alg);
/* Channels one session may have (Windows allows 32). */
#define KSMBD_MAX_CHANNELS	32
/*
 * Derive the signing key and, for SMB 3.x, the encryption and decryption keys
 * once the session key is known (MS-SMB2 3.3.5.5.3).
 */
int ksmbd_session_derive_keys(struct ksmbd_conn *conn, struct ksmbd_session *sess);
/*
 * Whether @sess can encrypt: an SMB 3.x dialect, a cipher in common, and a
 * real user (the keys of guest and anonymous sessions protect nothing).
 */
bool ksmbd_session_can_encrypt(const struct ksmbd_conn *conn, const struct ksmbd_session *sess);
/*
 * A fresh 16-byte TRANSFORM_HEADER nonce field for a message @sess encrypts
 * with @cipher: the first 11 (CCM) or 12 (GCM) bytes are used, the rest is
 * zero. Never the same twice for one session key (a 64-bit counter).
 */
void ksmbd_session_nonce(struct ksmbd_session *sess, u16 cipher, u8 nonce[16]);

#endif
