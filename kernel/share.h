/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Share modes and the access checks of CREATE.
 *
 * Share modes (MS-FSA 2.1.5.1.2, the share access check of "Open of an
 * Existing File"): every open of a file that has data or delete access
 * (FILE_READ_DATA, FILE_EXECUTE, FILE_WRITE_DATA, FILE_APPEND_DATA, DELETE)
 * is counted on the file (struct ksmbd_inode) with what it shares. A new
 * open with such access conflicts when it asks for an access some counted
 * open does not share, or when it does not share an access some counted open
 * has. Opens without data or delete access ("attribute-only" opens:
 * FILE_READ_ATTRIBUTES, SYNCHRONIZE, READ_CONTROL, ...) are neither checked
 * nor counted, so their ShareAccess restricts nobody.
 *
 * The access check of an open (ksmbd_open_access_check()) is one function,
 * so that a security-descriptor check can join it: DesiredAccess validated,
 * the generic rights mapped (MS-SMB2 2.2.13.1.1), MAXIMUM_ALLOWED resolved to
 * what the share and the file permit (a read-only share: read and execute
 * rights; a read-only file, i.e. one without POSIX write permission bits,
 * MS-FSA 2.1.5.1.2.1: no FILE_WRITE_DATA, FILE_APPEND_DATA,
 * FILE_DELETE_CHILD), and FILE_DELETE_ON_CLOSE (needs DELETE; a read-only
 * file or one created read-only cannot be deleted).
 */
#ifndef KSMBD_SHARE_H
#define KSMBD_SHARE_H

#include <linux/types.h>
#include "smb2.h"

/* ShareAccess (MS-SMB2 2.2.13) */
#ifndef FILE_SHARE_READ
#define FILE_SHARE_READ			0x00000001
#define FILE_SHARE_WRITE		0x00000002
#define FILE_SHARE_DELETE		0x00000004
#endif
#define KSMBD_SHARE_VALID		(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

#ifndef ACCESS_SYSTEM_SECURITY
#define ACCESS_SYSTEM_SECURITY		0x01000000
#endif
/* Every access mask bit a CREATE may carry (MS-DTYP 2.4.3, MS-SMB2 2.2.13.1). */
#define KSMBD_ACCESS_VALID		(FILE_ALL_ACCESS | ACCESS_SYSTEM_SECURITY | \
					 MAXIMUM_ALLOWED | GENERIC_ALL | GENERIC_EXECUTE | \
					 GENERIC_WRITE | GENERIC_READ)

#ifndef STATUS_SHARING_VIOLATION
#define STATUS_SHARING_VIOLATION	cpu_to_le32(0xc0000043)
#endif
#ifndef STATUS_PRIVILEGE_NOT_HELD
#define STATUS_PRIVILEGE_NOT_HELD	cpu_to_le32(0xc0000061)
#endif

/* The access of an open that takes part in the share check. */
#define KSMBD_SHARE_READ_ACCESS		(FILE_READ_DATA | FILE_EXECUTE)
#define KSMBD_SHARE_WRITE_ACCESS	(FILE_WRITE_DATA | FILE_APPEND_DATA)
#define KSMBD_SHARE_ACCESS		(KSMBD_SHARE_READ_ACCESS | KSMBD_SHARE_WRITE_ACCESS | DELETE)

/* The share modes of a file: counts over its counted opens. */
struct ksmbd_share_modes {
	unsigned int opens;			/* counted opens */
	unsigned int readers, writers, deleters;	/* ... with that access */
	unsigned int share_read, share_write, share_delete;	/* ... sharing that */
};

/* Whether an open with @access (granted, mapped) and @share conflicts with @m. */
bool ksmbd_share_conflict(const struct ksmbd_share_modes *m, u32 access, u32 share);
/* Count (@add) or uncount an open in @m; opens that take no part are ignored. */
void ksmbd_share_count(struct ksmbd_share_modes *m, u32 access, u32 share, bool add);

/* MS-SMB2 2.2.13.1.1: the generic rights as the file rights they stand for. */
u32 ksmbd_access_map_generic(u32 access);

/* What CREATE knows when it checks an open's access. */
struct ksmbd_open_req {
	u32 desired;		/* DesiredAccess as sent */
	u32 options;		/* CreateOptions */
	u32 disposition;	/* CreateDisposition */
	u32 attributes;		/* FileAttributes, for a file it creates */
	bool share_readonly;	/* the tree's share is read-only */
	bool exists;		/* the name exists; then: */
	bool is_dir;		/* ... it is a directory */
	bool file_readonly;	/* ... it is a file nobody may write (FILE_ATTRIBUTE_READONLY) */
};

/*
 * The access check of an open: STATUS_SUCCESS with the access to grant in
 * *@granted, or the status to fail the CREATE with (STATUS_ACCESS_DENIED,
 * STATUS_PRIVILEGE_NOT_HELD, STATUS_CANNOT_DELETE, STATUS_INVALID_PARAMETER).
 */
__le32 ksmbd_open_access_check(const struct ksmbd_open_req *r, u32 *granted);

struct ksmbd_vfs_root;
/*
 * A rename to @target (a path inside the share @root): as Windows does, it
 * opens the target's directory to add the entry (FILE_ADD_FILE, sharing read
 * and write) for the time of the rename, so opens of that directory which
 * have DELETE access, or do not share writing, make it
 * STATUS_SHARING_VIOLATION. STATUS_SUCCESS otherwise.
 */
__le32 ksmbd_rename_share_check(struct ksmbd_vfs_root *root, const char *target);

#endif
