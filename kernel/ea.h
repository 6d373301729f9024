/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended attributes in the SMB sense (MS-FSCC 2.4.15 FileFullEaInformation,
 * MS-FSA 2.1.5.15.5 set, 2.1.5.11 query): a list of (name, flags, value) per
 * file, set with SET_INFO or the CREATE context "ExtA", read with QUERY_INFO,
 * sized in FileEaInformation, FileAllInformation and the directory classes
 * that carry EaSize.
 *
 * Each EA is one extended attribute of the file, KSMBD_EA_XATTR_PREFIX
 * followed by the EA name in upper case (NTFS keeps EA names upper-cased
 * and compares them without case); its value is the EA's Flags byte
 * followed by the EA's value. Setting an EA with an empty value removes it.
 * All EAs of a file together, as a FILE_FULL_EA_INFORMATION list, hold at
 * most 64 KiB - 5 bytes (STATUS_EA_TOO_LARGE), and each must fit in one
 * extended attribute of the share's filesystem.
 */
#ifndef KSMBD_EA_H
#define KSMBD_EA_H

#include <linux/types.h>

#define KSMBD_EA_XATTR_PREFIX	"trusted.ksmbd.ea."
#define KSMBD_EA_LIST_MAX	(65536 - 5)
#define KSMBD_FILE_NEED_EA	0x80

struct ksmbd_file;
struct ksmbd_vfs_file;
struct ksmbd_vfs_root;
struct ksmbd_work;

/* One FILE_FULL_EA_INFORMATION entry as parsed (pointers into the buffer). */
struct ksmbd_ea {
	u8 flags;
	u8 name_len;
	u16 value_len;
	const char *name;	/* @name_len bytes, NUL-terminated in the buffer */
	const u8 *value;
};

/*
 * The entry at *@off of the FILE_FULL_EA_INFORMATION list @buf (@len bytes);
 * *@off moves to the next entry, or to @len after the last. Returns
 * STATUS_SUCCESS, STATUS_NO_MORE_EAS at the end (*@off == @len),
 * STATUS_EA_LIST_INCONSISTENT for a malformed entry or chain (bounds,
 * alignment, the name's terminating NUL) or STATUS_INVALID_EA_NAME (name
 * characters, flags).
 */
__le32 ksmbd_ea_next(const u8 *buf, u32 len, u32 *off, struct ksmbd_ea *ea);
/* Check a whole list; STATUS_SUCCESS or the first entry's error. An empty list is invalid. */
__le32 ksmbd_ea_check_list(const u8 *buf, u32 len);
/* Whether @name (@len bytes) is a well-formed EA name (MS-FSCC 2.4.15). */
bool ksmbd_ea_name_valid(const char *name, u32 len);
/*
 * The entry at *@off of a FILE_GET_EA_INFORMATION list (MS-FSCC 2.4.15.1):
 * the name into *@name and *@name_len; same returns as ksmbd_ea_next().
 */
__le32 ksmbd_ea_get_next(const u8 *buf, u32 len, u32 *off, const char **name, u8 *name_len);

/* The file's EA size (FileEaInformation.EaSize): its EAs as a FULL_EA list; 0 for none. */
u32 ksmbd_ea_size(struct ksmbd_vfs_file *f);
/* SET_INFO FileFullEaInformation through @fp (MS-FSA 2.1.5.15.5). */
__le32 ksmbd_ea_set(struct ksmbd_file *fp, const u8 *buf, u32 len);
/*
 * QUERY_INFO FileFullEaInformation through @fp: @in/@in_len the optional
 * FILE_GET_EA_INFORMATION list, @flags SL_*, @index the EA index (1-based)
 * for SL_INDEX_SPECIFIED; the entries into @out (at most @max bytes), their
 * length in *@out_len.
 */
__le32 ksmbd_ea_query(struct ksmbd_file *fp, const u8 *in, u32 in_len, u32 flags, u32 index,
		      u8 *out, u32 max, u32 *out_len);
/* CREATE: check the ExtA context among the request's contexts, if any. */
__le32 ksmbd_ea_create_check(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len);
/* CREATE made or replaced @fp's file: set the ExtA context's EAs (@replace: drop old ones). */
__le32 ksmbd_ea_create_apply(struct ksmbd_work *w, struct ksmbd_file *fp, u32 ctx_off,
			     u32 ctx_len, bool replace);

#define SL_RESTART_SCAN		0x1
#define SL_RETURN_SINGLE_ENTRY	0x2
#define SL_INDEX_SPECIFIED	0x4

#endif
