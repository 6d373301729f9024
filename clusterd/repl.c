// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The corosync side of ksmbd-clusterd: the CPG group "ksmbd-cluster", quorum tracking, the
 * replicated state machine and the sync of joining nodes.
 *
 * Ordering. Every mutation is multicast in CPG agreed order and applied by every member when
 * it is delivered, so all members apply the same mutations in the same order; the member that
 * asked answers its client when its own message comes back. Mutations are accepted only from
 * a node that is quorate and in sync.
 *
 * Sync. A configuration change is delivered to every member of the new view at the same point
 * of the stream. Each member then multicasts a HELLO carrying, as of that point, whether its
 * state is the agreed one ("synced"), whether it is quorate, how many mutations it applied and
 * the hash of its state. When a member has the HELLOs of every member (the "completion point",
 * again the same for all), it picks the same donor as every other: synced first, then quorate,
 * then most mutations applied, then the lowest node id. Every member whose HELLO differs from
 * the donor's (not synced, other hash or count) restores the donor's snapshot: the donor takes
 * it at the completion point and multicasts it in chunks tagged with the view; the receivers
 * defer the mutations delivered after the completion point and apply them once restored. A
 * new configuration change abandons a round in progress and starts another.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clusterd.h"
#include "clusterd_ipc.h"
#include "log.h"

#define CD_GROUP "ksmbd-cluster"
#define CD_MAGIC 0x3144434bu	/* "KCD1" */
#define CD_CHUNK (64 * 1024)
#define CD_RETRY_NS (5 * 1000 * 1000ull)	/* CS_ERR_TRY_AGAIN: retry after 5 ms */
#define CD_BACKOFF_MIN_MS 100
#define CD_BACKOFF_MAX_MS 5000

enum cd_msg_type {
	CD_MSG_MUT = 1,		/* payload: a mutation; reqid: the sender's request */
	CD_MSG_HELLO = 2,	/* payload: struct cd_hello */
	CD_MSG_SNAP = 3,	/* payload: struct cd_snap, then bytes */
	CD_MSG_DONE = 4,	/* the sender restored its snapshot */
	/* CD_MSG_IP_STATE = 5, CD_MSG_IP_CLAIM = 6: public-IP ownership (clusterd.h, ipfo.c) */
};

struct cd_wire {
	uint32_t magic;
	uint8_t type;
	uint8_t pad[3];
	uint64_t view;		/* HELLO, SNAP, DONE: the view they belong to */
	uint64_t reqid;
} __attribute__((packed));

struct cd_hello {
	uint8_t synced, quorate, pad[6];
	uint64_t applied;
	uint8_t hash[KC_SM_HASH_LEN];
} __attribute__((packed));

struct cd_snap {
	uint64_t total, offset, applied;
} __attribute__((packed));

static void cd_lost(struct clusterd *cd, const char *why, cs_error_t err);
static void cd_flush(struct clusterd *cd);
static void cd_flush_now(struct clusterd *cd);

static struct clusterd *cd_of(cpg_handle_t h)
{
	void *ctx = NULL;

	cpg_context_get(h, &ctx);
	return ctx;
}

/* ---- replies to local clients --------------------------------------------------------------- */

static struct cd_pending *pending_take(struct clusterd *cd, uint64_t reqid)
{
	for (struct cd_pending **pp = &cd->pending; *pp; pp = &(*pp)->next) {
		struct cd_pending *p = *pp;

		if (p->reqid == reqid) {
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

static void pending_answer(struct clusterd *cd, struct cd_pending *p, int error)
{
	if (p->local) {
		cd->local_pending--;
		if (error && error != -ENOENT && error != -EEXIST)
			log_debug("local mutation %llu: %s", (unsigned long long)p->reqid,
				  strerror(-error));
	}
	if (p->conn) {
		cd_ipc_reply(p->conn, p->msg_id, error, NULL, 0);
		qb_ipcs_connection_unref(p->conn);
	}
	free(p);
}

static void answer_own(struct clusterd *cd, uint32_t nodeid, uint32_t pid, uint64_t reqid,
		       int error)
{
	struct cd_pending *p;

	if (nodeid != cd->nodeid || pid != cd->pid)
		return;
	p = pending_take(cd, reqid);
	if (p)
		pending_answer(cd, p, error);
}

static void fail_all_pending(struct clusterd *cd, int error)
{
	while (cd->pending) {
		struct cd_pending *p = cd->pending;

		cd->pending = p->next;
		pending_answer(cd, p, error);
	}
}

void cd_repl_conn_gone(struct clusterd *cd, qb_ipcs_connection_t *conn)
{
	for (struct cd_pending *p = cd->pending; p; p = p->next) {
		if (p->conn == conn) {
			qb_ipcs_connection_unref(conn);
			p->conn = NULL;	/* still applied in order; nobody to answer */
		}
	}
}

/* ---- sending -------------------------------------------------------------------------------- */

static int cd_send(struct clusterd *cd, enum cd_msg_type type, uint64_t reqid, const void *a,
		   size_t alen, const void *b, size_t blen)
{
	struct cd_out *o = malloc(sizeof(*o) + sizeof(struct cd_wire) + alen + blen);
	struct cd_wire w = {
		.magic = htole32(CD_MAGIC), .type = type, .view = htole64(cd->view),
		.reqid = htole64(reqid),
	};

	if (!o)
		return -ENOMEM;
	o->next = NULL;
	o->len = sizeof(w) + alen + blen;
	memcpy(o->data, &w, sizeof(w));
	if (alen)
		memcpy(o->data + sizeof(w), a, alen);
	if (blen)
		memcpy(o->data + sizeof(w) + alen, b, blen);
	*cd->out_tail = o;
	cd->out_tail = &o->next;
	return 0;
}

static void drop_out(struct clusterd *cd)
{
	while (cd->out) {
		struct cd_out *o = cd->out;

		cd->out = o->next;
		free(o);
	}
	cd->out_tail = &cd->out;
}

/* Flush from outside corosync's callbacks, where losing the connection can be handled. */
static void cd_flush_now(struct clusterd *cd)
{
	cd_flush(cd);
	if (cd->send_err)
		cd_lost(cd, "cpg_mcast_joined", cd->send_err);
}

static void on_retry(void *data)
{
	struct clusterd *cd = data;

	cd->retry_armed = false;
	cd_flush_now(cd);
}

/* Multicast the queued messages in order; CS_ERR_TRY_AGAIN keeps them for a retry. */
static void cd_flush(struct clusterd *cd)
{
	while (cd->connected && !cd->send_err && cd->out) {
		struct cd_out *o = cd->out;
		struct iovec iov = { .iov_base = o->data, .iov_len = o->len };
		cs_error_t err = cpg_mcast_joined(cd->cpg, CPG_TYPE_AGREED, &iov, 1);

		if (err == CS_ERR_TRY_AGAIN) {
			if (!cd->try_again++)
				log_info("cpg: corosync is busy (CS_ERR_TRY_AGAIN): messages wait in "
					 "order and are retried");
			if (!cd->retry_armed &&
			    !qb_loop_timer_add(cd->loop, QB_LOOP_MED, CD_RETRY_NS, cd, on_retry,
					       &cd->retry_timer))
				cd->retry_armed = true;
			return;
		}
		if (err != CS_OK) {
			/* Maybe inside cpg_dispatch(): the caller's caller reconnects. */
			cd->send_err = err;
			return;
		}
		cd->out = o->next;
		if (!cd->out)
			cd->out_tail = &cd->out;
		free(o);
	}
}

static int submit(struct clusterd *cd, const void *mut, size_t len, qb_ipcs_connection_t *conn,
		  int32_t msg_id, bool local)
{
	struct cd_pending *p;
	int ret;

	if (!cd->connected)
		return -ENOTCONN;
	if (!cd->quorate)
		return -EAGAIN;
	if (!cd->synced || cd->phase == CD_SYNC_RECEIVING)
		return -EBUSY;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->reqid = ++cd->next_reqid;
	ret = cd_send(cd, CD_MSG_MUT, p->reqid, mut, len, NULL, 0);
	if (ret) {
		free(p);
		return ret;
	}
	p->conn = conn;
	p->msg_id = msg_id;
	p->local = local;
	if (local)
		cd->local_pending++;
	if (conn)
		qb_ipcs_connection_ref(conn);
	p->next = cd->pending;
	cd->pending = p;
	return 0;
}

int cd_repl_submit(struct clusterd *cd, const void *mut, size_t len, qb_ipcs_connection_t *conn,
		   int32_t msg_id)
{
	int ret = submit(cd, mut, len, conn, msg_id, false);

	if (!ret)
		cd_flush_now(cd);
	return ret;
}

int cd_repl_submit_local(struct clusterd *cd, const void *mut, size_t len)
{
	int ret = submit(cd, mut, len, NULL, 0, true);

	if (!ret)
		cd_flush(cd);
	return ret;
}

int cd_repl_send_ip(struct clusterd *cd, int type, const void *p, size_t len)
{
	int ret;

	if (!cd->connected)
		return -ENOTCONN;
	ret = cd_send(cd, type, 0, p, len, NULL, 0);
	if (!ret)
		cd_flush(cd);
	return ret;
}

/* ---- applying ------------------------------------------------------------------------------- */

static void apply_one(struct clusterd *cd, uint32_t nodeid, uint32_t pid, uint64_t reqid,
		      const void *mut, size_t len)
{
	int ret = cd->sm.ops->apply(cd->sm.impl, mut, len);

	cd->applied++;
	if (!ret)
		cd_ipc_notify(cd);
	if (ret == -EIO) {	/* a local storage failure: this node's state is not trusted */
		log_warnx("mutation %llu from node %u: the local state failed to apply it: "
			  "stopping (a restart resyncs from the cluster)",
			  (unsigned long long)reqid, nodeid);
		cd->failed = true;
		qb_loop_stop(cd->loop);
	}
	if (ret && ret != -ENOENT && ret != -EEXIST)
		log_warnx("mutation %llu from node %u: %s", (unsigned long long)reqid, nodeid,
			  strerror(-ret));
	answer_own(cd, nodeid, pid, reqid, ret);
}

/* Apply (or, for an abandoned round, drop) the deferred mutations; returns how many. */
static unsigned int drop_deferred(struct clusterd *cd, bool apply)
{
	unsigned int n = 0;

	while (cd->deferred) {
		struct cd_deferred *d = cd->deferred;

		cd->deferred = d->next;
		if (apply)
			apply_one(cd, d->nodeid, d->pid, d->reqid, d->data, d->len);
		else	/* a newer round's snapshot covers it; its outcome here is unknown */
			answer_own(cd, d->nodeid, d->pid, d->reqid, -EBUSY);
		free(d);
		n++;
	}
	cd->deferred_tail = &cd->deferred;
	return n;
}

static void on_mutation(struct clusterd *cd, uint32_t nodeid, uint32_t pid, uint64_t reqid,
			const void *mut, size_t len)
{
	struct cd_deferred *d;

	if (cd->phase != CD_SYNC_RECEIVING) {
		apply_one(cd, nodeid, pid, reqid, mut, len);
		return;
	}
	d = malloc(sizeof(*d) + len);
	if (!d) {
		/* Cannot keep the stream: fall out of sync until the next round. */
		log_warnx("out of memory deferring a mutation: this node leaves sync");
		cd->phase = CD_SYNC_IDLE;
		cd->synced = false;
		kc_bytes_free(&cd->snap_in);
		drop_deferred(cd, false);
		answer_own(cd, nodeid, pid, reqid, -ENOMEM);
		return;
	}
	d->next = NULL;
	d->nodeid = nodeid;
	d->pid = pid;
	d->reqid = reqid;
	d->len = len;
	memcpy(d->data, mut, len);
	*cd->deferred_tail = d;
	cd->deferred_tail = &d->next;
}

/* ---- membership and sync -------------------------------------------------------------------- */

static struct cd_member *member_find(struct clusterd *cd, uint32_t nodeid, uint32_t pid)
{
	for (size_t i = 0; i < cd->nmembers; i++)
		if (cd->members[i].nodeid == nodeid && cd->members[i].pid == pid)
			return &cd->members[i];
	return NULL;
}

static int member_cmp(const void *a, const void *b)
{
	const struct cd_member *x = a, *y = b;

	if (x->nodeid != y->nodeid)
		return x->nodeid < y->nodeid ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void start_round(struct clusterd *cd)
{
	struct cd_hello h = { .synced = cd->synced, .quorate = cd->quorate };
	int ret;

	if (cd->phase == CD_SYNC_RECEIVING) {
		log_info("sync: snapshot from node %u abandoned (membership changed)",
			 cd->donor_nodeid);
		kc_bytes_free(&cd->snap_in);
		drop_deferred(cd, false);
	}
	cd->phase = CD_SYNC_HELLO;
	for (size_t i = 0; i < cd->nmembers; i++)
		cd->members[i].hello = false;
	ret = cd->sm.ops->hash(cd->sm.impl, cd->start_hash);
	if (ret) {
		log_warnx("sync: state hash: %s", strerror(-ret));
		memset(cd->start_hash, 0, sizeof(cd->start_hash));
		cd->synced = false;
		h.synced = 0;
	}
	cd->start_applied = cd->applied;
	h.applied = htole64(cd->applied);
	memcpy(h.hash, cd->start_hash, sizeof(h.hash));
	if (cd_send(cd, CD_MSG_HELLO, 0, &h, sizeof(h), NULL, 0))
		log_warnx("sync: out of memory queueing HELLO");
}

/* Whether @a is a better donor than @b. */
static bool better_donor(const struct cd_member *a, const struct cd_member *b)
{
	if (a->hello_synced != b->hello_synced)
		return a->hello_synced;
	if (a->hello_quorate != b->hello_quorate)
		return a->hello_quorate;
	if (a->hello_applied != b->hello_applied)
		return a->hello_applied > b->hello_applied;
	return member_cmp(a, b) < 0;
}

static int send_snapshot(struct clusterd *cd)
{
	struct kc_bytes snap = { 0 };
	int ret = cd->sm.ops->snapshot(cd->sm.impl, &snap);
	size_t off = 0;

	if (ret)
		return ret;
	do {
		size_t n = snap.len - off < CD_CHUNK ? snap.len - off : CD_CHUNK;
		struct cd_snap s = {
			.total = htole64(snap.len), .offset = htole64(off),
			.applied = htole64(cd->applied),
		};

		ret = cd_send(cd, CD_MSG_SNAP, 0, &s, sizeof(s), snap.data + off, n);
		off += n;
	} while (!ret && off < snap.len);
	log_info("sync: sending a snapshot of %zu bytes (%llu mutations applied)", snap.len,
		 (unsigned long long)cd->applied);
	kc_bytes_free(&snap);
	return ret;
}

static void complete_round(struct clusterd *cd)
{
	struct cd_member *donor = &cd->members[0], *me;
	bool any = false;

	for (size_t i = 1; i < cd->nmembers; i++)
		if (better_donor(&cd->members[i], donor))
			donor = &cd->members[i];
	for (size_t i = 0; i < cd->nmembers; i++) {
		struct cd_member *m = &cd->members[i];

		m->synced = m == donor || (m->hello_synced && m->hello_applied == donor->hello_applied &&
					   !memcmp(m->hello_hash, donor->hello_hash, KC_SM_HASH_LEN));
		any |= !m->synced;
	}
	cd->donor_nodeid = donor->nodeid;
	cd->donor_pid = donor->pid;
	me = member_find(cd, cd->nodeid, cd->pid);
	cd->phase = CD_SYNC_IDLE;
	if (me == donor) {
		if (!cd->synced)
			log_info("sync: this node's state is the cluster's (%llu mutations)",
				 (unsigned long long)cd->applied);
		cd->synced = true;
		if (any && send_snapshot(cd)) {
			log_warnx("sync: cannot send the snapshot");
			cd->synced = false;
		}
	} else if (me && !me->synced) {
		log_info("sync: receiving the state from node %u", donor->nodeid);
		cd->synced = false;
		cd->phase = CD_SYNC_RECEIVING;
		cd->snap_total = 0;
		kc_bytes_free(&cd->snap_in);
	} else if (me) {
		cd->synced = true;
	}
	cd_flush(cd);
	cd_ipc_notify(cd);
}

static void on_hello(struct clusterd *cd, uint32_t nodeid, uint32_t pid, const void *p,
		     size_t len)
{
	struct cd_member *m = member_find(cd, nodeid, pid);
	struct cd_hello h;

	if (!m || len != sizeof(h) || cd->phase != CD_SYNC_HELLO)
		return;
	memcpy(&h, p, sizeof(h));
	m->hello = true;
	m->hello_synced = h.synced;
	m->hello_quorate = h.quorate;
	m->hello_applied = le64toh(h.applied);
	memcpy(m->hello_hash, h.hash, sizeof(h.hash));
	for (size_t i = 0; i < cd->nmembers; i++)
		if (!cd->members[i].hello)
			return;
	complete_round(cd);
}

static void on_snapshot(struct clusterd *cd, uint32_t nodeid, uint32_t pid, const uint8_t *p,
			size_t len)
{
	struct cd_snap s;
	uint64_t total, off;
	unsigned int deferred;
	int ret;

	if (cd->phase != CD_SYNC_RECEIVING || nodeid != cd->donor_nodeid || pid != cd->donor_pid ||
	    len < sizeof(s))
		return;
	memcpy(&s, p, sizeof(s));
	total = le64toh(s.total);
	off = le64toh(s.offset);
	if (off != cd->snap_in.len || (off && total != cd->snap_total) ||
	    len - sizeof(s) > total - off) {
		log_warnx("sync: malformed snapshot chunk from node %u", nodeid);
		return;
	}
	cd->snap_total = total;
	if (kc_bytes_put(&cd->snap_in, p + sizeof(s), len - sizeof(s)))
		goto fail;
	if (cd->snap_in.len < total)
		return;
	ret = cd->sm.ops->restore(cd->sm.impl, cd->snap_in.data, cd->snap_in.len);
	if (ret) {
		log_warnx("sync: snapshot from node %u rejected: %s", nodeid, strerror(-ret));
		goto fail;
	}
	kc_bytes_free(&cd->snap_in);
	cd->applied = le64toh(s.applied);
	cd->synced = true;
	cd->phase = CD_SYNC_IDLE;
	deferred = drop_deferred(cd, true);
	log_info("sync: state restored from node %u (%llu bytes, %llu mutations), then %u "
		 "mutation(s) delivered meanwhile applied", nodeid, (unsigned long long)total,
		 (unsigned long long)le64toh(s.applied), deferred);
	cd_send(cd, CD_MSG_DONE, 0, NULL, 0, NULL, 0);
	cd_flush(cd);
	cd_ipc_notify(cd);
	return;
fail:
	kc_bytes_free(&cd->snap_in);
	drop_deferred(cd, false);
	cd->phase = CD_SYNC_IDLE;
	cd->synced = false;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct clusterd *cd = cd_of(h);
	struct cd_wire w;
	const uint8_t *payload = (const uint8_t *)msg + sizeof(w);
	struct cd_member *m;

	(void)group;
	if (!cd || len < sizeof(w))
		return;
	memcpy(&w, msg, sizeof(w));
	if (le32toh(w.magic) != CD_MAGIC)
		return;
	len -= sizeof(w);
	if (w.type == CD_MSG_MUT) {
		on_mutation(cd, nodeid, pid, le64toh(w.reqid), payload, len);
		return;
	}
	if (w.type == CD_MSG_IP_STATE || w.type == CD_MSG_IP_CLAIM) {	/* any view */
		cd_ipfo_deliver(cd, w.type, nodeid, pid, payload, len);
		return;
	}
	if (le64toh(w.view) != cd->view)
		return;	/* sent in another view */
	switch (w.type) {
	case CD_MSG_HELLO:
		on_hello(cd, nodeid, pid, payload, len);
		break;
	case CD_MSG_SNAP:
		on_snapshot(cd, nodeid, pid, payload, len);
		break;
	case CD_MSG_DONE:
		m = member_find(cd, nodeid, pid);
		if (m)
			m->synced = true;
		break;
	}
}

static uint64_t view_hash(const struct cd_member *m, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		uint32_t v[2] = { m[i].nodeid, m[i].pid };
		const uint8_t *p = (const uint8_t *)v;

		for (size_t j = 0; j < sizeof(v); j++)
			h = (h ^ p[j]) * 0x100000001b3ull;
	}
	return h;
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t nmembers,
		       const struct cpg_address *left, size_t nleft,
		       const struct cpg_address *joined, size_t njoined)
{
	struct clusterd *cd = cd_of(h);
	struct cd_member next[CD_MAX_MEMBERS];
	size_t n = 0;

	(void)group;
	if (!cd)
		return;
	for (size_t i = 0; i < nleft; i++)
		log_info("membership: node %u (pid %u) left (%s)", left[i].nodeid, left[i].pid,
			 left[i].reason == CPG_REASON_NODEDOWN ? "node down" :
			 left[i].reason == CPG_REASON_PROCDOWN ? "daemon down" : "left");
	for (size_t i = 0; i < njoined; i++)
		log_info("membership: node %u (pid %u) joined", joined[i].nodeid, joined[i].pid);
	if (nmembers > CD_MAX_MEMBERS) {
		log_warnx("membership: %zu members, more than %d", nmembers, CD_MAX_MEMBERS);
		nmembers = CD_MAX_MEMBERS;
	}
	for (size_t i = 0; i < nmembers; i++) {
		struct cd_member *old = member_find(cd, members[i].nodeid, members[i].pid);

		next[n] = (struct cd_member){ .nodeid = members[i].nodeid, .pid = members[i].pid,
					      .synced = old ? old->synced : false };
		n++;
	}
	qsort(next, n, sizeof(*next), member_cmp);
	memcpy(cd->members, next, n * sizeof(*next));
	cd->nmembers = n;
	cd->view = view_hash(next, n);
	log_info("membership: %zu member(s)", n);
	start_round(cd);
	cd_ipfo_confchg(cd);
	cd_flush(cd);
	cd_ipfo_kick(cd);
}

static void on_quorum(quorum_handle_t h, uint32_t quorate, uint64_t ring_seq, uint32_t n,
		      uint32_t *nodes)
{
	void *ctx = NULL;
	struct clusterd *cd;

	(void)ring_seq;
	(void)nodes;
	quorum_context_get(h, (const void **)&ctx);
	cd = ctx;
	if (!cd)
		return;
	if (cd->quorate != !!quorate)
		log_info("quorum: %s (%u node(s) in the quorum view)",
			 quorate ? "quorate" : "NOT quorate: mutations are refused", n);
	cd->quorate = quorate;
	cd_ipfo_kick(cd);
}

/* ---- connection to corosync ----------------------------------------------------------------- */

static int on_cpg_fd(int fd, int revents, void *data)
{
	struct clusterd *cd = data;
	cs_error_t err;

	(void)fd;
	(void)revents;
	err = cpg_dispatch(cd->cpg, CS_DISPATCH_ALL);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		cd_lost(cd, "cpg_dispatch", err);
		return 0;
	}
	cd_flush_now(cd);
	return 0;
}

static int on_quorum_fd(int fd, int revents, void *data)
{
	struct clusterd *cd = data;
	cs_error_t err;

	(void)fd;
	(void)revents;
	err = quorum_dispatch(cd->quorum, CS_DISPATCH_ALL);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN)
		cd_lost(cd, "quorum_dispatch", err);
	return 0;
}

static void on_reconnect(void *data);

static void schedule_reconnect(struct clusterd *cd)
{
	if (cd->reconnect_armed)
		return;
	if (!qb_loop_timer_add(cd->loop, QB_LOOP_LOW, cd->backoff_ms * 1000000ull, cd,
			       on_reconnect, &cd->reconnect_timer))
		cd->reconnect_armed = true;
	cd->backoff_ms = cd->backoff_ms * 2 > CD_BACKOFF_MAX_MS ? CD_BACKOFF_MAX_MS :
			 cd->backoff_ms * 2;
}

static void disconnect(struct clusterd *cd)
{
	if (cd->cpg_fd >= 0)
		qb_loop_poll_del(cd->loop, cd->cpg_fd);
	if (cd->quorum_fd >= 0)
		qb_loop_poll_del(cd->loop, cd->quorum_fd);
	cd->cpg_fd = cd->quorum_fd = -1;
	if (cd->cpg) {
		cpg_finalize(cd->cpg);
		cd->cpg = 0;
	}
	if (cd->quorum_up) {
		quorum_finalize(cd->quorum);
		cd->quorum_up = false;
	}
	if (cd->retry_armed) {
		qb_loop_timer_del(cd->loop, cd->retry_timer);
		cd->retry_armed = false;
	}
	cd->connected = false;
	cd->send_err = 0;
	cd->quorate = false;
	cd->nmembers = 0;
	cd->view = 0;
	/* Messages may have been missed: the state must be checked against the cluster again. */
	cd->synced = false;
	cd->phase = CD_SYNC_IDLE;
	kc_bytes_free(&cd->snap_in);
	drop_deferred(cd, false);
	drop_out(cd);
	fail_all_pending(cd, -ECONNRESET);
	cd_ipfo_reset(cd);
	cd_ipfo_kick(cd);
}

static void cd_lost(struct clusterd *cd, const char *why, cs_error_t err)
{
	log_warnx("lost corosync (%s: error %d): reconnecting", why, err);
	disconnect(cd);
	cd->backoff_ms = CD_BACKOFF_MIN_MS;
	schedule_reconnect(cd);
}

static int cd_connect(struct clusterd *cd)
{
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
	};
	quorum_callbacks_t qcb = { .quorum_notify_fn = on_quorum };
	struct cpg_name group;
	uint32_t qtype;
	int quorate = 0;
	cs_error_t err;
	const char *step;

	group.length = strlen(CD_GROUP);
	memcpy(group.value, CD_GROUP, group.length);
	step = "cpg_model_initialize";
	err = cpg_model_initialize(&cd->cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, cd);
	if (err != CS_OK) {
		cd->cpg = 0;
		goto fail;
	}
	step = "cpg_local_get";
	err = cpg_local_get(cd->cpg, &cd->nodeid);
	if (err != CS_OK)
		goto fail;
	step = "quorum_initialize";
	err = quorum_initialize(&cd->quorum, &qcb, &qtype);
	if (err != CS_OK)
		goto fail;
	cd->quorum_up = true;
	quorum_context_set(cd->quorum, cd);
	step = "quorum_getquorate";
	err = quorum_getquorate(cd->quorum, &quorate);
	if (err != CS_OK)
		goto fail;
	cd->quorate = quorate;
	step = "quorum_trackstart";
	err = quorum_trackstart(cd->quorum, CS_TRACK_CHANGES);
	if (err != CS_OK)
		goto fail;
	step = "fd_get";
	if (cpg_fd_get(cd->cpg, &cd->cpg_fd) != CS_OK ||
	    quorum_fd_get(cd->quorum, &cd->quorum_fd) != CS_OK) {
		cd->cpg_fd = cd->quorum_fd = -1;
		err = CS_ERR_LIBRARY;
		goto fail;
	}
	if (qb_loop_poll_add(cd->loop, QB_LOOP_HIGH, cd->cpg_fd, POLLIN, cd, on_cpg_fd) ||
	    qb_loop_poll_add(cd->loop, QB_LOOP_HIGH, cd->quorum_fd, POLLIN, cd, on_quorum_fd)) {
		qb_loop_poll_del(cd->loop, cd->cpg_fd);
		cd->cpg_fd = cd->quorum_fd = -1;
		err = CS_ERR_LIBRARY;
		goto fail;
	}
	step = "cpg_join";
	err = cpg_join(cd->cpg, &group);
	if (err != CS_OK)
		goto fail;
	cd->connected = true;
	cd->backoff_ms = CD_BACKOFF_MIN_MS;
	log_info("connected to corosync as node %u (%s, quorum provider %s)", cd->nodeid,
		 cd->quorate ? "quorate" : "not quorate", qtype == QUORUM_SET ? "set" : "none");
	return 0;
fail:
	if (err != CS_ERR_TRY_AGAIN && err != CS_ERR_LIBRARY)
		log_warnx("corosync: %s: error %d", step, err);
	else
		log_debug("corosync: %s: error %d", step, err);
	disconnect(cd);
	return -1;
}

static void on_reconnect(void *data)
{
	struct clusterd *cd = data;

	cd->reconnect_armed = false;
	if (cd_connect(cd))
		schedule_reconnect(cd);
}

void cd_repl_start(struct clusterd *cd)
{
	cd->pid = getpid();
	cd->cpg_fd = cd->quorum_fd = -1;
	cd->out_tail = &cd->out;
	cd->deferred_tail = &cd->deferred;
	cd->backoff_ms = CD_BACKOFF_MIN_MS;
	if (cd_connect(cd)) {
		log_warnx("corosync is not reachable yet: retrying");
		schedule_reconnect(cd);
	}
}

void cd_repl_stop(struct clusterd *cd)
{
	if (cd->try_again)
		log_info("cpg: %llu CS_ERR_TRY_AGAIN answer(s) retried in all",
			 (unsigned long long)cd->try_again);
	if (cd->reconnect_armed) {
		qb_loop_timer_del(cd->loop, cd->reconnect_timer);
		cd->reconnect_armed = false;
	}
	if (cd->connected) {
		struct cpg_name group;

		group.length = strlen(CD_GROUP);
		memcpy(group.value, CD_GROUP, group.length);
		cpg_leave(cd->cpg, &group);
	}
	disconnect(cd);
}
