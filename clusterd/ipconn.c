// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The replicated list of client connections to public IPs ("connections" database, records
 * "conn:SERVER/PORT/CLIENT/PORT", persistent-store/pstore.h), which lets the node that takes
 * over an address send tickle ACKs to the clients of the node that had it.
 *
 * Who records. clusterd itself: every second (ipfo.c's scan timer) it lists, with sock_diag
 * (kc_ip_conns), the established TCP connections whose local address is a public IP this node
 * holds, and orders a SET for each one that has no record (or a record of another owner) and
 * a DEL for each record of a held address whose connection is gone. So the engine and mountd
 * need no new protocol, both engines (kernel module, user space) are covered alike, and so is
 * any other TCP service on the address; the price is that a connection younger than the scan
 * interval at a failure is not tickled (its client notices at its own retransmission timeout).
 *
 * Records of another owner on an address this node holds are left alone until the address
 * is "settled" (taken, tickled and announced for about 2 s): then they are stale, and go.
 * Records this node owns on an address it no longer holds go too (it reset them at release).
 * Records of addresses nobody holds stay until someone takes the address.
 *
 * Every change is an ordinary mutation of the replicated state machine (cd_repl_submit_local),
 * so every node has the same list; nothing is ordered while the node has no quorum, is not
 * in sync, or still waits for its previous scan's mutations.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clusterd.h"
#include "ipalloc.h"
#include "ipctl.h"
#include "log.h"
#include "pstore.h"
#include "registry.h"

#define IPCONN_MAX_MUTS 256	/* per scan */

struct conn_rec {
	char *key;
	struct kc_tcp_conn c;
	uint32_t owner;
	bool seen;		/* still established here */
};

struct conn_list {
	struct conn_rec *v;
	size_t n, cap;
	const struct kc_ipaddr *only;	/* NULL: all */
};

static int addr_parse(const char *s, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static bool on_ip(const struct kc_tcp_conn *c, const struct kc_ipaddr *ip)
{
	return c->family == ip->family &&
	       !memcmp(c->local, ip->addr, ip->family == AF_INET ? 4 : 16);
}

static int collect(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, void *arg)
{
	struct conn_list *l = arg;
	struct pstore_connection *pc;
	struct pstore_rec *rec;
	struct conn_rec r = { 0 };
	int fam2;

	if (pstore_rec_decode(val, vlen, &rec, NULL))
		return 0;
	if (rec->type != PSTORE_T_CONNECTION)
		goto out;
	pc = (struct pstore_connection *)rec;
	if (addr_parse(pc->server_addr, &r.c.family, r.c.local) ||
	    addr_parse(pc->client_addr, &fam2, r.c.peer) || fam2 != r.c.family)
		goto out;
	r.c.lport = (uint16_t)pc->server_port;
	r.c.rport = (uint16_t)pc->client_port;
	r.owner = pc->owner_node;
	if (l->only && !on_ip(&r.c, l->only))
		goto out;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct conn_rec *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			pstore_rec_free(rec);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	r.key = strndup((const char *)key, klen);
	if (!r.key) {
		pstore_rec_free(rec);
		return -ENOMEM;
	}
	l->v[l->n++] = r;
out:
	pstore_rec_free(rec);
	return 0;
}

static void list_free(struct conn_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].key);
	free(l->v);
}

static int list_records(struct clusterd *cd, const struct kc_ipaddr *only, struct conn_list *l)
{
	memset(l, 0, sizeof(*l));
	l->only = only;
	return cd->sm.ops->list(cd->sm.impl, "conn:", 5, collect, l);
}

static bool same_conn(const struct kc_tcp_conn *a, const struct kc_tcp_conn *b)
{
	size_t al = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->local, b->local, al) && !memcmp(a->peer, b->peer, al);
}

static int put_record(struct clusterd *cd, const struct kc_tcp_conn *c)
{
	struct pstore_connection *pc =
		(struct pstore_connection *)pstore_rec_new(PSTORE_T_CONNECTION);
	char srv[INET6_ADDRSTRLEN], cli[INET6_ADDRSTRLEN];
	struct kc_bytes m = { 0 };
	int ret;

	if (!pc)
		return -ENOMEM;
	if (!inet_ntop(c->family, c->local, srv, sizeof(srv)) ||
	    !inet_ntop(c->family, c->peer, cli, sizeof(cli))) {
		pstore_rec_free(&pc->rec);
		return -EINVAL;
	}
	pc->owner_node = cd->nodeid;
	pc->server_addr = strdup(srv);
	pc->server_port = c->lport;
	pc->client_addr = strdup(cli);
	pc->client_port = c->rport;
	pc->established = (uint64_t)time(NULL);
	ret = pc->server_addr && pc->client_addr ?
	      kc_registry_mut_put(&m, KC_SM_OP_SET, &pc->rec) : -ENOMEM;
	pstore_rec_free(&pc->rec);
	ret = ret ?: cd_repl_submit_local(cd, m.data, m.len);
	kc_bytes_free(&m);
	return ret;
}

static int del_record(struct clusterd *cd, const char *key)
{
	struct kc_bytes m = { 0 };
	int ret = kc_registry_mut_del(&m, key);

	ret = ret ?: cd_repl_submit_local(cd, m.data, m.len);
	kc_bytes_free(&m);
	return ret;
}

void cd_ipconn_scan(struct clusterd *cd, const struct cd_held_ip *held, size_t n)
{
	struct conn_list l = { 0 };
	unsigned int muts = 0;

	if (cd->memory_state || !cd->connected || !cd->quorate || !cd_in_sync(cd) ||
	    cd->local_pending)
		return;
	if (list_records(cd, NULL, &l)) {
		list_free(&l);
		return;
	}
	for (size_t h = 0; h < n; h++) {
		struct kc_ipctl_err err;
		struct kc_tcp_conn *cur = NULL;
		size_t ncur = 0;

		if (kc_ip_conns(held[h].ip, &cur, &ncur, &err) < 0) {
			log_debug("connections: %s", err.msg);
			continue;
		}
		for (size_t i = 0; i < ncur; i++) {
			bool known = false;

			for (size_t j = 0; j < l.n; j++)
				if (same_conn(&cur[i], &l.v[j].c)) {
					l.v[j].seen = true;
					known = l.v[j].owner == cd->nodeid;
				}
			if (!known && muts < IPCONN_MAX_MUTS && !put_record(cd, &cur[i]))
				muts++;
		}
		free(cur);
		for (size_t j = 0; j < l.n; j++) {
			if (l.v[j].seen || !on_ip(&l.v[j].c, held[h].ip))
				continue;
			l.v[j].seen = true;	/* handled: not "on an address not held" below */
			if ((held[h].settled || l.v[j].owner == cd->nodeid) &&
			    muts < IPCONN_MAX_MUTS && !del_record(cd, l.v[j].key))
				muts++;
		}
	}
	/* this node's records on addresses it does not hold (released: reset) */
	for (size_t j = 0; j < l.n; j++)
		if (!l.v[j].seen && l.v[j].owner == cd->nodeid && muts < IPCONN_MAX_MUTS &&
		    !del_record(cd, l.v[j].key))
			muts++;
	if (muts)
		log_debug("connections: %u change(s) ordered", muts);
	list_free(&l);
}

size_t cd_ipconn_tickle(struct clusterd *cd, const struct kc_ipaddr *ip, const char *text)
{
	struct kc_ipctl_err err;
	struct kc_tcp_conn *v;
	struct conn_list l = { 0 };
	size_t n = 0;

	if (cd->memory_state || list_records(cd, ip, &l) || !l.n) {
		list_free(&l);
		return 0;
	}
	v = calloc(l.n, sizeof(*v));
	if (v) {
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i].owner != cd->nodeid)
				v[n++] = l.v[i].c;
		if (n && kc_ip_tickle(v, n, 1, &err) < 0) {
			log_warnx("public ip %s: tickle ACKs: %s", text, err.msg);
			n = 0;
		}
	}
	free(v);
	list_free(&l);
	return n;
}
