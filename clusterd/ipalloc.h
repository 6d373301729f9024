/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public-IP assignment: a pure, deterministic function from the configured
 * public IPs and the live membership to an owner per IP. Every node of the
 * cluster computes it from the same inputs and gets the same answer, so no
 * election is needed.
 *
 * The rule (docs/architecture.md, "Public IPs"):
 *  - a node may host an IP when it is enabled (not disabled/drained by the
 *    CLI), healthy, and either lists no interfaces (it can host any) or lists
 *    the IP's interface;
 *  - an IP with a home list is restricted to its home nodes while any of them
 *    may host it (failback), else any node that may host it is allowed;
 *  - sticky: an IP keeps its previous owner while that owner is still allowed;
 *  - IPs without an owner (new, or whose owner left) go, in canonical address
 *    order, to the allowed node with the fewest IPs (ties: earlier in the IP's
 *    home list, then lowest node id);
 *  - then, while some IP could move from a node with load L to an allowed node
 *    with load <= L - 2, the most loaded such node gives its last (canonical
 *    order) such IP to the least loaded such node (lowest ids on ties). Each
 *    move lowers the sum of squared loads, so this ends; when every node can
 *    host every IP, loads differ by at most one at the end.
 * A node leaving moves only its own IPs (loads stay within one); a node joining
 * takes exactly the IPs it needs to bring the loads within one, all from the
 * most loaded nodes. Input order (of IPs and of nodes) does not matter: both
 * are sorted canonically first.
 */
#ifndef KC_IPALLOC_H
#define KC_IPALLOC_H

#include <stddef.h>
#include <stdint.h>

#define KC_IP_UNASSIGNED 0u	/* node ids are >= 1 */
#define KC_IP_IFNAMSIZ 16
#define KC_IP_MAX_HOME 8
#define KC_IP_MAX_IFACES 8

struct kc_ipaddr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 uses the first 4 bytes */
	uint8_t prefix;
};

struct kc_public_ip {
	struct kc_ipaddr ip;
	char iface[KC_IP_IFNAMSIZ];
	uint32_t home[KC_IP_MAX_HOME];	/* preferred nodes, in order */
	size_t n_home;
};

#define KC_NODE_DISABLED  0x1	/* disabled or drained by the administrator */
#define KC_NODE_UNHEALTHY 0x2

struct kc_ip_node {
	uint32_t id;		/* >= 1, unique */
	unsigned int flags;
	char ifaces[KC_IP_MAX_IFACES][KC_IP_IFNAMSIZ];	/* hostable interfaces */
	size_t n_ifaces;	/* 0: can host any interface */
};

/*
 * kc_ipalloc: owner[i] for ips[i] (a node id, or KC_IP_UNASSIGNED when no node
 * may host it). prev (may be NULL) gives the previous owner of ips[i]; with
 * NULL the assignment is computed from scratch. Returns 0, -EINVAL (duplicate
 * IP or node id, node id 0, bad family/prefix) or -ENOMEM. Pure: no I/O, no
 * global state.
 */
int kc_ipalloc(const struct kc_public_ip *ips, size_t n_ips,
	       const struct kc_ip_node *nodes, size_t n_nodes,
	       const uint32_t *prev, uint32_t *owner);

/* "10.0.0.1/24", "fd00::5/64"; a missing prefix means /32 or /128. 0 or -EINVAL. */
int kc_ipaddr_parse(const char *s, struct kc_ipaddr *out);
/* "10.0.0.1/24" into buf (at least 64 bytes). */
const char *kc_ipaddr_str(const struct kc_ipaddr *ip, char *buf, size_t len);
int kc_ipaddr_cmp(const struct kc_ipaddr *a, const struct kc_ipaddr *b);

#endif
