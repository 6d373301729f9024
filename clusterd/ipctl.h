/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public-IP takeover and release on this node, in the caller's network
 * namespace (needs CAP_NET_ADMIN and CAP_NET_RAW):
 *
 *   take:    add the address to the interface (rtnetlink RTM_NEWADDR; IPv6 with
 *            IFA_F_NODAD so it is usable at once), then announce it: gratuitous
 *            ARP request and reply (IPv4) or an unsolicited neighbour
 *            advertisement with the override flag (IPv6), a few copies;
 *   tickle:  for each client connection known to have been on the address, a
 *            TCP ACK with sequence and acknowledgement 0 from the server's
 *            address and port; the client answers with its real numbers, this
 *            node's kernel has no such socket and answers RST, and the client
 *            reconnects at once instead of waiting for its retransmission timer;
 *   release: abort every TCP connection whose local address is the IP (sock_diag
 *            SOCK_DESTROY, CONFIG_INET_DIAG_DESTROY: the kernel sends the peer an
 *            RST), delete the address (RTM_DELADDR), then abort whatever was
 *            accepted in between. Listening sockets are left to their owners.
 *
 * Take and release are idempotent: taking an address already present or
 * releasing one that is absent succeeds (returns 1 instead of 0). Errors are
 * negative errno values with a message in err (may be NULL).
 */
#ifndef KC_IPCTL_H
#define KC_IPCTL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "ipalloc.h"

struct kc_ipctl_err {
	char msg[256];
};

/* One TCP connection: the server side (local) and the client side (peer). */
struct kc_tcp_conn {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t local[16], peer[16];	/* network order; IPv4 in the first 4 bytes */
	uint16_t lport, rport;		/* host order */
};

#define KC_IP_ANNOUNCE_COUNT 3

int kc_ip_take(const struct kc_ipaddr *ip, const char *ifname, struct kc_ipctl_err *err);
/* count copies of the announcement (gratuitous ARP / unsolicited NA). */
int kc_ip_announce(const struct kc_ipaddr *ip, const char *ifname, int count,
		   struct kc_ipctl_err *err);
/* *n_reset (may be NULL): connections aborted. */
int kc_ip_release(const struct kc_ipaddr *ip, const char *ifname, size_t *n_reset,
		  struct kc_ipctl_err *err);
/* Abort the connections on ip without deleting it; *n_reset as above. */
int kc_ip_reset_conns(const struct kc_ipaddr *ip, size_t *n_reset, struct kc_ipctl_err *err);
/* count tickle ACKs for each of conns[0..n). */
int kc_ip_tickle(const struct kc_tcp_conn *conns, size_t n, int count, struct kc_ipctl_err *err);
/*
 * The established TCP connections whose local address is ip (IPv4 ones also as
 * IPv4-mapped addresses of IPv6 sockets, reported as IPv4). *out is malloc'ed.
 */
int kc_ip_conns(const struct kc_ipaddr *ip, struct kc_tcp_conn **out, size_t *n,
		struct kc_ipctl_err *err);
/* "10.0.0.1:445" or "[fd00::1]:445" into c's local (is_local) or peer side. */
int kc_tcp_endpoint_parse(const char *s, struct kc_tcp_conn *c, int is_local);

#endif
