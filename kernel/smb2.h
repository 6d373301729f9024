/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2 command processing. ksmbd_smb2_process() (smb.c) validates a compound
 * chain, then runs one struct ksmbd_work per PDU through the command's
 * handler. A handler reads only the validated request (w->req, w->req_len:
 * the PDU from its header to the next one), builds its response body with
 * ksmbd_rsp_body() and returns STATUS_SUCCESS, or returns an error status and
 * leaves the body to the framework.
 */
#ifndef KSMBD_SMB2_H
#define KSMBD_SMB2_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/types.h>
#include "smb_wire.h"

struct ksmbd_conn;
struct ksmbd_session;
struct ksmbd_tree;

/* What a compound's previous request leaves to a related one (MS-SMB2 3.3.5.2.7.2). */
struct ksmbd_chain {
	u64 sess_id;
	bool sess_ok;		/* the previous request found its session */
	u32 tree_id;
	u64 fid_p, fid_v;
	bool have_fid;
	__le32 fid_status;	/* why there is no FileId (a failed CREATE), or SUCCESS */
};

/*
 * A request that waits (MS-SMB2 3.3.4.2): see conn.h for who owns it. While
 * linked, @cancelled is written under conn->async_lock and read with READ_ONCE.
 */
struct ksmbd_async {
	struct list_head node;		/* conn->async_list */
	u64 async_id;			/* 0 until an interim response went out */
	u64 mid;			/* the request's MessageId */
	u64 sess_id;
	struct ksmbd_tree *tree;	/* compared only, never dereferenced */
	bool cancelled;
	/* Cancelled by LOGOFF, TREE_DISCONNECT or teardown rather than by CANCEL. */
	bool cleanup;
	/* Called under conn->async_lock once cancelled is set: wake the worker. */
	void (*cancel)(struct ksmbd_async *a);
};

struct ksmbd_work {
	struct ksmbd_conn *conn;
	const struct smb2_hdr *hdr;	/* the request PDU */
	const u8 *req;			/* == (u8 *)hdr */
	size_t req_len;
	u8 *rsp;			/* header + body, owned by the framework */
	size_t rsp_len;
	u16 credits;			/* granted in the response header */
	struct ksmbd_session *sess;	/* the request's session (a reference), or NULL */
	struct ksmbd_tree *tree;	/* the request's tree connect (a reference), or NULL */
	struct ksmbd_file *fp;		/* the open its FileId names (a reference), or NULL */
	bool sign;			/* sign the response with sess's key */
	/* Set SMB2_FLAGS_SIGNED without a signature (smb2_bind.h, SESSION_SETUP). */
	bool mark_signed;
	/*
	 * Sign with the session's own key and algorithm, not the channel's:
	 * refused SESSION_SETUPs on a channel (clients check those with it).
	 */
	bool sign_session_key;
	const struct ksmbd_chain *chain; /* NULL for the first request of a chain */
	u64 transform_sess_id;		/* the request came encrypted for it; 0: not */
	/*
	 * May go async with an interim response: only a request that is not
	 * part of a compound (3.3.4.2 lets the server answer compounded
	 * requests synchronously; we do, waiting on the worker unannounced).
	 */
	bool async_ok;
	struct ksmbd_async async;	/* see ksmbd_async_begin() */
	/*
	 * An error response's ErrorData: a 4-byte value (MS-SMB2 2.2.2, e.g.
	 * the size STATUS_BUFFER_TOO_SMALL needs, 3.3.5.20.3) when set.
	 */
	bool err_u32_set;
	u32 err_u32;
	/*
	 * An error status keeps the body the handler built instead of the
	 * error response (MS-SMB2 3.3.5.15.6: copychunk failures report
	 * their progress, or the server's limits, with the status).
	 */
	bool err_keeps_body;
	bool last;			/* the last (or only) request of its message */
	struct ksmbd_async_req *detached; /* see ksmbd_async_detach() */
};

/*
 * A detached async request (CHANGE_NOTIFY): unlike a waiting request it gives
 * its worker back. Its handler calls ksmbd_async_detach() and returns
 * KSMBD_STATUS_ASYNC; the framework answers it with an interim response in
 * its place in the compound, and the owner of @r answers it later, from any
 * thread, with ksmbd_async_answer(). Between the two the request is counted
 * in conn->detached (conn.h), which teardown waits for, and holds a
 * reference to its session (for signing and encryption keys).
 */
struct ksmbd_async_req {
	struct ksmbd_async async;	/* on conn->async_list */
	struct ksmbd_conn *conn;
	struct ksmbd_session *sess;	/* a reference, or NULL */
	struct smb2_hdr hdr;		/* the request's header */
	u64 transform_sess_id;
	bool sign;
	struct completion interim;	/* the interim response went out (or failed) */
};

/* A handler's status: the request was detached and answers later. */
#define KSMBD_STATUS_ASYNC	cpu_to_le32(0xfffffffe)

/*
 * Detach request @w into @r (owned by the caller) with @cancel as its cancel
 * callback (called under conn->async_lock). 0, or -ECANCELED when the
 * connection is being torn down, -EBUSY when it has too many detached requests.
 */
int ksmbd_async_detach(struct ksmbd_work *w, struct ksmbd_async_req *r,
		       void (*cancel)(struct ksmbd_async *a));
/*
 * Send the final response of detached request @r: @status with the command's
 * body @body (@len bytes) when the status has one, else an error body. Waits
 * until the interim response went out. @r is not used afterwards.
 */
void ksmbd_async_answer(struct ksmbd_async_req *r, __le32 status, const void *body, size_t len);

/*
 * Start waiting: link w->async into the connection's pending requests, so
 * CANCEL, LOGOFF, TREE_DISCONNECT and teardown find it and call @cancel.
 * 0, or -ECANCELED when the connection is being torn down.
 */
int ksmbd_async_begin(struct ksmbd_work *w, void (*cancel)(struct ksmbd_async *a));
/*
 * Send the interim response (STATUS_PENDING, a fresh AsyncId, the credits
 * granted for the request) if the request may go async and has not yet;
 * the final response then carries the AsyncId and grants no credits.
 */
void ksmbd_async_interim(struct ksmbd_work *w);
/* Stop waiting: unlink w->async (its worker answers the request as usual). */
void ksmbd_async_end(struct ksmbd_work *w);
/*
 * Cancel what waits on @conn: for session @sess_id (0: any) and tree @tree
 * (NULL: any); @close: the connection goes away, nothing may wait after.
 */
void ksmbd_async_cancel_all(struct ksmbd_conn *conn, u64 sess_id, struct ksmbd_tree *tree,
			    bool close);

/*
 * The open that the 16-byte FileId at @fid names (a related compound's
 * all-ones FileId included), as a reference in *@fpp; STATUS_SUCCESS or the
 * status to fail with.
 */
struct ksmbd_file;
__le32 ksmbd_work_file(struct ksmbd_work *w, const u8 *fid, struct ksmbd_file **fpp);

/*
 * MS-SMB2 3.3.5.2.4, 3.3.5.2.9: whether request @w on the valid session @sess
 * is authentic: decrypted (its transform authenticated it), or signed with the
 * session's key where the session signs and encryption is not required. Sets
 * w->sign for the answer. STATUS_SUCCESS or STATUS_ACCESS_DENIED.
 */
__le32 ksmbd_smb2_check_signed(struct ksmbd_work *w, struct ksmbd_session *sess);

typedef __le32 (*ksmbd_smb2_handler)(struct ksmbd_work *w);

/* Not an NTSTATUS: the handler asks for the connection to be dropped, unanswered. */
#define KSMBD_STATUS_DISCONNECT	cpu_to_le32(0xffffffff)

/*
 * Allocate the response (a copy of the request header made into a response,
 * then @body_len zeroed bytes) and return a pointer to its body, or NULL.
 */
void *ksmbd_rsp_body(struct ksmbd_work *w, size_t body_len);

/* Body of the request, and whether [off, off + len) of the PDU is inside it. */
static inline const u8 *ksmbd_req_body(const struct ksmbd_work *w)
{
	return w->req + sizeof(struct smb2_hdr);
}

static inline bool ksmbd_req_has(const struct ksmbd_work *w, size_t off, size_t len)
{
	return off <= w->req_len && len <= w->req_len - off;
}

__le32 ksmbd_smb2_negotiate(struct ksmbd_work *w);
__le32 ksmbd_smb2_session_setup(struct ksmbd_work *w);
__le32 ksmbd_smb2_logoff(struct ksmbd_work *w);
__le32 ksmbd_smb2_echo(struct ksmbd_work *w);
__le32 ksmbd_smb2_tree_connect(struct ksmbd_work *w);
__le32 ksmbd_smb2_tree_disconnect(struct ksmbd_work *w);
__le32 ksmbd_smb2_create(struct ksmbd_work *w);
__le32 ksmbd_smb2_close(struct ksmbd_work *w);
__le32 ksmbd_smb2_read(struct ksmbd_work *w);
__le32 ksmbd_smb2_write(struct ksmbd_work *w);
__le32 ksmbd_smb2_ioctl(struct ksmbd_work *w);

/* The IPC$ halves of CREATE, READ and WRITE (smb2_pipe.c). */
__le32 ksmbd_pipe_create(struct ksmbd_work *w);
__le32 ksmbd_pipe_read(struct ksmbd_work *w);
__le32 ksmbd_pipe_write(struct ksmbd_work *w);
/* The NTSTATUS for a filesystem error. */
__le32 ksmbd_errno_status(int err);
struct ksmbd_vfs_stat;
/* The 52-byte times/sizes/attributes block of CREATE and CLOSE responses. */
void ksmbd_fill_attrs(const struct ksmbd_vfs_stat *st, u8 *block);
/*
 * Correct the AllocationSize of such a block for @fp's file when a CREATE
 * gave it one (SMB2_CREATE_ALLOCATION_SIZE, inode.h).
 */
struct ksmbd_file;
void ksmbd_fill_alloc(struct ksmbd_file *fp, const struct ksmbd_vfs_stat *st, u8 *block);
__le32 ksmbd_smb2_query_info(struct ksmbd_work *w);
__le32 ksmbd_smb2_set_info(struct ksmbd_work *w);
__le32 ksmbd_smb2_flush(struct ksmbd_work *w);
__le32 ksmbd_smb2_change_notify(struct ksmbd_work *w);
/*
 * A client's name (UTF-16LE, '\' separated, relative to the share) as a '/'
 * separated UTF-8 path in @out; "" is the share root (smb2_file.c).
 */
__le32 ksmbd_smb_path(const u8 *name, u16 len, char *out, size_t size);
__le32 ksmbd_smb2_query_directory(struct ksmbd_work *w);

/* Sign the PDU @pdu of @len bytes (compound padding included) in place. */
int ksmbd_smb2_sign(struct ksmbd_conn *conn, struct ksmbd_session *sess, u8 *pdu, size_t len);
/* Sign with Session.SigningKey and the session's algorithm, whatever channel @conn is. */
int ksmbd_smb2_sign_session(struct ksmbd_conn *conn, struct ksmbd_session *sess, u8 *pdu,
			    size_t len);
/* Whether the signature of the request PDU @pdu is right. */
bool ksmbd_smb2_verify(struct ksmbd_conn *conn, struct ksmbd_session *sess,
		       const u8 *pdu, size_t len);
/* FSCTL_VALIDATE_NEGOTIATE_INFO (smb2_negotiate.c). */
__le32 ksmbd_validate_negotiate(struct ksmbd_work *w, const struct smb2_ioctl *req);
__le32 ksmbd_pipe_transceive(struct ksmbd_work *w, const struct smb2_ioctl *req);
/* Allocate an IOCTL response with @out_len output bytes; returns the output buffer or NULL. */
void *ksmbd_ioctl_rsp(struct ksmbd_work *w, const struct smb2_ioctl *req, u32 out_len);

/*
 * The SMB2 TRANSFORM_HEADER (smb2_crypt.c). ksmbd_transform_check() checks
 * the header of the received message @buf (@len bytes) and returns its
 * SessionId: 0, or -EPROTO (drop the connection).
 */
int ksmbd_transform_check(const u8 *buf, size_t len, u64 *sess_id);
/*
 * Decrypt and authenticate a checked message into @out (len - 52 bytes) with
 * @key for @cipher (a KSMBD_CIPHER_*). 0, or -EBADMSG (@out zeroed), -errno.
 */
int ksmbd_transform_open(u16 cipher, const u8 *key, const u8 *buf, size_t len, u8 *out);
/*
 * Build the transform header in the first 52 bytes of @buf for the @msg_len
 * bytes that follow it and encrypt them in place with @key and the first
 * 11 (CCM) or 12 (GCM) bytes of @nonce. 0 or -errno (nothing to send then).
 */
int ksmbd_transform_seal(u16 cipher, const u8 *key, const u8 nonce[16], u64 sess_id,
			 u8 *buf, size_t msg_len);

/* An SMB1 NEGOTIATE naming SMB2 dialects: the SMB2 answer, or 0 when none. */
int ksmbd_smb1_negotiate(struct ksmbd_conn *conn, const u8 *buf, size_t len);

#endif
