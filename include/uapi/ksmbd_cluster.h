/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * ksmbd-cluster engine <-> user-space protocol
 * =============================================
 *
 * The SMB engine (ksmbd_cluster.ko, or the ksmbd-engine process) talks to its
 * user-space peers over one generic netlink family, KSMBD_CLUSTER_GENL_NAME.
 * With the kernel module the family lives in the kernel's generic netlink.
 * With ksmbd-engine the very same messages (struct nlmsghdr, struct
 * genlmsghdr, attributes) travel over a UNIX SOCK_SEQPACKET socket, one
 * netlink message per packet, with nlmsg_type = KSMBD_CLUSTER_UNIX_FAMILY_ID
 * (there is no genl controller to resolve the family there). Errors come back
 * as NLMSG_ERROR with an extended-ack message (NLMSGERR_ATTR_MSG) in both
 * cases; peers must enable NETLINK_EXT_ACK on kernel sockets.
 *
 * Every attribute carries one field; integers are in host byte order; strings
 * are NUL-terminated. Every command validates strictly: unknown attributes,
 * wrong lengths and trailing bytes are rejected with -EINVAL. Commands marked
 * [admin] need CAP_NET_ADMIN (kernel) or the engine's own uid or root on the
 * UNIX socket (checked with SO_PEERCRED).
 *
 * Versioning
 * ----------
 * KSMBD_CLUSTER_PROTO_VERSION is bumped on any incompatible change to any
 * command or attribute below. KSMBD_CMD_HELLO (1) and KSMBD_A_PROTO_VERSION (1)
 * never change number or meaning, so two sides of different versions can
 * always tell each other so and refuse cleanly.
 *
 * Commands
 * --------
 * KSMBD_CMD_HELLO [admin]: mountd -> engine, first message of a session.
 *	Request:  KSMBD_A_PROTO_VERSION (u32), KSMBD_A_PEER_VERSION (string,
 *		  the sender's program version, at most 63 bytes).
 *	Reply:    KSMBD_CMD_HELLO with KSMBD_A_PROTO_VERSION (the engine's),
 *		  KSMBD_A_PEER_VERSION (the engine's program version),
 *		  KSMBD_A_ENGINE_KIND (u8, enum ksmbd_engine_kind) and
 *		  KSMBD_A_STATUS (u32, 0 or a positive errno). The engine answers a
 *		  version it does not speak with its own version and
 *		  STATUS = EPROTO, and stays unattached; the peer must refuse an
 *		  engine whose version differs from its own. STATUS = EBUSY means
 *		  another peer is attached. On success the sender becomes the
 *		  engine's peer until its socket closes; the engine then stops
 *		  serving (fail-safe) and waits for a new HELLO.
 *
 * KSMBD_CMD_START [admin]: peer -> engine, after a successful HELLO. Carries
 *	the node configuration and makes the engine listen.
 *	Request:  KSMBD_A_NODE_NAME (string, <= 63), KSMBD_A_NETBIOS_NAME
 *		  (string, <= 15), KSMBD_A_SERVER_STRING (string, <= 255),
 *		  KSMBD_A_TCP_PORTS (nest of KSMBD_A_TCP_PORT u16, 1..8 entries),
 *		  optional KSMBD_A_BIND_ADDRS (nest of KSMBD_A_BIND_ADDR, 16
 *		  bytes: an IPv6 address, IPv4 as ::ffff:a.b.c.d; none = any),
 *		  KSMBD_A_MIN_DIALECT and KSMBD_A_MAX_DIALECT (u16, 0x0202..0x0311),
 *		  KSMBD_A_SIGNING (u8, enum ksmbd_signing),
 *		  KSMBD_A_ENCRYPTION (u8, enum ksmbd_encryption), optional
 *		  KSMBD_A_SPNEGO_TOKEN (binary, at most KSMBD_SPNEGO_TOKEN_MAX
 *		  bytes: the GSS token NEGOTIATE responses carry; none = empty),
 *		  optional KSMBD_A_MULTI_CHANNEL (u8, 0 or 1: SMB3 multichannel
 *		  session binding; none = 1).
 *	Reply:    an ACK (the request must carry NLM_F_ACK) once every listener
 *		  is up, or an error with an extack message (e.g. -EADDRINUSE).
 *		  A second START while serving is -EALREADY.
 *
 * KSMBD_CMD_LOGIN: engine -> peer, one leg of a SESSION_SETUP. The engine
 *	sends it to the attached peer and waits (at most 10 s) for the
 *	matching LOGIN_REPLY; no reply in time fails the leg.
 *	Message:  KSMBD_A_HANDLE (u32, echoed in the reply), KSMBD_A_AUTH_ID
 *		  (u64, names the authentication context across legs: the SMB2
 *		  session id), KSMBD_A_BLOB (binary, the client's security
 *		  buffer, at most KSMBD_BLOB_MAX bytes), KSMBD_A_CLIENT_ADDR
 *		  (string, "address:port", at most 63 bytes).
 *
 * KSMBD_CMD_LOGIN_REPLY [admin]: peer -> engine, the answer to LOGIN.
 *	Request:  KSMBD_A_HANDLE, KSMBD_A_NTSTATUS (u32: STATUS_SUCCESS,
 *		  STATUS_MORE_PROCESSING_REQUIRED, STATUS_LOGON_FAILURE, ...),
 *		  optional KSMBD_A_BLOB (the security buffer for the client), and
 *		  on success KSMBD_A_SESSION_KEY (16 bytes), KSMBD_A_USER_NAME
 *		  (string, at most 255 bytes) and KSMBD_A_LOGIN_FLAGS (u32,
 *		  KSMBD_LOGIN_*), and unless anonymous KSMBD_A_USER_SID and
 *		  KSMBD_A_GROUP_SID (binary, a SID as MS-DTYP 2.4.2.2 encodes it,
 *		  at most KSMBD_SID_MAX bytes: the user and its primary group). An
 *		  unknown handle (the engine gave up) is -ENOENT.
 *
 * KSMBD_CMD_LOGOUT: engine -> peer, no reply: KSMBD_A_AUTH_ID whose
 *	authentication context (finished or not) can be forgotten.
 *
 * KSMBD_CMD_TREE_CONNECT: engine -> peer, a TREE_CONNECT to check against
 *	the share configuration; answered by TREE_CONNECT_REPLY like LOGIN.
 *	Message:  KSMBD_A_HANDLE, KSMBD_A_AUTH_ID (the session),
 *		  KSMBD_A_SHARE_NAME (string, UTF-8, at most
 *		  KSMBD_SHARE_NAME_MAX bytes), KSMBD_A_USER_NAME (the session's
 *		  user, empty when anonymous), KSMBD_A_LOGIN_FLAGS,
 *		  KSMBD_A_CLIENT_ADDR.
 *
 * KSMBD_CMD_TREE_CONNECT_REPLY [admin]: peer -> engine.
 *	Request:  KSMBD_A_HANDLE, KSMBD_A_NTSTATUS (STATUS_SUCCESS,
 *		  STATUS_BAD_NETWORK_NAME, STATUS_ACCESS_DENIED, ...), and on
 *		  success KSMBD_A_SHARE_FLAGS (u32, KSMBD_SHARE_*) and, for disk
 *		  shares, KSMBD_A_SHARE_PATH (string, absolute, at most
 *		  KSMBD_SHARE_PATH_MAX bytes).
 *
 * KSMBD_CMD_PIPE: engine -> peer, one operation on a named pipe of IPC$
 *	(DCE/RPC served by the peer); answered by PIPE_REPLY like LOGIN.
 *	Message:  KSMBD_A_HANDLE, KSMBD_A_AUTH_ID (the session),
 *		  KSMBD_A_PIPE_ID (u64, chosen by the engine at OPEN),
 *		  KSMBD_A_PIPE_OP (u8, enum ksmbd_pipe_op), and per operation:
 *		  OPEN: KSMBD_A_PIPE_NAME (string, at most KSMBD_SHARE_NAME_MAX);
 *		  WRITE: KSMBD_A_BLOB; READ: KSMBD_A_PIPE_MAX (u32, bytes wanted);
 *		  TRANSACT: KSMBD_A_BLOB and KSMBD_A_PIPE_MAX; CLOSE: nothing.
 *
 * KSMBD_CMD_PIPE_REPLY [admin]: peer -> engine.
 *	Request:  KSMBD_A_HANDLE, KSMBD_A_NTSTATUS (STATUS_SUCCESS,
 *		  STATUS_BUFFER_OVERFLOW when the message continues,
 *		  STATUS_OBJECT_NAME_NOT_FOUND for an unknown pipe,
 *		  STATUS_PIPE_EMPTY, STATUS_PIPE_BUSY, STATUS_PIPE_BROKEN, ...),
 *		  KSMBD_A_BLOB (data read, READ and TRANSACT).
 */
#ifndef _UAPI_KSMBD_CLUSTER_H
#define _UAPI_KSMBD_CLUSTER_H

#define KSMBD_CLUSTER_GENL_NAME		"ksmbd_cluster"
#define KSMBD_CLUSTER_GENL_VERSION	1
#define KSMBD_CLUSTER_PROTO_VERSION	3
#define KSMBD_CLUSTER_UNIX_FAMILY_ID	0x4b43

enum ksmbd_cluster_cmd {
	KSMBD_CMD_UNSPEC,
	KSMBD_CMD_HELLO,
	KSMBD_CMD_START,
	KSMBD_CMD_LOGIN,
	KSMBD_CMD_LOGIN_REPLY,
	KSMBD_CMD_LOGOUT,
	KSMBD_CMD_TREE_CONNECT,
	KSMBD_CMD_TREE_CONNECT_REPLY,
	KSMBD_CMD_PIPE,
	KSMBD_CMD_PIPE_REPLY,
	__KSMBD_CMD_MAX
};
#define KSMBD_CMD_MAX (__KSMBD_CMD_MAX - 1)

enum ksmbd_cluster_attr {
	KSMBD_A_UNSPEC,
	KSMBD_A_PROTO_VERSION,
	KSMBD_A_PEER_VERSION,
	KSMBD_A_ENGINE_KIND,
	KSMBD_A_STATUS,
	KSMBD_A_NODE_NAME,
	KSMBD_A_NETBIOS_NAME,
	KSMBD_A_SERVER_STRING,
	KSMBD_A_TCP_PORTS,
	KSMBD_A_TCP_PORT,
	KSMBD_A_BIND_ADDRS,
	KSMBD_A_BIND_ADDR,
	KSMBD_A_MIN_DIALECT,
	KSMBD_A_MAX_DIALECT,
	KSMBD_A_SIGNING,
	KSMBD_A_ENCRYPTION,
	KSMBD_A_SPNEGO_TOKEN,
	KSMBD_A_HANDLE,
	KSMBD_A_AUTH_ID,
	KSMBD_A_BLOB,
	KSMBD_A_CLIENT_ADDR,
	KSMBD_A_NTSTATUS,
	KSMBD_A_SESSION_KEY,
	KSMBD_A_USER_NAME,
	KSMBD_A_LOGIN_FLAGS,
	KSMBD_A_PAD,
	KSMBD_A_SHARE_NAME,
	KSMBD_A_SHARE_PATH,
	KSMBD_A_SHARE_FLAGS,
	KSMBD_A_PIPE_ID,
	KSMBD_A_PIPE_OP,
	KSMBD_A_PIPE_NAME,
	KSMBD_A_PIPE_MAX,
	KSMBD_A_MULTI_CHANNEL,
	KSMBD_A_USER_SID,
	KSMBD_A_GROUP_SID,
	__KSMBD_A_MAX
};
#define KSMBD_A_MAX (__KSMBD_A_MAX - 1)

#define KSMBD_MAX_TCP_PORTS		8
#define KSMBD_MAX_BIND_ADDRS		16
#define KSMBD_NODE_NAME_MAX		63
#define KSMBD_NETBIOS_NAME_MAX		15
#define KSMBD_SERVER_STRING_MAX		255
#define KSMBD_PEER_VERSION_MAX		63
#define KSMBD_SPNEGO_TOKEN_MAX		1024
#define KSMBD_BLOB_MAX			16384
#define KSMBD_CLIENT_ADDR_MAX		63
#define KSMBD_USER_NAME_MAX		255
#define KSMBD_SESSION_KEY_SIZE		16
#define KSMBD_SID_MAX			68

#define KSMBD_LOGIN_GUEST		0x1
#define KSMBD_LOGIN_ANONYMOUS		0x2

#define KSMBD_SHARE_NAME_MAX		255
#define KSMBD_SHARE_PATH_MAX		4095

#define KSMBD_SHARE_READONLY		0x1
#define KSMBD_SHARE_IPC			0x2
/* The share's smb encrypt: desired (ENCRYPT) or required (both bits). */
#define KSMBD_SHARE_ENCRYPT		0x4
#define KSMBD_SHARE_ENCRYPT_REQUIRED	0x8
/* The share's "case sensitive = yes": names are matched with their case. */
#define KSMBD_SHARE_CASE_SENSITIVE	0x10
/* The share's streams = no: named streams are not offered. */
#define KSMBD_SHARE_NO_STREAMS		0x20
/* The share's "hide unreadable": access-based directory enumeration. */
#define KSMBD_SHARE_HIDE_UNREADABLE	0x40
/* The share's continuous availability = yes: persistent handles (kernel/durable.h). */
#define KSMBD_SHARE_CONTINUOUS_AVAILABILITY	0x80

enum ksmbd_pipe_op {
	KSMBD_PIPE_OPEN = 1,
	KSMBD_PIPE_WRITE,
	KSMBD_PIPE_READ,
	KSMBD_PIPE_TRANSACT,
	KSMBD_PIPE_CLOSE,
};

enum ksmbd_engine_kind {
	KSMBD_ENGINE_KERNEL = 1,
	KSMBD_ENGINE_USER = 2,
};

enum ksmbd_signing {
	KSMBD_SIGNING_AUTO,
	KSMBD_SIGNING_MANDATORY,
	KSMBD_SIGNING_DISABLED,
};

enum ksmbd_encryption {
	KSMBD_ENCRYPTION_OFF,
	KSMBD_ENCRYPTION_IF_REQUIRED,
	KSMBD_ENCRYPTION_DESIRED,
	KSMBD_ENCRYPTION_REQUIRED,
};

#endif /* _UAPI_KSMBD_CLUSTER_H */
