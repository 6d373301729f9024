/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DCE/RPC connection-oriented protocol (C706 chapter 12, with the MS-RPCE extensions):
 * PDU parsing and building, and a transport-independent server association that binds
 * presentation contexts, reassembles fragmented requests, dispatches calls to interfaces and
 * fragments their responses.
 *
 * Scope: NDR20 only, little-endian data representation only, no authentication (a PDU with
 * auth_length != 0 is refused: bind_nak for a bind, a fault otherwise), one call at a time.
 * The same code serves named pipes (mountd: srvsvc, wkssvc) and TCP (witnessd, MS-SWN).
 */
#ifndef KC_DCERPC_H
#define KC_DCERPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ndr.h"

#define DCERPC_HDR_LEN		16	/* common header */
#define DCERPC_REQUEST_LEN	24	/* request header, without the object UUID */
#define DCERPC_RESPONSE_LEN	24
#define DCERPC_FAULT_LEN	32
#define DCERPC_MIN_FRAG		1432	/* every implementation must accept this (C706 12.6.3.3) */
#define DCERPC_MAX_FRAG		4280	/* the largest fragment this server sends or accepts */
#define DCERPC_MAX_REQUEST	(1u << 20)	/* reassembled request stub limit */
#define DCERPC_MAX_CONTEXTS	64	/* presentation contexts per association */
#define DCERPC_MAX_OUTPUT	(4u << 20)	/* queued response bytes before input is refused */

enum dcerpc_ptype {
	DCERPC_PT_REQUEST = 0,
	DCERPC_PT_PING = 1,
	DCERPC_PT_RESPONSE = 2,
	DCERPC_PT_FAULT = 3,
	DCERPC_PT_WORKING = 4,
	DCERPC_PT_NOCALL = 5,
	DCERPC_PT_REJECT = 6,
	DCERPC_PT_ACK = 7,
	DCERPC_PT_CL_CANCEL = 8,
	DCERPC_PT_FACK = 9,
	DCERPC_PT_CANCEL_ACK = 10,
	DCERPC_PT_BIND = 11,
	DCERPC_PT_BIND_ACK = 12,
	DCERPC_PT_BIND_NAK = 13,
	DCERPC_PT_ALTER_CONTEXT = 14,
	DCERPC_PT_ALTER_CONTEXT_RESP = 15,
	DCERPC_PT_AUTH3 = 16,
	DCERPC_PT_SHUTDOWN = 17,
	DCERPC_PT_CO_CANCEL = 18,
	DCERPC_PT_ORPHANED = 19,
};

/* pfc_flags */
#define DCERPC_PFC_FIRST_FRAG		0x01
#define DCERPC_PFC_LAST_FRAG		0x02
#define DCERPC_PFC_PENDING_CANCEL	0x04	/* cancel was pending at sender */
#define DCERPC_PFC_SUPPORT_HEADER_SIGN	0x04	/* MS-RPCE: in bind/bind_ack/alter_context */
#define DCERPC_PFC_RESERVED_1		0x08
#define DCERPC_PFC_CONC_MPX		0x10
#define DCERPC_PFC_DID_NOT_EXECUTE	0x20
#define DCERPC_PFC_MAYBE		0x40
#define DCERPC_PFC_OBJECT_UUID		0x80

/* drep[0]: integer representation in the high nibble, character set in the low one */
#define DCERPC_DREP_LE			0x10

/* p_cont_def_result_t, plus negotiate_ack from MS-RPCE 2.2.2.4 */
#define DCERPC_RESULT_ACCEPTANCE	0
#define DCERPC_RESULT_USER_REJECTION	1
#define DCERPC_RESULT_PROVIDER_REJECTION 2
#define DCERPC_RESULT_NEGOTIATE_ACK	3

/* p_provider_reason_t */
#define DCERPC_REASON_NOT_SPECIFIED		0
#define DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED 1
#define DCERPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED 2
#define DCERPC_REASON_LOCAL_LIMIT_EXCEEDED	3

/* p_reject_reason_t of bind_nak, with the MS-RPCE additions */
#define DCERPC_NAK_REASON_NOT_SPECIFIED		0
#define DCERPC_NAK_TEMPORARY_CONGESTION		1
#define DCERPC_NAK_LOCAL_LIMIT_EXCEEDED		2
#define DCERPC_NAK_CALLED_PADDR_UNKNOWN		3
#define DCERPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED 4
#define DCERPC_NAK_DEFAULT_CONTEXT_NOT_SUPPORTED 5
#define DCERPC_NAK_USER_DATA_NOT_READABLE	6
#define DCERPC_NAK_NO_PSAP_AVAILABLE		7
#define DCERPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED 8
#define DCERPC_NAK_INVALID_CHECKSUM		9

/* Fault status codes (C706 appendix E; MS-RPCE 2.2.2.11) */
#define DCERPC_NCA_S_OP_RNG_ERROR		0x1c010002u
#define DCERPC_NCA_S_UNK_IF			0x1c010003u
#define DCERPC_NCA_S_PROTO_ERROR		0x1c01000bu
#define DCERPC_NCA_S_FAULT_INVALID_TAG		0x1c000006u
#define DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY	0x1c00001bu
#define DCERPC_NCA_S_FAULT_ACCESS_DENIED	0x00000005u
#define DCERPC_NCA_S_FAULT_NDR			0x000006f7u	/* RPC_X_BAD_STUB_DATA */

/* BindTimeFeatureNegotiationBitmask (MS-RPCE 2.2.2.14) */
#define DCERPC_BTFN_SECURITY_CONTEXT_MULTIPLEXING	0x01
#define DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN		0x02

/* p_syntax_id_t: if_version has the major version in its low 16 bits, the minor in the high. */
struct dcerpc_syntax {
	struct ndr_guid uuid;
	uint32_t version;
};

#define DCERPC_VERSION(major, minor)	((uint32_t)(major) | (uint32_t)(minor) << 16)

/* 8a885d04-1ceb-11c9-9fe8-08002b104860 version 2 */
extern const struct dcerpc_syntax dcerpc_ndr20_syntax;
/* 71710533-beba-4937-8319-b5dbef9ccc36 version 1 (recognised, never accepted) */
extern const struct dcerpc_syntax dcerpc_ndr64_syntax;
/* Whether s is a bind time feature negotiation syntax 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX
 * v1.0; if so *bitmask (when not NULL) gets its first bitmask octets. */
bool dcerpc_syntax_is_btfn(const struct dcerpc_syntax *s, uint16_t *bitmask);

struct dcerpc_hdr {
	uint8_t rpc_vers;		/* 5 */
	uint8_t rpc_vers_minor;		/* 0 or 1 */
	uint8_t ptype;
	uint8_t pfc_flags;
	uint8_t drep[4];
	uint16_t frag_length;
	uint16_t auth_length;
	uint32_t call_id;
};

struct dcerpc_ctx {			/* p_cont_elem_t */
	uint16_t ctx_id;
	uint8_t n_transfer;
	struct dcerpc_syntax abstract;
	struct dcerpc_syntax *transfer;
};

struct dcerpc_bind {			/* bind and alter_context */
	uint16_t max_xmit_frag;
	uint16_t max_recv_frag;
	uint32_t assoc_group_id;
	uint8_t n_ctx;
	struct dcerpc_ctx *ctx;
};

struct dcerpc_result {			/* p_result_t */
	uint16_t result;
	uint16_t reason;		/* the feature bitmask for negotiate_ack */
	struct dcerpc_syntax transfer;
};

struct dcerpc_bind_ack {		/* bind_ack and alter_context_resp */
	uint16_t max_xmit_frag;
	uint16_t max_recv_frag;
	uint32_t assoc_group_id;
	const char *sec_addr;		/* secondary address; NULL or "": length 0 */
	uint8_t n_results;
	struct dcerpc_result *results;
};

struct dcerpc_bind_nak {
	uint16_t reason;
	uint8_t n_versions;
	const uint8_t *versions;	/* n_versions (major, minor) pairs */
};

struct dcerpc_request {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint16_t opnum;
	bool has_object;		/* PFC_OBJECT_UUID */
	struct ndr_guid object;
	const uint8_t *stub;
	size_t stub_len;
};

struct dcerpc_response {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint8_t cancel_count;
	const uint8_t *stub;
	size_t stub_len;
};

struct dcerpc_fault {
	uint32_t alloc_hint;
	uint16_t ctx_id;
	uint8_t cancel_count;
	uint8_t flags;			/* reserved in C706 */
	uint32_t status;
};

struct dcerpc_pdu {
	struct dcerpc_hdr hdr;
	union {
		struct dcerpc_bind bind;		/* bind, alter_context */
		struct dcerpc_bind_ack bind_ack;	/* bind_ack, alter_context_resp */
		struct dcerpc_bind_nak bind_nak;
		struct dcerpc_request request;
		struct dcerpc_response response;
		struct dcerpc_fault fault;
	} u;
	const uint8_t *auth;		/* sec_trailer + auth value when auth_length != 0 */
	size_t auth_len;
	struct ndr_pull mem;		/* holds what parsing allocated */
};

/*
 * Length of the PDU starting at buf from its header: 0 when fewer than 10 bytes are there yet,
 * the frag_length otherwise, or -EBADMSG for a header that does not announce little-endian
 * data or whose frag_length is below 16. (The version is checked by dcerpc_pdu_parse(), so
 * that a bind of another version can be answered with a bind_nak.)
 */
ssize_t dcerpc_pdu_length(const uint8_t *buf, size_t len);

/*
 * Parse one complete PDU (len must equal its frag_length). Bodies are parsed for the types in
 * the union above; other types have only the header (and auth) filled in. Pointers in *pdu
 * point into buf, which must outlive it. Returns 0, -EPROTONOSUPPORT when rpc_vers is not 5
 * (only the header is filled in), -EBADMSG for anything malformed, or -ENOMEM; free with
 * dcerpc_pdu_free() in every case.
 */
int dcerpc_pdu_parse(const uint8_t *buf, size_t len, struct dcerpc_pdu *pdu);
void dcerpc_pdu_free(struct dcerpc_pdu *pdu);

/*
 * Append one PDU (header, body, no authentication) to out, computing frag_length. The header
 * fields used are rpc_vers_minor, ptype, pfc_flags and call_id; the rest is fixed (5.x,
 * little-endian, auth_length 0). Returns 0 or the push error.
 */
int dcerpc_pdu_build(const struct dcerpc_pdu *pdu, struct ndr_push *out);

/* ---- server association --------------------------------------------------------------------- */

/*
 * An RPC interface. call() handles one request: it reads the [in] parameters from in (NDR20
 * over the reassembled stub) and writes the [out] parameters to out. It returns 0, or a fault
 * status (DCERPC_NCA_S_*) that is sent instead of a response: DCERPC_NCA_S_OP_RNG_ERROR for
 * an opnum it does not implement, DCERPC_NCA_S_FAULT_NDR for a stub it cannot parse.
 */
struct dcerpc_iface {
	const char *name;
	struct dcerpc_syntax syntax;
	uint32_t (*call)(void *priv, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out);
};

struct dcerpc_conn;

/*
 * A server association offering the n interfaces of ifaces (the array must outlive it).
 * sec_addr is the secondary address reported in bind_ack ("\\PIPE\\srvsvc" on a named pipe,
 * the port number over TCP); priv is passed to every call(). NULL when out of memory.
 */
struct dcerpc_conn *dcerpc_conn_new(const struct dcerpc_iface *const *ifaces, size_t n,
				    const char *sec_addr, void *priv);
void dcerpc_conn_free(struct dcerpc_conn *c);

/*
 * Process one complete PDU from the client (len == its frag_length). Returns 0 when it was
 * handled (its answers, if any, are queued for dcerpc_conn_output()); -EPROTO for a protocol
 * violation after which the association is dead and the transport must be closed (every later
 * call returns -EPROTO too); -EBUSY when DCERPC_MAX_OUTPUT bytes of answers are still unread
 * (the PDU was not processed); -ENOMEM.
 */
int dcerpc_conn_input(struct dcerpc_conn *c, const uint8_t *pdu, size_t len);
/* The oldest queued answer PDU (NULL when none); it stays queued until _pop(). */
const uint8_t *dcerpc_conn_output(const struct dcerpc_conn *c, size_t *len);
void dcerpc_conn_output_pop(struct dcerpc_conn *c);
/* Bytes of all queued answers. */
size_t dcerpc_conn_output_bytes(const struct dcerpc_conn *c);
/*
 * Largest request fragment the client may send (the negotiated max_recv_frag; DCERPC_MAX_FRAG
 * before the bind). bind and alter_context PDUs may use the whole 16-bit frag_length.
 */
uint16_t dcerpc_conn_max_recv_frag(const struct dcerpc_conn *c);
bool dcerpc_conn_dead(const struct dcerpc_conn *c);

#endif /* KC_DCERPC_H */
