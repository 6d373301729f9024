/* SPDX-License-Identifier: GPL-2.0 */
/* The request entry point: one whole PDU as read off the transport. */
#ifndef KSMBD_SMB_H
#define KSMBD_SMB_H

#include <linux/types.h>

struct ksmbd_conn;

/*
 * Handle one PDU of @len bytes (without the 4-byte direct-TCP header) and
 * write its response(s) to @conn. Returns 0, or -errno when the PDU is so
 * malformed that the connection must be dropped.
 */
int ksmbd_smb_process(struct ksmbd_conn *conn, const u8 *buf, size_t len);

/* MS-SMB2 3.3.5.2.2: check the compound chain; the number of PDUs or -errno. */
int ksmbd_smb2_check_chain(const u8 *buf, size_t len);

/* The fixed StructureSize of each request (MS-SMB2 2.2.x), or 0 if unknown. */
u16 ksmbd_smb2_req_struct_size(u16 command);

#endif
