// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of SMB 3.x encryption in the engine: the session key derivation
 * against the published vectors (kernel/crypto_kat.c names their sources),
 * the TRANSFORM_HEADER built and opened (the Microsoft blog's encrypted WRITE
 * responses, corrupted headers, tampered tags), encrypted requests through
 * ksmbd_smb_process(), the smb encrypt policy in NEGOTIATE, and
 * FSCTL_VALIDATE_NEGOTIATE_INFO.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <asm/unaligned.h>
#include "crypto_kat.h"
#include "server.h"
#include "session.h"
#include "smb.h"
#include "smb2.h"
#include "smb_wire.h"
#include "tree.h"
#include "../lib/mem_transport.h"

#define TH_SIZE		sizeof(struct smb2_transform_hdr)

static struct ksmbd_conn *conn;
static struct mem_transport *mt;

static const u8 client_guid[16] = "client-guid-0123";

/* Serve a configuration without listeners with smb encrypt = @enc. */
static void serve(u8 enc)
{
	struct ksmbd_server_config cfg = {
		.min_dialect = SMB2_DIALECT_0202,
		.max_dialect = SMB2_DIALECT_0311,
		.signing = KSMBD_SIGNING_AUTO,
		.encryption = enc,
		.spnego_token = { 0x60, 0x02, 0x05, 0x00 },
		.spnego_len = 4,
	};

	ksmbd_server_stop();
	assert_int_equal(ksmbd_server_start(&cfg), 0);
}

static int group_setup(void **state)
{
	(void)state;
	return ksmbd_conn_init();
}

static int group_teardown(void **state)
{
	(void)state;
	ksmbd_server_stop();
	ksmbd_conn_exit();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	serve(KSMBD_ENCRYPTION_IF_REQUIRED);
	conn = mem_conn_new(&mt);
	return conn ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ksmbd_conn_free(conn);
	return 0;
}

static const struct ksmbd_kat_kdf *kdf_vector(const char *name)
{
	unsigned int i;

	for (i = 0; i < ksmbd_kat_kdf_count; i++)
		if (!strcmp(ksmbd_kat_kdf[i].name, name))
			return &ksmbd_kat_kdf[i];
	fail_msg("no KDF vector \"%s\"", name);
	return NULL;
}

/* Append one request PDU of @command with a body of @body_len bytes. */
static size_t put_req(u8 *buf, size_t off, u16 command, u16 struct_size, size_t body_len,
		      u64 mid, u64 sess_id)
{
	struct smb2_hdr *h = (struct smb2_hdr *)(buf + off);

	memset(h, 0, sizeof(*h) + body_len);
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(64);
	h->command = cpu_to_le16(command);
	h->credit_request = cpu_to_le16(64);
	h->message_id = cpu_to_le64(mid);
	h->session_id = cpu_to_le64(sess_id);
	put_unaligned_le16(struct_size, buf + off + sizeof(*h));
	return sizeof(*h) + body_len;
}

/*
 * NEGOTIATE @dialect with @caps; for 3.1.1 a preauth context and, when
 * @ncipher, an encryption context offering @ciphers. Returns the response.
 */
static const u8 *negotiate(u16 dialect, u32 caps, const u16 *ciphers, int ncipher)
{
	u8 buf[512];
	size_t len = put_req(buf, 0, SMB2_NEGOTIATE, 36, 36 + 2, 0, 0);
	struct smb2_negotiate_req *req = (void *)(buf + 64);
	int i;

	req->dialect_count = cpu_to_le16(1);
	req->security_mode = cpu_to_le16(SMB2_NEGOTIATE_SIGNING_ENABLED);
	req->capabilities = cpu_to_le32(caps);
	memcpy(req->client_guid, client_guid, 16);
	put_unaligned_le16(dialect, buf + 64 + 36);
	if (dialect == SMB2_DIALECT_0311) {
		len = ALIGN(len, 8);
		req->neg_ctx_offset = cpu_to_le32(len);
		req->neg_ctx_count = cpu_to_le16(ncipher ? 2 : 1);
		memset(buf + len, 0, 8 + 38);
		put_unaligned_le16(SMB2_PREAUTH_INTEGRITY_CAPABILITIES, buf + len);
		put_unaligned_le16(38, buf + len + 2);
		put_unaligned_le16(1, buf + len + 8);
		put_unaligned_le16(32, buf + len + 10);
		put_unaligned_le16(SMB2_PREAUTH_INTEGRITY_SHA512, buf + len + 12);
		len += 8 + 38;
		if (ncipher) {
			len = ALIGN(len, 8);
			memset(buf + len, 0, 8 + 2 + 2 * ncipher);
			put_unaligned_le16(SMB2_ENCRYPTION_CAPABILITIES, buf + len);
			put_unaligned_le16(2 + 2 * ncipher, buf + len + 2);
			put_unaligned_le16(ncipher, buf + len + 8);
			for (i = 0; i < ncipher; i++)
				put_unaligned_le16(ciphers[i], buf + len + 10 + 2 * i);
			len += 8 + 2 + 2 * ncipher;
		}
	}
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status, STATUS_SUCCESS);
	assert_int_equal(conn->dialect, dialect);
	return mt->out + 4;
}

/* The cipher in the 3.1.1 NEGOTIATE response @rsp's encryption context, or -1. */
static int rsp_cipher(const u8 *rsp)
{
	const struct smb2_negotiate_rsp *r = (const void *)(rsp + 64);
	u32 off = le32_to_cpu(r->neg_ctx_offset);
	int i;

	for (i = 0; i < le16_to_cpu(r->neg_ctx_count); i++) {
		const struct smb2_neg_ctx *ctx;

		off = ALIGN(off, 8);
		ctx = (const void *)(rsp + off);
		if (le16_to_cpu(ctx->type) == SMB2_ENCRYPTION_CAPABILITIES) {
			assert_int_equal(le16_to_cpu(ctx->data_length), 4);
			assert_int_equal(get_unaligned_le16(ctx->data), 1);
			return get_unaligned_le16(ctx->data + 2);
		}
		off += sizeof(*ctx) + le16_to_cpu(ctx->data_length);
	}
	return -1;
}

/* A valid (authenticated) user session on conn with keys derived from @key. */
static struct ksmbd_session *user_session(const u8 key[16])
{
	struct ksmbd_session *sess = ksmbd_session_new(conn);

	assert_non_null(sess);
	memcpy(sess->session_key, key, 16);
	memset(sess->preauth_hash, 0x5a, sizeof(sess->preauth_hash));
	strscpy(sess->user, "alice", sizeof(sess->user));
	assert_int_equal(ksmbd_session_derive_keys(conn, sess), 0);
	sess->state = KSMBD_SESS_VALID;
	return sess;
}

static void test_derive_keys_30(void **state)
{
	const struct ksmbd_kat_kdf *sign = kdf_vector("KDF SMB 3.0 SigningKey");
	/* The vectors name the client's keys: its EncryptionKey is our DecryptionKey. */
	const struct ksmbd_kat_kdf *c2s = kdf_vector("KDF SMB 3.0 EncryptionKey");
	const struct ksmbd_kat_kdf *s2c = kdf_vector("KDF SMB 3.0 DecryptionKey");
	struct ksmbd_session *sess;

	(void)state;
	negotiate(SMB2_DIALECT_0300, SMB2_GLOBAL_CAP_ENCRYPTION, NULL, 0);
	assert_int_equal(conn->cipher, KSMBD_CIPHER_AES128_CCM);
	sess = user_session(sign->key);
	assert_memory_equal(sess->signing_key, sign->out, 16);
	assert_memory_equal(sess->encryption_key, s2c->out, 16);
	assert_memory_equal(sess->decryption_key, c2s->out, 16);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

/* 3.1.1: the labels over the session's preauth hash; 256-bit keys for AES-256. */
static void check_311(u16 cipher, const char *s2c_name, const char *c2s_name, size_t klen)
{
	const struct ksmbd_kat_kdf *s2c = kdf_vector(s2c_name);
	struct ksmbd_session *sess = ksmbd_session_new(conn);

	assert_non_null(sess);
	conn->cipher = cipher;
	memcpy(sess->session_key, s2c->key, 16);
	memcpy(sess->preauth_hash, s2c->context, 64);
	assert_int_equal(ksmbd_session_derive_keys(conn, sess), 0);
	assert_int_equal(s2c->out_len, klen);
	assert_memory_equal(sess->encryption_key, s2c->out, klen);
	if (c2s_name) {
		const struct ksmbd_kat_kdf *c2s = kdf_vector(c2s_name);

		assert_int_equal(c2s->out_len, klen);
		assert_memory_equal(sess->decryption_key, c2s->out, klen);
	}
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

static void test_derive_keys_311(void **state)
{
	static const u16 gcm[] = { KSMBD_CIPHER_AES128_GCM };

	(void)state;
	negotiate(SMB2_DIALECT_0311, 0, gcm, 1);
	check_311(KSMBD_CIPHER_AES128_GCM, "KDF SMB 3.1.1 server-to-client key",
		  "KDF SMB 3.1.1 client-to-server key", 16);
	check_311(KSMBD_CIPHER_AES128_CCM, "KDF SMB 3.1.1 server-to-client key (A.2)", NULL, 16);
	check_311(KSMBD_CIPHER_AES128_GCM, "KDF SMB 3.1.1 server-to-client key (A.1)", NULL, 16);
	check_311(KSMBD_CIPHER_AES256_GCM, "KDF SMB 3.1.1 server-to-client key, L = 256", NULL, 32);
}

/* The blog's encrypted WRITE responses, sealed by ksmbd_transform_seal(). */
static void test_seal_vectors(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct ksmbd_kat_aead *v = &ksmbd_kat_aead[i];
		u8 buf[TH_SIZE + 128];

		assert_true(v->aad_len == 32 && v->len <= 128);
		memcpy(buf + TH_SIZE, v->pt, v->len);
		assert_int_equal(ksmbd_transform_seal(v->cipher, v->key, v->aad,
						      get_unaligned_le64(v->aad + 24), buf, v->len), 0);
		assert_int_equal(get_unaligned_le32(buf), 0x424d53fd);
		assert_memory_equal(buf + 4, v->tag, 16);
		assert_memory_equal(buf + SMB2_TRANSFORM_AAD_OFFSET, v->aad, 32);
		assert_memory_equal(buf + TH_SIZE, v->ct, v->len);
	}
}

/* Build the received form of vector @v in @buf: header, then ciphertext. */
static size_t put_vector(u8 *buf, const struct ksmbd_kat_aead *v)
{
	put_unaligned_le32(0x424d53fd, buf);
	memcpy(buf + 4, v->tag, 16);
	memcpy(buf + SMB2_TRANSFORM_AAD_OFFSET, v->aad, 32);
	memcpy(buf + TH_SIZE, v->ct, v->len);
	return TH_SIZE + v->len;
}

static void test_open_vectors_and_tampering(void **state)
{
	static const size_t flips[] = { 4, 19, 20, 35, 36, 46, 48, 51, 52, TH_SIZE + 79 };
	unsigned int i, j;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct ksmbd_kat_aead *v = &ksmbd_kat_aead[i];
		u8 buf[TH_SIZE + 128], out[128], zero[128] = { 0 };
		size_t len = put_vector(buf, v);
		u64 id;

		assert_int_equal(ksmbd_transform_check(buf, len, &id), 0);
		assert_int_equal(id, get_unaligned_le64(v->aad + 24));
		assert_int_equal(ksmbd_transform_open(v->cipher, v->key, buf, len, out), 0);
		assert_memory_equal(out, v->pt, v->len);
		/* Any flipped bit of the tag, the AAD or the ciphertext fails, leaving zeros. */
		for (j = 0; j < ARRAY_SIZE(flips); j++) {
			put_vector(buf, v);
			buf[flips[j]] ^= 0x01;
			memset(out, 0xee, sizeof(out));
			assert_int_equal(ksmbd_transform_open(v->cipher, v->key, buf, len, out),
					 -EBADMSG);
			assert_memory_equal(out, zero, v->len);
		}
		/* The wrong cipher does not authenticate either. */
		put_vector(buf, v);
		assert_int_equal(ksmbd_transform_open(v->cipher == KSMBD_CIPHER_AES128_GCM ?
						      KSMBD_CIPHER_AES128_CCM :
						      KSMBD_CIPHER_AES128_GCM, v->key, buf, len, out),
				 -EBADMSG);
	}
}

static void test_transform_check_rejects(void **state)
{
	const struct ksmbd_kat_aead *v = &ksmbd_kat_aead[0];
	u8 buf[TH_SIZE + 128];
	size_t len;
	u64 id;

	(void)state;
	len = put_vector(buf, v);
	assert_int_equal(ksmbd_transform_check(buf, len, &id), 0);
	/* No payload, a header cut short. */
	assert_int_equal(ksmbd_transform_check(buf, TH_SIZE, &id), -EPROTO);
	assert_int_equal(ksmbd_transform_check(buf, 20, &id), -EPROTO);
	/* OriginalMessageSize larger, smaller than what follows, or below an SMB2 header. */
	assert_int_equal(ksmbd_transform_check(buf, len - 1, &id), -EPROTO);
	put_unaligned_le32(v->len - 8, buf + 36);
	assert_int_equal(ksmbd_transform_check(buf, len, &id), -EPROTO);
	put_unaligned_le32(63, buf + 36);
	assert_int_equal(ksmbd_transform_check(buf, TH_SIZE + 63, &id), -EPROTO);
	put_unaligned_le32(v->len, buf + 36);
	/* Flags/EncryptionAlgorithm other than 1. */
	put_unaligned_le16(0, buf + 42);
	assert_int_equal(ksmbd_transform_check(buf, len, &id), -EPROTO);
	put_unaligned_le16(2, buf + 42);
	assert_int_equal(ksmbd_transform_check(buf, len, &id), -EPROTO);
	put_unaligned_le16(1, buf + 42);
	/* SessionId 0. */
	memset(buf + 44, 0, 8);
	assert_int_equal(ksmbd_transform_check(buf, len, &id), -EPROTO);
	/* Not a transform header at all. */
	len = put_vector(buf, v);
	buf[0] = 0xfe;
	assert_int_equal(ksmbd_transform_check(buf, len, &id), -EPROTO);
}

/* What a client does: seal @msg (@len bytes at @buf + 52) for @sess. */
static size_t client_seal(struct ksmbd_session *sess, u8 *buf, size_t len, u8 nonce_byte)
{
	u8 nonce[16] = { nonce_byte, 0xc1 };

	assert_int_equal(ksmbd_transform_seal(conn->cipher, sess->decryption_key, nonce, sess->id,
					      buf, len), 0);
	return TH_SIZE + len;
}

/* Open the response frame in mt at @off; returns the plaintext length. */
static size_t client_open(struct ksmbd_session *sess, size_t off, u8 *out, u8 nonce[16])
{
	u32 frame = get_unaligned_be32(mt->out + off);
	const u8 *msg = mt->out + off + 4;
	u64 id;

	assert_true(frame > TH_SIZE);
	assert_int_equal(ksmbd_transform_check(msg, frame, &id), 0);
	assert_int_equal(id, sess->id);
	assert_int_equal(ksmbd_transform_open(conn->cipher, sess->encryption_key, msg, frame, out),
			 0);
	memcpy(nonce, ((const struct smb2_transform_hdr *)msg)->nonce, 16);
	return frame - TH_SIZE;
}

static void encrypted_echo(u16 dialect, u32 caps, const u16 *ciphers, int n, u16 want)
{
	struct ksmbd_session *sess;
	u8 buf[TH_SIZE + 256], out[256], n1[16], n2[16], zero[16] = { 0 };
	const struct smb2_hdr *h;
	size_t len, plen, noff;

	negotiate(dialect, caps, ciphers, n);
	assert_int_equal(conn->cipher, want);
	sess = user_session((const u8 *)"0123456789abcdef");

	/* A compound of two ECHOs, encrypted: one encrypted compound comes back. */
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 7, sess->id);
	((struct smb2_hdr *)(buf + TH_SIZE))->next_command = cpu_to_le32(72);
	len = 72 + put_req(buf + TH_SIZE, 72, SMB2_ECHO, 4, 4, 8, sess->id);
	len = client_seal(sess, buf, len, 1);
	mt->len = 0;
	mt->writes = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(mt->writes, 1);
	plen = client_open(sess, 0, out, n1);
	assert_int_equal(plen, 72 + 72);	/* the last response padded too */
	h = (const void *)out;
	assert_int_equal(h->protocol_id, SMB2_PROTO_ID);
	assert_int_equal(h->status, STATUS_SUCCESS);
	assert_int_equal(le64_to_cpu(h->message_id), 7);
	assert_int_equal(le32_to_cpu(h->next_command), 72);
	/* Encrypted, hence not signed. */
	assert_false(h->flags & SMB2_FLAGS_SIGNED);
	assert_memory_equal(h->signature, zero, 16);
	h = (const void *)(out + 72);
	assert_int_equal(le64_to_cpu(h->message_id), 8);
	assert_int_equal(h->status, STATUS_SUCCESS);
	/* The unused nonce bytes are zero; the next response has another nonce. */
	noff = ksmbd_cipher_nonce_size(want);
	assert_memory_equal(n1 + noff, zero, 16 - noff);
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 9, sess->id);
	len = client_seal(sess, buf, len, 2);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(client_open(sess, 0, out, n2), 68);
	assert_memory_not_equal(n1, n2, 16);

	/* A request naming another session inside the transform is refused. */
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 10, sess->id + 1);
	len = client_seal(sess, buf, len, 3);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	client_open(sess, 0, out, n2);
	assert_int_equal(((const struct smb2_hdr *)out)->status, STATUS_ACCESS_DENIED);

	/* A tampered message drops the connection unanswered. */
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 11, sess->id);
	len = client_seal(sess, buf, len, 4);
	buf[len - 1] ^= 0x80;
	mt->len = 0;
	mt->writes = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -EBADMSG);
	assert_int_equal(mt->writes, 0);
	/* So does an unknown session, or a bad header. */
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 12, sess->id);
	len = client_seal(sess, buf, len, 5);
	put_unaligned_le64(sess->id + 1, buf + 44);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -EPROTO);
	put_unaligned_le64(sess->id, buf + 44);
	put_unaligned_le16(0, buf + 42);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -EPROTO);
	assert_int_equal(mt->writes, 0);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

static void test_encrypted_requests_311(void **state)
{
	static const u16 gcm256[] = { KSMBD_CIPHER_AES256_GCM };

	(void)state;
	encrypted_echo(SMB2_DIALECT_0311, 0, gcm256, 1, KSMBD_CIPHER_AES256_GCM);
}

static void test_encrypted_requests_30(void **state)
{
	(void)state;
	encrypted_echo(SMB2_DIALECT_0300, SMB2_GLOBAL_CAP_ENCRYPTION, NULL, 0,
		       KSMBD_CIPHER_AES128_CCM);
}

static void test_transform_without_cipher_drops(void **state)
{
	struct ksmbd_session *sess;
	u8 buf[TH_SIZE + 128];
	size_t len;

	(void)state;
	/* 3.0 without SMB2_GLOBAL_CAP_ENCRYPTION: no cipher, no transforms. */
	negotiate(SMB2_DIALECT_0300, 0, NULL, 0);
	assert_int_equal(conn->cipher, 0);
	sess = user_session((const u8 *)"0123456789abcdef");
	len = put_req(buf + TH_SIZE, 0, SMB2_ECHO, 4, 4, 1, sess->id);
	assert_int_equal(ksmbd_transform_seal(KSMBD_CIPHER_AES128_CCM, sess->decryption_key,
					      (const u8 *)"nonce-nonce-nonc", sess->id, buf,
					      len), 0);
	mt->writes = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, TH_SIZE + len), -EPROTO);
	assert_int_equal(mt->writes, 0);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

static void test_negotiate_cipher_policy(void **state)
{
	static const u16 all[] = {
		KSMBD_CIPHER_AES256_CCM, KSMBD_CIPHER_AES256_GCM, KSMBD_CIPHER_AES128_CCM,
		KSMBD_CIPHER_AES128_GCM,
	};
	static const u16 unknown[] = { 0x0009 };
	const struct smb2_negotiate_rsp *r;
	const u8 *rsp;

	(void)state;
	/* The server's preference among the client's ciphers. */
	rsp = negotiate(SMB2_DIALECT_0311, 0, all, 4);
	assert_int_equal(rsp_cipher(rsp), KSMBD_CIPHER_AES128_GCM);
	assert_int_equal(conn->cipher, KSMBD_CIPHER_AES128_GCM);
	r = (const void *)(rsp + 64);
	assert_false(le32_to_cpu(r->capabilities) & SMB2_GLOBAL_CAP_ENCRYPTION);
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0311, 0, all, 2);
	assert_int_equal(rsp_cipher(rsp), KSMBD_CIPHER_AES256_GCM);
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0311, 0, unknown, 1);
	assert_int_equal(rsp_cipher(rsp), 0);
	assert_int_equal(conn->cipher, 0);
	/* 3.0.2 announces AES-128-CCM through the capability, when the client does. */
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0302, SMB2_GLOBAL_CAP_ENCRYPTION, NULL, 0);
	r = (const void *)(rsp + 64);
	assert_true(le32_to_cpu(r->capabilities) & SMB2_GLOBAL_CAP_ENCRYPTION);
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0210, SMB2_GLOBAL_CAP_ENCRYPTION, NULL, 0);
	r = (const void *)(rsp + 64);
	assert_false(le32_to_cpu(r->capabilities) & SMB2_GLOBAL_CAP_ENCRYPTION);
	assert_int_equal(conn->cipher, 0);
	/* smb encrypt = off: nothing offered. */
	serve(KSMBD_ENCRYPTION_OFF);
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0311, 0, all, 4);
	assert_int_equal(rsp_cipher(rsp), 0);
	assert_int_equal(conn->cipher, 0);
	ksmbd_conn_free(conn);
	conn = mem_conn_new(&mt);
	rsp = negotiate(SMB2_DIALECT_0300, SMB2_GLOBAL_CAP_ENCRYPTION, NULL, 0);
	r = (const void *)(rsp + 64);
	assert_false(le32_to_cpu(r->capabilities) & SMB2_GLOBAL_CAP_ENCRYPTION);
	assert_int_equal(conn->cipher, 0);
}

/* MS-SMB2 3.3.5.2.9: cleartext on a session that must encrypt is refused. */
static void test_cleartext_refused_when_required(void **state)
{
	static const u16 gcm[] = { KSMBD_CIPHER_AES128_GCM };
	struct ksmbd_session *sess;
	u8 buf[256];
	size_t len;

	(void)state;
	negotiate(SMB2_DIALECT_0311, 0, gcm, 1);
	sess = user_session((const u8 *)"0123456789abcdef");
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1, sess->id);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status, STATUS_SUCCESS);
	sess->encrypt_data = true;
	put_unaligned_le64(2, buf + 24);	/* MessageId */
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	/* "desired": encryption is asked for, cleartext still accepted. */
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status, STATUS_SUCCESS);
	sess->reject_unencrypted = true;
	put_unaligned_le64(3, buf + 24);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status, STATUS_ACCESS_DENIED);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

/* MS-SMB2 3.3.5.2.11: a share that requires encryption refuses cleartext. */
static void test_share_requires_encryption(void **state)
{
	static const u16 gcm[] = { KSMBD_CIPHER_AES128_GCM };
	struct ksmbd_session *sess;
	struct ksmbd_tree *tree;
	u8 buf[TH_SIZE + 256], out[256], nonce[16];
	size_t len;

	(void)state;
	negotiate(SMB2_DIALECT_0311, 0, gcm, 1);
	sess = user_session((const u8 *)"0123456789abcdef");
	assert_true(ksmbd_session_can_encrypt(conn, sess));
	assert_int_equal(ksmbd_tree_new(sess, "IPC$", KSMBD_SHARE_IPC | KSMBD_SHARE_ENCRYPT |
					KSMBD_SHARE_ENCRYPT_REQUIRED, NULL, &tree), 0);
	/* FLUSH of no open: a request that passes the checks is STATUS_FILE_CLOSED. */
	len = put_req(buf, 0, SMB2_FLUSH, 24, 24, 1, sess->id);
	((struct smb2_hdr *)buf)->tree_id = cpu_to_le32(tree->id);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status, STATUS_ACCESS_DENIED);
	len = put_req(buf + TH_SIZE, 0, SMB2_FLUSH, 24, 24, 2, sess->id);
	((struct smb2_hdr *)(buf + TH_SIZE))->tree_id = cpu_to_le32(tree->id);
	len = client_seal(sess, buf, len, 1);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	client_open(sess, 0, out, nonce);
	assert_int_equal(((const struct smb2_hdr *)out)->status, STATUS_FILE_CLOSED);
	/* Guests and anonymous sessions cannot encrypt. */
	sess->guest = true;
	assert_false(ksmbd_session_can_encrypt(conn, sess));
	ksmbd_tree_put(tree);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

/* An IOCTL FSCTL_VALIDATE_NEGOTIATE_INFO on @tree with @dialects; returns its length. */
static size_t put_validate(u8 *buf, struct ksmbd_session *sess, u32 tree_id, u32 caps,
			   const u8 *guid, u16 secmode, const u16 *dialects, int n)
{
	size_t in_len = 24 + 2 * n;
	static u64 mid = 3;	/* each request a MessageId of its own */
	size_t len = put_req(buf, 0, SMB2_IOCTL, 57, 56 + in_len, mid++, sess->id);
	struct smb2_ioctl *req = (void *)(buf + 64);
	u8 *in = buf + 64 + 56;
	int i;

	((struct smb2_hdr *)buf)->tree_id = cpu_to_le32(tree_id);
	req->ctl_code = cpu_to_le32(FSCTL_VALIDATE_NEGOTIATE_INFO);
	req->persistent_id = cpu_to_le64(~0ULL);
	req->volatile_id = cpu_to_le64(~0ULL);
	req->input_offset = cpu_to_le32(64 + 56);
	req->input_count = cpu_to_le32(in_len);
	req->max_output_response = cpu_to_le32(24);
	req->flags = cpu_to_le32(SMB2_0_IOCTL_IS_FSCTL);
	put_unaligned_le32(caps, in);
	memcpy(in + 4, guid, 16);
	put_unaligned_le16(secmode, in + 20);
	put_unaligned_le16(n, in + 22);
	for (i = 0; i < n; i++)
		put_unaligned_le16(dialects[i], in + 24 + 2 * i);
	return len;
}

static void test_validate_negotiate(void **state)
{
	static const u16 offered[] = { SMB2_DIALECT_0202, SMB2_DIALECT_0210, SMB2_DIALECT_0300 };
	static const u16 fewer[] = { SMB2_DIALECT_0202, SMB2_DIALECT_0210 };
	const u32 caps = SMB2_GLOBAL_CAP_ENCRYPTION | SMB2_GLOBAL_CAP_LARGE_MTU;
	const u16 mode = SMB2_NEGOTIATE_SIGNING_ENABLED;
	const struct smb2_hdr *h;
	struct ksmbd_session *sess;
	struct ksmbd_tree *tree;
	const u8 *out;
	u8 buf[512];
	size_t len;

	(void)state;
	negotiate(SMB2_DIALECT_0300, caps, NULL, 0);
	sess = user_session((const u8 *)"0123456789abcdef");
	assert_int_equal(ksmbd_tree_new(sess, "IPC$", KSMBD_SHARE_IPC, NULL, &tree), 0);

	/* What was negotiated: answered with what we sent, signed. */
	len = put_validate(buf, sess, tree->id, caps, client_guid, mode, offered, 3);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	h = (const void *)(mt->out + 4);
	assert_int_equal(h->status, STATUS_SUCCESS);
	assert_true(h->flags & SMB2_FLAGS_SIGNED);
	assert_true(ksmbd_smb2_verify(conn, sess, mt->out + 4, get_unaligned_be32(mt->out)));
	assert_int_equal(get_unaligned_le16(mt->out + 4 + 64), 49);
	assert_int_equal(get_unaligned_le32(mt->out + 4 + 64 + 36), 24);	/* OutputCount */
	out = mt->out + 4 + get_unaligned_le32(mt->out + 4 + 64 + 32);		/* OutputOffset */
	assert_int_equal(get_unaligned_le32(out), SMB2_GLOBAL_CAP_LARGE_MTU |
			 SMB2_GLOBAL_CAP_LEASING | SMB2_GLOBAL_CAP_ENCRYPTION |
			 SMB2_GLOBAL_CAP_MULTI_CHANNEL | SMB2_GLOBAL_CAP_DIRECTORY_LEASING |
			 SMB2_GLOBAL_CAP_PERSISTENT_HANDLES);
	assert_memory_equal(out + 4, ksmbd_server_cfg()->server_guid, 16);
	assert_int_equal(get_unaligned_le16(out + 20), SMB2_NEGOTIATE_SIGNING_ENABLED);
	assert_int_equal(get_unaligned_le16(out + 22), SMB2_DIALECT_0300);

	/* Input too short for its dialects, or no room for the answer. */
	len = put_validate(buf, sess, tree->id, caps, client_guid, mode, offered, 3);
	put_unaligned_le32(24 + 2, buf + 64 + 28);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status,
			 STATUS_INVALID_PARAMETER);
	len = put_validate(buf, sess, tree->id, caps, client_guid, mode, offered, 3);
	put_unaligned_le32(8, buf + 64 + 44);
	mt->len = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(((const struct smb2_hdr *)(mt->out + 4))->status,
			 STATUS_INVALID_PARAMETER);

	/* Anything that differs drops the connection, unanswered. */
	mt->writes = 0;
	len = put_validate(buf, sess, tree->id, caps & ~SMB2_GLOBAL_CAP_ENCRYPTION, client_guid,
			   mode, offered, 3);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
	len = put_validate(buf, sess, tree->id, caps, (const u8 *)"another-guid-012", mode,
			   offered, 3);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
	len = put_validate(buf, sess, tree->id, caps, client_guid,
			   mode | SMB2_NEGOTIATE_SIGNING_REQUIRED, offered, 3);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
	len = put_validate(buf, sess, tree->id, caps, client_guid, mode, fewer, 2);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
	assert_int_equal(mt->writes, 0);

	ksmbd_tree_put(tree);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

static void test_validate_negotiate_311_drops(void **state)
{
	static const u16 gcm[] = { KSMBD_CIPHER_AES128_GCM };
	static const u16 d[] = { SMB2_DIALECT_0311 };
	struct ksmbd_session *sess;
	struct ksmbd_tree *tree;
	u8 buf[512];
	size_t len;

	(void)state;
	negotiate(SMB2_DIALECT_0311, 0, gcm, 1);
	sess = user_session((const u8 *)"0123456789abcdef");
	assert_int_equal(ksmbd_tree_new(sess, "IPC$", KSMBD_SHARE_IPC, NULL, &tree), 0);
	len = put_validate(buf, sess, tree->id, 0, client_guid, SMB2_NEGOTIATE_SIGNING_ENABLED,
			   d, 1);
	mt->writes = 0;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
	assert_int_equal(mt->writes, 0);
	ksmbd_tree_put(tree);
	ksmbd_session_unlink(conn, sess);
	ksmbd_session_put(sess);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_derive_keys_30),
		T(test_derive_keys_311),
		T(test_seal_vectors),
		T(test_open_vectors_and_tampering),
		T(test_transform_check_rejects),
		T(test_encrypted_requests_311),
		T(test_encrypted_requests_30),
		T(test_transform_without_cipher_drops),
		T(test_negotiate_cipher_policy),
		T(test_cleartext_refused_when_required),
		T(test_share_requires_encryption),
		T(test_validate_negotiate),
		T(test_validate_negotiate_311_drops),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
