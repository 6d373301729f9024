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
	/* the session's user and primary group SIDs (MS-DTYP 2.4.2.2), 0: none */
	u8 user_sid[KSMBD_SID_MAX], group_sid[KSMBD_SID_MAX];
	u8 user_sid_len, group_sid_len;
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

/* The peer's answer to a pipe operation (KSMBD_CMD_PIPE_REPLY). */
struct ksmbd_pipe_result {
	__le32 status;
	u8 *data;			/* kmalloc'd, or NULL */
	u32 len;
};

/*
 * One operation @op on pipe @pipe_id of session @auth_id: @name for OPEN,
 * @in/@in_len for WRITE and TRANSACT, @max for READ and TRANSACT. 0 or
 * -errno as ksmbd_ipc_login().
 */
int ksmbd_ipc_pipe(u64 auth_id, u64 pipe_id, u8 op, const char *name, const void *in,
		   u32 in_len, u32 max, struct ksmbd_pipe_result *out);

/* Tell the peer it can forget authentication context @auth_id. */
void ksmbd_ipc_logout(u64 auth_id);

/* Called by the IPC backend when the socket with @portid closes. */
void ksmbd_ipc_peer_gone(u32 portid);

#endif
