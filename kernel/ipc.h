/* SPDX-License-Identifier: GPL-2.0 */
/* The engine side of include/uapi/ksmbd_cluster.h. */
#ifndef KSMBD_IPC_H
#define KSMBD_IPC_H

#include <linux/types.h>
#include <uapi/ksmbd_cluster.h>

/* The peer's answer to one SESSION_SETUP leg (KSMBD_CMD_LOGIN_REPLY). */
struct ksmbd_login {
	__le32 status;			/* NTSTATUS for the client */
	u8 *blob;			/* security buffer for the client, or NULL */
	u16 blob_len;
	u8 session_key[KSMBD_SESSION_KEY_SIZE];
	char user[KSMBD_USER_NAME_MAX + 1];
	u32 flags;			/* KSMBD_LOGIN_* */
};

int ksmbd_ipc_init(void);
void ksmbd_ipc_exit(void);
/*
 * Ask the peer to run one authentication leg for context @auth_id. Returns 0
 * with @out filled (free it with ksmbd_login_release()), or -ENOTCONN (no
 * peer), -ETIMEDOUT, -ENOMEM, -EPROTO (a malformed reply).
 */
int ksmbd_ipc_login(u64 auth_id, const char *client, const void *blob, size_t len,
		    struct ksmbd_login *out);
void ksmbd_login_release(struct ksmbd_login *l);
/* The peer's answer to a TREE_CONNECT (KSMBD_CMD_TREE_CONNECT_REPLY). */
struct ksmbd_share_info {
	__le32 status;
	u32 flags;			/* KSMBD_SHARE_* */
	char *path;			/* disk shares: kmalloc'd, else NULL */
};

/* Ask the peer whether the session may connect to @share; 0 or -errno as login. */
int ksmbd_ipc_tree_connect(u64 auth_id, const char *user, u32 login_flags, const char *client,
			   const char *share, struct ksmbd_share_info *out);

/* Tell the peer it can forget authentication context @auth_id. */
void ksmbd_ipc_logout(u64 auth_id);

/* Called by the IPC backend when the socket with @portid closes. */
void ksmbd_ipc_peer_gone(u32 portid);

#endif
