// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DCE/RPC connection-oriented PDUs and the server side of an association. See dcerpc.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc.h"

const struct dcerpc_syntax dcerpc_ndr20_syntax = {
	.uuid = { 0x8a885d04, 0x1ceb, 0x11c9, { 0x9f, 0xe8 },
		  { 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } },
	.version = 2,
};

const struct dcerpc_syntax dcerpc_ndr64_syntax = {
	.uuid = { 0x71710533, 0xbeba, 0x4937, { 0x83, 0x19 },
		  { 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } },
	.version = 1,
};

bool dcerpc_syntax_is_btfn(const struct dcerpc_syntax *s, uint16_t *bitmask)
{
	if (s->uuid.time_low != 0x6cb71c2c || s->uuid.time_mid != 0x9812 ||
	    s->uuid.time_hi_and_version != 0x4540 || s->version != DCERPC_VERSION(1, 0))
		return false;
	/* The bitmask octets follow the prefix, in wire order: clock_seq then node. */
	if (bitmask)
		*bitmask = (uint16_t)(s->uuid.clock_seq[0] | s->uuid.clock_seq[1] << 8);
	return true;
}

static bool syntax_equal(const struct dcerpc_syntax *a, const struct dcerpc_syntax *b)
{
	return a->version == b->version && ndr_guid_equal(&a->uuid, &b->uuid);
}

/* ---- parsing ----------------------------------------------------------------------------- */

ssize_t dcerpc_pdu_length(const uint8_t *buf, size_t len)
{
	uint16_t frag;

	if (len < 10)
		return 0;
	if ((buf[4] & 0xf0) != DCERPC_DREP_LE)
		return -EBADMSG;
	frag = (uint16_t)(buf[8] | buf[9] << 8);
	if (frag < DCERPC_HDR_LEN)
		return -EBADMSG;
	return frag;
}

static int pull_syntax(struct ndr_pull *ndr, struct dcerpc_syntax *s)
{
	ndr_pull_guid(ndr, &s->uuid);
	return ndr_pull_u32(ndr, &s->version);
}

static int pull_hdr(struct ndr_pull *ndr, struct dcerpc_hdr *h)
{
	ndr_pull_u8(ndr, &h->rpc_vers);
	ndr_pull_u8(ndr, &h->rpc_vers_minor);
	ndr_pull_u8(ndr, &h->ptype);
	ndr_pull_u8(ndr, &h->pfc_flags);
	ndr_pull_bytes(ndr, h->drep, 4);
	ndr_pull_u16(ndr, &h->frag_length);
	ndr_pull_u16(ndr, &h->auth_length);
	return ndr_pull_u32(ndr, &h->call_id);
}

static int parse_bind(struct ndr_pull *ndr, struct dcerpc_bind *b)
{
	uint8_t res;
	uint16_t res2;
	size_t i, j;

	ndr_pull_u16(ndr, &b->max_xmit_frag);
	ndr_pull_u16(ndr, &b->max_recv_frag);
	ndr_pull_u32(ndr, &b->assoc_group_id);
	ndr_pull_u8(ndr, &b->n_ctx);
	ndr_pull_u8(ndr, &res);
	if (ndr_pull_u16(ndr, &res2))
		return ndr->err;
	/* each element takes at least 24 bytes: check before allocating */
	if ((size_t)b->n_ctx * 24 > ndr_pull_remaining(ndr))
		return -EBADMSG;
	b->ctx = ndr_pull_alloc(ndr, b->n_ctx * sizeof(*b->ctx));
	if (!b->ctx)
		return ndr->err;
	for (i = 0; i < b->n_ctx; i++) {
		struct dcerpc_ctx *c = &b->ctx[i];

		ndr_pull_u16(ndr, &c->ctx_id);
		ndr_pull_u8(ndr, &c->n_transfer);
		ndr_pull_u8(ndr, &res);
		if (pull_syntax(ndr, &c->abstract))
			return ndr->err;
		if ((size_t)c->n_transfer * 20 > ndr_pull_remaining(ndr))
			return -EBADMSG;
		c->transfer = ndr_pull_alloc(ndr, c->n_transfer * sizeof(*c->transfer));
		if (!c->transfer)
			return ndr->err;
		for (j = 0; j < c->n_transfer; j++)
			pull_syntax(ndr, &c->transfer[j]);
	}
	return ndr->err;
}

static int parse_bind_ack(struct ndr_pull *ndr, struct dcerpc_bind_ack *a)
{
	uint16_t slen, res2;
	uint8_t res;
	char *sec;
	size_t i;

	ndr_pull_u16(ndr, &a->max_xmit_frag);
	ndr_pull_u16(ndr, &a->max_recv_frag);
	ndr_pull_u32(ndr, &a->assoc_group_id);
	if (ndr_pull_u16(ndr, &slen))
		return ndr->err;
	sec = ndr_pull_alloc(ndr, (size_t)slen + 1);
	if (!sec || ndr_pull_bytes(ndr, sec, slen))
		return ndr->err;
	a->sec_addr = sec;
	ndr_pull_align(ndr, 4);
	ndr_pull_u8(ndr, &a->n_results);
	ndr_pull_u8(ndr, &res);
	if (ndr_pull_u16(ndr, &res2))
		return ndr->err;
	if ((size_t)a->n_results * 24 > ndr_pull_remaining(ndr))
		return -EBADMSG;
	a->results = ndr_pull_alloc(ndr, a->n_results * sizeof(*a->results));
	if (!a->results)
		return ndr->err;
	for (i = 0; i < a->n_results; i++) {
		ndr_pull_u16(ndr, &a->results[i].result);
		ndr_pull_u16(ndr, &a->results[i].reason);
		pull_syntax(ndr, &a->results[i].transfer);
	}
	return ndr->err;
}

static int parse_body(struct ndr_pull *ndr, struct dcerpc_pdu *pdu, size_t stub_end)
{
	struct dcerpc_request *rq = &pdu->u.request;
	struct dcerpc_response *rs = &pdu->u.response;
	struct dcerpc_fault *f = &pdu->u.fault;
	struct dcerpc_bind_nak *nak = &pdu->u.bind_nak;
	uint8_t res;

	switch (pdu->hdr.ptype) {
	case DCERPC_PT_BIND:
	case DCERPC_PT_ALTER_CONTEXT:
		return parse_bind(ndr, &pdu->u.bind);
	case DCERPC_PT_BIND_ACK:
	case DCERPC_PT_ALTER_CONTEXT_RESP:
		return parse_bind_ack(ndr, &pdu->u.bind_ack);
	case DCERPC_PT_BIND_NAK:
		if (ndr_pull_u16(ndr, &nak->reason) || !ndr_pull_remaining(ndr))
			return ndr->err;
		if (ndr_pull_u8(ndr, &nak->n_versions))
			return ndr->err;
		nak->versions = ndr->data + ndr->off;
		return ndr_pull_skip(ndr, (size_t)nak->n_versions * 2);
	case DCERPC_PT_REQUEST:
		ndr_pull_u32(ndr, &rq->alloc_hint);
		ndr_pull_u16(ndr, &rq->ctx_id);
		ndr_pull_u16(ndr, &rq->opnum);
		rq->has_object = pdu->hdr.pfc_flags & DCERPC_PFC_OBJECT_UUID;
		if (rq->has_object)
			ndr_pull_guid(ndr, &rq->object);
		if (ndr->err || ndr->off > stub_end)
			return -EBADMSG;
		rq->stub = ndr->data + ndr->off;
		rq->stub_len = stub_end - ndr->off;
		return 0;
	case DCERPC_PT_RESPONSE:
		ndr_pull_u32(ndr, &rs->alloc_hint);
		ndr_pull_u16(ndr, &rs->ctx_id);
		ndr_pull_u8(ndr, &rs->cancel_count);
		if (ndr_pull_u8(ndr, &res) || ndr->off > stub_end)
			return -EBADMSG;
		rs->stub = ndr->data + ndr->off;
		rs->stub_len = stub_end - ndr->off;
		return 0;
	case DCERPC_PT_FAULT:
		ndr_pull_u32(ndr, &f->alloc_hint);
		ndr_pull_u16(ndr, &f->ctx_id);
		ndr_pull_u8(ndr, &f->cancel_count);
		ndr_pull_u8(ndr, &f->flags);
		return ndr_pull_u32(ndr, &f->status);
	default:
		return 0;
	}
}

int dcerpc_pdu_parse(const uint8_t *buf, size_t len, struct dcerpc_pdu *pdu)
{
	struct ndr_pull *ndr = &pdu->mem;
	size_t body_end, stub_end;
	int ret;

	memset(pdu, 0, sizeof(*pdu));
	ndr_pull_init(ndr, buf, len);
	if (pull_hdr(ndr, &pdu->hdr))
		return -EBADMSG;
	if (pdu->hdr.rpc_vers != 5)
		return -EPROTONOSUPPORT;
	if ((pdu->hdr.drep[0] & 0xf0) != DCERPC_DREP_LE || pdu->hdr.frag_length != len)
		return -EBADMSG;
	body_end = stub_end = len;
	if (pdu->hdr.auth_length) {
		uint8_t pad;

		/* sec_trailer (8 bytes) and auth_value close the PDU */
		if ((size_t)pdu->hdr.auth_length + 8 > len - DCERPC_HDR_LEN)
			return -EBADMSG;
		body_end = len - pdu->hdr.auth_length - 8;
		pdu->auth = buf + body_end;
		pdu->auth_len = (size_t)pdu->hdr.auth_length + 8;
		pad = buf[body_end + 2];
		if (pad > body_end - DCERPC_HDR_LEN)
			return -EBADMSG;
		stub_end = body_end - pad;
	}
	ndr->len = body_end;
	ret = parse_body(ndr, pdu, stub_end);
	if (ret)
		return ret == -ENOMEM ? ret : -EBADMSG;
	return 0;
}

void dcerpc_pdu_free(struct dcerpc_pdu *pdu)
{
	ndr_pull_free(&pdu->mem);
}

/* ---- building ---------------------------------------------------------------------------- */

static int push_syntax(struct ndr_push *ndr, const struct dcerpc_syntax *s)
{
	ndr_push_guid(ndr, &s->uuid);
	return ndr_push_u32(ndr, s->version);
}

static int build_bind(struct ndr_push *ndr, const struct dcerpc_bind *b)
{
	size_t i, j;

	ndr_push_u16(ndr, b->max_xmit_frag);
	ndr_push_u16(ndr, b->max_recv_frag);
	ndr_push_u32(ndr, b->assoc_group_id);
	ndr_push_u8(ndr, b->n_ctx);
	ndr_push_u8(ndr, 0);
	ndr_push_u16(ndr, 0);
	for (i = 0; i < b->n_ctx; i++) {
		ndr_push_u16(ndr, b->ctx[i].ctx_id);
		ndr_push_u8(ndr, b->ctx[i].n_transfer);
		ndr_push_u8(ndr, 0);
		push_syntax(ndr, &b->ctx[i].abstract);
		for (j = 0; j < b->ctx[i].n_transfer; j++)
			push_syntax(ndr, &b->ctx[i].transfer[j]);
	}
	return ndr_push_error(ndr);
}

static int build_bind_ack(struct ndr_push *ndr, const struct dcerpc_bind_ack *a)
{
	size_t slen = a->sec_addr && *a->sec_addr ? strlen(a->sec_addr) + 1 : 0;
	size_t i;

	if (slen > UINT16_MAX)
		return -EMSGSIZE;
	ndr_push_u16(ndr, a->max_xmit_frag);
	ndr_push_u16(ndr, a->max_recv_frag);
	ndr_push_u32(ndr, a->assoc_group_id);
	ndr_push_u16(ndr, (uint16_t)slen);
	ndr_push_bytes(ndr, a->sec_addr, slen);
	ndr_push_align(ndr, 4);
	ndr_push_u8(ndr, a->n_results);
	ndr_push_u8(ndr, 0);
	ndr_push_u16(ndr, 0);
	for (i = 0; i < a->n_results; i++) {
		ndr_push_u16(ndr, a->results[i].result);
		ndr_push_u16(ndr, a->results[i].reason);
		push_syntax(ndr, &a->results[i].transfer);
	}
	return ndr_push_error(ndr);
}

static int build_body(struct ndr_push *ndr, const struct dcerpc_pdu *pdu)
{
	const struct dcerpc_request *rq = &pdu->u.request;
	const struct dcerpc_response *rs = &pdu->u.response;
	const struct dcerpc_fault *f = &pdu->u.fault;

	switch (pdu->hdr.ptype) {
	case DCERPC_PT_BIND:
	case DCERPC_PT_ALTER_CONTEXT:
		return build_bind(ndr, &pdu->u.bind);
	case DCERPC_PT_BIND_ACK:
	case DCERPC_PT_ALTER_CONTEXT_RESP:
		return build_bind_ack(ndr, &pdu->u.bind_ack);
	case DCERPC_PT_BIND_NAK:
		ndr_push_u16(ndr, pdu->u.bind_nak.reason);
		ndr_push_u8(ndr, pdu->u.bind_nak.n_versions);
		ndr_push_bytes(ndr, pdu->u.bind_nak.versions, (size_t)pdu->u.bind_nak.n_versions * 2);
		return ndr_push_align(ndr, 4);
	case DCERPC_PT_REQUEST:
		ndr_push_u32(ndr, rq->alloc_hint);
		ndr_push_u16(ndr, rq->ctx_id);
		ndr_push_u16(ndr, rq->opnum);
		if (rq->has_object)
			ndr_push_guid(ndr, &rq->object);
		return ndr_push_bytes(ndr, rq->stub, rq->stub_len);
	case DCERPC_PT_RESPONSE:
		ndr_push_u32(ndr, rs->alloc_hint);
		ndr_push_u16(ndr, rs->ctx_id);
		ndr_push_u8(ndr, rs->cancel_count);
		ndr_push_u8(ndr, 0);
		return ndr_push_bytes(ndr, rs->stub, rs->stub_len);
	case DCERPC_PT_FAULT:
		ndr_push_u32(ndr, f->alloc_hint);
		ndr_push_u16(ndr, f->ctx_id);
		ndr_push_u8(ndr, f->cancel_count);
		ndr_push_u8(ndr, f->flags);
		ndr_push_u32(ndr, f->status);
		return ndr_push_u32(ndr, 0);
	default:
		return 0;
	}
}

int dcerpc_pdu_build(const struct dcerpc_pdu *pdu, struct ndr_push *out)
{
	static const uint8_t drep[4] = { DCERPC_DREP_LE, 0, 0, 0 };
	struct ndr_push p;
	uint8_t flags = pdu->hdr.pfc_flags;
	int ret;

	if (pdu->hdr.ptype == DCERPC_PT_REQUEST && pdu->u.request.has_object)
		flags |= DCERPC_PFC_OBJECT_UUID;
	/* built apart so that alignment is relative to the start of this PDU */
	ndr_push_init(&p);
	ndr_push_u8(&p, 5);
	ndr_push_u8(&p, pdu->hdr.rpc_vers_minor);
	ndr_push_u8(&p, pdu->hdr.ptype);
	ndr_push_u8(&p, flags);
	ndr_push_bytes(&p, drep, 4);
	ndr_push_u16(&p, 0);		/* frag_length, set below */
	ndr_push_u16(&p, 0);		/* auth_length */
	ndr_push_u32(&p, pdu->hdr.call_id);
	ret = build_body(&p, pdu);
	if (!ret && p.len > UINT16_MAX)
		ret = -EMSGSIZE;
	if (!ret)
		ret = ndr_push_u16_at(&p, 8, (uint16_t)p.len);
	if (!ret)
		ret = ndr_push_bytes(out, p.data, p.len);
	ndr_push_free(&p);
	return ret;
}

/* ---- the server association ---------------------------------------------------------------- */

struct dcerpc_out {
	struct dcerpc_out *next;
	size_t len;
	uint8_t data[];
};

struct dcerpc_call {			/* the request being reassembled */
	bool active;
	bool maybe;
	uint32_t call_id;
	uint16_t ctx_id, opnum;
	uint32_t fault;			/* answer with this fault at the last fragment */
	uint8_t *buf;
	size_t len, cap;
};

struct dcerpc_conn {
	const struct dcerpc_iface *const *ifaces;
	size_t n_ifaces;
	char *sec_addr;
	void *priv;
	bool bound, dead;
	uint8_t minor;			/* rpc_vers_minor of our PDUs */
	uint8_t features;		/* negotiated BindTimeFeatureNegotiationBitmask */
	uint16_t max_xmit, max_recv;	/* largest fragment we send / accept */
	uint32_t assoc_group_id;
	struct {
		uint16_t id;
		const struct dcerpc_iface *iface;
	} ctx[DCERPC_MAX_CONTEXTS];
	size_t n_ctx;
	struct dcerpc_call call;
	struct dcerpc_out *out_head, **out_tail;
	size_t out_bytes;
};

/* Features this server implements: keeping the connection after an orphaned PDU. */
#define SUPPORTED_FEATURES DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN

static uint32_t next_assoc_group = 0x5ac0;

struct dcerpc_conn *dcerpc_conn_new(const struct dcerpc_iface *const *ifaces, size_t n,
				    const char *sec_addr, void *priv)
{
	struct dcerpc_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sec_addr = strdup(sec_addr ? sec_addr : "");
	if (!c->sec_addr) {
		free(c);
		return NULL;
	}
	c->ifaces = ifaces;
	c->n_ifaces = n;
	c->priv = priv;
	c->max_xmit = c->max_recv = DCERPC_MAX_FRAG;
	c->out_tail = &c->out_head;
	return c;
}

static void call_reset(struct dcerpc_call *call)
{
	free(call->buf);
	memset(call, 0, sizeof(*call));
}

void dcerpc_conn_free(struct dcerpc_conn *c)
{
	if (!c)
		return;
	while (c->out_head)
		dcerpc_conn_output_pop(c);
	call_reset(&c->call);
	free(c->sec_addr);
	free(c);
}

const uint8_t *dcerpc_conn_output(const struct dcerpc_conn *c, size_t *len)
{
	if (!c->out_head) {
		*len = 0;
		return NULL;
	}
	*len = c->out_head->len;
	return c->out_head->data;
}

void dcerpc_conn_output_pop(struct dcerpc_conn *c)
{
	struct dcerpc_out *o = c->out_head;

	if (!o)
		return;
	c->out_head = o->next;
	if (!c->out_head)
		c->out_tail = &c->out_head;
	c->out_bytes -= o->len;
	free(o);
}

size_t dcerpc_conn_output_bytes(const struct dcerpc_conn *c)
{
	return c->out_bytes;
}

uint16_t dcerpc_conn_max_recv_frag(const struct dcerpc_conn *c)
{
	return c->max_recv;
}

bool dcerpc_conn_dead(const struct dcerpc_conn *c)
{
	return c->dead;
}

static int queue_pdu(struct dcerpc_conn *c, struct dcerpc_pdu *pdu, uint32_t call_id)
{
	struct ndr_push p;
	struct dcerpc_out *o;
	int ret;

	pdu->hdr.rpc_vers = 5;
	pdu->hdr.rpc_vers_minor = c->minor;
	pdu->hdr.call_id = call_id;
	ndr_push_init(&p);
	ret = dcerpc_pdu_build(pdu, &p);
	if (ret)
		goto out;
	o = malloc(sizeof(*o) + p.len);
	if (!o) {
		ret = -ENOMEM;
		goto out;
	}
	o->next = NULL;
	o->len = p.len;
	memcpy(o->data, p.data, p.len);
	*c->out_tail = o;
	c->out_tail = &o->next;
	c->out_bytes += o->len;
out:
	ndr_push_free(&p);
	return ret;
}

static int queue_fault(struct dcerpc_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status)
{
	struct dcerpc_pdu pdu = { .hdr.ptype = DCERPC_PT_FAULT };

	pdu.hdr.pfc_flags = DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG |
			    DCERPC_PFC_DID_NOT_EXECUTE;
	pdu.u.fault.alloc_hint = DCERPC_FAULT_LEN;
	pdu.u.fault.ctx_id = ctx_id;
	pdu.u.fault.status = status;
	return queue_pdu(c, &pdu, call_id);
}

static int queue_bind_nak(struct dcerpc_conn *c, uint32_t call_id, uint16_t reason)
{
	static const uint8_t versions[2] = { 5, 0 };
	struct dcerpc_pdu pdu = { .hdr.ptype = DCERPC_PT_BIND_NAK };

	pdu.hdr.pfc_flags = DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG;
	pdu.u.bind_nak.reason = reason;
	pdu.u.bind_nak.n_versions = 1;
	pdu.u.bind_nak.versions = versions;
	return queue_pdu(c, &pdu, call_id);
}

static const struct dcerpc_iface *find_iface(const struct dcerpc_conn *c,
					     const struct dcerpc_syntax *abstract)
{
	size_t i;

	for (i = 0; i < c->n_ifaces; i++) {
		const struct dcerpc_syntax *s = &c->ifaces[i]->syntax;

		/* same UUID and major version; the client's minor may not be newer */
		if (ndr_guid_equal(&s->uuid, &abstract->uuid) &&
		    (s->version & 0xffff) == (abstract->version & 0xffff) &&
		    (abstract->version >> 16) <= (s->version >> 16))
			return c->ifaces[i];
	}
	return NULL;
}

static bool offers_ndr20(const struct dcerpc_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n_transfer; i++)
		if (syntax_equal(&ctx->transfer[i], &dcerpc_ndr20_syntax))
			return true;
	return false;
}

/* Decide one presentation context; *btfn_done: a feature negotiation was answered already. */
static void decide_context(struct dcerpc_conn *c, const struct dcerpc_ctx *ctx,
			   struct dcerpc_result *r, bool *btfn_done)
{
	const struct dcerpc_iface *iface;
	uint16_t bits;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->result = DCERPC_RESULT_PROVIDER_REJECTION;
	if (btfn_done && !*btfn_done && ctx->n_transfer == 1 &&
	    dcerpc_syntax_is_btfn(&ctx->transfer[0], &bits)) {
		*btfn_done = true;
		c->features = (uint8_t)(bits & SUPPORTED_FEATURES);
		r->result = DCERPC_RESULT_NEGOTIATE_ACK;
		r->reason = c->features;
		return;
	}
	iface = find_iface(c, &ctx->abstract);
	if (!iface) {
		r->reason = DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;
		return;
	}
	if (!offers_ndr20(ctx)) {
		r->reason = DCERPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
		return;
	}
	for (i = 0; i < c->n_ctx && c->ctx[i].id != ctx->ctx_id; i++)
		;
	if (i < c->n_ctx && c->ctx[i].iface != iface) {
		r->reason = DCERPC_REASON_NOT_SPECIFIED;	/* the id is taken */
		return;
	}
	if (i == c->n_ctx) {
		if (c->n_ctx == DCERPC_MAX_CONTEXTS) {
			r->reason = DCERPC_REASON_LOCAL_LIMIT_EXCEEDED;
			return;
		}
		c->ctx[c->n_ctx].id = ctx->ctx_id;
		c->ctx[c->n_ctx].iface = iface;
		c->n_ctx++;
	}
	r->result = DCERPC_RESULT_ACCEPTANCE;
	r->transfer = dcerpc_ndr20_syntax;
}

static uint16_t clamp_frag(uint16_t v)
{
	if (v > DCERPC_MAX_FRAG)
		return DCERPC_MAX_FRAG;
	return v < DCERPC_MIN_FRAG ? DCERPC_MIN_FRAG : v;
}

/* bind (is_bind) or alter_context: answer every context. */
static int handle_bind(struct dcerpc_conn *c, const struct dcerpc_pdu *in, bool is_bind)
{
	const struct dcerpc_bind *b = &in->u.bind;
	struct dcerpc_pdu out = { .hdr.ptype = DCERPC_PT_BIND_ACK };
	struct dcerpc_result results[256];
	bool btfn_done = false;
	size_t i;

	if (is_bind) {
		if (in->hdr.auth_length)
			return queue_bind_nak(c, in->hdr.call_id,
					      DCERPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED);
		if (c->bound || !b->n_ctx)
			return queue_bind_nak(c, in->hdr.call_id, DCERPC_NAK_REASON_NOT_SPECIFIED);
		c->max_xmit = clamp_frag(b->max_recv_frag);
		c->max_recv = clamp_frag(b->max_xmit_frag);
		c->assoc_group_id = b->assoc_group_id ? b->assoc_group_id :
				    __atomic_add_fetch(&next_assoc_group, 1, __ATOMIC_RELAXED);
		out.u.bind_ack.sec_addr = c->sec_addr;
		c->bound = true;
	} else {
		if (in->hdr.auth_length)
			return queue_fault(c, in->hdr.call_id, 0, DCERPC_NCA_S_PROTO_ERROR);
		out.hdr.ptype = DCERPC_PT_ALTER_CONTEXT_RESP;
	}
	for (i = 0; i < b->n_ctx; i++)
		decide_context(c, &b->ctx[i], &results[i], is_bind ? &btfn_done : NULL);
	out.hdr.pfc_flags = DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG;
	out.u.bind_ack.max_xmit_frag = c->max_xmit;
	out.u.bind_ack.max_recv_frag = c->max_recv;
	out.u.bind_ack.assoc_group_id = c->assoc_group_id;
	out.u.bind_ack.n_results = b->n_ctx;
	out.u.bind_ack.results = results;
	return queue_pdu(c, &out, in->hdr.call_id);
}

/* Queue the response stub in fragments of at most max_xmit bytes. */
static int queue_response(struct dcerpc_conn *c, const struct dcerpc_call *call,
			  const uint8_t *stub, size_t len)
{
	size_t max = (size_t)(c->max_xmit - DCERPC_RESPONSE_LEN) & ~(size_t)7;
	size_t off = 0;
	int ret;

	do {
		struct dcerpc_pdu pdu = { .hdr.ptype = DCERPC_PT_RESPONSE };
		size_t n = len - off < max ? len - off : max;

		pdu.hdr.pfc_flags = (off == 0 ? DCERPC_PFC_FIRST_FRAG : 0) |
				    (off + n == len ? DCERPC_PFC_LAST_FRAG : 0);
		pdu.u.response.alloc_hint = (uint32_t)(len - off);
		pdu.u.response.ctx_id = call->ctx_id;
		pdu.u.response.stub = stub + off;
		pdu.u.response.stub_len = n;
		ret = queue_pdu(c, &pdu, call->call_id);
		off += n;
	} while (!ret && off < len);
	return ret;
}

/* The last fragment is in: run the call and queue its answer. */
static int finish_call(struct dcerpc_conn *c)
{
	struct dcerpc_call *call = &c->call;
	const struct dcerpc_iface *iface = NULL;
	uint32_t status = call->fault;
	struct ndr_pull in;
	struct ndr_push out;
	size_t i;
	int ret = 0;

	ndr_push_init(&out);
	for (i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].id == call->ctx_id)
			iface = c->ctx[i].iface;
	if (!status && !iface)
		status = DCERPC_NCA_S_UNK_IF;
	if (!status) {
		ndr_pull_init(&in, call->buf, call->len);
		status = iface->call(c->priv, call->opnum, &in, &out);
		ndr_pull_free(&in);
		if (!status && ndr_push_error(&out))
			status = DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
	}
	if (!call->maybe) {
		if (status)
			ret = queue_fault(c, call->call_id, call->ctx_id, status);
		else
			ret = queue_response(c, call, out.data, out.len);
	}
	ndr_push_free(&out);
	call_reset(call);
	return ret;
}

static int append_stub(struct dcerpc_call *call, const uint8_t *p, size_t n)
{
	if (call->fault || !n)
		return 0;
	if (n > DCERPC_MAX_REQUEST - call->len) {
		call->fault = DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
		free(call->buf);
		call->buf = NULL;
		call->len = call->cap = 0;
		return 0;
	}
	if (call->len + n > call->cap) {
		size_t ncap = call->cap ? call->cap : 1024;
		uint8_t *nb;

		while (ncap < call->len + n)
			ncap *= 2;
		nb = realloc(call->buf, ncap);
		if (!nb)
			return -ENOMEM;
		call->buf = nb;
		call->cap = ncap;
	}
	memcpy(call->buf + call->len, p, n);
	call->len += n;
	return 0;
}

static int handle_request(struct dcerpc_conn *c, const struct dcerpc_pdu *in)
{
	const struct dcerpc_request *rq = &in->u.request;
	struct dcerpc_call *call = &c->call;
	uint8_t flags = in->hdr.pfc_flags;

	if (flags & DCERPC_PFC_FIRST_FRAG) {
		if (call->active)
			return -EPROTO;		/* a new call while one is being received */
		call->active = true;
		call->call_id = in->hdr.call_id;
		call->ctx_id = rq->ctx_id;
		call->opnum = rq->opnum;
		call->maybe = flags & DCERPC_PFC_MAYBE;
		if (!c->bound)
			call->fault = DCERPC_NCA_S_PROTO_ERROR;
	} else if (!call->active || call->call_id != in->hdr.call_id ||
		   call->ctx_id != rq->ctx_id || call->opnum != rq->opnum) {
		return -EPROTO;			/* a fragment of no call, or of another one */
	}
	if (in->hdr.auth_length && !call->fault)
		call->fault = DCERPC_NCA_S_PROTO_ERROR;
	if (append_stub(call, rq->stub, rq->stub_len))
		return -ENOMEM;
	if (!(flags & DCERPC_PFC_LAST_FRAG))
		return 0;
	return finish_call(c);
}

static int dispatch(struct dcerpc_conn *c, const struct dcerpc_pdu *pdu)
{
	switch (pdu->hdr.ptype) {
	case DCERPC_PT_BIND:
		return handle_bind(c, pdu, true);
	case DCERPC_PT_ALTER_CONTEXT:
		return c->bound ? handle_bind(c, pdu, false) : -EPROTO;
	case DCERPC_PT_REQUEST:
		if (pdu->hdr.frag_length > c->max_recv)
			return -EPROTO;
		return handle_request(c, pdu);
	case DCERPC_PT_ORPHANED:
		/* the client abandons the call it was sending; no answer */
		if (c->call.active && c->call.call_id == pdu->hdr.call_id)
			call_reset(&c->call);
		return 0;
	case DCERPC_PT_CO_CANCEL:
		return 0;	/* calls run to completion at once: nothing to cancel */
	default:
		return -EPROTO;
	}
}

int dcerpc_conn_input(struct dcerpc_conn *c, const uint8_t *buf, size_t len)
{
	struct dcerpc_pdu pdu;
	int ret;

	if (c->dead)
		return -EPROTO;
	if (c->out_bytes >= DCERPC_MAX_OUTPUT)
		return -EBUSY;
	ret = dcerpc_pdu_parse(buf, len, &pdu);
	if (ret == -EPROTONOSUPPORT && pdu.hdr.ptype == DCERPC_PT_BIND) {
		/* C706 12.6.4.4: refuse another protocol version with the versions we speak */
		ret = queue_bind_nak(c, pdu.hdr.call_id, DCERPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
		goto out;
	}
	if (ret) {
		if (ret != -ENOMEM)
			ret = -EPROTO;
		goto out;
	}
	if (pdu.hdr.ptype == DCERPC_PT_BIND && !c->bound)
		c->minor = pdu.hdr.rpc_vers_minor > 1 ? 1 : pdu.hdr.rpc_vers_minor;
	ret = dispatch(c, &pdu);
out:
	dcerpc_pdu_free(&pdu);
	if (ret == -EPROTO)
		c->dead = true;
	return ret;
}
