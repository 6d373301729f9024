// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Public-IP failover in ksmbd-clusterd: drives libkcip (ipalloc.h, ipctl.h) from the
 * membership, the quorum and the registry (docs/architecture.md, "Public IPs").
 *
 * cd_ipfo_kick() is called whenever one of the inputs may have changed; the work runs from a
 * zero-delay loop timer, so a burst of events is handled once. Every node computes the same
 * assignment of the registry's "ip:" records to the live (CPG members), enabled (node table)
 * nodes with kc_ipalloc, the previous assignment as input for stickiness. Then, on this node,
 * first the addresses it lost are released (their connections reset), then the ones it gained
 * are taken and announced again every 500 ms for about 2 s: a switch or client that missed
 * the first gratuitous ARP (the port was still learning, the packet was dropped) would keep
 * sending to the old owner's MAC address until its ARP cache entry expires.
 *
 * Without quorum, or without corosync, this node holds nothing: a minority partition must
 * not answer on addresses the majority takes over. A node whose state is not the agreed one
 * yet (joining) keeps what it has and takes nothing. A periodic check (every 2 s) repairs an
 * address that was removed by hand or a take that failed.
 *
 * Tickle ACKs to the clients of a taken address (kc_ip_tickle) need the list of connections
 * the previous owner had; nodes do not share it yet, so clients of a failed node reconnect
 * when their own retransmission timer fires.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbutil.h>

#include "clusterd.h"
#include "ipalloc.h"
#include "ipctl.h"
#include "log.h"
#include "pstore.h"

#define IPFO_ANNOUNCE_MS 500
#define IPFO_ANNOUNCE_ROUNDS 4
#define IPFO_RECHECK_MS 2000

struct ipfo_entry {
	struct kc_public_ip ip;
	char text[64];
	uint32_t owner;		/* as computed here; KC_IP_UNASSIGNED: nobody */
	bool held;		/* added to the interface by this node */
	int announce_left;
};

static struct ipfo_entry *ents;
static size_t n_ents;
static bool kick_armed, announce_armed, recheck_armed;
static qb_loop_timer_handle kick_timer, announce_timer, recheck_timer;

struct collect {
	struct clusterd *cd;
	struct ipfo_entry *v;
	size_t n, cap;
};

static uint32_t node_id_of(const struct clusterd *cd, const char *name)
{
	for (size_t i = 0; i < cd->nnodes; i++)
		if (!strcmp(cd->nodes[i].name, name))
			return cd->nodes[i].nodeid;
	return 0;
}

static int collect_ip(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen,
		      void *arg)
{
	struct collect *c = arg;
	struct pstore_public_ip *p;
	struct pstore_rec *rec;
	struct ipfo_entry *e;
	char text[80];

	(void)key;
	(void)klen;
	if (pstore_rec_decode(val, vlen, &rec, NULL))
		return 0;
	if (rec->type != PSTORE_T_PUBLIC_IP)
		goto out;
	p = (struct pstore_public_ip *)rec;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		void *v = realloc(c->v, cap * sizeof(*c->v));

		if (!v) {
			pstore_rec_free(rec);
			return -ENOMEM;
		}
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	snprintf(text, sizeof(text), "%s/%u", p->address, p->prefix_len);
	if (kc_ipaddr_parse(text, &e->ip.ip) || !p->interface ||
	    strlen(p->interface) >= KC_IP_IFNAMSIZ) {
		log_warnx("public ip %s: unusable record ignored", p->address);
		goto out;
	}
	strcpy(e->ip.iface, p->interface);
	for (size_t i = 0; p->home && p->home[i] && e->ip.n_home < KC_IP_MAX_HOME; i++) {
		uint32_t id = node_id_of(c->cd, p->home[i]);

		if (id)
			e->ip.home[e->ip.n_home++] = id;
	}
	kc_ipaddr_str(&e->ip.ip, e->text, sizeof(e->text));
	c->n++;
out:
	pstore_rec_free(rec);
	return 0;
}

static bool node_disabled(struct clusterd *cd, uint32_t id)
{
	struct kc_bytes val = { 0 };
	struct pstore_rec *rec;
	char key[32];
	bool off = false;

	snprintf(key, sizeof(key), "node:%010u", id);
	if (!cd->sm.ops->get(cd->sm.impl, key, strlen(key), &val) &&
	    !pstore_rec_decode(val.data, val.len, &rec, NULL)) {
		off = rec->type == PSTORE_T_NODE &&
		      ((struct pstore_node *)rec)->state == PSTORE_NODE_DISABLED;
		pstore_rec_free(rec);
	}
	kc_bytes_free(&val);
	return off;
}

static void take(struct ipfo_entry *e)
{
	struct kc_ipctl_err err;
	int ret = kc_ip_take(&e->ip.ip, e->ip.iface, &err);

	if (ret < 0) {
		log_warnx("public ip %s: cannot take it on %s: %s", e->text, e->ip.iface, err.msg);
		return;
	}
	e->held = true;
	e->announce_left = IPFO_ANNOUNCE_ROUNDS;
	log_info("public ip %s: taken on %s", e->text, e->ip.iface);
}

static void release(struct ipfo_entry *e)
{
	struct kc_ipctl_err err;
	size_t n = 0;
	int ret = kc_ip_release(&e->ip.ip, e->ip.iface, &n, &err);

	if (ret < 0) {
		log_warnx("public ip %s: cannot release it: %s", e->text, err.msg);
		return;
	}
	e->held = false;
	e->announce_left = 0;
	if (ret == 0 || n)
		log_info("public ip %s: released (%zu connection(s) reset)", e->text, n);
}

static void on_announce(void *data);

static void arm_announce(struct clusterd *cd)
{
	bool any = false;

	for (size_t i = 0; i < n_ents; i++)
		any |= ents[i].held && ents[i].announce_left > 0;
	if (any && !announce_armed &&
	    !qb_loop_timer_add(cd->loop, QB_LOOP_MED, IPFO_ANNOUNCE_MS * QB_TIME_NS_IN_MSEC, cd,
			       on_announce, &announce_timer))
		announce_armed = true;
}

static void on_announce(void *data)
{
	struct clusterd *cd = data;

	announce_armed = false;
	for (size_t i = 0; i < n_ents; i++) {
		struct ipfo_entry *e = &ents[i];
		struct kc_ipctl_err err;

		if (!e->held || e->announce_left <= 0)
			continue;
		e->announce_left--;
		if (kc_ip_announce(&e->ip.ip, e->ip.iface, 1, &err) < 0)
			log_warnx("public ip %s: announcement failed: %s", e->text, err.msg);
	}
	arm_announce(cd);
}

static void update(struct clusterd *cd)
{
	struct collect c = { .cd = cd };
	struct kc_ip_node nodes[CD_MAX_MEMBERS];
	size_t nn = 0;
	uint32_t *prev = NULL, *owner = NULL;
	struct kc_public_ip *ips = NULL;
	bool *fresh = NULL;
	bool may_hold = cd->connected && cd->quorate;
	int ret;

	if (!may_hold) {
		for (size_t i = 0; i < n_ents; i++) {
			if (ents[i].held)
				release(&ents[i]);
			ents[i].owner = KC_IP_UNASSIGNED;
		}
		return;
	}
	if (!cd->synced)
		return;		/* joining: keep what is held until the state is the agreed one */
	if (cd->sm.ops->list(cd->sm.impl, "ip:", 3, collect_ip, &c)) {
		log_warnx("public ips: cannot read the registry");
		free(c.v);
		return;
	}
	for (size_t i = 0; i < cd->nmembers; i++) {
		uint32_t id = cd->members[i].nodeid;

		if (nn && nodes[nn - 1].id == id)	/* members are sorted by (nodeid, pid) */
			continue;
		nodes[nn] = (struct kc_ip_node){ .id = id };
		if (node_disabled(cd, id))
			nodes[nn].flags |= KC_NODE_DISABLED;
		nn++;
	}
	prev = calloc(c.n ? c.n : 1, sizeof(*prev));
	owner = calloc(c.n ? c.n : 1, sizeof(*owner));
	fresh = calloc(c.n ? c.n : 1, sizeof(*fresh));
	if (!prev || !owner || !fresh)
		goto out;
	/* carry over the previous owner and whether this node holds the address; an address
	 * not seen before may be left on the interface by an earlier run that was killed */
	for (size_t i = 0; i < c.n; i++) {
		fresh[i] = true;	/* unknown: released below unless it is ours */
		for (size_t j = 0; j < n_ents; j++)
			if (!kc_ipaddr_cmp(&c.v[i].ip.ip, &ents[j].ip.ip)) {
				prev[i] = ents[j].owner;
				if (ents[j].held && strcmp(ents[j].ip.iface, c.v[i].ip.iface))
					release(&ents[j]);	/* moved to another interface */
				fresh[i] = false;
				c.v[i].held = ents[j].held;
				c.v[i].announce_left = ents[j].announce_left;
				ents[j].held = false;
				break;
			}
	}
	ips = calloc(c.n ? c.n : 1, sizeof(*ips));
	if (!ips)
		goto out;
	for (size_t i = 0; i < c.n; i++)
		ips[i] = c.v[i].ip;
	ret = kc_ipalloc(ips, c.n, nodes, nn, prev, owner);
	if (ret) {
		log_warnx("public ips: no assignment: %s", strerror(-ret));
		goto out;
	}
	/* addresses gone from the registry */
	for (size_t j = 0; j < n_ents; j++)
		if (ents[j].held)
			release(&ents[j]);
	for (size_t i = 0; i < c.n; i++) {
		c.v[i].owner = owner[i];
		if ((c.v[i].held || fresh[i]) && owner[i] != cd->nodeid)
			release(&c.v[i]);
	}
	for (size_t i = 0; i < c.n; i++)
		if (owner[i] == cd->nodeid && !c.v[i].held)
			take(&c.v[i]);
	free(ents);
	ents = c.v;
	n_ents = c.n;
	c.v = NULL;
	arm_announce(cd);
out:
	free(fresh);
	free(ips);
	free(c.v);
	free(prev);
	free(owner);
}

static void on_kick(void *data)
{
	kick_armed = false;
	update(data);
}

static void on_recheck(void *data)
{
	struct clusterd *cd = data;

	recheck_armed = false;
	update(cd);
	if (!qb_loop_timer_add(cd->loop, QB_LOOP_LOW, IPFO_RECHECK_MS * QB_TIME_NS_IN_MSEC, cd,
			       on_recheck, &recheck_timer))
		recheck_armed = true;
}

void cd_ipfo_kick(struct clusterd *cd)
{
	if (!cd->loop || kick_armed)
		return;
	if (!qb_loop_timer_add(cd->loop, QB_LOOP_HIGH, 0, cd, on_kick, &kick_timer))
		kick_armed = true;
	if (!recheck_armed &&
	    !qb_loop_timer_add(cd->loop, QB_LOOP_LOW, IPFO_RECHECK_MS * QB_TIME_NS_IN_MSEC, cd,
			       on_recheck, &recheck_timer))
		recheck_armed = true;
}

void cd_ipfo_stop(struct clusterd *cd)
{
	if (kick_armed)
		qb_loop_timer_del(cd->loop, kick_timer);
	if (announce_armed)
		qb_loop_timer_del(cd->loop, announce_timer);
	if (recheck_armed)
		qb_loop_timer_del(cd->loop, recheck_timer);
	kick_armed = announce_armed = recheck_armed = false;
	for (size_t i = 0; i < n_ents; i++)
		if (ents[i].held)
			release(&ents[i]);
	free(ents);
	ents = NULL;
	n_ents = 0;
}

int cd_ipfo_status(struct kc_bytes *b)
{
	int ret = kc_bytes_put_u32(b, n_ents);

	for (size_t i = 0; !ret && i < n_ents; i++) {
		size_t l = strlen(ents[i].text);
		uint8_t lh[2] = { l & 0xff, l >> 8 };
		uint8_t held = ents[i].held;

		ret = kc_bytes_put(b, lh, 2);
		ret = ret ?: kc_bytes_put(b, ents[i].text, l);
		ret = ret ?: kc_bytes_put_u32(b, ents[i].owner);
		ret = ret ?: kc_bytes_put(b, &held, 1);
	}
	return ret;
}
