/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SPNEGO (RFC 4178, with the MS-SPNG NegTokenInit2) around NTLMSSP, the server side.
 *
 *	SMB2 NEGOTIATE response:  spnego_build_init2()          -> NegTokenInit2 (NTLMSSP only)
 *	SESSION_SETUP #1:  NegTokenInit (mechTypes, mechToken = NEGOTIATE_MESSAGE)
 *	                   -> NegTokenResp accept-incomplete, supportedMech, CHALLENGE_MESSAGE
 *	SESSION_SETUP #2:  NegTokenResp (AUTHENTICATE_MESSAGE [, mechListMIC])
 *	                   -> NegTokenResp accept-completed [, mechListMIC]
 *
 * A client whose first choice is another mechanism (Kerberos) gets request-mic and
 * supportedMech without a token, sends the NEGOTIATE_MESSAGE in a NegTokenResp, and must then
 * send a mechListMIC (RFC 4178 section 5). A mechListMIC from the client is verified with the
 * NTLMSSP signing keys (MS-NLMP 3.4.4.2) over the DER mechTypes it sent, and answered with the
 * server's; one that does not verify, or that cannot be verified on a session that has keys
 * (no extended session security), fails the logon. Anonymous and guest sessions have no key:
 * there a client mechListMIC is ignored and none is sent, as Samba does.
 *
 * A first message that starts with "NTLMSSP\0" selects raw NTLMSSP (no SPNEGO) for the whole
 * exchange, as the Linux kernel client sends it.
 */
#ifndef KC_SPNEGO_H
#define KC_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntlmssp.h"

/* DER contents of the OIDs */
extern const uint8_t spnego_oid_spnego[6];	/* 1.3.6.1.5.5.2 */
extern const uint8_t spnego_oid_ntlmssp[10];	/* 1.3.6.1.4.1.311.2.2.10 */
#define SPNEGO_NEG_HINT "not_defined_in_RFC4178@please_ignore"

enum spnego_neg_state {		/* NegTokenResp.negState */
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
};

/* A parsed NegTokenInit (inside its GSS-API InitialContextToken); pointers into the input. */
struct spnego_init {
	const uint8_t *mech_types;	/* the whole DER MechTypeList (SEQUENCE OF OID) */
	size_t mech_types_len;
	int mech_count;
	int ntlmssp_index;		/* position of NTLMSSP in mechTypes; -1 when absent */
	const uint8_t *mech_token;	/* NULL when absent */
	size_t mech_token_len;
	const uint8_t *mech_list_mic;	/* NULL when absent */
	size_t mech_list_mic_len;
};

/* A parsed NegTokenResp; pointers into the input. */
struct spnego_resp {
	int neg_state;			/* -1 when absent */
	const uint8_t *supported_mech;	/* OID contents, NULL when absent */
	size_t supported_mech_len;
	const uint8_t *response_token;	/* NULL when absent */
	size_t response_token_len;
	const uint8_t *mech_list_mic;	/* NULL when absent */
	size_t mech_list_mic_len;
};

/* Parse the client's initial token. 0 or -EINVAL (malformed, trailing bytes, bad DER). */
int spnego_parse_init(const uint8_t *in, size_t len, struct spnego_init *out);
/* Parse a NegTokenResp ([1] ...). 0 or -EINVAL. */
int spnego_parse_resp(const uint8_t *in, size_t len, struct spnego_resp *out);
/*
 * The server's initial token for the SMB2 NEGOTIATE response: NegTokenInit2 with mechTypes
 * { NTLMSSP } and the negHints principal SPNEGO_NEG_HINT. 0 or -ENOMEM; *out malloc'ed.
 */
int spnego_build_init2(uint8_t **out, size_t *outlen);
/*
 * Build a NegTokenResp. neg_state < 0 leaves negState out; the other parts are left out when
 * NULL. 0 or -ENOMEM; *out malloc'ed.
 */
int spnego_build_resp(int neg_state, const uint8_t *supported_mech, size_t mech_len,
		      const uint8_t *token, size_t token_len, const uint8_t *mic, size_t mic_len,
		      uint8_t **out, size_t *outlen);

/* ---- the server ------------------------------------------------------------------------------ */

struct spnego_server;

/* A new server; cfg as for ntlmssp_server_new(). NULL with errno set on failure. */
struct spnego_server *spnego_server_new(const struct ntlmssp_server_cfg *cfg);
void spnego_server_free(struct spnego_server *s);
/*
 * Feed one security blob from the client (SPNEGO or raw NTLMSSP). The statuses are those of
 * ntlmssp_server_step(). *out is malloc'ed (the caller frees it) or NULL: the answer on
 * NTLMSSP_NEED_MORE and NTLMSSP_OK (accept-completed), a reject token when the client offers
 * no mechanism we support, NULL on other failures.
 */
enum ntlmssp_status spnego_server_step(struct spnego_server *s, const uint8_t *in, size_t inlen,
				       uint8_t **out, size_t *outlen);
/* The NTLMSSP context, for the user, flags and session key after NTLMSSP_OK. */
struct ntlmssp_server *spnego_server_ntlmssp(struct spnego_server *s);
/* Whether the client spoke raw NTLMSSP. */
bool spnego_server_is_raw(const struct spnego_server *s);
/* Why the last step failed, for logs ("" when it did not). */
const char *spnego_server_error(const struct spnego_server *s);
/*
 * Resume a fresh server after its NegTokenInit round, from the DER mechTypes the client sent
 * and the NTLMSSP NEGOTIATE and CHALLENGE messages (see ntlmssp_server_resume()): the next
 * step takes the client's NegTokenResp with the AUTHENTICATE_MESSAGE. 0, -EINVAL or -ENOMEM.
 */
int spnego_server_resume(struct spnego_server *s, const uint8_t *mech_types, size_t mt_len,
			 const uint8_t *negotiate, size_t neglen, const uint8_t *challenge,
			 size_t challen);

#endif /* KC_SPNEGO_H */
