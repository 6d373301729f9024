// SPDX-License-Identifier: GPL-2.0
/* Kernel port: the interface addresses and link speeds of the initial network namespace. */
#include <linux/ethtool.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/net_namespace.h>
#include "port.h"

/* The link speed of @dev in bits per second, 0 when unknown; rtnl held. */
static u64 ksmbd_netif_speed(struct net_device *dev)
{
	struct ethtool_link_ksettings cmd;

	if (__ethtool_get_link_ksettings(dev, &cmd))
		return 0;
	if (!cmd.base.speed || cmd.base.speed == (u32)SPEED_UNKNOWN)
		return 0;
	return (u64)cmd.base.speed * 1000000;
}

int ksmbd_netif_list(struct ksmbd_netif *out, int max)
{
	struct net_device *dev;
	int n = 0;

	rtnl_lock();
	for_each_netdev(&init_net, dev) {
		const struct in_ifaddr *ifa;
		struct inet6_ifaddr *ifa6;
		struct in_device *in;
		struct inet6_dev *in6;
		u64 speed;

		if (!(dev->flags & IFF_UP))
			continue;
		speed = ksmbd_netif_speed(dev);
		in = __in_dev_get_rtnl(dev);
		if (in) {
			in_dev_for_each_ifa_rtnl(ifa, in) {
				if (n >= max)
					break;
				memset(&out[n], 0, sizeof(out[n]));
				memcpy(out[n].addr, &ifa->ifa_local, 4);
				out[n].ifindex = dev->ifindex;
				out[n].loopback = dev->flags & IFF_LOOPBACK;
				out[n].speed = speed;
				n++;
			}
		}
		in6 = __in6_dev_get(dev);
		if (!in6)
			continue;
		read_lock_bh(&in6->lock);
		list_for_each_entry(ifa6, &in6->addr_list, if_list) {
			if (n >= max)
				break;
			if (ifa6->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			out[n].ipv6 = true;
			memcpy(out[n].addr, &ifa6->addr, 16);
			if (ipv6_addr_type(&ifa6->addr) & IPV6_ADDR_LINKLOCAL)
				out[n].scope_id = dev->ifindex;
			out[n].ifindex = dev->ifindex;
			out[n].loopback = dev->flags & IFF_LOOPBACK;
			out[n].speed = speed;
			n++;
		}
		read_unlock_bh(&in6->lock);
	}
	rtnl_unlock();
	return n;
}
