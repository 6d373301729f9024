/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DOS attributes and creation times (MS-FSCC 2.6, MS-FSA 2.1.5.14.2) kept
 * in an extended attribute of the file, so they survive restarts and are
 * the same on every node of a cluster.
 *
 * The xattr is "trusted.ksmbd_cluster.dosattrib" (trusted.: the engine runs
 * as root in both builds, and tmpfs has no user. xattrs), 16 bytes, little
 * endian:
 *   u8  version	1
 *   u8  flags		bit 0: FileAttributes valid, bit 1: CreationTime valid
 *   u16 reserved	0
 *   u32 FileAttributes	HIDDEN, SYSTEM, ARCHIVE, TEMPORARY, OFFLINE,
 *			NOT_CONTENT_INDEXED, SPARSE_FILE; READONLY only
 *			for directories
 *   u64 CreationTime	FILETIME (100 ns units since 1601)
 * Longer values are read for their first 16 bytes (later versions append);
 * another version, or a shorter value, counts as absent.
 *
 * Without the xattr a file is ARCHIVE, a directory has no DOS attributes.
 * FILE_ATTRIBUTE_READONLY of a regular file stays what it was: the absence
 * of every write permission bit, and FILE_ATTRIBUTE_DIRECTORY follows the
 * file type. Without a stored CreationTime the filesystem's birth time is
 * used where it keeps one, else the change time; a file created through
 * the engine on a filesystem without birth times gets its creation time
 * stored.
 */
#ifndef KSMBD_DOSATTR_H
#define KSMBD_DOSATTR_H

#include <linux/types.h>

struct ksmbd_vfs_file;
struct ksmbd_vfs_root;
struct ksmbd_vfs_stat;

#define KSMBD_DOSATTR_XATTR	"trusted.ksmbd_cluster.dosattrib"

#define KSMBD_DOSATTR_HAS_ATTRS	0x1
#define KSMBD_DOSATTR_HAS_CTIME	0x2

#define KSMBD_FILE_ATTRIBUTE_OFFLINE		0x00001000
#define KSMBD_FILE_ATTRIBUTE_NOT_INDEXED	0x00002000

/* Attributes the xattr keeps (MS-FSA 2.1.5.14.2's settable ones but READONLY, DIRECTORY). */
#define KSMBD_DOSATTR_STORED	(0x2 | 0x4 | 0x20 | 0x100 | KSMBD_FILE_ATTRIBUTE_OFFLINE | \
				 KSMBD_FILE_ATTRIBUTE_NOT_INDEXED)

/* FILE_ATTRIBUTE_SPARSE_FILE: set and cleared by FSCTL_SET_SPARSE only (fsctl.h). */
#define KSMBD_DOSATTR_SPARSE	0x200

struct ksmbd_dosattr {
	u8 flags;		/* KSMBD_DOSATTR_HAS_* */
	u32 attrs;
	u64 create_ft;		/* FILETIME */
};

/* Read @f's xattr into @da (flags 0 when absent or unreadable). */
void ksmbd_dosattr_read(struct ksmbd_vfs_file *f, struct ksmbd_dosattr *da);
/* Store @da as @f's xattr; 0 or -errno. */
int ksmbd_dosattr_write(struct ksmbd_vfs_file *f, const struct ksmbd_dosattr *da);

/* The FileAttributes of a file with @st and @da (never 0: NORMAL when nothing is set). */
u32 ksmbd_dosattr_attrs(const struct ksmbd_vfs_stat *st, const struct ksmbd_dosattr *da);

/*
 * Apply @da to a CREATE/CLOSE attribute block ksmbd_fill_attrs() built from
 * @st: CreationTime at 0, FileAttributes at 48.
 */
void ksmbd_dosattr_patch(const struct ksmbd_vfs_stat *st, const struct ksmbd_dosattr *da,
			 u8 *block);
/* ksmbd_fill_attrs() of open file @f, with its DOS attributes. */
void ksmbd_fill_attrs_of(struct ksmbd_vfs_file *f, const struct ksmbd_vfs_stat *st, u8 *block);

#endif
