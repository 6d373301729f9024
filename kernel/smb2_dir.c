// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 QUERY_DIRECTORY (MS-SMB2 3.3.5.18) with the directory information
 * classes of MS-FSCC 2.4 that clients use. Patterns support '*' and '?'
 * (the DOS wildcards '<', '>' and '"' are treated as '*', '?' and '.'),
 * matched without regard to ASCII case; a pattern without wildcards matches
 * a name equal to it with Unicode case folding, or whose short name it is. The both-directory classes carry
 * the short names of names that are not valid 8.3 names (name.h); attributes
 * and creation times come with the DOS attributes (dosattr.h) and the
 * EaSize with the EAs (ea.h), which costs one open of each entry listed.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "dosattr.h"
#include "file.h"
#include "name.h"
#include "port.h"
#include "server.h"
#include "smb2.h"
#include "smb2_security.h"
#include "ea.h"
#include "tree.h"
#include "unicode.h"

#define KSMBD_DIR_OUT_MAX	(1024 * 1024)
#define KSMBD_NAME_MAX		1024	/* UTF-16 bytes of one name */

static char ksmbd_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Whether @name (of @len bytes) matches @pat. */
static bool ksmbd_match(const char *pat, const char *name, size_t len)
{
	const char *star = NULL, *back = NULL, *end = name + len;

	while (name < end) {
		char p = *pat == '<' ? '*' : *pat == '>' ? '?' : *pat == '"' ? '.' : *pat;

		if (p == '*') {
			star = ++pat;
			back = name;
		} else if (p && (p == '?' || ksmbd_fold(p) == ksmbd_fold(*name))) {
			pat++;
			name++;
		} else if (star) {
			pat = star;
			name = ++back;
		} else {
			return false;
		}
	}
	while (*pat == '*' || *pat == '<')
		pat++;
	return !*pat;
}

struct ksmbd_dir_ctx {
	struct ksmbd_work *w;
	struct ksmbd_file *fp;
	u8 class;
	bool single;
	bool wild;		/* the pattern has wildcards: no name-for-name match */
	u8 *out;		/* the response buffer */
	size_t len, max;	/* bytes used, bytes allowed */
	u8 *last;		/* the previous entry, for NextEntryOffset */
	int count;
	int error;
};

/* The fixed size of an entry of @class before its name. */
static size_t ksmbd_dir_fixed(u8 class)
{
	switch (class) {
	case FILE_DIRECTORY_INFORMATION:	return 64;
	case FILE_FULL_DIRECTORY_INFORMATION:	return 68;
	case FILE_BOTH_DIRECTORY_INFORMATION:	return 94;
	case FILE_NAMES_INFORMATION:		return 12;
	case FILE_ID_BOTH_DIRECTORY_INFORMATION: return 104;
	case FILE_ID_FULL_DIRECTORY_INFORMATION: return 80;
	default:				return 0;
	}
}

/*
 * Stat one entry, and read its DOS attributes (dosattr.h) and, when
 * @ea_size is not NULL, its EaSize (ea.h) through one open of it: regular
 * files and directories only (opening a FIFO or a device could block or act).
 */
static int ksmbd_dir_stat(struct ksmbd_dir_ctx *c, const char *name, size_t len,
			  struct ksmbd_vfs_stat *st, struct ksmbd_dosattr *da, u32 *ea_size)
{
	struct ksmbd_vfs_file *f;
	char *full;
	u32 type;
	int ret;

	memset(da, 0, sizeof(*da));
	if (ea_size)
		*ea_size = 0;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
		ret = ksmbd_vfs_getattr(c->fp->vfs, st);
		if (!ret)
			ksmbd_dosattr_read(c->fp->vfs, da);
		if (!ret && ea_size && len == 1)
			*ea_size = ksmbd_ea_size(c->fp->vfs);
		return ret;
	}
	full = kasprintf(GFP_KERNEL, "%s%s%.*s", c->fp->path, *c->fp->path ? "/" : "",
			 (int)len, name);
	if (!full)
		return -ENOMEM;
	ret = ksmbd_vfs_getattr_name(c->w->tree->root, full, st);
	type = st->mode & 0170000;
	if (!ret && (type == 0100000 || type == 0040000) &&
	    !ksmbd_vfs_open(c->w->tree->root, full,
			    KSMBD_VFS_READ | (type == 0040000 ? KSMBD_VFS_DIRECTORY : 0), 0, &f)) {
		/* "hide unreadable": entries the session may not read are left out */
		if ((c->w->tree->flags & KSMBD_SHARE_HIDE_UNREADABLE) &&
		    !ksmbd_sd_can_read(c->w, f, st))
			ret = -ENOENT;
		ksmbd_dosattr_read(f, da);
		if (ea_size)
			*ea_size = ksmbd_ea_size(f);
		ksmbd_vfs_close(f);
	}
	kfree(full);
	return ret;
}

/*
 * Write one entry at @e; @name16 is the UTF-16 name of @n16 bytes, @name
 * the UTF-8 one of @len.
 */
static void ksmbd_dir_fill(u8 class, u8 *e, const struct ksmbd_vfs_stat *st,
			   const struct ksmbd_dosattr *da, const u8 *name16, int n16,
			   const char *name, size_t len)
{
	char short_name[KSMBD_SHORT_NAME_MAX];
	int n;

	size_t fixed = ksmbd_dir_fixed(class);
	u8 block[52];

	if (class == FILE_NAMES_INFORMATION) {
		put_unaligned_le32(n16, e + 8);
		memcpy(e + 12, name16, n16);
		return;
	}
	ksmbd_fill_attrs(st, block);
	ksmbd_dosattr_patch(st, da, block);
	memcpy(e + 8, block, 32);		/* the four times */
	memcpy(e + 40, block + 40, 8);		/* EndOfFile */
	memcpy(e + 48, block + 32, 8);		/* AllocationSize */
	memcpy(e + 56, block + 48, 4);		/* FileAttributes */
	put_unaligned_le32(n16, e + 60);
	/*
	 * MS-FSCC 2.4.8, 2.4.17: ShortNameLength at 68, ShortName (24 bytes) at
	 * 70; empty for a name that is a valid 8.3 name itself. EaSize: by the caller.
	 */
	if (class == FILE_BOTH_DIRECTORY_INFORMATION || class == FILE_ID_BOTH_DIRECTORY_INFORMATION) {
		n = ksmbd_name_mangle(name, len, short_name);
		n = n ? ksmbd_utf8_to_utf16(short_name, n, e + 70, 24) : 0;
		e[68] = n > 0 ? n : 0;
	}
	/* The Id classes end with the file id. */
	if (class == FILE_ID_BOTH_DIRECTORY_INFORMATION || class == FILE_ID_FULL_DIRECTORY_INFORMATION)
		put_unaligned_le64(st->ino, e + fixed - 8);
	memcpy(e + fixed, name16, n16);
}

static int ksmbd_dir_emit(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	struct ksmbd_dir_ctx *c = arg;
	size_t fixed = ksmbd_dir_fixed(c->class), start, need;
	struct ksmbd_vfs_stat st;
	struct ksmbd_dosattr da;
	u8 name16[KSMBD_NAME_MAX];
	/* EaSize: in every class but the directory and names ones */
	bool has_ea = c->class != FILE_DIRECTORY_INFORMATION && c->class != FILE_NAMES_INFORMATION;
	u32 ea_size;
	int n16, ret;

	if (!ksmbd_match(c->fp->pattern, name, len) &&
	    (c->wild || !ksmbd_name_matches(c->fp->pattern, strlen(c->fp->pattern), name, len)))
		return 0;
	/*
	 * SMB2_RETURN_SINGLE_ENTRY: stop at the second match, which is not
	 * consumed; the one returned is (stopping on it would return it again).
	 */
	if (c->single && c->count)
		return 1;
	n16 = ksmbd_utf8_to_utf16(name, len, name16, sizeof(name16));
	if (n16 < 0)
		return 0;		/* not representable: skip it */
	ret = ksmbd_dir_stat(c, name, len, &st, &da, has_ea ? &ea_size : NULL);
	if (ret == -ENOENT)
		return 0;		/* removed meanwhile */
	if (ret) {
		c->error = ret;
		return 1;
	}
	start = ALIGN(c->len, 8);
	need = start + fixed + n16;
	if (need > c->max)
		return 1;		/* no room: this entry comes first next time */
	memset(c->out + c->len, 0, need - c->len);
	ksmbd_dir_fill(c->class, c->out + start, &st, &da, name16, n16, name, len);
	if (has_ea)
		put_unaligned_le32(ea_size, c->out + start + 64);
	if (c->last)
		put_unaligned_le32(c->out + start - c->last, c->last);
	c->last = c->out + start;
	c->len = need;
	c->count++;
	return 0;
}

__le32 ksmbd_smb2_query_directory(struct ksmbd_work *w)
{
	const struct smb2_query_dir_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->file_name_offset), nlen = le16_to_cpu(req->file_name_length);
	struct ksmbd_dir_ctx c = { .w = w, .class = req->file_information_class };
	struct smb2_query_info_rsp *rsp;	/* same layout as the QUERY_DIRECTORY response */
	struct ksmbd_file *fp;
	__le32 status;
	char *pattern = NULL;
	int ret;

	if (!ksmbd_dir_fixed(c.class))
		return STATUS_INVALID_INFO_CLASS;
	if (!nlen || !ksmbd_req_has(w, off, nlen))
		return STATUS_INVALID_PARAMETER;
	fp = w->fp;
	status = STATUS_INVALID_PARAMETER;
	if (!fp->vfs || !fp->is_dir)
		goto out_put;
	/* MS-SMB2 3.3.5.18: listing needs FILE_LIST_DIRECTORY (= FILE_READ_DATA). */
	status = STATUS_ACCESS_DENIED;
	if (!(fp->access & FILE_READ_DATA))
		goto out_put;
	status = STATUS_INSUFFICIENT_RESOURCES;
	pattern = kmalloc(KSMBD_NAME_MAX, GFP_KERNEL);
	if (!pattern)
		goto out_put;
	status = STATUS_OBJECT_NAME_INVALID;
	if (ksmbd_utf16_to_utf8(w->req + off, nlen, pattern, KSMBD_NAME_MAX) < 0)
		goto out_put;

	mutex_lock(&fp->dir_lock);
	if ((req->flags & (SMB2_RESTART_SCANS | SMB2_REOPEN)) || !fp->pattern) {
		kfree(fp->pattern);
		fp->pattern = pattern;
		pattern = NULL;
		fp->dir_started = false;
		ksmbd_vfs_rewinddir(fp->vfs);
	}
	c.fp = fp;
	/* An exact name also matches with Unicode case folding, or as a short name. */
	c.wild = strpbrk(fp->pattern, "*?<>\"");
	c.single = req->flags & SMB2_RETURN_SINGLE_ENTRY;
	c.max = min_t(u32, le32_to_cpu(req->output_buffer_length), KSMBD_DIR_OUT_MAX);
	status = STATUS_INSUFFICIENT_RESOURCES;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + c.max);
	if (!rsp)
		goto out_unlock;
	c.out = rsp->buffer;
	ret = ksmbd_vfs_readdir(fp->vfs, ksmbd_dir_emit, &c);
	if (c.error || ret < 0) {
		status = ksmbd_errno_status(c.error ? c.error : ret);
	} else if (!c.count) {
		/* Nothing fitted, or nothing (more) matched. */
		status = ret > 0 ? STATUS_INFO_LENGTH_MISMATCH :
			 fp->dir_started ? STATUS_NO_MORE_FILES : STATUS_NO_SUCH_FILE;
		fp->dir_started = true;
	} else {
		fp->dir_started = true;
		rsp->structure_size = cpu_to_le16(9);
		rsp->output_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) + sizeof(*rsp));
		rsp->output_buffer_length = cpu_to_le32(c.len);
		w->rsp_len = sizeof(struct smb2_hdr) + sizeof(*rsp) + c.len;
		status = STATUS_SUCCESS;
	}
out_unlock:
	mutex_unlock(&fp->dir_lock);
out_put:
	kfree(pattern);
	return status;
}
