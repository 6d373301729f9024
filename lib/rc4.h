/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RC4 stream cipher, for NTLMSSP only (the EncryptedRandomSessionKey and the sealing of
 * message signatures, MS-NLMP 3.4). RC4 is broken; nothing else may use it. OpenSSL 3 offers
 * it only through its legacy provider, hence this small implementation.
 */
#ifndef KC_RC4_H
#define KC_RC4_H

#include <stddef.h>
#include <stdint.h>

struct rc4_state {
	uint8_t s[256];
	uint8_t i, j;
};

/* Key schedule; keylen 1..256 bytes. */
void rc4_init(struct rc4_state *st, const uint8_t *key, size_t keylen);
/* out = in XOR keystream, advancing the state; in and out may be the same buffer. */
void rc4_crypt(struct rc4_state *st, const uint8_t *in, uint8_t *out, size_t len);
/* Forget the state (it is key material). */
void rc4_wipe(struct rc4_state *st);

#endif /* KC_RC4_H */
