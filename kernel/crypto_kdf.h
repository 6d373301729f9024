/* SPDX-License-Identifier: GPL-2.0 */
/* The SMB 3.x key derivation function (engine code over ksmbd_crypto_hmac()). */
#ifndef KSMBD_CRYPTO_KDF_H
#define KSMBD_CRYPTO_KDF_H

#include <linux/types.h>

/*
 * SP800-108 KDF in counter mode with HMAC-SHA256 as the PRF, as MS-SMB2
 * 3.1.4.2 uses it (r = 32, one iteration):
 *
 *	@out = HMAC-SHA256(@key, [1]32 || @label || 0x00 || @context || [L]32)
 *
 * truncated to @out_len bytes, L = @out_len * 8 and both integers big-endian.
 * @label and @context are passed as MS-SMB2 gives them, terminating NUL
 * included ("SMB2AESCMAC" is 12 bytes, "SmbSign" 8): the 0x00 separator
 * above is added here, so the PRF input holds two zero bytes after a label.
 * @out_len is 16 (the 128-bit ciphers and signing) or 32 (AES-256 keys).
 *
 * Returns 0, -EINVAL for another @out_len, an empty @key or a missing buffer,
 * or the backend's error (@out is then zeroed).
 */
int ksmbd_crypto_kdf(const u8 *key, size_t key_len, const u8 *label, size_t label_len,
		     const u8 *context, size_t context_len, u8 *out, size_t out_len);

#endif
