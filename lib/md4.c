/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MD4 message digest, written from the algorithm description in RFC 1320 section 3: three
 * rounds of sixteen operations over 512-bit blocks, little-endian words, the message padded
 * with 0x80, zeros and its bit length as a 64-bit little-endian number.
 */
#include <string.h>

#include "md4.h"

static inline uint32_t rol32(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define MD4_F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define MD4_G(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define MD4_H(x, y, z) ((x) ^ (y) ^ (z))

static void md4_block(struct md4_ctx *st, const uint8_t block[64])
{
	/* Word order of round 3 (RFC 1320 3.4, "Round 3"); rounds 1 and 2 are regular. */
	static const uint8_t r3[16] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 };
	static const uint8_t s1[4] = { 3, 7, 11, 19 }, s2[4] = { 3, 5, 9, 13 },
			     s3[4] = { 3, 9, 11, 15 };
	uint32_t x[16], v[4], t;
	int i;

	for (i = 0; i < 16; i++)
		x[i] = le32(block + 4 * i);
	memcpy(v, st->h, sizeof(v));
	/*
	 * v[] rotates: each step updates a = v[0] from b, c, d = v[1..3] and then shifts the
	 * roles (a b c d) -> (d a b c), which is the "[abcd k s]" / "[dabc k s]" ... pattern.
	 */
	for (i = 0; i < 16; i++) {
		t = rol32(v[0] + MD4_F(v[1], v[2], v[3]) + x[i], s1[i % 4]);
		v[0] = v[3]; v[3] = v[2]; v[2] = v[1]; v[1] = t;
	}
	for (i = 0; i < 16; i++) {
		t = rol32(v[0] + MD4_G(v[1], v[2], v[3]) + x[(i % 4) * 4 + i / 4] + 0x5a827999u,
			  s2[i % 4]);
		v[0] = v[3]; v[3] = v[2]; v[2] = v[1]; v[1] = t;
	}
	for (i = 0; i < 16; i++) {
		t = rol32(v[0] + MD4_H(v[1], v[2], v[3]) + x[r3[i]] + 0x6ed9eba1u, s3[i % 4]);
		v[0] = v[3]; v[3] = v[2]; v[2] = v[1]; v[1] = t;
	}
	for (i = 0; i < 4; i++)
		st->h[i] += v[i];
	explicit_bzero(x, sizeof(x));
	explicit_bzero(v, sizeof(v));
}

void md4_init(struct md4_ctx *ctx)
{
	ctx->h[0] = 0x67452301u;
	ctx->h[1] = 0xefcdab89u;
	ctx->h[2] = 0x98badcfeu;
	ctx->h[3] = 0x10325476u;
	ctx->len = 0;
}

void md4_update(struct md4_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = ctx->len % 64, take;

	ctx->len += len;
	if (have) {
		take = len < 64 - have ? len : 64 - have;
		memcpy(ctx->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < 64)
			return;
		md4_block(ctx, ctx->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		md4_block(ctx, p);
	if (len)
		memcpy(ctx->buf, p, len);
}

void md4_final(struct md4_ctx *ctx, uint8_t out[MD4_DIGEST_LEN])
{
	uint64_t bits = ctx->len * 8;
	size_t have = ctx->len % 64;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (have < 56 ? 56 : 120) - have;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (8 * i));
	md4_update(ctx, pad, padlen + 8);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(ctx->h[i / 4] >> (8 * (i % 4)));
	/* The input may have been a password: leave no trace. */
	explicit_bzero(ctx, sizeof(*ctx));
}

void md4_digest(const void *data, size_t len, uint8_t out[MD4_DIGEST_LEN])
{
	struct md4_ctx ctx;

	md4_init(&ctx);
	md4_update(&ctx, data, len);
	md4_final(&ctx, out);
}
