// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: the crypto backend on OpenSSL 3. Hashes through EVP_MD,
 * HMAC and CMAC through EVP_MAC, GMAC and the SMB3 ciphers through the AEAD
 * EVP_CIPHERs. GCM streams over the caller's buffers in place; CCM needs the
 * whole message in one call, so a message split over several buffers is
 * bounced through one linear copy.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
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

/* EVP_MAC @name keyed with @key, its @param set to @value, over @iov. */
static int ksmbd_evp_mac(const char *name, const char *param, const char *value,
			 const u8 *key, size_t key_len, const struct kvec *iov, int nr,
			 u8 *out, size_t out_size)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t outlen;
	int i, ok;

	mac = EVP_MAC_fetch(NULL, name, NULL);
	if (!mac)
		return -ENOENT;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(param, (char *)value, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, key_len, params);
	for (i = 0; ok && i < nr; i++)
		ok = EVP_MAC_update(ctx, iov[i].iov_base, iov[i].iov_len);
	ok = ok && EVP_MAC_final(ctx, out, &outlen, out_size);
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int ksmbd_crypto_hmac(enum ksmbd_hash_alg alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, int nr, u8 *out)
{
	const EVP_MD *md = ksmbd_md(alg);

	if (!md)
		return -EINVAL;
	return ksmbd_evp_mac("HMAC", "digest", EVP_MD_get0_name(md), key, key_len, iov, nr,
			     out, KSMBD_HASH_MAX_SIZE);
}

int ksmbd_crypto_memneq(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}

int ksmbd_crypto_cmac_aes128(const u8 key[16], const struct kvec *iov, int nr, u8 out[16])
{
	if (!key || nr < 0 || (nr && !iov))
		return -EINVAL;
	return ksmbd_evp_mac("CMAC", "cipher", "AES-128-CBC", key, 16, iov, nr, out, 16);
}

/* --- AEAD ------------------------------------------------------------------------------------ */

static const EVP_CIPHER *ksmbd_evp_cipher(enum ksmbd_cipher c)
{
	switch (c) {
	case KSMBD_CIPHER_AES128_CCM:
		return EVP_aes_128_ccm();
	case KSMBD_CIPHER_AES128_GCM:
		return EVP_aes_128_gcm();
	case KSMBD_CIPHER_AES256_CCM:
		return EVP_aes_256_ccm();
	case KSMBD_CIPHER_AES256_GCM:
		return EVP_aes_256_gcm();
	}
	return NULL;
}

/*
 * GCM after the key and nonce are set: @aad, then each buffer of @data in
 * place, then the tag (set before the final call when decrypting, which is
 * where OpenSSL compares it, with CRYPTO_memcmp()).
 */
static int ksmbd_gcm(EVP_CIPHER_CTX *ctx, const u8 *aad, size_t aad_len, struct kvec *data,
		     int nr, u8 *tag, int enc)
{
	u8 none[16];
	int i, outl, ok = 1;

	if (aad_len)
		ok = EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len);
	for (i = 0; ok && i < nr; i++)
		if (data[i].iov_len)
			ok = EVP_CipherUpdate(ctx, data[i].iov_base, &outl, data[i].iov_base,
					      (int)data[i].iov_len);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, KSMBD_AEAD_TAG_SIZE, tag);
	if (!ok)
		return -EIO;
	if (EVP_CipherFinal_ex(ctx, none, &outl) <= 0)
		return enc ? -EIO : -EBADMSG;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, KSMBD_AEAD_TAG_SIZE, tag))
		return -EIO;
	return 0;
}

/*
 * CCM after the tag length (and, decrypting, the tag) and the key and nonce
 * are set: the message length, @aad, then the message in one call, which is
 * where OpenSSL checks the tag when decrypting.
 */
static int ksmbd_ccm(EVP_CIPHER_CTX *ctx, const u8 *aad, size_t aad_len, u8 *buf, size_t len,
		     u8 *tag, int enc)
{
	int outl, ok;

	ok = EVP_CipherUpdate(ctx, NULL, &outl, NULL, (int)len);
	if (ok && aad_len)
		ok = EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len);
	if (!ok)
		return -EIO;
	if (EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len) <= 0)
		return enc ? -EIO : -EBADMSG;
	if (enc && (EVP_CipherFinal_ex(ctx, buf, &outl) <= 0 ||
		    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, KSMBD_AEAD_TAG_SIZE, tag)))
		return -EIO;
	return 0;
}

/* CCM over @data: in place when it is one buffer, else through a linear copy. */
static int ksmbd_ccm_kvec(EVP_CIPHER_CTX *ctx, const u8 *aad, size_t aad_len,
			  struct kvec *data, int nr, size_t len, u8 *tag, int enc)
{
	u8 none[1], *buf = none;
	int i, used = 0, ret;
	size_t off = 0;

	for (i = 0; i < nr; i++) {
		if (data[i].iov_len) {
			buf = data[i].iov_base;
			used++;
		}
	}
	if (used <= 1)
		return ksmbd_ccm(ctx, aad, aad_len, buf, len, tag, enc);

	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < nr; off += data[i++].iov_len)
		if (data[i].iov_len)
			memcpy(buf + off, data[i].iov_base, data[i].iov_len);
	ret = ksmbd_ccm(ctx, aad, aad_len, buf, len, tag, enc);
	for (i = 0, off = 0; !ret && i < nr; off += data[i++].iov_len)
		if (data[i].iov_len)
			memcpy(data[i].iov_base, buf + off, data[i].iov_len);
	memzero_explicit(buf, len);
	kvfree(buf);
	return ret;
}

int ksmbd_port_aead(enum ksmbd_cipher c, const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, struct kvec *data, int nr, size_t len, u8 *tag, bool enc)
{
	bool ccm = c == KSMBD_CIPHER_AES128_CCM || c == KSMBD_CIPHER_AES256_CCM;
	EVP_CIPHER_CTX *ctx;
	int ok, ret;

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, ksmbd_evp_cipher(c), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
				 (int)ksmbd_cipher_nonce_size(c), NULL);
	/* CCM fixes the tag length (and takes the expected tag) before the key. */
	if (ok && ccm)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, KSMBD_AEAD_TAG_SIZE,
					 enc ? NULL : tag);
	ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc);
	if (!ok)
		ret = -EIO;
	else if (ccm)
		ret = ksmbd_ccm_kvec(ctx, aad, aad_len, data, nr, len, tag, enc);
	else
		ret = ksmbd_gcm(ctx, aad, aad_len, data, nr, tag, enc);
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int ksmbd_crypto_gmac_aes128(const u8 key[16], const u8 nonce[12], const struct kvec *iov,
			     int nr, u8 out[16])
{
	EVP_CIPHER_CTX *ctx;
	u8 none[16];
	size_t len;
	int i, outl, ok;

	ok = ksmbd_crypto_aead_args(KSMBD_CIPHER_AES128_GCM, key, nonce, NULL, 0, iov, nr, &len);
	if (ok || !out)
		return ok ? ok : -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, KSMBD_GCM_NONCE_SIZE, NULL) &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce);
	for (i = 0; ok && i < nr; i++)
		if (iov[i].iov_len)
			ok = EVP_EncryptUpdate(ctx, NULL, &outl, iov[i].iov_base,
					       (int)iov[i].iov_len);
	ok = ok && EVP_EncryptFinal_ex(ctx, none, &outl) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, KSMBD_MAC_SIZE, out);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EIO;
}
