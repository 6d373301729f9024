// SPDX-License-Identifier: GPL-2.0
/* SMB2 ECHO (MS-SMB2 3.3.5.17): works with or without a session. */
#include <linux/kernel.h>
#include "smb2.h"

__le32 ksmbd_smb2_echo(struct ksmbd_work *w)
{
	struct smb2_logoff *rsp = ksmbd_rsp_body(w, sizeof(*rsp));

	/* ECHO and LOGOFF responses share one layout: StructureSize 4, Reserved. */
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(4);
	return STATUS_SUCCESS;
}
