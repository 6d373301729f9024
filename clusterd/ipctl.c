// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Public-IP takeover and release (ipctl.h): rtnetlink for addresses, packet and
 * raw sockets for announcements and tickle ACKs, sock_diag for resets. Plain
 * netlink sockets, no library.
 */
#include "ipctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

/* TCP states (include/net/tcp_states.h), as sock_diag's state bit numbers. */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1, ST_FIN_WAIT2,
	ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK, ST_LISTEN, ST_CLOSING,
};

#define RESET_STATES ((1u << ST_ESTABLISHED) | (1u << ST_SYN_SENT) | (1u << ST_SYN_RECV) | \
		      (1u << ST_FIN_WAIT1) | (1u << ST_FIN_WAIT2) | (1u << ST_CLOSE_WAIT) | \
		      (1u << ST_LAST_ACK) | (1u << ST_CLOSING))

static int fail(struct kc_ipctl_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static size_t killtcp(const struct kc_tcp_conn *c, size_t n, int idx, int timeout_ms);

static int fail(struct kc_ipctl_err *err, int rc, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(-rc));
	}
	return rc;
}

static size_t alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static const char *ipstr(const struct kc_ipaddr *ip, char *buf, size_t len)
{
	return kc_ipaddr_str(ip, buf, len);
}

/* ---- netlink ---------------------------------------------------------------------------------- */

struct nlreq {
	struct nlmsghdr h;
	char buf[512];
};

static void nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_open(int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Send one request with NLM_F_ACK and return the kernel's answer (0 or -errno). */
static int nl_transact(int fd, struct nlmsghdr *h)
{
	static uint32_t seq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[8192];
	ssize_t n;

	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *m;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_seq != h->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(m);

				return e->error;
			}
		}
	}
}

static int addr_request(int type, int flags, const struct kc_ipaddr *ip, unsigned int ifindex)
{
	struct nlreq r;
	struct ifaddrmsg *ifa;
	int fd, rc;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	r.h.nlmsg_type = (unsigned short)type;
	r.h.nlmsg_flags = (unsigned short)flags;
	ifa = NLMSG_DATA(&r.h);
	ifa->ifa_family = (unsigned char)ip->family;
	ifa->ifa_prefixlen = ip->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (ip->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	nl_attr(&r, IFA_LOCAL, ip->addr, alen(ip->family));
	nl_attr(&r, IFA_ADDRESS, ip->addr, alen(ip->family));
	if (ip->family == AF_INET && ip->prefix < 31) {
		uint32_t a, mask = ip->prefix ? htonl(~0u << (32 - ip->prefix)) : 0;

		memcpy(&a, ip->addr, 4);
		a |= ~mask;
		nl_attr(&r, IFA_BROADCAST, &a, 4);
	}
	fd = nl_open(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	rc = nl_transact(fd, &r.h);
	close(fd);
	return rc;
}

static int ifindex_of(const char *ifname, struct kc_ipctl_err *err)
{
	unsigned int i = if_nametoindex(ifname);

	if (!i)
		return fail(err, errno ? -errno : -ENODEV, "interface %s", ifname);
	return (int)i;
}

/* ---- take ------------------------------------------------------------------------------------- */

int kc_ip_take(const struct kc_ipaddr *ip, const char *ifname, struct kc_ipctl_err *err)
{
	char a[64];
	int idx, rc, present = 0;

	idx = ifindex_of(ifname, err);
	if (idx < 0)
		return idx;
	rc = addr_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ip, (unsigned int)idx);
	if (rc == -EEXIST)
		present = 1;
	else if (rc)
		return fail(err, rc, "adding %s to %s", ipstr(ip, a, sizeof(a)), ifname);
	rc = kc_ip_announce(ip, ifname, KC_IP_ANNOUNCE_COUNT, err);
	if (rc)
		return rc;
	return present;
}

static int hwaddr(const char *ifname, uint8_t mac[6], struct kc_ipctl_err *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return fail(err, -errno, "socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		rc = fail(err, -errno, "hardware address of %s", ifname);
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc;
}

/* Gratuitous ARP: a request and a reply, both with sender = target = ip. */
static int garp(const struct kc_ipaddr *ip, const char *ifname, int idx, int count,
		struct kc_ipctl_err *err)
{
	struct sockaddr_ll ll;
	uint8_t mac[6], pkt[28];
	int fd, i, op, rc;

	rc = hwaddr(ifname, mac, err);
	if (rc)
		return rc;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0)
		return fail(err, -errno, "packet socket on %s", ifname);
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_ARP);
	ll.sll_ifindex = idx;
	ll.sll_halen = 6;
	memset(ll.sll_addr, 0xff, 6);
	for (i = 0; i < count; i++) {
		for (op = 1; op <= 2; op++) {
			/* htype Ethernet, ptype IPv4, hlen 6, plen 4, op */
			pkt[0] = 0; pkt[1] = 1; pkt[2] = 0x08; pkt[3] = 0; pkt[4] = 6; pkt[5] = 4;
			pkt[6] = 0; pkt[7] = (uint8_t)op;
			memcpy(pkt + 8, mac, 6);
			memcpy(pkt + 14, ip->addr, 4);
			/* request: target hardware unknown (0); reply: broadcast */
			memset(pkt + 18, op == 1 ? 0 : 0xff, 6);
			memcpy(pkt + 24, ip->addr, 4);
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
				rc = fail(err, -errno, "gratuitous ARP on %s", ifname);
				goto out;
			}
		}
	}
out:
	close(fd);
	return rc;
}

/* Unsolicited neighbour advertisement (RFC 4861 7.2.6) to all-nodes, override set. */
static int unsolicited_na(const struct kc_ipaddr *ip, const char *ifname, int idx, int count,
			  struct kc_ipctl_err *err)
{
	struct sockaddr_in6 src, dst;
	uint8_t mac[6], pkt[32];
	int fd, hops = 255, i, rc;
	unsigned int uidx = (unsigned int)idx;

	rc = hwaddr(ifname, mac, err);
	if (rc)
		return rc;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return fail(err, -errno, "ICMPv6 socket");
	memset(&src, 0, sizeof(src));
	src.sin6_family = AF_INET6;
	memcpy(&src.sin6_addr, ip->addr, 16);
	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = uidx;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &uidx, sizeof(uidx)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		rc = fail(err, -errno, "ICMPv6 socket on %s", ifname);
		goto out;
	}
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 136;		/* neighbour advertisement; the kernel fills the checksum */
	pkt[4] = 0x20;		/* override */
	memcpy(pkt + 8, ip->addr, 16);
	pkt[24] = 2;		/* target link-layer address option, 8 bytes */
	pkt[25] = 1;
	memcpy(pkt + 26, mac, 6);
	for (i = 0; i < count; i++)
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			rc = fail(err, -errno, "neighbour advertisement on %s", ifname);
			goto out;
		}
out:
	close(fd);
	return rc;
}

int kc_ip_announce(const struct kc_ipaddr *ip, const char *ifname, int count,
		   struct kc_ipctl_err *err)
{
	int idx = ifindex_of(ifname, err);

	if (idx < 0)
		return idx;
	if (ip->family == AF_INET)
		return garp(ip, ifname, idx, count, err);
	return unsolicited_na(ip, ifname, idx, count, err);
}

/* ---- sock_diag: list and abort ---------------------------------------------------------------- */

static int match_local(const struct kc_ipaddr *ip, int family, const uint32_t *src)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (family == ip->family)
		return memcmp(src, ip->addr, alen(family)) == 0;
	return ip->family == AF_INET && family == AF_INET6 &&
	       memcmp(src, mapped, 12) == 0 && memcmp((const uint8_t *)src + 12, ip->addr, 4) == 0;
}

struct diag_hit {
	int family;
	struct inet_diag_sockid id;
};

/* Dump TCP sockets of one family in states, keep those whose local address is ip. */
static int diag_dump(int fd, int family, uint32_t states, const struct kc_ipaddr *ip,
		     struct diag_hit **hits, size_t *n, size_t *cap)
{
	static uint32_t seq = 1000;
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[16384];
	ssize_t len;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = states;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *m;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)len); m = NLMSG_NEXT(m, len)) {
			const struct inet_diag_msg *d;

			if (m->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(m))->error;
			d = NLMSG_DATA(m);
			if (!match_local(ip, d->idiag_family, d->id.idiag_src))
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 16;
				struct diag_hit *nh = realloc(*hits, nc * sizeof(*nh));

				if (!nh)
					return -ENOMEM;
				*hits = nh;
				*cap = nc;
			}
			(*hits)[*n].family = d->idiag_family;
			(*hits)[*n].id = d->id;
			(*n)++;
		}
	}
}

static int diag_collect(const struct kc_ipaddr *ip, uint32_t states, struct diag_hit **hits,
			size_t *n)
{
	size_t cap = 0;
	int fd, rc;

	*hits = NULL;
	*n = 0;
	fd = nl_open(NETLINK_SOCK_DIAG);
	if (fd < 0)
		return fd;
	rc = diag_dump(fd, ip->family, states, ip, hits, n, &cap);
	if (!rc && ip->family == AF_INET)
		rc = diag_dump(fd, AF_INET6, states, ip, hits, n, &cap);
	close(fd);
	if (rc) {
		free(*hits);
		*hits = NULL;
		*n = 0;
	}
	return rc;
}

int kc_ip_reset_conns(const struct kc_ipaddr *ip, size_t *n_reset, struct kc_ipctl_err *err)
{
	struct diag_hit *hits;
	size_t n, i, done = 0;
	char a[64];
	int fd, rc;

	if (n_reset)
		*n_reset = 0;
	rc = diag_collect(ip, RESET_STATES, &hits, &n);
	if (rc)
		return fail(err, rc, "listing TCP connections on %s (sock_diag)", ipstr(ip, a, sizeof(a)));
	fd = nl_open(NETLINK_SOCK_DIAG);
	if (fd < 0) {
		free(hits);
		return fail(err, fd, "sock_diag socket");
	}
	for (i = 0; i < n; i++) {
		struct {
			struct nlmsghdr h;
			struct inet_diag_req_v2 r;
		} req;

		memset(&req, 0, sizeof(req));
		req.h.nlmsg_len = sizeof(req);
		req.h.nlmsg_type = SOCK_DESTROY;
		req.r.sdiag_family = (uint8_t)hits[i].family;
		req.r.sdiag_protocol = IPPROTO_TCP;
		req.r.idiag_states = ~0u;
		req.r.id = hits[i].id;
		rc = nl_transact(fd, &req.h);
		if (rc == -ENOENT) {	/* closed meanwhile (its peer may have been ours) */
			rc = 0;
			continue;
		}
		if (rc) {
			rc = fail(err, rc, "aborting a TCP connection on %s (SOCK_DESTROY%s)",
				  ipstr(ip, a, sizeof(a)),
				  rc == -EOPNOTSUPP ? ", kernel without CONFIG_INET_DIAG_DESTROY" : "");
			break;
		}
		done++;
	}
	close(fd);
	free(hits);
	if (n_reset)
		*n_reset = done;
	return rc;
}

/* Whether ip is an address of this host (bind succeeds only for local addresses). */
static int is_local(const struct kc_ipaddr *ip)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, ok;

	memset(&ss, 0, sizeof(ss));
	if (ip->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ip->addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, ip->addr, 16);
		len = sizeof(*sin6);
	}
	fd = socket(ip->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;	/* cannot tell: assume present */
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

int kc_ip_release(const struct kc_ipaddr *ip, const char *ifname, size_t *n_reset,
		  struct kc_ipctl_err *err)
{
	size_t r1 = 0;
	char a[64];
	int idx, rc, absent = 0;

	if (n_reset)
		*n_reset = 0;
	idx = ifindex_of(ifname, err);
	if (idx < 0)
		return idx;
	/* while the address is here, the kernel's own resets carry the right numbers */
	if (is_local(ip)) {
		rc = kc_ip_reset_conns(ip, &r1, err);
		if (rc)
			return rc;
	}
	rc = addr_request(RTM_DELADDR, 0, ip, (unsigned int)idx);
	if (rc == -EADDRNOTAVAIL)
		absent = 1;
	else if (rc)
		return fail(err, rc, "deleting %s from %s", ipstr(ip, a, sizeof(a)), ifname);
	/*
	 * Connections accepted between that pass and the deletion, or all of them
	 * when the address was already gone: this kernel can no longer send from
	 * the address, so reset their peers the way another node would (tickle,
	 * learn the peer's sequence from its answer, which still comes here, RST),
	 * then drop the sockets.
	 */
	if (ip->family == AF_INET) {
		struct kc_tcp_conn *late;
		size_t nl;

		rc = kc_ip_conns(ip, &late, &nl, err);
		if (rc)
			return rc;
		if (nl)
			r1 += killtcp(late, nl, idx, 500);
		free(late);
	}
	/* drop the sockets; their peers were reset above, or were not established */
	rc = kc_ip_reset_conns(ip, NULL, err);
	if (n_reset)
		*n_reset = r1;
	if (rc)
		return rc;
	return absent;
}

int kc_ip_conns(const struct kc_ipaddr *ip, struct kc_tcp_conn **out, size_t *n,
		struct kc_ipctl_err *err)
{
	struct diag_hit *hits;
	struct kc_tcp_conn *c;
	size_t i, nh;
	char a[64];
	int rc;

	*out = NULL;
	*n = 0;
	rc = diag_collect(ip, 1u << ST_ESTABLISHED, &hits, &nh);
	if (rc)
		return fail(err, rc, "listing TCP connections on %s (sock_diag)", ipstr(ip, a, sizeof(a)));
	c = calloc(nh ? nh : 1, sizeof(*c));
	if (!c) {
		free(hits);
		return fail(err, -ENOMEM, "listing TCP connections");
	}
	for (i = 0; i < nh; i++) {
		const struct inet_diag_sockid *id = &hits[i].id;

		c[i].family = ip->family;
		if (ip->family == AF_INET && hits[i].family == AF_INET6) {
			memcpy(c[i].local, (const uint8_t *)id->idiag_src + 12, 4);
			memcpy(c[i].peer, (const uint8_t *)id->idiag_dst + 12, 4);
		} else {
			memcpy(c[i].local, id->idiag_src, alen(ip->family));
			memcpy(c[i].peer, id->idiag_dst, alen(ip->family));
		}
		c[i].lport = ntohs(id->idiag_sport);
		c[i].rport = ntohs(id->idiag_dport);
	}
	free(hits);
	*out = c;
	*n = nh;
	return 0;
}

/* ---- tickle ACKs ------------------------------------------------------------------------------ */

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* A 20-byte TCP header from the server side of c, checksum over the pseudo-header. */
static void build_tcp(const struct kc_tcp_conn *c, uint32_t seq, uint32_t ack, uint8_t flags,
		      uint8_t *tcp)
{
	uint32_t sum = 0;
	uint16_t ck;
	size_t l = alen(c->family), i;

	memset(tcp, 0, 20);
	tcp[0] = (uint8_t)(c->lport >> 8);
	tcp[1] = (uint8_t)c->lport;
	tcp[2] = (uint8_t)(c->rport >> 8);
	tcp[3] = (uint8_t)c->rport;
	for (i = 0; i < 4; i++) {
		tcp[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		tcp[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	tcp[12] = 5 << 4;	/* data offset */
	tcp[13] = flags;
	tcp[14] = 0x04;		/* window 1024 */
	sum = csum_add(sum, c->local, l);
	sum = csum_add(sum, c->peer, l);
	sum += IPPROTO_TCP + 20;
	sum = csum_add(sum, tcp, 20);
	ck = csum_fold(sum);
	tcp[16] = (uint8_t)(ck >> 8);
	tcp[17] = (uint8_t)ck;
}

#define TCP_ACK 0x10
#define TCP_RST 0x04

/* IPv4 segment with our own IP header (IPPROTO_RAW: any source, the kernel fills id and checksum). */
static int send_v4(int fd, const struct kc_tcp_conn *c, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint8_t pkt[40];

	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[3] = 40;
	pkt[6] = 0x40;	/* don't fragment */
	pkt[8] = 64;
	pkt[9] = IPPROTO_TCP;
	memcpy(pkt + 12, c->local, 4);
	memcpy(pkt + 16, c->peer, 4);
	build_tcp(c, seq, ack, flags, pkt + 20);
	memcpy(&dst.sin_addr, c->peer, 4);
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return -errno;
	return 0;
}

static int tickle_one(const struct kc_tcp_conn *c, int count, struct kc_ipctl_err *err)
{
	uint8_t pkt[20];
	int fd, i, rc = 0;

	if (c->family == AF_INET) {
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (fd < 0)
			return fail(err, -errno, "raw IPv4 socket");
		for (i = 0; i < count && !rc; i++) {
			rc = send_v4(fd, c, 0, 0, TCP_ACK);
			if (rc)
				rc = fail(err, rc, "sending a tickle ACK");
		}
	} else {
		struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
		struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };

		/* the source address must be local (it is: we just took it) */
		fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
		if (fd < 0)
			return fail(err, -errno, "raw IPv6 socket");
		memcpy(&src.sin6_addr, c->local, 16);
		memcpy(&dst.sin6_addr, c->peer, 16);
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
			rc = fail(err, -errno, "binding the tickle socket");
		build_tcp(c, 0, 0, TCP_ACK, pkt);
		for (i = 0; i < count && !rc; i++)
			if (sendto(fd, pkt, 20, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
				rc = fail(err, -errno, "sending a tickle ACK");
	}
	close(fd);
	return rc;
}

int kc_ip_tickle(const struct kc_tcp_conn *conns, size_t n, int count, struct kc_ipctl_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = tickle_one(&conns[i], count, err);
		if (rc)
			return rc;
	}
	return 0;
}

int kc_tcp_endpoint_parse(const char *s, struct kc_tcp_conn *c, int is_local)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *port;
	char *end;
	unsigned long p;
	size_t l;
	int family;
	uint8_t *dst = is_local ? c->local : c->peer;
	uint8_t addr[16] = { 0 };

	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -EINVAL;
		l = (size_t)(e - s - 1);
		port = e + 2;
		s++;
		family = AF_INET6;
	} else {
		const char *e = strrchr(s, ':');

		if (!e)
			return -EINVAL;
		l = (size_t)(e - s);
		port = e + 1;
		family = AF_INET;
	}
	if (l == 0 || l >= sizeof(buf) || (c->family && c->family != family))
		return -EINVAL;
	memcpy(buf, s, l);
	buf[l] = '\0';
	if (inet_pton(family, buf, addr) != 1)
		return -EINVAL;
	if (*port < '0' || *port > '9')
		return -EINVAL;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || p == 0 || p > 65535)
		return -EINVAL;
	memcpy(dst, addr, sizeof(addr));
	c->family = family;
	if (is_local)
		c->lport = (uint16_t)p;
	else
		c->rport = (uint16_t)p;
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * IPv4 only: for each connection send a tickle ACK from the server side, watch
 * the interface for the peer's answer (its acknowledgement number is the
 * sequence number it expects from us) and answer it with an RST carrying
 * exactly that number. Tickles are repeated every 100 ms until timeout_ms.
 * Returns how many peers were reset.
 */
static size_t killtcp(const struct kc_tcp_conn *c, size_t n, int idx, int timeout_ms)
{
	struct sockaddr_ll ll;
	unsigned char *done;
	long long end = mono_ms() + timeout_ms, next = 0;
	size_t killed = 0, i;
	uint8_t buf[2048];
	int ps, raw;

	done = calloc(n, 1);
	ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (!done || ps < 0 || raw < 0)
		goto out;
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = idx;
	if (bind(ps, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		goto out;
	while (killed < n) {
		struct pollfd pfd = { .fd = ps, .events = POLLIN };
		long long now = mono_ms();
		ssize_t len;
		size_t hl;

		if (now >= end)
			break;
		if (now >= next) {
			for (i = 0; i < n; i++)
				if (!done[i])
					send_v4(raw, &c[i], 0, 0, TCP_ACK);
			next = now + 100;
		}
		if (poll(&pfd, 1, (int)((next < end ? next : end) - now)) <= 0)
			continue;
		len = recv(ps, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 20 || (buf[0] >> 4) != 4 || buf[9] != IPPROTO_TCP)
			continue;
		hl = (size_t)(buf[0] & 0xf) * 4;
		if ((size_t)len < hl + 20)
			continue;
		for (i = 0; i < n; i++) {
			const uint8_t *t = buf + hl;

			if (done[i] || memcmp(buf + 12, c[i].peer, 4) || memcmp(buf + 16, c[i].local, 4) ||
			    (t[0] << 8 | t[1]) != c[i].rport || (t[2] << 8 | t[3]) != c[i].lport ||
			    !(t[13] & TCP_ACK) || (t[13] & TCP_RST))
				continue;
			if (send_v4(raw, &c[i], be32(t + 8), 0, TCP_RST) == 0) {
				done[i] = 1;
				killed++;
			}
		}
	}
out:
	if (ps >= 0)
		close(ps);
	if (raw >= 0)
		close(raw);
	free(done);
	return killed;
}
