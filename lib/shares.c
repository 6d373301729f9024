// SPDX-License-Identifier: GPL-2.0-or-later
/* The share access decision of a TREE_CONNECT (see shares.h). */
#include <strings.h>
#include <uapi/ksmbd_cluster.h>
#include "shares.h"

/* Whether @user appears in the list parameter @key of @sec. */
static bool kc_share_lists(const struct kc_conf_section *sec, const char *key, const char *user,
			   bool *empty)
{
	char **items = kc_conf_list(sec, key);
	bool found = false;
	size_t i;

	*empty = !items || !items[0];
	for (i = 0; items && items[i]; i++)
		if (!strcasecmp(items[i], user))
			found = true;
	kc_strv_free(items);
	return found;
}

void kc_share_check(const struct kc_conf *conf, const char *share, const char *user,
		    bool guest, bool anonymous, struct kc_share_grant *out)
{
	const struct kc_conf_section *sec;
	bool empty;

	out->flags = 0;
	out->path = NULL;
	out->status = KC_STATUS_SUCCESS;
	if (!strcasecmp(share, "IPC$")) {
		out->flags = KSMBD_SHARE_IPC;
		return;
	}
	sec = kc_conf_share(conf, share);
	if (!sec || !kc_conf_bool(sec, "available")) {
		out->status = KC_STATUS_BAD_NETWORK_NAME;
		return;
	}
	if ((guest || anonymous) && !kc_conf_bool(sec, "guest ok")) {
		out->status = KC_STATUS_ACCESS_DENIED;
		return;
	}
	if (!guest && !anonymous) {
		if (kc_share_lists(sec, "invalid users", user, &empty) ||
		    (!kc_share_lists(sec, "valid users", user, &empty) && !empty)) {
			out->status = KC_STATUS_ACCESS_DENIED;
			return;
		}
	}
	out->path = kc_conf_str(sec, "path");
	if (kc_conf_bool(sec, "read only"))
		out->flags |= KSMBD_SHARE_READONLY;
	/* "auto": case-sensitive only for clients that say so (SMB1 UNIX extensions): not SMB2 */
	if (kc_conf_enum(sec, "case sensitive") == KC_CONF_CASE_YES)
		out->flags |= KSMBD_SHARE_CASE_SENSITIVE;
	if (!kc_conf_bool(sec, "streams"))
		out->flags |= KSMBD_SHARE_NO_STREAMS;
	if (kc_conf_bool(sec, "hide unreadable"))
		out->flags |= KSMBD_SHARE_HIDE_UNREADABLE;
	if (kc_conf_bool(sec, "continuous availability"))
		out->flags |= KSMBD_SHARE_CONTINUOUS_AVAILABILITY;
	switch (kc_conf_enum(sec, "smb encrypt")) {
	case KC_CONF_ENCRYPT_REQUIRED:
		out->flags |= KSMBD_SHARE_ENCRYPT | KSMBD_SHARE_ENCRYPT_REQUIRED;
		break;
	case KC_CONF_ENCRYPT_DESIRED:
		out->flags |= KSMBD_SHARE_ENCRYPT;
		break;
	default:
		break;	/* default, off, if_required: as [global] says */
	}
}
