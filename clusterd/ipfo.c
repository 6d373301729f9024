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
 * Release before take. An address is never added by its new owner before the old owner
 * has deleted it: who holds what is agreed through the CPG stream itself. Every node keeps
 * a holder table built only from messages delivered in agreed order, so all members have
 * the same table at the same point of the stream:
 *
 *   IP_STATE  (sent after every membership change, after every release, and whenever the
 *             table disagrees with what the sender really holds): the sender's holdings;
 *   IP_CLAIM  the sender wants an address it was assigned. When it is delivered, the claim
 *             wins if nobody holds the address, the sender already does, the holder is no
 *             longer a member (dead or partitioned away: no waiting), or it is forced; the
 *             holder becomes the sender on every node, and the sender adds the address
 *             right then, inside the delivery. A claim that loses is dropped; the sender
 *             claims again when the table changes (the holder's IP_STATE after its release).
 *
 * A planned move (ip move, node disable, a join rebalancing) is therefore: the old owner
 * releases (resets its connections, deletes the address) and multicasts IP_STATE; the new
 * owner's claim wins only after that message; the address is never on two nodes. A holder
 * that is a member but does not release within IPFO_RELEASE_WAIT_MS (a hung daemon) is
 * overridden by a forced claim. A node claims only once it has an IP_STATE from every
 * current member (a joining node's table starts empty). Each claim costs one CPG round trip
 * (about a millisecond) before the take.
 *
 * Tickle ACKs: the connections database lists the client connections on every public IP
 * (ipconn.c keeps it, scanning this node's sockets every second). When this node takes an
 * address, it sends a tickle ACK to every client recorded on it by another node, and again
 * with every repeated announcement: each client answers with its real sequence numbers, this
 * node's kernel answers RST, and the client reconnects at once instead of waiting for its
 * retransmission timer (or forever, when idle).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qb/qbutil.h>

#include "clusterd.h"
#include "ipalloc.h"
#include "ipctl.h"
#include "log.h"
#include "pstore.h"

#define IPFO_ANNOUNCE_MS 500
#define IPFO_ANNOUNCE_ROUNDS 4
#define IPFO_RECHECK_MS 2000
#define IPFO_SCAN_MS 1000		/* the connection scan (ipconn.c) */
#define IPFO_RELEASE_WAIT_MS 3000	/* a live holder that does not release: forced claim */
#define IPFO_CLAIM_LOST_MS 5000		/* a claim never delivered (corosync trouble) */

struct ipfo_entry {
	struct kc_public_ip ip;
	char text[64];
	uint32_t owner;		/* as computed here; KC_IP_UNASSIGNED: nobody */
	bool held;		/* added to the interface by this node */
	int announce_left;
	uint64_t claim_ms;	/* our IP_CLAIM is on its way (0: none) */
	uint64_t wait_ms;	/* since when a live holder keeps it from us (0: not waiting) */
};

static struct ipfo_entry *ents;
static size_t n_ents;
static bool kick_armed, announce_armed, recheck_armed, scan_armed;
static qb_loop_timer_handle kick_timer, announce_timer, recheck_timer, scan_timer;

/* The holder table (see the top): built from delivered IP_STATE and IP_CLAIM messages only. */
struct ipfo_holder {
	struct kc_ipaddr ip;
	uint32_t nodeid, pid;
};
static struct ipfo_holder *holders;
static size_t n_holders, cap_holders;
/* Members whose IP_STATE arrived since this node connected: it claims only when all did. */
static struct { uint32_t nodeid, pid; } seen[CD_MAX_MEMBERS];
static size_t n_seen;
static bool state_in_flight;	/* our IP_STATE is on its way */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

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

static void take_and_tickle(struct clusterd *cd, struct ipfo_entry *e)
{
	size_t n;

	take(e);
	if (!e->held)
		return;
	n = cd_ipconn_tickle(cd, &e->ip.ip, e->text);
	if (n)
		log_info("public ip %s: tickle ACKs to %zu client connection(s) recorded on it",
			 e->text, n);
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
		cd_ipconn_tickle(cd, &e->ip.ip, e->text);	/* for clients that missed one */
	}
	arm_announce(cd);
}

/* ---- the holder table ------------------------------------------------------------------- */

static bool is_member(const struct clusterd *cd, uint32_t nodeid, uint32_t pid)
{
	for (size_t i = 0; i < cd->nmembers; i++)
		if (cd->members[i].nodeid == nodeid && cd->members[i].pid == pid)
			return true;
	return false;
}

static struct ipfo_holder *holder_of(const struct kc_ipaddr *ip)
{
	for (size_t i = 0; i < n_holders; i++)
		if (!kc_ipaddr_cmp(&holders[i].ip, ip))
			return &holders[i];
	return NULL;
}

static void holder_set(const struct kc_ipaddr *ip, uint32_t nodeid, uint32_t pid)
{
	struct ipfo_holder *h = holder_of(ip);

	if (!h) {
		if (n_holders == cap_holders) {
			size_t cap = cap_holders ? 2 * cap_holders : 8;
			void *v = realloc(holders, cap * sizeof(*holders));

			if (!v) {
				log_warnx("public ips: out of memory in the holder table");
				return;
			}
			holders = v;
			cap_holders = cap;
		}
		h = &holders[n_holders++];
		h->ip = *ip;
	}
	h->nodeid = nodeid;
	h->pid = pid;
}

/* Drop the entries of (nodeid, pid), or with nodeid 0 those of every non-member. */
static void holders_drop(const struct clusterd *cd, uint32_t nodeid, uint32_t pid)
{
	size_t k = 0;

	for (size_t i = 0; i < n_holders; i++) {
		bool drop = nodeid ? holders[i].nodeid == nodeid && holders[i].pid == pid :
				     !is_member(cd, holders[i].nodeid, holders[i].pid);

		if (!drop)
			holders[k++] = holders[i];
	}
	n_holders = k;
}

static bool mine(const struct clusterd *cd, const struct ipfo_holder *h)
{
	return h && h->nodeid == cd->nodeid && h->pid == cd->pid;
}

/* Every current member's IP_STATE arrived: the table is complete here. */
static bool table_complete(const struct clusterd *cd)
{
	for (size_t i = 0; i < cd->nmembers; i++) {
		size_t j;

		for (j = 0; j < n_seen; j++)
			if (seen[j].nodeid == cd->members[i].nodeid &&
			    seen[j].pid == cd->members[i].pid)
				break;
		if (j == n_seen)
			return false;
	}
	return true;
}

static void send_state(struct clusterd *cd)
{
	struct kc_bytes b = { 0 };
	int ret = 0;

	for (size_t i = 0; !ret && i < n_ents; i++) {
		char text[64];

		if (ents[i].held) {
			kc_ipaddr_str(&ents[i].ip.ip, text, sizeof(text));
			ret = kc_bytes_put(&b, text, strlen(text) + 1);
		}
	}
	ret = ret ?: kc_bytes_put_u8(&b, 0);	/* never empty; an empty string ends it */
	if (!ret)
		ret = cd_repl_send_ip(cd, CD_MSG_IP_STATE, b.data, b.len);
	if (!ret)
		state_in_flight = true;
	else if (ret != -ENOTCONN)
		log_warnx("public ips: cannot send this node's holdings: %s", strerror(-ret));
	kc_bytes_free(&b);
}

/* Whether the table says what this node really holds (it held, or it is the holder). */
static bool table_agrees(const struct clusterd *cd)
{
	for (size_t i = 0; i < n_ents; i++)
		if (ents[i].held != mine(cd, holder_of(&ents[i].ip.ip)))
			return false;
	for (size_t i = 0; i < n_holders; i++) {
		bool held = false;

		if (!mine(cd, &holders[i]))
			continue;
		for (size_t j = 0; j < n_ents; j++)
			if (!kc_ipaddr_cmp(&ents[j].ip.ip, &holders[i].ip))
				held = ents[j].held;
		if (!held)
			return false;
	}
	return true;
}

static void claim(struct clusterd *cd, struct ipfo_entry *e)
{
	struct ipfo_holder *h = holder_of(&e->ip.ip);
	uint64_t now = now_ms();
	struct kc_bytes b = { 0 };
	uint8_t force = 0;
	char text[64];
	int ret;

	if (e->claim_ms && now - e->claim_ms < IPFO_CLAIM_LOST_MS)
		return;		/* on its way */
	if (!table_complete(cd))
		return;		/* wait for every member's IP_STATE */
	if (h && !mine(cd, h) && is_member(cd, h->nodeid, h->pid)) {
		if (!e->wait_ms) {
			e->wait_ms = now;
			log_info("public ip %s: waiting for node %u to release it", e->text,
				 h->nodeid);
		}
		if (now - e->wait_ms < IPFO_RELEASE_WAIT_MS)
			return;
		log_warnx("public ip %s: node %u did not release it within %d ms: taking it",
			  e->text, h->nodeid, IPFO_RELEASE_WAIT_MS);
		force = 1;
	}
	kc_ipaddr_str(&e->ip.ip, text, sizeof(text));
	ret = kc_bytes_put_u8(&b, force);
	ret = ret ?: kc_bytes_put(&b, text, strlen(text) + 1);
	ret = ret ?: cd_repl_send_ip(cd, CD_MSG_IP_CLAIM, b.data, b.len);
	kc_bytes_free(&b);
	if (!ret)
		e->claim_ms = now;
}

static struct ipfo_entry *entry_of(const struct kc_ipaddr *ip)
{
	for (size_t i = 0; i < n_ents; i++)
		if (!kc_ipaddr_cmp(&ents[i].ip.ip, ip))
			return &ents[i];
	return NULL;
}

static void on_state(struct clusterd *cd, uint32_t nodeid, uint32_t pid, const char *p,
		     size_t len)
{
	holders_drop(cd, nodeid, pid);
	while (len && *p) {
		size_t l = strnlen(p, len);
		struct kc_ipaddr ip;

		if (l == len)
			break;	/* not terminated */
		if (!kc_ipaddr_parse(p, &ip))
			holder_set(&ip, nodeid, pid);
		p += l + 1;
		len -= l + 1;
	}
	if (n_seen < CD_MAX_MEMBERS) {
		size_t j;

		for (j = 0; j < n_seen; j++)
			if (seen[j].nodeid == nodeid && seen[j].pid == pid)
				break;
		if (j == n_seen) {
			seen[n_seen].nodeid = nodeid;
			seen[n_seen].pid = pid;
			n_seen++;
		}
	}
	if (nodeid == cd->nodeid && pid == cd->pid)
		state_in_flight = false;
}

static void on_claim(struct clusterd *cd, uint32_t nodeid, uint32_t pid, const uint8_t *p,
		     size_t len)
{
	struct ipfo_holder *h;
	struct ipfo_entry *e;
	struct kc_ipaddr ip;
	bool own = nodeid == cd->nodeid && pid == cd->pid, won;

	if (len < 2 || p[len - 1] || kc_ipaddr_parse((const char *)p + 1, &ip))
		return;
	h = holder_of(&ip);
	won = !h || (h->nodeid == nodeid && h->pid == pid) || !is_member(cd, h->nodeid, h->pid) ||
	      p[0];
	if (won)
		holder_set(&ip, nodeid, pid);
	if (!own)
		return;
	e = entry_of(&ip);
	if (!e)
		return;		/* gone from the registry meanwhile: IP_STATE corrects the table */
	e->claim_ms = 0;
	e->wait_ms = 0;
	if (won && !e->held && e->owner == cd->nodeid && cd->connected && cd->quorate)
		take_and_tickle(cd, e);
}

void cd_ipfo_deliver(struct clusterd *cd, int type, uint32_t nodeid, uint32_t pid,
		     const void *p, size_t len)
{
	if (type == CD_MSG_IP_STATE)
		on_state(cd, nodeid, pid, p, len);
	else if (type == CD_MSG_IP_CLAIM)
		on_claim(cd, nodeid, pid, p, len);
	cd_ipfo_kick(cd);
}

void cd_ipfo_confchg(struct clusterd *cd)
{
	size_t k = 0;

	holders_drop(cd, 0, 0);
	for (size_t j = 0; j < n_seen; j++)
		if (is_member(cd, seen[j].nodeid, seen[j].pid))
			seen[k++] = seen[j];
	n_seen = k;
	send_state(cd);		/* members that joined learn what this node holds */
}

void cd_ipfo_reset(struct clusterd *cd)
{
	(void)cd;
	n_holders = 0;
	n_seen = 0;
	state_in_flight = false;
	for (size_t i = 0; i < n_ents; i++)
		ents[i].claim_ms = ents[i].wait_ms = 0;
}

/* ---- the assignment ---------------------------------------------------------------------- */

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
		bool any = false;

		for (size_t i = 0; i < n_ents; i++) {
			if (ents[i].held) {
				release(&ents[i]);
				any = true;
			}
			ents[i].owner = KC_IP_UNASSIGNED;
		}
		if (any && cd->connected)
			send_state(cd);
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
				c.v[i].claim_ms = ents[j].claim_ms;
				c.v[i].wait_ms = ents[j].wait_ms;
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
	free(ents);
	ents = c.v;
	n_ents = c.n;
	c.v = NULL;
	/* what this node released is known to the others before anything is claimed */
	if (!state_in_flight && !table_agrees(cd))
		send_state(cd);
	for (size_t i = 0; i < n_ents; i++) {
		if (ents[i].owner == cd->nodeid && !ents[i].held)
			claim(cd, &ents[i]);
		else
			ents[i].wait_ms = 0;
	}
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

/* Record this node's client connections on the addresses it holds (ipconn.c). */
static void on_scan(void *data)
{
	struct clusterd *cd = data;
	struct cd_held_ip *held = calloc(n_ents ? n_ents : 1, sizeof(*held));
	size_t n = 0;

	scan_armed = false;
	if (held) {
		for (size_t i = 0; i < n_ents; i++)
			if (ents[i].held)
				held[n++] = (struct cd_held_ip){ .ip = &ents[i].ip.ip,
								 .settled = ents[i].announce_left <= 0 };
		cd_ipconn_scan(cd, held, n);
		free(held);
	}
	if (!qb_loop_timer_add(cd->loop, QB_LOOP_LOW, IPFO_SCAN_MS * QB_TIME_NS_IN_MSEC, cd,
			       on_scan, &scan_timer))
		scan_armed = true;
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
	if (!scan_armed &&
	    !qb_loop_timer_add(cd->loop, QB_LOOP_LOW, IPFO_SCAN_MS * QB_TIME_NS_IN_MSEC, cd,
			       on_scan, &scan_timer))
		scan_armed = true;
}

void cd_ipfo_stop(struct clusterd *cd)
{
	if (kick_armed)
		qb_loop_timer_del(cd->loop, kick_timer);
	if (announce_armed)
		qb_loop_timer_del(cd->loop, announce_timer);
	if (recheck_armed)
		qb_loop_timer_del(cd->loop, recheck_timer);
	if (scan_armed)
		qb_loop_timer_del(cd->loop, scan_timer);
	kick_armed = announce_armed = recheck_armed = scan_armed = false;
	for (size_t i = 0; i < n_ents; i++)
		if (ents[i].held)
			release(&ents[i]);
	free(ents);
	ents = NULL;
	n_ents = 0;
	free(holders);
	holders = NULL;
	n_holders = cap_holders = 0;
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
