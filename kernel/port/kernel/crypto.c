// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: crypto through the kernel crypto API.
 *
 * Hashes, HMAC and CMAC are shash transforms over virtual addresses. The SMB3
 * ciphers are aead transforms ("ccm(aes)", "gcm(aes)") and GMAC is ghash plus
 * AES (see ksmbd_crypto_gmac_aes128()); both take scatterlists, which are
 * built page by page straight over the caller's buffers: virt_to_page() for
 * linear-map memory (kmalloc, the kernel image), vmalloc_to_page() for the rest
 * (kvmalloc's vmalloc fallback, a vmapped stack, module data). Nothing is
 * bounced; only the IV, the tag and the GMAC length block live in a small
 * kmalloc'd scratch buffer. Requests may complete asynchronously (cryptd,
 * hardware): crypto_wait_req() waits for them, so every function may sleep.
 */
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/crypto.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>
#include "port.h"

/* The templates the transforms below instantiate; request_module() finds them too. */
MODULE_SOFTDEP("pre: cmac ccm gcm ghash ecb");

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

int ksmbd_crypto_cmac_aes128(const u8 key[16], const struct kvec *iov, int nr, u8 out[16])
{
	if (!key || nr < 0 || (nr && !iov))
		return -EINVAL;
	return ksmbd_shash("cmac(aes)", key, 16, iov, nr, out);
}

/* --- scatterlists over kvecs --------------------------------------------------------------- */

/* Scatterlist entries for the buffers of @iov: one per page touched. */
static unsigned int ksmbd_sg_count(const struct kvec *iov, int nr)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < nr; i++)
		if (iov[i].iov_len)
			n += DIV_ROUND_UP(offset_in_page(iov[i].iov_base) + iov[i].iov_len,
					  PAGE_SIZE);
	return n;
}

/* Append the buffers of @iov to @sg from entry *@n on, one entry per page. */
static int ksmbd_sg_add(struct scatterlist *sg, unsigned int *n, const struct kvec *iov, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		const u8 *p = iov[i].iov_base;
		size_t len = iov[i].iov_len;

		while (len) {
			size_t off = offset_in_page(p);
			size_t chunk = min_t(size_t, len, PAGE_SIZE - off);
			struct page *page;

			page = virt_addr_valid(p) ? virt_to_page(p) : vmalloc_to_page(p);
			if (!page)
				return -EFAULT;
			sg_set_page(&sg[(*n)++], page, chunk, off);
			p += chunk;
			len -= chunk;
		}
	}
	return 0;
}

/* --- AEAD ------------------------------------------------------------------------------------ */

struct ksmbd_aead_scratch {
	u8 iv[16];
	u8 tag[KSMBD_AEAD_TAG_SIZE];
};

/*
 * One in-place AEAD request. src = dst = [aad pages][data pages][tag]: the
 * algorithms read the additional data from the front of src and never write
 * it, write the ciphertext over the plaintext (and back), and take or give the
 * tag in the last entry.
 */
int ksmbd_port_aead(enum ksmbd_cipher c, const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, struct kvec *data, int nr, size_t len, u8 *tag, bool enc)
{
	bool ccm = c == KSMBD_CIPHER_AES128_CCM || c == KSMBD_CIPHER_AES256_CCM;
	struct kvec aad_iov = { .iov_base = (void *)aad, .iov_len = aad_len };
	struct ksmbd_aead_scratch *s = NULL;
	struct aead_request *req = NULL;
	struct scatterlist *sg = NULL;
	struct crypto_aead *tfm;
	unsigned int nents, n = 0;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	tfm = crypto_alloc_aead(ccm ? "ccm(aes)" : "gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_aead_setkey(tfm, key, ksmbd_cipher_key_size(c));
	if (!ret)
		ret = crypto_aead_setauthsize(tfm, KSMBD_AEAD_TAG_SIZE);
	if (ret)
		goto out;
	nents = ksmbd_sg_count(&aad_iov, 1) + ksmbd_sg_count(data, nr) + 1;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	sg = kvmalloc_array(nents, sizeof(*sg), GFP_KERNEL);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!s || !sg || !req) {
		ret = -ENOMEM;
		goto out;
	}
	if (ccm) {
		/* RFC 3610 flags octet: L' = L - 1, L = 15 - nonce length = 4. */
		s->iv[0] = 15 - KSMBD_CCM_NONCE_SIZE - 1;
		memcpy(s->iv + 1, nonce, KSMBD_CCM_NONCE_SIZE);
	} else {
		memcpy(s->iv, nonce, KSMBD_GCM_NONCE_SIZE);
	}
	if (!enc)
		memcpy(s->tag, tag, KSMBD_AEAD_TAG_SIZE);
	sg_init_table(sg, nents);
	ret = ksmbd_sg_add(sg, &n, &aad_iov, 1);
	if (!ret)
		ret = ksmbd_sg_add(sg, &n, data, nr);
	if (ret)
		goto out;
	sg_set_buf(&sg[n], s->tag, KSMBD_AEAD_TAG_SIZE);

	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, sg, sg, enc ? len : len + KSMBD_AEAD_TAG_SIZE, s->iv);
	ret = crypto_wait_req(enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req), &wait);
	if (!ret && enc)
		memcpy(tag, s->tag, KSMBD_AEAD_TAG_SIZE);
out:
	aead_request_free(req);
	kvfree(sg);
	kfree_sensitive(s);
	crypto_free_aead(tfm);
	return ret;
}

/* --- GMAC ------------------------------------------------------------------------------------ */

struct ksmbd_gmac_scratch {
	u8 blk[2][16];		/* 0^128 and J0, then H = E_K(0^128) and E_K(J0) */
	u8 tail[32];		/* zero padding, then [bitlen(M)]64 || [0]64 */
	u8 ghash[16];
};

/* @blk[] = E_K(@blk[]) with "ecb(aes)" (only used here, on two blocks). */
static int ksmbd_aes_blocks(const u8 *key, u8 *blk, unsigned int len)
{
	struct crypto_skcipher *tfm;
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	tfm = crypto_alloc_skcipher("ecb(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_skcipher_setkey(tfm, key, 16);
	if (ret)
		goto out_tfm;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		ret = -ENOMEM;
		goto out_tfm;
	}
	sg_init_one(&sg, blk, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, len, NULL);
	ret = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
	skcipher_request_free(req);
out_tfm:
	crypto_free_skcipher(tfm);
	return ret;
}

/* @s->ghash = GHASH_H(@iov || @s->tail's last @pad + 16 bytes), H = @s->blk[0]. */
static int ksmbd_ghash(struct ksmbd_gmac_scratch *s, const struct kvec *iov, int nr,
		       size_t len, unsigned int pad)
{
	struct ahash_request *req = NULL;
	struct scatterlist *sg = NULL;
	struct crypto_ahash *tfm;
	unsigned int nents, n = 0;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	tfm = crypto_alloc_ahash("ghash", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_ahash_setkey(tfm, s->blk[0], 16);
	if (ret)
		goto out;
	nents = ksmbd_sg_count(iov, nr) + 1;
	sg = kvmalloc_array(nents, sizeof(*sg), GFP_KERNEL);
	req = ahash_request_alloc(tfm, GFP_KERNEL);
	if (!sg || !req) {
		ret = -ENOMEM;
		goto out;
	}
	sg_init_table(sg, nents);
	ret = ksmbd_sg_add(sg, &n, iov, nr);
	if (ret)
		goto out;
	sg_set_buf(&sg[n], s->tail + 16 - pad, pad + 16);
	ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &wait);
	ahash_request_set_crypt(req, sg, s->ghash, len + pad + 16);
	ret = crypto_wait_req(crypto_ahash_digest(req), &wait);
out:
	ahash_request_free(req);
	kvfree(sg);
	crypto_free_ahash(tfm);
	return ret;
}

/*
 * GMAC from its definition, NIST SP 800-38D 7.1 with an empty plaintext:
 * tag = GHASH_H(M || 0-pad to a block || [bitlen(M)]64 || [0]64) ^ E_K(J0),
 * H = E_K(0^128), J0 = nonce || 0x00000001.
 *
 * Not an aead "gcm(aes)" request with the message as associated data: the
 * x86 AES-NI gcm driver copies associated data that spans more than one
 * scatterlist entry into one kmalloc(assoclen) buffer, which fails (with a
 * page-allocator warning) for messages above KMALLOC_MAX_SIZE and needs a
 * high-order allocation below it. ghash walks the pages where they are.
 */
int ksmbd_crypto_gmac_aes128(const u8 key[16], const u8 nonce[12], const struct kvec *iov,
			     int nr, u8 out[16])
{
	struct ksmbd_gmac_scratch *s;
	unsigned int pad;
	size_t len;
	int ret;

	ret = ksmbd_crypto_aead_args(KSMBD_CIPHER_AES128_GCM, key, nonce, NULL, 0, iov, nr, &len);
	if (ret || !out)
		return ret ? ret : -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	memcpy(s->blk[1], nonce, KSMBD_GCM_NONCE_SIZE);
	s->blk[1][15] = 1;
	ret = ksmbd_aes_blocks(key, s->blk[0], sizeof(s->blk));
	if (ret)
		goto out;
	pad = (16 - len % 16) % 16;
	put_unaligned_be64((u64)len * 8, s->tail + 16);
	ret = ksmbd_ghash(s, iov, nr, len, pad);
	if (!ret)
		crypto_xor_cpy(out, s->ghash, s->blk[1], 16);
out:
	kfree_sensitive(s);
	return ret;
}
