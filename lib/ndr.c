// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NDR20 marshalling and unmarshalling (C706 chapter 14), little-endian. See ndr.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndr.h"

struct ndr_push_defer {
	ndr_push_fn fn;
	const void *arg;
};

struct ndr_push_full {
	const void *p;
	uint32_t id;
};

struct ndr_pull_defer {
	ndr_pull_fn fn;
	void *arg;
};

struct ndr_pull_full {
	uint32_t id;
	void *obj;
};

struct ndr_pull_blk {
	struct ndr_pull_blk *next;
	max_align_t data[];
};

/* Grow *v (an array of elem-sized items with *cap room) to hold need items. */
static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		ncap *= 2;
	}
	n = realloc(*v, ncap * elem);
	if (!n)
		return -ENOMEM;
	*v = n;
	*cap = ncap;
	return 0;
}

/* ---- GUIDs -------------------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ndr_guid_from_string(const char *s, struct ndr_guid *g)
{
	uint8_t b[16];
	size_t i, n = 0;

	if (!s || strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval((unsigned char)s[i]);
		lo = hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	g->time_low = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	g->time_mid = (uint16_t)(b[4] << 8 | b[5]);
	g->time_hi_and_version = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(g->clock_seq, b + 8, 2);
	memcpy(g->node, b + 10, 6);
	return 0;
}

char *ndr_guid_to_string(const struct ndr_guid *g, char *buf)
{
	snprintf(buf, NDR_GUID_STRLEN, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g->time_low, g->time_mid, g->time_hi_and_version, g->clock_seq[0],
		 g->clock_seq[1], g->node[0], g->node[1], g->node[2], g->node[3], g->node[4],
		 g->node[5]);
	return buf;
}

bool ndr_guid_equal(const struct ndr_guid *a, const struct ndr_guid *b)
{
	return a->time_low == b->time_low && a->time_mid == b->time_mid &&
	       a->time_hi_and_version == b->time_hi_and_version &&
	       !memcmp(a->clock_seq, b->clock_seq, 2) && !memcmp(a->node, b->node, 6);
}

bool ndr_guid_is_zero(const struct ndr_guid *g)
{
	static const struct ndr_guid zero;

	return ndr_guid_equal(g, &zero);
}

/* ---- UTF-8 <-> UTF-16 ---------------------------------------------------------------------- */

/* Decode one code point from valid-or-not UTF-8 at s[0..len); returns its length or -1. */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	int n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

long ndr_utf8_to_utf16(const char *s, size_t len, uint16_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long n = 0;

	while (i < len) {
		uint32_t cp;
		int l = utf8_decode(p + i, len - i, &cp);

		if (l < 0)
			return -EBADMSG;
		i += (size_t)l;
		if (cp >= 0x10000) {
			if (out) {
				out[n] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
				out[n + 1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
			}
			n += 2;
		} else {
			if (out)
				out[n] = (uint16_t)cp;
			n++;
		}
	}
	return n;
}

/* UTF-16LE bytes (n units, no NUL inside) to UTF-8 in out (room for 3 * n + 1 bytes). */
static int utf16le_to_utf8(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		uint32_t c = (uint32_t)in[2 * i] | (uint32_t)in[2 * i + 1] << 8;

		if (c >= 0xd800 && c <= 0xdbff) {
			uint32_t lo;

			if (i + 1 >= n)
				return -EBADMSG;
			lo = (uint32_t)in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;
			if (lo < 0xdc00 || lo > 0xdfff)
				return -EBADMSG;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xdc00 && c <= 0xdfff) {
			return -EBADMSG;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
	return 0;
}

/* ---- push ---------------------------------------------------------------------------------- */

void ndr_push_init(struct ndr_push *ndr)
{
	memset(ndr, 0, sizeof(*ndr));
	ndr->max = NDR_PUSH_MAX_DEFAULT;
	ndr->next_id = NDR_REF_ID_BASE;
}

void ndr_push_free(struct ndr_push *ndr)
{
	free(ndr->data);
	free(ndr->defer);
	free(ndr->full);
	ndr_push_init(ndr);
}

uint8_t *ndr_push_take(struct ndr_push *ndr, size_t *len)
{
	uint8_t *d = ndr->err ? NULL : ndr->data;

	*len = d ? ndr->len : 0;
	if (d)
		ndr->data = NULL;
	ndr_push_free(ndr);
	return d;
}

static int push_fail(struct ndr_push *ndr, int err)
{
	if (!ndr->err)
		ndr->err = err;
	return ndr->err;
}

/* Make room for n more bytes; returns a pointer to them or NULL (err set). */
static uint8_t *push_space(struct ndr_push *ndr, size_t n)
{
	uint8_t *p;

	if (ndr->err)
		return NULL;
	if (n > ndr->max || ndr->len > ndr->max - n) {
		push_fail(ndr, -EMSGSIZE);
		return NULL;
	}
	if (ndr->len + n > ndr->cap) {
		size_t ncap = ndr->cap ? ndr->cap : 256;

		while (ncap < ndr->len + n)
			ncap *= 2;
		p = realloc(ndr->data, ncap);
		if (!p) {
			push_fail(ndr, -ENOMEM);
			return NULL;
		}
		ndr->data = p;
		ndr->cap = ncap;
	}
	p = ndr->data + ndr->len;
	ndr->len += n;
	return p;
}

int ndr_push_bytes(struct ndr_push *ndr, const void *src, size_t n)
{
	uint8_t *p = push_space(ndr, n);

	if (!p)
		return ndr->err;
	if (n)
		memcpy(p, src, n);
	return 0;
}

int ndr_push_zeros(struct ndr_push *ndr, size_t n)
{
	uint8_t *p = push_space(ndr, n);

	if (!p)
		return ndr->err;
	memset(p, 0, n);
	return 0;
}

int ndr_push_align(struct ndr_push *ndr, size_t n)
{
	size_t pad = (n - (ndr->len & (n - 1))) & (n - 1);

	return ndr_push_zeros(ndr, pad);
}

int ndr_push_u8(struct ndr_push *ndr, uint8_t v)
{
	return ndr_push_bytes(ndr, &v, 1);
}

int ndr_push_u16(struct ndr_push *ndr, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	ndr_push_align(ndr, 2);
	return ndr_push_bytes(ndr, b, 2);
}

int ndr_push_u32(struct ndr_push *ndr, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	ndr_push_align(ndr, 4);
	return ndr_push_bytes(ndr, b, 4);
}

int ndr_push_u64(struct ndr_push *ndr, uint64_t v)
{
	ndr_push_align(ndr, 8);
	ndr_push_u32(ndr, (uint32_t)v);
	return ndr_push_u32(ndr, (uint32_t)(v >> 32));
}

int ndr_push_enum16(struct ndr_push *ndr, unsigned int v)
{
	if (v > 0x7fff)
		return push_fail(ndr, -EBADMSG);
	return ndr_push_u16(ndr, (uint16_t)v);
}

int ndr_push_enum32(struct ndr_push *ndr, uint32_t v)
{
	return ndr_push_u32(ndr, v);
}

int ndr_push_u32_at(struct ndr_push *ndr, size_t offset, uint32_t v)
{
	if (ndr->err)
		return ndr->err;
	if (offset > ndr->len || ndr->len - offset < 4)
		return push_fail(ndr, -EINVAL);
	ndr->data[offset] = (uint8_t)v;
	ndr->data[offset + 1] = (uint8_t)(v >> 8);
	ndr->data[offset + 2] = (uint8_t)(v >> 16);
	ndr->data[offset + 3] = (uint8_t)(v >> 24);
	return 0;
}

int ndr_push_u16_at(struct ndr_push *ndr, size_t offset, uint16_t v)
{
	if (ndr->err)
		return ndr->err;
	if (offset > ndr->len || ndr->len - offset < 2)
		return push_fail(ndr, -EINVAL);
	ndr->data[offset] = (uint8_t)v;
	ndr->data[offset + 1] = (uint8_t)(v >> 8);
	return 0;
}

int ndr_push_guid(struct ndr_push *ndr, const struct ndr_guid *g)
{
	ndr_push_u32(ndr, g->time_low);
	ndr_push_u16(ndr, g->time_mid);
	ndr_push_u16(ndr, g->time_hi_and_version);
	ndr_push_bytes(ndr, g->clock_seq, 2);
	return ndr_push_bytes(ndr, g->node, 6);
}

int ndr_push_policy_handle(struct ndr_push *ndr, const struct ndr_policy_handle *h)
{
	ndr_push_u32(ndr, h->attributes);
	return ndr_push_guid(ndr, &h->uuid);
}

static int push_defer(struct ndr_push *ndr, const void *p, ndr_push_fn fn)
{
	if (grow((void **)&ndr->defer, &ndr->defer_cap, ndr->ndefer + 1, sizeof(*ndr->defer)))
		return push_fail(ndr, -ENOMEM);
	ndr->defer[ndr->ndefer].fn = fn;
	ndr->defer[ndr->ndefer].arg = p;
	ndr->ndefer++;
	return 0;
}

static int push_new_id(struct ndr_push *ndr, uint32_t *id)
{
	if (ndr->next_id > UINT32_MAX - NDR_REF_ID_STEP)
		return push_fail(ndr, -EMSGSIZE);
	*id = ndr->next_id;
	ndr->next_id += NDR_REF_ID_STEP;
	return 0;
}

int ndr_push_unique_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn)
{
	uint32_t id = 0;

	if (ndr->err)
		return ndr->err;
	if (p && (push_new_id(ndr, &id) || push_defer(ndr, p, fn)))
		return ndr->err;
	return ndr_push_u32(ndr, id);
}

int ndr_push_ref_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn)
{
	if (!p)
		return push_fail(ndr, -EBADMSG);
	return ndr_push_unique_ptr(ndr, p, fn);
}

int ndr_push_full_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn)
{
	size_t i;
	uint32_t id;

	if (ndr->err || !p)
		return ndr->err ? ndr->err : ndr_push_u32(ndr, 0);
	for (i = 0; i < ndr->nfull; i++)
		if (ndr->full[i].p == p)
			return ndr_push_u32(ndr, ndr->full[i].id);
	if (grow((void **)&ndr->full, &ndr->full_cap, ndr->nfull + 1, sizeof(*ndr->full)))
		return push_fail(ndr, -ENOMEM);
	if (push_new_id(ndr, &id) || push_defer(ndr, p, fn))
		return ndr->err;
	ndr->full[ndr->nfull].p = p;
	ndr->full[ndr->nfull].id = id;
	ndr->nfull++;
	return ndr_push_u32(ndr, id);
}

/* Write the entries queued from index mark on; each one's own referents follow it at once. */
static int push_flush_from(struct ndr_push *ndr, size_t mark)
{
	size_t i, end = ndr->ndefer;

	if (ndr->depth >= NDR_MAX_DEPTH)
		return push_fail(ndr, -ELOOP);
	ndr->depth++;
	for (i = mark; i < end && !ndr->err; i++) {
		struct ndr_push_defer d = ndr->defer[i];
		size_t child = ndr->ndefer;

		int r = d.fn(ndr, d.arg);

		if (r)
			push_fail(ndr, r < 0 ? r : -EBADMSG);
		if (!ndr->err)
			push_flush_from(ndr, child);
		ndr->ndefer = child;
	}
	ndr->depth--;
	ndr->ndefer = mark;
	return ndr->err;
}

int ndr_push_deferred(struct ndr_push *ndr)
{
	if (ndr->err)
		return ndr->err;
	return push_flush_from(ndr, 0);
}

int ndr_push_conformant_array(struct ndr_push *ndr, const void *base, uint32_t count,
			      size_t elem_size, ndr_push_fn fn)
{
	uint32_t i;

	ndr_push_u32(ndr, count);
	for (i = 0; i < count && !ndr->err; i++)
		if (fn(ndr, (const uint8_t *)base + (size_t)i * elem_size))
			push_fail(ndr, -EBADMSG);
	return ndr->err;
}

int ndr_push_cv_array(struct ndr_push *ndr, uint32_t max_count, uint32_t offset,
		      const void *base, uint32_t count, size_t elem_size, ndr_push_fn fn)
{
	uint32_t i;

	if (offset > max_count || count > max_count - offset)
		return push_fail(ndr, -EBADMSG);
	ndr_push_u32(ndr, max_count);
	ndr_push_u32(ndr, offset);
	ndr_push_u32(ndr, count);
	for (i = 0; i < count && !ndr->err; i++)
		if (fn(ndr, (const uint8_t *)base + (size_t)i * elem_size))
			push_fail(ndr, -EBADMSG);
	return ndr->err;
}

int ndr_push_string(struct ndr_push *ndr, const char *s)
{
	size_t len = strlen(s);
	long n = ndr_utf8_to_utf16(s, len, NULL);
	uint8_t *p;
	uint16_t *u;
	long i;

	if (n < 0 || (unsigned long)n >= UINT32_MAX / 2)
		return push_fail(ndr, -EBADMSG);
	u = malloc(((size_t)n + 1) * sizeof(*u));
	if (!u)
		return push_fail(ndr, -ENOMEM);
	ndr_utf8_to_utf16(s, len, u);
	u[n] = 0;
	ndr_push_u32(ndr, (uint32_t)n + 1);
	ndr_push_u32(ndr, 0);
	ndr_push_u32(ndr, (uint32_t)n + 1);
	p = push_space(ndr, ((size_t)n + 1) * 2);
	if (p) {
		for (i = 0; i <= n; i++) {
			p[2 * i] = (uint8_t)u[i];
			p[2 * i + 1] = (uint8_t)(u[i] >> 8);
		}
	}
	free(u);
	return ndr->err;
}

int ndr_push_string_fn(struct ndr_push *ndr, const void *arg)
{
	return ndr_push_string(ndr, arg);
}

int ndr_push_unique_string(struct ndr_push *ndr, const char *s)
{
	return ndr_push_unique_ptr(ndr, s, ndr_push_string_fn);
}

/* ---- pull ---------------------------------------------------------------------------------- */

void ndr_pull_init(struct ndr_pull *ndr, const uint8_t *data, size_t len)
{
	memset(ndr, 0, sizeof(*ndr));
	ndr->data = data;
	ndr->len = len;
	ndr->max_alloc = NDR_PULL_ALLOC_DEFAULT;
}

void ndr_pull_free(struct ndr_pull *ndr)
{
	struct ndr_pull_blk *b = ndr->mem, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	free(ndr->defer);
	free(ndr->full);
	ndr->mem = NULL;
	ndr->defer = NULL;
	ndr->full = NULL;
	ndr->ndefer = ndr->defer_cap = ndr->nfull = ndr->full_cap = 0;
	ndr->allocated = 0;
}

static int pull_fail(struct ndr_pull *ndr, int err)
{
	if (!ndr->err)
		ndr->err = err;
	return ndr->err;
}

void *ndr_pull_alloc(struct ndr_pull *ndr, size_t size)
{
	struct ndr_pull_blk *b;

	if (ndr->err)
		return NULL;
	if (size > ndr->max_alloc || ndr->allocated > ndr->max_alloc - size) {
		pull_fail(ndr, -EMSGSIZE);
		return NULL;
	}
	b = calloc(1, sizeof(*b) + (size ? size : 1));
	if (!b) {
		pull_fail(ndr, -ENOMEM);
		return NULL;
	}
	b->next = ndr->mem;
	ndr->mem = b;
	ndr->allocated += size;
	return b->data;
}

/* The next n input bytes, or NULL (err set) when fewer remain. */
static const uint8_t *pull_take(struct ndr_pull *ndr, size_t n)
{
	const uint8_t *p;

	if (ndr->err)
		return NULL;
	if (n > ndr->len - ndr->off) {
		pull_fail(ndr, -EBADMSG);
		return NULL;
	}
	p = ndr->data + ndr->off;
	ndr->off += n;
	return p;
}

int ndr_pull_align(struct ndr_pull *ndr, size_t n)
{
	size_t pad = (n - (ndr->off & (n - 1))) & (n - 1);

	return pull_take(ndr, pad) ? 0 : ndr->err;
}

int ndr_pull_skip(struct ndr_pull *ndr, size_t n)
{
	return pull_take(ndr, n) ? 0 : ndr->err;
}

int ndr_pull_bytes(struct ndr_pull *ndr, void *dst, size_t n)
{
	const uint8_t *p = pull_take(ndr, n);

	if (!p) {
		memset(dst, 0, n);
		return ndr->err;
	}
	if (n)
		memcpy(dst, p, n);
	return 0;
}

int ndr_pull_u8(struct ndr_pull *ndr, uint8_t *v)
{
	return ndr_pull_bytes(ndr, v, 1);
}

int ndr_pull_u16(struct ndr_pull *ndr, uint16_t *v)
{
	const uint8_t *p;

	*v = 0;
	if (ndr_pull_align(ndr, 2))
		return ndr->err;
	p = pull_take(ndr, 2);
	if (!p)
		return ndr->err;
	*v = (uint16_t)(p[0] | p[1] << 8);
	return 0;
}

int ndr_pull_u32(struct ndr_pull *ndr, uint32_t *v)
{
	const uint8_t *p;

	*v = 0;
	if (ndr_pull_align(ndr, 4))
		return ndr->err;
	p = pull_take(ndr, 4);
	if (!p)
		return ndr->err;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return 0;
}

int ndr_pull_u64(struct ndr_pull *ndr, uint64_t *v)
{
	uint32_t lo, hi;

	*v = 0;
	if (ndr_pull_align(ndr, 8) || ndr_pull_u32(ndr, &lo) || ndr_pull_u32(ndr, &hi))
		return ndr->err;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int ndr_pull_enum16(struct ndr_pull *ndr, unsigned int *v)
{
	uint16_t u;

	*v = 0;
	if (ndr_pull_u16(ndr, &u))
		return ndr->err;
	if (u > 0x7fff)
		return pull_fail(ndr, -EBADMSG);
	*v = u;
	return 0;
}

int ndr_pull_enum32(struct ndr_pull *ndr, uint32_t *v)
{
	return ndr_pull_u32(ndr, v);
}

int ndr_pull_guid(struct ndr_pull *ndr, struct ndr_guid *g)
{
	ndr_pull_u32(ndr, &g->time_low);
	ndr_pull_u16(ndr, &g->time_mid);
	ndr_pull_u16(ndr, &g->time_hi_and_version);
	ndr_pull_bytes(ndr, g->clock_seq, 2);
	return ndr_pull_bytes(ndr, g->node, 6);
}

int ndr_pull_policy_handle(struct ndr_pull *ndr, struct ndr_policy_handle *h)
{
	ndr_pull_u32(ndr, &h->attributes);
	return ndr_pull_guid(ndr, &h->uuid);
}

static int pull_defer(struct ndr_pull *ndr, ndr_pull_fn fn, void *arg)
{
	if (grow((void **)&ndr->defer, &ndr->defer_cap, ndr->ndefer + 1, sizeof(*ndr->defer)))
		return pull_fail(ndr, -ENOMEM);
	ndr->defer[ndr->ndefer].fn = fn;
	ndr->defer[ndr->ndefer].arg = arg;
	ndr->ndefer++;
	return 0;
}

/* Read a referent ID; for a non-zero one allocate the object and queue fn on it. */
static int pull_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn,
		    uint32_t *idp)
{
	uint32_t id;
	void *obj;

	*dst = NULL;
	if (ndr_pull_u32(ndr, &id))
		return ndr->err;
	*idp = id;
	if (!id)
		return 0;
	obj = ndr_pull_alloc(ndr, size);
	if (!obj || pull_defer(ndr, fn, obj))
		return ndr->err;
	*dst = obj;
	return 0;
}

int ndr_pull_unique_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn)
{
	uint32_t id;

	return pull_ptr(ndr, dst, size, fn, &id);
}

int ndr_pull_ref_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn)
{
	uint32_t id;

	if (pull_ptr(ndr, dst, size, fn, &id))
		return ndr->err;
	if (!id)
		return pull_fail(ndr, -EBADMSG);
	return 0;
}

int ndr_pull_full_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn)
{
	uint32_t id;
	size_t i;

	*dst = NULL;
	if (ndr_pull_u32(ndr, &id) || !id)
		return ndr->err;
	for (i = 0; i < ndr->nfull; i++) {
		if (ndr->full[i].id == id) {
			*dst = ndr->full[i].obj;
			return 0;
		}
	}
	if (grow((void **)&ndr->full, &ndr->full_cap, ndr->nfull + 1, sizeof(*ndr->full)))
		return pull_fail(ndr, -ENOMEM);
	*dst = ndr_pull_alloc(ndr, size);
	if (!*dst || pull_defer(ndr, fn, *dst))
		return ndr->err;
	ndr->full[ndr->nfull].id = id;
	ndr->full[ndr->nfull].obj = *dst;
	ndr->nfull++;
	return 0;
}

static int pull_flush_from(struct ndr_pull *ndr, size_t mark)
{
	size_t i, end = ndr->ndefer;

	if (ndr->depth >= NDR_MAX_DEPTH)
		return pull_fail(ndr, -ELOOP);
	ndr->depth++;
	for (i = mark; i < end && !ndr->err; i++) {
		struct ndr_pull_defer d = ndr->defer[i];
		size_t child = ndr->ndefer;

		int r = d.fn(ndr, d.arg);

		if (r)
			pull_fail(ndr, r < 0 ? r : -EBADMSG);
		if (!ndr->err)
			pull_flush_from(ndr, child);
		ndr->ndefer = child;
	}
	ndr->depth--;
	ndr->ndefer = mark;
	return ndr->err;
}

int ndr_pull_deferred(struct ndr_pull *ndr)
{
	if (ndr->err)
		return ndr->err;
	return pull_flush_from(ndr, 0);
}

int ndr_pull_conformance(struct ndr_pull *ndr, uint32_t *count, size_t min_wire_size)
{
	if (ndr_pull_u32(ndr, count))
		return ndr->err;
	if (!min_wire_size)
		min_wire_size = 1;
	if (*count > ndr_pull_remaining(ndr) / min_wire_size) {
		*count = 0;
		return pull_fail(ndr, -EBADMSG);
	}
	return 0;
}

int ndr_pull_variance(struct ndr_pull *ndr, uint32_t max_count, uint32_t *offset,
		      uint32_t *actual, size_t min_wire_size)
{
	*offset = *actual = 0;
	if (ndr_pull_u32(ndr, offset) || ndr_pull_u32(ndr, actual))
		return ndr->err;
	if (!min_wire_size)
		min_wire_size = 1;
	if (*offset > max_count || *actual > max_count - *offset ||
	    *actual > ndr_pull_remaining(ndr) / min_wire_size) {
		*offset = *actual = 0;
		return pull_fail(ndr, -EBADMSG);
	}
	return 0;
}

/* Allocate count elements and run fn on each. */
static int pull_elements(struct ndr_pull *ndr, void **out, uint32_t count, size_t elem_size,
			 ndr_pull_fn fn)
{
	uint8_t *base;
	uint32_t i;

	*out = NULL;
	if (!count)
		return ndr->err;
	if (elem_size && count > SIZE_MAX / elem_size)
		return pull_fail(ndr, -EMSGSIZE);
	base = ndr_pull_alloc(ndr, (size_t)count * elem_size);
	if (!base)
		return ndr->err;
	for (i = 0; i < count && !ndr->err; i++)
		if (fn(ndr, base + (size_t)i * elem_size))
			pull_fail(ndr, -EBADMSG);
	if (!ndr->err)
		*out = base;
	return ndr->err;
}

int ndr_pull_conformant_array(struct ndr_pull *ndr, void **out, uint32_t *count,
			      size_t elem_size, size_t min_wire_size, ndr_pull_fn fn)
{
	*out = NULL;
	if (ndr_pull_conformance(ndr, count, min_wire_size))
		return ndr->err;
	return pull_elements(ndr, out, *count, elem_size, fn);
}

int ndr_pull_cv_array(struct ndr_pull *ndr, void **out, uint32_t *max_count, uint32_t *offset,
		      uint32_t *count, size_t elem_size, size_t min_wire_size, ndr_pull_fn fn)
{
	*out = NULL;
	*count = *offset = 0;
	if (ndr_pull_u32(ndr, max_count) ||
	    ndr_pull_variance(ndr, *max_count, offset, count, min_wire_size))
		return ndr->err;
	return pull_elements(ndr, out, *count, elem_size, fn);
}

int ndr_pull_string(struct ndr_pull *ndr, char **s)
{
	uint32_t max, offset, actual, i;
	const uint8_t *p;
	char *out;

	*s = NULL;
	if (ndr_pull_u32(ndr, &max) || ndr_pull_variance(ndr, max, &offset, &actual, 2))
		return ndr->err;
	if (offset != 0 || actual == 0)
		return pull_fail(ndr, -EBADMSG);
	p = pull_take(ndr, (size_t)actual * 2);
	if (!p)
		return ndr->err;
	for (i = 0; i < actual - 1; i++)
		if (!p[2 * i] && !p[2 * i + 1])
			return pull_fail(ndr, -EBADMSG);
	if (p[2 * (actual - 1)] || p[2 * (actual - 1) + 1])
		return pull_fail(ndr, -EBADMSG);
	out = ndr_pull_alloc(ndr, (size_t)(actual - 1) * 3 + 1);
	if (!out)
		return ndr->err;
	if (utf16le_to_utf8(p, actual - 1, out))
		return pull_fail(ndr, -EBADMSG);
	*s = out;
	return 0;
}

int ndr_pull_string_fn(struct ndr_pull *ndr, void *arg)
{
	return ndr_pull_string(ndr, arg);
}

int ndr_pull_unique_string(struct ndr_pull *ndr, char **s)
{
	uint32_t id;

	*s = NULL;
	if (ndr_pull_u32(ndr, &id) || !id)
		return ndr->err;
	return pull_defer(ndr, ndr_pull_string_fn, s);
}
