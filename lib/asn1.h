/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small DER (X.690) reader and writer, enough for SPNEGO: single-byte tags and definite
 * lengths of at most four length bytes. The reader checks every length against what is left
 * of its input and refuses the indefinite form (0x80), the reserved 0xff, and high tag
 * numbers (0x1f); a length in long form with leading zeros (not minimal) is accepted, as BER
 * decoders do. Nothing is copied: a TLV points into the input.
 */
#ifndef KC_ASN1_H
#define KC_ASN1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tags */
#define ASN1_BOOLEAN		0x01
#define ASN1_INTEGER		0x02
#define ASN1_BIT_STRING		0x03
#define ASN1_OCTET_STRING	0x04
#define ASN1_OID		0x06
#define ASN1_ENUMERATED		0x0a
#define ASN1_GENERAL_STRING	0x1b
#define ASN1_SEQUENCE		0x30
#define ASN1_APPLICATION(n)	(0x60 | (n))	/* constructed */
#define ASN1_CONTEXT(n)		(0xa0 | (n))	/* constructed */

#define ASN1_MAX_LEN 0xffffffu	/* refuse anything larger (16 MiB) */

struct asn1_reader {
	const uint8_t *p;
	size_t len;
};

struct asn1_tlv {
	uint8_t tag;
	const uint8_t *val;	/* contents */
	size_t len;
	const uint8_t *raw;	/* the whole TLV, header included */
	size_t rawlen;
};

static inline struct asn1_reader asn1_reader_init(const uint8_t *p, size_t len)
{
	return (struct asn1_reader){ p, len };
}

/* A reader over the contents of t. */
static inline struct asn1_reader asn1_contents(const struct asn1_tlv *t)
{
	return (struct asn1_reader){ t->val, t->len };
}

static inline bool asn1_at_end(const struct asn1_reader *r)
{
	return r->len == 0;
}

/* The tag of the next TLV, or -1 at the end. */
static inline int asn1_peek(const struct asn1_reader *r)
{
	return r->len ? r->p[0] : -1;
}

/* Read the next TLV. 0, or -EINVAL (nothing left, bad tag, bad or too long length). */
int asn1_next(struct asn1_reader *r, struct asn1_tlv *t);
/* Read the next TLV and require its tag: -EINVAL otherwise. */
int asn1_expect(struct asn1_reader *r, uint8_t tag, struct asn1_tlv *t);
/* Whether t is the OID whose contents are oid[0..len). */
bool asn1_oid_equal(const struct asn1_tlv *t, const uint8_t *oid, size_t len);

/* A growing output buffer. Zero-initialise it; after a failed allocation it stays failed. */
struct asn1_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void asn1_put_raw(struct asn1_buf *b, const void *data, size_t len);
/* Append tag, length and the contents val[0..len). */
void asn1_put_tlv(struct asn1_buf *b, uint8_t tag, const void *val, size_t len);
/* Wrap everything in b so far as the contents of one TLV of tag. */
void asn1_wrap(struct asn1_buf *b, uint8_t tag);
/* Append the contents of src (which is then freed). */
void asn1_put_buf(struct asn1_buf *b, struct asn1_buf *src);
/* Hand the bytes over (the caller frees them); NULL after a failed allocation. */
uint8_t *asn1_take(struct asn1_buf *b, size_t *len);
void asn1_buf_free(struct asn1_buf *b);

#endif /* KC_ASN1_H */
