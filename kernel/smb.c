// SPDX-License-Identifier: GPL-2.0
/*
 * The request entry point: protocol detection, the SMB2 compound-chain check
 * that runs before any handler, and error responses. Command handlers plug
 * into ksmbd_smb2_cmds[]; a command without one is answered
 * STATUS_NOT_SUPPORTED.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "file.h"
#include "lock.h"
#include "oplock.h"
#include "session.h"
#include "tree.h"
#include "smb.h"
#include "smb2.h"
#include "smb_wire.h"

/* Longest compound chain we accept; longer ones drop the connection. */
#define KSMBD_MAX_COMPOUND	128

struct ksmbd_smb2_cmd {
	const char *name;
	u16 struct_size;	/* fixed request StructureSize */
	u16 alt_struct_size;	/* a second accepted size, or 0 */
	u8 fid_off;		/* where the body's FileId is, or 0: none to resolve */
};

static const struct ksmbd_smb2_cmd ksmbd_smb2_cmds[SMB2_NR_COMMANDS] = {
	[SMB2_NEGOTIATE]	= { .name = "NEGOTIATE", .struct_size = 36 },
	[SMB2_SESSION_SETUP]	= { .name = "SESSION_SETUP", .struct_size = 25 },
	[SMB2_LOGOFF]		= { .name = "LOGOFF", .struct_size = 4 },
	[SMB2_TREE_CONNECT]	= { .name = "TREE_CONNECT", .struct_size = 9 },
	[SMB2_TREE_DISCONNECT]	= { .name = "TREE_DISCONNECT", .struct_size = 4 },
	[SMB2_CREATE]		= { .name = "CREATE", .struct_size = 57 },
	[SMB2_CLOSE]		= { .name = "CLOSE", .struct_size = 24, .fid_off = 8 },
	[SMB2_FLUSH]		= { .name = "FLUSH", .struct_size = 24, .fid_off = 8 },
	[SMB2_READ]		= { .name = "READ", .struct_size = 49, .fid_off = 16 },
	[SMB2_WRITE]		= { .name = "WRITE", .struct_size = 49, .fid_off = 16 },
	[SMB2_LOCK]		= { .name = "LOCK", .struct_size = 48, .fid_off = 8 },
	[SMB2_IOCTL]		= { .name = "IOCTL", .struct_size = 57 },
	[SMB2_CANCEL]		= { .name = "CANCEL", .struct_size = 4 },
	[SMB2_ECHO]		= { .name = "ECHO", .struct_size = 4 },
	[SMB2_QUERY_DIRECTORY]	= { .name = "QUERY_DIRECTORY", .struct_size = 33, .fid_off = 8 },
	[SMB2_CHANGE_NOTIFY]	= { .name = "CHANGE_NOTIFY", .struct_size = 32, .fid_off = 8 },
	[SMB2_QUERY_INFO]	= { .name = "QUERY_INFO", .struct_size = 41, .fid_off = 24 },
	[SMB2_SET_INFO]		= { .name = "SET_INFO", .struct_size = 33, .fid_off = 16 },
	/* oplock break acknowledgment 24, lease break acknowledgment 36 */
	[SMB2_OPLOCK_BREAK]	= { .name = "OPLOCK_BREAK", .struct_size = 24,
				    .alt_struct_size = 36 },
};

u16 ksmbd_smb2_req_struct_size(u16 command)
{
	return command < SMB2_NR_COMMANDS ? ksmbd_smb2_cmds[command].struct_size : 0;
}

int ksmbd_smb2_check_chain(const u8 *buf, size_t len)
{
	size_t off = 0;
	int n = 0;

	for (;;) {
		const struct smb2_hdr *hdr = (const struct smb2_hdr *)(buf + off);
		size_t left = len - off;
		u32 next;

		/* A header plus the body's StructureSize field. */
		if (left < sizeof(*hdr) + 2)
			return -EPROTO;
		if (hdr->protocol_id != SMB2_PROTO_ID ||
		    le16_to_cpu(hdr->structure_size) != SMB2_HEADER_STRUCTURE_SIZE ||
		    (hdr->flags & SMB2_FLAGS_SERVER_TO_REDIR))
			return -EPROTO;
		if (++n > KSMBD_MAX_COMPOUND)
			return -EPROTO;
		next = le32_to_cpu(hdr->next_command);
		if (!next)
			return n;
		if (next % 8 || next < sizeof(*hdr) + 2 || next >= left)
			return -EPROTO;
		off += next;
	}
}

static const ksmbd_smb2_handler ksmbd_smb2_handlers[SMB2_NR_COMMANDS] = {
	[SMB2_NEGOTIATE]	= ksmbd_smb2_negotiate,
	[SMB2_SESSION_SETUP]	= ksmbd_smb2_session_setup,
	[SMB2_LOGOFF]		= ksmbd_smb2_logoff,
	[SMB2_ECHO]		= ksmbd_smb2_echo,
	[SMB2_TREE_CONNECT]	= ksmbd_smb2_tree_connect,
	[SMB2_TREE_DISCONNECT]	= ksmbd_smb2_tree_disconnect,
	[SMB2_CREATE]		= ksmbd_smb2_create,
	[SMB2_CLOSE]		= ksmbd_smb2_close,
	[SMB2_READ]		= ksmbd_smb2_read,
	[SMB2_WRITE]		= ksmbd_smb2_write,
	[SMB2_IOCTL]		= ksmbd_smb2_ioctl,
	[SMB2_QUERY_INFO]	= ksmbd_smb2_query_info,
	[SMB2_QUERY_DIRECTORY]	= ksmbd_smb2_query_directory,
	[SMB2_SET_INFO]		= ksmbd_smb2_set_info,
	[SMB2_FLUSH]		= ksmbd_smb2_flush,
	[SMB2_CHANGE_NOTIFY]	= ksmbd_smb2_change_notify,
	[SMB2_OPLOCK_BREAK]	= ksmbd_smb2_oplock_break,
	[SMB2_LOCK]		= ksmbd_smb2_lock,
};

void *ksmbd_rsp_body(struct ksmbd_work *w, size_t body_len)
{
	struct smb2_hdr *rsp;

	kfree(w->rsp);
	w->rsp = kzalloc(sizeof(*rsp) + body_len, GFP_KERNEL);
	if (!w->rsp)
		return NULL;
	rsp = (struct smb2_hdr *)w->rsp;
	memcpy(rsp, w->hdr, sizeof(*rsp));
	rsp->status = STATUS_SUCCESS;
	rsp->flags = SMB2_FLAGS_SERVER_TO_REDIR |
		     (w->hdr->flags & (SMB2_FLAGS_RELATED_OPERATIONS | SMB2_FLAGS_ASYNC_COMMAND));
	rsp->credit_request = cpu_to_le16(w->credits);
	rsp->next_command = 0;
	memset(rsp->signature, 0, sizeof(rsp->signature));
	w->rsp_len = sizeof(*rsp) + body_len;
	return w->rsp + sizeof(*rsp);
}

/* MS-SMB2 2.2.2: the error response body. */
static int ksmbd_smb2_error(struct ksmbd_work *w, __le32 status)
{
	struct smb2_err_rsp *err;

	err = ksmbd_rsp_body(w, sizeof(*err) + (w->err_u32_set ? 3 : 0));
	if (!err)
		return -ENOMEM;
	err->structure_size = cpu_to_le16(9);
	if (w->err_u32_set) {
		err->byte_count = cpu_to_le32(4);
		put_unaligned_le32(w->err_u32, err->error_data);
	}
	((struct smb2_hdr *)w->rsp)->status = status;
	return 0;
}

/* Statuses whose responses carry the command's own body, not an error body. */
static bool ksmbd_status_has_body(__le32 status)
{
	return status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED ||
	       status == STATUS_BUFFER_OVERFLOW;
}

/*
 * MS-SMB2 3.3.5.2.7.2: the open a FileId names. In a related compound, the
 * all-ones FileId means the open of the previous request, or that request's
 * failure.
 */
__le32 ksmbd_work_file(struct ksmbd_work *w, const u8 *fid, struct ksmbd_file **fpp)
{
	u64 pid = get_unaligned_le64(fid), vid = get_unaligned_le64(fid + 8);
	const struct ksmbd_chain *chain = w->chain;

	*fpp = NULL;
	if (chain && (w->hdr->flags & SMB2_FLAGS_RELATED_OPERATIONS) &&
	    pid == U64_MAX && vid == U64_MAX) {
		if (!chain->have_fid)
			return chain->fid_status != STATUS_SUCCESS ? chain->fid_status :
								     STATUS_FILE_CLOSED;
		pid = chain->fid_p;
		vid = chain->fid_v;
	}
	if (!w->tree)
		return STATUS_FILE_CLOSED;
	*fpp = ksmbd_file_get(w->tree, pid, vid);
	return *fpp ? STATUS_SUCCESS : STATUS_FILE_CLOSED;
}

__le32 ksmbd_smb2_check_signed(struct ksmbd_work *w, struct ksmbd_session *sess)
{
	bool signed_req = w->hdr->flags & SMB2_FLAGS_SIGNED;

	/*
	 * A decrypted request was authenticated by its transform: no signature
	 * to check, and the answer is encrypted instead of signed. Only the
	 * session whose key encrypted it may be named in it.
	 */
	if (w->transform_sess_id)
		return w->transform_sess_id == sess->id ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
	/* MS-SMB2 3.3.5.2.9: a session that must encrypt refuses cleartext. */
	if (sess->encrypt_data && sess->reject_unencrypted)
		return STATUS_ACCESS_DENIED;
	if (signed_req && !ksmbd_smb2_verify(w->conn, sess, w->req, w->req_len))
		return STATUS_ACCESS_DENIED;
	if (!signed_req && sess->signing_required)
		return STATUS_ACCESS_DENIED;
	w->sign = signed_req || sess->signing_required;
	return STATUS_SUCCESS;
}

/*
 * MS-SMB2 3.3.5.2.9: find the request's session and check its signature.
 * NEGOTIATE and SESSION_SETUP manage sessions themselves; ECHO and CANCEL work
 * without one. A related request (3.3.5.2.7.2) uses the previous request's
 * session and tree. Returns STATUS_SUCCESS or the status to fail the request with.
 */
static __le32 ksmbd_smb2_check_session(struct ksmbd_work *w, u16 command,
					const struct ksmbd_smb2_cmd *cmd)
{
	bool related = w->hdr->flags & SMB2_FLAGS_RELATED_OPERATIONS;
	u64 id = related ? w->chain->sess_id : le64_to_cpu(w->hdr->session_id);
	u32 tid = related ? w->chain->tree_id : le32_to_cpu(w->hdr->tree_id);
	struct ksmbd_session *sess;
	__le32 status;

	if (command == SMB2_NEGOTIATE || command == SMB2_SESSION_SETUP)
		return STATUS_SUCCESS;
	/* Related to a request whose session was not found (smb2.compound.invalid2). */
	if (related && !w->chain->sess_ok)
		return STATUS_INVALID_PARAMETER;
	if (!id)
		return command == SMB2_ECHO ? STATUS_SUCCESS : STATUS_USER_SESSION_DELETED;
	/* Only the session whose key encrypted the request may be named in it. */
	if (w->transform_sess_id && id != w->transform_sess_id)
		return STATUS_ACCESS_DENIED;
	sess = ksmbd_session_get(w->conn, id);
	if (!sess)
		return STATUS_USER_SESSION_DELETED;
	w->sess = sess;
	if (READ_ONCE(sess->state) != KSMBD_SESS_VALID)
		return STATUS_USER_SESSION_DELETED;
	status = ksmbd_smb2_check_signed(w, sess);
	if (status != STATUS_SUCCESS)
		return status;
	/* Everything but these works on a tree connect (3.3.5.2.11). */
	if (command == SMB2_TREE_CONNECT || command == SMB2_LOGOFF || command == SMB2_ECHO)
		return STATUS_SUCCESS;
	w->tree = ksmbd_tree_get(sess, tid);
	if (!w->tree)
		return STATUS_NETWORK_NAME_DELETED;
	/* 3.3.5.2.11: a share that requires encryption refuses cleartext. */
	if (!w->transform_sess_id && (w->tree->flags & KSMBD_SHARE_ENCRYPT_REQUIRED))
		return STATUS_ACCESS_DENIED;
	/* Commands whose FileId the framework resolves (the body size was checked). */
	if (cmd->fid_off && ksmbd_smb2_handlers[command])
		return ksmbd_work_file(w, ksmbd_req_body(w) + cmd->fid_off, &w->fp);
	return STATUS_SUCCESS;
}

/* Bytes a READ, WRITE, IOCTL, QUERY_DIRECTORY or CHANGE_NOTIFY moves (3.3.5.2.5). */
static u32 ksmbd_smb2_payload(const struct ksmbd_work *w, u16 command)
{
	const u8 *b = ksmbd_req_body(w);

	switch (command) {
	case SMB2_READ:
		return get_unaligned_le32(b + 4) + get_unaligned_le16(b + 46);
	case SMB2_WRITE:
		return get_unaligned_le32(b + 4) + get_unaligned_le16(b + 42);
	case SMB2_IOCTL: {
		const struct smb2_ioctl *io = (const void *)b;
		u64 in = (u64)le32_to_cpu(io->input_count) + le32_to_cpu(io->output_count);
		u64 out = (u64)le32_to_cpu(io->max_input_response) +
			  le32_to_cpu(io->max_output_response);

		return min_t(u64, max(in, out), U32_MAX);
	}
	case SMB2_QUERY_DIRECTORY:
		return get_unaligned_le32(b + 28);
	case SMB2_CHANGE_NOTIFY:
		return get_unaligned_le32(b + 4);
	default:
		return 0;
	}
}

/*
 * MS-SMB2 3.3.5.2.3 and 3.3.5.2.5: use the request's MessageIds and grant
 * credits for the response. Returns 0, or -EPROTO for ids outside the window.
 */
static int ksmbd_smb2_credit(struct ksmbd_work *w, u16 command, u16 dialect, u16 *charge)
{
	bool multi = dialect >= SMB2_DIALECT_0210 && dialect != SMB2_DIALECT_WILDCARD;
	u64 mid = le64_to_cpu(w->hdr->message_id);

	*charge = multi ? max_t(u16, le16_to_cpu(w->hdr->credit_charge), 1) : 1;
	if (ksmbd_credits_consume(&w->conn->credits, mid, *charge)) {
		pr_debug("%s: MessageId %llu (charge %u) outside the window\n",
			 w->conn->t->peer, mid, *charge);
		return -EPROTO;
	}
	w->credits = ksmbd_credits_grant(&w->conn->credits, le16_to_cpu(w->hdr->credit_request));
	return 0;
}

/* Check the request's StructureSize and run its handler; 0 or -errno (drop). */
static int ksmbd_smb2_run(struct ksmbd_work *w)
{
	u16 command = le16_to_cpu(w->hdr->command);
	const struct ksmbd_smb2_cmd *cmd = command < SMB2_NR_COMMANDS ?
					   &ksmbd_smb2_cmds[command] : NULL;
	u16 size = get_unaligned_le16(w->req + sizeof(struct smb2_hdr));
	u16 dialect = READ_ONCE(w->conn->dialect);
	__le32 status;
	u16 charge;

	/* Nothing but NEGOTIATE before a dialect is agreed. */
	if (command != SMB2_NEGOTIATE && (!dialect || dialect == SMB2_DIALECT_WILDCARD))
		return -EPROTO;
	if (ksmbd_smb2_credit(w, command, dialect, &charge))
		return -EPROTO;
	if (!cmd) {
		/* An unknown command is answered, as Windows does, not dropped. */
		status = STATUS_INVALID_PARAMETER;
	} else if ((size != cmd->struct_size &&
		    (!cmd->alt_struct_size || size != cmd->alt_struct_size)) ||
		   !ksmbd_req_has(w, sizeof(struct smb2_hdr), size & ~1u)) {
		status = STATUS_INVALID_PARAMETER;
	} else if (ksmbd_smb2_payload(w, command) > (u32)charge * SMB2_CREDIT_PAYLOAD) {
		/* Without multi-credit support the charge is 1: 64 KiB at most. */
		status = STATUS_INVALID_PARAMETER;
	} else if ((w->hdr->flags & SMB2_FLAGS_RELATED_OPERATIONS) && !w->chain) {
		/* The first request of a compound cannot be related. */
		status = STATUS_INVALID_PARAMETER;
	} else {
		status = ksmbd_smb2_check_session(w, command, cmd);
		/*
		 * MS-SMB2 3.3.5.14 <363>: Windows looks up a LOCK's open before
		 * its session and tree, so a LOCK on a handle that a LOGOFF or
		 * TREE_DISCONNECT closed is STATUS_FILE_CLOSED (smb2.lock.cancel-*).
		 */
		if (command == SMB2_LOCK && (status == STATUS_USER_SESSION_DELETED ||
					     status == STATUS_NETWORK_NAME_DELETED))
			status = STATUS_FILE_CLOSED;
		if (status != STATUS_SUCCESS) {
			/* An unverified request gets an unsigned answer. */
			w->sign = false;
			/*
			 * Clients skip the signature of this status but, having
			 * signed, want the flag (a session of another
			 * connection, or one just logged off on another channel).
			 */
			if (status == STATUS_USER_SESSION_DELETED)
				w->mark_signed = w->hdr->flags & SMB2_FLAGS_SIGNED;
		} else if (!ksmbd_smb2_handlers[command]) {
			pr_debug("SMB2 %s: not supported\n", cmd->name);
			status = STATUS_NOT_SUPPORTED;
		} else {
			status = ksmbd_smb2_handlers[command](w);
		}
	}
	if (status == KSMBD_STATUS_DISCONNECT)
		return -ECONNABORTED;
	if (status == KSMBD_STATUS_ASYNC) {
		/* Detached: the interim response takes its place (MS-SMB2 3.3.4.2). */
		struct smb2_hdr *rsp;

		if (ksmbd_smb2_error(w, STATUS_PENDING))
			return -ENOMEM;
		rsp = (struct smb2_hdr *)w->rsp;
		rsp->flags |= SMB2_FLAGS_ASYNC_COMMAND;
		put_unaligned_le64(w->detached->async.async_id, &rsp->process_id);
		/* Interim responses are not signed, as in ksmbd_async_interim(). */
		w->sign = false;
		return 0;
	}
	if (!w->rsp || (!ksmbd_status_has_body(status) && !w->err_keeps_body)) {
		if (ksmbd_smb2_error(w, status))
			return -ENOMEM;
	} else {
		((struct smb2_hdr *)w->rsp)->status = status;
	}
	if (w->async.async_id) {
		/* MS-SMB2 3.3.4.2: the final answer of an async request. */
		struct smb2_hdr *rsp = (struct smb2_hdr *)w->rsp;

		rsp->flags |= SMB2_FLAGS_ASYNC_COMMAND;
		put_unaligned_le64(w->async.async_id, &rsp->process_id);
		rsp->credit_request = 0;
	}
	return 0;
}

/*
 * Answer every PDU of a checked chain in one write: signing where asked, or,
 * when the request came encrypted for @enc, the whole compound in one
 * transform (MS-SMB2 3.3.4.1.4), unsigned.
 */
static int ksmbd_smb2_reply(struct ksmbd_conn *conn, struct ksmbd_work *works, int nw,
			    size_t total, struct ksmbd_session *enc)
{
	size_t hlen = enc ? sizeof(struct smb2_transform_hdr) : 0;
	struct kvec iov;
	size_t pos = 0;
	int i, ret = 0;
	u8 *out, *msg;

	out = kvzalloc(hlen + total, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	msg = out + hlen;
	for (i = 0; i < nw && !ret; i++) {
		struct smb2_hdr *h;
		size_t len = works[i].rsp_len;

		pos = ALIGN(pos, 8);
		h = (struct smb2_hdr *)(msg + pos);
		memcpy(h, works[i].rsp, len);
		/* every response of a compound is padded, the last one too (as Windows does) */
		if (nw > 1)
			len = ALIGN(len, 8);
		if (i + 1 < nw)
			h->next_command = cpu_to_le32(len);
		if (works[i].mark_signed)
			h->flags |= SMB2_FLAGS_SIGNED;
		if (!enc && works[i].sign && works[i].sess)
			ret = works[i].sign_session_key ?
			      ksmbd_smb2_sign_session(conn, works[i].sess, (u8 *)h, len) :
			      ksmbd_smb2_sign(conn, works[i].sess, (u8 *)h, len);
		pos += works[i].rsp_len;
	}
	if (!ret && enc) {
		u8 nonce[16];

		ksmbd_session_nonce(enc, conn->cipher, nonce);
		ret = ksmbd_transform_seal(conn->cipher, enc->encryption_key, nonce, enc->id,
					   out, total);
	}
	iov.iov_base = out;
	iov.iov_len = hlen + total;
	if (!ret)
		ret = ksmbd_conn_write(conn, &iov, 1);
	kvfree(out);
	return ret;
}

static bool ksmbd_async_cancel_early(struct ksmbd_conn *conn, u64 mid);

int ksmbd_async_begin(struct ksmbd_work *w, void (*cancel)(struct ksmbd_async *a))
{
	struct ksmbd_conn *conn = w->conn;
	struct ksmbd_async *a = &w->async;
	int ret = 0;

	a->mid = le64_to_cpu(w->hdr->message_id);
	a->sess_id = w->sess ? w->sess->id : 0;
	a->tree = w->tree;
	a->cancel = cancel;
	a->cancelled = false;
	a->cleanup = false;
	mutex_lock(&conn->async_lock);
	if (conn->async_closed || READ_ONCE(conn->state) != KSMBD_CONN_RUNNING ||
	    ksmbd_async_cancel_early(conn, a->mid))
		ret = -ECANCELED;
	else
		list_add_tail(&a->node, &conn->async_list);
	mutex_unlock(&conn->async_lock);
	return ret;
}

void ksmbd_async_end(struct ksmbd_work *w)
{
	mutex_lock(&w->conn->async_lock);
	list_del_init(&w->async.node);
	mutex_unlock(&w->conn->async_lock);
}

/* Mark @a cancelled and wake its worker; conn->async_lock held. */
static void ksmbd_async_cancel_one(struct ksmbd_async *a)
{
	if (a->cancelled)
		return;
	WRITE_ONCE(a->cancelled, true);
	a->cancel(a);
}

void ksmbd_async_cancel_all(struct ksmbd_conn *conn, u64 sess_id, struct ksmbd_tree *tree,
			    bool close)
{
	struct ksmbd_async *a;

	mutex_lock(&conn->async_lock);
	if (close)
		conn->async_closed = true;
	list_for_each_entry(a, &conn->async_list, node) {
		if ((!sess_id || a->sess_id == sess_id) && (!tree || a->tree == tree)) {
			if (!a->cancelled)
				a->cleanup = true;
			ksmbd_async_cancel_one(a);
		}
	}
	mutex_unlock(&conn->async_lock);
}

/*
 * MS-SMB2 3.3.5.16: CANCEL names an async request by AsyncId, or one not
 * yet async by MessageId. It gets no response itself; the
 * cancelled request answers STATUS_CANCELLED.
 */
static void ksmbd_smb2_cancel(struct ksmbd_conn *conn, const struct smb2_hdr *hdr)
{
	bool by_async = hdr->flags & SMB2_FLAGS_ASYNC_COMMAND;
	u64 id = by_async ? get_unaligned_le64(&hdr->process_id) : le64_to_cpu(hdr->message_id);
	struct ksmbd_async *a;

	bool found = false;

	mutex_lock(&conn->async_lock);
	list_for_each_entry(a, &conn->async_list, node) {
		if (by_async ? a->async_id == id : a->mid == id) {
			ksmbd_async_cancel_one(a);
			found = true;
			break;
		}
	}
	if (!found && !by_async && id) {
		conn->cancel_mids[conn->cancel_next] = id;
		conn->cancel_next = (conn->cancel_next + 1) % ARRAY_SIZE(conn->cancel_mids);
	}
	mutex_unlock(&conn->async_lock);
}

/* Whether a CANCEL for MessageId @mid came before its request waited; conn->async_lock held. */
static bool ksmbd_async_cancel_early(struct ksmbd_conn *conn, u64 mid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(conn->cancel_mids); i++) {
		if (mid && conn->cancel_mids[i] == mid) {
			conn->cancel_mids[i] = 0;
			return true;
		}
	}
	return false;
}

void ksmbd_async_interim(struct ksmbd_work *w)
{
	struct ksmbd_conn *conn = w->conn;
	struct ksmbd_work iw = {};
	struct smb2_hdr *rsp;
	u64 id;

	if (!w->async_ok || w->async.async_id)
		return;
	iw.conn = conn;
	iw.hdr = w->hdr;
	iw.credits = w->credits;
	if (ksmbd_smb2_error(&iw, STATUS_PENDING))
		return;	/* no interim response: the request still answers at the end */
	/* Findable by its AsyncId before the client can know it. */
	mutex_lock(&conn->async_lock);
	id = ++conn->next_async_id;
	w->async.async_id = id;
	mutex_unlock(&conn->async_lock);
	/* The credits go out in the interim response (3.3.1.2). */
	w->credits = 0;
	rsp = (struct smb2_hdr *)iw.rsp;
	rsp->flags = SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_ASYNC_COMMAND;
	put_unaligned_le64(id, &rsp->process_id);
	/*
	 * Interim responses are not signed (clients do not check them); an
	 * encrypted request's interim response is encrypted like any answer.
	 */
	iw.sess = w->sess;
	if (ksmbd_smb2_reply(conn, &iw, 1, iw.rsp_len, w->transform_sess_id ? w->sess : NULL))
		pr_debug("%s: interim response not sent\n", conn->t->peer);
	kfree(iw.rsp);
}

/* More detached requests than this per connection are refused. */
#define KSMBD_MAX_DETACHED	1024

int ksmbd_async_detach(struct ksmbd_work *w, struct ksmbd_async_req *r,
		       void (*cancel)(struct ksmbd_async *a))
{
	struct ksmbd_conn *conn = w->conn;
	struct ksmbd_async *a = &r->async;
	int ret = 0;

	r->conn = conn;
	memcpy(&r->hdr, w->hdr, sizeof(r->hdr));
	r->transform_sess_id = w->transform_sess_id;
	r->sign = w->sign;
	r->sess = w->sess;
	init_completion(&r->interim);
	INIT_LIST_HEAD(&a->node);
	a->mid = le64_to_cpu(w->hdr->message_id);
	a->sess_id = w->sess ? w->sess->id : 0;
	a->tree = w->tree;
	a->cancel = cancel;
	a->cancelled = false;
	a->cleanup = false;
	mutex_lock(&conn->async_lock);
	if (conn->async_closed || READ_ONCE(conn->state) != KSMBD_CONN_RUNNING) {
		ret = -ECANCELED;
	} else if (atomic_read(&conn->detached) >= KSMBD_MAX_DETACHED) {
		ret = -EBUSY;
	} else {
		a->async_id = ++conn->next_async_id;
		list_add_tail(&a->node, &conn->async_list);
		atomic_inc(&conn->detached);
		if (r->sess)
			refcount_inc(&r->sess->refs);
		w->detached = r;
		/* Cancelled before it got here: its owner answers STATUS_CANCELLED. */
		if (ksmbd_async_cancel_early(conn, a->mid))
			ksmbd_async_cancel_one(a);
	}
	mutex_unlock(&conn->async_lock);
	return ret;
}

void ksmbd_async_answer(struct ksmbd_async_req *r, __le32 status, const void *body, size_t len)
{
	struct ksmbd_conn *conn = r->conn;
	struct ksmbd_work iw = {
		.conn = conn,
		.hdr = &r->hdr,
		.req = (const u8 *)&r->hdr,
		.req_len = sizeof(r->hdr),
		.sess = r->sess,
		.sign = r->sign,
	};
	struct smb2_hdr *rsp;

	wait_for_completion(&r->interim);
	mutex_lock(&conn->async_lock);
	list_del_init(&r->async.node);
	mutex_unlock(&conn->async_lock);
	if (ksmbd_status_has_body(status)) {
		u8 *b = ksmbd_rsp_body(&iw, len);

		if (b)
			memcpy(b, body, len);
	} else {
		ksmbd_smb2_error(&iw, status);
	}
	if (iw.rsp && READ_ONCE(conn->state) == KSMBD_CONN_RUNNING) {
		rsp = (struct smb2_hdr *)iw.rsp;
		rsp->status = status;
		/* MS-SMB2 3.3.4.2: alone, async, no credits. */
		rsp->flags = SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_ASYNC_COMMAND;
		put_unaligned_le64(r->async.async_id, &rsp->process_id);
		rsp->credit_request = 0;
		if (ksmbd_smb2_reply(conn, &iw, 1, iw.rsp_len,
				     r->transform_sess_id ? r->sess : NULL))
			pr_debug("%s: async response not sent\n", conn->t->peer);
	}
	kfree(iw.rsp);
	if (r->sess)
		ksmbd_session_put(r->sess);
	ksmbd_conn_detached_done(conn);
}

/* Record what request @w leaves to a related request after it. */
static void ksmbd_chain_update(struct ksmbd_chain *chain, const struct ksmbd_work *w)
{
	const struct smb2_hdr *rsp = (const struct smb2_hdr *)w->rsp;
	u16 command = le16_to_cpu(w->hdr->command);

	chain->sess_id = w->sess ? w->sess->id : le64_to_cpu(w->hdr->session_id);
	chain->sess_ok = w->sess;
	chain->tree_id = w->tree ? w->tree->id : le32_to_cpu(w->hdr->tree_id);
	if (command == SMB2_CREATE) {
		/* The CREATE response's FileId is 64 bytes into its body. */
		chain->have_fid = rsp->status == STATUS_SUCCESS &&
				  w->rsp_len >= sizeof(*rsp) + 80;
		chain->fid_status = chain->have_fid ? STATUS_SUCCESS : rsp->status;
		if (chain->have_fid) {
			chain->fid_p = get_unaligned_le64(w->rsp + sizeof(*rsp) + 64);
			chain->fid_v = get_unaligned_le64(w->rsp + sizeof(*rsp) + 72);
		}
	} else if (w->fp) {
		chain->have_fid = true;
		chain->fid_status = STATUS_SUCCESS;
		chain->fid_p = w->fp->persistent_id;
		chain->fid_v = w->fp->volatile_id;
	} else if (command < SMB2_NR_COMMANDS && ksmbd_smb2_cmds[command].fid_off) {
		/* A FileId that named no open: a related request after it has none either. */
		chain->have_fid = false;
		chain->fid_status = rsp->status != STATUS_SUCCESS ? rsp->status : STATUS_FILE_CLOSED;
	}
}

/* @enc: the session the chain came encrypted for, or NULL for cleartext. */
static int ksmbd_smb2_process(struct ksmbd_conn *conn, const u8 *buf, size_t len,
			      struct ksmbd_session *enc)
{
	struct ksmbd_chain chain = { .fid_status = STATUS_SUCCESS };
	struct ksmbd_work *works;
	size_t off = 0, total = 0;
	int i, n, nw = 0, ret = 0;

	n = ksmbd_smb2_check_chain(buf, len);
	if (n < 0)
		return n;
	works = kcalloc(n, sizeof(*works), GFP_KERNEL);
	if (!works)
		return -ENOMEM;

	for (i = 0; i < n && !ret; i++) {
		const struct smb2_hdr *hdr = (const struct smb2_hdr *)(buf + off);
		u32 next = le32_to_cpu(hdr->next_command);
		struct ksmbd_work *w = &works[nw];

		w->conn = conn;
		w->hdr = hdr;
		w->req = buf + off;
		w->req_len = next ? next : len - off;
		w->chain = i ? &chain : NULL;
		w->transform_sess_id = enc ? enc->id : 0;
		off += w->req_len;
		w->async_ok = n == 1;
		w->last = i == n - 1;
		INIT_LIST_HEAD(&w->async.node);
		/* MS-SMB2 3.3.5.16: a CANCEL gets no response. */
		if (le16_to_cpu(hdr->command) == SMB2_CANCEL) {
			ksmbd_smb2_cancel(conn, hdr);
			continue;
		}
		ret = ksmbd_smb2_run(w);
		if (!ret) {
			ksmbd_chain_update(&chain, w);
			total = ALIGN(total, 8) + w->rsp_len;
			nw++;
		}
	}
	if (nw > 1)
		total = ALIGN(total, 8);
	if (!ret && nw)
		ret = ksmbd_smb2_reply(conn, works, nw, total, enc);
	for (i = 0; i < n; i++) {
		/* Detached requests may answer now; @works[i].detached is theirs. */
		if (works[i].detached)
			complete(&works[i].detached->interim);
		kfree(works[i].rsp);
		if (works[i].fp)
			ksmbd_file_put(works[i].fp);
		if (works[i].tree)
			ksmbd_tree_put(works[i].tree);
		if (works[i].sess)
			ksmbd_session_put(works[i].sess);
	}
	kfree(works);
	return ret;
}

/*
 * MS-SMB2 3.3.5.2.1.1: an encrypted message. The header is checked, the
 * session it names must exist with encryption keys, and the payload must
 * decrypt and authenticate; any failure drops the connection. The plaintext
 * is then an ordinary SMB2 compound, answered encrypted.
 */
static int ksmbd_smb2_process_encrypted(struct ksmbd_conn *conn, const u8 *buf, size_t len)
{
	u16 dialect = READ_ONCE(conn->dialect), cipher = READ_ONCE(conn->cipher);
	struct ksmbd_session *sess;
	size_t plen;
	u64 id;
	u8 *plain;
	int ret;

	if (dialect < SMB2_DIALECT_0300 || dialect == SMB2_DIALECT_WILDCARD || !cipher)
		return -EPROTO;
	ret = ksmbd_transform_check(buf, len, &id);
	if (ret)
		return ret;
	sess = ksmbd_session_get(conn, id);
	if (!sess)
		return -EPROTO;
	ret = -EPROTO;
	if (READ_ONCE(sess->state) != KSMBD_SESS_VALID)
		goto out;
	plen = len - sizeof(struct smb2_transform_hdr);
	plain = kvmalloc(plen, GFP_KERNEL);
	ret = -ENOMEM;
	if (!plain)
		goto out;
	ret = ksmbd_transform_open(cipher, sess->decryption_key, buf, len, plain);
	if (ret) {
		pr_debug("%s: encrypted message does not authenticate: %d\n",
			 conn->t->peer, ret);
		ret = -EBADMSG;
	} else if (((const struct smb2_hdr *)plain)->protocol_id != SMB2_PROTO_ID) {
		ret = -EPROTO;	/* nested transforms, compression: not supported */
	} else {
		ret = ksmbd_smb2_process(conn, plain, plen, sess);
	}
	kvfree_sensitive(plain, plen);
out:
	ksmbd_session_put(sess);
	return ret;
}

/*
 * An SMB1 NEGOTIATE: SMB1 itself is not supported, so the answer is an SMB1
 * error response (MS-SMB 2.2.3.1 header, WordCount 0, ByteCount 0).
 */
static int ksmbd_smb1_process(struct ksmbd_conn *conn, const u8 *buf, size_t len)
{
	const struct smb1_hdr *req = (const struct smb1_hdr *)buf;
	u8 out[sizeof(struct smb1_hdr) + 3];
	struct smb1_hdr *rsp = (struct smb1_hdr *)out;
	struct kvec iov = { .iov_base = out, .iov_len = sizeof(out) };

	int ret;

	if (len < sizeof(*req) + 3 || req->command != SMB1_COM_NEGOTIATE)
		return -EPROTO;
	ret = ksmbd_smb1_negotiate(conn, buf, len);
	if (ret)
		return ret < 0 ? ret : 0;
	memcpy(rsp, req, sizeof(*rsp));
	rsp->status = STATUS_NOT_SUPPORTED;
	rsp->flags = req->flags | SMB1_FLAGS_REPLY;
	rsp->flags2 = req->flags2 | SMB1_FLAGS2_NT_STATUS;
	memset(rsp->security_features, 0, sizeof(rsp->security_features));
	memset(out + sizeof(*rsp), 0, 3);
	return ksmbd_conn_write(conn, &iov, 1);
}

int ksmbd_smb_process(struct ksmbd_conn *conn, const u8 *buf, size_t len)
{
	__le32 proto;

	if (len < sizeof(proto))
		return -EPROTO;
	memcpy(&proto, buf, sizeof(proto));
	if (proto == SMB2_PROTO_ID)
		return ksmbd_smb2_process(conn, buf, len, NULL);
	if (proto == SMB1_PROTO_ID)
		return ksmbd_smb1_process(conn, buf, len);
	if (proto == SMB2_TRANSFORM_ID)
		return ksmbd_smb2_process_encrypted(conn, buf, len);
	/* Compression is not negotiated: a compressed message is a protocol error. */
	return -EPROTO;
}
