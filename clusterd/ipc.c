// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksmbd-clusterd's libqb IPC endpoint for the CLI (protocol: lib/clusterd_ipc.h). Clients must
 * be root or in the configured admin group, and must open with a HELLO of our version.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qbipc_common.h>

#include "clusterd.h"
#include "clusterd_ipc.h"
#include "log.h"

#define CD_HELLO_DONE ((void *)1)
#define CD_SUBSCRIBED ((void *)2)	/* HELLO done, and wants KC_CIPC_EVENT_CHANGED */

void cd_ipc_reply(qb_ipcs_connection_t *conn, int32_t id, int32_t error, const void *data,
		  size_t len)
{
	struct qb_ipc_response_header h = {
		.id = id, .size = sizeof(h) + len, .error = error,
	};
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	ssize_t n = qb_ipcs_response_sendv(conn, iov, len ? 2 : 1);

	if (n < 0)
		log_debug("ipc: reply to request %d: %s", id, strerror((int)-n));
}

/* The daemon has one clusterd and one service; libqb's callbacks carry no context of it. */
static struct clusterd *ipc_cd;

static struct clusterd *cd_of_conn(qb_ipcs_connection_t *c)
{
	(void)c;
	return ipc_cd;
}

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	struct clusterd *cd = cd_of_conn(c);

	if (uid == 0 || (cd->admin_gid != (gid_t)-1 && gid == cd->admin_gid))
		return 0;
	log_warnx("ipc: refused a client with uid %u gid %u (root or the admin group only)",
		  (unsigned int)uid, (unsigned int)gid);
	return -EACCES;
}

static void put_u16(struct kc_bytes *b, uint16_t v, int *ret)
{
	uint8_t le[2] = { v, v >> 8 };

	*ret = *ret ?: kc_bytes_put(b, le, 2);
}

static int put_u64(struct kc_bytes *b, uint64_t v)
{
	uint64_t le = htole64(v);

	return kc_bytes_put(b, &le, 8);
}

static int status_build(struct clusterd *cd, struct kc_bytes *b)
{
	uint8_t flags[4] = { cd->quorate, cd_in_sync(cd),
			     cd->connected, 0 };
	uint8_t hash[KC_SM_HASH_LEN];
	int ret = cd->sm.ops->hash(cd->sm.impl, hash);

	ret = ret ?: kc_bytes_put_u32(b, cd->connected ? cd->nodeid : 0);
	ret = ret ?: kc_bytes_put(b, flags, 4);
	ret = ret ?: put_u64(b, cd->applied);
	ret = ret ?: put_u64(b, cd->sm.ops->count(cd->sm.impl));
	ret = ret ?: kc_bytes_put(b, hash, sizeof(hash));
	ret = ret ?: kc_bytes_put_u32(b, cd->nmembers);
	for (size_t i = 0; !ret && i < cd->nmembers; i++) {
		uint8_t st[4] = { cd->members[i].synced ? KC_MEMBER_SYNCED : KC_MEMBER_JOINING };

		ret = kc_bytes_put_u32(b, cd->members[i].nodeid);
		ret = ret ?: kc_bytes_put_u32(b, cd->members[i].pid);
		ret = ret ?: kc_bytes_put(b, st, 4);
	}
	ret = ret ?: kc_bytes_put_u32(b, cd->nnodes);
	for (size_t i = 0; !ret && i < cd->nnodes; i++) {
		size_t nl = strlen(cd->nodes[i].name), al = strlen(cd->nodes[i].addr);

		ret = kc_bytes_put_u32(b, cd->nodes[i].nodeid);
		put_u16(b, nl, &ret);
		ret = ret ?: kc_bytes_put(b, cd->nodes[i].name, nl);
		put_u16(b, al, &ret);
		ret = ret ?: kc_bytes_put(b, cd->nodes[i].addr, al);
	}
	return ret ?: cd_ipfo_status(b);
}

struct list_ctx {
	struct kc_bytes *b;
	uint32_t count;
};

static int list_one(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, void *arg)
{
	struct list_ctx *l = arg;
	int ret;

	if (l->b->len + 8 + klen + vlen > KC_CIPC_MAX_MSG - 256)
		return -E2BIG;
	ret = kc_bytes_put_u32(l->b, klen);
	ret = ret ?: kc_bytes_put(l->b, key, klen);
	ret = ret ?: kc_bytes_put_u32(l->b, vlen);
	ret = ret ?: kc_bytes_put(l->b, val, vlen);
	l->count++;
	return ret;
}

static int32_t on_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct clusterd *cd = cd_of_conn(c);
	struct qb_ipc_request_header h;
	struct kc_bytes out = { 0 };
	const uint8_t *p = (const uint8_t *)data + sizeof(h);
	size_t len;
	uint32_t v;
	int ret = 0;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	if ((size_t)h.size != size)
		return 0;
	len = size - sizeof(h);
	if (h.id != KC_CIPC_HELLO && qb_ipcs_context_get(c) != CD_HELLO_DONE &&
	    qb_ipcs_context_get(c) != CD_SUBSCRIBED) {
		cd_ipc_reply(c, h.id, -EPROTO, NULL, 0);
		return 0;
	}
	switch (h.id) {
	case KC_CIPC_HELLO:
		if (len != 4)
			goto inval;
		memcpy(&v, p, 4);
		ret = kc_bytes_put_u32(&out, KC_CIPC_VERSION);
		ret = ret ?: kc_bytes_put_u32(&out, cd->connected ? cd->nodeid : 0);
		if (!ret && le32toh(v) != KC_CIPC_VERSION) {
			log_warnx("ipc: refused a client of protocol version %u (ours: %u)",
				  le32toh(v), KC_CIPC_VERSION);
			ret = -EPROTO;
		}
		if (!ret)
			qb_ipcs_context_set(c, CD_HELLO_DONE);
		break;
	case KC_CIPC_STATUS:
		ret = status_build(cd, &out);
		break;
	case KC_CIPC_SUBSCRIBE:
		if (len)
			goto inval;
		qb_ipcs_context_set(c, CD_SUBSCRIBED);
		break;
	case KC_CIPC_MUTATE: {
		struct kc_sm_mut m;

		if (kc_sm_mut_decode(p, len, &m))
			goto inval;
		ret = cd_repl_submit(cd, p, len, c, h.id);
		if (!ret)
			return 0;	/* answered once applied */
		break;
	}
	case KC_CIPC_GET:
		if (!len || len > KC_SM_KEY_MAX)
			goto inval;
		if (!cd_in_sync(cd))
			ret = -EBUSY;
		else
			ret = cd->sm.ops->get(cd->sm.impl, p, len, &out);
		break;
	case KC_CIPC_LIST: {
		struct kc_bytes items = { 0 };
		struct list_ctx l = { .b = &items };

		if (len > KC_SM_KEY_MAX)
			goto inval;
		if (!cd_in_sync(cd))
			ret = -EBUSY;
		else
			ret = cd->sm.ops->list(cd->sm.impl, p, len, list_one, &l);
		ret = ret ?: kc_bytes_put_u32(&out, l.count);
		ret = ret ?: kc_bytes_put(&out, items.data, items.len);
		kc_bytes_free(&items);
		break;
	}
	default:
		goto inval;
	}
	if (ret)
		cd_ipc_reply(c, h.id, ret, NULL, 0);
	else
		cd_ipc_reply(c, h.id, 0, out.data, out.len);
	kc_bytes_free(&out);
	return 0;
inval:
	kc_bytes_free(&out);
	cd_ipc_reply(c, h.id, -EINVAL, NULL, 0);
	return 0;
}

/*
 * Sent at once, one event per change: the subscriber drains every queued event before it
 * re-reads, so a burst costs it one read. A full event queue (-EAGAIN) drops the event, which
 * is harmless: the queued ones make the subscriber read a state that includes this change.
 */
void cd_ipc_notify(struct clusterd *cd)
{
	struct qb_ipc_response_header h = {
		.id = KC_CIPC_EVENT_CHANGED, .size = sizeof(h) + 9, .error = 0,
	};
	uint64_t applied = htole64(cd->applied);
	uint8_t ev[sizeof(h) + 9];

	cd_ipfo_kick(cd);
	qb_ipcs_connection_t *c, *next;

	memcpy(ev, &h, sizeof(h));
	memcpy(ev + sizeof(h), &applied, 8);
	ev[sizeof(h) + 8] = cd_in_sync(cd);
	if (!cd->ipcs)
		return;
	for (c = qb_ipcs_connection_first_get(cd->ipcs); c; c = next) {
		if (qb_ipcs_context_get(c) == CD_SUBSCRIBED) {
			ssize_t n = qb_ipcs_event_send(c, &ev, sizeof(ev));

			if (n < 0 && n != -EAGAIN)
				log_debug("ipc: event: %s", strerror((int)-n));
		}
		next = qb_ipcs_connection_next_get(cd->ipcs, c);
		qb_ipcs_connection_unref(c);
	}
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	cd_repl_conn_gone(cd_of_conn(c), c);
	return 0;
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(ipc_cd->loop, p, data, fn);
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(ipc_cd->loop, p, fd, events, data, fn);
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(ipc_cd->loop, p, fd, events, data, fn);
}

static int32_t dispatch_del(int32_t fd)
{
	return qb_loop_poll_del(ipc_cd->loop, fd);
}

int cd_ipc_start(struct clusterd *cd)
{
	static struct qb_ipcs_service_handlers handlers = {
		.connection_accept = on_accept,
		.msg_process = on_msg,
		.connection_closed = on_closed,
	};
	static struct qb_ipcs_poll_handlers poll = {
		.job_add = job_add,
		.dispatch_add = dispatch_add,
		.dispatch_mod = dispatch_mod,
		.dispatch_del = dispatch_del,
	};
	int32_t ret;

	ipc_cd = cd;
	cd->ipcs = qb_ipcs_create(KC_CIPC_NAME, 0, QB_IPC_NATIVE, &handlers);
	if (!cd->ipcs) {
		log_warnx("ipc: cannot create the %s endpoint", KC_CIPC_NAME);
		return -1;
	}
	qb_ipcs_enforce_buffer_size(cd->ipcs, KC_CIPC_MAX_MSG);
	qb_ipcs_poll_handlers_set(cd->ipcs, &poll);
	ret = qb_ipcs_run(cd->ipcs);
	if (ret) {
		log_warnx("ipc: cannot serve %s: %s (another ksmbd-clusterd in this network "
			  "namespace?)", KC_CIPC_NAME, strerror(-ret));
		qb_ipcs_destroy(cd->ipcs);
		cd->ipcs = NULL;
		return -1;
	}
	return 0;
}

void cd_ipc_stop(struct clusterd *cd)
{
	if (cd->ipcs) {
		qb_ipcs_destroy(cd->ipcs);
		cd->ipcs = NULL;
	}
}
