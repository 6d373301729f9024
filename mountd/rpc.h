/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DCE/RPC named pipes served by ksmbd-mountd on IPC$: srvsvc (MS-SRVS) and wkssvc (MS-WKST).
 *
 * A pipe is what a client opens on IPC$. The client writes DCE/RPC PDUs to it and reads the
 * answers, one PDU per message (message-mode pipe). The engine hands the bytes of its SMB2
 * WRITE, READ and IOCTL(FSCTL_PIPE_TRANSCEIVE) requests to these calls; see docs/rpc.md.
 *
 * The pipe takes a snapshot of the configuration when it is opened (server name and string,
 * the shares), so the kc_conf may be freed or replaced (SIGHUP) while pipes are open; a client
 * sees a changed configuration on its next open. Pipes are not thread-safe: one caller at a
 * time per pipe.
 */
#ifndef MOUNTD_RPC_H
#define MOUNTD_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dcerpc.h"

struct rpc_pipe;

/* rpc_pipe_read()/rpc_pipe_transact(): the message did not fit; read again for the rest. */
#define RPC_PIPE_MORE 1

/*
 * Open the pipe called name: "srvsvc" or "wkssvc", in any case, optionally preceded by
 * "\\PIPE\\" (any case) or by a single "\\". NULL for another name, or when out of memory
 * (errno says which: ENOENT or ENOMEM).
 */
struct rpc_pipe *rpc_pipe_open(const char *name, const struct kc_conf *conf);
void rpc_pipe_close(struct rpc_pipe *pipe);
/* The canonical name, "srvsvc" or "wkssvc". */
const char *rpc_pipe_name(const struct rpc_pipe *pipe);

/*
 * A client write of len bytes: one or more PDUs, or parts of them (a PDU may be completed by
 * the next write). Every complete PDU is processed at once and its answer queued. Returns 0;
 * -EBUSY when more than DCERPC_MAX_OUTPUT answer bytes are unread (nothing was consumed);
 * -EPROTO when the client broke the protocol (malformed PDU, fragment of no call, auth data
 * on an unauthenticated association...): the pipe is broken and every later call returns
 * -EPROTO, so the engine should fail the request and close the pipe (STATUS_PIPE_BROKEN);
 * -ENOMEM (the pipe is broken too).
 */
int rpc_pipe_write(struct rpc_pipe *pipe, const uint8_t *data, size_t len);

/*
 * A client read of up to max bytes into out: the next queued message (one PDU), or what is
 * left of it. *got gets the number of bytes copied. Returns 0 when that ends the message,
 * RPC_PIPE_MORE when the rest of the message waits for the next read (an SMB server answers
 * STATUS_BUFFER_OVERFLOW with the data), -EAGAIN when nothing is queued (*got = 0), -EPROTO
 * when the pipe is broken.
 */
int rpc_pipe_read(struct rpc_pipe *pipe, uint8_t *out, size_t max, size_t *got);

/*
 * FSCTL_PIPE_TRANSCEIVE: write in, then read the first answer message as rpc_pipe_read().
 * -EBUSY (and nothing written) when unread data is waiting in the pipe, as Windows answers
 * STATUS_PIPE_BUSY; -EAGAIN when the write produced no answer (a request fragment that is not
 * the last one, for example).
 */
int rpc_pipe_transact(struct rpc_pipe *pipe, const uint8_t *in, size_t in_len, uint8_t *out,
		      size_t max, size_t *got);

/* Bytes waiting to be read (FSCTL_PIPE_PEEK, or the size of the next READ). */
size_t rpc_pipe_pending(const struct rpc_pipe *pipe);

/*
 * Whether the client is an administrator of the server (the engine knows the session's
 * user). Only administrators get the share information that includes the local path
 * (levels 2, 502 and 503), as on Windows; others get ERROR_ACCESS_DENIED. Default: false.
 */
void rpc_pipe_set_admin(struct rpc_pipe *pipe, bool admin);

/* ---- shared by rpc.c, rpc_srvsvc.c and rpc_wkssvc.c ------------------------------------- */

/* Win32 error codes returned by the methods (MS-ERREF 2.2) */
#define RPC_WERR_OK			0x00000000u
#define RPC_WERR_ACCESS_DENIED		0x00000005u
#define RPC_WERR_NOT_ENOUGH_MEMORY	0x00000008u
#define RPC_WERR_INVALID_PARAMETER	0x00000057u
#define RPC_WERR_UNKNOWN_LEVEL		0x0000007cu	/* ERROR_INVALID_LEVEL */
#define RPC_WERR_MORE_DATA		0x000000eau
#define RPC_NERR_NET_NAME_NOT_FOUND	0x00000906u

/* Values reported by both interfaces; docs/rpc.md says why. */
#define RPC_PLATFORM_ID_NT		500
#define RPC_VERSION_MAJOR		10
#define RPC_VERSION_MINOR		0
#define RPC_WORKGROUP			"WORKGROUP"

/* Share types (MS-SRVS 2.2.2.4) and SHARE_INFO_1005 flags (MS-SRVS 2.2.4.29) */
#define RPC_STYPE_DISKTREE		0x00000000u
#define RPC_STYPE_IPC			0x00000003u
#define RPC_STYPE_SPECIAL		0x80000000u
#define RPC_SHI1005_FLAGS_ENABLE_CA	0x00004000u
#define RPC_SHI1005_FLAGS_ENCRYPT_DATA	0x00008000u

struct rpc_share {
	char *name;
	char *comment;
	char *path;		/* as Windows shows it: "C:\srv\data"; "" for IPC$ */
	uint32_t type;
	uint32_t flags;		/* SHARE_INFO_1005 flags */
	bool listed;		/* returned by NetrShareEnum (browseable) */
};

/* What the interfaces report, copied from the configuration when the pipe opens. */
struct rpc_server {
	char *netbios_name;
	char *server_string;
	struct rpc_share *shares;	/* the served shares in file order, then IPC$ */
	size_t n_shares;
	bool admin;			/* the client may see share paths */
};

int rpc_server_snapshot(const struct kc_conf *conf, struct rpc_server *srv);
void rpc_server_release(struct rpc_server *srv);
/* The share called name (ASCII case-insensitive), or NULL. */
const struct rpc_share *rpc_server_share(const struct rpc_server *srv, const char *name);
/* "C:" followed by path with '/' turned into '\'; malloc'ed, NULL when out of memory. */
char *rpc_windows_path(const char *path);

/*
 * The union arm of an [out] info union whose level the server does not implement: a NULL
 * pointer when the IDL has a pointer case for level (known), nothing for the [default] arm.
 */
int rpc_push_unsupported_arm(struct ndr_push *out, bool known);

/* Both take priv = struct rpc_server *. */
extern const struct dcerpc_iface srvsvc_iface;
extern const struct dcerpc_iface wkssvc_iface;

#endif /* MOUNTD_RPC_H */
