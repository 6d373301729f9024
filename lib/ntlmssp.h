/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTLMSSP, the server side (MS-NLMP), NTLMv2 only.
 *
 * A server context is a small state machine fed with the messages the client sends:
 *
 *	NEGOTIATE_MESSAGE    -> ntlmssp_server_step() -> NTLMSSP_NEED_MORE + CHALLENGE_MESSAGE
 *	AUTHENTICATE_MESSAGE -> ntlmssp_server_step() -> NTLMSSP_OK (or LOGON_FAILURE, INVALID)
 *
 * after which the getters give the user, the domain, the guest/anonymous flags and the
 * 16-byte session key (MS-NLMP ExportedSessionKey). Every offset and length in a message is
 * checked against the message before use; a malformed message gives NTLMSSP_INVALID and
 * leaves the context failed. NTLMv1 and LM responses are refused (NTLMSSP_LOGON_FAILURE).
 * Password hashes come from a lookup callback and never leave this module except through it.
 *
 * The module also holds the pieces the rest of the code needs around NTLM: UTF-8 <-> UTF-16LE
 * conversion, the upper-casing that user names are compared with, the NT hash of a password,
 * the NTLMv2 one-way functions (exposed for the MS-NLMP 4.2.4 test vectors) and message
 * signing (MS-NLMP 3.4.4.2), which SPNEGO uses for its mechListMIC.
 */
#ifndef KC_NTLMSSP_H
#define KC_NTLMSSP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "md4.h"
#include "rc4.h"

/* NEGOTIATE flags, MS-NLMP 2.2.2.5 */
#define NTLMSSP_NEGOTIATE_UNICODE			0x00000001u
#define NTLMSSP_NEGOTIATE_OEM				0x00000002u
#define NTLMSSP_REQUEST_TARGET				0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN				0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL				0x00000020u
#define NTLMSSP_NEGOTIATE_DATAGRAM			0x00000040u
#define NTLMSSP_NEGOTIATE_LM_KEY			0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM				0x00000200u
#define NTLMSSP_ANONYMOUS				0x00000800u
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED		0x00001000u
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED	0x00002000u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN			0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN			0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER			0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY	0x00080000u
#define NTLMSSP_NEGOTIATE_IDENTIFY			0x00100000u
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY		0x00400000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO			0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION			0x02000000u
#define NTLMSSP_NEGOTIATE_128				0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH			0x40000000u
#define NTLMSSP_NEGOTIATE_56				0x80000000u

/* AV_PAIR ids, MS-NLMP 2.2.2.1 */
enum ntlmssp_av_id {
	NTLMSSP_AV_EOL = 0,
	NTLMSSP_AV_NB_COMPUTER = 1,
	NTLMSSP_AV_NB_DOMAIN = 2,
	NTLMSSP_AV_DNS_COMPUTER = 3,
	NTLMSSP_AV_DNS_DOMAIN = 4,
	NTLMSSP_AV_DNS_TREE = 5,
	NTLMSSP_AV_FLAGS = 6,
	NTLMSSP_AV_TIMESTAMP = 7,
	NTLMSSP_AV_SINGLE_HOST = 8,
	NTLMSSP_AV_TARGET_NAME = 9,
	NTLMSSP_AV_CHANNEL_BINDINGS = 10,
};
#define NTLMSSP_AV_FLAG_MIC_PRESENT	0x00000002u

#define NTLMSSP_KEY_LEN		16	/* session key, NT hash, HMAC-MD5 output */
#define NTLMSSP_CHALLENGE_LEN	8
#define NTLMSSP_SIGNATURE_LEN	16	/* NTLMSSP_MESSAGE_SIGNATURE */
#define NTLMSSP_MSG_MAX		65535	/* longer input is refused as invalid */
#define NTLMSSP_NAME_MAX	256	/* UTF-16 code units in a user, domain or workstation name */

/* ---- the server --------------------------------------------------------------------------- */

/*
 * Look up the NT hash (MD4 of the UTF-16LE password) of user. domain is the domain the client
 * named (often empty, the workgroup, or this server's name); a standalone server ignores it.
 * Returns 0 and fills nt_hash, -ENOENT when there is no such user, another negative errno
 * when the lookup itself failed (the logon then fails with NTLMSSP_ERROR).
 */
typedef int (*ntlmssp_lookup_fn)(void *arg, const char *user, const char *domain,
				 uint8_t nt_hash[NTLMSSP_KEY_LEN]);

enum ntlmssp_guest_policy {	/* the values of "map to guest" */
	NTLMSSP_GUEST_NEVER,		/* failed logons fail */
	NTLMSSP_GUEST_BAD_USER,		/* an unknown user becomes a guest logon */
	NTLMSSP_GUEST_BAD_PASSWORD,	/* ... and so does a wrong password */
};

struct ntlmssp_server_cfg {
	const char *nb_computer;	/* NetBIOS computer name: TargetName, MsvAvNbComputerName */
	const char *nb_domain;		/* MsvAvNbDomainName (a standalone server: its own name) */
	const char *dns_computer;	/* MsvAvDnsComputerName */
	const char *dns_domain;		/* MsvAvDnsDomainName */
	ntlmssp_lookup_fn lookup;
	void *lookup_arg;
	enum ntlmssp_guest_policy map_to_guest;
	bool allow_anonymous;		/* accept the anonymous (null session) logon */
	/* For tests only; NULL means OpenSSL's RAND_bytes() and the real clock. */
	int (*rand_bytes)(void *arg, uint8_t *buf, size_t len);	/* 0 on success */
	uint64_t (*filetime_now)(void *arg);	/* 100 ns units since 1601-01-01 UTC */
	void *test_arg;
};

enum ntlmssp_status {
	NTLMSSP_OK,		/* authenticated; the getters below may be used */
	NTLMSSP_NEED_MORE,	/* send the output and call again with the client's answer */
	NTLMSSP_LOGON_FAILURE,	/* unknown user, wrong password, bad MIC, NTLMv1/LM, policy */
	NTLMSSP_INVALID,	/* malformed or unexpected message */
	NTLMSSP_ERROR,		/* internal failure: memory, random source, crypto, lookup */
};

struct ntlmssp_server;

/* A new server context; the strings of cfg are copied. NULL with errno set on failure. */
struct ntlmssp_server *ntlmssp_server_new(const struct ntlmssp_server_cfg *cfg);
/* Free the context, wiping its keys. NULL is a no-op. */
void ntlmssp_server_free(struct ntlmssp_server *s);
/*
 * Feed one client message. On NTLMSSP_NEED_MORE, *out is a malloc'ed message for the client
 * (the caller frees it); otherwise *out is NULL and *outlen 0. After anything but
 * NTLMSSP_NEED_MORE the context is finished: further calls return NTLMSSP_INVALID.
 */
enum ntlmssp_status ntlmssp_server_step(struct ntlmssp_server *s, const uint8_t *in, size_t inlen,
					uint8_t **out, size_t *outlen);
/*
 * Put a fresh context in the state "CHALLENGE sent" from a NEGOTIATE_MESSAGE and the
 * CHALLENGE_MESSAGE answered to it (both kept for the MIC), so that the AUTHENTICATE_MESSAGE
 * can be checked by another context than the one that answered: a session setup continued
 * elsewhere, or a test replaying a recorded exchange. 0, -EINVAL (bad messages) or -ENOMEM.
 */
int ntlmssp_server_resume(struct ntlmssp_server *s, const uint8_t *negotiate, size_t neglen,
			  const uint8_t *challenge, size_t challen);
/* Why the last step failed, for logs ("" when it did not). Never contains secrets. */
const char *ntlmssp_server_error(const struct ntlmssp_server *s);
const char *ntlmssp_status_name(enum ntlmssp_status st);

/* After NTLMSSP_OK. User and domain are as the client sent them ("" when anonymous). */
const char *ntlmssp_server_user(const struct ntlmssp_server *s);
const char *ntlmssp_server_domain(const struct ntlmssp_server *s);
const char *ntlmssp_server_workstation(const struct ntlmssp_server *s);
bool ntlmssp_server_is_anonymous(const struct ntlmssp_server *s);
/* A guest logon (map to guest): the user name is NOT authenticated and must not be trusted. */
bool ntlmssp_server_is_guest(const struct ntlmssp_server *s);
/* The negotiated flags (CHALLENGE flags as confirmed by the AUTHENTICATE message). */
uint32_t ntlmssp_server_flags(const struct ntlmssp_server *s);
/*
 * The session key (ExportedSessionKey). Returns 0, or -ENOKEY when there is none: before
 * NTLMSSP_OK, and for anonymous and guest logons.
 */
int ntlmssp_server_session_key(const struct ntlmssp_server *s, uint8_t key[NTLMSSP_KEY_LEN]);

/*
 * Message signing with the negotiated keys (MS-NLMP 3.4.4.2, extended session security):
 * sign a message to the client, or verify a signature made by the client. Each direction
 * keeps its own sequence number and RC4 handle, starting at 0. Returns 0; -ENOKEY when there
 * is no key or no extended session security; verify returns -EBADMSG on a mismatch.
 */
int ntlmssp_server_sign(struct ntlmssp_server *s, const uint8_t *msg, size_t len,
			uint8_t sig[NTLMSSP_SIGNATURE_LEN]);
int ntlmssp_server_verify(struct ntlmssp_server *s, const uint8_t *msg, size_t len,
			  const uint8_t sig[NTLMSSP_SIGNATURE_LEN]);

/* ---- building blocks (also used by tests and the password database) ------------------------ */

/* One direction of signing: SIGNKEY, the RC4 handle of SEALKEY and the sequence number. */
struct ntlmssp_sign_ctx {
	uint8_t sign_key[NTLMSSP_KEY_LEN];
	struct rc4_state seal;
	uint32_t seq;
	bool key_exch;
};

/*
 * Derive the keys of one direction from the ExportedSessionKey and the negotiated flags
 * (SIGNKEY and SEALKEY of MS-NLMP 3.4.5.2, 3.4.5.3). Needs extended session security:
 * -ENOTSUP without it; -EIO when the crypto library fails.
 */
int ntlmssp_sign_init(struct ntlmssp_sign_ctx *ctx, const uint8_t exported_key[NTLMSSP_KEY_LEN],
		      uint32_t flags, bool client_to_server);
/* MAC() of MS-NLMP 3.4.4.2: sig = Version 1 || Checksum || SeqNum; advances the sequence. */
int ntlmssp_sign_mac(struct ntlmssp_sign_ctx *ctx, const uint8_t *msg, size_t len,
		     uint8_t sig[NTLMSSP_SIGNATURE_LEN]);
void ntlmssp_sign_wipe(struct ntlmssp_sign_ctx *ctx);

/* HMAC-MD5 over the concatenation of up to three buffers (NULL/0 for unused). 0 or -EIO. */
int ntlmssp_hmac_md5(const uint8_t *key, size_t keylen, const void *a, size_t alen,
		     const void *b, size_t blen, const void *c, size_t clen,
		     uint8_t out[NTLMSSP_KEY_LEN]);
/*
 * NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) || domain)), MS-NLMP 3.3.2; user and
 * domain in UTF-8. 0, -EINVAL (bad UTF-8), -ENOMEM or -EIO.
 */
int ntlmssp_ntowfv2(const uint8_t nt_hash[NTLMSSP_KEY_LEN], const char *user, const char *domain,
		    uint8_t out[NTLMSSP_KEY_LEN]);
/* NTProofStr = HMAC-MD5(NTOWFv2, ServerChallenge || temp). 0 or -EIO. */
int ntlmssp_ntv2_proof(const uint8_t ntowfv2[NTLMSSP_KEY_LEN],
		       const uint8_t server_challenge[NTLMSSP_CHALLENGE_LEN], const uint8_t *temp,
		       size_t templen, uint8_t out[NTLMSSP_KEY_LEN]);
/* SessionBaseKey = HMAC-MD5(NTOWFv2, NTProofStr). 0 or -EIO. */
int ntlmssp_session_base_key(const uint8_t ntowfv2[NTLMSSP_KEY_LEN],
			     const uint8_t proof[NTLMSSP_KEY_LEN], uint8_t out[NTLMSSP_KEY_LEN]);

/* ---- text ------------------------------------------------------------------------------------ */

/*
 * Convert len bytes of UTF-8 to UTF-16LE (surrogate pairs above U+FFFF) in a malloc'ed
 * buffer. 0; -EINVAL for ill-formed UTF-8 (overlong forms, surrogates, > U+10FFFF,
 * truncated sequences); -ENOMEM.
 */
int ntlmssp_utf8_to_utf16le(const char *s, size_t len, uint8_t **out, size_t *outlen);
/*
 * Convert len bytes of UTF-16LE to a malloc'ed NUL-terminated UTF-8 string. 0; -EINVAL for an
 * odd length, an unpaired surrogate or a U+0000; -ENOMEM.
 */
int ntlmssp_utf16le_to_utf8(const uint8_t *in, size_t len, char **out);
/*
 * The helpers below are inline so that code needing only them (the password database, the
 * CLI) does not link this module, and with it OpenSSL.
 */

/*
 * Decode the UTF-8 sequence at s[*pos] (pos < len) into *cp and advance *pos. -EINVAL for an
 * ill-formed sequence: overlong, a surrogate, above U+10FFFF, truncated.
 */
static inline int ntlmssp_utf8_next(const uint8_t *s, size_t len, size_t *pos, uint32_t *cp)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	size_t i = *pos;
	uint32_t c = s[i];
	int n;	/* continuation bytes */

	n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
	    (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0)
		return -EINVAL;
	c &= n ? 0x3fu >> n : 0x7fu;
	if (len - i - 1 < (size_t)n)
		return -EINVAL;
	for (int k = 1; k <= n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return -EINVAL;
		c = c << 6 | (s[i + k] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -EINVAL;
	*pos = i + 1 + (size_t)n;
	*cp = c;
	return 0;
}

/*
 * Simple (one to one) upper-case mapping of a code point, as user names are compared and as
 * NTOWFv2 upper-cases them: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and the
 * fullwidth Latin letters. Other code points are returned unchanged.
 */
static inline uint32_t ntlmssp_toupper(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') ? c - 0x20 : c;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)		/* Latin-1 */
		return c - 0x20;
	if (c == 0xff)
		return 0x178;
	if (c >= 0x100 && c <= 0x17e) {			/* Latin Extended-A: pairs */
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c : c - 1;
		if (c == 0x131 || c == 0x138 || c == 0x149)
			return c;
		return (c & 1) ? c - 1 : c;
	}
	if ((c >= 0x3b1 && c <= 0x3c1) || (c >= 0x3c3 && c <= 0x3cb))	/* Greek */
		return c - 0x20;
	if (c == 0x3c2)
		return 0x3a3;
	if (c == 0x3ac)
		return 0x386;
	if (c >= 0x3ad && c <= 0x3af)
		return c - 0x25;
	if (c == 0x3cc)
		return 0x38c;
	if (c == 0x3cd || c == 0x3ce)
		return c - 0x3f;
	if (c >= 0x430 && c <= 0x44f)				/* Cyrillic */
		return c - 0x20;
	if (c >= 0x450 && c <= 0x45f)
		return c - 0x50;
	if (c >= 0xff41 && c <= 0xff5a)				/* fullwidth Latin */
		return c - 0x20;
	return c;
}

/* Whether two UTF-8 names are equal ignoring case as ntlmssp_toupper() maps it. */
static inline bool ntlmssp_name_equal(const char *a, const char *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	size_t xl = strlen(a), yl = strlen(b), i = 0, j = 0;
	uint32_t c, d;

	while (i < xl && j < yl) {
		if (ntlmssp_utf8_next(x, xl, &i, &c) || ntlmssp_utf8_next(y, yl, &j, &d))
			return !strcmp(a, b);
		if (ntlmssp_toupper(c) != ntlmssp_toupper(d))
			return false;
	}
	return i == xl && j == yl;
}

/* NT hash = MD4(UTF-16LE(password)). 0, or -EINVAL when password is not valid UTF-8. */
static inline int ntlmssp_nt_hash(const char *password, uint8_t out[NTLMSSP_KEY_LEN])
{
	const uint8_t *p = (const uint8_t *)password;
	size_t len = strlen(password), pos = 0;
	struct md4_ctx ctx;
	uint8_t u[4];
	uint32_t c;

	md4_init(&ctx);
	while (pos < len) {
		if (ntlmssp_utf8_next(p, len, &pos, &c)) {
			md4_final(&ctx, out);
			return -EINVAL;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			u[0] = (uint8_t)(0xd800 | c >> 10);
			u[1] = (uint8_t)((0xd800 | c >> 10) >> 8);
			u[2] = (uint8_t)(0xdc00 | (c & 0x3ff));
			u[3] = (uint8_t)((0xdc00 | (c & 0x3ff)) >> 8);
			md4_update(&ctx, u, 4);
		} else {
			u[0] = (uint8_t)c;
			u[1] = (uint8_t)(c >> 8);
			md4_update(&ctx, u, 2);
		}
	}
	md4_final(&ctx, out);
	explicit_bzero(u, sizeof(u));
	return 0;
}

#endif /* KC_NTLMSSP_H */
