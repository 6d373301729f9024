/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The share access decision of a TREE_CONNECT, from the node configuration. */
#ifndef KC_SHARES_H
#define KC_SHARES_H

#include <stdint.h>
#include "config.h"

#define KC_STATUS_SUCCESS		0x00000000u
#define KC_STATUS_ACCESS_DENIED		0xc0000022u
#define KC_STATUS_BAD_NETWORK_NAME	0xc00000ccu

struct kc_share_grant {
	uint32_t status;	/* NTSTATUS for the client */
	uint32_t flags;		/* KSMBD_SHARE_* when status is success */
	const char *path;	/* disk shares: the configured path (owned by the config) */
};

/*
 * May @user (empty for an anonymous session; @guest/@anonymous as the session
 * was established) connect to @share? IPC$ always exists; other shares must be
 * configured, available, allow guests when the session is a guest or
 * anonymous one, and list the user in 'valid users' (when set) but not in
 * 'invalid users'. Names compare case-insensitively, as Windows does.
 */
void kc_share_check(const struct kc_conf *conf, const char *share, const char *user,
		    bool guest, bool anonymous, struct kc_share_grant *out);

#endif
