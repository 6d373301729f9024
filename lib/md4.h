/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MD4 (RFC 1320), for the NT password hash only: NT hash = MD4(UTF-16LE(password)), MS-NLMP
 * 3.3.1. MD4 is broken as a general-purpose hash; nothing else may use it. It is implemented
 * here because OpenSSL 3 only offers it through its legacy provider.
 */
#ifndef KC_MD4_H
#define KC_MD4_H

#include <stddef.h>
#include <stdint.h>

#define MD4_DIGEST_LEN 16

struct md4_ctx {
	uint32_t h[4];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];	/* a partial block */
};

void md4_init(struct md4_ctx *ctx);
void md4_update(struct md4_ctx *ctx, const void *data, size_t len);
/* Write the digest and wipe the context. */
void md4_final(struct md4_ctx *ctx, uint8_t out[MD4_DIGEST_LEN]);
/* out = MD4(data[0..len)). */
void md4_digest(const void *data, size_t len, uint8_t out[MD4_DIGEST_LEN]);

#endif /* KC_MD4_H */
