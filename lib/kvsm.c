// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The in-memory state machine: a key/value map kept sorted by key (bytewise), so its
 * snapshot is canonical. Snapshot format (little endian):
 *
 *   "KCKV" u32 version(1) u32 count { u32 klen, key, u32 vlen, value } * count
 *
 * with keys strictly increasing; restore() rejects anything else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "statemachine.h"

#define KVSM_MAGIC "KCKV"
#define KVSM_VERSION 1

struct kv_entry {
	uint8_t *key, *val;
	size_t klen, vlen;
};

struct kvsm {
	struct kv_entry *e;	/* sorted by key */
	size_t n, cap;
};

int kc_bytes_put(struct kc_bytes *b, const void *p, size_t len)
{
	if (b->cap - b->len < len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *d;

		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2)
				return -ENOMEM;
			cap *= 2;
		}
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	return 0;
}

int kc_bytes_put_u8(struct kc_bytes *b, uint8_t v)
{
	return kc_bytes_put(b, &v, 1);
}

int kc_bytes_put_u32(struct kc_bytes *b, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	return kc_bytes_put(b, le, 4);
}

void kc_bytes_free(struct kc_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static uint32_t get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int kc_sm_mut_encode(struct kc_bytes *out, enum kc_sm_op op, const void *key, size_t klen,
		     const void *val, size_t vlen)
{
	int ret;

	if (!klen || klen > KC_SM_KEY_MAX || vlen > KC_SM_VALUE_MAX)
		return -EINVAL;
	if (op == KC_SM_OP_DEL ? vlen != 0 : (op != KC_SM_OP_SET && op != KC_SM_OP_CREATE))
		return -EINVAL;
	ret = kc_bytes_put_u8(out, op);
	ret = ret ?: kc_bytes_put_u32(out, klen);
	ret = ret ?: kc_bytes_put(out, key, klen);
	ret = ret ?: kc_bytes_put_u32(out, vlen);
	ret = ret ?: kc_bytes_put(out, val, vlen);
	return ret;
}

int kc_sm_mut_decode(const void *buf, size_t len, struct kc_sm_mut *m)
{
	const uint8_t *p = buf;
	size_t off;

	if (len < 9)
		return -EINVAL;
	m->op = p[0];
	m->klen = get_u32(p + 1);
	if (!m->klen || m->klen > KC_SM_KEY_MAX || len - 9 < m->klen)
		return -EINVAL;
	m->key = p + 5;
	off = 5 + m->klen;
	m->vlen = get_u32(p + off);
	off += 4;
	if (m->vlen > KC_SM_VALUE_MAX || len - off != m->vlen)
		return -EINVAL;
	m->val = p + off;
	switch (m->op) {
	case KC_SM_OP_SET:
	case KC_SM_OP_CREATE:
		return 0;
	case KC_SM_OP_DEL:
		return m->vlen ? -EINVAL : 0;
	}
	return -EINVAL;
}

static int keycmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Index of @key, or of where it would go (with *found false). */
static size_t kv_find(const struct kvsm *kv, const uint8_t *key, size_t klen, int *found)
{
	size_t lo = 0, hi = kv->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = keycmp(kv->e[mid].key, kv->e[mid].klen, key, klen);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

static void free_entries(struct kv_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].val);
	}
	free(e);
}

static int kv_set(struct kvsm *kv, const struct kc_sm_mut *m, int create_only)
{
	int found;
	size_t i = kv_find(kv, m->key, m->klen, &found);
	uint8_t *val, *key = NULL;

	if (found && create_only)
		return -EEXIST;
	val = dup_bytes(m->val, m->vlen);
	if (!val)
		return -ENOMEM;
	if (found) {
		free(kv->e[i].val);
		kv->e[i].val = val;
		kv->e[i].vlen = m->vlen;
		return 0;
	}
	if (kv->n == kv->cap) {
		size_t cap = kv->cap ? kv->cap * 2 : 64;
		struct kv_entry *e = realloc(kv->e, cap * sizeof(*e));

		if (!e)
			goto nomem;
		kv->e = e;
		kv->cap = cap;
	}
	key = dup_bytes(m->key, m->klen);
	if (!key)
		goto nomem;
	memmove(&kv->e[i + 1], &kv->e[i], (kv->n - i) * sizeof(*kv->e));
	kv->e[i] = (struct kv_entry){ .key = key, .klen = m->klen, .val = val, .vlen = m->vlen };
	kv->n++;
	return 0;
nomem:
	free(val);
	return -ENOMEM;
}

static int kvsm_apply(void *sm, const void *mut, size_t len)
{
	struct kvsm *kv = sm;
	struct kc_sm_mut m;
	size_t i;
	int found, ret = kc_sm_mut_decode(mut, len, &m);

	if (ret)
		return ret;
	switch (m.op) {
	case KC_SM_OP_SET:
		return kv_set(kv, &m, 0);
	case KC_SM_OP_CREATE:
		return kv_set(kv, &m, 1);
	case KC_SM_OP_DEL:
		i = kv_find(kv, m.key, m.klen, &found);
		if (!found)
			return -ENOENT;
		free(kv->e[i].key);
		free(kv->e[i].val);
		memmove(&kv->e[i], &kv->e[i + 1], (kv->n - i - 1) * sizeof(*kv->e));
		kv->n--;
		return 0;
	}
	return -EINVAL;
}

static int kvsm_snapshot(void *sm, struct kc_bytes *out)
{
	struct kvsm *kv = sm;
	int ret;

	if (kv->n > UINT32_MAX)
		return -EOVERFLOW;
	ret = kc_bytes_put(out, KVSM_MAGIC, 4);
	ret = ret ?: kc_bytes_put_u32(out, KVSM_VERSION);
	ret = ret ?: kc_bytes_put_u32(out, kv->n);
	for (size_t i = 0; !ret && i < kv->n; i++) {
		ret = kc_bytes_put_u32(out, kv->e[i].klen);
		ret = ret ?: kc_bytes_put(out, kv->e[i].key, kv->e[i].klen);
		ret = ret ?: kc_bytes_put_u32(out, kv->e[i].vlen);
		ret = ret ?: kc_bytes_put(out, kv->e[i].val, kv->e[i].vlen);
	}
	return ret;
}

static int kvsm_restore(void *sm, const void *snap, size_t len)
{
	struct kvsm *kv = sm;
	const uint8_t *p = snap;
	struct kv_entry *e = NULL;
	size_t off = 12, n, i;

	if (len < 12 || memcmp(p, KVSM_MAGIC, 4) || get_u32(p + 4) != KVSM_VERSION)
		return -EINVAL;
	n = get_u32(p + 8);
	if (n > (len - 12) / 8)	/* every entry takes at least 8 bytes */
		return -EINVAL;
	e = calloc(n ? n : 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		size_t kl, vl;

		if (len - off < 4)
			goto bad;
		kl = get_u32(p + off);
		off += 4;
		if (!kl || kl > KC_SM_KEY_MAX || len - off < kl + 4)
			goto bad;
		e[i].key = dup_bytes(p + off, kl);
		e[i].klen = kl;
		off += kl;
		vl = get_u32(p + off);
		off += 4;
		if (vl > KC_SM_VALUE_MAX || len - off < vl)
			goto bad_after_key;
		e[i].val = dup_bytes(p + off, vl);
		e[i].vlen = vl;
		off += vl;
		if (!e[i].key || !e[i].val)
			goto bad_entry;
		if (i && keycmp(e[i - 1].key, e[i - 1].klen, e[i].key, e[i].klen) >= 0)
			goto bad_entry;
	}
	if (off != len)
		goto bad;
	free_entries(kv->e, kv->n);
	kv->e = e;
	kv->cap = n ? n : 1;
	kv->n = n;
	return 0;
bad_after_key:
	free(e[i].key);
	goto bad;
bad_entry:
	i++;	/* the entry is filled in (maybe partly): free it with the others */
bad:
	free_entries(e, i);
	return -EINVAL;
}

static int kvsm_hash(void *sm, uint8_t out[KC_SM_HASH_LEN])
{
	struct kc_bytes b = { 0 };
	unsigned int olen = 0;
	int ret = kvsm_snapshot(sm, &b);

	if (!ret && !EVP_Digest(b.data, b.len, out, &olen, EVP_sha256(), NULL))
		ret = -EIO;
	kc_bytes_free(&b);
	return ret;
}

static int kvsm_get(void *sm, const void *key, size_t klen, struct kc_bytes *val)
{
	struct kvsm *kv = sm;
	int found;
	size_t i = kv_find(kv, key, klen, &found);

	if (!found)
		return -ENOENT;
	return kc_bytes_put(val, kv->e[i].val, kv->e[i].vlen);
}

static int kvsm_list(void *sm, const void *prefix, size_t plen, kc_sm_list_fn fn, void *arg)
{
	struct kvsm *kv = sm;
	int found, ret;
	size_t start = plen ? kv_find(kv, prefix, plen, &found) : 0;

	for (size_t i = start; i < kv->n; i++) {
		if (kv->e[i].klen < plen || memcmp(kv->e[i].key, prefix, plen))
			break;
		ret = fn(kv->e[i].key, kv->e[i].klen, kv->e[i].val, kv->e[i].vlen, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static uint64_t kvsm_count(void *sm)
{
	return ((struct kvsm *)sm)->n;
}

static void kvsm_free(void *sm)
{
	struct kvsm *kv = sm;

	if (!kv)
		return;
	free_entries(kv->e, kv->n);
	free(kv);
}

static const struct kc_sm_ops kvsm_ops = {
	.apply = kvsm_apply,
	.snapshot = kvsm_snapshot,
	.restore = kvsm_restore,
	.hash = kvsm_hash,
	.get = kvsm_get,
	.list = kvsm_list,
	.count = kvsm_count,
	.free = kvsm_free,
};

int kc_kvsm_new(struct kc_sm *sm)
{
	struct kvsm *kv = calloc(1, sizeof(*kv));

	if (!kv)
		return -ENOMEM;
	sm->ops = &kvsm_ops;
	sm->impl = kv;
	return 0;
}
