// SPDX-License-Identifier: GPL-2.0
/*
 * Client connections: framing, the receive loop, request work items and
 * teardown. See conn.h for who owns what.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <linux/sched.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "notify.h"
#include "session.h"
#include "smb.h"
#include "smb2.h"
#include "smb2_bind.h"

/* Protects ksmbd_conn_list and ksmbd_conn_accepting. */
static DEFINE_MUTEX(ksmbd_conn_lock);
static LIST_HEAD(ksmbd_conn_list);
static bool ksmbd_conn_accepting;
/* Woken whenever a connection leaves ksmbd_conn_list. */
static wait_queue_head_t ksmbd_conn_gone_wait;

/* Request processing; several requests of one connection may run at once. */
static struct workqueue_struct *ksmbd_req_wq;
/* Joins finished receive threads and frees their connections. */
static struct workqueue_struct *ksmbd_reap_wq;

struct ksmbd_request {
	struct work_struct work;
	struct ksmbd_conn *conn;	/* holds a reference */
	u32 len;
	u8 buf[];
};

struct ksmbd_conn *ksmbd_conn_alloc(struct ksmbd_transport *t)
{
	struct ksmbd_conn *conn = kzalloc(sizeof(*conn), GFP_KERNEL);

	if (!conn)
		return NULL;
	conn->t = t;
	INIT_LIST_HEAD(&conn->node);
	refcount_set(&conn->refs, 1);
	conn->state = KSMBD_CONN_RUNNING;
	mutex_init(&conn->write_lock);
	atomic_set(&conn->inflight, 0);
	init_waitqueue_head(&conn->inflight_wait);
	mutex_init(&conn->neg_lock);
	ksmbd_credits_init(&conn->credits);
	mutex_init(&conn->async_lock);
	INIT_LIST_HEAD(&conn->async_list);
	atomic_set(&conn->detached, 0);
	spin_lock_init(&conn->detach_lock);
	INIT_LIST_HEAD(&conn->sessions);
	return conn;
}

void ksmbd_conn_detached_done(struct ksmbd_conn *conn)
{
	spin_lock(&conn->detach_lock);
	if (atomic_dec_and_test(&conn->detached))
		wake_up_all(&conn->inflight_wait);
	spin_unlock(&conn->detach_lock);
}

/* Wait until every detached request of @conn was answered. */
static void ksmbd_conn_wait_detached(struct ksmbd_conn *conn)
{
	wait_event(conn->inflight_wait, atomic_read(&conn->detached) == 0);
	/* The last answer's wake-up is over once its lock is free. */
	spin_lock(&conn->detach_lock);
	spin_unlock(&conn->detach_lock);
}

void ksmbd_conn_free(struct ksmbd_conn *conn)
{
	/* Nothing detaches any more; closing the opens answers what waits on them. */
	ksmbd_async_cancel_all(conn, 0, NULL, true);
	ksmbd_session_unlink_all(conn);
	ksmbd_bind_conn_gone(conn);
	ksmbd_conn_wait_detached(conn);
	conn->t->ops->free(conn->t);
	mutex_destroy(&conn->write_lock);
	mutex_destroy(&conn->neg_lock);
	mutex_destroy(&conn->async_lock);
	kfree(conn);
}

bool ksmbd_conn_tryget(struct ksmbd_conn *conn)
{
	return refcount_inc_not_zero(&conn->refs);
}

void ksmbd_conn_put(struct ksmbd_conn *conn)
{
	if (refcount_dec_and_test(&conn->refs))
		ksmbd_conn_free(conn);
}

int ksmbd_conn_write(struct ksmbd_conn *conn, const struct kvec *iov, int nr)
{
	struct kvec vec[8];
	size_t total = 0;
	__be32 hdr;
	int i, ret;

	if (nr + 1 > (int)ARRAY_SIZE(vec))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		vec[i + 1] = iov[i];
		total += iov[i].iov_len;
	}
	if (total > KSMBD_MAX_PDU_SIZE)
		return -EMSGSIZE;
	hdr = cpu_to_be32((u32)total);
	vec[0].iov_base = &hdr;
	vec[0].iov_len = sizeof(hdr);

	mutex_lock(&conn->write_lock);
	ret = conn->t->ops->writev(conn->t, vec, nr + 1);
	mutex_unlock(&conn->write_lock);
	if (ret < 0) {
		WRITE_ONCE(conn->state, KSMBD_CONN_EXITING);
		conn->t->ops->shutdown(conn->t);
		return ret;
	}
	return 0;
}

static void ksmbd_request_work(struct work_struct *work)
{
	struct ksmbd_request *req = container_of(work, struct ksmbd_request, work);
	struct ksmbd_conn *conn = req->conn;

	if (READ_ONCE(conn->state) == KSMBD_CONN_RUNNING &&
	    ksmbd_smb_process(conn, req->buf, req->len) < 0) {
		/* Malformed beyond an error response: drop the connection. */
		WRITE_ONCE(conn->state, KSMBD_CONN_EXITING);
		conn->t->ops->shutdown(conn->t);
	}
	kvfree(req);
	if (atomic_dec_return(&conn->inflight) < KSMBD_MAX_INFLIGHT)
		wake_up(&conn->inflight_wait);
	ksmbd_conn_put(conn);
}

/* Read one direct-TCP frame; 1 when a request was queued, else 0 or -errno. */
static int ksmbd_conn_read_pdu(struct ksmbd_conn *conn)
{
	struct ksmbd_transport *t = conn->t;
	struct ksmbd_request *req;
	u8 hdr[4];
	u32 len;
	int ret;

	ret = t->ops->read(t, hdr, sizeof(hdr));
	if (ret != sizeof(hdr))
		return ret < 0 ? ret : 0;
	/* Only NetBIOS "session message" frames exist on direct TCP. */
	if (hdr[0] != 0) {
		pr_debug("%s: frame type 0x%x, closing\n", t->peer, hdr[0]);
		return -EPROTO;
	}
	len = get_unaligned_be32(hdr) & KSMBD_MAX_PDU_SIZE;
	if (len < 4)
		return -EPROTO;

	req = kvmalloc(sizeof(*req) + len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	ret = t->ops->read(t, req->buf, len);
	if (ret != (int)len) {
		kvfree(req);
		return ret < 0 ? ret : 0;
	}
	req->len = len;
	req->conn = conn;
	refcount_inc(&conn->refs);
	INIT_WORK(&req->work, ksmbd_request_work);
	atomic_inc(&conn->inflight);
	queue_work(ksmbd_req_wq, &req->work);
	return 1;
}

static void ksmbd_conn_reap(struct work_struct *work)
{
	struct ksmbd_conn *conn = container_of(work, struct ksmbd_conn, reap_work);

	ksmbd_thread_join(conn->thread);
	ksmbd_conn_put(conn);
}

static int ksmbd_conn_loop(void *arg)
{
	struct ksmbd_conn *conn = arg;

	while (READ_ONCE(conn->state) == KSMBD_CONN_RUNNING) {
		wait_event(conn->inflight_wait,
			   atomic_read(&conn->inflight) < KSMBD_MAX_INFLIGHT ||
			   READ_ONCE(conn->state) != KSMBD_CONN_RUNNING);
		if (ksmbd_conn_read_pdu(conn) <= 0)
			break;
	}
	WRITE_ONCE(conn->state, KSMBD_CONN_EXITING);
	conn->t->ops->shutdown(conn->t);
	/* Requests waiting async end now instead of at their timeouts. */
	ksmbd_async_cancel_all(conn, 0, NULL, true);
	wait_event(conn->inflight_wait, atomic_read(&conn->inflight) == 0);
	ksmbd_conn_wait_detached(conn);
	pr_debug("%s: disconnected\n", conn->t->peer);

	mutex_lock(&ksmbd_conn_lock);
	list_del_init(&conn->node);
	/* Queued under the lock so ksmbd_conn_stop_all() flushes it. */
	INIT_WORK(&conn->reap_work, ksmbd_conn_reap);
	queue_work(ksmbd_reap_wq, &conn->reap_work);
	mutex_unlock(&ksmbd_conn_lock);
	wake_up(&ksmbd_conn_gone_wait);
	return 0;
}

bool ksmbd_conn_logoff_previous(u64 id, const char *user)
{
	/* Session ids are unique node-wide: the table has the only candidate. */
	struct ksmbd_session *sess = ksmbd_session_lookup(id);
	bool ok;

	if (!sess)
		return false;
	ok = READ_ONCE(sess->state) == KSMBD_SESS_VALID && !sess->guest && !sess->anonymous &&
	     !strcmp(sess->user, user);
	if (ok) {
		pr_debug("session 0x%llx replaced by a reconnecting client\n", id);
		ksmbd_session_unlink(NULL, sess);
	}
	ksmbd_session_put(sess);
	return ok;
}

void ksmbd_conn_accept(struct ksmbd_transport *t)
{
	struct ksmbd_conn *conn = ksmbd_conn_alloc(t);
	int ret;

	if (!conn) {
		t->ops->free(t);
		return;
	}
	mutex_lock(&ksmbd_conn_lock);
	if (!ksmbd_conn_accepting) {
		mutex_unlock(&ksmbd_conn_lock);
		ksmbd_conn_free(conn);
		return;
	}
	list_add_tail(&conn->node, &ksmbd_conn_list);
	ret = ksmbd_thread_run(&conn->thread, ksmbd_conn_loop, conn, "ksmbd-conn");
	if (ret) {
		list_del(&conn->node);
		mutex_unlock(&ksmbd_conn_lock);
		pr_err("%s: cannot start receive thread: %d\n", t->peer, ret);
		ksmbd_conn_free(conn);
		return;
	}
	mutex_unlock(&ksmbd_conn_lock);
	pr_debug("%s: connected\n", t->peer);
}

struct ksmbd_conn *ksmbd_conn_oldest_of_client(const u8 *client_guid)
{
	struct ksmbd_conn *conn, *found = NULL;
	u16 dialect;

	mutex_lock(&ksmbd_conn_lock);
	/* The list is in accept order: the first match is the oldest. */
	list_for_each_entry(conn, &ksmbd_conn_list, node) {
		dialect = READ_ONCE(conn->dialect);
		if (READ_ONCE(conn->state) != KSMBD_CONN_RUNNING ||
		    dialect < SMB2_DIALECT_0210 || dialect == SMB2_DIALECT_WILDCARD)
			continue;
		mutex_lock(&conn->neg_lock);
		if (!memcmp(conn->client_guid, client_guid, 16) && ksmbd_conn_tryget(conn))
			found = conn;
		mutex_unlock(&conn->neg_lock);
		if (found)
			break;
	}
	mutex_unlock(&ksmbd_conn_lock);
	return found;
}

/* Let ksmbd_conn_accept() take connections again (after a stop). */
static void ksmbd_conn_set_accepting(bool on)
{
	mutex_lock(&ksmbd_conn_lock);
	ksmbd_conn_accepting = on;
	mutex_unlock(&ksmbd_conn_lock);
}

void ksmbd_conn_stop_all(void)
{
	struct ksmbd_conn *conn;

	mutex_lock(&ksmbd_conn_lock);
	ksmbd_conn_accepting = false;
	list_for_each_entry(conn, &ksmbd_conn_list, node) {
		WRITE_ONCE(conn->state, KSMBD_CONN_EXITING);
		conn->t->ops->shutdown(conn->t);
		wake_up(&conn->inflight_wait);
	}
	mutex_unlock(&ksmbd_conn_lock);

	/* Lock-free emptiness check: the remover wakes us after list_del. */
	wait_event(ksmbd_conn_gone_wait, list_empty(&ksmbd_conn_list));
	flush_workqueue(ksmbd_reap_wq);
	ksmbd_conn_set_accepting(true);
}

int ksmbd_conn_init(void)
{
	init_waitqueue_head(&ksmbd_conn_gone_wait);
	/*
	 * A CREATE waiting for an oplock break ack keeps its worker: enough
	 * workers that the acks (and everything else) still run meanwhile.
	 */
	ksmbd_req_wq = alloc_workqueue("ksmbd-req", WQ_UNBOUND | WQ_MEM_RECLAIM,
				       KSMBD_MAX_INFLIGHT);
	if (!ksmbd_req_wq)
		return -ENOMEM;
	ksmbd_reap_wq = alloc_workqueue("ksmbd-reap", WQ_UNBOUND, 1);
	if (!ksmbd_reap_wq) {
		destroy_workqueue(ksmbd_req_wq);
		return -ENOMEM;
	}
	if (ksmbd_notify_init()) {
		destroy_workqueue(ksmbd_reap_wq);
		destroy_workqueue(ksmbd_req_wq);
		return -ENOMEM;
	}
	ksmbd_conn_set_accepting(true);
	return 0;
}

void ksmbd_conn_exit(void)
{
	ksmbd_conn_stop_all();
	ksmbd_conn_set_accepting(false);
	destroy_workqueue(ksmbd_reap_wq);
	destroy_workqueue(ksmbd_req_wq);
	ksmbd_notify_exit();
}
