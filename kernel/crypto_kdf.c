// SPDX-License-Identifier: GPL-2.0
/*
 * The SMB 3.x key derivation function: NIST SP800-108 counter mode with
 * HMAC-SHA256 (MS-SMB2 3.1.4.2). Known answers: kernel/crypto_kat.c.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "crypto_kdf.h"
#include "port.h"

static void kdf_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

int ksmbd_crypto_kdf(const u8 *key, size_t key_len, const u8 *label, size_t label_len,
		     const u8 *context, size_t context_len, u8 *out, size_t out_len)
{
	static const u8 separator;
	u8 counter[4], bits[4], prf[32];
	struct kvec in[5];
	int ret;

	if (!key || !key_len || !out || (out_len != 16 && out_len != 32) ||
	    (label_len && !label) || (context_len && !context))
		return -EINVAL;
	/* L <= 256 fits one HMAC-SHA256 output: only i = 1 is computed. */
	kdf_put_be32(counter, 1);
	kdf_put_be32(bits, out_len * 8);
	in[0].iov_base = counter;
	in[0].iov_len = sizeof(counter);
	in[1].iov_base = (void *)label;
	in[1].iov_len = label_len;
	in[2].iov_base = (void *)&separator;
	in[2].iov_len = 1;
	in[3].iov_base = (void *)context;
	in[3].iov_len = context_len;
	in[4].iov_base = bits;
	in[4].iov_len = sizeof(bits);

	ret = ksmbd_crypto_hmac(KSMBD_HASH_SHA256, key, key_len, in, ARRAY_SIZE(in), prf);
	if (ret)
		memzero_explicit(out, out_len);
	else
		memcpy(out, prf, out_len);
	memzero_explicit(prf, sizeof(prf));
	return ret;
}
