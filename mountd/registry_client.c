// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksmbd-mountd's view of the cluster registry (cluster mode): a libqb IPC client of the local
 * ksmbd-clusterd that subscribes to its change events (KC_CIPC_SUBSCRIBE) and, at each
 * event, reads the global options, shares and users and hands mountd a new running
 * configuration and user set. When clusterd is not running, or goes away, it reconnects
 * every half second; while clusterd is not in sync it keeps serving what it has.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>

#include "clusterd_ipc.h"
#include "log.h"
#include "passdb.h"
#include "pstore.h"
#include "registry.h"
#include "registry_client.h"

#define REG_TIMEOUT_MS 5000
#define REG_RETRY_MS 500

struct mountd_registry {
	qb_loop_t *loop;
	const struct kc_conf *const *nodep;	/* the node file */
	mountd_registry_fn fn;
	void *arg;
	qb_ipcc_connection_t *c;
	int fd;
	uint8_t *res;
	size_t len;
	qb_loop_timer_handle timer;
	bool timer_armed, warned;
	uint64_t loaded;	/* clusterd's applied count at the last load */
};

static void arm(struct mountd_registry *r, unsigned int ms);

static int request(struct mountd_registry *r, int32_t id, const void *p, size_t len)
{
	struct qb_ipc_request_header h = { .id = id, .size = sizeof(h) + len };
	struct qb_ipc_response_header rh;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)p, .iov_len = len },
	};
	ssize_t n = qb_ipcc_sendv_recv(r->c, iov, len ? 2 : 1, r->res, KC_CIPC_MAX_MSG,
				       REG_TIMEOUT_MS);

	if (n < (ssize_t)sizeof(rh))
		return -ECONNRESET;
	memcpy(&rh, r->res, sizeof(rh));
	if (rh.id != id || rh.size != n)
		return -ECONNRESET;
	r->len = (size_t)n - sizeof(rh);
	memmove(r->res, r->res + sizeof(rh), r->len);
	return rh.error;
}

static void disconnect(struct mountd_registry *r, bool poll_del)
{
	if (!r->c)
		return;
	if (poll_del)
		qb_loop_poll_del(r->loop, r->fd);
	qb_ipcc_disconnect(r->c);
	r->c = NULL;
}

static uint32_t get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

struct records {
	struct pstore_rec **v;
	size_t n;
};

static void records_free(struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		pstore_rec_free(rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

/* LIST @prefix into @rs (records of @type; others are logged and skipped). */
static int list(struct mountd_registry *r, const char *prefix, enum pstore_type type,
		struct records *rs)
{
	size_t off = 4;
	uint32_t n;
	int ret = request(r, KC_CIPC_LIST, prefix, strlen(prefix));

	if (ret)
		return ret;
	if (r->len < 4)
		return -ECONNRESET;
	n = get_u32(r->res);
	rs->v = calloc(n ? n : 1, sizeof(*rs->v));
	if (!rs->v)
		return -ENOMEM;
	while (n--) {
		struct pstore_err err;
		struct pstore_rec *rec;
		uint32_t kl, vl;

		if (r->len - off < 4 || (kl = get_u32(r->res + off)) > r->len - off - 4 ||
		    r->len - off - 4 - kl < 4 ||
		    (vl = get_u32(r->res + off + 4 + kl)) > r->len - off - 8 - kl)
			return -ECONNRESET;
		if (pstore_rec_decode(r->res + off + 8 + kl, vl, &rec, &err))
			log_warnx("registry: %.*s: ignored: %s", (int)kl, r->res + off + 4, err.msg);
		else if (rec->type != type)
			pstore_rec_free(rec);
		else
			rs->v[rs->n++] = rec;
		off += 8 + kl + vl;
	}
	return 0;
}

static void log_diag(char *text)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_warnx("%s", line);
}

/* Read the registry and hand it to mountd. 0, -EBUSY (not in sync: later) or -errno. */
static int load(struct mountd_registry *r)
{
	struct records opts = { 0 }, shares = { 0 }, users = { 0 };
	struct kc_passdb *db = NULL;
	struct kc_conf *conf = NULL;
	char *diag = NULL;
	size_t dlen;
	FILE *f;
	int ret;

	ret = list(r, "option:", PSTORE_T_OPTION, &opts);
	ret = ret ?: list(r, "share:", PSTORE_T_SHARE, &shares);
	ret = ret ?: list(r, "user:", PSTORE_T_USER, &users);
	if (ret)
		goto out;
	db = kc_passdb_new();
	ret = db ? 0 : -ENOMEM;
	for (size_t i = 0; !ret && i < users.n; i++) {
		struct pstore_user *u = (struct pstore_user *)users.v[i];
		int e;

		if (u->flags & PSTORE_USER_DISABLED)
			continue;
		e = kc_passdb_add(db, u->name, u->nt_hash);
		if (e == -ENOMEM)
			ret = e;
		else if (e)
			log_warnx("registry: user '%s' cannot log on: %s", u->name, strerror(-e));
	}
	if (ret)
		goto out;
	f = open_memstream(&diag, &dlen);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	conf = kc_registry_conf(*r->nodep, (struct pstore_share *const *)shares.v, shares.n,
				(struct pstore_option *const *)opts.v, opts.n, f);
	fclose(f);
	if (diag && *diag)
		log_diag(diag);
	free(diag);
	if (!conf) {
		log_warnx("registry: cannot build the configuration: keeping the running one");
		ret = -EINVAL;
		goto out;
	}
	log_info("registry: %zu share(s), %zu user(s), %zu global option(s)",
		 kc_conf_share_count(conf), kc_passdb_count(db), opts.n);
	r->fn(r->arg, conf, db);
	db = NULL;
out:
	kc_passdb_free(db);
	records_free(&opts);
	records_free(&shares);
	records_free(&users);
	return ret;
}

/* Load, or try again later; disconnect on a broken connection. */
static void refresh(struct mountd_registry *r)
{
	int ret = load(r);

	if (!ret)
		return;
	if (ret == -EBUSY) {
		log_debug("registry: clusterd is not in sync yet");
		arm(r, REG_RETRY_MS);	/* its sync event comes too; this is a fallback */
		return;
	}
	if (ret == -E2BIG)
		log_warnx("registry: too large to read in one answer");
	else
		log_warnx("registry: reading it failed: %s", strerror(-ret));
	disconnect(r, true);
	arm(r, REG_RETRY_MS);
}

static int on_event(int fd, int revents, void *data)
{
	struct mountd_registry *r = data;
	uint8_t buf[256];
	ssize_t n;
	bool any = false;

	(void)fd;
	for (;;) {
		n = qb_ipcc_event_recv(r->c, buf, sizeof(buf), 0);
		if (n < 0)
			break;
		any = true;
	}
	if ((n != -EAGAIN && n != -ETIMEDOUT) || (revents & (POLLHUP | POLLERR)) ||
	    !qb_ipcc_is_connected(r->c)) {
		log_warnx("registry: lost ksmbd-clusterd; serving the last registry read, "
			  "reconnecting");
		disconnect(r, false);
		arm(r, REG_RETRY_MS);
		return -1;	/* the loop removes this poll entry */
	}
	if (any)
		refresh(r);
	return 0;
}

static int try_connect(struct mountd_registry *r)
{
	uint32_t v = htole32(KC_CIPC_VERSION);
	int ret;

	r->c = qb_ipcc_connect(KC_CIPC_NAME, KC_CIPC_MAX_MSG);
	if (!r->c)
		return -errno ?: -ECONNREFUSED;
	ret = request(r, KC_CIPC_HELLO, &v, 4);
	if (!ret && (r->len != 8 || get_u32(r->res) != KC_CIPC_VERSION))
		ret = -EPROTO;
	ret = ret ?: request(r, KC_CIPC_SUBSCRIBE, NULL, 0);
	ret = ret ?: qb_ipcc_fd_get(r->c, &r->fd);
	if (!ret)
		ret = qb_loop_poll_add(r->loop, QB_LOOP_MED, r->fd, POLLIN, r, on_event);
	if (ret) {
		qb_ipcc_disconnect(r->c);
		r->c = NULL;
		return ret;
	}
	log_info("registry: connected to ksmbd-clusterd");
	r->warned = false;
	return 0;
}

static void on_timer(void *data)
{
	struct mountd_registry *r = data;
	int ret;

	r->timer_armed = false;
	if (!r->c) {
		ret = try_connect(r);
		if (ret) {
			if (!r->warned)
				log_warnx("registry: cannot reach ksmbd-clusterd (%s); serving no "
					  "registry shares until it answers", strerror(-ret));
			r->warned = true;
			arm(r, REG_RETRY_MS);
			return;
		}
	}
	refresh(r);
}

static void arm(struct mountd_registry *r, unsigned int ms)
{
	if (r->timer_armed)
		return;
	if (!qb_loop_timer_add(r->loop, QB_LOOP_MED, (uint64_t)ms * 1000000, r, on_timer,
			       &r->timer))
		r->timer_armed = true;
}

struct mountd_registry *mountd_registry_start(qb_loop_t *loop,
					      const struct kc_conf *const *nodep,
					      mountd_registry_fn fn, void *arg)
{
	struct mountd_registry *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->res = malloc(KC_CIPC_MAX_MSG);
	if (!r->res) {
		free(r);
		return NULL;
	}
	r->loop = loop;
	r->nodep = nodep;
	r->fn = fn;
	r->arg = arg;
	r->fd = -1;
	on_timer(r);
	return r;
}

void mountd_registry_reload(struct mountd_registry *r)
{
	if (r && r->c)
		refresh(r);
}

void mountd_registry_stop(struct mountd_registry *r)
{
	if (!r)
		return;
	if (r->timer_armed)
		qb_loop_timer_del(r->loop, r->timer);
	disconnect(r, true);
	free(r->res);
	free(r);
}
