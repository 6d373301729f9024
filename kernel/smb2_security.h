/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security descriptors of files (smb2_security.c): QUERY_INFO and SET_INFO
 * with SMB2_0_INFO_SECURITY, the access check and inheritance of CREATE, the
 * session's SIDs. The descriptor of a file lives in the xattr
 * KSMBD_SD_XATTR as a self-relative SECURITY_DESCRIPTOR (MS-DTYP 2.4.6),
 * checked like client input whenever it is read; a file without one has a
 * descriptor synthesised from its POSIX owner, group and mode, which is shown
 * but not enforced (SMB users have no POSIX identity: the engine does all
 * I/O with its own).
 */
#ifndef KSMBD_SMB2_SECURITY_H
#define KSMBD_SMB2_SECURITY_H

#include <linux/types.h>

#define KSMBD_SD_XATTR		"trusted.ksmbd_cluster.sd"

struct ksmbd_work;
struct ksmbd_file;
struct ksmbd_session;
struct ksmbd_login;
struct ksmbd_vfs_stat;
struct ksmbd_vfs_file;

/* The session's token from the identity mountd sent (LOGIN_REPLY). */
void ksmbd_session_token(struct ksmbd_session *sess, const struct ksmbd_login *login);
/* QUERY_INFO, SMB2_0_INFO_SECURITY (MS-SMB2 3.3.5.20.3). */
__le32 ksmbd_sd_query(struct ksmbd_work *w);
/* SET_INFO, SMB2_0_INFO_SECURITY (MS-SMB2 3.3.5.21.3, MS-FSA 2.1.5.16). */
__le32 ksmbd_sd_set(struct ksmbd_work *w, const u8 *buf, u32 len);
/*
 * CREATE, once the file is open (@fp->vfs) and @st is its stat: for a file
 * just created (@action FILE_CREATED) the parent's permission to add it, the
 * descriptor it gets (the SecD create context, or what the parent passes
 * on), stored when there is one; for an existing file the access check of
 * @desired against its stored descriptor, which may narrow @fp->access for
 * MAXIMUM_ALLOWED. ACCESS_SYSTEM_SECURITY needs a privilege nobody holds.
 * A created file is removed again when this fails.
 */
__le32 ksmbd_sd_access_check(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path,
			     u32 desired, u32 action, const struct ksmbd_vfs_stat *st);
/*
 * CREATE, once its response is built: the create contexts it answers (MxAc,
 * the maximal access, MS-SMB2 2.2.14.2.5); @path is the open's name.
 */
__le32 ksmbd_sd_create_contexts(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path);
/*
 * Access-based enumeration ("hide unreadable", SMB2_SHAREFLAG_ACCESS_BASED_
 * DIRECTORY_ENUM): whether the session may read the file open as @f (stat
 * @st), i.e. its stored DACL grants FILE_GENERIC_READ (data, attributes,
 * EAs, the descriptor; MS-SMB2 3.3.5.18). A file without a stored DACL is
 * readable (its mode is not enforced).
 */
bool ksmbd_sd_can_read(struct ksmbd_work *w, struct ksmbd_vfs_file *f,
		       const struct ksmbd_vfs_stat *st);

#endif
