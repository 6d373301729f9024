// SPDX-License-Identifier: GPL-2.0
/* Kernel backend: crypto through the kernel crypto API (shash). */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/slab.h>
#include "port.h"

static const char *const ksmbd_hash_names[] = {
	[KSMBD_HASH_SHA256] = "sha256",
	[KSMBD_HASH_SHA512] = "sha512",
};

static const char *const ksmbd_hmac_names[] = {
	[KSMBD_HASH_SHA256] = "hmac(sha256)",
	[KSMBD_HASH_SHA512] = "hmac(sha512)",
};

static int ksmbd_shash(const char *name, const u8 *key, size_t key_len,
		       const struct kvec *iov, int nr, u8 *out)
{
	struct crypto_shash *tfm;
	struct shash_desc *desc;
	int i, ret;

	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = key ? crypto_shash_setkey(tfm, key, key_len) : 0;
	if (ret)
		goto out_tfm;
	desc = kzalloc(sizeof(*desc) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!desc) {
		ret = -ENOMEM;
		goto out_tfm;
	}
	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	for (i = 0; !ret && i < nr; i++)
		ret = crypto_shash_update(desc, iov[i].iov_base, iov[i].iov_len);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	kfree_sensitive(desc);
out_tfm:
	crypto_free_shash(tfm);
	return ret;
}

int ksmbd_crypto_hash(enum ksmbd_hash_alg alg, const struct kvec *iov, int nr, u8 *out)
{
	if (alg >= ARRAY_SIZE(ksmbd_hash_names))
		return -EINVAL;
	return ksmbd_shash(ksmbd_hash_names[alg], NULL, 0, iov, nr, out);
}

int ksmbd_crypto_hmac(enum ksmbd_hash_alg alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, int nr, u8 *out)
{
	if (alg >= ARRAY_SIZE(ksmbd_hmac_names))
		return -EINVAL;
	return ksmbd_shash(ksmbd_hmac_names[alg], key, key_len, iov, nr, out);
}

int ksmbd_crypto_memneq(const void *a, const void *b, size_t len)
{
	return crypto_memneq(a, b, len) != 0;
}
