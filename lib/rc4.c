/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RC4: the key-scheduling algorithm and the pseudo-random generation algorithm, as described
 * in RFC 6229 section 1 (and in every textbook); tested with the RFC 6229 vectors.
 */
#include <string.h>

#include "rc4.h"

void rc4_init(struct rc4_state *st, const uint8_t *key, size_t keylen)
{
	uint8_t j = 0, t;
	int i;

	for (i = 0; i < 256; i++)
		st->s[i] = (uint8_t)i;
	for (i = 0; i < 256; i++) {
		j = (uint8_t)(j + st->s[i] + key[(size_t)i % keylen]);
		t = st->s[i];
		st->s[i] = st->s[j];
		st->s[j] = t;
	}
	st->i = 0;
	st->j = 0;
}

void rc4_crypt(struct rc4_state *st, const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t i = st->i, j = st->j, t;

	for (size_t n = 0; n < len; n++) {
		i = (uint8_t)(i + 1);
		j = (uint8_t)(j + st->s[i]);
		t = st->s[i];
		st->s[i] = st->s[j];
		st->s[j] = t;
		out[n] = in[n] ^ st->s[(uint8_t)(st->s[i] + st->s[j])];
	}
	st->i = i;
	st->j = j;
}

void rc4_wipe(struct rc4_state *st)
{
	explicit_bzero(st, sizeof(*st));
}
