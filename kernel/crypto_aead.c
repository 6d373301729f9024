// SPDX-License-Identifier: GPL-2.0
/*
 * The AEAD functions of port_crypto.h: argument checks and the wiping of
 * buffers on failure are the same in both builds; the cipher itself is the
 * backend's ksmbd_port_aead().
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "port.h"

static void ksmbd_kvec_zero(struct kvec *iov, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (iov[i].iov_len)
			memzero_explicit(iov[i].iov_base, iov[i].iov_len);
}

int ksmbd_crypto_aead_encrypt(enum ksmbd_cipher c, const u8 *key, const u8 *nonce,
			      const u8 *aad, size_t aad_len, struct kvec *data, int nr,
			      u8 tag[16])
{
	size_t len;
	int ret;

	ret = ksmbd_crypto_aead_args(c, key, nonce, aad, aad_len, data, nr, &len);
	if (ret || !tag)
		return ret ? ret : -EINVAL;
	ret = ksmbd_port_aead(c, key, nonce, aad, aad_len, data, nr, len, tag, true);
	if (ret) {
		/* Never leave a half-encrypted message that could be sent. */
		ksmbd_kvec_zero(data, nr);
		memzero_explicit(tag, KSMBD_AEAD_TAG_SIZE);
	}
	return ret;
}

int ksmbd_crypto_aead_decrypt(enum ksmbd_cipher c, const u8 *key, const u8 *nonce,
			      const u8 *aad, size_t aad_len, struct kvec *data, int nr,
			      const u8 tag[16])
{
	size_t len;
	int ret;

	ret = ksmbd_crypto_aead_args(c, key, nonce, aad, aad_len, data, nr, &len);
	if (ret || !tag)
		return ret ? ret : -EINVAL;
	/*
	 * CCM and GCM write the plaintext before the tag check fails: wipe that
	 * unauthenticated plaintext.
	 */
	ret = ksmbd_port_aead(c, key, nonce, aad, aad_len, data, nr, len, (u8 *)tag, false);
	if (ret)
		ksmbd_kvec_zero(data, nr);
	return ret;
}
