// SPDX-License-Identifier: GPL-2.0
/* User-space port: the host's interface addresses (getifaddrs) and link speeds (ethtool). */
#include <linux/kernel.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "port.h"

/* The link speed of @name in bits per second, 0 when the driver does not say. */
static u64 ksmbd_netif_speed(int fd, const char *name)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	struct ifreq ifr;
	u32 mbps;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return 0;
	mbps = ethtool_cmd_speed(&cmd);
	if (!mbps || mbps == (u32)SPEED_UNKNOWN)
		return 0;
	return (u64)mbps * 1000000;
}

int ksmbd_netif_list(struct ksmbd_netif *out, int max)
{
	struct ifaddrs *ifs, *ifa;
	int n = 0, fd;

	if (getifaddrs(&ifs))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (ifa = ifs; ifa && n < max; ifa = ifa->ifa_next) {
		struct ksmbd_netif *e = &out[n];

		if (!ifa->ifa_addr || !(ifa->ifa_flags & IFF_UP))
			continue;
		memset(e, 0, sizeof(*e));
		if (ifa->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)ifa->ifa_addr;

			memcpy(e->addr, &sin->sin_addr, 4);
		} else if (ifa->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const void *)ifa->ifa_addr;

			e->ipv6 = true;
			memcpy(e->addr, &sin6->sin6_addr, 16);
			e->scope_id = sin6->sin6_scope_id;
		} else {
			continue;
		}
		e->ifindex = if_nametoindex(ifa->ifa_name);
		e->loopback = ifa->ifa_flags & IFF_LOOPBACK;
		e->speed = ksmbd_netif_speed(fd, ifa->ifa_name);
		n++;
	}
	if (fd >= 0)
		close(fd);
	freeifaddrs(ifs);
	return n;
}
