/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMB authentication in mountd: the SESSION_SETUP security blobs the engine forwards (SPNEGO
 * or raw NTLMSSP), checked against the node's passdb file. Password hashes stay in this
 * process; the engine only ever receives the session key.
 *
 *	auth = mountd_auth_new(conf);			once per configuration
 *	mountd_auth_negotiate_token(&blob, &len);	for SMB2 NEGOTIATE responses
 *	s = mountd_auth_session_new(auth);		per SESSION_SETUP exchange
 *	mountd_auth_step(s, blob, len, &res);		per leg, until not MORE_PROCESSING
 *	mountd_auth_result_clear(&res);			after each leg
 *	mountd_auth_session_free(s);
 *
 * The passdb file is re-read when it changes (size, times or inode), so users added with
 * "ksmbd-cluster user add" can log on at once. A file that cannot be read fails logons with
 * INTERNAL_ERROR (and a log line naming FILE:LINE) rather than serving stale users.
 */
#ifndef MOUNTD_AUTH_H
#define MOUNTD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define MOUNTD_AUTH_KEY_LEN 16

enum mountd_auth_status {
	MOUNTD_AUTH_SUCCESS,		/* STATUS_SUCCESS */
	MOUNTD_AUTH_MORE_PROCESSING,	/* STATUS_MORE_PROCESSING_REQUIRED: send blob, wait */
	MOUNTD_AUTH_LOGON_FAILURE,	/* STATUS_LOGON_FAILURE */
	MOUNTD_AUTH_INVALID_PARAMETER,	/* STATUS_INVALID_PARAMETER: malformed blob */
	MOUNTD_AUTH_INTERNAL_ERROR,	/* STATUS_INTERNAL_ERROR: memory, passdb unreadable */
};

struct mountd_auth_result {
	enum mountd_auth_status status;
	uint32_t ntstatus;		/* the NTSTATUS value of status */
	uint8_t *blob;			/* for the client (malloc'ed), or NULL */
	size_t blob_len;
	/* on MOUNTD_AUTH_SUCCESS: */
	bool guest;			/* "map to guest": the user name is not authenticated */
	bool anonymous;			/* null session */
	bool has_session_key;		/* false for guest and anonymous sessions */
	uint8_t session_key[MOUNTD_AUTH_KEY_LEN];
	char *user;			/* the account as spelled in passdb; "" for guest/anonymous */
	char *domain;			/* as the client sent it */
	char *client_user;		/* the name the client sent: for logs only, never trust it */
	/* otherwise: */
	char error[200];		/* why it failed, for logs ("" on success) */
};

struct mountd_auth;
struct kc_passdb;
struct mountd_auth_session;

/* Read the names, "passdb file" and "map to guest" from conf. NULL with errno on failure. */
struct mountd_auth *mountd_auth_new(const struct kc_conf *conf);
/*
 * Cluster mode: serve the users of @db (taken over; replaces the previous set) instead of the
 * passdb file, from the next logon on, and take "map to guest" from @conf.
 */
void mountd_auth_set_users(struct mountd_auth *auth, struct kc_passdb *db,
			   const struct kc_conf *conf);
/* Free the node context (after every session made from it). NULL is a no-op. */
void mountd_auth_free(struct mountd_auth *auth);

struct mountd_auth_session *mountd_auth_session_new(struct mountd_auth *auth);
void mountd_auth_session_free(struct mountd_auth_session *s);
/*
 * One SESSION_SETUP leg: blob is the client's security buffer. Fills *res (which the caller
 * clears with mountd_auth_result_clear()) and returns res->status. After anything but
 * MOUNTD_AUTH_MORE_PROCESSING the session is finished.
 */
enum mountd_auth_status mountd_auth_step(struct mountd_auth_session *s, const uint8_t *blob,
					 size_t len, struct mountd_auth_result *res);
/* Free the strings and the blob of res and wipe its key. */
void mountd_auth_result_clear(struct mountd_auth_result *res);
/* The NTSTATUS value of a status. */
uint32_t mountd_auth_ntstatus(enum mountd_auth_status st);
/* The security blob of SMB2 NEGOTIATE responses (SPNEGO NegTokenInit2). 0 or -ENOMEM. */
int mountd_auth_negotiate_token(uint8_t **blob, size_t *len);

#endif /* MOUNTD_AUTH_H */
