/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's crypto backend (part of port.h): kernel/port/kernel/crypto.c
 * implements it with the kernel crypto API, kernel/port/user/crypto.c with
 * OpenSSL 3.
 */
#ifndef KSMBD_PORT_CRYPTO_H
#define KSMBD_PORT_CRYPTO_H

#include <linux/types.h>
#include <linux/uio.h>

enum ksmbd_hash_alg {
	KSMBD_HASH_SHA256,
	KSMBD_HASH_SHA512,
};

#define KSMBD_HASH_MAX_SIZE	64

/* Digest of the concatenation of @iov into @out (32 or 64 bytes). */
int ksmbd_crypto_hash(enum ksmbd_hash_alg alg, const struct kvec *iov, int nr, u8 *out);
/* HMAC over the concatenation of @iov. */
int ksmbd_crypto_hmac(enum ksmbd_hash_alg alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, int nr, u8 *out);
/* Constant-time comparison: 0 when equal. */
int ksmbd_crypto_memneq(const void *a, const void *b, size_t len);

#endif
