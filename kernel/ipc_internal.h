/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by ipc.c (the family) and ipc_request.c (engine -> peer requests). */
#ifndef KSMBD_IPC_INTERNAL_H
#define KSMBD_IPC_INTERNAL_H

#include <net/genetlink.h>

/* Start a message of @cmd to the peer; the user header or NULL. */
void *ksmbd_ipc_msg_put(struct sk_buff *skb, u8 cmd);
/* Send @skb (always consumed) to the attached peer; -ENOTCONN without one. */
int ksmbd_ipc_send(struct sk_buff *skb);
/* Hand a LOGIN_REPLY to its waiter; -ENOENT when nobody waits for it. */
int ksmbd_ipc_reply(const struct genl_info *info);

#endif
