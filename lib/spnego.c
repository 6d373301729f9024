/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SPNEGO server around NTLMSSP: the token formats of RFC 4178 section 4.2 (NegTokenInit,
 * NegTokenResp), the GSS-API InitialContextToken framing of RFC 2743 section 3.1, and the
 * NegTokenInit2 of MS-SPNG 2.2.1. See spnego.h for the exchange.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1.h"
#include "spnego.h"

const uint8_t spnego_oid_spnego[6] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
const uint8_t spnego_oid_ntlmssp[10] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02,
					 0x0a };

/* ---- parsing --------------------------------------------------------------------------------- */

/* MechTypeList ::= SEQUENCE OF MechType (OID); at least one. */
static int parse_mech_types(const struct asn1_tlv *list, struct spnego_init *out)
{
	struct asn1_reader r = asn1_contents(list);
	struct asn1_tlv oid;

	out->mech_types = list->raw;
	out->mech_types_len = list->rawlen;
	while (!asn1_at_end(&r)) {
		if (asn1_expect(&r, ASN1_OID, &oid) || !oid.len)
			return -EINVAL;
		if (out->ntlmssp_index < 0 &&
		    asn1_oid_equal(&oid, spnego_oid_ntlmssp, sizeof(spnego_oid_ntlmssp)))
			out->ntlmssp_index = out->mech_count;
		out->mech_count++;
	}
	return out->mech_count ? 0 : -EINVAL;
}

/*
 * The next field of a SEQUENCE of explicitly tagged fields [n] (RFC 4178 uses EXPLICIT tags):
 * its number must be above *last and at most max, and it must hold exactly one TLV (*v).
 * Returns the field number, or -EINVAL.
 */
static int next_field(struct asn1_reader *seq, int *last, int max, struct asn1_tlv *v)
{
	struct asn1_reader fr;
	struct asn1_tlv f;
	int n;

	if (asn1_next(seq, &f) || f.tag < ASN1_CONTEXT(0) || f.tag > ASN1_CONTEXT(max))
		return -EINVAL;
	n = f.tag - ASN1_CONTEXT(0);
	if (n <= *last)
		return -EINVAL;
	*last = n;
	fr = asn1_contents(&f);
	if (asn1_next(&fr, v) || !asn1_at_end(&fr))
		return -EINVAL;
	return n;
}

/* The contents of the only TLV of in, which must have the given tag. */
static int unwrap(struct asn1_reader *r, uint8_t tag, struct asn1_reader *inner)
{
	struct asn1_tlv t;

	if (asn1_expect(r, tag, &t) || !asn1_at_end(r))
		return -EINVAL;
	*inner = asn1_contents(&t);
	return 0;
}

static int init_field(int n, const struct asn1_tlv *v, struct spnego_init *out)
{
	switch (n) {
	case 0:		/* mechTypes */
		return v->tag == ASN1_SEQUENCE ? parse_mech_types(v, out) : -EINVAL;
	case 1:		/* reqFlags: ignored */
		return v->tag == ASN1_BIT_STRING ? 0 : -EINVAL;
	case 2:		/* mechToken */
		if (v->tag != ASN1_OCTET_STRING)
			return -EINVAL;
		out->mech_token = v->val;
		out->mech_token_len = v->len;
		return 0;
	case 3:		/* negHints of a NegTokenInit2 (ignored), or mechListMIC */
		if (v->tag == ASN1_SEQUENCE)
			return 0;
		/* fall through */
	case 4:		/* mechListMIC of a NegTokenInit2 */
		if (v->tag != ASN1_OCTET_STRING)
			return -EINVAL;
		out->mech_list_mic = v->val;
		out->mech_list_mic_len = v->len;
		return 0;
	}
	return -EINVAL;
}

int spnego_parse_init(const uint8_t *in, size_t len, struct spnego_init *out)
{
	struct asn1_reader r = asn1_reader_init(in, len), app, ctx, seq;
	struct asn1_tlv oid, v;
	int last = -1, n;

	memset(out, 0, sizeof(*out));
	out->ntlmssp_index = -1;
	/* InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech, innerToken } */
	if (unwrap(&r, ASN1_APPLICATION(0), &app) || asn1_expect(&app, ASN1_OID, &oid) ||
	    !asn1_oid_equal(&oid, spnego_oid_spnego, sizeof(spnego_oid_spnego)) ||
	    unwrap(&app, ASN1_CONTEXT(0), &ctx) || unwrap(&ctx, ASN1_SEQUENCE, &seq))
		return -EINVAL;
	while (!asn1_at_end(&seq)) {
		n = next_field(&seq, &last, 4, &v);
		if (n < 0 || init_field(n, &v, out))
			return -EINVAL;
	}
	return out->mech_count ? 0 : -EINVAL;	/* mechTypes is not optional */
}

static int resp_field(int n, const struct asn1_tlv *v, struct spnego_resp *out)
{
	switch (n) {
	case 0:		/* negState ENUMERATED */
		if (v->tag != ASN1_ENUMERATED || v->len != 1 || v->val[0] > SPNEGO_REQUEST_MIC)
			return -EINVAL;
		out->neg_state = v->val[0];
		return 0;
	case 1:		/* supportedMech */
		if (v->tag != ASN1_OID || !v->len)
			return -EINVAL;
		out->supported_mech = v->val;
		out->supported_mech_len = v->len;
		return 0;
	case 2:		/* responseToken */
		if (v->tag != ASN1_OCTET_STRING)
			return -EINVAL;
		out->response_token = v->val;
		out->response_token_len = v->len;
		return 0;
	case 3:		/* mechListMIC */
		if (v->tag != ASN1_OCTET_STRING)
			return -EINVAL;
		out->mech_list_mic = v->val;
		out->mech_list_mic_len = v->len;
		return 0;
	}
	return -EINVAL;
}

int spnego_parse_resp(const uint8_t *in, size_t len, struct spnego_resp *out)
{
	struct asn1_reader r = asn1_reader_init(in, len), ctx, seq;
	struct asn1_tlv v;
	int last = -1, n;

	memset(out, 0, sizeof(*out));
	out->neg_state = -1;
	if (unwrap(&r, ASN1_CONTEXT(1), &ctx) || unwrap(&ctx, ASN1_SEQUENCE, &seq))
		return -EINVAL;
	while (!asn1_at_end(&seq)) {
		n = next_field(&seq, &last, 3, &v);
		if (n < 0 || resp_field(n, &v, out))
			return -EINVAL;
	}
	return 0;
}

/* ---- building -------------------------------------------------------------------------------- */

/* Append [n] { tag { val } } to b. */
static void put_field(struct asn1_buf *b, int n, uint8_t tag, const void *val, size_t len)
{
	struct asn1_buf f = { 0 };

	asn1_put_tlv(&f, tag, val, len);
	asn1_wrap(&f, ASN1_CONTEXT(n));
	asn1_put_buf(b, &f);
}

int spnego_build_init2(uint8_t **out, size_t *outlen)
{
	struct asn1_buf tok = { 0 }, seq = { 0 }, f = { 0 };

	/* mechTypes [0] SEQUENCE { NTLMSSP } */
	asn1_put_tlv(&f, ASN1_OID, spnego_oid_ntlmssp, sizeof(spnego_oid_ntlmssp));
	asn1_wrap(&f, ASN1_SEQUENCE);
	asn1_wrap(&f, ASN1_CONTEXT(0));
	asn1_put_buf(&seq, &f);
	/* negHints [3] SEQUENCE { hintName [0] GeneralString } */
	asn1_put_tlv(&f, ASN1_GENERAL_STRING, SPNEGO_NEG_HINT, strlen(SPNEGO_NEG_HINT));
	asn1_wrap(&f, ASN1_CONTEXT(0));
	asn1_wrap(&f, ASN1_SEQUENCE);
	asn1_wrap(&f, ASN1_CONTEXT(3));
	asn1_put_buf(&seq, &f);
	asn1_wrap(&seq, ASN1_SEQUENCE);
	asn1_wrap(&seq, ASN1_CONTEXT(0));
	asn1_put_tlv(&tok, ASN1_OID, spnego_oid_spnego, sizeof(spnego_oid_spnego));
	asn1_put_buf(&tok, &seq);
	asn1_wrap(&tok, ASN1_APPLICATION(0));
	*out = asn1_take(&tok, outlen);
	return *out ? 0 : -ENOMEM;
}

int spnego_build_resp(int neg_state, const uint8_t *supported_mech, size_t mech_len,
		      const uint8_t *token, size_t token_len, const uint8_t *mic, size_t mic_len,
		      uint8_t **out, size_t *outlen)
{
	struct asn1_buf seq = { 0 };
	uint8_t state = (uint8_t)neg_state;

	if (neg_state >= 0)
		put_field(&seq, 0, ASN1_ENUMERATED, &state, 1);
	if (supported_mech)
		put_field(&seq, 1, ASN1_OID, supported_mech, mech_len);
	if (token)
		put_field(&seq, 2, ASN1_OCTET_STRING, token, token_len);
	if (mic)
		put_field(&seq, 3, ASN1_OCTET_STRING, mic, mic_len);
	asn1_wrap(&seq, ASN1_SEQUENCE);
	asn1_wrap(&seq, ASN1_CONTEXT(1));
	*out = asn1_take(&seq, outlen);
	return *out ? 0 : -ENOMEM;
}

/* ---- the server ------------------------------------------------------------------------------ */

enum sp_state { SP_INITIAL, SP_RAW, SP_WANT_NEGOTIATE, SP_WANT_AUTH, SP_DONE, SP_FAILED };

struct spnego_server {
	enum sp_state state;
	struct ntlmssp_server *ntlm;
	uint8_t *mech_types;	/* the client's DER MechTypeList, for the mechListMIC */
	size_t mech_types_len;
	bool mic_required;	/* NTLMSSP was not the client's first choice */
	bool raw;		/* raw NTLMSSP, no SPNEGO */
	char err[200];
};

static enum ntlmssp_status __attribute__((format(printf, 3, 4)))
fail(struct spnego_server *s, enum ntlmssp_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->state = SP_FAILED;
	return st;
}

/* NTLMSSP said anything but what this round expects. */
static enum ntlmssp_status ntlm_fail(struct spnego_server *s, enum ntlmssp_status st)
{
	if (st == NTLMSSP_OK || st == NTLMSSP_NEED_MORE)
		return fail(s, NTLMSSP_INVALID, "NTLMSSP: unexpected %s", ntlmssp_status_name(st));
	return fail(s, st, "NTLMSSP: %s", ntlmssp_server_error(s->ntlm));
}

static enum ntlmssp_status answer(struct spnego_server *s, enum ntlmssp_status st, int neg_state,
				  bool mech, const uint8_t *tok, size_t tok_len,
				  const uint8_t *mic, uint8_t **out, size_t *outlen)
{
	if (spnego_build_resp(neg_state, mech ? spnego_oid_ntlmssp : NULL,
			      sizeof(spnego_oid_ntlmssp), tok, tok_len, mic,
			      mic ? NTLMSSP_SIGNATURE_LEN : 0, out, outlen))
		return fail(s, NTLMSSP_ERROR, "out of memory");
	return st;
}

static enum ntlmssp_status step_init(struct spnego_server *s, const uint8_t *in, size_t len,
				     uint8_t **out, size_t *outlen)
{
	struct spnego_init init;
	enum ntlmssp_status st;
	uint8_t *chal;
	size_t chal_len;

	if (spnego_parse_init(in, len, &init))
		return fail(s, NTLMSSP_INVALID, "malformed SPNEGO NegTokenInit");
	if (init.ntlmssp_index < 0) {
		answer(s, NTLMSSP_LOGON_FAILURE, SPNEGO_REJECT, false, NULL, 0, NULL, out, outlen);
		return fail(s, NTLMSSP_LOGON_FAILURE, "the client does not offer NTLMSSP");
	}
	s->mech_types = malloc(init.mech_types_len);
	if (!s->mech_types)
		return fail(s, NTLMSSP_ERROR, "out of memory");
	memcpy(s->mech_types, init.mech_types, init.mech_types_len);
	s->mech_types_len = init.mech_types_len;
	if (init.ntlmssp_index > 0 || !init.mech_token) {
		/* no NTLMSSP token yet: select NTLMSSP and wait for its NEGOTIATE_MESSAGE */
		s->mic_required = init.ntlmssp_index > 0;
		s->state = SP_WANT_NEGOTIATE;
		return answer(s, NTLMSSP_NEED_MORE, s->mic_required ? SPNEGO_REQUEST_MIC :
			      SPNEGO_ACCEPT_INCOMPLETE, true, NULL, 0, NULL, out, outlen);
	}
	st = ntlmssp_server_step(s->ntlm, init.mech_token, init.mech_token_len, &chal, &chal_len);
	if (st != NTLMSSP_NEED_MORE)
		return ntlm_fail(s, st);
	s->state = SP_WANT_AUTH;
	st = answer(s, NTLMSSP_NEED_MORE, SPNEGO_ACCEPT_INCOMPLETE, true, chal, chal_len, NULL,
		    out, outlen);
	free(chal);
	return st;
}

/* The logon succeeded in NTLMSSP: check the client's mechListMIC and answer with ours. */
static enum ntlmssp_status finish(struct spnego_server *s, const struct spnego_resp *r,
				  uint8_t **out, size_t *outlen)
{
	uint8_t key[NTLMSSP_KEY_LEN], mic[NTLMSSP_SIGNATURE_LEN];
	bool keyed = !ntlmssp_server_session_key(s->ntlm, key);
	int ret;

	explicit_bzero(key, sizeof(key));
	if (!keyed) {		/* anonymous or guest: nothing to check a MIC with */
		s->state = SP_DONE;
		return answer(s, NTLMSSP_OK, SPNEGO_ACCEPT_COMPLETED, false, NULL, 0, NULL, out,
			      outlen);
	}
	if (!r->mech_list_mic) {
		if (s->mic_required)
			return fail(s, NTLMSSP_LOGON_FAILURE,
				    "mechListMIC missing (NTLMSSP was not the client's first choice)");
		s->state = SP_DONE;
		return answer(s, NTLMSSP_OK, SPNEGO_ACCEPT_COMPLETED, false, NULL, 0, NULL, out,
			      outlen);
	}
	if (r->mech_list_mic_len != NTLMSSP_SIGNATURE_LEN)
		return fail(s, NTLMSSP_LOGON_FAILURE, "mechListMIC of %zu bytes",
			    r->mech_list_mic_len);
	ret = ntlmssp_server_verify(s->ntlm, s->mech_types, s->mech_types_len, r->mech_list_mic);
	if (ret == -ENOKEY)
		return fail(s, NTLMSSP_LOGON_FAILURE,
			    "mechListMIC cannot be verified without extended session security");
	if (ret == -EBADMSG)
		return fail(s, NTLMSSP_LOGON_FAILURE, "mechListMIC mismatch");
	if (ret || ntlmssp_server_sign(s->ntlm, s->mech_types, s->mech_types_len, mic))
		return fail(s, NTLMSSP_ERROR, "mechListMIC computation failed");
	s->state = SP_DONE;
	return answer(s, NTLMSSP_OK, SPNEGO_ACCEPT_COMPLETED, false, NULL, 0, mic, out, outlen);
}

static enum ntlmssp_status step_resp(struct spnego_server *s, const uint8_t *in, size_t len,
				     uint8_t **out, size_t *outlen)
{
	struct spnego_resp r;
	enum ntlmssp_status st;
	uint8_t *tok;
	size_t tok_len;

	if (spnego_parse_resp(in, len, &r))
		return fail(s, NTLMSSP_INVALID, "malformed SPNEGO NegTokenResp");
	if (r.neg_state == SPNEGO_REJECT)
		return fail(s, NTLMSSP_LOGON_FAILURE, "the client rejected the negotiation");
	if (!r.response_token)
		return fail(s, NTLMSSP_INVALID, "NegTokenResp without a responseToken");
	st = ntlmssp_server_step(s->ntlm, r.response_token, r.response_token_len, &tok, &tok_len);
	if (s->state == SP_WANT_NEGOTIATE) {
		if (st != NTLMSSP_NEED_MORE)
			return ntlm_fail(s, st);
		s->state = SP_WANT_AUTH;
		st = answer(s, NTLMSSP_NEED_MORE, SPNEGO_ACCEPT_INCOMPLETE, false, tok, tok_len,
			    NULL, out, outlen);
		free(tok);
		return st;
	}
	free(tok);
	if (st != NTLMSSP_OK)
		return ntlm_fail(s, st);
	return finish(s, &r, out, outlen);
}

enum ntlmssp_status spnego_server_step(struct spnego_server *s, const uint8_t *in, size_t inlen,
				       uint8_t **out, size_t *outlen)
{
	enum ntlmssp_status st;

	*out = NULL;
	*outlen = 0;
	if (s->state == SP_DONE || s->state == SP_FAILED) {
		snprintf(s->err, sizeof(s->err), "the exchange is already finished");
		return NTLMSSP_INVALID;
	}
	s->err[0] = '\0';
	if ((!in && inlen) || inlen > NTLMSSP_MSG_MAX)
		return fail(s, NTLMSSP_INVALID, "security blob too long");
	if (s->state == SP_INITIAL && inlen >= 8 && !memcmp(in, "NTLMSSP", 8)) {
		s->state = SP_RAW;
		s->raw = true;
	}
	switch (s->state) {
	case SP_INITIAL:
		return step_init(s, in, inlen, out, outlen);
	case SP_RAW:
		st = ntlmssp_server_step(s->ntlm, in, inlen, out, outlen);
		if (st == NTLMSSP_OK)
			s->state = SP_DONE;
		else if (st != NTLMSSP_NEED_MORE)
			fail(s, st, "NTLMSSP: %s", ntlmssp_server_error(s->ntlm));
		return st;
	default:
		return step_resp(s, in, inlen, out, outlen);
	}
}

struct spnego_server *spnego_server_new(const struct ntlmssp_server_cfg *cfg)
{
	struct spnego_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ntlm = ntlmssp_server_new(cfg);
	if (!s->ntlm) {
		free(s);
		return NULL;
	}
	return s;
}

void spnego_server_free(struct spnego_server *s)
{
	if (!s)
		return;
	ntlmssp_server_free(s->ntlm);
	free(s->mech_types);
	free(s);
}

struct ntlmssp_server *spnego_server_ntlmssp(struct spnego_server *s)
{
	return s->ntlm;
}

bool spnego_server_is_raw(const struct spnego_server *s)
{
	return s->raw;
}

const char *spnego_server_error(const struct spnego_server *s)
{
	return s->err;
}

int spnego_server_resume(struct spnego_server *s, const uint8_t *mech_types, size_t mt_len,
			 const uint8_t *negotiate, size_t neglen, const uint8_t *challenge,
			 size_t challen)
{
	struct asn1_reader r = asn1_reader_init(mech_types, mt_len), inner;
	struct spnego_init init = { .ntlmssp_index = -1 };
	struct asn1_tlv list;
	int ret;

	if (s->state != SP_INITIAL || asn1_expect(&r, ASN1_SEQUENCE, &list) || !asn1_at_end(&r))
		return -EINVAL;
	inner = asn1_contents(&list);
	if (asn1_at_end(&inner) || parse_mech_types(&list, &init) || init.ntlmssp_index < 0)
		return -EINVAL;
	ret = ntlmssp_server_resume(s->ntlm, negotiate, neglen, challenge, challen);
	if (ret)
		return ret;
	s->mech_types = malloc(mt_len);
	if (!s->mech_types)
		return -ENOMEM;
	memcpy(s->mech_types, mech_types, mt_len);
	s->mech_types_len = mt_len;
	s->mic_required = init.ntlmssp_index > 0;
	s->state = SP_WANT_AUTH;
	return 0;
}
