/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTLMSSP server (MS-NLMP): message parsing and building, NTLMv2 verification, key derivation
 * and signing. Written from the specification; see ntlmssp.h for the API and docs/users.md
 * for what is (not) supported. Section numbers below are those of MS-NLMP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "md4.h"
#include "ntlmssp.h"

#define SIGNATURE "NTLMSSP"	/* 8 bytes with its NUL */
#define MSG_NEGOTIATE 1u
#define MSG_CHALLENGE 2u
#define MSG_AUTHENTICATE 3u

#define CHALLENGE_HDR_LEN 56	/* 2.2.1.2, up to and including Version */
#define AUTH_HDR_LEN 64		/* 2.2.1.3, up to and including NegotiateFlags */
#define AUTH_MIC_OFF 72
#define AUTH_MIC_END 88
#define NTV2_TEMP_HDR 28	/* NTLMv2_CLIENT_CHALLENGE up to AvPairs (2.2.2.7) */
#define FILETIME_UNIX_EPOCH 116444736000000000ull

/* What the CHALLENGE_MESSAGE's Version field says (2.2.2.10): 6.1, NTLMSSP revision 15. */
static const uint8_t server_version[8] = { 6, 1, 0, 0, 0, 0, 0, 0x0f };

enum server_state { ST_INITIAL, ST_CHALLENGE_SENT, ST_DONE, ST_FAILED };

struct ntlmssp_server {
	enum server_state state;
	ntlmssp_lookup_fn lookup;
	void *lookup_arg;
	enum ntlmssp_guest_policy map_to_guest;
	bool allow_anonymous;
	int (*rand_bytes)(void *arg, uint8_t *buf, size_t len);
	uint64_t (*filetime_now)(void *arg);
	void *test_arg;
	/* UTF-16LE forms of the names, for the CHALLENGE_MESSAGE */
	uint8_t *names[4];	/* NbComputer, NbDomain, DnsComputer, DnsDomain */
	size_t name_len[4];

	uint32_t chal_flags;	/* the flags of our CHALLENGE_MESSAGE */
	uint32_t flags;		/* negotiated: chal_flags confirmed by AUTHENTICATE */
	uint8_t server_challenge[NTLMSSP_CHALLENGE_LEN];
	uint8_t *neg_msg, *chal_msg;	/* kept for the MIC */
	size_t neg_len, chal_len;

	char *user, *domain, *workstation;
	bool anonymous, guest, have_key;
	uint8_t session_key[NTLMSSP_KEY_LEN];
	struct ntlmssp_sign_ctx c2s, s2c;
	bool can_sign;
	char err[160];
};

/* ---- byte order ------------------------------------------------------------------------------ */

static inline uint32_t get_le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static inline void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define get16(p) ((uint16_t)get_le(p, 2))
#define get32(p) get_le(p, 4)
#define put16(p, v) put_le(p, v, 2)
#define put32(p, v) put_le(p, v, 4)
#define put64(p, v) put_le(p, v, 8)

/* ---- text ------------------------------------------------------------------------------------ */

int ntlmssp_utf8_to_utf16le(const char *s, size_t len, uint8_t **out, size_t *outlen)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t pos = 0, o = 0;
	uint8_t *buf;
	uint32_t c;

	/* at most one UTF-16 unit (2 bytes) per input byte, or two units per 4-byte sequence */
	buf = malloc(len * 2 + 1);
	if (!buf)
		return -ENOMEM;
	while (pos < len) {
		if (ntlmssp_utf8_next(u, len, &pos, &c)) {
			free(buf);
			return -EINVAL;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			put16(buf + o, (uint16_t)(0xd800 | c >> 10));
			put16(buf + o + 2, (uint16_t)(0xdc00 | (c & 0x3ff)));
			o += 4;
		} else {
			put16(buf + o, (uint16_t)c);
			o += 2;
		}
	}
	*out = buf;
	*outlen = o;
	return 0;
}

int ntlmssp_utf16le_to_utf8(const uint8_t *in, size_t len, char **out)
{
	uint8_t *buf, *p;
	uint32_t c, lo;

	if (len % 2)
		return -EINVAL;
	buf = malloc(len / 2 * 3 + 1);	/* a unit gives at most 3 bytes; a pair 4 */
	if (!buf)
		return -ENOMEM;
	p = buf;
	for (size_t i = 0; i < len; i += 2) {
		c = get16(in + i);
		if (c >= 0xd800 && c <= 0xdbff) {
			lo = i + 3 < len ? get16(in + i + 2) : 0;
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((c >= 0xdc00 && c <= 0xdfff) || c == 0) {
			goto bad;
		}
		if (c < 0x80) {
			*p++ = (uint8_t)c;
		} else if (c < 0x800) {
			*p++ = (uint8_t)(0xc0 | c >> 6);
			*p++ = (uint8_t)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*p++ = (uint8_t)(0xe0 | c >> 12);
			*p++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			*p++ = (uint8_t)(0xf0 | c >> 18);
			*p++ = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			*p++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	*p = '\0';
	*out = (char *)buf;
	return 0;
bad:
	free(buf);
	return -EINVAL;
}

/* Upper-case UTF-16LE text in place (the BMP units; surrogates are left alone). */
static void utf16_upper(uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint32_t c = get16(p + i);

		if (c < 0xd800 || c > 0xdfff)
			put16(p + i, (uint16_t)ntlmssp_toupper(c));
	}
}

/* ---- crypto ---------------------------------------------------------------------------------- */

int ntlmssp_hmac_md5(const uint8_t *key, size_t keylen, const void *a, size_t alen,
		     const void *b, size_t blen, const void *c, size_t clen,
		     uint8_t out[NTLMSSP_KEY_LEN])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"MD5", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t outl = 0;
	int ok;

	ok = ctx && EVP_MAC_init(ctx, key, keylen, params) &&
	     (!alen || EVP_MAC_update(ctx, a, alen)) &&
	     (!blen || EVP_MAC_update(ctx, b, blen)) &&
	     (!clen || EVP_MAC_update(ctx, c, clen)) &&
	     EVP_MAC_final(ctx, out, &outl, NTLMSSP_KEY_LEN) && outl == NTLMSSP_KEY_LEN;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

static int md5_2(const void *a, size_t alen, const void *b, size_t blen,
		 uint8_t out[NTLMSSP_KEY_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int outl = 0;
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) && EVP_DigestUpdate(ctx, a, alen) &&
	     EVP_DigestUpdate(ctx, b, blen) && EVP_DigestFinal_ex(ctx, out, &outl) &&
	     outl == NTLMSSP_KEY_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* NTOWFv2 from the raw UTF-16LE user and domain of a message. */
static int ntowfv2_raw(const uint8_t nt_hash[NTLMSSP_KEY_LEN], const uint8_t *user,
		       size_t ulen, const uint8_t *domain, size_t dlen,
		       uint8_t out[NTLMSSP_KEY_LEN])
{
	uint8_t upper[2 * NTLMSSP_NAME_MAX];

	if (ulen > sizeof(upper))
		return -EINVAL;
	if (ulen)
		memcpy(upper, user, ulen);
	utf16_upper(upper, ulen);
	return ntlmssp_hmac_md5(nt_hash, NTLMSSP_KEY_LEN, upper, ulen, domain, dlen, NULL, 0,
				out);
}

int ntlmssp_ntowfv2(const uint8_t nt_hash[NTLMSSP_KEY_LEN], const char *user, const char *domain,
		    uint8_t out[NTLMSSP_KEY_LEN])
{
	uint8_t *u = NULL, *d = NULL;
	size_t ulen, dlen;
	int ret;

	ret = ntlmssp_utf8_to_utf16le(user, strlen(user), &u, &ulen);
	if (!ret)
		ret = ntlmssp_utf8_to_utf16le(domain, strlen(domain), &d, &dlen);
	if (!ret)
		ret = ntowfv2_raw(nt_hash, u, ulen, d, dlen, out);
	free(u);
	free(d);
	return ret;
}

int ntlmssp_ntv2_proof(const uint8_t ntowfv2[NTLMSSP_KEY_LEN],
		       const uint8_t server_challenge[NTLMSSP_CHALLENGE_LEN], const uint8_t *temp,
		       size_t templen, uint8_t out[NTLMSSP_KEY_LEN])
{
	return ntlmssp_hmac_md5(ntowfv2, NTLMSSP_KEY_LEN, server_challenge,
				NTLMSSP_CHALLENGE_LEN, temp, templen, NULL, 0, out);
}

int ntlmssp_session_base_key(const uint8_t ntowfv2[NTLMSSP_KEY_LEN],
			     const uint8_t proof[NTLMSSP_KEY_LEN], uint8_t out[NTLMSSP_KEY_LEN])
{
	return ntlmssp_hmac_md5(ntowfv2, NTLMSSP_KEY_LEN, proof, NTLMSSP_KEY_LEN, NULL, 0, NULL,
				0, out);
}

/* ---- signing (3.4.4.2, 3.4.5.2, 3.4.5.3) ------------------------------------------------------ */

/* The magic constants include their terminating NUL (3.4.5.2). */
static const char sign_c2s[] = "session key to client-to-server signing key magic constant";
static const char sign_s2c[] = "session key to server-to-client signing key magic constant";
static const char seal_c2s[] = "session key to client-to-server sealing key magic constant";
static const char seal_s2c[] = "session key to server-to-client sealing key magic constant";

int ntlmssp_sign_init(struct ntlmssp_sign_ctx *ctx, const uint8_t exported_key[NTLMSSP_KEY_LEN],
		      uint32_t flags, bool client_to_server)
{
	uint8_t seal_key[NTLMSSP_KEY_LEN];
	size_t seal_len;
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	if (!(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
		return -ENOTSUP;
	if (flags & NTLMSSP_NEGOTIATE_128)
		seal_len = 16;
	else if (flags & NTLMSSP_NEGOTIATE_56)
		seal_len = 7;
	else
		seal_len = 5;
	ret = md5_2(exported_key, NTLMSSP_KEY_LEN, client_to_server ? sign_c2s : sign_s2c,
		    sizeof(sign_c2s), ctx->sign_key);
	if (!ret)
		ret = md5_2(exported_key, seal_len, client_to_server ? seal_c2s : seal_s2c,
			    sizeof(seal_c2s), seal_key);
	if (!ret)
		rc4_init(&ctx->seal, seal_key, sizeof(seal_key));
	ctx->key_exch = flags & NTLMSSP_NEGOTIATE_KEY_EXCH;
	explicit_bzero(seal_key, sizeof(seal_key));
	if (ret)
		ntlmssp_sign_wipe(ctx);
	return ret;
}

int ntlmssp_sign_mac(struct ntlmssp_sign_ctx *ctx, const uint8_t *msg, size_t len,
		     uint8_t sig[NTLMSSP_SIGNATURE_LEN])
{
	uint8_t seq[4], mac[NTLMSSP_KEY_LEN];
	int ret;

	put32(seq, ctx->seq);
	ret = ntlmssp_hmac_md5(ctx->sign_key, NTLMSSP_KEY_LEN, seq, 4, msg, len, NULL, 0, mac);
	if (ret)
		return ret;
	if (ctx->key_exch)
		rc4_crypt(&ctx->seal, mac, mac, 8);
	put32(sig, 1);
	memcpy(sig + 4, mac, 8);
	memcpy(sig + 12, seq, 4);
	ctx->seq++;
	explicit_bzero(mac, sizeof(mac));
	return 0;
}

void ntlmssp_sign_wipe(struct ntlmssp_sign_ctx *ctx)
{
	explicit_bzero(ctx, sizeof(*ctx));
}

/* ---- server: helpers ------------------------------------------------------------------------- */

static enum ntlmssp_status __attribute__((format(printf, 3, 4)))
fail(struct ntlmssp_server *s, enum ntlmssp_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->state = ST_FAILED;
	return st;
}

/*
 * Read the 8-byte field descriptor (Len, MaxLen, Offset) at msg[pos]: the field must lie
 * inside the message and after its fixed part (min_off). An empty field gives NULL.
 */
static int get_field(const uint8_t *msg, size_t len, size_t pos, size_t min_off,
		     const uint8_t **data, size_t *dlen)
{
	size_t flen = get16(msg + pos), off = get32(msg + pos + 4);

	*data = NULL;
	*dlen = 0;
	if (!flen)
		return 0;
	if (off < min_off || off > len || flen > len - off)
		return -EINVAL;
	*data = msg + off;
	*dlen = flen;
	return 0;
}

static bool has_header(const uint8_t *msg, size_t len, size_t min, uint32_t type)
{
	return len >= min && !memcmp(msg, SIGNATURE, 8) && get32(msg + 8) == type;
}

/* Check a NEGOTIATE_MESSAGE (2.2.1.1); returns its flags in *flags. */
static int parse_negotiate(const uint8_t *msg, size_t len, uint32_t *flags)
{
	const uint8_t *d;
	size_t dl;

	if (!has_header(msg, len, 16, MSG_NEGOTIATE))
		return -EINVAL;
	*flags = get32(msg + 12);
	/* DomainNameFields and WorkstationFields, when the message is long enough to hold them */
	if (len >= 32 && (get_field(msg, len, 16, 32, &d, &dl) ||
			  get_field(msg, len, 24, 32, &d, &dl)))
		return -EINVAL;
	return 0;
}

static uint32_t challenge_flags(uint32_t neg)
{
	uint32_t f = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM |
		     NTLMSSP_NEGOTIATE_TARGET_INFO;

	if (neg & NTLMSSP_REQUEST_TARGET)
		f |= NTLMSSP_REQUEST_TARGET | NTLMSSP_TARGET_TYPE_SERVER;
	f |= neg & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
		    NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
		    NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 |
		    NTLMSSP_NEGOTIATE_KEY_EXCH);
	return f;
}

static uint64_t filetime_now(const struct ntlmssp_server *s)
{
	struct timespec ts;

	if (s->filetime_now)
		return s->filetime_now(s->test_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return FILETIME_UNIX_EPOCH + (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100;
}

static uint8_t *put_av(uint8_t *p, uint16_t id, const void *val, size_t len)
{
	put16(p, id);
	put16(p + 2, (uint16_t)len);
	if (len)
		memcpy(p + 4, val, len);
	return p + 4 + len;
}

/* Build the CHALLENGE_MESSAGE (2.2.1.2) for s->chal_flags and s->server_challenge. */
static int build_challenge(struct ntlmssp_server *s, uint8_t **out, size_t *outlen)
{
	/* AV pairs in the order Windows sends them: NbDomain, NbComputer, DnsDomain, DnsComputer */
	static const int order[4] = { 1, 0, 3, 2 };
	static const uint16_t ids[4] = { NTLMSSP_AV_NB_COMPUTER, NTLMSSP_AV_NB_DOMAIN,
					 NTLMSSP_AV_DNS_COMPUTER, NTLMSSP_AV_DNS_DOMAIN };
	size_t tname_len = 0, tinfo_len = 4 + 12, len;
	uint8_t *msg, *p, ts[8];
	int i;

	if (s->chal_flags & NTLMSSP_REQUEST_TARGET)
		tname_len = s->name_len[0];
	for (i = 0; i < 4; i++)
		tinfo_len += 4 + s->name_len[i];
	len = CHALLENGE_HDR_LEN + tname_len + tinfo_len;
	msg = calloc(1, len);
	if (!msg)
		return -ENOMEM;
	memcpy(msg, SIGNATURE, 8);
	put32(msg + 8, MSG_CHALLENGE);
	put16(msg + 12, (uint16_t)tname_len);
	put16(msg + 14, (uint16_t)tname_len);
	put32(msg + 16, CHALLENGE_HDR_LEN);
	put32(msg + 20, s->chal_flags);
	memcpy(msg + 24, s->server_challenge, NTLMSSP_CHALLENGE_LEN);
	put16(msg + 40, (uint16_t)tinfo_len);
	put16(msg + 42, (uint16_t)tinfo_len);
	put32(msg + 44, (uint32_t)(CHALLENGE_HDR_LEN + tname_len));
	if (s->chal_flags & NTLMSSP_NEGOTIATE_VERSION)
		memcpy(msg + 48, server_version, 8);
	p = msg + CHALLENGE_HDR_LEN;
	if (tname_len)
		memcpy(p, s->names[0], tname_len);
	p += tname_len;
	for (i = 0; i < 4; i++)
		p = put_av(p, ids[order[i]], s->names[order[i]], s->name_len[order[i]]);
	put64(ts, filetime_now(s));
	p = put_av(p, NTLMSSP_AV_TIMESTAMP, ts, 8);
	put_av(p, NTLMSSP_AV_EOL, NULL, 0);
	*out = msg;
	*outlen = len;
	return 0;
}

static uint8_t *memdup(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, p, len);
	return d;
}

/* ---- server: NEGOTIATE -> CHALLENGE ----------------------------------------------------------- */

static enum ntlmssp_status do_negotiate(struct ntlmssp_server *s, const uint8_t *in, size_t len,
					uint8_t **out, size_t *outlen)
{
	uint32_t neg;
	int ret;

	if (parse_negotiate(in, len, &neg))
		return fail(s, NTLMSSP_INVALID, "malformed NEGOTIATE_MESSAGE");
	if (!(neg & NTLMSSP_NEGOTIATE_UNICODE))
		return fail(s, NTLMSSP_INVALID, "the client does not offer Unicode");
	s->chal_flags = challenge_flags(neg);
	if (s->rand_bytes)
		ret = s->rand_bytes(s->test_arg, s->server_challenge, NTLMSSP_CHALLENGE_LEN);
	else
		ret = RAND_bytes(s->server_challenge, NTLMSSP_CHALLENGE_LEN) == 1 ? 0 : -EIO;
	if (ret)
		return fail(s, NTLMSSP_ERROR, "no random bytes for the server challenge");
	s->neg_msg = memdup(in, len);
	if (!s->neg_msg || build_challenge(s, &s->chal_msg, &s->chal_len))
		return fail(s, NTLMSSP_ERROR, "out of memory");
	s->neg_len = len;
	*out = memdup(s->chal_msg, s->chal_len);
	if (!*out)
		return fail(s, NTLMSSP_ERROR, "out of memory");
	*outlen = s->chal_len;
	s->state = ST_CHALLENGE_SENT;
	return NTLMSSP_NEED_MORE;
}

int ntlmssp_server_resume(struct ntlmssp_server *s, const uint8_t *negotiate, size_t neglen,
			  const uint8_t *challenge, size_t challen)
{
	uint32_t neg;

	if (s->state != ST_INITIAL || neglen > NTLMSSP_MSG_MAX || challen > NTLMSSP_MSG_MAX ||
	    parse_negotiate(negotiate, neglen, &neg) ||
	    !has_header(challenge, challen, 32, MSG_CHALLENGE))
		return -EINVAL;
	s->neg_msg = memdup(negotiate, neglen);
	s->chal_msg = memdup(challenge, challen);
	if (!s->neg_msg || !s->chal_msg)
		return -ENOMEM;
	s->neg_len = neglen;
	s->chal_len = challen;
	s->chal_flags = get32(challenge + 20);
	memcpy(s->server_challenge, challenge + 24, NTLMSSP_CHALLENGE_LEN);
	s->state = ST_CHALLENGE_SENT;
	return 0;
}

/* ---- server: AUTHENTICATE -------------------------------------------------------------------- */

struct auth_msg {
	const uint8_t *lm, *nt, *domain, *user, *ws, *enc_key;
	size_t lm_len, nt_len, domain_len, user_len, ws_len, enc_key_len;
	size_t payload;		/* where the first field starts: the fixed part ends there */
	uint32_t flags;
};

static void lower_payload(struct auth_msg *a, const uint8_t *msg, const uint8_t *field)
{
	if (field && (size_t)(field - msg) < a->payload)
		a->payload = (size_t)(field - msg);
}

/* Check an AUTHENTICATE_MESSAGE (2.2.1.3) and locate its fields. */
static int parse_authenticate(const uint8_t *msg, size_t len, struct auth_msg *a)
{
	if (!has_header(msg, len, AUTH_HDR_LEN, MSG_AUTHENTICATE))
		return -EINVAL;
	if (get_field(msg, len, 12, AUTH_HDR_LEN, &a->lm, &a->lm_len) ||
	    get_field(msg, len, 20, AUTH_HDR_LEN, &a->nt, &a->nt_len) ||
	    get_field(msg, len, 28, AUTH_HDR_LEN, &a->domain, &a->domain_len) ||
	    get_field(msg, len, 36, AUTH_HDR_LEN, &a->user, &a->user_len) ||
	    get_field(msg, len, 44, AUTH_HDR_LEN, &a->ws, &a->ws_len) ||
	    get_field(msg, len, 52, AUTH_HDR_LEN, &a->enc_key, &a->enc_key_len))
		return -EINVAL;
	if (a->domain_len > 2 * NTLMSSP_NAME_MAX || a->user_len > 2 * NTLMSSP_NAME_MAX ||
	    a->ws_len > 2 * NTLMSSP_NAME_MAX)
		return -EINVAL;
	a->flags = get32(msg + 60);
	a->payload = len;
	lower_payload(a, msg, a->lm);
	lower_payload(a, msg, a->nt);
	lower_payload(a, msg, a->domain);
	lower_payload(a, msg, a->user);
	lower_payload(a, msg, a->ws);
	lower_payload(a, msg, a->enc_key);
	return 0;
}

/*
 * Walk the AV pairs of an NTLMv2_CLIENT_CHALLENGE (temp, at least NTV2_TEMP_HDR bytes) up to
 * MsvAvEOL; return the value of MsvAvFlags (0 when absent). -EINVAL when malformed.
 */
static int ntv2_av_flags(const uint8_t *temp, size_t len, uint32_t *av_flags)
{
	size_t pos = NTV2_TEMP_HDR, alen;
	uint16_t id;

	*av_flags = 0;
	for (;;) {
		if (len - pos < 4)
			return -EINVAL;
		id = get16(temp + pos);
		alen = get16(temp + pos + 2);
		pos += 4;
		if (alen > len - pos)
			return -EINVAL;
		if (id == NTLMSSP_AV_EOL)
			return 0;
		if (id == NTLMSSP_AV_FLAGS) {
			if (alen != 4)
				return -EINVAL;
			*av_flags = get32(temp + pos);
		}
		pos += alen;
	}
}

/* MIC = HMAC-MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with MIC = 0). */
static int check_mic(struct ntlmssp_server *s, const uint8_t *msg, size_t len)
{
	uint8_t *copy, mic[NTLMSSP_KEY_LEN];
	int ret;

	copy = memdup(msg, len);
	if (!copy)
		return -ENOMEM;
	memset(copy + AUTH_MIC_OFF, 0, AUTH_MIC_END - AUTH_MIC_OFF);
	ret = ntlmssp_hmac_md5(s->session_key, NTLMSSP_KEY_LEN, s->neg_msg, s->neg_len,
			       s->chal_msg, s->chal_len, copy, len, mic);
	if (!ret && CRYPTO_memcmp(mic, msg + AUTH_MIC_OFF, NTLMSSP_KEY_LEN))
		ret = -EBADMSG;
	free(copy);
	explicit_bzero(mic, sizeof(mic));
	return ret;
}

static enum ntlmssp_status logon_guest(struct ntlmssp_server *s)
{
	s->guest = true;
	s->state = ST_DONE;
	return NTLMSSP_OK;
}

/* The session key from the SessionBaseKey: KXKEY, then the key exchange (3.2.5.1.2). */
static int derive_session_key(struct ntlmssp_server *s, const struct auth_msg *a,
			      const uint8_t base[NTLMSSP_KEY_LEN])
{
	struct rc4_state rc4;

	/* NTLMv2: KeyExchangeKey = SessionBaseKey (3.4.5.1) */
	if (!(s->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)) {
		memcpy(s->session_key, base, NTLMSSP_KEY_LEN);
		return 0;
	}
	if (a->enc_key_len != NTLMSSP_KEY_LEN)
		return -EINVAL;
	rc4_init(&rc4, base, NTLMSSP_KEY_LEN);
	rc4_crypt(&rc4, a->enc_key, s->session_key, NTLMSSP_KEY_LEN);
	rc4_wipe(&rc4);
	return 0;
}

/*
 * Look the user up; when there is none, or no response to check (a user name with empty
 * responses: a password-less logon), apply "map to guest". Returns NTLMSSP_NEED_MORE when
 * the NTLMv2 response is to be checked against nt_hash.
 */
static enum ntlmssp_status lookup_user(struct ntlmssp_server *s, bool no_response,
				       uint8_t nt_hash[NTLMSSP_KEY_LEN])
{
	int ret = s->lookup ? s->lookup(s->lookup_arg, s->user, s->domain, nt_hash) : -ENOENT;

	if (ret == -ENOENT) {
		if (s->map_to_guest != NTLMSSP_GUEST_NEVER)
			return logon_guest(s);
		return fail(s, NTLMSSP_LOGON_FAILURE, "unknown user");
	}
	if (ret)
		return fail(s, NTLMSSP_ERROR, "user lookup failed: %s", strerror(-ret));
	if (no_response) {
		explicit_bzero(nt_hash, NTLMSSP_KEY_LEN);
		if (s->map_to_guest == NTLMSSP_GUEST_BAD_PASSWORD)
			return logon_guest(s);
		return fail(s, NTLMSSP_LOGON_FAILURE, "no response (password-less logon)");
	}
	return NTLMSSP_NEED_MORE;
}

/* Check the NTLMv2 response against nt_hash; on success derive the session key. */
static enum ntlmssp_status verify_ntv2(struct ntlmssp_server *s, const struct auth_msg *a,
				       const uint8_t nt_hash[NTLMSSP_KEY_LEN])
{
	uint8_t ntowf[NTLMSSP_KEY_LEN], proof[NTLMSSP_KEY_LEN], base[NTLMSSP_KEY_LEN];
	enum ntlmssp_status st = NTLMSSP_OK;
	int ret;

	ret = ntowfv2_raw(nt_hash, a->user, a->user_len, a->domain, a->domain_len, ntowf);
	if (!ret)
		ret = ntlmssp_ntv2_proof(ntowf, s->server_challenge, a->nt + 16, a->nt_len - 16,
					 proof);
	if (ret) {
		st = fail(s, NTLMSSP_ERROR, "crypto library failure");
	} else if (CRYPTO_memcmp(proof, a->nt, NTLMSSP_KEY_LEN)) {
		if (s->map_to_guest == NTLMSSP_GUEST_BAD_PASSWORD)
			st = logon_guest(s);
		else
			st = fail(s, NTLMSSP_LOGON_FAILURE, "wrong password");
	} else if (ntlmssp_session_base_key(ntowf, proof, base)) {
		st = fail(s, NTLMSSP_ERROR, "crypto library failure");
	} else if (derive_session_key(s, a, base)) {
		st = fail(s, NTLMSSP_INVALID, "KEY_EXCH without a 16-byte EncryptedRandomSessionKey");
	} else {
		s->have_key = true;
	}
	explicit_bzero(ntowf, sizeof(ntowf));
	explicit_bzero(proof, sizeof(proof));
	explicit_bzero(base, sizeof(base));
	return st;
}

static int copy_names(struct ntlmssp_server *s, const struct auth_msg *a)
{
	if (ntlmssp_utf16le_to_utf8(a->user, a->user_len, &s->user) ||
	    ntlmssp_utf16le_to_utf8(a->domain, a->domain_len, &s->domain) ||
	    ntlmssp_utf16le_to_utf8(a->ws, a->ws_len, &s->workstation))
		return -EINVAL;
	return 0;
}

/* After a good NTLMv2 response: the MIC, and the signing keys. */
static enum ntlmssp_status finish_logon(struct ntlmssp_server *s, const uint8_t *msg, size_t len,
					const struct auth_msg *a, uint32_t av_flags)
{
	int ret;

	if (av_flags & NTLMSSP_AV_FLAG_MIC_PRESENT) {
		if (a->payload < AUTH_MIC_END)
			return fail(s, NTLMSSP_INVALID, "MIC announced but the message has none");
		ret = check_mic(s, msg, len);
		if (ret == -EBADMSG)
			return fail(s, NTLMSSP_LOGON_FAILURE, "MIC mismatch");
		if (ret)
			return fail(s, NTLMSSP_ERROR, "MIC computation failed");
	}
	if (s->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
		if (ntlmssp_sign_init(&s->c2s, s->session_key, s->flags, true) ||
		    ntlmssp_sign_init(&s->s2c, s->session_key, s->flags, false))
			return fail(s, NTLMSSP_ERROR, "key derivation failed");
		s->can_sign = true;
	}
	s->state = ST_DONE;
	return NTLMSSP_OK;
}

/* The checks of an NTLMv2 response that need no key (2.2.2.8, 2.2.2.7). */
static enum ntlmssp_status check_response_form(struct ntlmssp_server *s,
					       const struct auth_msg *a, uint32_t *av_flags)
{
	if (!a->nt_len)
		return fail(s, NTLMSSP_LOGON_FAILURE, "LM response refused: NTLMv2 is required");
	if (a->nt_len == 24)
		return fail(s, NTLMSSP_LOGON_FAILURE, "NTLMv1 response refused: NTLMv2 is required");
	if (a->nt_len < 16 + NTV2_TEMP_HDR)
		return fail(s, NTLMSSP_INVALID, "NtChallengeResponse too short for NTLMv2");
	if (a->nt[16] != 1 || a->nt[17] != 1)
		return fail(s, NTLMSSP_INVALID, "unknown NTLMv2 response version");
	if (ntv2_av_flags(a->nt + 16, a->nt_len - 16, av_flags))
		return fail(s, NTLMSSP_INVALID, "malformed AV pairs in the NTLMv2 response");
	return NTLMSSP_NEED_MORE;
}

static enum ntlmssp_status do_authenticate(struct ntlmssp_server *s, const uint8_t *in,
					   size_t len)
{
	uint8_t nt_hash[NTLMSSP_KEY_LEN];
	enum ntlmssp_status st;
	struct auth_msg a;
	uint32_t av_flags = 0;
	bool no_response;

	if (parse_authenticate(in, len, &a))
		return fail(s, NTLMSSP_INVALID, "malformed AUTHENTICATE_MESSAGE");
	if (copy_names(s, &a))
		return fail(s, NTLMSSP_INVALID, "user, domain or workstation is not valid UTF-16");
	s->flags = s->chal_flags & a.flags;
	/* 3.2.5.1.2: no user and no responses (LM empty or Z(1)) is the anonymous logon */
	no_response = !a.nt_len && (!a.lm_len || (a.lm_len == 1 && !a.lm[0]));
	if (no_response && !a.user_len) {
		if (!s->allow_anonymous)
			return fail(s, NTLMSSP_LOGON_FAILURE, "anonymous logon refused");
		s->anonymous = true;
		s->state = ST_DONE;
		return NTLMSSP_OK;
	}
	if (!a.user_len)
		return fail(s, NTLMSSP_LOGON_FAILURE, "empty user name with a response");
	if (!no_response) {
		st = check_response_form(s, &a, &av_flags);
		if (st != NTLMSSP_NEED_MORE)
			return st;
	}
	st = lookup_user(s, no_response, nt_hash);
	if (st == NTLMSSP_NEED_MORE)
		st = verify_ntv2(s, &a, nt_hash);
	explicit_bzero(nt_hash, sizeof(nt_hash));
	if (st != NTLMSSP_OK || s->guest)
		return st;
	return finish_logon(s, in, len, &a, av_flags);
}

/* ---- server: API ----------------------------------------------------------------------------- */

enum ntlmssp_status ntlmssp_server_step(struct ntlmssp_server *s, const uint8_t *in, size_t inlen,
					uint8_t **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (s->state == ST_DONE || s->state == ST_FAILED) {
		snprintf(s->err, sizeof(s->err), "the exchange is already finished");
		return NTLMSSP_INVALID;
	}
	s->err[0] = '\0';
	if ((!in && inlen) || inlen > NTLMSSP_MSG_MAX)
		return fail(s, NTLMSSP_INVALID, "message too long");
	if (s->state == ST_INITIAL)
		return do_negotiate(s, in, inlen, out, outlen);
	return do_authenticate(s, in, inlen);
}

struct ntlmssp_server *ntlmssp_server_new(const struct ntlmssp_server_cfg *cfg)
{
	const char *names[4] = { cfg->nb_computer, cfg->nb_domain, cfg->dns_computer,
				 cfg->dns_domain };
	struct ntlmssp_server *s = calloc(1, sizeof(*s));
	int ret = -ENOMEM;

	if (!s)
		goto err;
	for (int i = 0; i < 4; i++) {
		const char *n = names[i] ? names[i] : "";

		ret = ntlmssp_utf8_to_utf16le(n, strlen(n), &s->names[i], &s->name_len[i]);
		if (!ret && s->name_len[i] > 2 * NTLMSSP_NAME_MAX)
			ret = -EINVAL;
		if (ret)
			goto err;
	}
	s->lookup = cfg->lookup;
	s->lookup_arg = cfg->lookup_arg;
	s->map_to_guest = cfg->map_to_guest;
	s->allow_anonymous = cfg->allow_anonymous;
	s->rand_bytes = cfg->rand_bytes;
	s->filetime_now = cfg->filetime_now;
	s->test_arg = cfg->test_arg;
	return s;
err:
	ntlmssp_server_free(s);
	errno = -ret;
	return NULL;
}

void ntlmssp_server_free(struct ntlmssp_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < 4; i++)
		free(s->names[i]);
	free(s->neg_msg);
	free(s->chal_msg);
	free(s->user);
	free(s->domain);
	free(s->workstation);
	ntlmssp_sign_wipe(&s->c2s);
	ntlmssp_sign_wipe(&s->s2c);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

const char *ntlmssp_server_error(const struct ntlmssp_server *s)
{
	return s->err;
}

const char *ntlmssp_status_name(enum ntlmssp_status st)
{
	static const char *const names[] = { "OK", "NEED_MORE", "LOGON_FAILURE", "INVALID",
					     "ERROR" };

	return (unsigned int)st < 5 ? names[st] : "?";
}

static bool done(const struct ntlmssp_server *s)
{
	return s->state == ST_DONE;
}

const char *ntlmssp_server_user(const struct ntlmssp_server *s)
{
	return done(s) && s->user ? s->user : "";
}

const char *ntlmssp_server_domain(const struct ntlmssp_server *s)
{
	return done(s) && s->domain ? s->domain : "";
}

const char *ntlmssp_server_workstation(const struct ntlmssp_server *s)
{
	return done(s) && s->workstation ? s->workstation : "";
}

bool ntlmssp_server_is_anonymous(const struct ntlmssp_server *s)
{
	return done(s) && s->anonymous;
}

bool ntlmssp_server_is_guest(const struct ntlmssp_server *s)
{
	return done(s) && s->guest;
}

uint32_t ntlmssp_server_flags(const struct ntlmssp_server *s)
{
	return s->flags;
}

int ntlmssp_server_session_key(const struct ntlmssp_server *s, uint8_t key[NTLMSSP_KEY_LEN])
{
	if (!done(s) || !s->have_key)
		return -ENOKEY;
	memcpy(key, s->session_key, NTLMSSP_KEY_LEN);
	return 0;
}

int ntlmssp_server_sign(struct ntlmssp_server *s, const uint8_t *msg, size_t len,
			uint8_t sig[NTLMSSP_SIGNATURE_LEN])
{
	if (!done(s) || !s->can_sign)
		return -ENOKEY;
	return ntlmssp_sign_mac(&s->s2c, msg, len, sig);
}

int ntlmssp_server_verify(struct ntlmssp_server *s, const uint8_t *msg, size_t len,
			  const uint8_t sig[NTLMSSP_SIGNATURE_LEN])
{
	uint8_t want[NTLMSSP_SIGNATURE_LEN];
	int ret;

	if (!done(s) || !s->can_sign)
		return -ENOKEY;
	ret = ntlmssp_sign_mac(&s->c2s, msg, len, want);
	if (!ret && CRYPTO_memcmp(want, sig, NTLMSSP_SIGNATURE_LEN))
		ret = -EBADMSG;
	explicit_bzero(want, sizeof(want));
	return ret;
}
