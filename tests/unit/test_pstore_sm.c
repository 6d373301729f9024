/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lib/pstore_sm.c, the persistent replicated state machine, and lib/registry.c:
 * typed mutations applied as one transaction each, failed ones leaving no trace (same hash,
 * same generation), snapshot/restore/hash round trips between state directories, a bad
 * snapshot refused without change, the state surviving a reopen, and the running
 * configuration mountd builds from registry records.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pstore.h"
#include "pstore_sm.h"
#include "registry.h"

struct dirs {
	char base[64];
	char a[96], b[96];
};

static void rm_state(const char *dir)
{
	static const char *const files[] = { "registry.tdb", "nodes.tdb", NULL };
	char path[160];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int setup(void **state)
{
	struct dirs *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	strcpy(d->base, "/tmp/kc-psm-XXXXXX");
	assert_non_null(mkdtemp(d->base));
	snprintf(d->a, sizeof(d->a), "%s/a", d->base);
	snprintf(d->b, sizeof(d->b), "%s/b", d->base);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dirs *d = *state;

	rm_state(d->a);
	rm_state(d->b);
	rmdir(d->base);
	free(d);
	return 0;
}

static struct pstore_share *share(const char *name, const char *path)
{
	struct pstore_share *s = (struct pstore_share *)pstore_rec_new(PSTORE_T_SHARE);

	assert_non_null(s);
	s->name = strdup(name);
	s->path = strdup(path);
	return s;
}

static int put(struct kc_sm *sm, enum kc_sm_op op, struct pstore_rec *rec)
{
	struct kc_bytes m = { 0 };
	int ret = kc_registry_mut_put(&m, op, rec);

	assert_int_equal(ret, 0);
	ret = sm->ops->apply(sm->impl, m.data, m.len);
	kc_bytes_free(&m);
	pstore_rec_free(rec);
	return ret;
}

static int raw(struct kc_sm *sm, enum kc_sm_op op, const char *key, const void *v, size_t vlen)
{
	struct kc_bytes m = { 0 };
	int ret = kc_sm_mut_encode(&m, op, key, strlen(key), v, vlen);

	assert_int_equal(ret, 0);
	ret = sm->ops->apply(sm->impl, m.data, m.len);
	kc_bytes_free(&m);
	return ret;
}

static int del(struct kc_sm *sm, const char *key)
{
	struct kc_bytes m = { 0 };
	int ret = kc_registry_mut_del(&m, key);

	assert_int_equal(ret, 0);
	ret = sm->ops->apply(sm->impl, m.data, m.len);
	kc_bytes_free(&m);
	return ret;
}

static void hash_of(struct kc_sm *sm, uint8_t h[KC_SM_HASH_LEN])
{
	assert_int_equal(sm->ops->hash(sm->impl, h), 0);
}

/* A few mutations of every kind. */
static void populate(struct kc_sm *sm)
{
	struct pstore_user *u = (struct pstore_user *)pstore_rec_new(PSTORE_T_USER);
	struct pstore_option *o = (struct pstore_option *)pstore_rec_new(PSTORE_T_OPTION);
	struct pstore_node *n = (struct pstore_node *)pstore_rec_new(PSTORE_T_NODE);

	assert_int_equal(put(sm, KC_SM_OP_CREATE, &share("data", "/srv/data")->rec), 0);
	assert_int_equal(put(sm, KC_SM_OP_SET, &share("Other", "/srv/other")->rec), 0);
	u->name = strdup("alice");
	memset(u->nt_hash, 0xab, sizeof(u->nt_hash));
	assert_int_equal(put(sm, KC_SM_OP_SET, &u->rec), 0);
	o->key = strdup("server signing");
	o->value = strdup("mandatory");
	assert_int_equal(put(sm, KC_SM_OP_SET, &o->rec), 0);
	n->name = strdup("n2");
	n->id = 2;
	n->state = PSTORE_NODE_DISABLED;
	assert_int_equal(put(sm, KC_SM_OP_SET, &n->rec), 0);
}

static void test_apply(void **state)
{
	struct dirs *d = *state;
	uint8_t h1[KC_SM_HASH_LEN], h2[KC_SM_HASH_LEN];
	struct pstore_rec *rec;
	struct kc_bytes v = { 0 };
	struct kc_sm sm;
	uint64_t gen;

	assert_int_equal(kc_pstore_sm_new(&sm, d->a), 0);
	assert_int_equal(sm.ops->count(sm.impl), 0);
	populate(&sm);
	assert_int_equal(sm.ops->count(sm.impl), 5);
	assert_int_equal(sm.ops->get(sm.impl, "share:other", 11, &v), 0);
	assert_int_equal(pstore_rec_decode(v.data, v.len, &rec, NULL), 0);
	assert_int_equal(rec->type, PSTORE_T_SHARE);
	assert_string_equal(((struct pstore_share *)rec)->path, "/srv/other");
	pstore_rec_free(rec);
	kc_bytes_free(&v);

	/* failures: the same hash and generation afterwards */
	hash_of(&sm, h1);
	gen = sm.ops->generation(sm.impl);
	assert_int_equal(put(&sm, KC_SM_OP_CREATE, &share("DATA", "/x")->rec), -EEXIST);
	assert_int_equal(del(&sm, "share:nothing"), -ENOENT);
	assert_int_equal(raw(&sm, KC_SM_OP_SET, "bogus:x", "v", 1), -EINVAL);
	assert_int_equal(raw(&sm, KC_SM_OP_SET, "share:data", "not a record", 12), -EINVAL);
	{	/* a record under another record's key, and one in the wrong database */
		struct kc_bytes m = { 0 };
		struct pstore_share *s = share("data", "/srv/evil");
		struct pstore_err err;
		uint8_t *buf;
		size_t len;

		assert_int_equal(pstore_rec_encode(&s->rec, &buf, &len, &err), 0);
		assert_int_equal(raw(&sm, KC_SM_OP_SET, "share:other", buf, len), -EINVAL);
		assert_int_equal(raw(&sm, KC_SM_OP_SET, "node:0000000001", buf, len), -EINVAL);
		pstore_buf_free(buf, len);
		pstore_rec_free(&s->rec);
		kc_bytes_free(&m);
	}
	hash_of(&sm, h2);
	assert_memory_equal(h1, h2, sizeof(h1));
	assert_int_equal(sm.ops->generation(sm.impl), gen);
	assert_int_equal(sm.ops->count(sm.impl), 5);

	/* a delete counts */
	assert_int_equal(del(&sm, "share:other"), 0);
	assert_int_equal(sm.ops->count(sm.impl), 4);
	assert_int_equal(sm.ops->generation(sm.impl), gen + 1);
	assert_int_equal(sm.ops->get(sm.impl, "share:other", 11, &v), -ENOENT);
	sm.ops->free(sm.impl);
}

static int count_keys(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen,
		      void *arg)
{
	static char last[64];
	int *n = arg;

	(void)val;
	(void)vlen;
	assert_true(klen < sizeof(last));
	if (*n)
		assert_true(memcmp(last, key, klen) < 0);	/* key order across databases */
	memcpy(last, key, klen);
	last[klen] = '\0';
	(*n)++;
	return 0;
}

static void test_snapshot_restore(void **state)
{
	struct dirs *d = *state;
	uint8_t ha[KC_SM_HASH_LEN], hb[KC_SM_HASH_LEN];
	struct kc_bytes snap = { 0 };
	struct kc_sm a, b;
	int n = 0;

	assert_int_equal(kc_pstore_sm_new(&a, d->a), 0);
	assert_int_equal(kc_pstore_sm_new(&b, d->b), 0);
	populate(&a);
	populate(&b);
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_memory_equal(ha, hb, sizeof(ha));	/* deterministic across directories */
	assert_int_equal(a.ops->list(a.impl, "", 0, count_keys, &n), 0);
	assert_int_equal(n, 5);
	n = 0;
	assert_int_equal(a.ops->list(a.impl, "share:", 6, count_keys, &n), 0);
	assert_int_equal(n, 2);

	/* b diverges, then takes a's snapshot */
	assert_int_equal(del(&b, "user:alice"), 0);
	assert_int_equal(put(&b, KC_SM_OP_SET, &share("extra", "/e")->rec), 0);
	assert_int_equal(a.ops->snapshot(a.impl, &snap), 0);
	/* a corrupt snapshot changes nothing */
	snap.data[snap.len / 2] ^= 0x40;
	hash_of(&b, hb);
	assert_int_equal(b.ops->restore(b.impl, snap.data, snap.len), -EINVAL);
	hash_of(&b, ha);
	assert_memory_equal(ha, hb, sizeof(ha));
	assert_int_equal(b.ops->restore(b.impl, snap.data, snap.len - 1), -EINVAL);
	snap.data[snap.len / 2] ^= 0x40;
	assert_int_equal(b.ops->restore(b.impl, snap.data, snap.len), 0);
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_memory_equal(ha, hb, sizeof(ha));
	assert_int_equal(b.ops->count(b.impl), 5);
	assert_int_equal(b.ops->generation(b.impl), a.ops->generation(a.impl));
	kc_bytes_free(&snap);
	a.ops->free(a.impl);

	/* persistent: a reopened state is the same */
	assert_int_equal(kc_pstore_sm_new(&a, d->a), 0);
	hash_of(&a, ha);
	assert_memory_equal(ha, hb, sizeof(ha));
	assert_int_equal(a.ops->count(a.impl), 5);
	a.ops->free(a.impl);
	b.ops->free(b.impl);
}

/* Client connections (ksmbd-clusterd's ipconn.c) live in the third database, in snapshots too. */
static void test_connections(void **state)
{
	struct dirs *d = *state;
	struct pstore_connection *c =
		(struct pstore_connection *)pstore_rec_new(PSTORE_T_CONNECTION);
	uint8_t ha[KC_SM_HASH_LEN], hb[KC_SM_HASH_LEN];
	struct kc_bytes snap = { 0 }, v = { 0 };
	struct pstore_rec *rec;
	struct kc_sm a, b;
	int n = 0;

	assert_int_equal(kc_pstore_sm_new(&a, d->a), 0);
	assert_int_equal(kc_pstore_sm_new(&b, d->b), 0);
	populate(&a);
	populate(&b);
	c->owner_node = 2;
	c->server_addr = strdup("10.0.0.201");
	c->server_port = 445;
	c->client_addr = strdup("10.0.0.100");
	c->client_port = 50123;
	assert_int_equal(put(&a, KC_SM_OP_SET, &c->rec), 0);
	assert_int_equal(a.ops->count(a.impl), 6);
	assert_int_equal(a.ops->get(a.impl, "conn:10.0.0.201/00445/10.0.0.100/50123", 38, &v), 0);
	assert_int_equal(pstore_rec_decode(v.data, v.len, &rec, NULL), 0);
	assert_int_equal(rec->type, PSTORE_T_CONNECTION);
	assert_int_equal(((struct pstore_connection *)rec)->owner_node, 2);
	pstore_rec_free(rec);
	kc_bytes_free(&v);
	assert_int_equal(a.ops->list(a.impl, "", 0, count_keys, &n), 0);	/* key order */
	assert_int_equal(n, 6);
	n = 0;
	assert_int_equal(a.ops->list(a.impl, "conn:", 5, count_keys, &n), 0);
	assert_int_equal(n, 1);
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_memory_not_equal(ha, hb, sizeof(ha));
	assert_int_equal(a.ops->snapshot(a.impl, &snap), 0);
	assert_memory_equal(snap.data, "KCSMPS2", 8);
	assert_int_equal(b.ops->restore(b.impl, snap.data, snap.len), 0);
	hash_of(&b, hb);
	assert_memory_equal(ha, hb, sizeof(ha));
	assert_int_equal(b.ops->count(b.impl), 6);
	assert_int_equal(del(&b, "conn:10.0.0.201/00445/10.0.0.100/50123"), 0);
	assert_int_equal(b.ops->count(b.impl), 5);
	kc_bytes_free(&snap);
	a.ops->free(a.impl);
	b.ops->free(b.impl);
}

static void test_share_params(void **state)
{
	struct pstore_share *s = share("data", "/srv/data");
	char err[256];

	(void)state;
	assert_int_equal(kc_registry_share_set(s, "writable", "yes", err, sizeof(err)), 0);
	assert_false(s->read_only);
	assert_int_equal(kc_registry_share_set(s, "Valid Users", "alice, \"bob x\"", err,
					       sizeof(err)), 0);
	assert_string_equal(s->valid_users[1], "bob x");
	assert_int_equal(kc_registry_share_set(s, "available", "no", err, sizeof(err)), 0);
	assert_string_equal(s->params[0].key, "available");
	assert_int_equal(kc_registry_share_set(s, "path", "relative", err, sizeof(err)), -1);
	assert_int_equal(kc_registry_share_set(s, "server signing", "auto", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[global]"));
	assert_int_equal(kc_registry_share_set(s, "frobnicate", "1", err, sizeof(err)), -1);
	assert_int_equal(kc_registry_share_set(s, "guest ok", "maybe", err, sizeof(err)), -1);
	pstore_rec_free(&s->rec);
}

static void test_registry_conf(void **state)
{
	static const char node_text[] =
		"[global]\n\tnode name = n1\n\tserver signing = disabled\n"
		"\tcluster nodes = n1@10.0.0.1\n\n[local]\n\tpath = /srv/local\n";
	struct pstore_share *shares[3];
	struct pstore_option *opt = (struct pstore_option *)pstore_rec_new(PSTORE_T_OPTION);
	struct pstore_option *bad = (struct pstore_option *)pstore_rec_new(PSTORE_T_OPTION);
	struct pstore_option *opts[2] = { opt, bad };
	struct kc_conf *node, *conf;
	const struct kc_conf_section *sec;
	char *diag = NULL, err[128];
	long *ports;
	size_t dlen;
	FILE *f;

	(void)state;
	assert_int_equal(kc_conf_parse("node", node_text, strlen(node_text), &node, NULL), 0);
	assert_true(kc_registry_clustered(node));
	shares[0] = share("data", "/srv/data");
	assert_int_equal(kc_registry_share_set(shares[0], "read only", "no", err, sizeof(err)), 0);
	/* a parameter a newer version wrote */
	shares[0]->params = calloc(1, sizeof(*shares[0]->params));
	shares[0]->params[0].key = strdup("future knob");
	shares[0]->params[0].value = strdup("on");
	shares[0]->n_params = 1;
	shares[1] = share("bad]name", "/x");
	shares[2] = share("rel", "not/absolute");
	opt->key = strdup("Server Signing");
	opt->value = strdup("mandatory");
	bad->key = strdup("smb ports");	/* node-local: not from the registry */
	bad->value = strdup("1445");
	f = open_memstream(&diag, &dlen);
	conf = kc_registry_conf(node, shares, 3, opts, 2, f);
	fclose(f);
	assert_non_null(conf);
	assert_non_null(strstr(diag, "'future knob' is unknown to this version"));
	assert_non_null(strstr(diag, "'smb ports' is not a cluster-wide"));
	assert_non_null(strstr(diag, "share rel cannot be served"));
	assert_int_equal(kc_conf_share_count(conf), 1);
	sec = kc_conf_share(conf, "DATA");
	assert_non_null(sec);
	assert_string_equal(kc_conf_str(sec, "path"), "/srv/data");
	assert_false(kc_conf_bool(sec, "read only"));
	assert_null(kc_conf_share(conf, "local"));
	assert_int_equal(kc_conf_enum(kc_conf_global(conf), "server signing"),
			 KC_CONF_SIGNING_MANDATORY);
	assert_string_equal(kc_conf_str(kc_conf_global(conf), "node name"), "n1");
	ports = kc_conf_int_list(kc_conf_global(conf), "smb ports", &dlen);
	assert_non_null(ports);
	assert_int_equal(ports[0], 445);
	free(ports);
	free(diag);
	kc_conf_free(conf);
	kc_conf_free(node);
	for (int i = 0; i < 3; i++)
		pstore_rec_free(&shares[i]->rec);
	pstore_rec_free(&opt->rec);
	pstore_rec_free(&bad->rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connections, setup, teardown),
		cmocka_unit_test(test_share_params),
		cmocka_unit_test(test_registry_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
