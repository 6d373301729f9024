// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of multichannel in the engine (kernel/session.c, smb2_bind.c):
 * the node-wide session table and its channels, the signing key each
 * connection uses, teardown of one channel and of the last, and the binding
 * refusals that need no authentication (MS-SMB2 3.3.5.5), signed with the
 * session's key. Successful binding needs mountd and is covered by
 * smbtorture (smb2.session.bind*, smb2.multichannel).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <asm/unaligned.h>
#include "server.h"
#include "session.h"
#include "smb.h"
#include "smb2.h"
#include "smb_wire.h"
#include "../lib/mem_transport.h"

static struct ksmbd_conn *ca, *cb;
static struct mem_transport *ma, *mb;
static u64 mid_a, mid_b;

static void serve(bool multichannel)
{
	struct ksmbd_server_config cfg = {
		.min_dialect = SMB2_DIALECT_0202,
		.max_dialect = SMB2_DIALECT_0311,
		.signing = KSMBD_SIGNING_AUTO,
		.encryption = KSMBD_ENCRYPTION_IF_REQUIRED,
		.no_multichannel = !multichannel,
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
	serve(true);
	ca = mem_conn_new(&ma);
	cb = mem_conn_new(&mb);
	mid_a = mid_b = 0;
	return ca && cb ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ksmbd_conn_free(ca);
	ksmbd_conn_free(cb);
	return 0;
}

static size_t put_req(u8 *buf, u16 command, u16 struct_size, size_t body_len, u64 mid,
		      u64 sess_id)
{
	struct smb2_hdr *h = (struct smb2_hdr *)buf;

	memset(h, 0, sizeof(*h) + body_len);
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(64);
	h->command = cpu_to_le16(command);
	h->credit_request = cpu_to_le16(64);
	h->message_id = cpu_to_le64(mid);
	h->session_id = cpu_to_le64(sess_id);
	put_unaligned_le16(struct_size, buf + sizeof(*h));
	return sizeof(*h) + body_len;
}

/* Send @len bytes on @c; the response header. */
static const struct smb2_hdr *send_on(struct ksmbd_conn *c, struct mem_transport *m,
				      u8 *buf, size_t len)
{
	m->len = 0;
	assert_int_equal(ksmbd_smb_process(c, buf, len), 0);
	assert_true(m->len > 4 + sizeof(struct smb2_hdr));
	return (const struct smb2_hdr *)(m->out + 4);
}

/* NEGOTIATE @dialect on @c (3.0.x with the encryption capability). */
static void negotiate(struct ksmbd_conn *c, struct mem_transport *m, u64 *mid, u16 dialect,
		      u32 *caps_out)
{
	u8 buf[256];
	size_t len = put_req(buf, SMB2_NEGOTIATE, 36, 36 + 2, (*mid)++, 0);
	struct smb2_negotiate_req *req = (void *)(buf + 64);
	const struct smb2_hdr *h;

	req->dialect_count = cpu_to_le16(1);
	req->security_mode = cpu_to_le16(SMB2_NEGOTIATE_SIGNING_ENABLED);
	req->capabilities = cpu_to_le32(SMB2_GLOBAL_CAP_ENCRYPTION);
	memcpy(req->client_guid, "client-guid-0123", 16);
	put_unaligned_le16(dialect, buf + 64 + 36);
	h = send_on(c, m, buf, len);
	assert_int_equal(h->status, STATUS_SUCCESS);
	assert_int_equal(c->dialect, dialect);
	if (caps_out)
		*caps_out = get_unaligned_le32(m->out + 4 + 64 + 24);
}

/* A valid session of "alice" on @c with its keys derived. */
static struct ksmbd_session *user_session(struct ksmbd_conn *c)
{
	struct ksmbd_session *sess = ksmbd_session_new(c);

	assert_non_null(sess);
	memcpy(sess->session_key, "0123456789abcdef", 16);
	strscpy(sess->user, "alice", sizeof(sess->user));
	assert_int_equal(ksmbd_session_derive_keys(c, sess), 0);
	sess->state = KSMBD_SESS_VALID;
	return sess;
}

/* A SESSION_SETUP naming @id with @flags, signed with @sign's key on @signer. */
static size_t put_setup(u8 *buf, u64 mid, u64 id, u8 flags, struct ksmbd_session *sign,
			struct ksmbd_conn *signer)
{
	size_t len = put_req(buf, SMB2_SESSION_SETUP, 25, 24 + 4, mid, id);
	struct smb2_sess_setup_req *req = (void *)(buf + 64);

	req->flags = flags;
	req->security_buffer_offset = cpu_to_le16(64 + 24);
	req->security_buffer_length = cpu_to_le16(4);
	memcpy(buf + 64 + 24, "\x60\x02\x05\x00", 4);
	if (sign)
		assert_int_equal(ksmbd_smb2_sign(signer, sign, buf, len), 0);
	return len;
}

static void test_table_and_channels(void **state)
{
	struct ksmbd_session *sess;
	u8 key[16], chkey[16];
	u16 alg;

	(void)state;
	negotiate(ca, ma, &mid_a, SMB2_DIALECT_0302, NULL);
	negotiate(cb, mb, &mid_b, SMB2_DIALECT_0302, NULL);
	sess = user_session(ca);

	/* Found from its own connection and the table, not from another. */
	ksmbd_session_put(ksmbd_session_get(ca, sess->id));
	assert_null(ksmbd_session_get(cb, sess->id));
	ksmbd_session_put(ksmbd_session_lookup(sess->id));
	assert_false(ksmbd_session_has_channel(sess, cb));

	/* A bound channel: found from both, signing with its own key there. */
	memset(chkey, 0xc5, sizeof(chkey));
	assert_int_equal(ksmbd_session_add_channel(sess, cb, chkey), 0);
	assert_int_equal(ksmbd_session_add_channel(sess, cb, chkey), -EEXIST);
	ksmbd_session_put(ksmbd_session_get(cb, sess->id));
	ksmbd_session_signing_key(sess, ca, key, &alg);
	assert_memory_equal(key, sess->signing_key, 16);
	assert_int_equal(alg, SMB2_SIGNING_AES_CMAC);
	ksmbd_session_signing_key(sess, cb, key, &alg);
	assert_memory_equal(key, chkey, 16);

	/* One channel's connection going leaves the session to the other. */
	ksmbd_session_unlink_all(cb);
	assert_null(ksmbd_session_get(cb, sess->id));
	ksmbd_session_put(ksmbd_session_get(ca, sess->id));
	assert_int_equal(ksmbd_session_add_channel(sess, cb, chkey), 0);
	ksmbd_session_unlink_all(ca);
	assert_null(ksmbd_session_get(ca, sess->id));
	ksmbd_session_put(ksmbd_session_get(cb, sess->id));
	/* ... and the last one ends it. */
	ksmbd_session_unlink_all(cb);
	assert_null(ksmbd_session_lookup(sess->id));
	assert_int_equal(ksmbd_session_add_channel(sess, ca, chkey), -ENOENT);
	ksmbd_session_put(sess);
}

static void test_logoff_ends_every_channel(void **state)
{
	struct ksmbd_session *sess;
	u8 chkey[16] = { 1 };

	(void)state;
	negotiate(ca, ma, &mid_a, SMB2_DIALECT_0300, NULL);
	negotiate(cb, mb, &mid_b, SMB2_DIALECT_0300, NULL);
	sess = user_session(ca);
	assert_int_equal(ksmbd_session_add_channel(sess, cb, chkey), 0);
	ksmbd_session_unlink(cb, sess);
	assert_null(ksmbd_session_get(ca, sess->id));
	assert_null(ksmbd_session_get(cb, sess->id));
	assert_null(ksmbd_session_lookup(sess->id));
	assert_true(list_empty(&ca->sessions));
	assert_true(list_empty(&cb->sessions));
	ksmbd_session_put(sess);
}

/* Binding on 2.1: refused, signed with the session's key (and algorithm). */
static void test_bind_refusals_21(void **state)
{
	const struct smb2_hdr *h;
	struct ksmbd_session *sess;
	u8 buf[256];
	size_t len;

	(void)state;
	negotiate(ca, ma, &mid_a, SMB2_DIALECT_0210, NULL);
	negotiate(cb, mb, &mid_b, SMB2_DIALECT_0210, NULL);
	sess = user_session(ca);

	len = put_setup(buf, mid_b++, sess->id, SMB2_SESSION_FLAG_BINDING, sess, ca);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_REQUEST_NOT_ACCEPTED);
	assert_true(h->flags & SMB2_FLAGS_SIGNED);
	assert_true(ksmbd_smb2_verify(ca, sess, mb->out + 4, mb->len - 4));

	/* Unsigned: INVALID_PARAMETER; no such session: USER_SESSION_DELETED. */
	len = put_setup(buf, mid_b++, sess->id, SMB2_SESSION_FLAG_BINDING, NULL, NULL);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_INVALID_PARAMETER);
	assert_false(h->flags & SMB2_FLAGS_SIGNED);
	len = put_setup(buf, mid_b++, sess->id + 1000, SMB2_SESSION_FLAG_BINDING, NULL, NULL);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_USER_SESSION_DELETED);

	/* A tampered signature: ACCESS_DENIED, unsigned (not a channel). */
	len = put_setup(buf, mid_b++, sess->id, SMB2_SESSION_FLAG_BINDING, sess, ca);
	buf[48] ^= 1;
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_ACCESS_DENIED);
	assert_false(h->flags & SMB2_FLAGS_SIGNED);

	/* Without the flag, another connection's session is not there, flag kept. */
	len = put_setup(buf, mid_b++, sess->id, 0, sess, ca);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_USER_SESSION_DELETED);
	assert_true(h->flags & SMB2_FLAGS_SIGNED);

	/* The session is untouched. */
	ksmbd_session_put(ksmbd_session_get(ca, sess->id));
	ksmbd_session_unlink(ca, sess);
	ksmbd_session_put(sess);
}

/* 3.0.2 session, 3.0 connection: INVALID_PARAMETER; multichannel off: not accepted. */
static void test_bind_refusals_3x(void **state)
{
	const struct smb2_hdr *h;
	struct ksmbd_session *sess;
	u8 buf[256];
	size_t len;
	u32 caps;

	(void)state;
	negotiate(ca, ma, &mid_a, SMB2_DIALECT_0302, &caps);
	assert_true(caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL);
	negotiate(cb, mb, &mid_b, SMB2_DIALECT_0300, NULL);
	sess = user_session(ca);
	len = put_setup(buf, mid_b++, sess->id, SMB2_SESSION_FLAG_BINDING, sess, ca);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_INVALID_PARAMETER);
	assert_true(ksmbd_smb2_verify(ca, sess, mb->out + 4, mb->len - 4));
	ksmbd_session_unlink(ca, sess);
	ksmbd_session_put(sess);
}

static void test_multichannel_off(void **state)
{
	struct ksmbd_conn *c;
	struct mem_transport *m = NULL;
	struct ksmbd_session *sess;
	const struct smb2_hdr *h;
	u64 mid = 0;
	u8 buf[256];
	size_t len;
	u32 caps;

	(void)state;
	serve(false);
	c = mem_conn_new(&m);
	assert_non_null(c);
	negotiate(c, m, &mid, SMB2_DIALECT_0302, &caps);
	assert_false(caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL);
	negotiate(cb, mb, &mid_b, SMB2_DIALECT_0302, NULL);
	sess = user_session(c);
	len = put_setup(buf, mid_b++, sess->id, SMB2_SESSION_FLAG_BINDING, sess, c);
	h = send_on(cb, mb, buf, len);
	assert_int_equal(h->status, STATUS_REQUEST_NOT_ACCEPTED);
	ksmbd_session_unlink(c, sess);
	ksmbd_session_put(sess);
	ksmbd_conn_free(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_table_and_channels),
		T(test_logoff_ends_every_channel),
		T(test_bind_refusals_21),
		T(test_bind_refusals_3x),
		T(test_multichannel_off),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
