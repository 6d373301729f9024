// SPDX-License-Identifier: GPL-2.0
/* Kernel backend: the TCP transport on kernel sockets. */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/in6.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "conn.h"
#include "port.h"

struct ksmbd_tcp {
	struct ksmbd_transport t;
	struct socket *sock;
};

struct ksmbd_listener {
	struct socket *sock;
	u16 port;
	bool stopping;		/* READ_ONCE/WRITE_ONCE */
	struct ksmbd_thread *thread;
};

#define KSMBD_TCP(t) container_of(t, struct ksmbd_tcp, t)

static int ksmbd_tcp_read(struct ksmbd_transport *t, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct kvec iov = { .iov_base = (u8 *)buf + got, .iov_len = len - got };
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		int n = kernel_recvmsg(KSMBD_TCP(t)->sock, &msg, &iov, 1, len - got, 0);

		if (n == -EINTR || n == -ERESTARTSYS || n == -EAGAIN)
			continue;
		if (n < 0)
			return n;
		if (n == 0)
			return 0;
		got += n;
	}
	return len;
}

static int ksmbd_tcp_writev(struct ksmbd_transport *t, const struct kvec *iov, int nr)
{
	struct kvec vec[16], *v = vec;
	size_t total = 0, left;
	int i;

	if (nr > ARRAY_SIZE(vec))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		vec[i] = iov[i];
		total += iov[i].iov_len;
	}
	left = total;
	while (left) {
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		int n = kernel_sendmsg(KSMBD_TCP(t)->sock, &msg, v, nr, left);

		if (n == -EINTR || n == -ERESTARTSYS || n == -EAGAIN)
			continue;
		if (n <= 0)
			return n ? n : -EPIPE;
		left -= n;
		/* Skip what was sent. */
		while (nr && n >= v->iov_len) {
			n -= v->iov_len;
			v++;
			nr--;
		}
		if (nr) {
			v->iov_base = (u8 *)v->iov_base + n;
			v->iov_len -= n;
		}
	}
	return total;
}

static void ksmbd_tcp_shutdown(struct ksmbd_transport *t)
{
	kernel_sock_shutdown(KSMBD_TCP(t)->sock, SHUT_RDWR);
}

static void ksmbd_tcp_free(struct ksmbd_transport *t)
{
	sock_release(KSMBD_TCP(t)->sock);
	kfree(KSMBD_TCP(t));
}

static const struct ksmbd_transport_ops ksmbd_tcp_ops = {
	.read = ksmbd_tcp_read,
	.writev = ksmbd_tcp_writev,
	.shutdown = ksmbd_tcp_shutdown,
	.free = ksmbd_tcp_free,
};

static int ksmbd_tcp_accept_loop(void *arg)
{
	struct ksmbd_listener *l = arg;

	while (!kthread_should_stop() && !READ_ONCE(l->stopping)) {
		struct sockaddr_storage ss;
		struct socket *newsock;
		struct ksmbd_tcp *c;
		int ret;

		ret = kernel_accept(l->sock, &newsock, 0);
		if (ret) {
			if (READ_ONCE(l->stopping))
				break;
			/* Out of memory or a pending signal: back off briefly. */
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		tcp_sock_set_nodelay(newsock->sk);
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			sock_release(newsock);
			continue;
		}
		c->sock = newsock;
		c->t.ops = &ksmbd_tcp_ops;
		if (kernel_getpeername(newsock, (struct sockaddr *)&ss) > 0)
			snprintf(c->t.peer, sizeof(c->t.peer), "%pISpc", &ss);
		ksmbd_conn_accept(&c->t);
	}
	/* kthread_stop() must find us still here or already returned: both are fine. */
	return 0;
}

int ksmbd_tcp_listen(const u8 *addr, u16 port, struct ksmbd_listener **out)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct ksmbd_listener *l;
	int ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->port = port;
	if (addr)
		memcpy(&sin6.sin6_addr, addr, 16);
	ret = sock_create_kern(&init_net, PF_INET6, SOCK_STREAM, IPPROTO_TCP, &l->sock);
	if (ret)
		goto err_free;
	sock_set_reuseaddr(l->sock->sk);
	ret = kernel_bind(l->sock, (struct sockaddr *)&sin6, sizeof(sin6));
	if (ret)
		goto err_release;
	ret = kernel_listen(l->sock, 128);
	if (ret)
		goto err_release;
	ret = ksmbd_thread_run(&l->thread, ksmbd_tcp_accept_loop, l, "ksmbd-listen");
	if (ret)
		goto err_release;
	*out = l;
	return 0;

err_release:
	sock_release(l->sock);
err_free:
	kfree(l);
	return ret;
}

void ksmbd_tcp_unlisten(struct ksmbd_listener *l)
{
	WRITE_ONCE(l->stopping, true);
	/* Wakes a blocked kernel_accept() with -EINVAL. */
	kernel_sock_shutdown(l->sock, SHUT_RDWR);
	ksmbd_thread_join(l->thread);
	sock_release(l->sock);
	kfree(l);
}
