// SPDX-License-Identifier: GPL-2.0
/*
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO (MS-SMB2 3.3.5.15.11): the addresses a
 * multichannel client may open more channels to, as NETWORK_INTERFACE_INFO
 * entries (2.2.32.5). These are the addresses the engine listens on: those of
 * "interfaces" with "bind interfaces only", else every address of an
 * interface that is up; loopback addresses only when there is nothing else
 * (a node serving only on loopback). Link speeds come from ethtool; where the
 * driver does not tell, KSMBD_NETIF_DEFAULT_SPEED. No RSS or RDMA.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "port.h"
#include "server.h"
#include "smb2.h"
#include "smb2_bind.h"

#define KSMBD_NETIF_ENTRY_SIZE		152	/* fixed fields and a SOCKADDR_STORAGE */
#define KSMBD_NETIF_MAX			64
#define KSMBD_NETIF_DEFAULT_SPEED	1000000000ULL	/* 1 Gbit/s */
#define KSMBD_AF_INET			0x0002
#define KSMBD_AF_INET6			0x0017

/* Whether @e is one of the configured listen addresses (16-byte, v4-mapped). */
static bool ksmbd_netif_bound(const struct ksmbd_server_config *cfg, const struct ksmbd_netif *e)
{
	static const u8 v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	u8 a[16];
	int i;

	if (!cfg->nr_bind_addrs)
		return true;
	if (e->ipv6) {
		memcpy(a, e->addr, 16);
	} else {
		memcpy(a, v4mapped, 12);
		memcpy(a + 12, e->addr, 4);
	}
	for (i = 0; i < cfg->nr_bind_addrs; i++)
		if (!memcmp(cfg->bind_addrs[i], a, 16))
			return true;
	return false;
}

static void ksmbd_netif_fill(u8 *p, const struct ksmbd_netif *e, bool last)
{
	u8 *sa = p + 24;

	put_unaligned_le32(last ? 0 : KSMBD_NETIF_ENTRY_SIZE, p);
	put_unaligned_le32(e->ifindex, p + 4);
	/* Capability (RSS 1, RDMA 2): neither. Reserved. */
	put_unaligned_le64(e->speed ? e->speed : KSMBD_NETIF_DEFAULT_SPEED, p + 16);
	if (e->ipv6) {
		put_unaligned_le16(KSMBD_AF_INET6, sa);
		/* Port 0, FlowInfo 0, the address, ScopeId. */
		memcpy(sa + 8, e->addr, 16);
		put_unaligned_le32(e->scope_id, sa + 24);
	} else {
		put_unaligned_le16(KSMBD_AF_INET, sa);
		memcpy(sa + 4, e->addr, 4);
	}
}

__le32 ksmbd_fsctl_query_interfaces(struct ksmbd_work *w, const struct smb2_ioctl *req)
{
	const struct ksmbd_server_config *cfg = ksmbd_server_cfg();
	struct ksmbd_netif *list;
	int i, n, kept = 0, others = 0;
	__le32 status = STATUS_SUCCESS;
	u8 *out;

	if (!ksmbd_multichannel_enabled())
		return STATUS_NOT_SUPPORTED;
	list = kcalloc(KSMBD_NETIF_MAX, sizeof(*list), GFP_KERNEL);
	if (!list)
		return STATUS_INSUFFICIENT_RESOURCES;
	n = ksmbd_netif_list(list, KSMBD_NETIF_MAX);
	if (n < 0) {
		status = STATUS_INSUFFICIENT_RESOURCES;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!ksmbd_netif_bound(cfg, &list[i]))
			continue;
		list[kept++] = list[i];
		others += !list[i].loopback;
	}
	/* Loopback addresses only when there is no other. */
	n = kept;
	kept = 0;
	for (i = 0; i < n; i++)
		if (!others || !list[i].loopback)
			list[kept++] = list[i];
	if ((u64)kept * KSMBD_NETIF_ENTRY_SIZE > le32_to_cpu(req->max_output_response)) {
		status = STATUS_BUFFER_TOO_SMALL;
		goto out;
	}
	out = ksmbd_ioctl_rsp(w, req, kept * KSMBD_NETIF_ENTRY_SIZE);
	if (!out) {
		status = STATUS_INSUFFICIENT_RESOURCES;
		goto out;
	}
	for (i = 0; i < kept; i++)
		ksmbd_netif_fill(out + i * KSMBD_NETIF_ENTRY_SIZE, &list[i], i + 1 == kept);
out:
	kfree(list);
	return status;
}
