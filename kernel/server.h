/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server state: the node configuration the peer sent with START and the
 * listeners built from it. All of it is protected by ksmbd_server_lock.
 */
#ifndef KSMBD_SERVER_H
#define KSMBD_SERVER_H

#include <uapi/ksmbd_cluster.h>
#include <linux/types.h>

struct ksmbd_server_config {
	char node_name[KSMBD_NODE_NAME_MAX + 1];
	char netbios_name[KSMBD_NETBIOS_NAME_MAX + 1];
	char server_string[KSMBD_SERVER_STRING_MAX + 1];
	u16 ports[KSMBD_MAX_TCP_PORTS];
	int nr_ports;
	u8 bind_addrs[KSMBD_MAX_BIND_ADDRS][16];
	int nr_bind_addrs;
	u16 min_dialect, max_dialect;
	u8 signing, encryption;
	bool no_multichannel;	/* server multi channel support = no */
	u8 spnego_token[KSMBD_SPNEGO_TOKEN_MAX];	/* for NEGOTIATE responses */
	u16 spnego_len;
	/* Set by ksmbd_server_start(). */
	u8 server_guid[16];
	s64 start_time_ns;				/* CLOCK_REALTIME */
};

/*
 * Start serving @cfg: open every listener. On failure (-EALREADY when already
 * serving, or the listen error) nothing is left open.
 */
int ksmbd_server_start(const struct ksmbd_server_config *cfg);
/* Stop listening and drop every connection; a no-op when not serving. */
void ksmbd_server_stop(void);
bool ksmbd_server_running(void);
/*
 * The configuration being served. Only valid while serving, which is the whole
 * life of every connection: ksmbd_server_stop() drops them all before the
 * configuration can change.
 */
const struct ksmbd_server_config *ksmbd_server_cfg(void);

#endif
