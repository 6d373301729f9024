/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-memory transport for driving the engine's request path without
 * sockets (unit tests and fuzz targets): responses are appended to a buffer.
 */
#ifndef KC_TEST_MEM_TRANSPORT_H
#define KC_TEST_MEM_TRANSPORT_H

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "conn.h"
#include "port.h"

struct mem_transport {
	struct ksmbd_transport t;
	u8 *out;
	size_t len, cap;
	int writes;
};

static inline int mem_read(struct ksmbd_transport *t, void *buf, size_t len)
{
	return 0;	/* requests are fed directly to ksmbd_smb_process() */
}

static inline int mem_writev(struct ksmbd_transport *t, const struct kvec *iov, int nr)
{
	struct mem_transport *m = container_of(t, struct mem_transport, t);
	size_t total = 0;
	int i;

	for (i = 0; i < nr; i++) {
		if (m->len + iov[i].iov_len > m->cap) {
			size_t cap = max(m->cap * 2, m->len + iov[i].iov_len);
			u8 *p = realloc(m->out, cap);

			if (!p)
				return -ENOMEM;
			m->out = p;
			m->cap = cap;
		}
		memcpy(m->out + m->len, iov[i].iov_base, iov[i].iov_len);
		m->len += iov[i].iov_len;
		total += iov[i].iov_len;
	}
	m->writes++;
	return total;
}

static inline void mem_shutdown(struct ksmbd_transport *t)
{
}

static inline void mem_free(struct ksmbd_transport *t)
{
	struct mem_transport *m = container_of(t, struct mem_transport, t);

	free(m->out);
	kfree(m);
}

static const struct ksmbd_transport_ops mem_ops = {
	.read = mem_read,
	.writev = mem_writev,
	.shutdown = mem_shutdown,
	.free = mem_free,
};

/* A connection whose responses land in the returned transport's buffer. */
static inline struct ksmbd_conn *mem_conn_new(struct mem_transport **mp)
{
	struct mem_transport *m = kzalloc(sizeof(*m), GFP_KERNEL);
	struct ksmbd_conn *conn;

	if (!m)
		return NULL;
	m->t.ops = &mem_ops;
	strscpy(m->t.peer, "memory", sizeof(m->t.peer));
	conn = ksmbd_conn_alloc(&m->t);
	if (!conn) {
		kfree(m);
		return NULL;
	}
	*mp = m;
	return conn;
}

#endif
