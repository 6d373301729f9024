// SPDX-License-Identifier: GPL-2.0
/* SMB extended attributes kept in extended attributes of the file (ea.h). */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "ea.h"
#include "file.h"
#include "port.h"
#include "smb2.h"
#include "stream.h"

#define KSMBD_EA_PREFIX_LEN	(sizeof(KSMBD_EA_XATTR_PREFIX) - 1)
#define KSMBD_XATTR_LIST_MAX	65536
/* FILE_FULL_EA_INFORMATION up to its name */
#define KSMBD_EA_HDR		8

#ifndef STATUS_INVALID_EA_NAME
#define STATUS_INVALID_EA_NAME		cpu_to_le32(0x80000013)
#define STATUS_EA_LIST_INCONSISTENT	cpu_to_le32(0x80000014)
#define STATUS_NO_MORE_EAS		cpu_to_le32(0x80000012)
#define STATUS_EA_TOO_LARGE		cpu_to_le32(0xc0000050)
#define STATUS_NONEXISTENT_EA_ENTRY	cpu_to_le32(0xc0000051)
#define STATUS_NO_EAS_ON_FILE		cpu_to_le32(0xc0000052)
#endif

bool ksmbd_ea_name_valid(const char *name, u32 len)
{
	u32 i;

	if (!len || len > 255)
		return false;
	/* MS-FSCC 2.4.15: no control characters and none of "*+,/:;<=>?[\]| */
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c < 0x20 || c >= 0x7f || strchr("\"*+,/:;<=>?[\\]|", c))
			return false;
	}
	return true;
}

__le32 ksmbd_ea_next(const u8 *buf, u32 len, u32 *off, struct ksmbd_ea *ea)
{
	u32 o = *off, next, size;

	if (o >= len)
		return STATUS_NO_MORE_EAS;
	if (len - o < KSMBD_EA_HDR + 1)
		return STATUS_EA_LIST_INCONSISTENT;
	next = get_unaligned_le32(buf + o);
	ea->flags = buf[o + 4];
	ea->name_len = buf[o + 5];
	ea->value_len = get_unaligned_le16(buf + o + 6);
	size = KSMBD_EA_HDR + ea->name_len + 1 + ea->value_len;
	if (size > len - o || buf[o + KSMBD_EA_HDR + ea->name_len] != '\0')
		return STATUS_EA_LIST_INCONSISTENT;
	/* a next entry is 4-byte aligned, past this one and inside the buffer */
	if (next && (next % 4 || next < size || next >= len - o))
		return STATUS_EA_LIST_INCONSISTENT;
	ea->name = (const char *)buf + o + KSMBD_EA_HDR;
	ea->value = buf + o + KSMBD_EA_HDR + ea->name_len + 1;
	if ((ea->flags & ~KSMBD_FILE_NEED_EA) || !ksmbd_ea_name_valid(ea->name, ea->name_len))
		return STATUS_INVALID_EA_NAME;
	*off = next ? o + next : len;
	return STATUS_SUCCESS;
}

__le32 ksmbd_ea_check_list(const u8 *buf, u32 len)
{
	struct ksmbd_ea ea;
	__le32 status;
	u32 off = 0;

	if (!len)
		return STATUS_EA_LIST_INCONSISTENT;
	while ((status = ksmbd_ea_next(buf, len, &off, &ea)) == STATUS_SUCCESS)
		;
	return status == STATUS_NO_MORE_EAS ? STATUS_SUCCESS : status;
}

__le32 ksmbd_ea_get_next(const u8 *buf, u32 len, u32 *off, const char **name, u8 *name_len)
{
	u32 o = *off, next;

	if (o >= len)
		return STATUS_NO_MORE_EAS;
	/* NextEntryOffset (4), EaNameLength (1), EaName, its NUL */
	if (len - o < 6)
		return STATUS_EA_LIST_INCONSISTENT;
	next = get_unaligned_le32(buf + o);
	*name_len = buf[o + 4];
	if (5u + *name_len + 1 > len - o || buf[o + 5 + *name_len] != '\0')
		return STATUS_EA_LIST_INCONSISTENT;
	if (next && (next % 4 || next < 5u + *name_len + 1 || next >= len - o))
		return STATUS_EA_LIST_INCONSISTENT;
	*name = (const char *)buf + o + 5;
	if (!ksmbd_ea_name_valid(*name, *name_len))
		return STATUS_INVALID_EA_NAME;
	*off = next ? o + next : len;
	return STATUS_SUCCESS;
}

/* "trusted.ksmbd.ea." + the upper-cased name into @xname (256 bytes). */
static void ksmbd_ea_xname(char *xname, const char *name, u8 len)
{
	u32 i;

	memcpy(xname, KSMBD_EA_XATTR_PREFIX, KSMBD_EA_PREFIX_LEN);
	for (i = 0; i < len && KSMBD_EA_PREFIX_LEN + i < 255; i++)
		xname[KSMBD_EA_PREFIX_LEN + i] = name[i] >= 'a' && name[i] <= 'z' ?
						 name[i] - ('a' - 'A') : name[i];
	xname[KSMBD_EA_PREFIX_LEN + i] = '\0';
}

/* The size of an entry (aligned) for a name of @nlen and a value of @vlen. */
static u32 ksmbd_ea_entry_size(u32 nlen, u32 vlen)
{
	return ALIGN(KSMBD_EA_HDR + nlen + 1 + vlen, 4);
}

static bool ksmbd_is_ea(const char *xname)
{
	return !strncmp(xname, KSMBD_EA_XATTR_PREFIX, KSMBD_EA_PREFIX_LEN) &&
	       xname[KSMBD_EA_PREFIX_LEN];
}

u32 ksmbd_ea_size(struct ksmbd_vfs_file *f)
{
	ssize_t len, n;
	char *list, *p;
	u32 size = 0;

	list = ksmbd_xattr_list(f, &len);
	if (!list)
		return 0;
	for (p = list; p < list + len; p += strlen(p) + 1) {
		if (!ksmbd_is_ea(p))
			continue;
		n = ksmbd_vfs_getxattr(f, p, NULL, 0);
		if (n < 1)
			continue;
		size += ksmbd_ea_entry_size(strlen(p) - KSMBD_EA_PREFIX_LEN, n - 1);
	}
	kvfree(list);
	return size;
}

__le32 ksmbd_ea_set(struct ksmbd_file *fp, const u8 *buf, u32 len)
{
	char xname[256];
	struct ksmbd_ea ea;
	__le32 status;
	u8 *val = NULL;
	u32 off = 0;
	int ret = 0;

	status = ksmbd_ea_check_list(buf, len);
	if (status != STATUS_SUCCESS)
		return status;
	/* MS-FSA 2.1.5.15.5: the list as it would be after the change must fit. */
	if (ksmbd_ea_size(fp->vfs) + len > KSMBD_EA_LIST_MAX)
		return STATUS_EA_TOO_LARGE;
	while (ksmbd_ea_next(buf, len, &off, &ea) == STATUS_SUCCESS) {
		ksmbd_ea_xname(xname, ea.name, ea.name_len);
		if (!ea.value_len) {
			ret = ksmbd_vfs_removexattr(fp->vfs, xname);
			if (ret == -ENODATA)
				ret = 0;
		} else {
			kfree(val);
			val = kmalloc(ea.value_len + 1, GFP_KERNEL);
			ret = -ENOMEM;
			if (val) {
				val[0] = ea.flags;
				memcpy(val + 1, ea.value, ea.value_len);
				ret = ksmbd_vfs_setxattr(fp->vfs, xname, val, ea.value_len + 1, 0);
			}
		}
		if (ret)
			break;
	}
	kfree(val);
	if (ret == -ENOSPC || ret == -E2BIG || ret == -ERANGE)
		return STATUS_EA_TOO_LARGE;
	if (ret == -EOPNOTSUPP)
		return STATUS_NOT_SUPPORTED;
	return ret ? ksmbd_errno_status(ret) : STATUS_SUCCESS;
}

/*
 * Append the entry for EA @name (@nlen bytes; its value read from @xname, or
 * an empty value when absent) at @out + *@len. -E2BIG when it does not fit.
 */
static int ksmbd_ea_emit(struct ksmbd_vfs_file *f, const char *xname, const char *name, u32 nlen,
			 u8 *out, u32 max, u32 *len, u8 **last)
{
	u32 start = ALIGN(*len, 4);
	ssize_t n;
	u8 *val;

	val = kvmalloc(KSMBD_XATTR_LIST_MAX, GFP_KERNEL);
	if (!val)
		return -ENOMEM;
	n = ksmbd_vfs_getxattr(f, xname, val, KSMBD_XATTR_LIST_MAX);
	if (n < 1) {
		n = 1;
		val[0] = 0;
	}
	if (start > max || KSMBD_EA_HDR + nlen + 1 + (n - 1) > max - start) {
		kvfree(val);
		return -E2BIG;
	}
	memset(out + *len, 0, start - *len);
	put_unaligned_le32(0, out + start);
	out[start + 4] = val[0];
	out[start + 5] = nlen;
	put_unaligned_le16(n - 1, out + start + 6);
	memcpy(out + start + KSMBD_EA_HDR, name, nlen);
	out[start + KSMBD_EA_HDR + nlen] = '\0';
	memcpy(out + start + KSMBD_EA_HDR + nlen + 1, val + 1, n - 1);
	kvfree(val);
	if (*last)
		put_unaligned_le32(out + start - *last, *last);
	*last = out + start;
	*len = start + KSMBD_EA_HDR + nlen + 1 + n - 1;
	return 0;
}

__le32 ksmbd_ea_query(struct ksmbd_file *fp, const u8 *in, u32 in_len, u32 flags, u32 index,
		      u8 *out, u32 max, u32 *out_len)
{
	char xname[256];
	const char *name;
	u8 *last = NULL;
	u32 off = 0, i, count = 0, pos;
	ssize_t xlen;
	char *list, *p;
	__le32 status;
	u8 nlen;
	int ret = 0;

	*out_len = 0;
	if (in_len) {
		/* The EAs named in the request, in its order; absent ones empty. */
		while ((status = ksmbd_ea_get_next(in, in_len, &off, &name, &nlen)) ==
		       STATUS_SUCCESS)
			;
		if (status != STATUS_NO_MORE_EAS)
			return status;
		off = 0;
		while ((status = ksmbd_ea_get_next(in, in_len, &off, &name, &nlen)) ==
		       STATUS_SUCCESS) {
			ksmbd_ea_xname(xname, name, nlen);
			ret = ksmbd_ea_emit(fp->vfs, xname, xname + KSMBD_EA_PREFIX_LEN, nlen,
					    out, max, out_len, &last);
			if (ret)
				break;
			count++;
			if (flags & SL_RETURN_SINGLE_ENTRY)
				break;
		}
		if (ret == -E2BIG)
			return count ? STATUS_BUFFER_OVERFLOW : STATUS_BUFFER_TOO_SMALL;
		if (ret)
			return ksmbd_errno_status(ret);
		return status == STATUS_NO_MORE_EAS || status == STATUS_SUCCESS ? STATUS_SUCCESS :
		       status;
	}
	list = ksmbd_xattr_list(fp->vfs, &xlen);
	if (!list)
		return ksmbd_errno_status(xlen);
	if (flags & SL_RESTART_SCAN)
		fp->ea_index = 0;
	pos = fp->ea_index;
	if (flags & SL_INDEX_SPECIFIED)
		pos = index ? index - 1 : 0;
	status = STATUS_SUCCESS;
	for (p = list, i = 0; p < list + xlen; p += strlen(p) + 1) {
		if (!ksmbd_is_ea(p))
			continue;
		if (i++ < pos)
			continue;
		ret = ksmbd_ea_emit(fp->vfs, p, p + KSMBD_EA_PREFIX_LEN,
				    strlen(p + KSMBD_EA_PREFIX_LEN), out, max, out_len, &last);
		if (ret)
			break;
		count++;
		if (flags & SL_RETURN_SINGLE_ENTRY)
			break;
	}
	kvfree(list);
	fp->ea_index = pos + count;
	if (ret == -E2BIG)
		return count ? STATUS_BUFFER_OVERFLOW : STATUS_BUFFER_TOO_SMALL;
	if (ret)
		return ksmbd_errno_status(ret);
	if (!count)
		return !i ? STATUS_NO_EAS_ON_FILE : (flags & SL_INDEX_SPECIFIED) ?
			    STATUS_NONEXISTENT_EA_ENTRY : STATUS_NO_MORE_EAS;
	return STATUS_SUCCESS;
}

/*
 * The data of the create context named "ExtA" (MS-SMB2 2.2.13.2.1) among
 * the request's contexts at @ctx_off: *@data and *@len, or NULL when absent.
 * The chain itself was bounds-checked by CREATE.
 */
static __le32 ksmbd_ea_context(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len,
			       const u8 **data, u32 *len)
{
	const u8 *ctx = w->req + ctx_off, *c;
	u32 off = 0, next;
	u16 noff, nlen, doff;
	u32 dlen;

	*data = NULL;
	*len = 0;
	while (ctx_len && off + 16 <= ctx_len) {
		c = ctx + off;
		next = get_unaligned_le32(c);
		noff = get_unaligned_le16(c + 4);
		nlen = get_unaligned_le16(c + 6);
		doff = get_unaligned_le16(c + 10);
		dlen = get_unaligned_le32(c + 12);
		if (noff + nlen > ctx_len - off || (dlen && doff + dlen > ctx_len - off))
			return STATUS_INVALID_PARAMETER;
		if (nlen == 4 && !memcmp(c + noff, "ExtA", 4)) {
			*data = c + doff;
			*len = dlen;
			return STATUS_SUCCESS;
		}
		if (!next || next > ctx_len - off)
			break;
		off += next;
	}
	return STATUS_SUCCESS;
}

__le32 ksmbd_ea_create_check(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len)
{
	const u8 *data;
	__le32 status;
	u32 len;

	status = ksmbd_ea_context(w, ctx_off, ctx_len, &data, &len);
	if (status != STATUS_SUCCESS || !data)
		return status;
	status = ksmbd_ea_check_list(data, len);
	return status == STATUS_EA_LIST_INCONSISTENT ? STATUS_INVALID_PARAMETER : status;
}

__le32 ksmbd_ea_create_apply(struct ksmbd_work *w, struct ksmbd_file *fp, u32 ctx_off,
			     u32 ctx_len, bool replace)
{
	const u8 *data;
	ssize_t xlen;
	char *list, *p;
	__le32 status;
	u32 len;

	status = ksmbd_ea_context(w, ctx_off, ctx_len, &data, &len);
	if (status != STATUS_SUCCESS || !data)
		return status;
	if (replace) {
		list = ksmbd_xattr_list(fp->vfs, &xlen);
		if (!list)
			return ksmbd_errno_status(xlen);
		for (p = list; p < list + xlen; p += strlen(p) + 1)
			if (ksmbd_is_ea(p))
				ksmbd_vfs_removexattr(fp->vfs, p);
		kvfree(list);
	}
	return ksmbd_ea_set(fp, data, len);
}
