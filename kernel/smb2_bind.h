/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multichannel (smb2_bind.c): session binding and what SESSION_SETUP shares
 * with it (smb2_session.c); FSCTL_QUERY_NETWORK_INTERFACE_INFO
 * (smb2_netif.c).
 */
#ifndef KSMBD_SMB2_BIND_H
#define KSMBD_SMB2_BIND_H

#include <linux/types.h>
#include "smb_wire.h"

struct ksmbd_conn;
struct ksmbd_login;
struct ksmbd_session;
struct ksmbd_work;
struct smb2_ioctl;

/* Whether multichannel is on (server multi channel support, default yes). */
bool ksmbd_multichannel_enabled(void);
/* A SESSION_SETUP with SMB2_SESSION_FLAG_BINDING and its security buffer. */
__le32 ksmbd_smb2_session_bind(struct ksmbd_work *w, const u8 *blob, u16 len);
/* Connection teardown: forget a binding in progress. */
void ksmbd_bind_conn_gone(struct ksmbd_conn *conn);

/* smb2_session.c: add @msg to the 3.1.1 preauth hash @hash (64 bytes). */
int ksmbd_preauth_add(u8 *hash, const void *msg, size_t len);
/* smb2_session.c: the SESSION_SETUP response body for @sess with the peer's blob. */
__le32 ksmbd_session_setup_rsp(struct ksmbd_work *w, struct ksmbd_session *sess,
			       const struct ksmbd_login *login, __le32 status);

/* smb2_netif.c: FSCTL_QUERY_NETWORK_INTERFACE_INFO (MS-SMB2 3.3.5.15.11). */
__le32 ksmbd_fsctl_query_interfaces(struct ksmbd_work *w, const struct smb2_ioctl *req);

#endif
