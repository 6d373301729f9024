// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: the registered generic netlink family, served on a UNIX
 * SOCK_SEQPACKET socket. Each packet is one netlink message, byte for byte
 * what the kernel's generic netlink would carry; requests are validated,
 * permission-checked (GENL_ADMIN_PERM: root or our own uid, by SO_PEERCRED),
 * dispatched to the family's ops and acknowledged like netlink_rcv_skb() does,
 * with the extended-ack message as NLMSGERR_ATTR_MSG.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/ksmbd_cluster.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "ipc.h"
#include "port.h"
#include "port_user.h"

#define KSMBD_IPC_MAX_CLIENTS	8
#define KSMBD_IPC_MAX_MSG	65536

struct ksmbd_ipc_client {
	int fd;			/* -1 when the slot is free */
	u32 portid;
	uid_t uid;
};

static struct genl_family *ksmbd_family;	/* set and cleared on the main thread */
/* Protects ksmbd_clients: replies and engine messages come from any thread. */
static pthread_mutex_t ksmbd_clients_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ksmbd_ipc_client ksmbd_clients[KSMBD_IPC_MAX_CLIENTS];
static u32 ksmbd_next_portid = 1;

int genl_register_family(struct genl_family *family)
{
	if (ksmbd_family)
		return -EEXIST;
	family->id = KSMBD_CLUSTER_UNIX_FAMILY_ID;
	ksmbd_family = family;
	return 0;
}

int genl_unregister_family(const struct genl_family *family)
{
	if (ksmbd_family != family)
		return -ENOENT;
	ksmbd_family = NULL;
	return 0;
}

int ksmbd_port_ipc_init(void)
{
	return 0;
}

void ksmbd_port_ipc_exit(void)
{
}

static int ksmbd_ipc_send_locked(u32 portid, const void *buf, size_t len)
{
	int i;

	for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++) {
		if (ksmbd_clients[i].fd < 0 || ksmbd_clients[i].portid != portid)
			continue;
		if (send(ksmbd_clients[i].fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
			return -errno ? -errno : -EIO;
		return 0;
	}
	return -ECONNREFUSED;
}

int genlmsg_unicast(struct net *net, struct sk_buff *skb, u32 portid)
{
	int ret;

	(void)net;
	pthread_mutex_lock(&ksmbd_clients_lock);
	ret = ksmbd_ipc_send_locked(portid, skb->data, skb->len);
	pthread_mutex_unlock(&ksmbd_clients_lock);
	kfree_skb(skb);
	return ret;
}

/* NLMSG_ERROR for @req: @error 0 is an ACK; extack's message rides along. */
static void ksmbd_ipc_ack(u32 portid, const struct nlmsghdr *req, int error,
			  const struct netlink_ext_ack *extack)
{
	const char *msg = error && extack->_msg ? extack->_msg : NULL;
	struct sk_buff *skb;
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;

	skb = alloc_skb(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*err)) +
			(msg ? nla_total_size(strlen(msg) + 1) : 0), GFP_KERNEL);
	if (!skb)
		return;
	nlh = skb_put(skb, NLMSG_HDRLEN);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = portid;
	err = skb_put(skb, NLMSG_ALIGN(sizeof(*err)));
	err->error = error;
	err->msg = *req;
	if (msg)
		nla_put_string(skb, NLMSGERR_ATTR_MSG, msg);
	nlh->nlmsg_len = skb->len;
	genlmsg_unicast(&init_net, skb, portid);
}

static const struct genl_small_ops *ksmbd_ipc_find_op(u8 cmd)
{
	int i;

	for (i = 0; i < ksmbd_family->n_small_ops; i++)
		if (ksmbd_family->small_ops[i].cmd == cmd)
			return &ksmbd_family->small_ops[i];
	return NULL;
}

static int ksmbd_ipc_dispatch(const struct ksmbd_ipc_client *c, u8 *buf, size_t len,
			      struct netlink_ext_ack *extack)
{
	size_t hdrlen = NLMSG_HDRLEN + GENL_HDRLEN + ksmbd_family->hdrsize;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *attrs[KSMBD_A_MAX + 1];
	struct sk_buff skb = { .data = buf, .len = len, .end = len };
	const struct genl_small_ops *op;
	struct genl_info info = { 0 };
	int ret;

	if (ksmbd_family->maxattr > KSMBD_A_MAX)
		return -EINVAL;
	if (nlh->nlmsg_type != ksmbd_family->id)
		return -ENOENT;
	if (len < hdrlen)
		return -EINVAL;
	info.genlhdr = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);
	op = ksmbd_ipc_find_op(info.genlhdr->cmd);
	if (!op || !op->doit)
		return -EOPNOTSUPP;
	if ((op->flags & GENL_ADMIN_PERM) && c->uid != 0 && c->uid != geteuid())
		return -EPERM;
	ret = ksmbd_port_nla_parse(attrs, ksmbd_family->maxattr, (struct nlattr *)(buf + hdrlen),
				   len - hdrlen, ksmbd_family->policy, extack);
	if (ret)
		return ret;
	info.snd_seq = nlh->nlmsg_seq;
	info.snd_portid = c->portid;
	info.nlhdr = nlh;
	info.attrs = attrs;
	info.extack = extack;
	return op->doit(&skb, &info);
}

static void ksmbd_ipc_receive(const struct ksmbd_ipc_client *c, u8 *buf, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct netlink_ext_ack extack = { 0 };
	int ret;

	ret = ksmbd_ipc_dispatch(c, buf, len, &extack);
	if (ret || (nlh->nlmsg_flags & NLM_F_ACK))
		ksmbd_ipc_ack(c->portid, nlh, ret, &extack);
}

static void ksmbd_ipc_close(struct ksmbd_ipc_client *c)
{
	u32 portid = c->portid;

	pthread_mutex_lock(&ksmbd_clients_lock);
	close(c->fd);
	c->fd = -1;
	pthread_mutex_unlock(&ksmbd_clients_lock);
	ksmbd_ipc_peer_gone(portid);
}

static void ksmbd_ipc_accept(int lfd)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int fd, i;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen)) {
		close(fd);
		return;
	}
	pthread_mutex_lock(&ksmbd_clients_lock);
	for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++) {
		if (ksmbd_clients[i].fd < 0) {
			ksmbd_clients[i].fd = fd;
			ksmbd_clients[i].uid = cred.uid;
			ksmbd_clients[i].portid = ksmbd_next_portid++;
			fd = -1;
			break;
		}
	}
	pthread_mutex_unlock(&ksmbd_clients_lock);
	if (fd >= 0) {
		pr_warn("IPC: too many clients, refusing one\n");
		close(fd);
	}
}

/* Bind @path, refusing to take it over from a live engine. */
static int ksmbd_ipc_bind(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, probe, ret;

	if (strscpy(sun.sun_path, path, sizeof(sun.sun_path)) < 0)
		return -ENAMETOOLONG;
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		ret = connect(probe, (struct sockaddr *)&sun, sizeof(sun));
		close(probe);
		if (!ret)
			return -EADDRINUSE;
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(077);
	ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret || listen(fd, KSMBD_IPC_MAX_CLIENTS)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int ksmbd_port_ipc_serve(const char *path, int stop_fd)
{
	struct pollfd pfd[2 + KSMBD_IPC_MAX_CLIENTS];
	int lfd, i, n;
	u8 *buf;

	for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++)
		ksmbd_clients[i].fd = -1;
	buf = kmalloc(KSMBD_IPC_MAX_MSG, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	lfd = ksmbd_ipc_bind(path);
	if (lfd < 0) {
		kfree(buf);
		return lfd;
	}
	pr_info("IPC socket %s ready\n", path);

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++)
			pfd[2 + i] = (struct pollfd){ .fd = ksmbd_clients[i].fd, .events = POLLIN };
		n = poll(pfd, ARRAY_SIZE(pfd), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			ksmbd_ipc_accept(lfd);
		for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++) {
			struct ksmbd_ipc_client *c = &ksmbd_clients[i];
			ssize_t len;

			if (c->fd < 0 || !pfd[2 + i].revents || pfd[2 + i].fd != c->fd)
				continue;
			len = recv(c->fd, buf, KSMBD_IPC_MAX_MSG, MSG_TRUNC);
			if (len <= 0 || len > KSMBD_IPC_MAX_MSG || len < NLMSG_HDRLEN ||
			    ((struct nlmsghdr *)buf)->nlmsg_len != len) {
				if (len > 0)
					pr_warn("IPC: malformed message, closing peer %u\n", c->portid);
				ksmbd_ipc_close(c);
				continue;
			}
			ksmbd_ipc_receive(c, buf, len);
		}
	}

	for (i = 0; i < KSMBD_IPC_MAX_CLIENTS; i++)
		if (ksmbd_clients[i].fd >= 0)
			ksmbd_ipc_close(&ksmbd_clients[i]);
	close(lfd);
	unlink(path);
	kfree(buf);
	return 0;
}
