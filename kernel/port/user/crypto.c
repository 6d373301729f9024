// SPDX-License-Identifier: GPL-2.0
/* User-space port: the crypto backend on OpenSSL 3. */
#include <linux/kernel.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include "port.h"

static const EVP_MD *ksmbd_md(enum ksmbd_hash_alg alg)
{
	switch (alg) {
	case KSMBD_HASH_SHA256:
		return EVP_sha256();
	case KSMBD_HASH_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

int ksmbd_crypto_hash(enum ksmbd_hash_alg alg, const struct kvec *iov, int nr, u8 *out)
{
	const EVP_MD *md = ksmbd_md(alg);
	EVP_MD_CTX *ctx;
	int i, ok;

	if (!md)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (i = 0; ok && i < nr; i++)
		ok = EVP_DigestUpdate(ctx, iov[i].iov_base, iov[i].iov_len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int ksmbd_crypto_hmac(enum ksmbd_hash_alg alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, int nr, u8 *out)
{
	const EVP_MD *md = ksmbd_md(alg);
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t outlen;
	int i, ok;

	if (!md)
		return -EINVAL;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -ENOENT;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)EVP_MD_get0_name(md), 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, key_len, params);
	for (i = 0; ok && i < nr; i++)
		ok = EVP_MAC_update(ctx, iov[i].iov_base, iov[i].iov_len);
	ok = ok && EVP_MAC_final(ctx, out, &outlen, KSMBD_HASH_MAX_SIZE);
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int ksmbd_crypto_memneq(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}
