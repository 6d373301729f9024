// SPDX-License-Identifier: GPL-2.0
/* Share modes and the access checks of CREATE (share.h). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "inode.h"
#include "port.h"
#include "share.h"

bool ksmbd_share_conflict(const struct ksmbd_share_modes *m, u32 access, u32 share)
{
	if (!(access & KSMBD_SHARE_ACCESS) || !m->opens)
		return false;
	/* What it asks for, every counted open must share... */
	if (((access & KSMBD_SHARE_READ_ACCESS) && m->share_read < m->opens) ||
	    ((access & KSMBD_SHARE_WRITE_ACCESS) && m->share_write < m->opens) ||
	    ((access & DELETE) && m->share_delete < m->opens))
		return true;
	/* ...and what the counted opens have, it must share. */
	return (m->readers && !(share & FILE_SHARE_READ)) ||
	       (m->writers && !(share & FILE_SHARE_WRITE)) ||
	       (m->deleters && !(share & FILE_SHARE_DELETE));
}

static void ksmbd_share_adjust(unsigned int *n, bool on, bool add)
{
	if (!on)
		return;
	if (add)
		(*n)++;
	else if (!WARN_ON(!*n))
		(*n)--;
}

void ksmbd_share_count(struct ksmbd_share_modes *m, u32 access, u32 share, bool add)
{
	if (!(access & KSMBD_SHARE_ACCESS))
		return;
	ksmbd_share_adjust(&m->opens, true, add);
	ksmbd_share_adjust(&m->readers, access & KSMBD_SHARE_READ_ACCESS, add);
	ksmbd_share_adjust(&m->writers, access & KSMBD_SHARE_WRITE_ACCESS, add);
	ksmbd_share_adjust(&m->deleters, access & DELETE, add);
	ksmbd_share_adjust(&m->share_read, share & FILE_SHARE_READ, add);
	ksmbd_share_adjust(&m->share_write, share & FILE_SHARE_WRITE, add);
	ksmbd_share_adjust(&m->share_delete, share & FILE_SHARE_DELETE, add);
}

u32 ksmbd_access_map_generic(u32 access)
{
	if (access & GENERIC_ALL)
		access |= FILE_ALL_ACCESS;
	if (access & GENERIC_READ)
		access |= FILE_GENERIC_READ;
	if (access & GENERIC_WRITE)
		access |= FILE_GENERIC_WRITE;
	if (access & GENERIC_EXECUTE)
		access |= FILE_GENERIC_EXECUTE;
	return access & ~(GENERIC_ALL | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE);
}

/* Whether the open may create the file (it does when the name does not exist). */
static bool ksmbd_disp_creates(u32 disp)
{
	return disp != FILE_OPEN && disp != FILE_OVERWRITE;
}

__le32 ksmbd_open_access_check(const struct ksmbd_open_req *r, u32 *granted)
{
	bool doc = r->options & FILE_DELETE_ON_CLOSE;
	/* FILE_CREATE of an existing name fails later, whatever the file. */
	bool existing = r->exists && r->disposition != FILE_CREATE;
	bool rdonly = existing && r->file_readonly;
	u32 wanted, allowed;

	*granted = 0;
	/* Bits no access mask defines; a SACL needs a privilege nobody holds here. */
	if (r->desired & ~KSMBD_ACCESS_VALID)
		return STATUS_ACCESS_DENIED;
	if (r->desired & ACCESS_SYSTEM_SECURITY)
		return STATUS_PRIVILEGE_NOT_HELD;
	wanted = ksmbd_access_map_generic(r->desired & ~MAXIMUM_ALLOWED);
	/* MS-SMB2 3.3.5.9: delete on close needs the right to delete. */
	if (doc && !(wanted & DELETE) && !(r->desired & MAXIMUM_ALLOWED))
		return STATUS_ACCESS_DENIED;

	/* What this open may have at most. */
	if (r->share_readonly) {
		/* A read-only share never creates, writes or deletes. */
		if (r->disposition != FILE_OPEN && r->disposition != FILE_OPEN_IF)
			return STATUS_ACCESS_DENIED;
		allowed = FILE_GENERIC_READ_EXECUTE;
	} else if (rdonly) {
		/* MS-FSA 2.1.5.1.2.1: a read-only file cannot be deleted... */
		if (doc)
			return STATUS_CANNOT_DELETE;
		/* ...and its data cannot change. */
		if (r->disposition == FILE_SUPERSEDE || r->disposition == FILE_OVERWRITE ||
		    r->disposition == FILE_OVERWRITE_IF)
			return STATUS_ACCESS_DENIED;
		allowed = FILE_ALL_ACCESS & ~(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD);
	} else {
		allowed = FILE_ALL_ACCESS;
	}
	if (wanted & ~allowed)
		return STATUS_ACCESS_DENIED;
	*granted = r->desired & MAXIMUM_ALLOWED ? allowed : wanted;
	if (doc) {
		/* MAXIMUM_ALLOWED on a read-only share has no DELETE to give. */
		if (!(*granted & DELETE))
			return STATUS_ACCESS_DENIED;
		/* MS-FSA 2.1.5.1.1: nor can a file created read-only be deleted. */
		if (!r->exists && ksmbd_disp_creates(r->disposition) &&
		    (r->attributes & FILE_ATTRIBUTE_READONLY) && !(r->options & FILE_DIRECTORY_FILE))
			return STATUS_CANNOT_DELETE;
	}
	return STATUS_SUCCESS;
}

__le32 ksmbd_rename_share_check(struct ksmbd_vfs_root *root, const char *target)
{
	const char *slash = strrchr(target, '/');
	struct ksmbd_vfs_stat st;
	char *dir;
	int ret;

	dir = kstrdup(slash ? target : ".", GFP_KERNEL);
	if (!dir)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (slash)
		dir[slash - target] = '\0';
	ret = ksmbd_vfs_getattr_name(root, dir, &st);
	kfree(dir);
	if (ret)
		return STATUS_SUCCESS;	/* the rename itself reports a missing directory */
	if (ksmbd_inode_share_conflict_of(st.dev, st.ino, FILE_WRITE_DATA | SYNCHRONIZE,
					  FILE_SHARE_READ | FILE_SHARE_WRITE))
		return STATUS_SHARING_VIOLATION;
	return STATUS_SUCCESS;
}
