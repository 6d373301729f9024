/* SPDX-License-Identifier: GPL-2.0 */
/* The engine side of include/uapi/ksmbd_cluster.h. */
#ifndef KSMBD_IPC_H
#define KSMBD_IPC_H

#include <linux/types.h>

int ksmbd_ipc_init(void);
void ksmbd_ipc_exit(void);
/* Called by the IPC backend when the socket with @portid closes. */
void ksmbd_ipc_peer_gone(u32 portid);

#endif
