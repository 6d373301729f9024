// SPDX-License-Identifier: GPL-2.0-or-later
/* Public-IP assignment (ipalloc.h has the rule). */
#include "ipalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int kc_ipaddr_cmp(const struct kc_ipaddr *a, const struct kc_ipaddr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, addr_len(a->family));
	if (c)
		return c < 0 ? -1 : 1;
	return 0;
}

int kc_ipaddr_parse(const char *s, struct kc_ipaddr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	unsigned long p;
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	memset(out, 0, sizeof(*out));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	if (!slash) {
		out->prefix = out->family == AF_INET ? 32 : 128;
		return 0;
	}
	if (*slash < '0' || *slash > '9')
		return -EINVAL;
	errno = 0;
	p = strtoul(slash, &end, 10);
	if (errno || *end || p > (out->family == AF_INET ? 32u : 128u))
		return -EINVAL;
	out->prefix = (uint8_t)p;
	return 0;
}

const char *kc_ipaddr_str(const struct kc_ipaddr *ip, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(ip->family, ip->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, ip->prefix);
	return buf;
}

static int cmp_ip_idx(const void *a, const void *b, void *ctx)
{
	const struct kc_public_ip *ips = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return kc_ipaddr_cmp(&ips[x].ip, &ips[y].ip);
}

static int cmp_node_idx(const void *a, const void *b, void *ctx)
{
	const struct kc_ip_node *nodes = ctx;
	uint32_t x = nodes[*(const size_t *)a].id;
	uint32_t y = nodes[*(const size_t *)b].id;

	return x < y ? -1 : x > y;
}

static int can_host(const struct kc_ip_node *n, const struct kc_public_ip *ip)
{
	size_t i;

	if (n->flags & (KC_NODE_DISABLED | KC_NODE_UNHEALTHY))
		return 0;
	if (n->n_ifaces == 0)
		return 1;
	for (i = 0; i < n->n_ifaces && i < KC_IP_MAX_IFACES; i++)
		if (strncmp(n->ifaces[i], ip->iface, KC_IP_IFNAMSIZ) == 0)
			return 1;
	return 0;
}

static size_t home_rank(const struct kc_public_ip *ip, uint32_t id)
{
	size_t i;

	for (i = 0; i < ip->n_home && i < KC_IP_MAX_HOME; i++)
		if (ip->home[i] == id)
			return i;
	return KC_IP_MAX_HOME;
}

static int valid_ip(const struct kc_ipaddr *ip)
{
	if (ip->family == AF_INET)
		return ip->prefix <= 32;
	if (ip->family == AF_INET6)
		return ip->prefix <= 128;
	return 0;
}

int kc_ipalloc(const struct kc_public_ip *ips, size_t n_ips,
	       const struct kc_ip_node *nodes, size_t n_nodes,
	       const uint32_t *prev, uint32_t *owner)
{
	size_t *io = NULL, *no = NULL, i, j, k;
	unsigned char *allowed = NULL;
	long *own = NULL;
	size_t *load = NULL;
	int rc = -ENOMEM;

	for (i = 0; i < n_ips; i++) {
		owner[i] = KC_IP_UNASSIGNED;
		if (!valid_ip(&ips[i].ip))
			return -EINVAL;
	}
	for (i = 0; i < n_nodes; i++)
		if (nodes[i].id == KC_IP_UNASSIGNED)
			return -EINVAL;
	if (n_ips == 0)
		return 0;

	io = calloc(n_ips, sizeof(*io));
	no = calloc(n_nodes ? n_nodes : 1, sizeof(*no));
	own = calloc(n_ips, sizeof(*own));
	load = calloc(n_nodes ? n_nodes : 1, sizeof(*load));
	allowed = calloc(n_ips, n_nodes ? n_nodes : 1);
	if (!io || !no || !own || !load || !allowed)
		goto out;

	/* Canonical order: IPs by address, nodes by id; duplicates are refused. */
	for (i = 0; i < n_ips; i++)
		io[i] = i;
	for (i = 0; i < n_nodes; i++)
		no[i] = i;
	qsort_r(io, n_ips, sizeof(*io), cmp_ip_idx, (void *)ips);
	qsort_r(no, n_nodes, sizeof(*no), cmp_node_idx, (void *)nodes);
	rc = -EINVAL;
	for (i = 1; i < n_ips; i++)
		if (kc_ipaddr_cmp(&ips[io[i - 1]].ip, &ips[io[i]].ip) == 0)
			goto out;
	for (i = 1; i < n_nodes; i++)
		if (nodes[no[i - 1]].id == nodes[no[i]].id)
			goto out;

	/* allowed[i][j]: sorted IP i may be owned by sorted node j. */
	for (i = 0; i < n_ips; i++) {
		const struct kc_public_ip *ip = &ips[io[i]];
		int home_up = 0;

		for (j = 0; j < n_nodes; j++)
			if (can_host(&nodes[no[j]], ip) &&
			    home_rank(ip, nodes[no[j]].id) < KC_IP_MAX_HOME)
				home_up = 1;
		for (j = 0; j < n_nodes; j++)
			allowed[i * n_nodes + j] = can_host(&nodes[no[j]], ip) &&
				(!home_up || home_rank(ip, nodes[no[j]].id) < KC_IP_MAX_HOME);
	}

	/* Sticky: keep the previous owner while it is allowed. */
	for (i = 0; i < n_ips; i++) {
		own[i] = -1;
		if (!prev || prev[io[i]] == KC_IP_UNASSIGNED)
			continue;
		for (j = 0; j < n_nodes; j++)
			if (nodes[no[j]].id == prev[io[i]] && allowed[i * n_nodes + j]) {
				own[i] = (long)j;
				load[j]++;
				break;
			}
	}

	/* Orphans to the least loaded allowed node (then home order, then lowest id). */
	for (i = 0; i < n_ips; i++) {
		long best = -1;
		size_t best_rank = 0, r;

		if (own[i] >= 0)
			continue;
		for (j = 0; j < n_nodes; j++) {
			if (!allowed[i * n_nodes + j])
				continue;
			r = home_rank(&ips[io[i]], nodes[no[j]].id);
			if (best < 0 || load[j] < load[best] ||
			    (load[j] == load[best] && r < best_rank)) {
				best = (long)j;
				best_rank = r;
			}
		}
		if (best >= 0) {
			own[i] = best;
			load[best]++;
		}
	}

	/*
	 * Rebalance: move one IP at a time from a node with load L to an allowed
	 * node with load <= L - 2. Pick the most loaded source, then the least
	 * loaded destination, then the lowest ids, then the last IP in canonical
	 * order. Every move lowers sum(load^2) by at least 2, so this ends.
	 */
	for (k = 0; k <= n_ips * n_ips; k++) {
		long bs = -1, bd = -1, bi = -1;

		for (i = n_ips; i-- > 0;) {
			size_t s;

			if (own[i] < 0)
				continue;
			s = (size_t)own[i];
			for (j = 0; j < n_nodes; j++) {
				if (!allowed[i * n_nodes + j] || load[j] + 2 > load[s])
					continue;
				if (bi < 0 || load[s] > load[bs] ||
				    (load[s] == load[bs] &&
				     (load[j] < load[bd] ||
				      (load[j] == load[bd] &&
				       (s < (size_t)bs || (s == (size_t)bs && j < (size_t)bd)))))) {
					bs = (long)s;
					bd = (long)j;
					bi = (long)i;
				}
			}
		}
		if (bi < 0)
			break;
		own[bi] = bd;
		load[bs]--;
		load[bd]++;
	}

	for (i = 0; i < n_ips; i++)
		owner[io[i]] = own[i] >= 0 ? nodes[no[own[i]]].id : KC_IP_UNASSIGNED;
	rc = 0;
out:
	free(io);
	free(no);
	free(own);
	free(load);
	free(allowed);
	return rc;
}
