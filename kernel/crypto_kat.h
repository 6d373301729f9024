/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known-answer tests of the crypto backend and of the SMB 3.x KDF, run at
 * engine start. The vectors are exported for tests/unit/test_crypto.c, which
 * runs them through more buffer splits than the start-up test does.
 */
#ifndef KSMBD_CRYPTO_KAT_H
#define KSMBD_CRYPTO_KAT_H

#include <linux/types.h>
#include "port_crypto.h"

/*
 * Runs every vector below (both directions for the ciphers, a forged tag, and
 * buffers split across a page boundary). 0, or -EINVAL with the failure
 * logged. Not reentrant: it works in one static buffer.
 */
int ksmbd_crypto_selftest(void);

/* CMAC or GMAC (@nonce set) of @msg. */
struct ksmbd_kat_mac {
	const char *name;
	const u8 *key;		/* 16 bytes */
	const u8 *nonce;	/* GMAC: 12 bytes; NULL for CMAC */
	const u8 *msg;
	size_t len;
	const u8 *mac;		/* 16 bytes */
};

/* ksmbd_crypto_kdf(key, label, context) = out. */
struct ksmbd_kat_kdf {
	const char *name;
	const u8 *key;
	size_t key_len;
	const u8 *label;	/* NUL included, as MS-SMB2 gives it */
	size_t label_len;
	const u8 *context;
	size_t context_len;
	const u8 *out;
	size_t out_len;
};

/* ksmbd_crypto_aead_encrypt(cipher, key, nonce, aad, pt) = ct, tag. */
struct ksmbd_kat_aead {
	const char *name;
	enum ksmbd_cipher cipher;
	const u8 *key;
	const u8 *nonce;
	const u8 *aad;
	size_t aad_len;
	const u8 *pt;
	const u8 *ct;
	size_t len;
	const u8 *tag;
};

extern const struct ksmbd_kat_mac ksmbd_kat_cmac[];
extern const unsigned int ksmbd_kat_cmac_count;
extern const struct ksmbd_kat_mac ksmbd_kat_gmac[];
extern const unsigned int ksmbd_kat_gmac_count;
extern const struct ksmbd_kat_kdf ksmbd_kat_kdf[];
extern const unsigned int ksmbd_kat_kdf_count;
extern const struct ksmbd_kat_aead ksmbd_kat_aead[];
extern const unsigned int ksmbd_kat_aead_count;

#endif
