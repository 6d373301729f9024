/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DER reading and writing for SPNEGO, from X.690 section 8.1 (identifier and length octets).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asn1.h"

int asn1_next(struct asn1_reader *r, struct asn1_tlv *t)
{
	size_t len, hdr = 2;
	uint8_t first;

	if (r->len < 2)
		return -EINVAL;
	if ((r->p[0] & 0x1f) == 0x1f)		/* high tag number form */
		return -EINVAL;
	first = r->p[1];
	if (first < 0x80) {
		len = first;
	} else {
		size_t n = first & 0x7f;

		/* 0x80: indefinite (not DER); 0xff: reserved; more than 4 octets: too long */
		if (n == 0 || n > 4 || r->len - 2 < n)
			return -EINVAL;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | r->p[2 + i];
		hdr += n;
	}
	if (len > ASN1_MAX_LEN || len > r->len - hdr)
		return -EINVAL;
	t->tag = r->p[0];
	t->raw = r->p;
	t->rawlen = hdr + len;
	t->val = r->p + hdr;
	t->len = len;
	r->p += t->rawlen;
	r->len -= t->rawlen;
	return 0;
}

int asn1_expect(struct asn1_reader *r, uint8_t tag, struct asn1_tlv *t)
{
	if (asn1_peek(r) != tag)
		return -EINVAL;
	return asn1_next(r, t);
}

bool asn1_oid_equal(const struct asn1_tlv *t, const uint8_t *oid, size_t len)
{
	return t->tag == ASN1_OID && t->len == len && !memcmp(t->val, oid, len);
}

static bool grow(struct asn1_buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->oom)
		return false;
	if (b->len + more <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

/* Tag and length octets for len: writes up to 6 bytes to hdr, returns how many. */
static size_t header(uint8_t hdr[6], uint8_t tag, size_t len)
{
	size_t n = 0;

	hdr[0] = tag;
	if (len < 0x80) {
		hdr[1] = (uint8_t)len;
		return 2;
	}
	for (size_t l = len; l; l >>= 8)
		n++;
	hdr[1] = (uint8_t)(0x80 | n);
	for (size_t i = 0; i < n; i++)
		hdr[2 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
	return 2 + n;
}

void asn1_put_raw(struct asn1_buf *b, const void *data, size_t len)
{
	if (!len || !grow(b, len))
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

void asn1_put_tlv(struct asn1_buf *b, uint8_t tag, const void *val, size_t len)
{
	uint8_t hdr[6];

	asn1_put_raw(b, hdr, header(hdr, tag, len));
	asn1_put_raw(b, val, len);
}

void asn1_wrap(struct asn1_buf *b, uint8_t tag)
{
	uint8_t hdr[6];
	size_t n = header(hdr, tag, b->len);

	if (!grow(b, n))
		return;
	if (b->len)
		memmove(b->p + n, b->p, b->len);
	memcpy(b->p, hdr, n);
	b->len += n;
}

void asn1_put_buf(struct asn1_buf *b, struct asn1_buf *src)
{
	if (src->oom)
		b->oom = true;
	else
		asn1_put_raw(b, src->p, src->len);
	asn1_buf_free(src);
}

uint8_t *asn1_take(struct asn1_buf *b, size_t *len)
{
	uint8_t *p = b->oom ? NULL : b->p;

	*len = b->oom ? 0 : b->len;
	if (b->oom)
		free(b->p);
	memset(b, 0, sizeof(*b));
	return p;
}

void asn1_buf_free(struct asn1_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
