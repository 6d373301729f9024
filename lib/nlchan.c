// SPDX-License-Identifier: GPL-2.0-or-later
/* A channel to the SMB engine (see nlchan.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <uapi/ksmbd_cluster.h>
#include "nlchan.h"

#define KC_NLCHAN_BUF	65536

struct kc_nlchan {
	struct nl_sock *sock;	/* kernel mode, else NULL */
	int fd;
	int family;
	unsigned int seq;
	unsigned char *buf;
	unsigned int pos, len;	/* messages of buf not yet handed out by kc_nlchan_next() */
};

/* libnl's view of the attribute types; lengths are checked by the engine's policy too. */
static struct nla_policy kc_reply_policy[KSMBD_A_MAX + 1] = {
	[KSMBD_A_PROTO_VERSION]	= { .type = NLA_U32 },
	[KSMBD_A_PEER_VERSION]	= { .type = NLA_NUL_STRING, .maxlen = KSMBD_PEER_VERSION_MAX + 1 },
	[KSMBD_A_ENGINE_KIND]	= { .type = NLA_U8 },
	[KSMBD_A_STATUS]	= { .type = NLA_U32 },
};

static struct kc_nlchan *kc_nlchan_new(void)
{
	struct kc_nlchan *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	ch->buf = malloc(KC_NLCHAN_BUF);
	if (!ch->buf) {
		free(ch);
		return NULL;
	}
	ch->fd = -1;
	ch->seq = (unsigned int)time(NULL);
	return ch;
}

int kc_nlchan_open_kernel(struct kc_nlchan **out)
{
	struct kc_nlchan *ch = kc_nlchan_new();
	int one = 1, ret;

	if (!ch)
		return -ENOMEM;
	ch->sock = nl_socket_alloc();
	if (!ch->sock) {
		ret = -ENOMEM;
		goto err;
	}
	if (genl_connect(ch->sock)) {
		ret = -ECONNREFUSED;
		goto err;
	}
	ch->family = genl_ctrl_resolve(ch->sock, KSMBD_CLUSTER_GENL_NAME);
	if (ch->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	ch->fd = nl_socket_get_fd(ch->sock);
	setsockopt(ch->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(ch->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*out = ch;
	return 0;
err:
	kc_nlchan_close(ch);
	return ret;
}

int kc_nlchan_open_unix(const char *path, struct kc_nlchan **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct kc_nlchan *ch;
	int ret;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	ch = kc_nlchan_new();
	if (!ch)
		return -ENOMEM;
	ch->family = KSMBD_CLUSTER_UNIX_FAMILY_ID;
	ch->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ch->fd < 0 || connect(ch->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		ret = -errno;
		kc_nlchan_close(ch);
		return ret;
	}
	*out = ch;
	return 0;
}

void kc_nlchan_close(struct kc_nlchan *ch)
{
	if (!ch)
		return;
	if (ch->sock)
		nl_socket_free(ch->sock);
	else if (ch->fd >= 0)
		close(ch->fd);
	free(ch->buf);
	free(ch);
}

int kc_nlchan_fd(const struct kc_nlchan *ch)
{
	return ch->fd;
}

bool kc_nlchan_is_kernel(const struct kc_nlchan *ch)
{
	return ch->sock != NULL;
}

struct nl_msg *kc_nlchan_msg(struct kc_nlchan *ch, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, 0, ++ch->seq, ch->family, 0, NLM_F_REQUEST | flags, cmd,
			 KSMBD_CLUSTER_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static long kc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Receive one datagram; its length, -ETIMEDOUT or -ECONNRESET. */
static int kc_nlchan_recv(struct kc_nlchan *ch, long deadline)
{
	struct pollfd pfd = { .fd = ch->fd, .events = POLLIN };
	ssize_t n;
	int ret;

	for (;;) {
		long left = deadline < 0 ? -1 : deadline - kc_now_ms();

		if (deadline >= 0 && left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			continue;
		n = recv(ch->fd, ch->buf, KC_NLCHAN_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ECONNRESET;
		return (int)n;
	}
}

/* The extended-ack message of an NLMSG_ERROR, if it carries one. */
static void kc_nlchan_extack(const struct nlmsghdr *nlh, char *errmsg, size_t errlen)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*err);
	const struct nlattr *a;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return;
	rem = nlh->nlmsg_len - off;
	for (a = (const struct nlattr *)((const char *)nlh + off); nla_ok(a, rem);
	     a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			snprintf(errmsg, errlen, "%.*s", nla_len(a), (const char *)nla_data(a));
			return;
		}
	}
}

int kc_nlchan_request(struct kc_nlchan *ch, struct nl_msg *msg, int timeout_ms,
		      struct nlattr **tb, char *errmsg, size_t errlen)
{
	struct nlmsghdr *req = nlmsg_hdr(msg);
	unsigned int seq = req->nlmsg_seq;
	long deadline = timeout_ms < 0 ? -1 : kc_now_ms() + timeout_ms;
	ssize_t sent;
	int n;

	if (errlen)
		errmsg[0] = '\0';
	sent = send(ch->fd, req, req->nlmsg_len, MSG_NOSIGNAL);
	n = sent == (ssize_t)req->nlmsg_len ? 0 : (sent < 0 ? -errno : -EIO);
	nlmsg_free(msg);
	if (n)
		return n == -EPIPE ? -ECONNRESET : n;

	for (;;) {
		struct nlmsghdr *nlh;
		unsigned int left;

		n = kc_nlchan_recv(ch, deadline);
		if (n < 0)
			return n;
		left = n;
		for (nlh = (struct nlmsghdr *)ch->buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* not the answer to this request */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
					return -EBADMSG;
				kc_nlchan_extack(nlh, errmsg, errlen);
				return err->error;
			}
			if (nlh->nlmsg_type != ch->family)
				return -EBADMSG;
			if (genlmsg_parse(nlh, 0, tb, KSMBD_A_MAX, kc_reply_policy))
				return -EBADMSG;
			return 0;
		}
	}
}

int kc_nlchan_send(struct kc_nlchan *ch, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	ssize_t sent = send(ch->fd, nlh, nlh->nlmsg_len, MSG_NOSIGNAL);
	int ret = sent == (ssize_t)nlh->nlmsg_len ? 0 : (sent < 0 ? -errno : -EIO);

	nlmsg_free(msg);
	return ret;
}

int kc_nlchan_next(struct kc_nlchan *ch, struct nlmsghdr **out)
{
	struct nlmsghdr *nlh;
	unsigned int left;
	ssize_t n;

	if (ch->pos >= ch->len) {
		n = recv(ch->fd, ch->buf, KC_NLCHAN_BUF, MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? -EAGAIN : -ECONNRESET;
		if (n == 0)
			return -ECONNRESET;
		ch->pos = 0;
		ch->len = n;
	}
	nlh = (struct nlmsghdr *)(ch->buf + ch->pos);
	left = ch->len - ch->pos;
	if (!NLMSG_OK(nlh, left)) {
		ch->pos = ch->len = 0;
		return -EAGAIN;		/* a truncated tail: nothing usable */
	}
	ch->pos += NLMSG_ALIGN(nlh->nlmsg_len);
	*out = nlh;
	return 0;
}

int kc_nlchan_family(const struct kc_nlchan *ch)
{
	return ch->family;
}

int kc_nlchan_wait_closed(struct kc_nlchan *ch, int timeout_ms)
{
	long deadline = timeout_ms < 0 ? -1 : kc_now_ms() + timeout_ms;
	int n;

	do {
		n = kc_nlchan_recv(ch, deadline);
	} while (n > 0);
	return n == -ECONNRESET ? 0 : n;
}
