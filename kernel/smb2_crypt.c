// SPDX-License-Identifier: GPL-2.0
/*
 * SMB 3.x encryption: the SMB2 TRANSFORM_HEADER (MS-SMB2 2.2.41) around a
 * whole compound, sealed with the session's EncryptionKey (3.3.4.1.4) and
 * opened with its DecryptionKey (3.3.5.2.1.1). The AEAD associated data is
 * the header from its Nonce field on; the tag is its Signature field.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "port.h"
#include "smb2.h"
#include "smb_wire.h"

int ksmbd_transform_check(const u8 *buf, size_t len, u64 *sess_id)
{
	const struct smb2_transform_hdr *th = (const struct smb2_transform_hdr *)buf;
	size_t hlen = sizeof(*th);

	/*
	 * MS-SMB2 3.3.5.2.1.1: a message no longer than the header, an
	 * OriginalMessageSize that is not what follows the header (nothing else
	 * may ride along; smaller than an SMB2 header cannot be a request), or a
	 * Flags/EncryptionAlgorithm other than "encrypted" drops the connection.
	 */
	if (len <= hlen || th->protocol_id != SMB2_TRANSFORM_ID)
		return -EPROTO;
	if (le32_to_cpu(th->original_message_size) != len - hlen ||
	    len - hlen < sizeof(struct smb2_hdr))
		return -EPROTO;
	if (le16_to_cpu(th->flags) != SMB2_TRANSFORM_FLAG_ENCRYPTED)
		return -EPROTO;
	*sess_id = le64_to_cpu(th->session_id);
	return *sess_id ? 0 : -EPROTO;
}

int ksmbd_transform_open(u16 cipher, const u8 *key, const u8 *buf, size_t len, u8 *out)
{
	const struct smb2_transform_hdr *th = (const struct smb2_transform_hdr *)buf;
	size_t plen = len - sizeof(*th);
	struct kvec iov = { .iov_base = out, .iov_len = plen };

	if (len <= sizeof(*th) || !ksmbd_cipher_nonce_size(cipher))
		return -EINVAL;
	memcpy(out, buf + sizeof(*th), plen);
	return ksmbd_crypto_aead_decrypt(cipher, key, th->nonce,
					 buf + SMB2_TRANSFORM_AAD_OFFSET,
					 sizeof(*th) - SMB2_TRANSFORM_AAD_OFFSET, &iov, 1,
					 th->signature);
}

int ksmbd_transform_seal(u16 cipher, const u8 *key, const u8 nonce[16], u64 sess_id,
			 u8 *buf, size_t msg_len)
{
	struct smb2_transform_hdr *th = (struct smb2_transform_hdr *)buf;
	struct kvec iov = { .iov_base = buf + sizeof(*th), .iov_len = msg_len };
	size_t nlen = ksmbd_cipher_nonce_size(cipher);

	if (!nlen || msg_len > U32_MAX)
		return -EINVAL;
	memset(th, 0, sizeof(*th));
	th->protocol_id = SMB2_TRANSFORM_ID;
	/* The bytes past the cipher's nonce size are zero (2.2.41). */
	memcpy(th->nonce, nonce, nlen);
	th->original_message_size = cpu_to_le32(msg_len);
	th->flags = cpu_to_le16(SMB2_TRANSFORM_FLAG_ENCRYPTED);
	th->session_id = cpu_to_le64(sess_id);
	return ksmbd_crypto_aead_encrypt(cipher, key, th->nonce,
					 buf + SMB2_TRANSFORM_AAD_OFFSET,
					 sizeof(*th) - SMB2_TRANSFORM_AAD_OFFSET, &iov, 1,
					 th->signature);
}
