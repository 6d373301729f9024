// SPDX-License-Identifier: GPL-2.0
/* DOS attributes and creation times in an xattr (see dosattr.h). */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "dosattr.h"
#include "port.h"
#include "smb2.h"

#define KSMBD_DOSATTR_VERSION	1
#define KSMBD_DOSATTR_SIZE	16

static bool ksmbd_is_dir(const struct ksmbd_vfs_stat *st)
{
	return (st->mode & 0170000) == 0040000;
}

void ksmbd_dosattr_read(struct ksmbd_vfs_file *f, struct ksmbd_dosattr *da)
{
	u8 buf[64];
	ssize_t n;

	memset(da, 0, sizeof(*da));
	n = ksmbd_vfs_getxattr(f, KSMBD_DOSATTR_XATTR, buf, sizeof(buf));
	if (n < KSMBD_DOSATTR_SIZE || buf[0] != KSMBD_DOSATTR_VERSION)
		return;
	da->flags = buf[1] & (KSMBD_DOSATTR_HAS_ATTRS | KSMBD_DOSATTR_HAS_CTIME);
	da->attrs = get_unaligned_le32(buf + 4);
	da->create_ft = get_unaligned_le64(buf + 8);
}

int ksmbd_dosattr_write(struct ksmbd_vfs_file *f, const struct ksmbd_dosattr *da)
{
	u8 buf[KSMBD_DOSATTR_SIZE];

	memset(buf, 0, sizeof(buf));
	buf[0] = KSMBD_DOSATTR_VERSION;
	buf[1] = da->flags;
	put_unaligned_le32(da->attrs, buf + 4);
	put_unaligned_le64(da->create_ft, buf + 8);
	return ksmbd_vfs_setxattr(f, KSMBD_DOSATTR_XATTR, buf, sizeof(buf), 0);
}

u32 ksmbd_dosattr_attrs(const struct ksmbd_vfs_stat *st, const struct ksmbd_dosattr *da)
{
	bool dir = ksmbd_is_dir(st);
	u32 a;

	if (da && (da->flags & KSMBD_DOSATTR_HAS_ATTRS))
		a = da->attrs & (KSMBD_DOSATTR_STORED | KSMBD_DOSATTR_SPARSE |
				 (dir ? FILE_ATTRIBUTE_READONLY : 0));
	else
		a = dir ? 0 : FILE_ATTRIBUTE_ARCHIVE;
	if (dir)
		a |= FILE_ATTRIBUTE_DIRECTORY;
	else if (!(st->mode & 0222))
		a |= FILE_ATTRIBUTE_READONLY;
	return a ? a : FILE_ATTRIBUTE_NORMAL;
}

void ksmbd_dosattr_patch(const struct ksmbd_vfs_stat *st, const struct ksmbd_dosattr *da,
			 u8 *block)
{
	if (da->flags & KSMBD_DOSATTR_HAS_CTIME)
		put_unaligned_le64(da->create_ft, block);
	put_unaligned_le32(ksmbd_dosattr_attrs(st, da), block + 48);
}

void ksmbd_fill_attrs_of(struct ksmbd_vfs_file *f, const struct ksmbd_vfs_stat *st, u8 *block)
{
	struct ksmbd_dosattr da;

	ksmbd_fill_attrs(st, block);
	ksmbd_dosattr_read(f, &da);
	ksmbd_dosattr_patch(st, &da, block);
}
