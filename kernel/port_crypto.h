/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's crypto backend (part of port.h): kernel/port/kernel/crypto.c
 * implements it with the kernel crypto API, kernel/port/user/crypto.c with
 * OpenSSL 3. Every function may sleep (process context only) and allocates
 * its transform per call. Buffers may come from kmalloc, kvmalloc (vmalloc),
 * the stack or static data: the kernel backend maps each page itself.
 * Known-answer tests: kernel/crypto_kat.c; the SMB 3.x key derivation on top
 * of ksmbd_crypto_hmac(): kernel/crypto_kdf.h.
 */
#ifndef KSMBD_PORT_CRYPTO_H
#define KSMBD_PORT_CRYPTO_H

#include <linux/errno.h>
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

#define KSMBD_MAC_SIZE		16

/* AES-128-CMAC (RFC 4493) of the concatenation of @iov: SMB 3.x signing. */
int ksmbd_crypto_cmac_aes128(const u8 key[16], const struct kvec *iov, int nr, u8 out[16]);

/*
 * AES-128-GMAC: AES-128-GCM with the 12-byte @nonce, the concatenation of @iov
 * as additional authenticated data and no plaintext; @out is the GCM tag
 * (MS-SMB2 3.1.4.1, SMB 3.1.1 signing). The buffers of @iov are only read,
 * and may be of any size (the kernel backend does not hand them to gcm(aes) as
 * associated data: see port/kernel/crypto.c).
 */
int ksmbd_crypto_gmac_aes128(const u8 key[16], const u8 nonce[12], const struct kvec *iov,
			     int nr, u8 out[16]);

/* The cipher IDs of SMB2_ENCRYPTION_CAPABILITIES (MS-SMB2 2.2.3.1.2). */
enum ksmbd_cipher {
	KSMBD_CIPHER_AES128_CCM = 1,
	KSMBD_CIPHER_AES128_GCM = 2,
	KSMBD_CIPHER_AES256_CCM = 3,
	KSMBD_CIPHER_AES256_GCM = 4,
};

#define KSMBD_AEAD_TAG_SIZE	16
#define KSMBD_CCM_NONCE_SIZE	11	/* AES128CCM_Nonce / AES256CCM_Nonce */
#define KSMBD_GCM_NONCE_SIZE	12	/* AES128GCM_Nonce / AES256GCM_Nonce */
#define KSMBD_AEAD_MAX_KEY_SIZE	32
/* Largest aad_len and total data length the AEAD functions accept. */
#define KSMBD_AEAD_MAX_LEN	0x7fffffffu

/* Key size of @c in bytes (16 or 32); 0 when @c is not a cipher ID above. */
static inline size_t ksmbd_cipher_key_size(enum ksmbd_cipher c)
{
	switch (c) {
	case KSMBD_CIPHER_AES128_CCM:
	case KSMBD_CIPHER_AES128_GCM:
		return 16;
	case KSMBD_CIPHER_AES256_CCM:
	case KSMBD_CIPHER_AES256_GCM:
		return 32;
	}
	return 0;
}

/* Nonce size of @c in bytes (11 for CCM, 12 for GCM); 0 for an unknown cipher. */
static inline size_t ksmbd_cipher_nonce_size(enum ksmbd_cipher c)
{
	switch (c) {
	case KSMBD_CIPHER_AES128_CCM:
	case KSMBD_CIPHER_AES256_CCM:
		return KSMBD_CCM_NONCE_SIZE;
	case KSMBD_CIPHER_AES128_GCM:
	case KSMBD_CIPHER_AES256_GCM:
		return KSMBD_GCM_NONCE_SIZE;
	}
	return 0;
}

/*
 * Authenticated encryption for the SMB2 TRANSFORM_HEADER (MS-SMB2 3.1.4.3):
 * @key is ksmbd_cipher_key_size(@c) bytes, @nonce ksmbd_cipher_nonce_size(@c)
 * bytes, @aad (the 32 header bytes from Nonce on) is authenticated only; keep
 * it small (the x86 AES-NI gcm driver copies associated data that spans pages
 * into one kmalloc'd buffer). The buffers of @data are encrypted in place as
 * one message, whatever their split; the 16-byte tag goes to @tag.
 *
 * Returns 0, or -EINVAL for an unknown cipher, a negative @nr, a missing
 * buffer or a length above KSMBD_AEAD_MAX_LEN (nothing is touched then).
 * After any other error (-ENOMEM, a backend failure) @data and @tag are zeroed,
 * so a half-encrypted message can never be sent.
 */
int ksmbd_crypto_aead_encrypt(enum ksmbd_cipher c, const u8 *key, const u8 *nonce,
			      const u8 *aad, size_t aad_len, struct kvec *data, int nr,
			      u8 tag[16]);

/*
 * The reverse of ksmbd_crypto_aead_encrypt(): decrypts @data in place and
 * checks @tag in constant time. Returns 0 with the plaintext in @data,
 * -EBADMSG when the tag does not verify, -EINVAL as for encryption (nothing
 * touched). After -EBADMSG or any other failure every byte of @data is zero:
 * neither the ciphertext nor unauthenticated plaintext is left behind.
 */
int ksmbd_crypto_aead_decrypt(enum ksmbd_cipher c, const u8 *key, const u8 *nonce,
			      const u8 *aad, size_t aad_len, struct kvec *data, int nr,
			      const u8 tag[16]);

/*
 * The backend's half of the AEAD functions (kernel/crypto_aead.c has the
 * rest): one in-place encryption (@enc) or decryption of @data, @len bytes in
 * all, with arguments already checked. On failure @data may hold partial
 * output; the caller wipes it.
 */
int ksmbd_port_aead(enum ksmbd_cipher c, const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, struct kvec *data, int nr, size_t len, u8 *tag, bool enc);

/*
 * For the backends: checks the arguments common to the AEAD functions and
 * sums the lengths of @data. 0 or -EINVAL.
 */
static inline int ksmbd_crypto_aead_args(enum ksmbd_cipher c, const u8 *key, const u8 *nonce,
					 const u8 *aad, size_t aad_len,
					 const struct kvec *data, int nr, size_t *total)
{
	int i;

	if (!ksmbd_cipher_key_size(c) || !key || !nonce || (aad_len && !aad) ||
	    aad_len > KSMBD_AEAD_MAX_LEN || nr < 0 || (nr && !data))
		return -EINVAL;
	*total = 0;
	for (i = 0; i < nr; i++) {
		if (data[i].iov_len && !data[i].iov_base)
			return -EINVAL;
		if (data[i].iov_len > KSMBD_AEAD_MAX_LEN - *total)
			return -EINVAL;
		*total += data[i].iov_len;
	}
	return 0;
}

#endif
