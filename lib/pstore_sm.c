// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The persistent implementation of the replicated state machine (statemachine.h): the
 * cluster registry, the node table and the client connections to public IPs as libpstore
 * records (persistent-store/pstore.h) in the "registry", "nodes" and "connections" databases
 * of the node's state directory.
 *
 * Mutations keep the generic envelope of statemachine.h; what they mean is typed:
 *
 *	key	a libpstore record key: "share:NAME", "user:NAME", "option:KEY", "ip:ADDRESS"
 *		(registry database), "node:ID" (nodes database) or
 *		"conn:SERVER/PORT/CLIENT/PORT" (connections database, kept by clusterd's ipfo.c)
 *	value	SET and CREATE: the record in libpstore's encoding (pstore_rec_encode()); its
 *		type must live in the key's database and its own key must be the mutation's key
 *
 * so "share put" is SET of "share:data" with an encoded struct pstore_share, "share del" is
 * DEL of "share:data", and so on. A mutation is checked completely before anything is
 * written; it is then applied as one pstore transaction on one database, which a failure
 * (-ENOENT, -EEXIST, an I/O error) cancels: a failed mutation leaves no trace, not even a
 * generation step. Reads return records in the same encoding.
 *
 * The snapshot is "KCSMPS2\0", then for the registry, nodes and connections databases in that
 * order a u32 length (little endian) and the database's canonical libpstore snapshot (records
 * and generation); two nodes that applied the same mutations to the same state have
 * byte-identical snapshots and so the same hash. restore() checks every stream before it
 * touches anything and puts the databases already replaced back if a later one cannot be
 * restored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "log.h"
#include "pstore.h"
#include "pstore_sm.h"

#define PSM_MAGIC "KCSMPS2"	/* 8 bytes with the NUL */
#define PSM_NDB 3

static const enum pstore_dbid psm_dbs[PSM_NDB] = {
	PSTORE_DB_REGISTRY, PSTORE_DB_NODES, PSTORE_DB_CONNECTIONS,
};

struct psm {
	struct pstore_db *db[PSM_NDB];
	uint64_t count;		/* records of both databases */
};

/* Which of psm_dbs a key belongs to, from its "type:" prefix; -1 if none. */
static const struct { const char *prefix; int db; } key_map[] = {
	{ "share:", 0 }, { "user:", 0 }, { "option:", 0 }, { "ip:", 0 }, { "node:", 1 },
	{ "conn:", 2 },
};

static int key_db(const char *key)
{
	for (size_t i = 0; i < sizeof(key_map) / sizeof(key_map[0]); i++)
		if (!strncmp(key, key_map[i].prefix, strlen(key_map[i].prefix)) &&
		    key[strlen(key_map[i].prefix)])
			return key_map[i].db;
	return -1;
}

/* The only database that can hold keys starting with @prefix, or -1 (any). */
static int prefix_db(const void *prefix, size_t plen)
{
	for (size_t i = 0; i < sizeof(key_map) / sizeof(key_map[0]); i++) {
		size_t l = strlen(key_map[i].prefix);

		if (plen >= l && !memcmp(prefix, key_map[i].prefix, l))
			return key_map[i].db;
	}
	return -1;
}

static int count_one(const char *key, const struct pstore_rec *rec, void *arg)
{
	(void)key;
	(void)rec;
	(*(uint64_t *)arg)++;
	return 0;
}

static int recount(struct psm *p)
{
	struct pstore_err err;
	uint64_t n = 0;

	for (int i = 0; i < PSM_NDB; i++) {
		int ret = pstore_foreach(p->db[i], 0, count_one, &n, &err);

		if (ret) {
			log_warnx("state: %s", err.msg);
			return ret;
		}
	}
	p->count = n;
	return 0;
}

/* The mutation's key as a string: -EINVAL when it holds a NUL or fits no database. */
static int mut_key(const struct kc_sm_mut *m, char **key, int *db)
{
	if (memchr(m->key, 0, m->klen) || m->klen > PSTORE_KEY_MAX)
		return -EINVAL;
	*key = strndup((const char *)m->key, m->klen);
	if (!*key)
		return -ENOMEM;
	*db = key_db(*key);
	if (*db < 0) {
		free(*key);
		return -EINVAL;
	}
	return 0;
}

/* Decode and check a SET/CREATE value against its key and database. */
static int mut_record(const struct kc_sm_mut *m, const char *key, int db,
		      struct pstore_rec **out)
{
	struct pstore_err err;
	struct pstore_rec *rec;
	char *rkey = NULL;
	int ret = pstore_rec_decode(m->val, m->vlen, &rec, &err);

	if (ret) {
		log_debug("state: %s: %s", key, err.msg);
		return -EINVAL;
	}
	if (pstore_type_db(rec->type) != (int)psm_dbs[db] || pstore_rec_key(rec, &rkey, &err) ||
	    strcmp(rkey, key)) {
		log_debug("state: %s: the record does not belong under this key", key);
		ret = -EINVAL;
	}
	free(rkey);
	if (ret)
		pstore_rec_free(rec);
	else
		*out = rec;
	return ret;
}

static int psm_apply(void *sm, const void *mutp, size_t len)
{
	struct psm *p = sm;
	struct pstore_rec *rec = NULL, *old = NULL;
	struct pstore_err err;
	struct pstore_db *db;
	struct kc_sm_mut m;
	char *key;
	int ret, d, had;

	if (kc_sm_mut_decode(mutp, len, &m))
		return -EINVAL;
	if (m.op != KC_SM_OP_SET && m.op != KC_SM_OP_CREATE && m.op != KC_SM_OP_DEL)
		return -EINVAL;
	ret = mut_key(&m, &key, &d);
	if (ret)
		return ret;
	if (m.op != KC_SM_OP_DEL) {
		ret = mut_record(&m, key, d, &rec);
		if (ret)
			goto out;
	} else if (m.vlen) {
		ret = -EINVAL;
		goto out;
	}
	db = p->db[d];
	ret = pstore_begin(db, &err);
	if (ret)
		goto fail;
	had = pstore_get(db, key, &old, &err);
	pstore_rec_free(old);
	if (had && had != -ENOENT) {
		ret = had;
		goto fail_cancel;
	}
	if (m.op == KC_SM_OP_CREATE && !had) {
		ret = -EEXIST;
		goto cancel;
	}
	if (m.op == KC_SM_OP_DEL) {
		if (had) {
			ret = -ENOENT;
			goto cancel;
		}
		ret = pstore_del(db, key, &err);
	} else {
		ret = pstore_put(db, rec, &err);
	}
	if (ret)
		goto fail_cancel;
	ret = pstore_commit(db, &err);
	if (ret)
		goto fail;
	if (m.op == KC_SM_OP_DEL)
		p->count--;
	else if (had == -ENOENT)
		p->count++;
	goto out;
fail_cancel:
	pstore_cancel(db, NULL);
fail:
	log_warnx("state: %s: %s", key, err.msg);
	if (ret != -ENOMEM)
		ret = -EIO;	/* this node's storage failed: KC_SM_EIO_FATAL */
	goto out;
cancel:
	pstore_cancel(db, NULL);
out:
	pstore_rec_free(rec);
	free(key);
	return ret;
}

static int psm_snapshot(void *sm, struct kc_bytes *out)
{
	struct psm *p = sm;
	int ret = kc_bytes_put(out, PSM_MAGIC, sizeof(PSM_MAGIC));

	for (int i = 0; !ret && i < PSM_NDB; i++) {
		struct pstore_err err;
		uint8_t *buf;
		size_t len;

		ret = pstore_snapshot(p->db[i], &buf, &len, &err);
		if (ret) {
			log_warnx("state: snapshot: %s", err.msg);
			break;
		}
		ret = len > UINT32_MAX ? -E2BIG : kc_bytes_put_u32(out, (uint32_t)len);
		ret = ret ?: kc_bytes_put(out, buf, len);
		pstore_buf_free(buf, len);
	}
	return ret;
}

static uint32_t get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Split a snapshot into its database streams, each checked. */
static int psm_split(const uint8_t *s, size_t len, const uint8_t *part[PSM_NDB],
		     size_t plen[PSM_NDB])
{
	size_t off = sizeof(PSM_MAGIC);

	if (len < off || memcmp(s, PSM_MAGIC, off))
		return -EINVAL;
	for (int i = 0; i < PSM_NDB; i++) {
		struct pstore_err err;
		int dbid;

		if (len - off < 4 || get_u32(s + off) > len - off - 4)
			return -EINVAL;
		plen[i] = get_u32(s + off);
		part[i] = s + off + 4;
		off += 4 + plen[i];
		if (pstore_snapshot_verify(part[i], plen[i], &dbid, NULL, NULL, &err)) {
			log_warnx("state: restore: %s", err.msg);
			return -EINVAL;
		}
		if (dbid != (int)psm_dbs[i])
			return -EINVAL;
	}
	return off == len ? 0 : -EINVAL;
}

static int psm_restore(void *sm, const void *snap, size_t len)
{
	struct psm *p = sm;
	const uint8_t *part[PSM_NDB];
	size_t plen[PSM_NDB], olen[PSM_NDB] = { 0 };
	struct pstore_err err;
	uint8_t *old[PSM_NDB] = { NULL };
	int ret = psm_split(snap, len, part, plen), i;

	if (ret)
		return ret;
	for (i = 0; i < PSM_NDB; i++) {
		if (pstore_snapshot(p->db[i], &old[i], &olen[i], &err)) {	/* a corrupt record */
			log_warnx("state: restore: the old %s cannot be kept for a rollback: %s",
				  pstore_db_name_of(psm_dbs[i]), err.msg);
			old[i] = NULL;
			olen[i] = 0;
		}
	}
	for (i = 0; i < PSM_NDB; i++) {
		ret = pstore_restore(p->db[i], part[i], plen[i], &err);
		if (ret)
			break;
	}
	if (ret) {
		log_warnx("state: restore: %s", err.msg);
		while (--i >= 0)	/* put the databases already replaced back */
			if (!old[i] || pstore_restore(p->db[i], old[i], olen[i], NULL))
				log_warnx("state: restore: cannot put the old %s back",
					  pstore_db_name_of(psm_dbs[i]));
	}
	for (i = 0; i < PSM_NDB; i++)
		if (old[i])
			pstore_buf_free(old[i], olen[i]);
	return ret ?: recount(p);
}

static int psm_hash(void *sm, uint8_t out[KC_SM_HASH_LEN])
{
	struct kc_bytes b = { 0 };
	unsigned int olen = 0;
	int ret = psm_snapshot(sm, &b);

	if (!ret && !EVP_Digest(b.data, b.len, out, &olen, EVP_sha256(), NULL))
		ret = -EIO;
	kc_bytes_free(&b);
	return ret;
}

static int put_encoded(struct kc_bytes *val, const struct pstore_rec *rec)
{
	struct pstore_err err;
	uint8_t *buf;
	size_t len;
	int ret = pstore_rec_encode(rec, &buf, &len, &err);

	if (ret)
		return ret;
	ret = kc_bytes_put(val, buf, len);
	pstore_buf_free(buf, len);
	return ret;
}

static int psm_get(void *sm, const void *keyp, size_t klen, struct kc_bytes *val)
{
	struct psm *p = sm;
	struct pstore_rec *rec;
	struct pstore_err err;
	char *key;
	int d, ret;

	if (memchr(keyp, 0, klen))
		return -ENOENT;
	key = strndup(keyp, klen);
	if (!key)
		return -ENOMEM;
	d = key_db(key);
	ret = d < 0 ? -ENOENT : pstore_get(p->db[d], key, &rec, &err);
	if (!ret) {
		ret = put_encoded(val, rec);
		pstore_rec_free(rec);
	} else if (ret != -ENOENT) {
		log_warnx("state: %s", err.msg);
	}
	free(key);
	return ret;
}

struct psm_list {
	const void *prefix;
	size_t plen;
	struct psm_ent { char *key; struct kc_bytes val; } *e;
	size_t n, cap;
};

static int list_collect(const char *key, const struct pstore_rec *rec, void *arg)
{
	struct psm_list *l = arg;
	struct psm_ent *e;

	if (strlen(key) < l->plen || memcmp(key, l->prefix, l->plen))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	e->key = strdup(key);
	if (!e->key)
		return -ENOMEM;
	l->n++;
	return put_encoded(&e->val, rec);
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct psm_ent *)a)->key, ((const struct psm_ent *)b)->key);
}

static int psm_list(void *sm, const void *prefix, size_t plen, kc_sm_list_fn fn, void *arg)
{
	struct psm *p = sm;
	struct psm_list l = { .prefix = prefix, .plen = plen };
	struct pstore_err err;
	int only = prefix_db(prefix, plen), ret = 0;

	for (int i = 0; !ret && i < PSM_NDB; i++) {
		if (only >= 0 && i != only)
			continue;	/* e.g. "ip:" (a lookup per applied mutation) reads one */
		ret = pstore_foreach(p->db[i], 0, list_collect, &l, &err);
		if (ret && ret != -ENOMEM)
			log_warnx("state: %s", err.msg);
	}
	if (!ret && l.n)	/* the databases' keys interleave ("conn:" < "ip:" < "node:") */
		qsort(l.e, l.n, sizeof(*l.e), ent_cmp);
	for (size_t i = 0; !ret && i < l.n; i++)
		ret = fn((const uint8_t *)l.e[i].key, strlen(l.e[i].key), l.e[i].val.data,
			 l.e[i].val.len, arg);
	for (size_t i = 0; i < l.n; i++) {
		free(l.e[i].key);
		if (l.e[i].val.data)
			memset(l.e[i].val.data, 0, l.e[i].val.len);	/* NT hashes */
		kc_bytes_free(&l.e[i].val);
	}
	free(l.e);
	return ret;
}

static uint64_t psm_count(void *sm)
{
	return ((struct psm *)sm)->count;
}

static uint64_t psm_generation(void *sm)
{
	struct psm *p = sm;
	uint64_t sum = 0, g;

	for (int i = 0; i < PSM_NDB; i++)
		if (!pstore_generation(p->db[i], &g, NULL))
			sum += g;
	return sum;
}

static void psm_free(void *sm)
{
	struct psm *p = sm;

	if (!p)
		return;
	for (int i = 0; i < PSM_NDB; i++)
		pstore_close(p->db[i]);
	free(p);
}

static const struct kc_sm_ops psm_ops = {
	.apply = psm_apply,
	.snapshot = psm_snapshot,
	.restore = psm_restore,
	.hash = psm_hash,
	.get = psm_get,
	.list = psm_list,
	.count = psm_count,
	.generation = psm_generation,
	.free = psm_free,
};

int kc_pstore_sm_new(struct kc_sm *sm, const char *dir)
{
	struct psm *p = calloc(1, sizeof(*p));
	struct pstore_err err;
	int ret = 0;

	if (!p)
		return -ENOMEM;
	for (int i = 0; !ret && i < PSM_NDB; i++) {
		ret = pstore_open(dir, psm_dbs[i], PSTORE_CREATE, &p->db[i], &err);
		if (ret)
			log_warnx("state: %s: %s", dir, err.msg);
	}
	ret = ret ?: recount(p);
	if (ret) {
		psm_free(p);
		return ret;
	}
	sm->ops = &psm_ops;
	sm->impl = p;
	return 0;
}
