/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client connection: one receive thread reads whole SMB PDUs off the
 * transport and queues each as a work item; responses are written under
 * write_lock.
 *
 * Lifetime: ksmbd_conn_accept() creates the connection with one reference,
 * owned by the receive thread. Each queued request holds one more. When the
 * receive loop ends it waits for its requests, unlinks the connection from the
 * server list and queues the reaper, which joins the thread, drops the last
 * reference and frees connection and transport. Oplock break notifications
 * take short references with ksmbd_conn_tryget() while they send.
 *
 * Async requests (MS-SMB2 3.3.4.2): a request that waits (an oplock break)
 * stays on its worker, which keeps its references to connection, session,
 * tree and open; its struct ksmbd_async (in its struct ksmbd_work) is on
 * async_list while it waits. Only its worker links and unlinks it; CANCEL,
 * LOGOFF, TREE_DISCONNECT and teardown only mark it cancelled and call its
 * cancel callback, under async_lock. Teardown sets async_closed first, so no
 * request starts waiting after it, and then waits for the workers as usual.
 */
#ifndef KSMBD_CONN_H
#define KSMBD_CONN_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include "port.h"
#include "smb2_credit.h"

/* Largest PDU the direct-TCP framing can carry (24-bit length). */
#define KSMBD_MAX_PDU_SIZE	0xffffff
/* Requests of one connection that may be queued or running at once. */
#define KSMBD_MAX_INFLIGHT	64

enum ksmbd_conn_state {
	KSMBD_CONN_RUNNING,
	KSMBD_CONN_EXITING,
};

struct ksmbd_conn {
	struct ksmbd_transport *t;
	struct ksmbd_thread *thread;	/* set before the receive loop runs */
	struct list_head node;		/* on the server's list; ksmbd_conn_lock */
	refcount_t refs;
	enum ksmbd_conn_state state;	/* READ_ONCE/WRITE_ONCE */
	struct mutex write_lock;	/* serialises whole responses on t */
	atomic_t inflight;		/* queued or running requests */
	wait_queue_head_t inflight_wait;
	struct work_struct reap_work;

	/* Negotiated state (MS-SMB2 3.3.1.7): written by NEGOTIATE under neg_lock. */
	struct mutex neg_lock;
	u16 dialect;			/* 0 before NEGOTIATE; 0x02ff after SMB1 */
	u16 client_security_mode;
	u32 client_caps;
	u8 client_guid[16];
	u16 cipher;			/* 0: none negotiated */
	u16 signing_alg;		/* SMB2_SIGNING_* */
	u8 preauth_hash[64];		/* 3.1.1 connection preauth hash */

	struct ksmbd_credits credits;	/* the command sequence window */

	struct mutex async_lock;	/* protects the three below */
	struct list_head async_list;	/* struct ksmbd_async, see smb2.h */
	bool async_closed;		/* torn down: nothing may go async */
	u64 next_async_id;
	/*
	 * MessageIds of CANCELs that found nothing: their request may still
	 * be on its way to waiting (requests of a connection run
	 * concurrently). It is cancelled as it starts to wait. 0: free slot.
	 */
	u64 cancel_mids[16];
	unsigned int cancel_next;

	/*
	 * Detached async requests (smb2.h, struct ksmbd_async_req) not yet
	 * answered; decremented and woken (inflight_wait) under detach_lock, so
	 * whoever waits for zero may free the connection after taking it once.
	 */
	atomic_t detached;
	spinlock_t detach_lock;

	/* A session binding in progress (smb2_bind.c, under its ksmbd_bind_lock). */
	u64 bind_sess_id, bind_auth_id;
	u8 bind_preauth[64];

	/* struct ksmbd_channel: the sessions this connection is a channel of (session.h) */
	struct list_head sessions;
};

int ksmbd_conn_init(void);
void ksmbd_conn_exit(void);
/* Called by a transport backend for every accepted connection. Takes @t. */
void ksmbd_conn_accept(struct ksmbd_transport *t);
/*
 * MS-SMB2 3.3.5.5.3 PreviousSessionId: log off session @id, on whichever
 * connection it is, when it is a valid session of @user (not a guest or
 * anonymous one). Its trees and opens close. Whether one was logged off.
 */
bool ksmbd_conn_logoff_previous(u64 id, const char *user);
/*
 * The oldest running connection (2.1 or later) of the client @client_guid,
 * with a reference, or NULL: where lease break notifications go (oplock.c).
 */
struct ksmbd_conn *ksmbd_conn_oldest_of_client(const u8 *client_guid);
/* Shut down every connection and wait until all are gone. */
void ksmbd_conn_stop_all(void);
/*
 * Send one response PDU: the 4-byte direct-TCP header followed by @iov.
 * Returns 0 or -errno; on error the connection is being torn down.
 */
int ksmbd_conn_write(struct ksmbd_conn *conn, const struct kvec *iov, int nr);
/* A reference to @conn unless it is already being freed; false then. */
bool ksmbd_conn_tryget(struct ksmbd_conn *conn);
void ksmbd_conn_put(struct ksmbd_conn *conn);
/* A detached request of @conn was answered (see struct ksmbd_async_req). */
void ksmbd_conn_detached_done(struct ksmbd_conn *conn);
/* A connection with no thread and no server list entry, for tests and fuzzing. */
struct ksmbd_conn *ksmbd_conn_alloc(struct ksmbd_transport *t);
void ksmbd_conn_free(struct ksmbd_conn *conn);

#endif
