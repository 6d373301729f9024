// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the request entry point: the SMB2 compound-chain check that
 * runs before any handler, error responses, and SMB1 NEGOTIATE refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <asm/unaligned.h>
#include "server.h"
#include "session.h"
#include "smb.h"
#include "smb2_credit.h"
#include "conn.h"
#include "smb_wire.h"
#include "../lib/mem_transport.h"

static struct ksmbd_conn *conn;
static struct mem_transport *mt;

/* A served configuration without listeners: what NEGOTIATE reads. */
static int group_setup(void **state)
{
	static struct ksmbd_server_config cfg = {
		.min_dialect = SMB2_DIALECT_0202,
		.max_dialect = SMB2_DIALECT_0311,
		.spnego_token = { 0x60, 0x02, 0x05, 0x00 },
		.spnego_len = 4,
	};

	(void)state;
	return ksmbd_conn_init() || ksmbd_server_start(&cfg);
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
	conn = mem_conn_new(&mt);
	return conn ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ksmbd_conn_free(conn);
	return 0;
}

/* Append one request PDU of @command with a body of @body_len bytes. */
static size_t put_req(u8 *buf, size_t off, u16 command, u16 struct_size, size_t body_len,
		      u64 mid)
{
	struct smb2_hdr *h = (struct smb2_hdr *)(buf + off);

	memset(h, 0, sizeof(*h) + body_len);
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(64);
	h->command = cpu_to_le16(command);
	h->credit_request = cpu_to_le16(10);
	h->message_id = cpu_to_le64(mid);
	put_unaligned_le16(struct_size, buf + off + sizeof(*h));
	return sizeof(*h) + body_len;
}

static void chain(u8 *buf, size_t off, u32 next)
{
	((struct smb2_hdr *)(buf + off))->next_command = cpu_to_le32(next);
}

/* An SMB2 NEGOTIATE offering @dialects; 3.1.1 gets a preauth context (SHA-512 if @sha512). */
static size_t put_negotiate(u8 *buf, const u16 *dialects, int n, bool preauth, bool sha512,
			    u64 mid)
{
	size_t len = put_req(buf, 0, SMB2_NEGOTIATE, 36, 36 + 2 * n, mid);
	int i;

	put_unaligned_le16(n, buf + 64 + 2);
	for (i = 0; i < n; i++)
		put_unaligned_le16(dialects[i], buf + 64 + 36 + 2 * i);
	if (preauth) {
		len = ALIGN(len, 8);
		put_unaligned_le32(len, buf + 64 + 28);		/* NegotiateContextOffset */
		put_unaligned_le16(1, buf + 64 + 32);		/* NegotiateContextCount */
		memset(buf + len, 0, 8 + 38);
		put_unaligned_le16(SMB2_PREAUTH_INTEGRITY_CAPABILITIES, buf + len);
		put_unaligned_le16(38, buf + len + 2);
		put_unaligned_le16(1, buf + len + 8);		/* HashAlgorithmCount */
		put_unaligned_le16(32, buf + len + 10);		/* SaltLength */
		put_unaligned_le16(sha512 ? 1 : 2, buf + len + 12);
		len += 8 + 38;
	}
	return len;
}

/* Negotiate SMB 2.1 (MessageId @mid) on the connection and forget the response. */
static void negotiate21_mid(u64 mid)
{
	static const u16 d[] = { SMB2_DIALECT_0202, SMB2_DIALECT_0210 };
	u8 buf[256];
	size_t len = put_negotiate(buf, d, 2, false, false, mid);

	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(conn->dialect, SMB2_DIALECT_0210);
	mt->len = 0;
	mt->writes = 0;
}

static void negotiate21(void)
{
	negotiate21_mid(0);
}

/* The response at @off of the transport output (after the 4-byte frame header). */
static const struct smb2_hdr *rsp_at(size_t off)
{
	return (const struct smb2_hdr *)(mt->out + 4 + off);
}

static void test_negotiate_311(void **state)
{
	static const u16 d[] = { SMB2_DIALECT_0202, SMB2_DIALECT_0300, SMB2_DIALECT_0311 };
	const struct smb2_negotiate_rsp *r;
	const struct smb2_neg_ctx *ctx;
	u8 buf[256], zero[64] = { 0 };
	size_t len = put_negotiate(buf, d, 3, true, true, 0);
	u32 off;

	(void)state;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_SUCCESS);
	r = (const void *)(mt->out + 4 + 64);
	assert_int_equal(le16_to_cpu(r->structure_size), 65);
	assert_int_equal(le16_to_cpu(r->dialect), SMB2_DIALECT_0311);
	assert_int_equal(le16_to_cpu(r->security_buffer_offset), 128);
	assert_int_equal(le16_to_cpu(r->security_buffer_length), 4);
	assert_int_equal(le32_to_cpu(r->max_read_size), 8 * 1024 * 1024);
	off = le32_to_cpu(r->neg_ctx_offset);
	assert_int_equal(off % 8, 0);
	assert_int_equal(le16_to_cpu(r->neg_ctx_count), 1);
	ctx = (const void *)(mt->out + 4 + off);
	assert_int_equal(le16_to_cpu(ctx->type), SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	assert_int_equal(le16_to_cpu(ctx->data_length), 38);
	assert_int_equal(get_unaligned_be32(mt->out), off + 8 + 38);
	assert_int_equal(conn->dialect, SMB2_DIALECT_0311);
	assert_memory_not_equal(conn->preauth_hash, zero, 64);
	/* A second NEGOTIATE drops the connection unanswered. */
	put_unaligned_le64(1, buf + 24);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -ECONNABORTED);
}

static void test_negotiate_errors(void **state)
{
	static const u16 old[] = { 0x0100 }, d311[] = { SMB2_DIALECT_0311 };
	u8 buf[256];
	size_t len;

	(void)state;
	len = put_negotiate(buf, old, 1, false, false, 0);
	put_unaligned_le16(0, buf + 64 + 2);		/* DialectCount 0 */
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	mt->len = 0;
	len = put_negotiate(buf, old, 1, false, false, 1);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_NOT_SUPPORTED);
	mt->len = 0;
	len = put_negotiate(buf, d311, 1, false, false, 2);	/* 3.1.1 without preauth */
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	mt->len = 0;
	len = put_negotiate(buf, d311, 1, true, false, 3);		/* no SHA-512 */
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_NO_PREAUTH_INTEGRITY_HASH_OVERLAP);
	mt->len = 0;
	len = put_negotiate(buf, d311, 1, true, true, 4);
	put_unaligned_le16(200, buf + len - 38 - 6);		/* context past the PDU */
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	assert_int_equal(conn->dialect, 0);
}

static void test_requests_before_negotiate_drop(void **state)
{
	u8 buf[128];
	size_t len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);

	(void)state;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -EPROTO);
	assert_int_equal(mt->writes, 0);
}

static void test_session_checks_after_negotiate(void **state)
{
	u8 buf[256];
	size_t len;

	(void)state;
	negotiate21();
	/* No peer to authenticate with: the leg fails, the session is gone. */
	len = put_req(buf, 0, SMB2_SESSION_SETUP, 25, 24, 1);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(get_unaligned_be32(mt->out), 73);	/* 64 + 9 */
	assert_int_equal(rsp_at(0)->status, STATUS_NO_LOGON_SERVERS);
	assert_true(rsp_at(0)->flags & SMB2_FLAGS_SERVER_TO_REDIR);
	assert_int_equal(le16_to_cpu(rsp_at(0)->credit_request), 10);
	assert_int_equal(get_unaligned_le16(mt->out + 4 + 64), 9);
	assert_true(list_empty(&conn->sessions));
	/* Commands that need a session fail without one; ECHO does not. */
	mt->len = 0;
	len = put_req(buf, 0, SMB2_FLUSH, 24, 24, 2);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_USER_SESSION_DELETED);
	mt->len = 0;
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 3);
	((struct smb2_hdr *)buf)->session_id = cpu_to_le64(77);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_USER_SESSION_DELETED);
	mt->len = 0;
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 4);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_SUCCESS);
	assert_int_equal(get_unaligned_be32(mt->out), 68);
}

static void test_bad_structure_size_is_invalid_parameter(void **state)
{
	u8 buf[256];
	size_t len = put_req(buf, 0, SMB2_ECHO, 5, 4, 3);

	(void)state;
	negotiate21();
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	assert_int_equal(le64_to_cpu(rsp_at(0)->message_id), 3);
	/* StructureSize 0 with a short body (found by fuzzing). */
	mt->len = 0;
	len = put_req(buf, 0, SMB2_ECHO, 0, 0, 4);
	assert_int_equal(ksmbd_smb_process(conn, buf, 66), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
}

static void test_compound_responses_chain_aligned(void **state)
{
	u8 buf[512];
	size_t off = 0, a, b;

	(void)state;
	negotiate21();
	a = put_req(buf, off, SMB2_ECHO, 4, 4, 1);	/* 68 bytes, padded to 72 */
	chain(buf, 0, 72);
	off = 72;
	b = put_req(buf, off, SMB2_FLUSH, 24, 24, 2);
	chain(buf, off, 88);
	off += 88;
	off += put_req(buf, off, SMB2_ECHO, 4, 4, 3);
	(void)a;
	(void)b;
	assert_int_equal(ksmbd_smb2_check_chain(buf, off), 3);
	assert_int_equal(ksmbd_smb_process(conn, buf, off), 0);
	assert_int_equal(mt->writes, 1);
	/*
	 * ECHO: 68 bytes padded to 72; FLUSH without a session: a 73-byte error
	 * padded to 80; the last ECHO padded too, as Windows does.
	 */
	assert_int_equal(get_unaligned_be32(mt->out), 72 + 80 + 72);
	assert_int_equal(le32_to_cpu(rsp_at(0)->next_command), 72);
	assert_int_equal(rsp_at(0)->status, STATUS_SUCCESS);
	assert_int_equal(le64_to_cpu(rsp_at(72)->message_id), 2);
	assert_int_equal(rsp_at(72)->status, STATUS_USER_SESSION_DELETED);
	assert_int_equal(le32_to_cpu(rsp_at(72)->next_command), 80);
	assert_int_equal(le32_to_cpu(rsp_at(152)->next_command), 0);
	assert_int_equal(le64_to_cpu(rsp_at(152)->message_id), 3);
}

static void test_cancel_gets_no_response(void **state)
{
	u8 buf[128];
	size_t len = put_req(buf, 0, SMB2_CANCEL, 4, 4, 9);

	(void)state;
	negotiate21();
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(mt->writes, 0);
}

static void test_malformed_chains_drop(void **state)
{
	u8 buf[512];
	size_t len;

	(void)state;
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);
	assert_int_equal(ksmbd_smb2_check_chain(buf, 65), -EPROTO);	/* truncated */
	buf[0] = 0xfd;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), -EPROTO);	/* transform, no session */
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);
	((struct smb2_hdr *)buf)->structure_size = cpu_to_le16(65);
	assert_int_equal(ksmbd_smb2_check_chain(buf, len), -EPROTO);
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);
	((struct smb2_hdr *)buf)->flags = SMB2_FLAGS_SERVER_TO_REDIR;	/* a response */
	assert_int_equal(ksmbd_smb2_check_chain(buf, len), -EPROTO);
	len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);
	chain(buf, 0, 68);						/* not 8-aligned */
	put_req(buf, 68, SMB2_ECHO, 4, 4, 2);
	assert_int_equal(ksmbd_smb2_check_chain(buf, 136), -EPROTO);
	chain(buf, 0, 200);						/* past the end */
	assert_int_equal(ksmbd_smb2_check_chain(buf, 136), -EPROTO);
	assert_int_equal(mt->writes, 0);
}

static void test_compound_length_limit(void **state)
{
	static u8 buf[130 * 72];
	size_t off = 0;
	int i;

	(void)state;
	for (i = 0; i < 129; i++) {
		put_req(buf, off, SMB2_ECHO, 4, 4, i);
		chain(buf, off, 72);
		off += 72;
	}
	/* 128 requests are accepted... */
	chain(buf, 127 * 72, 0);
	assert_int_equal(ksmbd_smb2_check_chain(buf, 128 * 72), 128);
	/* ...129 are not. */
	chain(buf, 127 * 72, 72);
	chain(buf, 128 * 72, 0);
	assert_int_equal(ksmbd_smb2_check_chain(buf, 129 * 72), -EPROTO);
}

static void test_smb1_negotiate(void **state)
{
	u8 buf[96] = { 0xff, 'S', 'M', 'B', SMB1_COM_NEGOTIATE };
	static const char dialects[] = "\x02NT LM 0.12\0\x02SMB 2.002\0\x02SMB 2.???";
	const struct smb2_negotiate_rsp *r;
	struct smb1_hdr *h;

	(void)state;
	/* Only SMB1 dialects: an SMB1 refusal. */
	put_unaligned_le16(13, buf + 33);
	memcpy(buf + 35, dialects, 13);
	assert_int_equal(ksmbd_smb_process(conn, buf, 48), 0);
	assert_int_equal(get_unaligned_be32(mt->out), 35);
	h = (struct smb1_hdr *)(mt->out + 4);
	assert_int_equal(h->status, STATUS_NOT_SUPPORTED);
	assert_true(h->flags & SMB1_FLAGS_REPLY);
	/* Other SMB1 commands are dropped. */
	buf[4] = 0x2b;
	assert_int_equal(ksmbd_smb_process(conn, buf, 48), -EPROTO);
	assert_int_equal(ksmbd_smb_process(conn, buf, 3), -EPROTO);

	/* "SMB 2.???" offered: the SMB2 wildcard response, then SMB2 NEGOTIATE. */
	buf[4] = SMB1_COM_NEGOTIATE;
	mt->len = 0;
	put_unaligned_le16(sizeof(dialects), buf + 33);
	memcpy(buf + 35, dialects, sizeof(dialects));
	assert_int_equal(ksmbd_smb_process(conn, buf, 35 + sizeof(dialects)), 0);
	assert_int_equal(rsp_at(0)->protocol_id, SMB2_PROTO_ID);
	r = (const void *)(mt->out + 4 + 64);
	assert_int_equal(le16_to_cpu(r->dialect), SMB2_DIALECT_WILDCARD);
	assert_int_equal(conn->dialect, SMB2_DIALECT_WILDCARD);
	/* It used MessageId 0 and granted 1: the SMB2 NEGOTIATE is MessageId 1. */
	assert_int_equal(le16_to_cpu(rsp_at(0)->credit_request), 1);
	negotiate21_mid(1);
}

/* One ECHO with MessageId @mid, CreditCharge @charge, asking @want credits. */
static int echo(u64 mid, u16 charge, u16 want)
{
	u8 buf[128];
	size_t len = put_req(buf, 0, SMB2_ECHO, 4, 4, mid);

	((struct smb2_hdr *)buf)->credit_charge = cpu_to_le16(charge);
	((struct smb2_hdr *)buf)->credit_request = cpu_to_le16(want);
	mt->len = 0;
	return ksmbd_smb_process(conn, buf, len);
}

static void test_credit_window(void **state)
{
	(void)state;
	negotiate21();				/* granted 10: ids 1..10 */
	assert_int_equal(echo(1, 1, 1), 0);
	assert_int_equal(le16_to_cpu(rsp_at(0)->credit_request), 1);
	assert_int_equal(echo(1, 1, 1), -EPROTO);	/* used twice */
	assert_int_equal(echo(0, 1, 1), -EPROTO);	/* below the window */
	assert_int_equal(echo(12, 1, 1), -EPROTO);	/* never granted */
	assert_int_equal(echo(11, 1, 1), 0);		/* out of order is fine */
	assert_int_equal(echo(2, 3, 1), 0);		/* a charge of 3 uses 2, 3 and 4 */
	assert_int_equal(echo(4, 1, 1), -EPROTO);
	assert_int_equal(echo(5, 0, 1), 0);		/* charge 0 counts as 1 */
	/* Nothing is granted beyond KSMBD_MAX_CREDITS outstanding. */
	assert_int_equal(echo(6, 1, 65535), 0);
	assert_int_equal(conn->credits.outstanding, KSMBD_MAX_CREDITS);
	assert_int_equal(echo(7, 1, 65535), 0);
	assert_int_equal(le16_to_cpu(rsp_at(0)->credit_request), 1);
}

static void test_credit_skipped_mid(void **state)
{
	struct ksmbd_credits c;
	u64 mid;

	(void)state;
	/* As smb2.credits.skipped_mid: 8192 granted, one id skipped, the rest used. */
	ksmbd_credits_init(&c);
	assert_int_equal(ksmbd_credits_consume(&c, 0, 1), 0);
	assert_int_equal(ksmbd_credits_grant(&c, 8192), 8192);
	for (mid = 2; mid <= 8192; mid++) {
		assert_int_equal(ksmbd_credits_consume(&c, mid, 1), 0);
		assert_int_equal(ksmbd_credits_grant(&c, 1), 1);
	}
	/* The skipped id still works, then the window slides past everything used. */
	assert_int_equal(ksmbd_credits_consume(&c, 1, 1), 0);
	assert_int_equal(ksmbd_credits_grant(&c, 1), 1);
	assert_int_equal(c.outstanding, 8192);
	assert_int_equal(c.seq_low, 8193);
	assert_int_equal(ksmbd_credits_consume(&c, 8193 + 8191, 1), 0);
	assert_int_equal(ksmbd_credits_consume(&c, 8193 + 8192, 1), -EPROTO);
}

static void test_credit_charge_covers_payload(void **state)
{
	u8 buf[256];
	size_t len;

	(void)state;
	negotiate21();
	/* READ of 128 KiB: a charge of 1 is too little (no session is checked first). */
	len = put_req(buf, 0, SMB2_READ, 49, 49, 1);
	put_unaligned_le32(128 * 1024, buf + 64 + 4);
	((struct smb2_hdr *)buf)->credit_charge = cpu_to_le16(1);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	mt->len = 0;
	((struct smb2_hdr *)buf)->message_id = cpu_to_le64(2);
	((struct smb2_hdr *)buf)->credit_charge = cpu_to_le16(2);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_USER_SESSION_DELETED);
}

static void test_unknown_command_is_answered(void **state)
{
	u8 buf[256];
	size_t len;

	(void)state;
	negotiate21();
	/* Inside a compound, as smb2.compound.invalid4 sends it, and alone. */
	put_req(buf, 0, SMB2_ECHO, 4, 4, 1);
	chain(buf, 0, 72);
	len = 72 + put_req(buf, 72, 0xff, 4, 4, 2);
	assert_int_equal(ksmbd_smb2_check_chain(buf, len), 2);
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_SUCCESS);
	assert_int_equal(rsp_at(72)->status, STATUS_INVALID_PARAMETER);
	mt->len = 0;
	len = put_req(buf, 0, 0x13, 0, 0, 3);
	assert_int_equal(ksmbd_smb_process(conn, buf, len + 2), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
}

static void test_related_first_request_invalid(void **state)
{
	u8 buf[128];
	size_t len = put_req(buf, 0, SMB2_ECHO, 4, 4, 1);

	(void)state;
	negotiate21();
	((struct smb2_hdr *)buf)->flags = SMB2_FLAGS_RELATED_OPERATIONS;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_negotiate_311),
		T(test_negotiate_errors),
		T(test_requests_before_negotiate_drop),
		T(test_session_checks_after_negotiate),
		T(test_bad_structure_size_is_invalid_parameter),
		T(test_compound_responses_chain_aligned),
		T(test_cancel_gets_no_response),
		T(test_malformed_chains_drop),
		T(test_compound_length_limit),
		T(test_smb1_negotiate),
		T(test_credit_window),
		T(test_credit_skipped_mid),
		T(test_credit_charge_covers_payload),
		T(test_related_first_request_invalid),
		T(test_unknown_command_is_answered),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
