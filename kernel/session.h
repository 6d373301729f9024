/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2 sessions (MS-SMB2 3.3.1.8).
 *
 * Lifetime: ksmbd_session_new() links a session into its connection's list
 * with one reference owned by that list. Lookups take a reference
 * (ksmbd_session_get/put). ksmbd_session_unlink() (LOGOFF, a failed
 * authentication, connection teardown) removes it from the list and drops the
 * list's reference; the last put frees it and tells the peer to forget its
 * authentication context. A session never outlives its connection: the
 * connection unlinks all of its sessions before it is freed, and requests
 * holding references finish first.
 */
#ifndef KSMBD_SESSION_H
#define KSMBD_SESSION_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <uapi/ksmbd_cluster.h>
#include "smb_acl.h"

struct ksmbd_conn;

enum ksmbd_session_state {
	KSMBD_SESS_IN_PROGRESS,
	KSMBD_SESS_VALID,
};

struct ksmbd_session {
	u64 id;
	struct list_head node;		/* conn->sessions, under conn->sess_lock */
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
	bool encrypt_data;		/* Session.EncryptData: told to the client */
	bool reject_unencrypted;	/* smb encrypt = required */
	/* Transform nonces: a per-session counter, then random bytes. */
	atomic64_t nonce_counter;
	u8 nonce_salt[4];
	bool guest, anonymous;
	char user[KSMBD_USER_NAME_MAX + 1];
	/* The SIDs access checks see (smb2_security.c), replaced by reauthentication. */
	struct ksmbd_token token;

	struct mutex tree_lock;		/* protects trees and next_tree_id */
	struct list_head trees;		/* struct ksmbd_tree, see tree.h */
	u32 next_tree_id;
};

struct ksmbd_session *ksmbd_session_new(struct ksmbd_conn *conn);
/* The session @id of @conn with a reference, or NULL. */
struct ksmbd_session *ksmbd_session_get(struct ksmbd_conn *conn, u64 id);
void ksmbd_session_put(struct ksmbd_session *sess);
/* Remove from @conn's table (idempotent) and drop the table's reference. */
void ksmbd_session_unlink(struct ksmbd_conn *conn, struct ksmbd_session *sess);
/* Unlink every session of @conn (connection teardown). */
void ksmbd_session_unlink_all(struct ksmbd_conn *conn);
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
