/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of libpstore (persistent-store/): the record encoding (round trips of every
 * schema, the exact bytes of one record, corrupt input of every kind, fields and record types
 * of newer versions), and the databases (permissions, transactions and the generation,
 * iteration order, corrupt records on disk, canonical snapshots, restore and its refusals).
 * The kill -9 test is tests/pstore/01-crash.t.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <tdb.h>

#include "pstore.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static char **strv(const char *a, const char *b)
{
	char **v = calloc(3, sizeof(*v));

	assert_non_null(v);
	v[0] = xstrdup(a);
	v[1] = b ? xstrdup(b) : NULL;
	return v;
}

static void fill_guid(uint8_t *g, uint8_t seed)
{
	for (int i = 0; i < PSTORE_GUID_LEN; i++)
		g[i] = (uint8_t)(seed + i * 7);
}

/* A record of type t with every field set to something other than its default. */
static struct pstore_rec *full_record(enum pstore_type t)
{
	struct pstore_rec *r = pstore_rec_new(t);

	assert_non_null(r);
	switch (t) {
	case PSTORE_T_SHARE: {
		struct pstore_share *s = (void *)r;

		s->name = xstrdup("Data");
		s->path = xstrdup("/srv/data");
		s->comment = xstrdup("Team data \xc3\xa9t\xc3\xa9");
		s->read_only = false;
		s->guest_ok = true;
		s->valid_users = strv("alice", "@staff");
		s->invalid_users = strv("mallory", NULL);
		s->browseable = false;
		s->continuous_availability = true;
		s->params = calloc(2, sizeof(*s->params));
		assert_non_null(s->params);
		s->params[0] = (struct pstore_kv){ xstrdup("create mask"), xstrdup("0644") };
		s->params[1] = (struct pstore_kv){ xstrdup("vfs objects"), xstrdup("") };
		s->n_params = 2;
		break;
	}
	case PSTORE_T_USER: {
		struct pstore_user *u = (void *)r;

		u->name = xstrdup("Alice");
		for (int i = 0; i < PSTORE_NT_HASH_LEN; i++)
			u->nt_hash[i] = (uint8_t)(0xa0 + i);
		u->uid = (struct pstore_opt_u32){ true, 1000 };
		u->gid = (struct pstore_opt_u32){ true, 0 };
		u->flags = PSTORE_USER_DISABLED;
		break;
	}
	case PSTORE_T_PUBLIC_IP: {
		struct pstore_public_ip *ip = (void *)r;

		ip->address = xstrdup("fd00::10");
		ip->prefix_len = 64;
		ip->interface = xstrdup("eth1");
		ip->home = strv("node2", "node1");
		break;
	}
	case PSTORE_T_OPTION: {
		struct pstore_option *o = (void *)r;

		o->key = xstrdup("Server Signing");
		o->value = xstrdup("mandatory");
		break;
	}
	case PSTORE_T_NODE: {
		struct pstore_node *n = (void *)r;

		n->name = xstrdup("node2");
		n->id = 2;
		n->addresses = strv("10.0.0.2", "fd00::2");
		n->state = PSTORE_NODE_DISABLED;
		n->last_seen = 1700000000;
		break;
	}
	case PSTORE_T_HANDLE: {
		struct pstore_handle *h = (void *)r;

		h->persistent_id = 0x0123456789abcdefull;
		h->volatile_id = UINT64_MAX;
		fill_guid(h->create_guid, 1);
		fill_guid(h->client_guid, 2);
		h->owner_node = 3;
		h->share = xstrdup("data");
		h->path = xstrdup("dir/file.txt");
		h->desired_access = 0x12019f;
		h->share_access = 7;
		h->create_options = 0x40;
		h->durable_type = PSTORE_PERSISTENT;
		h->timeout_ms = 60000;
		h->oplock_level = 0xff;
		fill_guid(h->lease_key, 3);
		h->user = xstrdup("alice");
		h->state.len = 300;
		h->state.data = malloc(300);
		assert_non_null(h->state.data);
		for (int i = 0; i < 300; i++)
			h->state.data[i] = (uint8_t)i;
		break;
	}
	case PSTORE_T_LOCK: {
		struct pstore_lock *l = (void *)r;

		l->persistent_id = 42;
		l->offset = 1ull << 40;
		l->length = UINT64_MAX;
		l->exclusive = true;
		l->owner_node = 1;
		break;
	}
	case PSTORE_T_LEASE: {
		struct pstore_lease *l = (void *)r;

		fill_guid(l->client_guid, 4);
		fill_guid(l->lease_key, 5);
		fill_guid(l->parent_lease_key, 6);
		l->state = 7;
		l->epoch = 9;
		l->version = 2;
		l->breaking = true;
		l->break_to = 1;
		l->share = xstrdup("data");
		l->path = xstrdup("a/b");
		l->owner_node = 2;
		break;
	}
	case PSTORE_T_CONNECTION: {
		struct pstore_connection *c = (void *)r;

		c->owner_node = 1;
		c->server_addr = xstrdup("10.0.0.100");
		c->server_port = 445;
		c->client_addr = xstrdup("10.0.1.5");
		c->client_port = 50123;
		fill_guid(c->client_guid, 7);
		c->dialect = 0x0311;
		c->established = 1700000001;
		break;
	}
	}
	return r;
}

static void encode_ok(const struct pstore_rec *r, uint8_t **buf, size_t *len)
{
	struct pstore_err err = { "" };
	int rc = pstore_rec_encode(r, buf, len, &err);

	if (rc)
		fail_msg("encode: %s", err.msg);
}

/* decode must fail with rc and a message containing want. */
static void decode_fails(const uint8_t *buf, size_t len, int want_rc, const char *want)
{
	struct pstore_rec *r = (void *)1;
	struct pstore_err err = { "" };
	int rc = pstore_rec_decode(buf, len, &r, &err);

	if (rc != want_rc)
		fail_msg("decode gave %d, wanted %d (%s)", rc, want_rc, err.msg);
	assert_null(r);
	if (want && !strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

/* A raw record: header, the given field bytes, a correct checksum. */
static size_t raw_record(uint8_t *out, uint8_t type, uint16_t version, const uint8_t *fields,
			 size_t flen)
{
	uint32_t crc;

	out[0] = PSTORE_FORMAT;
	out[1] = type;
	out[2] = (uint8_t)version;
	out[3] = (uint8_t)(version >> 8);
	for (int i = 0; i < 4; i++)
		out[4 + i] = (uint8_t)(flen >> (8 * i));
	memcpy(out + 8, fields, flen);
	crc = pstore_crc32c(0, out, 8 + flen);
	for (int i = 0; i < 4; i++)
		out[8 + flen + i] = (uint8_t)(crc >> (8 * i));
	return 8 + flen + 4;
}

/* Append a field to a byte array. */
static size_t field(uint8_t *p, uint16_t tag, uint8_t wtype, const void *val, uint32_t len)
{
	p[0] = (uint8_t)tag;
	p[1] = (uint8_t)(tag >> 8);
	p[2] = wtype;
	for (int i = 0; i < 4; i++)
		p[3 + i] = (uint8_t)(len >> (8 * i));
	memcpy(p + 7, val, len);
	return 7 + len;
}

static size_t field_u64(uint8_t *p, uint16_t tag, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return field(p, tag, 1, b, 8);
}

/* ---- encoding ------------------------------------------------------------------------------ */

static void test_crc32c(void **state)
{
	(void)state;
	/* The check value of CRC-32C (Castagnoli), RFC 3720 B.4 family. */
	assert_int_equal(pstore_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(pstore_crc32c(0, "", 0), 0);
	/* Incremental use gives the same result. */
	assert_int_equal(pstore_crc32c(pstore_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

/* The exact bytes of one record pin the format down. */
static void test_encoding_bytes(void **state)
{
	static const uint8_t want[] = {
		0x01, 0x04, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00,		/* format, option, v1, 16 */
		0x01, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 'a',		/* tag 1 string "a" */
		0x02, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 'b',		/* tag 2 string "b" */
		0x81, 0x29, 0x1d, 0x25,					/* CRC32C */
	};
	struct pstore_option *o = (void *)pstore_rec_new(PSTORE_T_OPTION);
	uint8_t *buf;
	size_t len;

	(void)state;
	o->key = xstrdup("a");
	o->value = xstrdup("b");
	encode_ok(&o->rec, &buf, &len);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	pstore_buf_free(buf, len);
	pstore_rec_free(&o->rec);
}

/* Every schema: encode, decode, encode again gives the same bytes; fields compare equal. */
static void test_roundtrip_all_types(void **state)
{
	(void)state;
	for (int t = 1; t <= PSTORE_T_MAX; t++) {
		struct pstore_rec *r = full_record((enum pstore_type)t), *d = NULL;
		struct pstore_err err = { "" };
		uint8_t *b1, *b2;
		size_t l1, l2;
		char *k1, *k2;

		encode_ok(r, &b1, &l1);
		if (pstore_rec_decode(b1, l1, &d, &err))
			fail_msg("decode %s: %s", pstore_type_name((enum pstore_type)t), err.msg);
		assert_int_equal(d->type, t);
		assert_int_equal(d->version, 1);
		assert_int_equal(d->n_unknown, 0);
		encode_ok(d, &b2, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(b1, b2, l1);
		assert_int_equal(pstore_rec_key(r, &k1, NULL), 0);
		assert_int_equal(pstore_rec_key(d, &k2, NULL), 0);
		assert_string_equal(k1, k2);
		free(k1);
		free(k2);
		pstore_buf_free(b1, l1);
		pstore_buf_free(b2, l2);
		pstore_rec_free(r);
		pstore_rec_free(d);
	}
}

static void test_roundtrip_fields(void **state)
{
	struct pstore_rec *r = full_record(PSTORE_T_SHARE), *d;
	struct pstore_share *s;
	struct pstore_user *u;
	struct pstore_handle *h;
	uint8_t *buf;
	size_t len;

	(void)state;
	encode_ok(r, &buf, &len);
	assert_int_equal(pstore_rec_decode(buf, len, &d, NULL), 0);
	s = (void *)d;
	assert_string_equal(s->name, "Data");
	assert_string_equal(s->path, "/srv/data");
	assert_string_equal(s->comment, "Team data \xc3\xa9t\xc3\xa9");
	assert_false(s->read_only);
	assert_true(s->guest_ok);
	assert_string_equal(s->valid_users[0], "alice");
	assert_string_equal(s->valid_users[1], "@staff");
	assert_null(s->valid_users[2]);
	assert_string_equal(s->invalid_users[0], "mallory");
	assert_null(s->invalid_users[1]);
	assert_false(s->browseable);
	assert_true(s->continuous_availability);
	assert_int_equal(s->n_params, 2);
	assert_string_equal(s->params[0].key, "create mask");
	assert_string_equal(s->params[0].value, "0644");
	assert_string_equal(s->params[1].value, "");
	pstore_buf_free(buf, len);
	pstore_rec_free(r);
	pstore_rec_free(d);

	r = full_record(PSTORE_T_USER);
	encode_ok(r, &buf, &len);
	assert_int_equal(pstore_rec_decode(buf, len, &d, NULL), 0);
	u = (void *)d;
	assert_memory_equal(u->nt_hash, ((struct pstore_user *)r)->nt_hash, PSTORE_NT_HASH_LEN);
	assert_true(u->uid.set);
	assert_int_equal(u->uid.v, 1000);
	assert_true(u->gid.set);
	assert_int_equal(u->gid.v, 0);
	assert_int_equal(u->flags, PSTORE_USER_DISABLED);
	pstore_buf_free(buf, len);
	pstore_rec_free(r);
	pstore_rec_free(d);

	r = full_record(PSTORE_T_HANDLE);
	encode_ok(r, &buf, &len);
	assert_int_equal(pstore_rec_decode(buf, len, &d, NULL), 0);
	h = (void *)d;
	assert_int_equal(h->persistent_id, 0x0123456789abcdefull);
	assert_true(h->volatile_id == UINT64_MAX);
	assert_int_equal(h->state.len, 300);
	assert_memory_equal(h->state.data, ((struct pstore_handle *)r)->state.data, 300);
	assert_memory_equal(h->lease_key, ((struct pstore_handle *)r)->lease_key, 16);
	pstore_buf_free(buf, len);
	pstore_rec_free(r);
	pstore_rec_free(d);
}

/* Defaults: a new record, and fields absent from the wire (an older writer). */
static void test_defaults(void **state)
{
	struct pstore_share *s = (void *)pstore_rec_new(PSTORE_T_SHARE);
	struct pstore_node *n = (void *)pstore_rec_new(PSTORE_T_NODE);
	struct pstore_rec *d;
	struct pstore_user *u;
	uint8_t f[128], rec[160], hash[16] = { 1 };
	size_t fl = 0, rl;

	(void)state;
	assert_true(s->read_only);
	assert_true(s->browseable);
	assert_false(s->guest_ok);
	assert_int_equal(n->state, PSTORE_NODE_ENABLED);
	assert_null(pstore_rec_new((enum pstore_type)0));
	assert_null(pstore_rec_new((enum pstore_type)(PSTORE_T_MAX + 1)));
	pstore_rec_free(&s->rec);
	pstore_rec_free(&n->rec);

	/* A user with only a name and hash: no uid/gid, flags 0. */
	fl += field(f + fl, 1, 3, "bob", 3);
	fl += field(f + fl, 2, 4, hash, 16);
	rl = raw_record(rec, PSTORE_T_USER, 1, f, fl);
	assert_int_equal(pstore_rec_decode(rec, rl, &d, NULL), 0);
	u = (void *)d;
	assert_string_equal(u->name, "bob");
	assert_false(u->uid.set);
	assert_false(u->gid.set);
	assert_int_equal(u->flags, 0);
	pstore_rec_free(d);
}

static void test_encode_refuses(void **state)
{
	struct pstore_share *s = (void *)pstore_rec_new(PSTORE_T_SHARE);
	struct pstore_err err;
	uint8_t *buf;
	size_t len;

	(void)state;
	s->name = xstrdup("x");
	assert_int_equal(pstore_rec_encode(&s->rec, &buf, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "field 2 (path) is required"));
	s->path = xstrdup("/bad\xff");
	assert_int_equal(pstore_rec_encode(&s->rec, &buf, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not valid UTF-8"));
	free(s->path);
	s->path = xstrdup("/ok");
	assert_int_equal(pstore_rec_encode(&s->rec, &buf, &len, &err), 0);
	pstore_buf_free(buf, len);
	pstore_rec_free(&s->rec);
}

static void test_keys(void **state)
{
	struct pstore_rec *r;
	char *k;

	(void)state;
	r = full_record(PSTORE_T_SHARE);
	assert_int_equal(pstore_rec_key(r, &k, NULL), 0);
	assert_string_equal(k, "share:data");
	free(k);
	pstore_rec_free(r);
	r = full_record(PSTORE_T_OPTION);
	assert_int_equal(pstore_rec_key(r, &k, NULL), 0);
	assert_string_equal(k, "option:serversigning");
	free(k);
	pstore_rec_free(r);
	r = full_record(PSTORE_T_NODE);
	assert_int_equal(pstore_rec_key(r, &k, NULL), 0);
	assert_string_equal(k, "node:0000000002");
	free(k);
	pstore_rec_free(r);
	r = full_record(PSTORE_T_LOCK);
	assert_int_equal(pstore_rec_key(r, &k, NULL), 0);
	assert_string_equal(k, "lock:000000000000002a:0000010000000000:ffffffffffffffff");
	free(k);
	pstore_rec_free(r);
	r = full_record(PSTORE_T_CONNECTION);
	assert_int_equal(pstore_rec_key(r, &k, NULL), 0);
	assert_string_equal(k, "conn:10.0.0.100/00445/10.0.1.5/50123");
	free(k);
	pstore_rec_free(r);
	r = pstore_rec_new(PSTORE_T_USER);
	assert_int_equal(pstore_rec_key(r, &k, NULL), -EINVAL);
	pstore_rec_free(r);
}

/* Every truncation, every extension and every single-bit flip of a record is rejected. */
static void test_corrupt_truncate_flip(void **state)
{
	struct pstore_rec *r = full_record(PSTORE_T_HANDLE);
	uint8_t *buf, *copy;
	size_t len;

	(void)state;
	encode_ok(r, &buf, &len);
	for (size_t n = 0; n < len; n++)
		decode_fails(buf, n, -EBADMSG, NULL);
	copy = malloc(len + 1);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	copy[len] = 0;
	decode_fails(copy, len + 1, -EBADMSG, "length mismatch");
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(copy, buf, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		decode_fails(copy, len, -EBADMSG, NULL);
	}
	/* A flip inside the fields is caught by the checksum. */
	memcpy(copy, buf, len);
	copy[20] ^= 1;
	decode_fails(copy, len, -EBADMSG, "checksum mismatch");
	free(copy);
	pstore_buf_free(buf, len);
	pstore_rec_free(r);
}

/* Structurally bad records with a correct checksum: each rejected with its reason. */
static void test_corrupt_structure(void **state)
{
	uint8_t f[256], rec[300], hash[16] = { 0 }, bad[1] = { 2 };
	size_t fl, rl;

	(void)state;
	/* A field length that runs past the end. */
	fl = field(f, 1, 3, "abc", 3);
	f[3] = 200;
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "runs past the record end");
	/* A truncated field header. */
	fl = field(f, 1, 3, "abc", 3);
	memset(f + fl, 0, 3);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl + 3);
	decode_fails(rec, rl, -EBADMSG, "truncated");
	/* Tags out of order. */
	fl = field(f, 2, 3, "v", 1);
	fl += field(f + fl, 1, 3, "k", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "out of order");
	/* A non-list field repeated. */
	fl = field(f, 1, 3, "k", 1);
	fl += field(f + fl, 1, 3, "k", 1);
	fl += field(f + fl, 2, 3, "v", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "field 1 (key) repeated");
	/* A required field missing. */
	fl = field(f, 1, 3, "k", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "required field 2 (value) missing");
	/* The wrong wire type for a known tag. */
	fl = field(f, 1, 4, "k", 1);
	fl += field(f + fl, 2, 3, "v", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "wire type 4, expected 3");
	/* Invalid UTF-8, an embedded NUL. */
	fl = field(f, 1, 3, "k\xc0\xaf", 3);
	fl += field(f + fl, 2, 3, "v", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "not valid UTF-8");
	fl = field(f, 1, 3, "k\0x", 3);
	fl += field(f + fl, 2, 3, "v", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "NUL");
	/* A boolean that is neither 0 nor 1. */
	fl = field(f, 1, 3, "s", 1);
	fl += field(f + fl, 2, 3, "/p", 2);
	fl += field(f + fl, 4, 2, bad, 1);
	rl = raw_record(rec, PSTORE_T_SHARE, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "bad boolean");
	/* A 32-bit field out of range, an integer of the wrong size. */
	fl = field(f, 1, 3, "u", 1);
	fl += field(f + fl, 2, 4, hash, 16);
	fl += field_u64(f + fl, 3, 1ull << 32);
	rl = raw_record(rec, PSTORE_T_USER, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "field 3 (uid): 4294967296 out of range");
	fl = field(f, 1, 3, "u", 1);
	fl += field(f + fl, 2, 4, hash, 16);
	fl += field(f + fl, 5, 1, hash, 4);
	rl = raw_record(rec, PSTORE_T_USER, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "integer of 4 bytes");
	/* A fixed-size field of the wrong size. */
	fl = field(f, 1, 3, "u", 1);
	fl += field(f + fl, 2, 4, hash, 15);
	rl = raw_record(rec, PSTORE_T_USER, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "15 bytes, expected 16");
	/* A pair whose key length exceeds the field. */
	{
		uint8_t pair[8] = { 9, 0, 0, 0, 'a', 'b', 'c', 'd' };

		fl = field(f, 1, 3, "s", 1);
		fl += field(f + fl, 2, 3, "/p", 2);
		fl += field(f + fl, 10, 5, pair, 8);
		rl = raw_record(rec, PSTORE_T_SHARE, 1, f, fl);
		decode_fails(rec, rl, -EBADMSG, "bad pair lengths");
	}
	/* Header problems: format, type 0, version 0. */
	fl = field(f, 1, 3, "k", 1);
	fl += field(f + fl, 2, 3, "v", 1);
	rl = raw_record(rec, PSTORE_T_OPTION, 0, f, fl);
	decode_fails(rec, rl, -EBADMSG, "schema version 0");
	rl = raw_record(rec, 0, 1, f, fl);
	decode_fails(rec, rl, -EBADMSG, "record type 0");
	rl = raw_record(rec, PSTORE_T_OPTION, 1, f, fl);
	rec[0] = 2;
	decode_fails(rec, rl, -EBADMSG, NULL);
}

/* Fields of a newer version are kept, in place, through a read-modify-write. */
static void test_unknown_fields_preserved(void **state)
{
	uint8_t f[256], rec[300], *out, *out2;
	size_t fl, rl, ol, ol2;
	struct pstore_rec *d, *d2;
	struct pstore_share *s;

	(void)state;
	/* Known fields of a share, and tags 11 and 40 that this version does not know. */
	fl = field(f, 1, 3, "s", 1);
	fl += field(f + fl, 2, 3, "/p", 2);
	fl += field(f + fl, 4, 2, "\0", 1);
	fl += field(f + fl, 8, 2, "\1", 1);
	fl += field_u64(f + fl, 11, 77);
	fl += field(f + fl, 40, 9, "future", 6);	/* an unknown wire type too */
	fl += field(f + fl, 40, 9, "again", 5);
	rl = raw_record(rec, PSTORE_T_SHARE, 3, f, fl);
	assert_int_equal(pstore_rec_decode(rec, rl, &d, NULL), 0);
	assert_int_equal(d->version, 3);
	assert_int_equal(d->n_unknown, 3);
	assert_int_equal(d->unknown[0].tag, 11);
	assert_int_equal(d->unknown[1].tag, 40);
	assert_int_equal(d->unknown[1].wtype, 9);
	assert_memory_equal(d->unknown[2].data, "again", 5);
	/* Modify a known field and write back: the unknown fields and version survive. */
	s = (void *)d;
	free(s->path);
	s->path = xstrdup("/new");
	s->guest_ok = true;
	encode_ok(d, &out, &ol);
	assert_int_equal(out[2], 3);
	assert_int_equal(pstore_rec_decode(out, ol, &d2, NULL), 0);
	assert_int_equal(d2->version, 3);
	assert_int_equal(d2->n_unknown, 3);
	assert_int_equal(d2->unknown[0].tag, 11);
	assert_memory_equal(d2->unknown[1].data, "future", 6);
	assert_string_equal(((struct pstore_share *)d2)->path, "/new");
	assert_true(((struct pstore_share *)d2)->guest_ok);
	encode_ok(d2, &out2, &ol2);
	assert_int_equal(ol, ol2);
	assert_memory_equal(out, out2, ol);
	pstore_buf_free(out, ol);
	pstore_buf_free(out2, ol2);
	pstore_rec_free(d);
	pstore_rec_free(d2);
}

static void test_unknown_type(void **state)
{
	uint8_t f[32], rec[64];
	size_t fl = field(f, 1, 3, "x", 1), rl = raw_record(rec, 200, 1, f, fl);

	(void)state;
	decode_fails(rec, rl, -EPROTONOSUPPORT, "record type 200 unknown");
}

static void test_print_hides_secrets(void **state)
{
	struct pstore_rec *r = full_record(PSTORE_T_USER);
	char *text;
	size_t n;
	FILE *m;

	(void)state;
	m = open_memstream(&text, &n);
	pstore_rec_print(r, m, false);
	fclose(m);
	assert_non_null(strstr(text, "nt hash = (secret)"));
	assert_null(strstr(text, "a0a1a2"));
	assert_non_null(strstr(text, "uid = 1000"));
	free(text);
	m = open_memstream(&text, &n);
	pstore_rec_print(r, m, true);
	fclose(m);
	assert_non_null(strstr(text, "nt hash = a0a1a2a3"));
	free(text);
	pstore_rec_free(r);
}

/* ---- databases ------------------------------------------------------------------------------ */

struct fixture {
	char root[64];
	char dir[96];
};

static int setup_dir(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->root, "/tmp/test_pstore.XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/state", fx->root);
	*state = fx;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

static struct pstore_db *open_ok(const char *dir, enum pstore_dbid id)
{
	struct pstore_err err = { "" };
	struct pstore_db *db;

	if (pstore_open(dir, id, PSTORE_CREATE, &db, &err))
		fail_msg("open: %s", err.msg);
	return db;
}

static uint64_t gen_of(struct pstore_db *db)
{
	uint64_t g = 12345;

	assert_int_equal(pstore_generation(db, &g, NULL), 0);
	return g;
}

static void put_share(struct pstore_db *db, const char *name, const char *path)
{
	struct pstore_share *s = (void *)pstore_rec_new(PSTORE_T_SHARE);
	struct pstore_err err = { "" };

	s->name = xstrdup(name);
	s->path = xstrdup(path);
	if (pstore_put(db, &s->rec, &err))
		fail_msg("put: %s", err.msg);
	pstore_rec_free(&s->rec);
}

static void put_option(struct pstore_db *db, const char *key, const char *value)
{
	struct pstore_option *o = (void *)pstore_rec_new(PSTORE_T_OPTION);

	o->key = xstrdup(key);
	o->value = xstrdup(value);
	assert_int_equal(pstore_put(db, &o->rec, NULL), 0);
	pstore_rec_free(&o->rec);
}

static void test_files_private(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *db;
	char path[160];
	struct stat st;
	mode_t old = umask(0);

	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	umask(old);
	assert_int_equal(stat(fx->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/registry.tdb", fx->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(pstore_db_name(db), "registry");
	pstore_close(db);
	/* Loosened permissions are tightened again at the next open. */
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(chmod(path, 0644), 0);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(stat(fx->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pstore_close(db);
}

static void test_open_errors(void **state)
{
	struct fixture *fx = *state;
	struct pstore_err err;
	struct pstore_db *db;
	char path[160];
	int fd;

	assert_int_equal(pstore_open(fx->dir, PSTORE_DB_NODES, 0, &db, &err), -ENOENT);
	assert_null(db);
	assert_int_equal(pstore_open(fx->dir, PSTORE_DB_COUNT, PSTORE_CREATE, &db, &err), -EINVAL);
	assert_int_equal(mkdir(fx->dir, 0700), 0);
	/* A file that is not a tdb. */
	snprintf(path, sizeof(path), "%s/nodes.tdb", fx->dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not a tdb file, not at all............", 46), 46);
	close(fd);
	assert_true(pstore_open(fx->dir, PSTORE_DB_NODES, PSTORE_CREATE, &db, &err) < 0);
	assert_non_null(strstr(err.msg, "nodes.tdb"));
	/* A tdb with records but no meta record is not ours. */
	{
		struct tdb_context *t = tdb_open(path, 0, 0, O_RDWR | O_CREAT | O_TRUNC, 0600);
		TDB_DATA k = { (unsigned char *)"x", 1 };

		assert_non_null(t);
		assert_int_equal(tdb_store(t, k, k, TDB_REPLACE), 0);
		tdb_close(t);
	}
	assert_int_equal(pstore_open(fx->dir, PSTORE_DB_NODES, PSTORE_CREATE, &db, &err),
			 -EBADMSG);
	assert_non_null(strstr(err.msg, "not a pstore database"));
	/* A database file renamed to another database's name. */
	db = open_ok(fx->dir, PSTORE_DB_LOCKS);
	pstore_close(db);
	snprintf(path, sizeof(path), "%s/locks.tdb", fx->dir);
	{
		char to[160];

		snprintf(to, sizeof(to), "%s/leases.tdb", fx->dir);
		assert_int_equal(rename(path, to), 0);
	}
	assert_int_equal(pstore_open(fx->dir, PSTORE_DB_LEASES, 0, &db, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "names another database"));
}

static void test_transactions(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	struct pstore_share *s = (void *)pstore_rec_new(PSTORE_T_SHARE);
	struct pstore_node *n = (void *)pstore_rec_new(PSTORE_T_NODE);
	struct pstore_rec *r;
	struct pstore_err err;

	s->name = xstrdup("a");
	s->path = xstrdup("/a");
	n->name = xstrdup("n1");
	assert_int_equal(gen_of(db), 0);
	assert_int_equal(pstore_put(db, &s->rec, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "writes need a transaction"));
	assert_int_equal(pstore_del(db, "share:a", &err), -EINVAL);
	assert_int_equal(pstore_commit(db, &err), -EBUSY);
	assert_int_equal(pstore_cancel(db, &err), -EBUSY);

	/* Commit: visible, generation + 1. */
	assert_int_equal(pstore_begin(db, NULL), 0);
	assert_true(pstore_in_transaction(db));
	assert_int_equal(pstore_begin(db, &err), -EBUSY);
	assert_int_equal(pstore_put(db, &s->rec, NULL), 0);
	assert_int_equal(pstore_put(db, &n->rec, &err), -EINVAL);	/* belongs in nodes */
	assert_non_null(strstr(err.msg, "node records do not belong here"));
	assert_int_equal(pstore_get(db, "share:a", &r, NULL), 0);	/* own writes visible */
	pstore_rec_free(r);
	assert_int_equal(gen_of(db), 0);
	assert_int_equal(pstore_commit(db, NULL), 0);
	assert_false(pstore_in_transaction(db));
	assert_int_equal(gen_of(db), 1);

	/* Cancel: nothing changes, not even the generation. */
	assert_int_equal(pstore_begin(db, NULL), 0);
	assert_int_equal(pstore_del(db, "share:a", NULL), 0);
	put_share(db, "b", "/b");
	assert_int_equal(pstore_get(db, "share:a", &r, NULL), -ENOENT);
	assert_int_equal(pstore_cancel(db, NULL), 0);
	assert_int_equal(gen_of(db), 1);
	assert_int_equal(pstore_get(db, "share:a", &r, NULL), 0);
	pstore_rec_free(r);
	assert_int_equal(pstore_get(db, "share:b", &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "registry: share:b: no such record"));

	/* An empty transaction still counts; deleting a missing record is -ENOENT. */
	assert_int_equal(pstore_begin(db, NULL), 0);
	assert_int_equal(pstore_del(db, "share:zz", NULL), -ENOENT);
	assert_int_equal(pstore_del(db, "!meta", NULL), -EINVAL);
	assert_int_equal(pstore_commit(db, NULL), 0);
	assert_int_equal(gen_of(db), 2);
	assert_int_equal(pstore_get(db, "!meta", &r, NULL), -EINVAL);

	/* Closing with an open transaction cancels it; the data survive a reopen. */
	assert_int_equal(pstore_begin(db, NULL), 0);
	put_share(db, "c", "/c");
	pstore_close(db);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(gen_of(db), 2);
	assert_int_equal(pstore_get(db, "share:c", &r, NULL), -ENOENT);
	assert_int_equal(pstore_get(db, "share:a", &r, NULL), 0);
	assert_string_equal(((struct pstore_share *)r)->path, "/a");
	pstore_rec_free(r);

	/* Read-only opens refuse transactions. */
	{
		struct pstore_db *ro;

		pstore_close(db);
		assert_int_equal(pstore_open(fx->dir, PSTORE_DB_REGISTRY, PSTORE_RDONLY, &ro, NULL),
				 0);
		assert_int_equal(pstore_begin(ro, NULL), -EINVAL);
		assert_int_equal(gen_of(ro), 2);
		pstore_close(ro);
	}
	pstore_rec_free(&s->rec);
	pstore_rec_free(&n->rec);
}

struct walk {
	char keys[16][64];
	int n, stop_at;
};

static int walk_fn(const char *key, const struct pstore_rec *rec, void *arg)
{
	struct walk *w = arg;

	(void)rec;
	assert_true(w->n < 16);
	snprintf(w->keys[w->n], sizeof(w->keys[0]), "%s", key);
	w->n++;
	return w->n == w->stop_at ? 7 : 0;
}

static void test_iteration_order(void **state)
{
	static const char *const names[] = { "m", "b", "Z", "a", "x1", "x", "c" };
	static const char *const sorted[] = {
		"option:a", "option:b", "share:a", "share:b", "share:c", "share:m", "share:x",
		"share:x1", "share:z",
	};
	struct fixture *fx = *state;
	struct pstore_db *db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	struct walk w = { .stop_at = -1 };

	assert_int_equal(pstore_begin(db, NULL), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		put_share(db, names[i], "/p");
	put_option(db, "B", "1");
	put_option(db, "a", "2");
	/* Inside the transaction, its changes are walked. */
	assert_int_equal(pstore_foreach(db, 0, walk_fn, &w, NULL), 0);
	assert_int_equal(w.n, 9);
	assert_int_equal(pstore_commit(db, NULL), 0);
	memset(&w, 0, sizeof(w));
	w.stop_at = -1;
	assert_int_equal(pstore_foreach(db, 0, walk_fn, &w, NULL), 0);
	assert_int_equal(w.n, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(w.keys[i], sorted[i]);
	/* A type filter, and a callback that stops the walk. */
	memset(&w, 0, sizeof(w));
	w.stop_at = -1;
	assert_int_equal(pstore_foreach(db, PSTORE_T_OPTION, walk_fn, &w, NULL), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.keys[1], "option:b");
	memset(&w, 0, sizeof(w));
	w.stop_at = 3;
	assert_int_equal(pstore_foreach(db, 0, walk_fn, &w, NULL), 7);
	assert_int_equal(w.n, 3);
	pstore_close(db);
}

/* Write raw bytes under a key, behind pstore's back. */
static void raw_store(const char *dir, const char *db, const char *key, const void *val,
		      size_t len)
{
	char path[160];
	struct tdb_context *t;

	snprintf(path, sizeof(path), "%s/%s.tdb", dir, db);
	t = tdb_open(path, 0, 0, O_RDWR, 0600);
	assert_non_null(t);
	assert_int_equal(tdb_store(t, (TDB_DATA){ (unsigned char *)key, strlen(key) },
				   (TDB_DATA){ (unsigned char *)val, len }, TDB_REPLACE), 0);
	tdb_close(t);
}

static void test_corrupt_on_disk(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	struct pstore_rec *r, *rec = full_record(PSTORE_T_SHARE);
	struct pstore_err err;
	uint8_t *buf, *snap;
	size_t len, slen, n;
	struct walk w = { .stop_at = -1 };

	assert_int_equal(pstore_begin(db, NULL), 0);
	put_share(db, "good", "/g");
	put_share(db, "x", "/x");
	assert_int_equal(pstore_commit(db, NULL), 0);
	assert_int_equal(pstore_check(db, &n, NULL), 0);
	assert_int_equal(n, 2);
	pstore_close(db);

	/* A flipped byte in a stored record. */
	encode_ok(rec, &buf, &len);
	buf[len / 2] ^= 0x40;
	raw_store(fx->dir, "registry", "share:x", buf, len);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_get(db, "share:x", &r, &err), -EBADMSG);
	assert_null(r);
	assert_non_null(strstr(err.msg, "registry: share:x: checksum mismatch"));
	assert_int_equal(pstore_check(db, &n, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "share:x"));
	assert_int_equal(pstore_foreach(db, 0, walk_fn, &w, &err), -EBADMSG);
	assert_int_equal(pstore_snapshot(db, &snap, &slen, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "share:x"));
	/* Other records are still readable. */
	assert_int_equal(pstore_get(db, "share:good", &r, NULL), 0);
	pstore_rec_free(r);
	pstore_close(db);

	/* A sound record under a key its fields do not give. */
	buf[len / 2] ^= 0x40;
	raw_store(fx->dir, "registry", "share:x", buf, len);	/* its key is share:data */
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_check(db, &n, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "stored under the wrong key"));
	pstore_close(db);

	/* A record of another database. */
	pstore_rec_free(rec);
	pstore_buf_free(buf, len);
	rec = full_record(PSTORE_T_NODE);
	encode_ok(rec, &buf, &len);
	raw_store(fx->dir, "registry", "share:x", buf, len);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_get(db, "share:x", &r, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "a node record does not belong here"));
	pstore_close(db);

	/* A damaged meta record. */
	raw_store(fx->dir, "registry", "!meta", "KCPSMETAxxxxxxxxxxxxxxxxxxxxxxxxxx", 34);
	assert_int_equal(pstore_open(fx->dir, PSTORE_DB_REGISTRY, 0, &db, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "meta record"));
	pstore_rec_free(rec);
	pstore_buf_free(buf, len);
}

/* A read-modify-write through the database keeps a newer version's fields. */
static void test_db_keeps_newer_fields(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	uint8_t f[128], rec[160];
	size_t fl = 0, rl;
	struct pstore_rec *r;
	struct pstore_share *s;

	pstore_close(db);
	fl += field(f + fl, 1, 3, "s", 1);
	fl += field(f + fl, 2, 3, "/old", 4);
	fl += field(f + fl, 12, 3, "from v2", 7);
	rl = raw_record(rec, PSTORE_T_SHARE, 2, f, fl);
	raw_store(fx->dir, "registry", "share:s", rec, rl);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_get(db, "share:s", &r, NULL), 0);
	s = (void *)r;
	free(s->path);
	s->path = xstrdup("/new");
	assert_int_equal(pstore_begin(db, NULL), 0);
	assert_int_equal(pstore_put(db, r, NULL), 0);
	assert_int_equal(pstore_commit(db, NULL), 0);
	pstore_rec_free(r);
	assert_int_equal(pstore_get(db, "share:s", &r, NULL), 0);
	assert_int_equal(r->version, 2);
	assert_int_equal(r->n_unknown, 1);
	assert_int_equal(r->unknown[0].tag, 12);
	assert_memory_equal(r->unknown[0].data, "from v2", 7);
	assert_string_equal(((struct pstore_share *)r)->path, "/new");
	pstore_rec_free(r);
	pstore_close(db);
}

/* ---- snapshots -------------------------------------------------------------------------- */

static void fill_registry(struct pstore_db *db, bool reverse)
{
	static const char *const names[] = { "alpha", "beta", "gamma", "delta", "eps" };
	int n = sizeof(names) / sizeof(names[0]);

	assert_int_equal(pstore_begin(db, NULL), 0);
	for (int i = 0; i < n; i++) {
		int j = reverse ? n - 1 - i : i;

		put_share(db, names[j], names[j]);
		put_option(db, names[j], "v");
	}
	{
		struct pstore_rec *u = full_record(PSTORE_T_USER);

		assert_int_equal(pstore_put(db, u, NULL), 0);
		pstore_rec_free(u);
	}
	assert_int_equal(pstore_commit(db, NULL), 0);
}

static void snapshot_ok(struct pstore_db *db, uint8_t **buf, size_t *len)
{
	struct pstore_err err = { "" };

	if (pstore_snapshot(db, buf, len, &err))
		fail_msg("snapshot: %s", err.msg);
}

static void test_snapshot_canonical(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *a, *b, *c;
	uint8_t *sa, *sb, *sc;
	size_t la, lb, lc;
	char dir2[160], dir3[160];
	uint64_t gen, count;
	int id;

	a = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	snprintf(dir2, sizeof(dir2), "%s/two", fx->root);
	snprintf(dir3, sizeof(dir3), "%s/three", fx->root);
	b = open_ok(dir2, PSTORE_DB_REGISTRY);
	/* The same contents, written in another order and with a detour. */
	fill_registry(a, false);
	assert_int_equal(pstore_begin(b, NULL), 0);
	put_share(b, "junk", "/junk");
	assert_int_equal(pstore_cancel(b, NULL), 0);
	fill_registry(b, true);
	snapshot_ok(a, &sa, &la);
	snapshot_ok(b, &sb, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(sa, sb, la);
	assert_memory_equal(sa, "KCPSNAP1", 8);
	assert_int_equal(pstore_snapshot_verify(sa, la, &id, &gen, &count, NULL), 0);
	assert_int_equal(id, PSTORE_DB_REGISTRY);
	assert_int_equal(gen, 1);
	assert_int_equal(count, 11);

	/* A different generation gives a different stream. */
	assert_int_equal(pstore_begin(b, NULL), 0);
	assert_int_equal(pstore_commit(b, NULL), 0);
	pstore_buf_free(sb, lb);
	snapshot_ok(b, &sb, &lb);
	assert_int_equal(la, lb);
	assert_memory_not_equal(sa, sb, la);

	/* Restore into a fresh database: same stream back, same generation, same records. */
	c = open_ok(dir3, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_restore(c, sa, la, NULL), 0);
	assert_int_equal(gen_of(c), 1);
	snapshot_ok(c, &sc, &lc);
	assert_int_equal(la, lc);
	assert_memory_equal(sa, sc, la);
	pstore_buf_free(sc, lc);
	/* Restore over existing contents replaces them (b's generation 2 -> 1). */
	assert_int_equal(pstore_restore(b, sa, la, NULL), 0);
	assert_int_equal(gen_of(b), 1);
	snapshot_ok(b, &sc, &lc);
	assert_memory_equal(sa, sc, la);
	pstore_buf_free(sc, lc);
	/* And later commits continue from the restored generation. */
	assert_int_equal(pstore_begin(c, NULL), 0);
	assert_int_equal(pstore_del(c, "share:beta", NULL), 0);
	assert_int_equal(pstore_snapshot(c, &sc, &lc, NULL), -EBUSY);
	assert_int_equal(pstore_restore(c, sa, la, NULL), -EBUSY);
	assert_int_equal(pstore_commit(c, NULL), 0);
	assert_int_equal(gen_of(c), 2);

	pstore_buf_free(sa, la);
	pstore_buf_free(sb, lb);
	pstore_close(a);
	pstore_close(b);
	pstore_close(c);
}

static void test_restore_refuses(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *a, *nodes;
	uint8_t *snap, *before, *after, *copy;
	size_t len, lb, la;
	struct pstore_err err;

	a = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	fill_registry(a, false);
	snapshot_ok(a, &snap, &len);
	/* Change a so that a successful restore would be visible. */
	assert_int_equal(pstore_begin(a, NULL), 0);
	put_share(a, "extra", "/e");
	assert_int_equal(pstore_commit(a, NULL), 0);
	snapshot_ok(a, &before, &lb);

	/* Every truncation and a sample of bit flips: refused, a unchanged. */
	for (size_t n = 0; n < len; n++) {
		if (pstore_restore(a, snap, n, &err) != -EBADMSG)
			fail_msg("truncation to %zu accepted", n);
	}
	copy = malloc(len);
	assert_non_null(copy);
	for (size_t bit = 0; bit < len * 8; bit += 13) {
		memcpy(copy, snap, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (pstore_restore(a, copy, len, &err) != -EBADMSG)
			fail_msg("bit flip %zu accepted", bit);
	}
	assert_int_equal(pstore_restore(a, snap, len - 1, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "checksum mismatch"));
	snapshot_ok(a, &after, &la);
	assert_int_equal(lb, la);
	assert_memory_equal(before, after, la);
	assert_int_equal(gen_of(a), 2);

	/* A stream of another database. */
	nodes = open_ok(fx->dir, PSTORE_DB_NODES);
	assert_int_equal(pstore_restore(nodes, snap, len, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "snapshot of registry cannot be restored into nodes"));
	assert_int_equal(pstore_snapshot_verify((const uint8_t *)"garbage", 7, NULL, NULL, NULL,
						&err), -EBADMSG);

	pstore_buf_free(after, la);
	pstore_buf_free(before, lb);
	pstore_buf_free(snap, len);
	free(copy);
	pstore_close(nodes);
	pstore_close(a);
}

/* A stream with a record of a type from a newer version: carried, not walked. */
static void test_snapshot_future_type(void **state)
{
	struct fixture *fx = *state;
	struct pstore_db *db = open_ok(fx->dir, PSTORE_DB_REGISTRY), *db2;
	uint8_t *snap, *snap2, f[32], rec[64];
	size_t len, len2, fl = field(f, 1, 3, "x", 1), rl = raw_record(rec, 200, 1, f, fl);
	struct pstore_rec *r;
	struct walk w = { .stop_at = -1 };
	char dir2[160];
	size_t n;

	pstore_close(db);
	raw_store(fx->dir, "registry", "zfuture:x", rec, rl);
	db = open_ok(fx->dir, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_check(db, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pstore_get(db, "zfuture:x", &r, NULL), -EPROTONOSUPPORT);
	assert_int_equal(pstore_foreach(db, 0, walk_fn, &w, NULL), 0);
	assert_int_equal(w.n, 0);
	snapshot_ok(db, &snap, &len);
	snprintf(dir2, sizeof(dir2), "%s/two", fx->root);
	db2 = open_ok(dir2, PSTORE_DB_REGISTRY);
	assert_int_equal(pstore_restore(db2, snap, len, NULL), 0);
	snapshot_ok(db2, &snap2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(snap, snap2, len);
	pstore_buf_free(snap, len);
	pstore_buf_free(snap2, len2);
	pstore_close(db);
	pstore_close(db2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_encoding_bytes),
		cmocka_unit_test(test_roundtrip_all_types),
		cmocka_unit_test(test_roundtrip_fields),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_corrupt_truncate_flip),
		cmocka_unit_test(test_corrupt_structure),
		cmocka_unit_test(test_unknown_fields_preserved),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_print_hides_secrets),
		cmocka_unit_test_setup_teardown(test_files_private, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_open_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_transactions, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_iteration_order, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_corrupt_on_disk, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_db_keeps_newer_fields, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_snapshot_canonical, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_restore_refuses, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_snapshot_future_type, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
