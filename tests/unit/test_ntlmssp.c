/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lib/rc4.c and lib/ntlmssp.c.
 *
 * (MD4, the NT hash, UTF-8/UTF-16LE and name folding are tested in test_passdb.c.)
 *
 * Vectors and their sources:
 *  - RC4: RFC 6229 section 2 (keys 0x0102030405, 0x01020304050607, 0x0102030405060708,
 *    0x0102030405060708090a0b0c0d0e0f10 and 0x833222772a at several offsets).
 *  - NTLM: MS-NLMP 4.2.1 (inputs: user "User", domain "Domain", password "Password", server
 *    challenge 0123456789abcdef, client challenge aaaaaaaaaaaaaaaa, RandomSessionKey 55..55,
 *    time 0), 4.2.4.1.1 (NTOWFv2), 4.2.4.1.2 (SessionBaseKey), 4.2.4.2.1
 *    (LMv2), 4.2.4.2.2 (NTProofStr), 4.2.4.2.3 (EncryptedRandomSessionKey), 4.2.4.3 (the
 *    AUTHENTICATE_MESSAGE) and 4.2.4.4 (signing and sealing keys, GSS_WrapEx signature).
 *
 * The rest drives the server with a small NTLMv2 client written here (full exchanges, policy,
 * MIC, signing) and with malformed messages of every kind, which must give INVALID and never
 * crash (run under ASan: make SANITIZE=1 user; build/asan/tests/test_ntlmssp).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ntlmssp.h"
#include "rc4.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_true(n < max);
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[256];

	assert_int_equal(unhex(want_hex, want, sizeof(want)), len);
	assert_memory_equal(got, want, len);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- RC4, RFC 6229 ------------------------------------------------------------------------ */

static void check_rc4(const char *key_hex, size_t off, const char *want_hex)
{
	struct rc4_state st;
	uint8_t key[32], zero[16] = { 0 }, out[16], skip[4096];
	size_t klen = unhex(key_hex, key, sizeof(key));

	rc4_init(&st, key, klen);
	memset(skip, 0, sizeof(skip));
	rc4_crypt(&st, skip, skip, off);	/* discard the first off bytes */
	rc4_crypt(&st, zero, out, sizeof(out));
	assert_hex(out, sizeof(out), want_hex);
	rc4_wipe(&st);
}

static void test_rc4_rfc6229(void **state)
{
	(void)state;
	check_rc4("0102030405", 0, "b2396305f03dc027ccc3524a0a1118a8");
	check_rc4("0102030405", 16, "6982944f18fc82d589c403a47a0d0919");
	check_rc4("0102030405", 240, "28cb1132c96ce286421dcaadb8b69eae");
	check_rc4("0102030405", 256, "1cfcf62b03eddb641d77dfcf7f8d8c93");
	check_rc4("0102030405", 4096, "ff25b58995996707e51fbdf08b34d875");
	check_rc4("01020304050607", 0, "293f02d47f37c9b633f2af5285feb46b");
	check_rc4("0102030405060708", 0, "97ab8a1bf0afb96132f2f67258da15a8");
	check_rc4("0102030405060708090a0b0c0d0e0f10", 0, "9ac7cc9a609d1ef7b2932899cde41b97");
	check_rc4("0102030405060708090a0b0c0d0e0f10", 16, "5248c4959014126a6e8a84f11d1a9e1c");
	check_rc4("0102030405060708090a0b0c0d0e0f10", 240, "065902e4b620f6cc36c8589f66432f2b");
	check_rc4("0102030405060708090a0b0c0d0e0f10", 4096, "a36a4c301ae8ac13610ccbc12256cacc");
	check_rc4("833222772a", 0, "80ad97bdc973df8a2e879e92a497efda");
	check_rc4("833222772a", 16, "20f060c2f2e5126501d3d4fea10d5fc0");
	check_rc4("833222772a", 4096, "bf42c3018c2f7c66bfde524975768115");
}

/* Encrypting in pieces equals encrypting at once; decrypting restores the input. */
static void test_rc4_stream_and_inverse(void **state)
{
	struct rc4_state a, b;
	uint8_t key[5] = { 1, 2, 3, 4, 5 }, in[100], one[100], two[100];

	(void)state;
	for (int i = 0; i < 100; i++)
		in[i] = (uint8_t)(i * 7);
	rc4_init(&a, key, 5);
	rc4_init(&b, key, 5);
	rc4_crypt(&a, in, one, 100);
	rc4_crypt(&b, in, two, 33);
	rc4_crypt(&b, in + 33, two + 33, 67);
	assert_memory_equal(one, two, 100);
	rc4_init(&a, key, 5);
	rc4_crypt(&a, one, one, 100);
	assert_memory_equal(one, in, 100);
}

/* ---- MS-NLMP 4.2 vectors ------------------------------------------------------------------- */

static const uint8_t spec_server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

/* 4.2.4.1.3: temp for the client challenge aa..aa, time 0 and the server's AV pairs. */
static const char spec_temp_hex[] =
	"0101000000000000" "0000000000000000" "aaaaaaaaaaaaaaaa" "00000000"
	"02000c0044006f006d00610069006e00" "01000c00530065007200760065007200" "00000000"
	"00000000";

static void test_spec_ntlmv2(void **state)
{
	uint8_t nt[16], ntowf[16], proof[16], base[16], lmv2[16], temp[128], enc[16];
	uint8_t random_key[16];
	size_t tlen = unhex(spec_temp_hex, temp, sizeof(temp));
	struct rc4_state rc4;

	(void)state;
	memset(random_key, 0x55, sizeof(random_key));
	assert_int_equal(ntlmssp_nt_hash("Password", nt), 0);
	assert_int_equal(ntlmssp_ntowfv2(nt, "User", "Domain", ntowf), 0);
	assert_hex(ntowf, 16, "0c868a403bfd7a93a3001ef22ef02e3f");		/* 4.2.4.1.1 */
	/* only the user name is upper-cased */
	assert_int_equal(ntlmssp_ntowfv2(nt, "uSeR", "Domain", lmv2), 0);
	assert_memory_equal(lmv2, ntowf, 16);
	assert_int_equal(ntlmssp_ntowfv2(nt, "User", "DOMAIN", lmv2), 0);
	assert_memory_not_equal(lmv2, ntowf, 16);

	assert_int_equal(ntlmssp_ntv2_proof(ntowf, spec_server_challenge, temp, tlen, proof), 0);
	assert_hex(proof, 16, "68cd0ab851e51c96aabc927bebef6a1c");		/* 4.2.4.2.2 */
	assert_int_equal(ntlmssp_session_base_key(ntowf, proof, base), 0);
	assert_hex(base, 16, "8de40ccadbc14a82f15cb0ad0de95ca3");		/* 4.2.4.1.2 */

	/* LMv2 = HMAC-MD5(NTOWFv2, ServerChallenge || ClientChallenge), 4.2.4.2.1 */
	assert_int_equal(ntlmssp_hmac_md5(ntowf, 16, spec_server_challenge, 8, temp + 16, 8,
					  NULL, 0, lmv2), 0);
	assert_hex(lmv2, 16, "86c35097ac9cec102554764a57cccc19");

	/* EncryptedRandomSessionKey = RC4(KeyExchangeKey = SessionBaseKey, 55..55), 4.2.4.2.3 */
	rc4_init(&rc4, base, 16);
	rc4_crypt(&rc4, random_key, enc, 16);
	assert_hex(enc, 16, "c5dad2544fc9799094ce1ce90bc9d03e");
}

/* 4.2.4.4: keys from RandomSessionKey 55..55, then GSS_WrapEx of "Plaintext" (seq 0). */
static void test_spec_sign_seal(void **state)
{
	static const uint32_t flags = NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_128 |
		NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
		NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	struct ntlmssp_sign_ctx c;
	uint8_t key[16], *plain, sealed[18], sig[16];
	size_t plen;

	(void)state;
	memset(key, 0x55, sizeof(key));
	assert_int_equal(ntlmssp_sign_init(&c, key, flags, true), 0);
	assert_hex(c.sign_key, 16, "4788dc861b4782f35d43fd98fe1a2d39");
	assert_int_equal(ntlmssp_utf8_to_utf16le("Plaintext", 9, &plain, &plen), 0);
	assert_int_equal(plen, 18);
	rc4_crypt(&c.seal, plain, sealed, plen);	/* SEAL() comes first and uses the handle */
	assert_hex(sealed, 18, "54e50165bf1936dc996020c1811b0f06fb5f");
	assert_int_equal(ntlmssp_sign_mac(&c, plain, plen, sig), 0);
	assert_hex(sig, 16, "010000007fb38ec5c55d497600000000");
	assert_int_equal(c.seq, 1);
	free(plain);
	ntlmssp_sign_wipe(&c);
	/* no extended session security: no signing keys (NTLMv1-style signing is not offered) */
	assert_int_equal(ntlmssp_sign_init(&c, key, NTLMSSP_NEGOTIATE_SIGN, true), -ENOTSUP);
}

/* ---- a server with a fixed challenge, and a test client --------------------------------------- */

struct fixture {
	const char *user, *password;	/* the one account the lookup knows */
	int lookup_error;		/* when set, the lookup fails with it */
	uint64_t filetime;
	uint8_t challenge[8];
};

static int fx_lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	struct fixture *fx = arg;

	(void)domain;
	if (fx->lookup_error)
		return fx->lookup_error;
	if (!ntlmssp_name_equal(user, fx->user))
		return -ENOENT;
	return ntlmssp_nt_hash(fx->password, nt_hash);
}

static int fx_rand(void *arg, uint8_t *buf, size_t len)
{
	struct fixture *fx = arg;

	assert_int_equal(len, 8);
	memcpy(buf, fx->challenge, 8);
	return 0;
}

static uint64_t fx_now(void *arg)
{
	return ((struct fixture *)arg)->filetime;
}

static struct ntlmssp_server *fx_server(struct fixture *fx, enum ntlmssp_guest_policy guest,
					bool anonymous)
{
	struct ntlmssp_server_cfg cfg = {
		.nb_computer = "SERVER", .nb_domain = "SERVER",
		.dns_computer = "server.example.test", .dns_domain = "example.test",
		.lookup = fx_lookup, .lookup_arg = fx, .map_to_guest = guest,
		.allow_anonymous = anonymous,
		.rand_bytes = fx_rand, .filetime_now = fx_now, .test_arg = fx,
	};
	struct ntlmssp_server *s = ntlmssp_server_new(&cfg);

	assert_non_null(s);
	return s;
}

static struct fixture spec_fx = {
	.user = "User", .password = "Password", .filetime = 0x01d2d400fdc80b80ull,
	.challenge = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef },
};

/* A NEGOTIATE_MESSAGE with flags and empty domain/workstation fields (32 bytes). */
static size_t make_negotiate(uint8_t *buf, uint32_t flags)
{
	memset(buf, 0, 32);
	memcpy(buf, "NTLMSSP", 8);
	put32(buf + 8, 1);
	put32(buf + 12, flags);
	put32(buf + 20, 32);
	put32(buf + 28, 32);
	return 32;
}

#define CLIENT_FLAGS (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | \
	NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_NTLM | \
	NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | \
	NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | \
	NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_TARGET_INFO)

/* Run NEGOTIATE through s; return the CHALLENGE (caller frees). */
static uint8_t *negotiate(struct ntlmssp_server *s, uint32_t flags, size_t *chal_len,
			  uint8_t *neg, size_t *neg_len)
{
	uint8_t buf[32], *out;

	if (!neg)
		neg = buf;
	*(neg_len ? neg_len : &(size_t){ 0 }) = make_negotiate(neg, flags);
	assert_int_equal(ntlmssp_server_step(s, neg, 32, &out, chal_len), NTLMSSP_NEED_MORE);
	assert_non_null(out);
	return out;
}

/*
 * The MS-NLMP 4.2.4.3 AUTHENTICATE_MESSAGE: the 4.2.1 inputs, flags e2888235 (KEY_EXCH with
 * RandomSessionKey 55..55), Version 5.1.2600, no MIC, workstation "COMPUTER".
 */
static size_t spec_authenticate(uint8_t *buf, size_t max)
{
	static const char *const parts[] = {
		"4e544c4d53535000" "03000000",
		"180018006c000000" "5400540084000000" "0c000c0048000000",	/* LM NT Domain */
		"0800080054000000" "100010005c000000" "10001000d8000000",	/* User WS Key */
		"358288e2" "0501280a0000000f",					/* flags, version */
		"44006f006d00610069006e00" "5500730065007200",			/* Domain, User */
		"43004f004d0050005500540045005200",				/* COMPUTER */
		"86c35097ac9cec102554764a57cccc19" "aaaaaaaaaaaaaaaa",		/* LMv2 */
		"68cd0ab851e51c96aabc927bebef6a1c",				/* NTProofStr */
		"0101000000000000" "0000000000000000" "aaaaaaaaaaaaaaaa" "00000000",
		"02000c0044006f006d00610069006e00" "01000c00530065007200760065007200",
		"00000000" "00000000",
		"c5dad2544fc9799094ce1ce90bc9d03e",				/* session key */
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		n += unhex(parts[i], buf + n, max - n);
	return n;
}

static void test_spec_authenticate_message(void **state)
{
	struct ntlmssp_server *s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	uint8_t auth[512], key[16], *chal, *out;
	size_t alen = spec_authenticate(auth, sizeof(auth)), clen, olen;

	(void)state;
	assert_int_equal(alen, 0xe8);
	chal = negotiate(s, CLIENT_FLAGS, &clen, NULL, NULL);
	assert_memory_equal(chal + 24, spec_server_challenge, 8);
	assert_int_equal(ntlmssp_server_step(s, auth, alen, &out, &olen), NTLMSSP_OK);
	assert_null(out);
	assert_string_equal(ntlmssp_server_user(s), "User");
	assert_string_equal(ntlmssp_server_domain(s), "Domain");
	assert_string_equal(ntlmssp_server_workstation(s), "COMPUTER");
	assert_false(ntlmssp_server_is_guest(s));
	assert_false(ntlmssp_server_is_anonymous(s));
	assert_int_equal(ntlmssp_server_session_key(s, key), 0);
	assert_hex(key, 16, "55555555555555555555555555555555");	/* decrypted with RC4 */
	/* finished: another message is refused and changes nothing */
	assert_int_equal(ntlmssp_server_step(s, auth, alen, &out, &olen), NTLMSSP_INVALID);
	assert_int_equal(ntlmssp_server_session_key(s, key), 0);
	free(chal);
	ntlmssp_server_free(s);
}

static void test_spec_authenticate_wrong_password(void **state)
{
	struct fixture fx = spec_fx;
	struct ntlmssp_server *s;
	uint8_t auth[512], key[16], *chal, *out;
	size_t alen = spec_authenticate(auth, sizeof(auth)), clen, olen;

	(void)state;
	fx.password = "password";
	s = fx_server(&fx, NTLMSSP_GUEST_NEVER, false);
	chal = negotiate(s, CLIENT_FLAGS, &clen, NULL, NULL);
	assert_int_equal(ntlmssp_server_step(s, auth, alen, &out, &olen), NTLMSSP_LOGON_FAILURE);
	assert_string_equal(ntlmssp_server_error(s), "wrong password");
	assert_int_equal(ntlmssp_server_session_key(s, key), -ENOKEY);
	free(chal);
	ntlmssp_server_free(s);
}

/* ---- the test client ------------------------------------------------------------------------ */

struct tclient {
	const char *user, *domain, *password, *workstation;
	uint32_t flags;		/* NEGOTIATE flags; AUTHENTICATE uses these & the CHALLENGE's */
	bool mic;		/* announce (MsvAvFlags) and send a MIC */
	bool short_header;	/* no Version and no MIC field: payload right after the flags */
	bool v1, lm_only, anonymous, no_enc_key;
	uint8_t random_key[16];
	uint8_t exported[16];	/* out: the session key the client ends with */
};

static void tc_defaults(struct tclient *c)
{
	memset(c, 0, sizeof(*c));
	c->user = "User";
	c->domain = "Domain";
	c->password = "Password";
	c->workstation = "COMPUTER";
	c->flags = CLIENT_FLAGS;
	c->mic = true;
	memset(c->random_key, 0x5a, sizeof(c->random_key));
}

static void add_field(uint8_t *msg, size_t *off, size_t pos, const void *data, size_t len)
{
	put16(msg + pos, (uint16_t)len);
	put16(msg + pos + 2, (uint16_t)len);
	put32(msg + pos + 4, (uint32_t)*off);
	if (len)
		memcpy(msg + *off, data, len);
	*off += len;
}

/* Copy the server's AV pairs without EOL, add MsvAvFlags when asked, then EOL; *ts = time. */
static size_t tc_av_pairs(const struct tclient *c, const uint8_t *tinfo, size_t tlen,
			  uint8_t *out, uint8_t ts[8])
{
	size_t pos = 0, o = 0;

	memset(ts, 0, 8);
	while (pos + 4 <= tlen) {
		uint16_t id = get16(tinfo + pos), l = get16(tinfo + pos + 2);

		if (id == NTLMSSP_AV_EOL)
			break;
		if (id == NTLMSSP_AV_TIMESTAMP)
			memcpy(ts, tinfo + pos + 4, 8);
		memcpy(out + o, tinfo + pos, 4u + l);
		o += 4u + l;
		pos += 4u + l;
	}
	if (c->mic) {
		put16(out + o, NTLMSSP_AV_FLAGS);
		put16(out + o + 2, 4);
		put32(out + o + 4, NTLMSSP_AV_FLAG_MIC_PRESENT);
		o += 8;
	}
	memset(out + o, 0, 4);
	return o + 4;
}

/* The NtChallengeResponse for the CHALLENGE; *base gets the SessionBaseKey. */
static size_t tc_nt_response(const struct tclient *c, const uint8_t *chal, size_t challen,
			     uint8_t *nt, uint8_t base[16])
{
	uint8_t hash[16], ntowf[16], ts[8];
	size_t toff = get32(chal + 44), tlen = get16(chal + 40), n;

	assert_true(toff + tlen <= challen);
	memset(nt + 16, 0, 28);
	nt[16] = 1;
	nt[17] = 1;
	n = 16 + 28 + tc_av_pairs(c, chal + toff, tlen, nt + 16 + 28, ts);
	memcpy(nt + 16 + 8, ts, 8);
	memset(nt + 16 + 16, 0x11, 8);		/* ClientChallenge */
	memset(nt + n, 0, 4);
	n += 4;
	assert_int_equal(ntlmssp_nt_hash(c->password, hash), 0);
	assert_int_equal(ntlmssp_ntowfv2(hash, c->user, c->domain, ntowf), 0);
	assert_int_equal(ntlmssp_ntv2_proof(ntowf, chal + 24, nt + 16, n - 16, nt), 0);
	assert_int_equal(ntlmssp_session_base_key(ntowf, nt, base), 0);
	return n;
}

static uint8_t *to16(const char *s, size_t *len)
{
	uint8_t *u;

	assert_int_equal(ntlmssp_utf8_to_utf16le(s, strlen(s), &u, len), 0);
	return u;
}

/* Build the AUTHENTICATE_MESSAGE answering chal (neg is the NEGOTIATE sent, for the MIC). */
static size_t tc_authenticate(struct tclient *c, const uint8_t *neg, size_t neglen,
			      const uint8_t *chal, size_t challen, uint8_t *msg, size_t max)
{
	uint8_t nt[1024], lm[24] = { 0 }, base[16], enc[16];
	uint32_t flags = get32(chal + 20) & c->flags;
	size_t ntlen = 0, lmlen = 24, off = c->short_header ? 64 : 88, dl, ul, wl;
	uint8_t *d = to16(c->domain, &dl), *u = to16(c->user, &ul), *w = to16(c->workstation, &wl);
	struct rc4_state rc4;

	memset(msg, 0, max);
	memcpy(msg, "NTLMSSP", 8);
	put32(msg + 8, 3);
	if (c->anonymous) {
		lmlen = 1;
		flags |= NTLMSSP_ANONYMOUS;
	} else if (c->v1) {
		ntlen = 24;
		memset(nt, 0x42, 24);
	} else if (!c->lm_only) {
		ntlen = tc_nt_response(c, chal, challen, nt, base);
	}
	add_field(msg, &off, 28, d, dl);
	add_field(msg, &off, 36, u, ul);
	add_field(msg, &off, 44, w, wl);
	add_field(msg, &off, 12, lm, lmlen);
	add_field(msg, &off, 20, nt, ntlen);
	memcpy(c->exported, base, 16);
	if ((flags & NTLMSSP_NEGOTIATE_KEY_EXCH) && !c->no_enc_key && ntlen > 24) {
		rc4_init(&rc4, base, 16);
		rc4_crypt(&rc4, c->random_key, enc, 16);
		memcpy(c->exported, c->random_key, 16);
		add_field(msg, &off, 52, enc, 16);
	} else {
		add_field(msg, &off, 52, NULL, 0);
	}
	put32(msg + 60, flags);
	if (!c->short_header)
		memcpy(msg + 64, "\x0a\x00\x63\x45\x00\x00\x00\x0f", 8);
	if (c->mic && !c->short_header && ntlen > 24)
		assert_int_equal(ntlmssp_hmac_md5(c->exported, 16, neg, neglen, chal, challen,
						  msg, off, msg + 72), 0);
	assert_true(off <= max);
	free(d);
	free(u);
	free(w);
	return off;
}

/* One whole exchange: returns the final status; *srv gets the server (caller frees). */
static enum ntlmssp_status exchange(struct fixture *fx, struct tclient *c,
				    enum ntlmssp_guest_policy guest, bool anon,
				    struct ntlmssp_server **srv)
{
	struct ntlmssp_server *s = fx_server(fx, guest, anon);
	uint8_t neg[32], auth[2048], *chal, *out;
	size_t neglen, challen, alen, olen;
	enum ntlmssp_status st;

	chal = negotiate(s, c->flags, &challen, neg, &neglen);
	alen = tc_authenticate(c, neg, neglen, chal, challen, auth, sizeof(auth));
	st = ntlmssp_server_step(s, auth, alen, &out, &olen);
	assert_null(out);
	free(chal);
	if (srv)
		*srv = s;
	else
		ntlmssp_server_free(s);
	return st;
}

/* ---- full exchanges ------------------------------------------------------------------------- */

static void test_exchange_keyexch_mic_and_signing(void **state)
{
	struct tclient c;
	struct ntlmssp_server *s;
	struct ntlmssp_sign_ctx c2s, s2c;
	uint8_t key[16], sig[16], want[16];
	const uint8_t msg[] = "mechTypes DER would go here";

	(void)state;
	tc_defaults(&c);
	assert_int_equal(exchange(&spec_fx, &c, NTLMSSP_GUEST_NEVER, false, &s), NTLMSSP_OK);
	assert_string_equal(ntlmssp_server_error(s), "");
	assert_int_equal(ntlmssp_server_session_key(s, key), 0);
	assert_memory_equal(key, c.random_key, 16);
	assert_true(ntlmssp_server_flags(s) & NTLMSSP_NEGOTIATE_KEY_EXCH);

	/* client -> server: the server verifies; sequence numbers advance on both sides */
	assert_int_equal(ntlmssp_sign_init(&c2s, key, ntlmssp_server_flags(s), true), 0);
	assert_int_equal(ntlmssp_sign_init(&s2c, key, ntlmssp_server_flags(s), false), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ntlmssp_sign_mac(&c2s, msg, sizeof(msg), sig), 0);
		assert_int_equal(get32(sig + 12), (uint32_t)i);
		assert_int_equal(ntlmssp_server_verify(s, msg, sizeof(msg), sig), 0);
	}
	assert_int_equal(ntlmssp_sign_mac(&c2s, msg, sizeof(msg), sig), 0);
	sig[5] ^= 1;
	assert_int_equal(ntlmssp_server_verify(s, msg, sizeof(msg), sig), -EBADMSG);
	/* server -> client */
	assert_int_equal(ntlmssp_server_sign(s, msg, sizeof(msg), sig), 0);
	assert_int_equal(ntlmssp_sign_mac(&s2c, msg, sizeof(msg), want), 0);
	assert_memory_equal(sig, want, 16);
	ntlmssp_sign_wipe(&c2s);
	ntlmssp_sign_wipe(&s2c);
	ntlmssp_server_free(s);
}

static void test_exchange_without_keyexch_or_mic(void **state)
{
	struct tclient c;
	struct ntlmssp_server *s;
	uint8_t key[16];

	(void)state;
	tc_defaults(&c);
	c.flags &= ~NTLMSSP_NEGOTIATE_KEY_EXCH;
	c.mic = false;
	assert_int_equal(exchange(&spec_fx, &c, NTLMSSP_GUEST_NEVER, false, &s), NTLMSSP_OK);
	assert_int_equal(ntlmssp_server_session_key(s, key), 0);
	assert_memory_equal(key, c.exported, 16);	/* the SessionBaseKey */
	assert_memory_not_equal(key, c.random_key, 16);
	ntlmssp_server_free(s);

	/* no extended session security: a key, but no signing */
	tc_defaults(&c);
	c.flags &= ~NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	assert_int_equal(exchange(&spec_fx, &c, NTLMSSP_GUEST_NEVER, false, &s), NTLMSSP_OK);
	assert_int_equal(ntlmssp_server_session_key(s, key), 0);
	assert_int_equal(ntlmssp_server_sign(s, key, 1, key), -ENOKEY);
	ntlmssp_server_free(s);
}

static void test_exchange_user_case_and_unicode(void **state)
{
	struct fixture fx = spec_fx;
	struct tclient c;

	(void)state;
	tc_defaults(&c);
	c.user = "uSER";	/* lookup and NTOWFv2 ignore the case of the user name */
	assert_int_equal(exchange(&fx, &c, NTLMSSP_GUEST_NEVER, false, NULL), NTLMSSP_OK);
	fx.user = "J\xc3\xb6rg";
	fx.password = "p\xc3\xa4ss \xe2\x82\xac \xf0\x9f\x98\x80";
	tc_defaults(&c);
	c.user = "J\xc3\x96RG";
	c.domain = "";
	c.password = fx.password;
	assert_int_equal(exchange(&fx, &c, NTLMSSP_GUEST_NEVER, false, NULL), NTLMSSP_OK);
}

static void test_challenge_message(void **state)
{
	struct ntlmssp_server *s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	uint8_t *chal, *ti, *want;
	size_t clen, tlen, off, wlen;
	uint32_t f;

	(void)state;
	chal = negotiate(s, CLIENT_FLAGS | NTLMSSP_NEGOTIATE_OEM | NTLMSSP_NEGOTIATE_LM_KEY |
			 NTLMSSP_NEGOTIATE_DATAGRAM, &clen, NULL, NULL);
	assert_memory_equal(chal, "NTLMSSP\0\x02\0\0\0", 12);
	f = get32(chal + 20);
	assert_int_equal(f & (NTLMSSP_NEGOTIATE_OEM | NTLMSSP_NEGOTIATE_LM_KEY |
			      NTLMSSP_NEGOTIATE_DATAGRAM), 0);
	assert_int_equal(f, NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET |
			 NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_NTLM |
			 NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_TARGET_TYPE_SERVER |
			 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
			 NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION |
			 NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56);
	assert_memory_equal(chal + 24, spec_fx.challenge, 8);
	assert_memory_equal(chal + 32, "\0\0\0\0\0\0\0\0", 8);		/* Reserved */
	assert_memory_equal(chal + 48, "\x06\x01\0\0\0\0\0\x0f", 8);		/* Version */
	/* TargetName: the NetBIOS computer name */
	assert_int_equal(get16(chal + 12), 12);
	assert_memory_equal(chal + get32(chal + 16), "S\0E\0R\0V\0E\0R\0", 12);
	/* TargetInfo: NbDomain, NbComputer, DnsDomain, DnsComputer, Timestamp, EOL */
	tlen = get16(chal + 40);
	ti = chal + get32(chal + 44);
	assert_true(ti + tlen == chal + clen);
	off = 0;
	static const struct { uint16_t id; const char *val; } av[] = {
		{ NTLMSSP_AV_NB_DOMAIN, "SERVER" }, { NTLMSSP_AV_NB_COMPUTER, "SERVER" },
		{ NTLMSSP_AV_DNS_DOMAIN, "example.test" },
		{ NTLMSSP_AV_DNS_COMPUTER, "server.example.test" },
	};
	for (size_t i = 0; i < 4; i++) {
		want = to16(av[i].val, &wlen);
		assert_int_equal(get16(ti + off), av[i].id);
		assert_int_equal(get16(ti + off + 2), wlen);
		assert_memory_equal(ti + off + 4, want, wlen);
		off += 4 + wlen;
		free(want);
	}
	assert_memory_equal(ti + off, "\x07\x00\x08\x00\x80\x0b\xc8\xfd\x00\xd4\xd2\x01", 12);
	assert_memory_equal(ti + off + 12, "\0\0\0\0", 4);
	assert_int_equal(off + 16, tlen);
	free(chal);
	ntlmssp_server_free(s);

	/* a minimal client: no signing, no key exchange, no version, no target name */
	s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	chal = negotiate(s, NTLMSSP_NEGOTIATE_UNICODE, &clen, NULL, NULL);
	assert_int_equal(get32(chal + 20), NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM |
			 NTLMSSP_NEGOTIATE_TARGET_INFO);
	assert_int_equal(get16(chal + 12), 0);
	assert_memory_equal(chal + 48, "\0\0\0\0\0\0\0\0", 8);
	free(chal);
	ntlmssp_server_free(s);
}

/*
 * An exchange with the spec fixture that must end with want, the error text err (when not
 * NULL) and, on NTLMSSP_OK, a guest logon or not; failed, guest and anonymous logons have no
 * session key.
 */
static void expect(struct tclient *c, enum ntlmssp_guest_policy policy, bool anon,
		   enum ntlmssp_status want, const char *err, bool guest)
{
	struct ntlmssp_server *s;
	uint8_t key[16];

	assert_int_equal(exchange(&spec_fx, c, policy, anon, &s), want);
	if (err)
		assert_string_equal(ntlmssp_server_error(s), err);
	assert_int_equal(ntlmssp_server_is_guest(s), want == NTLMSSP_OK && guest);
	if (want != NTLMSSP_OK || guest || ntlmssp_server_is_anonymous(s)) {
		assert_int_equal(ntlmssp_server_session_key(s, key), -ENOKEY);
		assert_int_equal(ntlmssp_server_sign(s, key, 1, key), -ENOKEY);
	}
	if (guest)	/* the name is kept, but flagged as not authenticated */
		assert_string_equal(ntlmssp_server_user(s), c->user);
	if (want != NTLMSSP_OK)
		assert_string_equal(ntlmssp_server_user(s), "");
	ntlmssp_server_free(s);
}

static void test_wrong_password_and_unknown_user(void **state)
{
	struct tclient c;

	(void)state;
	tc_defaults(&c);
	c.password = "Passwort";
	expect(&c, NTLMSSP_GUEST_NEVER, false, NTLMSSP_LOGON_FAILURE, "wrong password", false);
	tc_defaults(&c);
	c.user = "Mallory";
	expect(&c, NTLMSSP_GUEST_NEVER, false, NTLMSSP_LOGON_FAILURE, "unknown user", false);
	/* any domain is accepted: NTOWFv2 is computed with the domain the client sent */
	tc_defaults(&c);
	c.domain = "Other";
	expect(&c, NTLMSSP_GUEST_NEVER, false, NTLMSSP_OK, "", false);
}

static void test_guest_policy(void **state)
{
	struct tclient c;

	(void)state;
	/* bad user: an unknown user is a guest, a wrong password still fails */
	tc_defaults(&c);
	c.user = "Mallory";
	expect(&c, NTLMSSP_GUEST_BAD_USER, false, NTLMSSP_OK, "", true);
	tc_defaults(&c);
	c.password = "wrong";
	expect(&c, NTLMSSP_GUEST_BAD_USER, false, NTLMSSP_LOGON_FAILURE, "wrong password", false);
	/* bad password: both are guests; a good password is a normal logon */
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, false, NTLMSSP_OK, "", true);
	c.user = "Mallory";
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, false, NTLMSSP_OK, "", true);
	tc_defaults(&c);
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, false, NTLMSSP_OK, "", false);
}

static void test_anonymous(void **state)
{
	struct tclient c;
	struct ntlmssp_server *s;

	(void)state;
	tc_defaults(&c);
	c.anonymous = true;
	c.user = "";
	c.domain = "";
	assert_int_equal(exchange(&spec_fx, &c, NTLMSSP_GUEST_NEVER, true, &s), NTLMSSP_OK);
	assert_true(ntlmssp_server_is_anonymous(s));
	assert_string_equal(ntlmssp_server_user(s), "");
	ntlmssp_server_free(s);
	expect(&c, NTLMSSP_GUEST_NEVER, true, NTLMSSP_OK, "", false);
	expect(&c, NTLMSSP_GUEST_NEVER, false, NTLMSSP_LOGON_FAILURE, "anonymous logon refused",
	       false);
	/* an empty user name with a response is not anonymous */
	tc_defaults(&c);
	c.user = "";
	expect(&c, NTLMSSP_GUEST_BAD_USER, true, NTLMSSP_LOGON_FAILURE,
	       "empty user name with a response", false);
	/*
	 * a user name with empty responses (what "smbclient -N" tries first, as its Unix user)
	 * is a password-less logon: it fails, or is a guest per "map to guest"
	 */
	tc_defaults(&c);
	c.anonymous = true;
	c.user = "root";
	expect(&c, NTLMSSP_GUEST_NEVER, true, NTLMSSP_LOGON_FAILURE, "unknown user", false);
	expect(&c, NTLMSSP_GUEST_BAD_USER, true, NTLMSSP_OK, "", true);
	c.user = "User";
	expect(&c, NTLMSSP_GUEST_BAD_USER, true, NTLMSSP_LOGON_FAILURE,
	       "no response (password-less logon)", false);
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, true, NTLMSSP_OK, "", true);
}

static void test_v1_and_lm_refused(void **state)
{
	struct tclient c;

	(void)state;
	tc_defaults(&c);
	c.v1 = true;	/* refused whatever the guest policy */
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, true, NTLMSSP_LOGON_FAILURE,
	       "NTLMv1 response refused: NTLMv2 is required", false);
	tc_defaults(&c);
	c.lm_only = true;
	expect(&c, NTLMSSP_GUEST_BAD_PASSWORD, true, NTLMSSP_LOGON_FAILURE,
	       "LM response refused: NTLMv2 is required", false);
}

static void test_mic(void **state)
{
	struct ntlmssp_server *s;
	struct tclient c;
	uint8_t neg[32], auth[2048], *chal, *out;
	size_t neglen, challen, alen, olen;

	(void)state;
	for (int what = 0; what < 4; what++) {
		s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
		tc_defaults(&c);
		c.short_header = what == 3;
		chal = negotiate(s, c.flags, &challen, neg, &neglen);
		if (what == 2)
			neg[12] ^= 0x20;	/* the client MACs another NEGOTIATE than was sent */
		alen = tc_authenticate(&c, neg, neglen, chal, challen, auth, sizeof(auth));
		if (what == 0)
			auth[80] ^= 0x01;	/* the MIC itself */
		else if (what == 1)
			auth[60] ^= 0x10;	/* the flags (SIGN), covered by the MIC */
		assert_int_equal(ntlmssp_server_step(s, auth, alen, &out, &olen),
				 what == 3 ? NTLMSSP_INVALID : NTLMSSP_LOGON_FAILURE);
		assert_string_equal(ntlmssp_server_error(s), what == 3 ?
				    "MIC announced but the message has none" : "MIC mismatch");
		free(chal);
		ntlmssp_server_free(s);
	}
}

static void test_keyexch_without_key(void **state)
{
	struct tclient c;

	(void)state;
	tc_defaults(&c);
	c.no_enc_key = true;
	c.mic = false;
	expect(&c, NTLMSSP_GUEST_NEVER, false, NTLMSSP_INVALID,
	       "KEY_EXCH without a 16-byte EncryptedRandomSessionKey", false);
}

static void test_lookup_error(void **state)
{
	struct fixture fx = spec_fx;
	struct tclient c;
	struct ntlmssp_server *s;

	(void)state;
	fx.lookup_error = -EIO;
	tc_defaults(&c);
	assert_int_equal(exchange(&fx, &c, NTLMSSP_GUEST_BAD_USER, false, &s), NTLMSSP_ERROR);
	assert_string_equal(ntlmssp_server_error(s), "user lookup failed: Input/output error");
	ntlmssp_server_free(s);
}

static void test_resume(void **state)
{
	struct ntlmssp_server *a = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false), *b;
	struct tclient c;
	uint8_t neg[32], auth[2048], *chal, *out, key[16];
	size_t neglen, challen, alen, olen;

	(void)state;
	tc_defaults(&c);
	chal = negotiate(a, c.flags, &challen, neg, &neglen);
	alen = tc_authenticate(&c, neg, neglen, chal, challen, auth, sizeof(auth));
	ntlmssp_server_free(a);
	/* another context, resumed from the two messages, checks the AUTHENTICATE */
	b = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	assert_int_equal(ntlmssp_server_resume(b, neg, 15, chal, challen), -EINVAL);
	assert_int_equal(ntlmssp_server_resume(b, neg, neglen, chal, 31), -EINVAL);
	assert_int_equal(ntlmssp_server_resume(b, chal, challen, neg, neglen), -EINVAL);
	assert_int_equal(ntlmssp_server_resume(b, neg, neglen, chal, challen), 0);
	assert_int_equal(ntlmssp_server_resume(b, neg, neglen, chal, challen), -EINVAL);
	assert_int_equal(ntlmssp_server_step(b, auth, alen, &out, &olen), NTLMSSP_OK);
	assert_int_equal(ntlmssp_server_session_key(b, key), 0);
	assert_memory_equal(key, c.random_key, 16);
	free(chal);
	ntlmssp_server_free(b);
}

/* ---- malformed input ------------------------------------------------------------------------- */

/* A valid AUTHENTICATE (with MIC and key exchange) for a fresh server; returns the server. */
static struct ntlmssp_server *prepared(uint8_t *auth, size_t *alen, size_t max)
{
	struct ntlmssp_server *s = fx_server(&spec_fx, NTLMSSP_GUEST_BAD_PASSWORD, true);
	struct tclient c;
	uint8_t neg[32], *chal;
	size_t neglen, challen;

	tc_defaults(&c);
	chal = negotiate(s, c.flags, &challen, neg, &neglen);
	*alen = tc_authenticate(&c, neg, neglen, chal, challen, auth, max);
	free(chal);
	return s;
}

static enum ntlmssp_status feed(struct ntlmssp_server *s, const uint8_t *msg, size_t len)
{
	uint8_t *out;
	size_t olen;
	enum ntlmssp_status st = ntlmssp_server_step(s, msg, len, &out, &olen);

	free(out);
	return st;
}

static void test_bad_negotiate(void **state)
{
	uint8_t neg[64], big[NTLMSSP_MSG_MAX + 1];
	struct ntlmssp_server *s;

	(void)state;
	for (size_t n = 0; n < 16; n++) {	/* every truncation of the fixed part */
		s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
		make_negotiate(neg, CLIENT_FLAGS);
		assert_int_equal(feed(s, n ? neg : NULL, n), NTLMSSP_INVALID);
		assert_int_equal(feed(s, neg, 32), NTLMSSP_INVALID);	/* failed for good */
		ntlmssp_server_free(s);
	}
	struct { size_t pos; uint32_t val; int width; const char *what; } bad[] = {
		{ 0, 'X', 1, "signature" }, { 7, 1, 1, "signature NUL" },
		{ 8, 2, 4, "message type" }, { 8, 3, 4, "AUTHENTICATE first" },
		{ 12, NTLMSSP_NEGOTIATE_OEM, 4, "no Unicode" },
		{ 16, 1, 2, "domain past the end" }, { 20, 0xffffffff, 4, "domain offset huge" },
		{ 24, 0xffff, 2, "workstation length huge" }, { 28, 8, 4, "workstation in header" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
		make_negotiate(neg, CLIENT_FLAGS);
		if (bad[i].pos == 20 || bad[i].pos == 28)
			put16(neg + bad[i].pos - 4, 4);		/* a length, so the offset counts */
		if (bad[i].width == 1)
			neg[bad[i].pos] = (uint8_t)bad[i].val;
		else if (bad[i].width == 2)
			put16(neg + bad[i].pos, (uint16_t)bad[i].val);
		else
			put32(neg + bad[i].pos, bad[i].val);
		print_message("# NEGOTIATE: %s\n", bad[i].what);
		assert_int_equal(feed(s, neg, 32), NTLMSSP_INVALID);
		ntlmssp_server_free(s);
	}
	/* shorter forms are fine: 16 bytes (no fields) */
	s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	make_negotiate(neg, CLIENT_FLAGS);
	assert_int_equal(feed(s, neg, 16), NTLMSSP_NEED_MORE);
	ntlmssp_server_free(s);
	/* too long */
	s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	memset(big, 0, sizeof(big));
	make_negotiate(big, CLIENT_FLAGS);
	assert_int_equal(feed(s, big, sizeof(big)), NTLMSSP_INVALID);
	ntlmssp_server_free(s);
}

static void test_truncated_authenticate(void **state)
{
	uint8_t auth[2048];
	size_t alen;

	(void)state;
	for (size_t n = 0; ; n++) {
		struct ntlmssp_server *s = prepared(auth, &alen, sizeof(auth));

		if (n == alen) {
			assert_int_equal(feed(s, auth, n), NTLMSSP_OK);
			ntlmssp_server_free(s);
			break;
		}
		assert_int_equal(feed(s, n ? auth : NULL, n), NTLMSSP_INVALID);
		ntlmssp_server_free(s);
	}
}

/* Every field descriptor of the AUTHENTICATE: out of bounds, huge, inside the header. */
static void test_bad_authenticate_fields(void **state)
{
	uint8_t auth[2048];
	size_t alen;

	(void)state;
	for (size_t pos = 12; pos <= 52; pos += 8) {
		for (int how = 0; how < 5; how++) {
			struct ntlmssp_server *s = prepared(auth, &alen, sizeof(auth));
			uint16_t len = get16(auth + pos);

			switch (how) {
			case 0:		/* offset just past the end */
				put32(auth + pos + 4, (uint32_t)(alen - len + 1));
				break;
			case 1:		/* offset huge, wrapping when added */
				put32(auth + pos + 4, 0xfffffff0u);
				break;
			case 2:		/* length larger than the message */
				put16(auth + pos, 0xffff);
				break;
			case 3:		/* inside the fixed header */
				put32(auth + pos + 4, 40);
				if (!len)
					put16(auth + pos, 8);
				break;
			case 4:		/* offset at the very end, length 1 */
				put16(auth + pos, 1);
				put32(auth + pos + 4, (uint32_t)alen);
				break;
			}
			assert_int_equal(feed(s, auth, alen), NTLMSSP_INVALID);
			ntlmssp_server_free(s);
		}
	}
}

/* Bad contents: names, the NTLMv2 response and its AV pairs. */
static void test_bad_authenticate_contents(void **state)
{
	uint8_t auth[2048];
	size_t alen, nt, user;
	struct ntlmssp_server *s;

	(void)state;
	for (int how = 0; how < 9; how++) {
		s = prepared(auth, &alen, sizeof(auth));
		nt = get32(auth + 24);
		user = get32(auth + 40);
		switch (how) {
		case 0:		/* odd user name length */
			put16(auth + 36, (uint16_t)(get16(auth + 36) - 1));
			break;
		case 1:		/* lone surrogate in the user name */
			put16(auth + user, 0xd800);
			break;
		case 2:		/* U+0000 in the user name */
			put16(auth + user + 2, 0);
			break;
		case 3:		/* NTLMv2 response shorter than its fixed part */
			put16(auth + 20, 30);
			break;
		case 4:		/* unknown response version */
			auth[nt + 16] = 2;
			break;
		case 5:		/* first AV pair longer than the response */
			put16(auth + nt + 16 + 28 + 2, 0x7fff);
			break;
		case 6:		/* no MsvAvEOL: the list runs to the end */
			put16(auth + 20, (uint16_t)(16 + 28 + 2));
			break;
		case 7:		/* MsvAvFlags of the wrong size */
			for (size_t p = nt + 44; p < nt + get16(auth + 20); p += 4u + get16(auth + p + 2))
				if (get16(auth + p) == NTLMSSP_AV_FLAGS) {
					put16(auth + p + 2, 3);
					break;
				}
			break;
		case 8:		/* user name longer than NTLMSSP_NAME_MAX */
			put16(auth + 36, 2 * NTLMSSP_NAME_MAX + 2);
			put32(auth + 40, 88);
			break;
		}
		print_message("# AUTHENTICATE contents case %d\n", how);
		assert_int_equal(feed(s, auth, alen), NTLMSSP_INVALID);
		ntlmssp_server_free(s);
	}
}

/* Random damage to a valid AUTHENTICATE: any result but a crash (ASan checks the reads). */
static void test_mutated_authenticate(void **state)
{
	uint8_t auth[2048], copy[2048];
	size_t alen;
	unsigned int seed = 12345, counts[5] = { 0 };

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		struct ntlmssp_server *s = prepared(auth, &alen, sizeof(auth));
		int flips = 1 + (int)(rand_r(&seed) % 4);

		memcpy(copy, auth, alen);
		for (int f = 0; f < flips; f++)
			copy[rand_r(&seed) % alen] = (uint8_t)rand_r(&seed);
		counts[feed(s, copy, alen)]++;
		ntlmssp_server_free(s);
	}
	print_message("# mutations: OK %u, LOGON_FAILURE %u, INVALID %u, ERROR %u\n",
		      counts[NTLMSSP_OK], counts[NTLMSSP_LOGON_FAILURE], counts[NTLMSSP_INVALID],
		      counts[NTLMSSP_ERROR]);
	assert_int_equal(counts[NTLMSSP_NEED_MORE], 0);
	assert_int_equal(counts[NTLMSSP_ERROR], 0);
}

static void test_wrong_order(void **state)
{
	uint8_t auth[2048], neg[32];
	size_t alen;
	struct ntlmssp_server *s = prepared(auth, &alen, sizeof(auth));

	(void)state;
	/* a second NEGOTIATE where the AUTHENTICATE belongs */
	assert_int_equal(feed(s, neg, make_negotiate(neg, CLIENT_FLAGS)), NTLMSSP_INVALID);
	assert_string_equal(ntlmssp_server_error(s), "malformed AUTHENTICATE_MESSAGE");
	assert_int_equal(feed(s, auth, alen), NTLMSSP_INVALID);
	ntlmssp_server_free(s);
	/* AUTHENTICATE first */
	s = fx_server(&spec_fx, NTLMSSP_GUEST_NEVER, false);
	assert_int_equal(feed(s, auth, alen), NTLMSSP_INVALID);
	ntlmssp_server_free(s);
	ntlmssp_server_free(NULL);
}

static void test_server_new(void **state)
{
	struct ntlmssp_server_cfg cfg = { 0 };
	struct ntlmssp_server *s;
	char longname[2 * NTLMSSP_NAME_MAX];

	(void)state;
	s = ntlmssp_server_new(&cfg);		/* all names empty: allowed */
	assert_non_null(s);
	ntlmssp_server_free(s);
	cfg.nb_computer = "\xff";
	assert_null(ntlmssp_server_new(&cfg));
	assert_int_equal(errno, EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	cfg.nb_computer = longname;
	assert_null(ntlmssp_server_new(&cfg));
	assert_string_equal(ntlmssp_status_name(NTLMSSP_LOGON_FAILURE), "LOGON_FAILURE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc4_rfc6229),
		cmocka_unit_test(test_rc4_stream_and_inverse),
		cmocka_unit_test(test_spec_ntlmv2),
		cmocka_unit_test(test_spec_sign_seal),
		cmocka_unit_test(test_spec_authenticate_message),
		cmocka_unit_test(test_spec_authenticate_wrong_password),
		cmocka_unit_test(test_exchange_keyexch_mic_and_signing),
		cmocka_unit_test(test_exchange_without_keyexch_or_mic),
		cmocka_unit_test(test_exchange_user_case_and_unicode),
		cmocka_unit_test(test_challenge_message),
		cmocka_unit_test(test_wrong_password_and_unknown_user),
		cmocka_unit_test(test_guest_policy),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_v1_and_lm_refused),
		cmocka_unit_test(test_mic),
		cmocka_unit_test(test_keyexch_without_key),
		cmocka_unit_test(test_lookup_error),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_bad_negotiate),
		cmocka_unit_test(test_truncated_authenticate),
		cmocka_unit_test(test_bad_authenticate_fields),
		cmocka_unit_test(test_bad_authenticate_contents),
		cmocka_unit_test(test_mutated_authenticate),
		cmocka_unit_test(test_wrong_order),
		cmocka_unit_test(test_server_new),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
