// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests run at engine start, so a crypto backend that computes
 * wrong digests (a missing kernel algorithm, a broken OpenSSL provider) stops
 * the engine before a client ever depends on it. Vectors: FIPS 180-2 "abc"
 * and RFC 4231 test case 2.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include "crypto_kat.h"
#include "port.h"

static const u8 kat_sha256_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
	0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

static const u8 kat_sha512_abc[64] = {
	0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49,
	0xae, 0x20, 0x41, 0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2,
	0x0a, 0x9e, 0xee, 0xe6, 0x4b, 0x55, 0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a,
	0x27, 0x4f, 0xc1, 0xa8, 0x36, 0xba, 0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd,
	0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e, 0x2a, 0x9a, 0xc9, 0x4f,
	0xa5, 0x4c, 0xa4, 0x9f,
};

static const u8 kat_hmac_sha256_rfc4231_2[32] = {
	0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
	0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
	0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
};

static int kat_check(const char *what, int ret, const u8 *got, const u8 *want, size_t len)
{
	if (ret) {
		pr_err("crypto self-test %s: backend error %d\n", what, ret);
		return -EINVAL;
	}
	if (ksmbd_crypto_memneq(got, want, len)) {
		pr_err("crypto self-test %s: wrong result\n", what);
		return -EINVAL;
	}
	return 0;
}

int ksmbd_crypto_selftest(void)
{
	static const char abc[] = "abc";
	static const char data[] = "what do ya want for nothing?";
	/* The message split in two checks that multi-part input is concatenated. */
	struct kvec msg[2] = {
		{ .iov_base = (void *)data, .iov_len = 10 },
		{ .iov_base = (void *)(data + 10), .iov_len = sizeof(data) - 11 },
	};
	struct kvec in = { .iov_base = (void *)abc, .iov_len = 3 };
	u8 out[KSMBD_HASH_MAX_SIZE];
	int ret;

	ret = kat_check("SHA-256", ksmbd_crypto_hash(KSMBD_HASH_SHA256, &in, 1, out),
			out, kat_sha256_abc, sizeof(kat_sha256_abc));
	if (!ret)
		ret = kat_check("SHA-512", ksmbd_crypto_hash(KSMBD_HASH_SHA512, &in, 1, out),
				out, kat_sha512_abc, sizeof(kat_sha512_abc));
	if (!ret)
		ret = kat_check("HMAC-SHA256",
				ksmbd_crypto_hmac(KSMBD_HASH_SHA256, (const u8 *)"Jefe", 4,
						  msg, 2, out),
				out, kat_hmac_sha256_rfc4231_2,
				sizeof(kat_hmac_sha256_rfc4231_2));
	return ret;
}
