// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: IPC is the kernel's generic netlink. This file only reports
 * closed peer sockets to the engine (NETLINK_URELEASE) and names the build.
 */
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/net_namespace.h>
#include <uapi/ksmbd_cluster.h>
#include "ipc.h"
#include "port.h"

const u8 ksmbd_port_engine_kind = KSMBD_ENGINE_KERNEL;

static int ksmbd_netlink_notify(struct notifier_block *nb, unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC && n->net == &init_net)
		ksmbd_ipc_peer_gone(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ksmbd_netlink_nb = {
	.notifier_call = ksmbd_netlink_notify,
};

int ksmbd_port_ipc_init(void)
{
	return netlink_register_notifier(&ksmbd_netlink_nb);
}

void ksmbd_port_ipc_exit(void)
{
	netlink_unregister_notifier(&ksmbd_netlink_nb);
}
