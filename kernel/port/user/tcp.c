// SPDX-License-Identifier: GPL-2.0
/* User-space port: the TCP transport on POSIX sockets. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "conn.h"
#include "port.h"

struct ksmbd_tcp {
	struct ksmbd_transport t;
	int fd;
};

struct ksmbd_listener {
	int fd;
	u16 port;
	bool stopping;		/* READ_ONCE/WRITE_ONCE */
	struct ksmbd_thread *thread;
};

#define KSMBD_TCP(t) container_of(t, struct ksmbd_tcp, t)

static int ksmbd_tcp_read(struct ksmbd_transport *t, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(KSMBD_TCP(t)->fd, (u8 *)buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		got += n;
	}
	return len;
}

static int ksmbd_tcp_writev(struct ksmbd_transport *t, const struct kvec *iov, int nr)
{
	struct iovec vec[16];
	struct msghdr msg = { .msg_iov = vec };
	size_t total = 0;
	int i;

	if (nr > (int)ARRAY_SIZE(vec))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		vec[i].iov_base = iov[i].iov_base;
		vec[i].iov_len = iov[i].iov_len;
		total += iov[i].iov_len;
	}
	msg.msg_iovlen = nr;
	while (msg.msg_iovlen) {
		ssize_t n = sendmsg(KSMBD_TCP(t)->fd, &msg, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* Skip what was sent. */
		while (msg.msg_iovlen && (size_t)n >= msg.msg_iov->iov_len) {
			n -= msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen) {
			msg.msg_iov->iov_base = (u8 *)msg.msg_iov->iov_base + n;
			msg.msg_iov->iov_len -= n;
		}
	}
	return total;
}

static void ksmbd_tcp_shutdown(struct ksmbd_transport *t)
{
	shutdown(KSMBD_TCP(t)->fd, SHUT_RDWR);
}

static void ksmbd_tcp_free(struct ksmbd_transport *t)
{
	close(KSMBD_TCP(t)->fd);
	kfree(KSMBD_TCP(t));
}

static const struct ksmbd_transport_ops ksmbd_tcp_ops = {
	.read = ksmbd_tcp_read,
	.writev = ksmbd_tcp_writev,
	.shutdown = ksmbd_tcp_shutdown,
	.free = ksmbd_tcp_free,
};

static void ksmbd_tcp_name(const struct sockaddr_in6 *sa, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr))
		inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, &sa->sin6_addr, addr, sizeof(addr));
	snprintf(out, len, "%s:%u", addr, ntohs(sa->sin6_port));
}

static int ksmbd_tcp_accept_loop(void *arg)
{
	struct ksmbd_listener *l = arg;

	while (!READ_ONCE(l->stopping)) {
		struct sockaddr_in6 sa;
		socklen_t salen = sizeof(sa);
		struct ksmbd_tcp *c;
		int fd, one = 1;

		fd = accept4(l->fd, (struct sockaddr *)&sa, &salen, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || READ_ONCE(l->stopping))
				continue;
			/* Out of descriptors or memory: back off briefly, then retry. */
			pr_warn("accept on port %u: %s\n", l->port, strerror(errno));
			poll(NULL, 0, 100);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->t.ops = &ksmbd_tcp_ops;
		ksmbd_tcp_name(&sa, c->t.peer, sizeof(c->t.peer));
		ksmbd_conn_accept(&c->t);
	}
	return 0;
}

int ksmbd_tcp_listen(const u8 *addr, u16 port, struct ksmbd_listener **out)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct ksmbd_listener *l;
	int one = 1, zero = 0, ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->port = port;
	if (addr)
		memcpy(&sa.sin6_addr, addr, 16);
	l->fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(l->fd, 128)) {
		ret = -errno;
		goto err_close;
	}
	ret = ksmbd_thread_run(&l->thread, ksmbd_tcp_accept_loop, l, "ksmbd-listen");
	if (ret)
		goto err_close;
	*out = l;
	return 0;

err_close:
	close(l->fd);
err_free:
	kfree(l);
	return ret;
}

void ksmbd_tcp_unlisten(struct ksmbd_listener *l)
{
	WRITE_ONCE(l->stopping, true);
	/* Wakes a blocked accept() with EINVAL. */
	shutdown(l->fd, SHUT_RDWR);
	ksmbd_thread_join(l->thread);
	close(l->fd);
	kfree(l);
}
