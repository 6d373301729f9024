/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the public-IP assignment (clusterd/ipalloc.c) and of the
 * connection endpoint parser of clusterd/ipctl.c: fixed cases for
 * each rule, then property tests over random memberships and random sequences
 * of joins, leaves, disables and health changes (fixed seeds, so a failure
 * reproduces; the seed and step are in the failure message).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ipalloc.h"
#include "ipctl.h"

#define MAX_IPS 40
#define MAX_NODES 12

/* xorshift64*: a small PRNG of our own so results do not depend on libc's rand(). */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s * 2654435761u + 0x9E3779B97F4A7C15ull;
}

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static void mk_ip(struct kc_public_ip *ip, unsigned int n, const char *iface)
{
	char s[32];

	memset(ip, 0, sizeof(*ip));
	snprintf(s, sizeof(s), "10.1.%u.%u/24", n / 200, 1 + n % 200);
	assert_int_equal(kc_ipaddr_parse(s, &ip->ip), 0);
	snprintf(ip->iface, sizeof(ip->iface), "%s", iface);
}

static void mk_node(struct kc_ip_node *n, uint32_t id)
{
	memset(n, 0, sizeof(*n));
	n->id = id;
}

static size_t load_of(const uint32_t *owner, size_t n_ips, uint32_t id)
{
	size_t i, c = 0;

	for (i = 0; i < n_ips; i++)
		c += owner[i] == id;
	return c;
}

/* max - min IPs over the nodes that may host anything */
static size_t spread(const uint32_t *owner, size_t n_ips, const struct kc_ip_node *nodes,
		     size_t n_nodes)
{
	size_t i, mx = 0, mn = SIZE_MAX, l;

	for (i = 0; i < n_nodes; i++) {
		if (nodes[i].flags)
			continue;
		l = load_of(owner, n_ips, nodes[i].id);
		if (l > mx)
			mx = l;
		if (l < mn)
			mn = l;
	}
	return mn == SIZE_MAX ? 0 : mx - mn;
}

/* ---- fixed cases ------------------------------------------------------------------------------ */

static void test_parse(void **state)
{
	struct kc_ipaddr a;
	char buf[64];

	(void)state;
	assert_int_equal(kc_ipaddr_parse("10.99.0.200/24", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.prefix, 24);
	assert_string_equal(kc_ipaddr_str(&a, buf, sizeof(buf)), "10.99.0.200/24");
	assert_int_equal(kc_ipaddr_parse("10.0.0.1", &a), 0);
	assert_int_equal(a.prefix, 32);
	assert_int_equal(kc_ipaddr_parse("fd00::5/64", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(kc_ipaddr_str(&a, buf, sizeof(buf)), "fd00::5/64");
	assert_int_equal(kc_ipaddr_parse("fd00::5", &a), 0);
	assert_int_equal(a.prefix, 128);
	assert_int_equal(kc_ipaddr_parse("10.0.0.1/33", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("fd00::1/129", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("10.0.0.1/", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("10.0.0.1/-1", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("10.0.0.1/24x", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("10.0.0/24", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("", &a), -EINVAL);
	assert_int_equal(kc_ipaddr_parse("eth0", &a), -EINVAL);
}

static void test_endpoint_parse(void **state)
{
	struct kc_tcp_conn c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(kc_tcp_endpoint_parse("10.99.0.200:445", &c, 1), 0);
	assert_int_equal(kc_tcp_endpoint_parse("10.99.0.100:50000", &c, 0), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.lport, 445);
	assert_int_equal(c.rport, 50000);
	assert_memory_equal(c.local, "\x0a\x63\x00\xc8", 4);
	assert_memory_equal(c.peer, "\x0a\x63\x00\x64", 4);
	/* families must match */
	assert_int_equal(kc_tcp_endpoint_parse("[fd00::1]:445", &c, 1), -EINVAL);
	assert_memory_equal(c.local, "\x0a\x63\x00\xc8\x00", 5);	/* untouched */
	assert_int_equal(c.lport, 445);
	memset(&c, 0, sizeof(c));
	assert_int_equal(kc_tcp_endpoint_parse("[fd00::1]:445", &c, 1), 0);
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.local[15], 1);
	assert_int_equal(kc_tcp_endpoint_parse("fd00::1:445", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse("[fd00::1]445", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse("10.0.0.1:0", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse("10.0.0.1:65536", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse("10.0.0.1:", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse("10.0.0.1", &c, 0), -EINVAL);
	assert_int_equal(kc_tcp_endpoint_parse(":445", &c, 0), -EINVAL);
}

static void test_invalid_input(void **state)
{
	struct kc_public_ip ips[2];
	struct kc_ip_node nodes[2];
	uint32_t owner[2];

	(void)state;
	mk_ip(&ips[0], 1, "eth0");
	mk_ip(&ips[1], 1, "eth1");	/* same address on another interface: still a duplicate */
	mk_node(&nodes[0], 1);
	mk_node(&nodes[1], 2);
	assert_int_equal(kc_ipalloc(ips, 2, nodes, 2, NULL, owner), -EINVAL);
	mk_ip(&ips[1], 2, "eth0");
	nodes[1].id = 1;
	assert_int_equal(kc_ipalloc(ips, 2, nodes, 2, NULL, owner), -EINVAL);
	nodes[1].id = 0;
	assert_int_equal(kc_ipalloc(ips, 2, nodes, 2, NULL, owner), -EINVAL);
	nodes[1].id = 2;
	ips[1].ip.family = AF_UNIX;
	assert_int_equal(kc_ipalloc(ips, 2, nodes, 2, NULL, owner), -EINVAL);
	mk_ip(&ips[1], 2, "eth0");
	assert_int_equal(kc_ipalloc(ips, 2, nodes, 2, NULL, owner), 0);
	assert_int_not_equal(owner[0], owner[1]);
}

static void test_no_eligible_node(void **state)
{
	struct kc_public_ip ips[3];
	struct kc_ip_node nodes[3];
	uint32_t owner[3];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++)
		mk_ip(&ips[i], (unsigned int)i, "eth0");
	assert_int_equal(kc_ipalloc(ips, 3, nodes, 0, NULL, owner), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(owner[i], KC_IP_UNASSIGNED);
	mk_node(&nodes[0], 1);
	nodes[0].flags = KC_NODE_DISABLED;
	mk_node(&nodes[1], 2);
	nodes[1].flags = KC_NODE_UNHEALTHY;
	mk_node(&nodes[2], 3);
	nodes[2].n_ifaces = 1;
	strcpy(nodes[2].ifaces[0], "eth1");
	assert_int_equal(kc_ipalloc(ips, 3, nodes, 3, NULL, owner), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(owner[i], KC_IP_UNASSIGNED);
	/* the interface-restricted node takes the one IP on its interface */
	strcpy(ips[1].iface, "eth1");
	assert_int_equal(kc_ipalloc(ips, 3, nodes, 3, NULL, owner), 0);
	assert_int_equal(owner[0], KC_IP_UNASSIGNED);
	assert_int_equal(owner[1], 3);
	assert_int_equal(owner[2], KC_IP_UNASSIGNED);
}

static void test_from_scratch_is_round_robin(void **state)
{
	struct kc_public_ip ips[6];
	struct kc_ip_node nodes[3];
	uint32_t owner[6];
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++)
		mk_ip(&ips[i], (unsigned int)i, "eth0");
	mk_node(&nodes[0], 7);
	mk_node(&nodes[1], 3);
	mk_node(&nodes[2], 5);
	assert_int_equal(kc_ipalloc(ips, 6, nodes, 3, NULL, owner), 0);
	/* canonical IP order to the least loaded node, lowest id first */
	assert_int_equal(owner[0], 3);
	assert_int_equal(owner[1], 5);
	assert_int_equal(owner[2], 7);
	assert_int_equal(owner[3], 3);
	assert_int_equal(owner[4], 5);
	assert_int_equal(owner[5], 7);
}

static void test_home_nodes_and_failback(void **state)
{
	struct kc_public_ip ips[4];
	struct kc_ip_node nodes[3];
	uint32_t owner[4], prev[4];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		mk_ip(&ips[i], (unsigned int)i, "eth0");
	ips[0].home[0] = 3;
	ips[0].n_home = 1;
	ips[1].home[0] = 2;
	ips[1].home[1] = 3;
	ips[1].n_home = 2;
	for (i = 0; i < 3; i++)
		mk_node(&nodes[i], (uint32_t)i + 1);
	assert_int_equal(kc_ipalloc(ips, 4, nodes, 3, NULL, owner), 0);
	assert_int_equal(owner[0], 3);
	assert_int_equal(owner[1], 2);
	/* home node 3 down: its IP goes elsewhere */
	nodes[2].flags = KC_NODE_UNHEALTHY;
	memcpy(prev, owner, sizeof(prev));
	assert_int_equal(kc_ipalloc(ips, 4, nodes, 3, prev, owner), 0);
	assert_true(owner[0] == 1 || owner[0] == 2);
	assert_int_equal(owner[1], 2);
	/* second home of IP 1 used when the first is disabled */
	nodes[2].flags = 0;
	nodes[1].flags = KC_NODE_DISABLED;
	memcpy(prev, owner, sizeof(prev));
	assert_int_equal(kc_ipalloc(ips, 4, nodes, 3, prev, owner), 0);
	assert_int_equal(owner[0], 3);	/* failback despite the previous owner */
	assert_int_equal(owner[1], 3);
	for (i = 0; i < 4; i++)
		assert_int_not_equal(owner[i], 2);
}

/* ---- properties ------------------------------------------------------------------------------- */

struct world {
	struct kc_public_ip ips[MAX_IPS];
	size_t n_ips;
	struct kc_ip_node all[MAX_NODES];	/* every configured node */
	int live[MAX_NODES];
	struct kc_ip_node nodes[MAX_NODES];	/* the live ones, as passed in */
	size_t n_nodes;
};

static void world_live(struct world *w)
{
	size_t i;

	w->n_nodes = 0;
	for (i = 0; i < MAX_NODES; i++)
		if (w->live[i])
			w->nodes[w->n_nodes++] = w->all[i];
}

/* random IP set and node set, optionally heterogeneous (interfaces, homes, flags) */
static void world_random(struct world *w, int hetero)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->n_ips = rng(MAX_IPS + 1);
	for (i = 0; i < w->n_ips; i++) {
		mk_ip(&w->ips[i], (unsigned int)(i * 7 + rng(5) * 301), hetero && rng(3) == 0 ? "eth1" : "eth0");
		if (hetero && rng(4) == 0) {
			w->ips[i].n_home = 1 + rng(2);
			w->ips[i].home[0] = 1 + rng(MAX_NODES);
			w->ips[i].home[1] = 1 + rng(MAX_NODES);
		}
	}
	for (i = 0; i < MAX_NODES; i++) {
		mk_node(&w->all[i], (uint32_t)i + 1);
		w->live[i] = rng(3) != 0;
		if (hetero && rng(4) == 0) {
			w->all[i].n_ifaces = 1;
			strcpy(w->all[i].ifaces[0], rng(2) ? "eth1" : "eth0");
		}
		if (hetero && rng(6) == 0)
			w->all[i].flags = rng(2) ? KC_NODE_DISABLED : KC_NODE_UNHEALTHY;
	}
	world_live(w);
}

static int may_host(const struct kc_ip_node *n, const struct kc_public_ip *ip)
{
	size_t i;

	if (n->flags)
		return 0;
	if (!n->n_ifaces)
		return 1;
	for (i = 0; i < n->n_ifaces; i++)
		if (!strcmp(n->ifaces[i], ip->iface))
			return 1;
	return 0;
}

static int in_home(const struct kc_public_ip *ip, uint32_t id)
{
	size_t i;

	for (i = 0; i < ip->n_home; i++)
		if (ip->home[i] == id)
			return 1;
	return 0;
}

static int allowed(const struct world *w, size_t ip, const struct kc_ip_node *n)
{
	size_t j;
	int home_up = 0;

	for (j = 0; j < w->n_nodes; j++)
		if (may_host(&w->nodes[j], &w->ips[ip]) && in_home(&w->ips[ip], w->nodes[j].id))
			home_up = 1;
	return may_host(n, &w->ips[ip]) && (!home_up || in_home(&w->ips[ip], n->id));
}

/* The invariants every result has, whatever the input. */
static void check_invariants(const struct world *w, const uint32_t *owner, unsigned int seed)
{
	size_t i, j;

	for (i = 0; i < w->n_ips; i++) {
		const struct kc_ip_node *o = NULL;
		int any = 0;

		for (j = 0; j < w->n_nodes; j++) {
			if (allowed(w, i, &w->nodes[j]))
				any = 1;
			if (w->nodes[j].id == owner[i])
				o = &w->nodes[j];
		}
		if (!any) {
			if (owner[i] != KC_IP_UNASSIGNED)
				fail_msg("seed %u: IP %zu has owner %u but no allowed node", seed, i, owner[i]);
			continue;
		}
		if (!o)
			fail_msg("seed %u: IP %zu unassigned or owned by a non-member (%u)", seed, i, owner[i]);
		if (!allowed(w, i, o))
			fail_msg("seed %u: IP %zu owned by node %u that may not host it", seed, i, o->id);
		/* no single move would improve the balance */
		for (j = 0; j < w->n_nodes; j++)
			if (allowed(w, i, &w->nodes[j]) &&
			    load_of(owner, w->n_ips, w->nodes[j].id) + 2 <= load_of(owner, w->n_ips, o->id))
				fail_msg("seed %u: IP %zu could move from node %u to %u", seed, i, o->id,
					 w->nodes[j].id);
	}
}

static void test_prop_invariants(void **state)
{
	struct world w;
	uint32_t owner[MAX_IPS], prev[MAX_IPS];
	unsigned int seed;
	size_t i;

	(void)state;
	for (seed = 1; seed <= 2000; seed++) {
		rng_seed(seed);
		world_random(&w, seed % 2);
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, NULL, owner), 0);
		check_invariants(&w, owner, seed);
		if (!(seed % 2) && w.n_nodes && w.n_ips &&
		    spread(owner, w.n_ips, w.nodes, w.n_nodes) > 1)
			fail_msg("seed %u: unbalanced from scratch", seed);
		/* random previous owners (some stale, some not members) */
		for (i = 0; i < w.n_ips; i++)
			prev[i] = rng(MAX_NODES + 2);
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, prev, owner), 0);
		check_invariants(&w, owner, seed);
	}
}

/* Same answer whatever the order of the IPs and of the nodes. */
static void test_prop_order_independent(void **state)
{
	struct world w;
	struct kc_public_ip ips2[MAX_IPS];
	struct kc_ip_node nodes2[MAX_NODES];
	uint32_t owner[MAX_IPS], owner2[MAX_IPS], prev[MAX_IPS], prev2[MAX_IPS];
	size_t perm[MAX_IPS], i, j, t;
	unsigned int seed;
	int p;

	(void)state;
	for (seed = 1; seed <= 1000; seed++) {
		rng_seed(seed);
		world_random(&w, 1);
		for (i = 0; i < w.n_ips; i++)
			prev[i] = rng(3) ? 1 + rng(MAX_NODES) : KC_IP_UNASSIGNED;
		for (p = 0; p < 2; p++) {
			const uint32_t *pv = p ? prev : NULL;

			assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, pv, owner), 0);
			for (i = 0; i < w.n_ips; i++)
				perm[i] = i;
			for (i = w.n_ips; i > 1; i--) {
				j = rng((uint32_t)i);
				t = perm[i - 1];
				perm[i - 1] = perm[j];
				perm[j] = t;
			}
			for (i = 0; i < w.n_ips; i++) {
				ips2[i] = w.ips[perm[i]];
				prev2[i] = prev[perm[i]];
			}
			for (i = 0; i < w.n_nodes; i++)
				nodes2[i] = w.nodes[w.n_nodes - 1 - i];
			for (i = w.n_nodes; i > 1; i--) {
				struct kc_ip_node tn;

				j = rng((uint32_t)i);
				tn = nodes2[i - 1];
				nodes2[i - 1] = nodes2[j];
				nodes2[j] = tn;
			}
			assert_int_equal(kc_ipalloc(ips2, w.n_ips, nodes2, w.n_nodes, p ? prev2 : NULL,
						    owner2), 0);
			for (i = 0; i < w.n_ips; i++)
				if (owner2[i] != owner[perm[i]])
					fail_msg("seed %u: IP %zu owner %u vs %u after reordering", seed,
						 perm[i], owner2[i], owner[perm[i]]);
		}
	}
}

/*
 * Random membership sequences with homogeneous nodes and no homes: a leave moves
 * only the leaver's IPs, a join moves IPs only to the joiner and exactly as many
 * as balance needs, nothing moves when nothing changed, loads stay within one.
 */
static void test_prop_sticky_sequences(void **state)
{
	struct world w;
	uint32_t owner[MAX_IPS], prev[MAX_IPS];
	unsigned int seed, step;
	size_t i, moved, live_before;

	(void)state;
	for (seed = 1; seed <= 200; seed++) {
		rng_seed(seed);
		world_random(&w, 0);
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, NULL, owner), 0);
		for (step = 0; step < 60; step++) {
			size_t x = rng(MAX_NODES);
			uint32_t id = w.all[x].id;
			int joined;

			memcpy(prev, owner, sizeof(prev));
			live_before = w.n_nodes;
			w.live[x] = !w.live[x];
			joined = w.live[x];
			world_live(&w);
			assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, prev, owner), 0);
			check_invariants(&w, owner, seed);
			if (w.n_nodes && spread(owner, w.n_ips, w.nodes, w.n_nodes) > 1)
				fail_msg("seed %u step %u: unbalanced", seed, step);
			moved = 0;
			for (i = 0; i < w.n_ips; i++) {
				if (owner[i] == prev[i])
					continue;
				moved++;
				if (!joined && prev[i] != id)
					fail_msg("seed %u step %u: node %u left but IP %zu moved %u -> %u",
						 seed, step, id, i, prev[i], owner[i]);
				if (joined && live_before && owner[i] != id)
					fail_msg("seed %u step %u: node %u joined but IP %zu moved %u -> %u",
						 seed, step, id, i, prev[i], owner[i]);
			}
			/* a joiner takes exactly floor(n_ips / n_nodes) (it ends as a least loaded node) */
			if (joined && live_before && moved != w.n_ips / w.n_nodes)
				fail_msg("seed %u step %u: join moved %zu IPs, want %zu", seed, step, moved,
					 w.n_ips / w.n_nodes);
			if (!joined && moved != load_of(prev, w.n_ips, id))
				fail_msg("seed %u step %u: leave moved %zu IPs", seed, step, moved);
			/* recomputing with nothing changed moves nothing */
			memcpy(prev, owner, sizeof(prev));
			assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, prev, owner), 0);
			assert_memory_equal(prev, owner, sizeof(uint32_t) * w.n_ips);
		}
	}
}

/* Disabling (draining) a node moves its IPs away and only those; enabling brings some back. */
static void test_prop_drain(void **state)
{
	struct world w;
	uint32_t owner[MAX_IPS], prev[MAX_IPS];
	unsigned int seed;
	size_t i, x;

	(void)state;
	for (seed = 1; seed <= 300; seed++) {
		rng_seed(seed);
		world_random(&w, 0);
		if (w.n_nodes < 2)
			continue;
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, NULL, owner), 0);
		memcpy(prev, owner, sizeof(prev));
		x = rng((uint32_t)w.n_nodes);
		w.nodes[x].flags = KC_NODE_DISABLED;
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, prev, owner), 0);
		for (i = 0; i < w.n_ips; i++) {
			assert_int_not_equal(owner[i], w.nodes[x].id);
			assert_int_not_equal(owner[i], KC_IP_UNASSIGNED);
			if (prev[i] != w.nodes[x].id)
				assert_int_equal(owner[i], prev[i]);
		}
		assert_true(spread(owner, w.n_ips, w.nodes, w.n_nodes) <= 1);
		memcpy(prev, owner, sizeof(prev));
		w.nodes[x].flags = 0;
		assert_int_equal(kc_ipalloc(w.ips, w.n_ips, w.nodes, w.n_nodes, prev, owner), 0);
		assert_int_equal(load_of(owner, w.n_ips, w.nodes[x].id), w.n_ips / w.n_nodes);
		assert_true(spread(owner, w.n_ips, w.nodes, w.n_nodes) <= 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_no_eligible_node),
		cmocka_unit_test(test_from_scratch_is_round_robin),
		cmocka_unit_test(test_home_nodes_and_failback),
		cmocka_unit_test(test_prop_invariants),
		cmocka_unit_test(test_prop_order_independent),
		cmocka_unit_test(test_prop_sticky_sequences),
		cmocka_unit_test(test_prop_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
