// SPDX-License-Identifier: GPL-2.0
/*
 * Engine entry and exit. In the kernel these are the module's init and exit;
 * ksmbd-engine's main() (port/user/main.c) calls the same two functions.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/ksmbd_cluster.h>
#include "conn.h"
#include "crypto_kat.h"
#include "durable.h"
#include "ipc.h"
#include "server.h"

static int __init ksmbd_cluster_init(void)
{
	int ret;

	ret = ksmbd_crypto_selftest();
	if (ret)
		return ret;
	ret = ksmbd_conn_init();
	if (ret)
		return ret;
	ret = ksmbd_ipc_init();
	if (ret)
		goto err_conn;
	pr_info("engine %s loaded, IPC protocol %u, genl family %s\n", KC_VERSION,
		KSMBD_CLUSTER_PROTO_VERSION, KSMBD_CLUSTER_GENL_NAME);
	return 0;

err_conn:
	ksmbd_conn_exit();
	return ret;
}

static void __exit ksmbd_cluster_exit(void)
{
	/* No new START can arrive once the family is gone. */
	ksmbd_ipc_exit();
	ksmbd_server_stop();
	ksmbd_conn_exit();
	ksmbd_durable_exit();
	pr_info("engine unloaded\n");
}

module_init(ksmbd_cluster_init);
module_exit(ksmbd_cluster_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("ksmbd-cluster developers");
MODULE_DESCRIPTION("ksmbd-cluster SMB3 engine");
MODULE_VERSION(KC_VERSION);
MODULE_ALIAS_GENL_FAMILY(KSMBD_CLUSTER_GENL_NAME);
