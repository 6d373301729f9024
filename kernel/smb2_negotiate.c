// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 NEGOTIATE (MS-SMB2 3.3.5.4) and the SMB1 NEGOTIATE that upgrades to
 * SMB2 (3.3.5.3.1): dialect selection, negotiate contexts, the 3.1.1
 * preauthentication integrity hash.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "port.h"
#include "server.h"
#include "session.h"
#include "smb2.h"
#include "smb2_bind.h"

/* Largest READ/WRITE/transact payload offered with LARGE_MTU (MS-SMB2 3.3.5.4). */
#define KSMBD_MAX_IO_SIZE	(8 * 1024 * 1024)
#define KSMBD_SMALL_IO_SIZE	65536

/* Seconds between 1601-01-01 and 1970-01-01, as FILETIME counts them. */
#define KSMBD_FILETIME_UNIX_EPOCH	116444736000000000ULL

static const u16 ksmbd_dialects[] = {
	SMB2_DIALECT_0202, SMB2_DIALECT_0210, SMB2_DIALECT_0300,
	SMB2_DIALECT_0302, SMB2_DIALECT_0311,
};

static __le64 ksmbd_filetime(s64 unix_ns)
{
	return cpu_to_le64(unix_ns / 100 + KSMBD_FILETIME_UNIX_EPOCH);
}

/* The greatest dialect both the client and the configured range allow, or 0. */
static u16 ksmbd_pick_dialect(const u8 *offered, int count)
{
	const struct ksmbd_server_config *cfg = ksmbd_server_cfg();
	unsigned int j;
	u16 best = 0;
	int i;

	for (i = 0; i < count; i++) {
		u16 d = get_unaligned_le16(offered + 2 * i);

		for (j = 0; j < ARRAY_SIZE(ksmbd_dialects); j++)
			if (d == ksmbd_dialects[j] && d >= cfg->min_dialect &&
			    d <= cfg->max_dialect && d > best)
				best = d;
	}
	return best;
}

/* Negotiate contexts the client sent that need an answer. */
struct ksmbd_neg_ctxs {
	bool preauth, encryption, signing;
	u16 cipher;		/* chosen, 0: none in common */
	u16 signing_alg;
};

/* Signing algorithms we implement; the client's order of preference wins. */
static bool ksmbd_signing_supported(u16 alg)
{
	return alg == SMB2_SIGNING_HMAC_SHA256 || alg == SMB2_SIGNING_AES_CMAC ||
	       alg == SMB2_SIGNING_AES_GMAC;
}

/*
 * The server's preference among the client's ciphers (MS-SMB2 3.3.5.4), as
 * Windows and Samba order them by default; 0 when none is in common or
 * encryption is off.
 */
static u16 ksmbd_pick_cipher(const u8 *list, u16 count)
{
	static const u16 pref[] = {
		KSMBD_CIPHER_AES128_GCM, KSMBD_CIPHER_AES128_CCM,
		KSMBD_CIPHER_AES256_GCM, KSMBD_CIPHER_AES256_CCM,
	};
	unsigned int p;
	u16 i;

	if (ksmbd_server_cfg()->encryption == KSMBD_ENCRYPTION_OFF)
		return 0;
	for (p = 0; p < ARRAY_SIZE(pref); p++)
		for (i = 0; i < count; i++)
			if (get_unaligned_le16(list + 2 * i) == pref[p])
				return pref[p];
	return 0;
}

static __le32 ksmbd_parse_preauth(const u8 *data, u16 len)
{
	u16 count, salt_len, i;

	if (len < 4)
		return STATUS_INVALID_PARAMETER;
	count = get_unaligned_le16(data);
	salt_len = get_unaligned_le16(data + 2);
	if (!count || 4 + 2 * count + salt_len > len)
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < count; i++)
		if (get_unaligned_le16(data + 4 + 2 * i) == SMB2_PREAUTH_INTEGRITY_SHA512)
			return STATUS_SUCCESS;
	return STATUS_NO_PREAUTH_INTEGRITY_HASH_OVERLAP;
}

static __le32 ksmbd_parse_list(const u8 *data, u16 len, u16 *count)
{
	if (len < 2)
		return STATUS_INVALID_PARAMETER;
	*count = get_unaligned_le16(data);
	if (!*count || 2 + 2 * *count > len)
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

/* MS-SMB2 3.3.5.4, the 3.1.1 part: walk and check the request's contexts. */
static __le32 ksmbd_parse_neg_ctxs(struct ksmbd_work *w, const struct smb2_negotiate_req *req,
				   struct ksmbd_neg_ctxs *out)
{
	u32 off = le32_to_cpu(req->neg_ctx_offset);
	u16 n = le16_to_cpu(req->neg_ctx_count), i, count;
	__le32 status;

	if (!n || off % 8)
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < n; i++) {
		const struct smb2_neg_ctx *ctx;
		const u8 *data;
		u16 type, len, j;

		off = ALIGN(off, 8);
		if (!ksmbd_req_has(w, off, sizeof(*ctx)))
			return STATUS_INVALID_PARAMETER;
		ctx = (const struct smb2_neg_ctx *)(w->req + off);
		type = le16_to_cpu(ctx->type);
		len = le16_to_cpu(ctx->data_length);
		if (!ksmbd_req_has(w, off + sizeof(*ctx), len))
			return STATUS_INVALID_PARAMETER;
		data = ctx->data;
		off += sizeof(*ctx) + len;

		switch (type) {
		case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
			if (out->preauth)
				return STATUS_INVALID_PARAMETER;
			status = ksmbd_parse_preauth(data, len);
			if (status != STATUS_SUCCESS)
				return status;
			out->preauth = true;
			break;
		case SMB2_ENCRYPTION_CAPABILITIES:
			if (out->encryption)
				return STATUS_INVALID_PARAMETER;
			status = ksmbd_parse_list(data, len, &count);
			if (status != STATUS_SUCCESS)
				return status;
			out->encryption = true;
			out->cipher = ksmbd_pick_cipher(data + 2, count);
			break;
		case SMB2_SIGNING_CAPABILITIES:
			if (out->signing)
				return STATUS_INVALID_PARAMETER;
			status = ksmbd_parse_list(data, len, &count);
			if (status != STATUS_SUCCESS)
				return status;
			out->signing = true;
			out->signing_alg = SMB2_SIGNING_AES_CMAC;
			for (j = 0; j < count; j++) {
				u16 alg = get_unaligned_le16(data + 2 + 2 * j);

				if (ksmbd_signing_supported(alg)) {
					out->signing_alg = alg;
					break;
				}
			}
			break;
		case SMB2_COMPRESSION_CAPABILITIES:
			if (len < 8)	/* count, padding, flags: then the list */
				return STATUS_INVALID_PARAMETER;
			break;		/* not supported: no response context */
		default:
			break;		/* netname, transport, RDMA, unknown: ignored */
		}
	}
	return out->preauth ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* Append one response context at 8-aligned @off of @body; the new end offset. */
static size_t ksmbd_put_ctx(u8 *body, size_t off, u16 type, const void *data, u16 len)
{
	struct smb2_neg_ctx *ctx;

	off = ALIGN(off, 8);
	ctx = (struct smb2_neg_ctx *)(body + off);
	ctx->type = cpu_to_le16(type);
	ctx->data_length = cpu_to_le16(len);
	memcpy(ctx->data, data, len);
	return off + sizeof(*ctx) + len;
}

/* Size of the response contexts for @c (each padded to 8 but the last). */
#define KSMBD_NEG_CTX_SPACE (3 * (8 + 8) + 4 + SMB2_PREAUTH_SALT_SIZE)

static size_t ksmbd_put_neg_ctxs(u8 *body, size_t off, const struct ksmbd_neg_ctxs *c,
				 u16 *count)
{
	u8 preauth[4 + 2 + SMB2_PREAUTH_SALT_SIZE];
	u8 list[4];

	put_unaligned_le16(1, preauth);
	put_unaligned_le16(SMB2_PREAUTH_SALT_SIZE, preauth + 2);
	put_unaligned_le16(SMB2_PREAUTH_INTEGRITY_SHA512, preauth + 4);
	get_random_bytes(preauth + 6, SMB2_PREAUTH_SALT_SIZE);
	off = ksmbd_put_ctx(body, off, SMB2_PREAUTH_INTEGRITY_CAPABILITIES, preauth,
			    sizeof(preauth));
	*count = 1;
	put_unaligned_le16(1, list);
	if (c->encryption) {
		put_unaligned_le16(c->cipher, list + 2);
		off = ksmbd_put_ctx(body, off, SMB2_ENCRYPTION_CAPABILITIES, list, 4);
		(*count)++;
	}
	if (c->signing) {
		put_unaligned_le16(c->signing_alg, list + 2);
		off = ksmbd_put_ctx(body, off, SMB2_SIGNING_CAPABILITIES, list, 4);
		(*count)++;
	}
	return off;
}

/* preauth = SHA-512(preauth || message), MS-SMB2 3.3.5.4 and 3.3.5.5. */
static int ksmbd_preauth_update(u8 *hash, const void *msg, size_t len)
{
	struct kvec iov[2] = {
		{ .iov_base = hash, .iov_len = 64 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};

	return ksmbd_crypto_hash(KSMBD_HASH_SHA512, iov, 2, hash);
}

/* The SecurityMode of our NEGOTIATE responses. */
static u16 ksmbd_server_security_mode(void)
{
	return SMB2_NEGOTIATE_SIGNING_ENABLED |
	       (ksmbd_server_cfg()->signing == KSMBD_SIGNING_MANDATORY ?
		SMB2_NEGOTIATE_SIGNING_REQUIRED : 0);
}

/*
 * The Capabilities of our NEGOTIATE response for @dialect to a client that
 * sent @client_caps. 3.0 and 3.0.2 announce AES-128-CCM encryption this way
 * when the client does; 3.1.1 uses the encryption context instead.
 */
static u32 ksmbd_server_caps(u16 dialect, u32 client_caps)
{
	u32 caps = 0;

	/* Leases (oplock.h); directory leases (v2 lease contexts) for 3.x. */
	if (dialect >= SMB2_DIALECT_0210 && dialect != SMB2_DIALECT_WILDCARD)
		caps |= SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_LEASING;
	if (dialect >= SMB2_DIALECT_0300 && dialect != SMB2_DIALECT_WILDCARD)
		caps |= SMB2_GLOBAL_CAP_DIRECTORY_LEASING;
	/* Session binding (smb2_bind.c) for the 3.x family. */
	if (dialect >= SMB2_DIALECT_0300 && dialect != SMB2_DIALECT_WILDCARD &&
	    ksmbd_multichannel_enabled())
		caps |= SMB2_GLOBAL_CAP_MULTI_CHANNEL;
	/* Persistent handles on continuously available shares (durable.h). */
	if (dialect >= SMB2_DIALECT_0300 && dialect != SMB2_DIALECT_WILDCARD)
		caps |= SMB2_GLOBAL_CAP_PERSISTENT_HANDLES;
	if ((dialect == SMB2_DIALECT_0300 || dialect == SMB2_DIALECT_0302) &&
	    (client_caps & SMB2_GLOBAL_CAP_ENCRYPTION) &&
	    ksmbd_server_cfg()->encryption != KSMBD_ENCRYPTION_OFF)
		caps |= SMB2_GLOBAL_CAP_ENCRYPTION;
	return caps;
}

/* Fill the fixed part of a NEGOTIATE response for @dialect. */
static void ksmbd_fill_negotiate_rsp(struct smb2_negotiate_rsp *rsp, u16 dialect,
				     u32 client_caps)
{
	const struct ksmbd_server_config *cfg = ksmbd_server_cfg();
	u32 io = dialect == SMB2_DIALECT_0202 ? KSMBD_SMALL_IO_SIZE : KSMBD_MAX_IO_SIZE;

	rsp->structure_size = cpu_to_le16(65);
	rsp->security_mode = cpu_to_le16(ksmbd_server_security_mode());
	rsp->dialect = cpu_to_le16(dialect);
	memcpy(rsp->server_guid, cfg->server_guid, sizeof(rsp->server_guid));
	rsp->capabilities = cpu_to_le32(ksmbd_server_caps(dialect, client_caps));
	rsp->max_transact_size = cpu_to_le32(io);
	rsp->max_read_size = cpu_to_le32(io);
	rsp->max_write_size = cpu_to_le32(io);
	rsp->system_time = ksmbd_filetime(ktime_get_real());
	rsp->server_start_time = 0;	/* MS-SMB2: MUST be 0 */
	rsp->security_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) + sizeof(*rsp));
	rsp->security_buffer_length = cpu_to_le16(cfg->spnego_len);
	memcpy(rsp->buffer, cfg->spnego_token, cfg->spnego_len);
}

__le32 ksmbd_smb2_negotiate(struct ksmbd_work *w)
{
	const struct ksmbd_server_config *cfg = ksmbd_server_cfg();
	const struct smb2_negotiate_req *req = (const void *)ksmbd_req_body(w);
	struct ksmbd_conn *conn = w->conn;
	struct ksmbd_neg_ctxs ctxs = { 0 };
	struct smb2_negotiate_rsp *rsp;
	u16 dialect, count, nctx = 0;
	size_t body_len;
	__le32 status;

	mutex_lock(&conn->neg_lock);
	if (conn->dialect && conn->dialect != SMB2_DIALECT_WILDCARD) {
		/* A second NEGOTIATE: disconnect without a reply (3.3.5.4). */
		status = KSMBD_STATUS_DISCONNECT;
		goto out;
	}
	count = le16_to_cpu(req->dialect_count);
	status = STATUS_INVALID_PARAMETER;
	if (!count || !ksmbd_req_has(w, sizeof(struct smb2_hdr) + sizeof(*req), 2 * count))
		goto out;
	status = STATUS_NOT_SUPPORTED;
	dialect = ksmbd_pick_dialect((const u8 *)req + sizeof(*req), count);
	if (!dialect)
		goto out;
	if (dialect == SMB2_DIALECT_0311) {
		status = ksmbd_parse_neg_ctxs(w, req, &ctxs);
		if (status != STATUS_SUCCESS)
			goto out;
	}

	body_len = sizeof(*rsp) + cfg->spnego_len;
	if (dialect == SMB2_DIALECT_0311)
		body_len = ALIGN(body_len + sizeof(struct smb2_hdr), 8) - sizeof(struct smb2_hdr) +
			   KSMBD_NEG_CTX_SPACE;
	status = STATUS_INSUFFICIENT_RESOURCES;
	rsp = ksmbd_rsp_body(w, body_len);
	if (!rsp)
		goto out;
	ksmbd_fill_negotiate_rsp(rsp, dialect, le32_to_cpu(req->capabilities));
	if (dialect == SMB2_DIALECT_0311) {
		/* Context offsets count from the start of the SMB2 header. */
		size_t start = ALIGN(sizeof(struct smb2_hdr) + sizeof(*rsp) + cfg->spnego_len, 8);
		size_t end = ksmbd_put_neg_ctxs(w->rsp, start, &ctxs, &nctx);

		rsp->neg_ctx_offset = cpu_to_le32(start);
		rsp->neg_ctx_count = cpu_to_le16(nctx);
		w->rsp_len = end;
		memset(conn->preauth_hash, 0, sizeof(conn->preauth_hash));
		if (ksmbd_preauth_update(conn->preauth_hash, w->req, w->req_len) ||
		    ksmbd_preauth_update(conn->preauth_hash, w->rsp, w->rsp_len)) {
			status = STATUS_INSUFFICIENT_RESOURCES;
			goto out;
		}
	}

	conn->dialect = dialect;
	conn->client_security_mode = le16_to_cpu(req->security_mode);
	conn->client_caps = le32_to_cpu(req->capabilities);
	memcpy(conn->client_guid, req->client_guid, sizeof(conn->client_guid));
	conn->cipher = ctxs.cipher;
	if (le32_to_cpu(rsp->capabilities) & SMB2_GLOBAL_CAP_ENCRYPTION)
		conn->cipher = KSMBD_CIPHER_AES128_CCM;
	conn->signing_alg = dialect >= SMB2_DIALECT_0300 ? SMB2_SIGNING_AES_CMAC :
			    SMB2_SIGNING_HMAC_SHA256;
	if (ctxs.signing)
		conn->signing_alg = ctxs.signing_alg;
	pr_debug("%s: negotiated dialect 0x%04x\n", conn->t->peer, dialect);
	status = STATUS_SUCCESS;
out:
	mutex_unlock(&conn->neg_lock);
	return status;
}

/* Whether the SMB1 dialect strings in @p..@end name @want ("\x02" + NUL-terminated). */
static bool ksmbd_smb1_has_dialect(const u8 *p, const u8 *end, const char *want)
{
	size_t wlen = strlen(want) + 1;

	while (p < end && *p == 0x02) {
		const u8 *nul = memchr(p + 1, 0, end - p - 1);

		if (!nul)
			return false;
		if ((size_t)(nul + 1 - (p + 1)) == wlen && !memcmp(p + 1, want, wlen))
			return true;
		p = nul + 1;
	}
	return false;
}

int ksmbd_smb1_negotiate(struct ksmbd_conn *conn, const u8 *buf, size_t len)
{
	const struct ksmbd_server_config *cfg = ksmbd_server_cfg();
	size_t hdr = sizeof(struct smb1_hdr), rsp_len;
	const u8 *dialects;
	struct smb2_hdr *h;
	struct kvec iov;
	u16 bytes, dialect;
	u8 *out;
	int ret;

	/* WordCount (0), ByteCount, then the dialect strings. */
	if (len < hdr + 3 || buf[hdr] != 0)
		return 0;
	bytes = get_unaligned_le16(buf + hdr + 1);
	if (hdr + 3 + bytes > len)
		return 0;
	dialects = buf + hdr + 3;
	if (cfg->max_dialect >= SMB2_DIALECT_0210 &&
	    ksmbd_smb1_has_dialect(dialects, dialects + bytes, "SMB 2.???"))
		dialect = SMB2_DIALECT_WILDCARD;
	else if (cfg->min_dialect == SMB2_DIALECT_0202 &&
		 ksmbd_smb1_has_dialect(dialects, dialects + bytes, "SMB 2.002"))
		dialect = SMB2_DIALECT_0202;
	else
		return 0;

	mutex_lock(&conn->neg_lock);
	if (conn->dialect) {
		mutex_unlock(&conn->neg_lock);
		return -EPROTO;
	}
	conn->dialect = dialect;
	conn->signing_alg = SMB2_SIGNING_HMAC_SHA256;
	/* The answer is MessageId 0 and grants one credit (MS-SMB2 3.3.5.3.1). */
	ksmbd_credits_consume(&conn->credits, 0, 1);
	ksmbd_credits_grant(&conn->credits, 1);
	mutex_unlock(&conn->neg_lock);

	rsp_len = sizeof(*h) + sizeof(struct smb2_negotiate_rsp) + cfg->spnego_len;
	out = kzalloc(rsp_len, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	h = (struct smb2_hdr *)out;
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(SMB2_HEADER_STRUCTURE_SIZE);
	h->command = cpu_to_le16(SMB2_NEGOTIATE);
	h->credit_request = cpu_to_le16(1);
	h->flags = SMB2_FLAGS_SERVER_TO_REDIR;
	ksmbd_fill_negotiate_rsp((struct smb2_negotiate_rsp *)(h + 1), dialect, 0);
	iov.iov_base = out;
	iov.iov_len = rsp_len;
	ret = ksmbd_conn_write(conn, &iov, 1);
	kfree(out);
	return ret ? ret : 1;
}

/*
 * MS-SMB2 3.3.5.15.12: FSCTL_VALIDATE_NEGOTIATE_INFO. The client repeats what
 * it sent in NEGOTIATE; anything that differs from what this connection
 * negotiated means the NEGOTIATE was tampered with, and the connection is
 * dropped. The answer repeats what we sent, and is always signed.
 */
__le32 ksmbd_validate_negotiate(struct ksmbd_work *w, const struct smb2_ioctl *req)
{
	u32 in_off = le32_to_cpu(req->input_offset), in_len = le32_to_cpu(req->input_count);
	const struct validate_negotiate_info_req *in;
	struct validate_negotiate_info_rsp *out;
	struct ksmbd_conn *conn = w->conn;
	u16 count, dialect;

	if (conn->dialect == SMB2_DIALECT_0311)
		return KSMBD_STATUS_DISCONNECT;	/* 3.1.1 has preauth integrity instead */
	if (in_len < sizeof(*in) || !ksmbd_req_has(w, in_off, in_len))
		return STATUS_INVALID_PARAMETER;
	in = (const void *)(w->req + in_off);
	count = le16_to_cpu(in->dialect_count);
	if (in_len < sizeof(*in) + 2 * (size_t)count)
		return STATUS_INVALID_PARAMETER;
	if (le32_to_cpu(req->max_output_response) < sizeof(*out))
		return STATUS_INVALID_PARAMETER;
	dialect = count ? ksmbd_pick_dialect((const u8 *)in->dialects, count) : 0;
	if (le32_to_cpu(in->capabilities) != conn->client_caps ||
	    memcmp(in->guid, conn->client_guid, sizeof(in->guid)) ||
	    le16_to_cpu(in->security_mode) != conn->client_security_mode ||
	    dialect != conn->dialect) {
		pr_warn("%s: VALIDATE_NEGOTIATE_INFO does not match the negotiation\n",
			conn->t->peer);
		return KSMBD_STATUS_DISCONNECT;
	}

	out = ksmbd_ioctl_rsp(w, req, sizeof(*out));
	if (!out)
		return STATUS_INSUFFICIENT_RESOURCES;
	out->capabilities = cpu_to_le32(ksmbd_server_caps(conn->dialect, conn->client_caps));
	memcpy(out->guid, ksmbd_server_cfg()->server_guid, sizeof(out->guid));
	out->security_mode = cpu_to_le16(ksmbd_server_security_mode());
	out->dialect = cpu_to_le16(conn->dialect);
	/* 3.3.4.1.1: signed whatever the session's signing state. */
	if (w->sess && !w->sess->guest && !w->sess->anonymous && !w->transform_sess_id)
		w->sign = true;
	return STATUS_SUCCESS;
}
