// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 message signing (MS-SMB2 3.1.4.1 and 3.1.5.1) with the connection's
 * algorithm: HMAC-SHA256 for 2.x, AES-CMAC for 3.0/3.0.2, and for 3.1.1 the
 * one negotiated in SMB2_SIGNING_CAPABILITIES (AES-CMAC when none was), and
 * the key of the channel (ksmbd_session_signing_key(): a bound channel's own
 * key, else the session's). The signature field counts as zero; the whole
 * PDU, compound padding included, is signed.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "conn.h"
#include "port.h"
#include "session.h"
#include "smb2.h"

static int ksmbd_smb2_mac(struct ksmbd_conn *conn, struct ksmbd_session *sess,
			  const u8 *pdu, size_t len, u8 mac[16], bool session_key)
{
	const struct smb2_hdr *hdr = (const struct smb2_hdr *)pdu;
	struct smb2_hdr zeroed;
	struct kvec iov[2];
	u8 full[32], nonce[12], key[16];
	u16 alg;
	int ret;

	memcpy(&zeroed, hdr, sizeof(zeroed));
	memset(zeroed.signature, 0, sizeof(zeroed.signature));
	iov[0].iov_base = &zeroed;
	iov[0].iov_len = sizeof(zeroed);
	iov[1].iov_base = (void *)(pdu + sizeof(zeroed));
	iov[1].iov_len = len - sizeof(zeroed);

	/* The channel's key on a bound channel (multichannel), else the session's. */
	if (session_key) {
		memcpy(key, sess->signing_key, sizeof(key));
		alg = sess->signing_alg;
	} else {
		ksmbd_session_signing_key(sess, conn, key, &alg);
	}
	switch (alg) {
	case SMB2_SIGNING_HMAC_SHA256:
		ret = ksmbd_crypto_hmac(KSMBD_HASH_SHA256, key, 16, iov, 2, full);
		memcpy(mac, full, 16);
		memzero_explicit(full, sizeof(full));
		break;
	case SMB2_SIGNING_AES_GMAC:
		/* MessageId, then bit 0: sent by the server, bit 1: a CANCEL request. */
		memcpy(nonce, &hdr->message_id, 8);
		memset(nonce + 8, 0, 4);
		if (hdr->flags & SMB2_FLAGS_SERVER_TO_REDIR)
			nonce[8] |= 1;
		else if (le16_to_cpu(hdr->command) == SMB2_CANCEL)
			nonce[8] |= 2;
		ret = ksmbd_crypto_gmac_aes128(key, nonce, iov, 2, mac);
		break;
	default:
		ret = ksmbd_crypto_cmac_aes128(key, iov, 2, mac);
		break;
	}
	memzero_explicit(key, sizeof(key));
	return ret;
}

static int ksmbd_smb2_sign_with(struct ksmbd_conn *conn, struct ksmbd_session *sess, u8 *pdu,
				size_t len, bool session_key)
{
	struct smb2_hdr *hdr = (struct smb2_hdr *)pdu;
	u8 mac[16];
	int ret;

	hdr->flags |= SMB2_FLAGS_SIGNED;
	ret = ksmbd_smb2_mac(conn, sess, pdu, len, mac, session_key);
	if (!ret)
		memcpy(hdr->signature, mac, sizeof(mac));
	return ret;
}

int ksmbd_smb2_sign(struct ksmbd_conn *conn, struct ksmbd_session *sess, u8 *pdu, size_t len)
{
	return ksmbd_smb2_sign_with(conn, sess, pdu, len, false);
}

int ksmbd_smb2_sign_session(struct ksmbd_conn *conn, struct ksmbd_session *sess, u8 *pdu,
			    size_t len)
{
	return ksmbd_smb2_sign_with(conn, sess, pdu, len, true);
}

bool ksmbd_smb2_verify(struct ksmbd_conn *conn, struct ksmbd_session *sess,
		       const u8 *pdu, size_t len)
{
	const struct smb2_hdr *hdr = (const struct smb2_hdr *)pdu;
	u8 mac[16];

	if (ksmbd_smb2_mac(conn, sess, pdu, len, mac, false))
		return false;
	return !ksmbd_crypto_memneq(mac, hdr->signature, sizeof(mac));
}
