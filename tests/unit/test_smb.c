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
#include "smb.h"
#include "smb_wire.h"
#include "../lib/mem_transport.h"

static struct ksmbd_conn *conn;
static struct mem_transport *mt;

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

/* The response at @off of the transport output (after the 4-byte frame header). */
static const struct smb2_hdr *rsp_at(size_t off)
{
	return (const struct smb2_hdr *)(mt->out + 4 + off);
}

static void test_negotiate_not_supported(void **state)
{
	u8 buf[256];
	size_t len = put_req(buf, 0, SMB2_NEGOTIATE, 36, 36, 0);
	const struct smb2_hdr *r;

	(void)state;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(mt->writes, 1);
	assert_int_equal(get_unaligned_be32(mt->out), 73);	/* 64 + 9 */
	r = rsp_at(0);
	assert_int_equal(r->protocol_id, SMB2_PROTO_ID);
	assert_int_equal(r->status, STATUS_NOT_SUPPORTED);
	assert_true(r->flags & SMB2_FLAGS_SERVER_TO_REDIR);
	assert_int_equal(le16_to_cpu(r->credit_request), 1);
	assert_int_equal(get_unaligned_le16(mt->out + 4 + 64), 9);
}

static void test_bad_structure_size_is_invalid_parameter(void **state)
{
	u8 buf[256];
	size_t len = put_req(buf, 0, SMB2_ECHO, 5, 4, 3);

	(void)state;
	assert_int_equal(ksmbd_smb_process(conn, buf, len), 0);
	assert_int_equal(rsp_at(0)->status, STATUS_INVALID_PARAMETER);
	assert_int_equal(le64_to_cpu(rsp_at(0)->message_id), 3);
}

static void test_compound_responses_chain_aligned(void **state)
{
	u8 buf[512];
	size_t off = 0, a, b;

	(void)state;
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
	/* 73-byte responses padded to 80, the last one not padded. */
	assert_int_equal(get_unaligned_be32(mt->out), 80 + 80 + 73);
	assert_int_equal(le32_to_cpu(rsp_at(0)->next_command), 80);
	assert_int_equal(le64_to_cpu(rsp_at(80)->message_id), 2);
	assert_int_equal(le32_to_cpu(rsp_at(160)->next_command), 0);
	assert_int_equal(le64_to_cpu(rsp_at(160)->message_id), 3);
}

static void test_cancel_gets_no_response(void **state)
{
	u8 buf[128];
	size_t len = put_req(buf, 0, SMB2_CANCEL, 4, 4, 9);

	(void)state;
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
	len = put_req(buf, 0, 0x13, 4, 4, 1);				/* no such command */
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

static void test_smb1_negotiate_refused(void **state)
{
	u8 buf[64] = { 0xff, 'S', 'M', 'B', SMB1_COM_NEGOTIATE };
	struct smb1_hdr *r;

	(void)state;
	assert_int_equal(ksmbd_smb_process(conn, buf, 40), 0);
	assert_int_equal(get_unaligned_be32(mt->out), 35);
	r = (struct smb1_hdr *)(mt->out + 4);
	assert_int_equal(r->status, STATUS_NOT_SUPPORTED);
	assert_true(r->flags & SMB1_FLAGS_REPLY);
	buf[4] = 0x2b;	/* SMB1 ECHO: dropped */
	assert_int_equal(ksmbd_smb_process(conn, buf, 40), -EPROTO);
	assert_int_equal(ksmbd_smb_process(conn, buf, 3), -EPROTO);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_negotiate_not_supported),
		T(test_bad_structure_size_is_invalid_parameter),
		T(test_compound_responses_chain_aligned),
		T(test_cancel_gets_no_response),
		T(test_malformed_chains_drop),
		T(test_compound_length_limit),
		T(test_smb1_negotiate_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
