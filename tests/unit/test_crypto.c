// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the SMB 3.x crypto: CMAC, GMAC, the AEAD ciphers of the
 * transform header (user-space backend) and the KDF (engine code). The
 * known answers come from kernel/crypto_kat.c, where each names its source;
 * here they also run through every split of their input into buffers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <stdlib.h>
#include "crypto_kat.h"
#include "crypto_kdf.h"
#include "port.h"

#define MAX_SPLIT	160	/* the largest vector is 101 bytes: one buffer per byte fits */

static const enum ksmbd_cipher all_ciphers[] = {
	KSMBD_CIPHER_AES128_CCM, KSMBD_CIPHER_AES128_GCM,
	KSMBD_CIPHER_AES256_CCM, KSMBD_CIPHER_AES256_GCM,
};

static const u8 key32[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const u8 nonce12[12] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
};
static const u8 aad32[32] = {
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x25, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
};

/* @buf as two buffers split at @at. */
static int split2(struct kvec *iov, u8 *buf, size_t len, size_t at)
{
	iov[0].iov_base = buf;
	iov[0].iov_len = at;
	iov[1].iov_base = buf + at;
	iov[1].iov_len = len - at;
	return 2;
}

/* @buf as one buffer per byte. */
static int split_bytes(struct kvec *iov, u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		iov[i].iov_base = buf + i;
		iov[i].iov_len = 1;
	}
	return (int)len;
}

static int mac_of(const struct ksmbd_kat_mac *v, const struct kvec *iov, int nr, u8 *out)
{
	if (v->nonce)
		return ksmbd_crypto_gmac_aes128(v->key, v->nonce, iov, nr, out);
	return ksmbd_crypto_cmac_aes128(v->key, iov, nr, out);
}

static void check_macs(const struct ksmbd_kat_mac *v, unsigned int count)
{
	struct kvec iov[MAX_SPLIT];
	u8 buf[MAX_SPLIT], out[16];
	unsigned int i;
	size_t at;

	for (i = 0; i < count; i++) {
		assert_true(v[i].len <= sizeof(buf));
		memcpy(buf, v[i].msg, v[i].len);
		for (at = 0; at <= v[i].len; at++) {
			memset(out, 0, sizeof(out));
			assert_int_equal(mac_of(&v[i], iov, split2(iov, buf, v[i].len, at), out), 0);
			assert_memory_equal(out, v[i].mac, 16);
		}
		memset(out, 0, sizeof(out));
		assert_int_equal(mac_of(&v[i], iov, split_bytes(iov, buf, v[i].len), out), 0);
		assert_memory_equal(out, v[i].mac, 16);
		/* The buffers are only read. */
		assert_memory_equal(buf, v[i].msg, v[i].len);
	}
}

static void test_selftest(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_crypto_selftest(), 0);
}

static void test_cmac_vectors(void **state)
{
	(void)state;
	assert_true(ksmbd_kat_cmac_count >= 5);
	check_macs(ksmbd_kat_cmac, ksmbd_kat_cmac_count);
}

static void test_gmac_vectors(void **state)
{
	(void)state;
	assert_true(ksmbd_kat_gmac_count >= 3);
	check_macs(ksmbd_kat_gmac, ksmbd_kat_gmac_count);
}

static void test_mac_invalid(void **state)
{
	struct kvec iov = { .iov_base = (void *)key32, .iov_len = 16 };
	u8 out[16];

	(void)state;
	assert_int_equal(ksmbd_crypto_cmac_aes128(key32, &iov, -1, out), -EINVAL);
	assert_int_equal(ksmbd_crypto_cmac_aes128(NULL, &iov, 1, out), -EINVAL);
	assert_int_equal(ksmbd_crypto_gmac_aes128(key32, nonce12, &iov, -1, out), -EINVAL);
	assert_int_equal(ksmbd_crypto_gmac_aes128(key32, NULL, &iov, 1, out), -EINVAL);
	assert_int_equal(ksmbd_crypto_gmac_aes128(NULL, nonce12, &iov, 1, out), -EINVAL);
	/* No buffers at all is the empty message. */
	assert_int_equal(ksmbd_crypto_cmac_aes128(ksmbd_kat_cmac[0].key, NULL, 0, out), 0);
	assert_memory_equal(out, ksmbd_kat_cmac[0].mac, 16);
}

static void test_kdf_vectors(void **state)
{
	const struct ksmbd_kat_kdf *v;
	unsigned int i;
	u8 out[32];

	(void)state;
	assert_true(ksmbd_kat_kdf_count >= 13);
	for (i = 0; i < ksmbd_kat_kdf_count; i++) {
		v = &ksmbd_kat_kdf[i];
		memset(out, 0, sizeof(out));
		assert_int_equal(ksmbd_crypto_kdf(v->key, v->key_len, v->label, v->label_len,
						  v->context, v->context_len, out, v->out_len), 0);
		assert_memory_equal(out, v->out, v->out_len);
	}
}

static void test_kdf_invalid(void **state)
{
	static const size_t bad_lens[] = { 0, 1, 15, 17, 24, 31, 33, 64 };
	const struct ksmbd_kat_kdf *v = &ksmbd_kat_kdf[0];
	u8 out[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_lens); i++)
		assert_int_equal(ksmbd_crypto_kdf(v->key, v->key_len, v->label, v->label_len,
						  v->context, v->context_len, out, bad_lens[i]),
				 -EINVAL);
	assert_int_equal(ksmbd_crypto_kdf(v->key, 0, v->label, v->label_len, v->context,
					  v->context_len, out, 16), -EINVAL);
	assert_int_equal(ksmbd_crypto_kdf(NULL, 16, v->label, v->label_len, v->context,
					  v->context_len, out, 16), -EINVAL);
	assert_int_equal(ksmbd_crypto_kdf(v->key, 16, NULL, 3, v->context, v->context_len,
					  out, 16), -EINVAL);
	assert_int_equal(ksmbd_crypto_kdf(v->key, 16, v->label, v->label_len, NULL, 3,
					  out, 16), -EINVAL);
	assert_int_equal(ksmbd_crypto_kdf(v->key, 16, v->label, v->label_len, v->context,
					  v->context_len, NULL, 16), -EINVAL);
	/* The label's NUL and the separator are both in the PRF input. */
	assert_int_equal(ksmbd_crypto_kdf(v->key, v->key_len, v->label, v->label_len - 1,
					  v->context, v->context_len, out, 16), 0);
	assert_memory_not_equal(out, v->out, 16);
}

static void test_cipher_sizes(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_cipher_key_size(KSMBD_CIPHER_AES128_CCM), 16);
	assert_int_equal(ksmbd_cipher_key_size(KSMBD_CIPHER_AES128_GCM), 16);
	assert_int_equal(ksmbd_cipher_key_size(KSMBD_CIPHER_AES256_CCM), 32);
	assert_int_equal(ksmbd_cipher_key_size(KSMBD_CIPHER_AES256_GCM), 32);
	assert_int_equal(ksmbd_cipher_key_size(0), 0);
	assert_int_equal(ksmbd_cipher_key_size(5), 0);
	assert_int_equal(ksmbd_cipher_nonce_size(KSMBD_CIPHER_AES128_CCM), 11);
	assert_int_equal(ksmbd_cipher_nonce_size(KSMBD_CIPHER_AES256_CCM), 11);
	assert_int_equal(ksmbd_cipher_nonce_size(KSMBD_CIPHER_AES128_GCM), 12);
	assert_int_equal(ksmbd_cipher_nonce_size(KSMBD_CIPHER_AES256_GCM), 12);
	assert_int_equal(ksmbd_cipher_nonce_size(0), 0);
}

/* Encrypt @v->pt split as @iov describes @buf, check, decrypt, check. */
static void aead_vector_split(const struct ksmbd_kat_aead *v, u8 *buf, struct kvec *iov, int nr)
{
	u8 tag[16];

	memcpy(buf, v->pt, v->len);
	memset(tag, 0, sizeof(tag));
	assert_int_equal(ksmbd_crypto_aead_encrypt(v->cipher, v->key, v->nonce, v->aad,
						   v->aad_len, iov, nr, tag), 0);
	assert_memory_equal(buf, v->ct, v->len);
	assert_memory_equal(tag, v->tag, 16);
	assert_int_equal(ksmbd_crypto_aead_decrypt(v->cipher, v->key, v->nonce, v->aad,
						   v->aad_len, iov, nr, v->tag), 0);
	assert_memory_equal(buf, v->pt, v->len);
}

static void test_aead_vectors(void **state)
{
	struct kvec iov[MAX_SPLIT];
	u8 buf[MAX_SPLIT];
	unsigned int i;
	size_t at;

	(void)state;
	assert_true(ksmbd_kat_aead_count >= 4);
	for (i = 0; i < ksmbd_kat_aead_count; i++) {
		const struct ksmbd_kat_aead *v = &ksmbd_kat_aead[i];

		assert_true(v->len <= sizeof(buf));
		for (at = 0; at <= v->len; at++)
			aead_vector_split(v, buf, iov, split2(iov, buf, v->len, at));
		aead_vector_split(v, buf, iov, split_bytes(iov, buf, v->len));
	}
}

static int zeroed(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Decrypting @v->ct with one input changed: -EBADMSG, and nothing left in the buffer. */
static void expect_forgery(const struct ksmbd_kat_aead *v, const u8 *key, const u8 *nonce,
			   const u8 *aad, const u8 *ct, const u8 *tag)
{
	struct kvec iov[2];
	u8 buf[MAX_SPLIT];

	memcpy(buf, ct, v->len);
	assert_int_equal(ksmbd_crypto_aead_decrypt(v->cipher, key, nonce, aad, v->aad_len, iov,
						   split2(iov, buf, v->len, v->len / 2), tag),
			 -EBADMSG);
	assert_true(zeroed(buf, v->len));
}

static void test_aead_forgeries(void **state)
{
	u8 key[32], nonce[12], aad[64], ct[MAX_SPLIT], tag[16];
	unsigned int i;
	size_t j;

	(void)state;
	for (i = 0; i < ksmbd_kat_aead_count; i++) {
		const struct ksmbd_kat_aead *v = &ksmbd_kat_aead[i];
		size_t klen = ksmbd_cipher_key_size(v->cipher);
		size_t nlen = ksmbd_cipher_nonce_size(v->cipher);

		memcpy(key, v->key, klen);
		memcpy(nonce, v->nonce, nlen);
		memcpy(aad, v->aad, v->aad_len);
		memcpy(ct, v->ct, v->len);
		memcpy(tag, v->tag, 16);
		for (j = 0; j < 16; j++) {
			tag[j] ^= 0x80;
			expect_forgery(v, key, nonce, aad, ct, tag);
			tag[j] ^= 0x80;
		}
		for (j = 0; j < v->len; j += 7) {
			ct[j] ^= 0x01;
			expect_forgery(v, key, nonce, aad, ct, tag);
			ct[j] ^= 0x01;
		}
		for (j = 0; j < v->aad_len; j++) {
			aad[j] ^= 0x10;
			expect_forgery(v, key, nonce, aad, ct, tag);
			aad[j] ^= 0x10;
		}
		nonce[nlen - 1] ^= 1;
		expect_forgery(v, key, nonce, aad, ct, tag);
		nonce[nlen - 1] ^= 1;
		key[0] ^= 1;
		expect_forgery(v, key, nonce, aad, ct, tag);
		key[0] ^= 1;
		expect_forgery(v, key, nonce, aad, ct, (const u8 *)"not the right tag");
		/* Everything restored, it decrypts again. */
		memcpy(ct, v->ct, v->len);
		{
			struct kvec iov = { .iov_base = ct, .iov_len = v->len };

			assert_int_equal(ksmbd_crypto_aead_decrypt(v->cipher, key, nonce, aad,
								   v->aad_len, &iov, 1, tag), 0);
			assert_memory_equal(ct, v->pt, v->len);
		}
	}
}

/* No data at all: the tag authenticates the AAD alone, and is checked. */
static void test_aead_empty(void **state)
{
	u8 tag[16], tag2[16];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(all_ciphers); i++) {
		enum ksmbd_cipher c = all_ciphers[i];

		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, NULL, 0,
							   tag), 0);
		assert_int_equal(ksmbd_crypto_aead_decrypt(c, key32, nonce12, aad32, 32, NULL, 0,
							   tag), 0);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, NULL, 0, NULL, 0,
							   tag2), 0);
		assert_memory_not_equal(tag, tag2, 16);
		tag[3] ^= 4;
		assert_int_equal(ksmbd_crypto_aead_decrypt(c, key32, nonce12, aad32, 32, NULL, 0,
							   tag), -EBADMSG);
	}
}

static void test_aead_invalid(void **state)
{
	static const int bad[] = { 0, 5, -1, 0x100 };
	struct kvec iov[2];
	u8 buf[64], copy[64], tag[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)i;
	memcpy(copy, buf, sizeof(buf));
	split2(iov, buf, sizeof(buf), 20);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(ksmbd_crypto_aead_encrypt((enum ksmbd_cipher)bad[i], key32, nonce12,
							   aad32, 32, iov, 2, tag), -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_decrypt((enum ksmbd_cipher)bad[i], key32, nonce12,
							   aad32, 32, iov, 2, tag), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(all_ciphers); i++) {
		enum ksmbd_cipher c = all_ciphers[i];

		assert_int_equal(ksmbd_crypto_aead_encrypt(c, NULL, nonce12, aad32, 32, iov, 2, tag),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, NULL, aad32, 32, iov, 2, tag),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, NULL, 32, iov, 2, tag),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, iov, -1, tag),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, NULL, 2, tag),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, iov, 2, NULL),
				 -EINVAL);
		assert_int_equal(ksmbd_crypto_aead_decrypt(c, key32, nonce12, aad32, 32, iov, 2, NULL),
				 -EINVAL);
	}
	/* A total above KSMBD_AEAD_MAX_LEN and a length without a buffer. */
	iov[0].iov_len = KSMBD_AEAD_MAX_LEN;
	iov[1].iov_len = 1;
	assert_int_equal(ksmbd_crypto_aead_encrypt(KSMBD_CIPHER_AES128_GCM, key32, nonce12, aad32,
						   32, iov, 2, tag), -EINVAL);
	iov[0].iov_len = 20;
	iov[1].iov_base = NULL;
	assert_int_equal(ksmbd_crypto_aead_decrypt(KSMBD_CIPHER_AES128_CCM, key32, nonce12, aad32,
						   32, iov, 2, tag), -EINVAL);
	/* Rejected arguments leave the data alone. */
	assert_memory_equal(buf, copy, sizeof(buf));
}

#define BIG	(8u << 20)

static u8 *pattern(size_t len, u32 seed)
{
	u8 *p = malloc(len);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (u8)(seed >> 16);
	}
	return p;
}

/* 8 MiB split at awkward places (none a multiple of 16), as in a big READ response. */
static int split_big(struct kvec *iov, u8 *buf)
{
	static const size_t cuts[] = { 1, 4095, 4097, (3u << 20) + 7, (6u << 20) + 13, BIG - 5 };
	size_t prev = 0, i;

	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		iov[i].iov_base = buf + prev;
		iov[i].iov_len = cuts[i] - prev;
		prev = cuts[i];
	}
	iov[i].iov_base = buf + prev;
	iov[i].iov_len = BIG - prev;
	return (int)i + 1;
}

static void test_aead_roundtrip_8mib(void **state)
{
	u8 *orig = pattern(BIG, 1), *split = malloc(BIG), *whole = malloc(BIG);
	u8 tag_split[16], tag_whole[16];
	struct kvec iov[8], one;
	size_t i;
	int nr;

	(void)state;
	assert_non_null(split);
	assert_non_null(whole);
	one.iov_base = whole;
	one.iov_len = BIG;
	for (i = 0; i < ARRAY_SIZE(all_ciphers); i++) {
		enum ksmbd_cipher c = all_ciphers[i];

		memcpy(split, orig, BIG);
		memcpy(whole, orig, BIG);
		nr = split_big(iov, split);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, iov, nr,
							   tag_split), 0);
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, &one, 1,
							   tag_whole), 0);
		/* Split or whole, it is one message. */
		assert_memory_equal(tag_split, tag_whole, 16);
		assert_memory_equal(split, whole, BIG);
		assert_memory_not_equal(split, orig, 4096);
		assert_int_equal(ksmbd_crypto_aead_decrypt(c, key32, nonce12, aad32, 32, iov, nr,
							   tag_split), 0);
		assert_memory_equal(split, orig, BIG);
		/* A forgery on a big message wipes all of it. */
		assert_int_equal(ksmbd_crypto_aead_encrypt(c, key32, nonce12, aad32, 32, iov, nr,
							   tag_split), 0);
		tag_split[0] ^= 1;
		assert_int_equal(ksmbd_crypto_aead_decrypt(c, key32, nonce12, aad32, 32, iov, nr,
							   tag_split), -EBADMSG);
		assert_true(zeroed(split, BIG));
	}
	free(orig);
	free(split);
	free(whole);
}

static void test_mac_8mib(void **state)
{
	u8 *buf = pattern(BIG, 2);
	u8 a[16], b[16];
	struct kvec iov[8], one = { .iov_base = buf, .iov_len = BIG };
	int nr = split_big(iov, buf);

	(void)state;
	assert_int_equal(ksmbd_crypto_cmac_aes128(key32, iov, nr, a), 0);
	assert_int_equal(ksmbd_crypto_cmac_aes128(key32, &one, 1, b), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(ksmbd_crypto_gmac_aes128(key32, nonce12, iov, nr, a), 0);
	assert_int_equal(ksmbd_crypto_gmac_aes128(key32, nonce12, &one, 1, b), 0);
	assert_memory_equal(a, b, 16);
	/* GMAC is GCM with everything as AAD and no data. */
	assert_int_equal(ksmbd_crypto_aead_encrypt(KSMBD_CIPHER_AES128_GCM, key32, nonce12, buf,
						   BIG, NULL, 0, b), 0);
	assert_memory_equal(a, b, 16);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selftest),
		cmocka_unit_test(test_cmac_vectors),
		cmocka_unit_test(test_gmac_vectors),
		cmocka_unit_test(test_mac_invalid),
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_kdf_invalid),
		cmocka_unit_test(test_cipher_sizes),
		cmocka_unit_test(test_aead_vectors),
		cmocka_unit_test(test_aead_forgeries),
		cmocka_unit_test(test_aead_empty),
		cmocka_unit_test(test_aead_invalid),
		cmocka_unit_test(test_aead_roundtrip_8mib),
		cmocka_unit_test(test_mac_8mib),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
