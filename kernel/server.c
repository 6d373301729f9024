// SPDX-License-Identifier: GPL-2.0
/* Server state: configuration and listeners. */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/string.h>
#include "conn.h"
#include "durable.h"
#include "server.h"

/* Protects everything below. */
static DEFINE_MUTEX(ksmbd_server_lock);
static struct ksmbd_server_config ksmbd_server_config;
static struct ksmbd_listener *ksmbd_listeners[KSMBD_MAX_TCP_PORTS * (KSMBD_MAX_BIND_ADDRS + 1)];
static int ksmbd_nr_listeners;
static bool ksmbd_serving;

static void ksmbd_server_unlisten_all(void)
{
	while (ksmbd_nr_listeners)
		ksmbd_tcp_unlisten(ksmbd_listeners[--ksmbd_nr_listeners]);
}

int ksmbd_server_start(const struct ksmbd_server_config *cfg)
{
	int i, j, ret = 0;

	mutex_lock(&ksmbd_server_lock);
	if (ksmbd_serving) {
		ret = -EALREADY;
		goto out;
	}
	ksmbd_server_config = *cfg;
	get_random_bytes(ksmbd_server_config.server_guid, sizeof(ksmbd_server_config.server_guid));
	ksmbd_server_config.start_time_ns = ktime_get_real();
	for (i = 0; i < cfg->nr_ports; i++) {
		for (j = 0; j < max(cfg->nr_bind_addrs, 1); j++) {
			const u8 *addr = cfg->nr_bind_addrs ? cfg->bind_addrs[j] : NULL;

			ret = ksmbd_tcp_listen(addr, cfg->ports[i],
					       &ksmbd_listeners[ksmbd_nr_listeners]);
			if (ret) {
				pr_err("cannot listen on port %u: %d\n", cfg->ports[i], ret);
				ksmbd_server_unlisten_all();
				goto out;
			}
			ksmbd_nr_listeners++;
		}
	}
	ksmbd_serving = true;
	pr_info("node %s serving on %d listener(s), port %u\n", cfg->node_name,
		ksmbd_nr_listeners, cfg->ports[0]);
out:
	mutex_unlock(&ksmbd_server_lock);
	return ret;
}

void ksmbd_server_stop(void)
{
	mutex_lock(&ksmbd_server_lock);
	if (ksmbd_serving) {
		ksmbd_server_unlisten_all();
		ksmbd_conn_stop_all();
		/* no client can come back for them now */
		ksmbd_durable_close_all();
		ksmbd_serving = false;
		pr_info("stopped serving\n");
	}
	mutex_unlock(&ksmbd_server_lock);
}

bool ksmbd_server_running(void)
{
	bool running;

	mutex_lock(&ksmbd_server_lock);
	running = ksmbd_serving;
	mutex_unlock(&ksmbd_server_lock);
	return running;
}

const struct ksmbd_server_config *ksmbd_server_cfg(void)
{
	return &ksmbd_server_config;
}
