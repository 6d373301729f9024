// SPDX-License-Identifier: GPL-2.0
/* Alternate data streams kept in extended attributes of the base file (stream.h). */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "file.h"
#include "port.h"
#include "share.h"
#include "smb2.h"
#include "stream.h"
#include "unicode.h"

#define KSMBD_XATTR_NAME_MAX	255
#define KSMBD_XATTR_LIST_MAX	65536
#define KSMBD_STREAM_PREFIX_LEN	(sizeof(KSMBD_STREAM_XATTR_PREFIX) - 1)
/* Longest stream name in UTF-8 bytes: what the attribute name leaves. */
#define KSMBD_STREAM_NAME_MAX	(KSMBD_XATTR_NAME_MAX - KSMBD_STREAM_PREFIX_LEN)

/* The state of one stream shared by its opens. */
struct ksmbd_stream {
	struct list_head node;			/* ksmbd_streams */
	u64 dev, ino;				/* the base file */
	unsigned int opens;
	bool delete_pending;
	struct ksmbd_share_modes modes;		/* of the stream's opens (share.h) */
	struct list_head oplocks;		/* its opens' oplocks/leases (oplock.h) */
	unsigned int stat_opens;		/* under oplock.c's lock */
	char xname[KSMBD_XATTR_NAME_MAX + 1];	/* the attribute's full name */
};

/* Every open stream; the lock also makes each read-modify-write of a value atomic. */
static LIST_HEAD(ksmbd_streams);
static DEFINE_MUTEX(ksmbd_stream_lock);

static char ksmbd_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ksmbd_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ksmbd_fold(*a) != ksmbd_fold(*b))
			return false;
	return *a == *b;
}

__le32 ksmbd_stream_split(const u8 *name, u32 len, u32 *base_len, char **stream,
			  bool *has_stream)
{
	char *s, *type;
	u32 i;
	int n;

	*stream = NULL;
	*has_stream = false;
	*base_len = len;
	for (i = 0; i + 1 < len; i += 2)
		if (get_unaligned_le16(name + i) == ':')
			break;
	if (i + 1 >= len)
		return STATUS_SUCCESS;
	*base_len = i;
	*has_stream = true;
	s = kmalloc(4 * 256 + 16, GFP_KERNEL);
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	n = ksmbd_utf16_to_utf8(name + i + 2, len - i - 2, s, 4 * 256 + 16);
	if (n < 0)
		goto invalid;
	type = strchr(s, ':');
	if (type) {
		*type++ = '\0';
		/* MS-FSCC 2.1.5.1: the only stream type of a file is $DATA. */
		if (strlen(type) != 5 || !ksmbd_name_eq(type, "$data"))
			goto invalid;
	} else if (!*s) {
		goto invalid;		/* "file:" */
	}
	if (strpbrk(s, "\\/") || strlen(s) > KSMBD_STREAM_NAME_MAX)
		goto invalid;
	if (!*s) {
		kfree(s);		/* "file::$DATA": the default stream */
		return STATUS_SUCCESS;
	}
	*stream = s;
	return STATUS_SUCCESS;
invalid:
	kfree(s);
	return STATUS_OBJECT_NAME_INVALID;
}

char *ksmbd_xattr_list(struct ksmbd_vfs_file *f, ssize_t *len)
{
	ssize_t size = ksmbd_vfs_listxattr(f, NULL, 0);
	char *buf;

	/* most files have no attributes at all: no buffer for them */
	if (size == -EOPNOTSUPP)
		size = 0;
	*len = size;
	if (size < 0)
		return NULL;
	/* room for a few more names added meanwhile (-ERANGE otherwise) */
	size = min_t(ssize_t, size + 256, KSMBD_XATTR_LIST_MAX);
	buf = kvmalloc(size, GFP_KERNEL);
	*len = -ENOMEM;
	if (!buf)
		return NULL;
	*len = ksmbd_vfs_listxattr(f, buf, size);
	if (*len == -EOPNOTSUPP)
		*len = 0;
	if (*len < 0) {
		kvfree(buf);
		return NULL;
	}
	return buf;
}

/*
 * Find the stream @name of @f: its attribute name into @xname; 0,
 * -ENOENT or -errno.
 */
static int ksmbd_stream_find(struct ksmbd_vfs_file *f, const char *name, char *xname)
{
	ssize_t len;
	char *list, *p;
	int ret = -ENOENT;

	list = ksmbd_xattr_list(f, &len);
	if (!list)
		return len;
	for (p = list; p < list + len; p += strlen(p) + 1) {
		if (strncmp(p, KSMBD_STREAM_XATTR_PREFIX, KSMBD_STREAM_PREFIX_LEN) ||
		    !ksmbd_name_eq(p + KSMBD_STREAM_PREFIX_LEN, name))
			continue;
		strscpy(xname, p, KSMBD_XATTR_NAME_MAX + 1);
		ret = 0;
		break;
	}
	kvfree(list);
	return ret;
}

/* The attribute name of a new stream @name (at most KSMBD_STREAM_NAME_MAX bytes). */
static void ksmbd_stream_xname(char *xname, const char *name)
{
	memcpy(xname, KSMBD_STREAM_XATTR_PREFIX, KSMBD_STREAM_PREFIX_LEN);
	strscpy(xname + KSMBD_STREAM_PREFIX_LEN, name,
		KSMBD_XATTR_NAME_MAX + 1 - KSMBD_STREAM_PREFIX_LEN);
}

static struct ksmbd_stream *ksmbd_stream_lookup(u64 dev, u64 ino, const char *xname)
{
	struct ksmbd_stream *s;

	list_for_each_entry(s, &ksmbd_streams, node)
		if (s->dev == dev && s->ino == ino && ksmbd_name_eq(s->xname, xname))
			return s;
	return NULL;
}

static int ksmbd_stream_setval(struct ksmbd_vfs_file *f, const char *xname, const void *val,
			       size_t len, unsigned int flags)
{
	int ret = ksmbd_vfs_setxattr(f, xname, val, len, flags);

	/* Past what one attribute holds on this filesystem. */
	return ret == -E2BIG || ret == -ERANGE ? -ENOSPC : ret;
}

__le32 ksmbd_stream_open(struct ksmbd_file *fp, const char *name, u32 disp, u32 *action)
{
	struct ksmbd_stream *s, *fresh;
	char xname[KSMBD_XATTR_NAME_MAX + 1];
	__le32 status;
	int ret;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return STATUS_INSUFFICIENT_RESOURCES;
	mutex_lock(&ksmbd_stream_lock);
	ret = ksmbd_stream_find(fp->vfs, name, xname);
	if (!ret) {
		s = ksmbd_stream_lookup(fp->dev, fp->ino, xname);
		status = STATUS_DELETE_PENDING;
		if (s && s->delete_pending)
			goto out;
		/* MS-FSA 2.1.5.1.2: the share modes of the stream's other opens */
		status = STATUS_SHARING_VIOLATION;
		if (s && ksmbd_share_conflict(&s->modes, fp->access, fp->share_access))
			goto out;
		switch (disp) {
		case FILE_CREATE:
			status = STATUS_OBJECT_NAME_COLLISION;
			goto out;
		case FILE_OVERWRITE:
		case FILE_OVERWRITE_IF:
		case FILE_SUPERSEDE:
			/* emptied by the caller, after the oplock breaks (stream.h) */
			*action = disp == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
			break;
		default:
			*action = FILE_OPENED;
			break;
		}
	} else if (ret == -ENOENT) {
		status = STATUS_OBJECT_NAME_NOT_FOUND;
		if (disp == FILE_OPEN || disp == FILE_OVERWRITE)
			goto out;
		ksmbd_stream_xname(xname, name);
		ret = ksmbd_stream_setval(fp->vfs, xname, "", 0, KSMBD_VFS_XATTR_CREATE);
		*action = FILE_CREATED;
	}
	if (ret) {
		status = ret == -EOPNOTSUPP ? STATUS_OBJECT_NAME_NOT_FOUND :
		     ksmbd_errno_status(ret);
		goto out;
	}
	s = ksmbd_stream_lookup(fp->dev, fp->ino, xname);
	if (!s) {
		s = fresh;
		fresh = NULL;
		s->dev = fp->dev;
		s->ino = fp->ino;
		INIT_LIST_HEAD(&s->oplocks);
		strscpy(s->xname, xname, sizeof(s->xname));
		list_add(&s->node, &ksmbd_streams);
	}
	s->opens++;
	ksmbd_share_count(&s->modes, fp->access, fp->share_access, true);
	fp->stream = s;
	status = STATUS_SUCCESS;
out:
	mutex_unlock(&ksmbd_stream_lock);
	kfree(fresh);
	return status;
}

struct list_head *ksmbd_stream_oplocks(struct ksmbd_file *fp)
{
	return &fp->stream->oplocks;
}

unsigned int *ksmbd_stream_stat_opens(struct ksmbd_file *fp)
{
	return &fp->stream->stat_opens;
}

unsigned int ksmbd_stream_opens(struct ksmbd_file *fp)
{
	unsigned int n;

	mutex_lock(&ksmbd_stream_lock);
	n = fp->stream ? fp->stream->opens : 0;
	mutex_unlock(&ksmbd_stream_lock);
	return n;
}

void ksmbd_stream_close(struct ksmbd_file *fp)
{
	struct ksmbd_stream *s = fp->stream;
	int ret;

	if (!s)
		return;
	mutex_lock(&ksmbd_stream_lock);
	if (fp->delete_on_close)
		s->delete_pending = true;
	ksmbd_share_count(&s->modes, fp->access, fp->share_access, false);
	if (!--s->opens) {
		if (s->delete_pending) {
			ret = ksmbd_vfs_removexattr(fp->vfs, s->xname);
			if (ret)
				pr_debug("delete of stream %s: %d\n", s->xname, ret);
		}
		list_del(&s->node);
		kfree(s);
	}
	/* oplock.c checks it without this lock (ksmbd_holders_gone()) */
	WRITE_ONCE(fp->stream, NULL);
	mutex_unlock(&ksmbd_stream_lock);
}

__le32 ksmbd_stream_set_delete(struct ksmbd_file *fp, bool pending)
{
	mutex_lock(&ksmbd_stream_lock);
	if (fp->stream)
		fp->stream->delete_pending = pending;
	mutex_unlock(&ksmbd_stream_lock);
	return STATUS_SUCCESS;
}

int ksmbd_stream_name(struct ksmbd_file *fp, char *buf, size_t size)
{
	int ret = -ENOENT;

	mutex_lock(&ksmbd_stream_lock);
	if (fp->stream)
		ret = strscpy(buf, fp->stream->xname + KSMBD_STREAM_PREFIX_LEN, size);
	mutex_unlock(&ksmbd_stream_lock);
	return ret < 0 ? ret : 0;
}

bool ksmbd_stream_delete_pending(struct ksmbd_file *fp)
{
	bool pending;

	mutex_lock(&ksmbd_stream_lock);
	pending = fp->stream && fp->stream->delete_pending;
	mutex_unlock(&ksmbd_stream_lock);
	return pending;
}

/* The value of @fp's stream into a kvmalloc'd buffer of KSMBD_STREAM_MAX; its length. */
static ssize_t ksmbd_stream_load(struct ksmbd_file *fp, u8 **val)
{
	ssize_t n;

	*val = NULL;
	if (!fp->stream)
		return -ENOENT;		/* released by a concurrent CLOSE */
	*val = kvmalloc(KSMBD_STREAM_MAX, GFP_KERNEL);
	if (!*val)
		return -ENOMEM;
	n = ksmbd_vfs_getxattr(fp->vfs, fp->stream->xname, *val, KSMBD_STREAM_MAX);
	if (n == -ENODATA)
		n = -ENOENT;		/* removed behind our back */
	if (n < 0) {
		kvfree(*val);
		*val = NULL;
	}
	return n;
}

ssize_t ksmbd_stream_read(struct ksmbd_file *fp, void *buf, size_t len, loff_t pos)
{
	ssize_t n;
	u8 *val;

	mutex_lock(&ksmbd_stream_lock);
	n = ksmbd_stream_load(fp, &val);
	if (n >= 0) {
		n = pos >= n ? 0 : min_t(ssize_t, len, n - pos);
		if (n)
			memcpy(buf, val + pos, n);
		kvfree(val);
	}
	mutex_unlock(&ksmbd_stream_lock);
	return n;
}

ssize_t ksmbd_stream_write(struct ksmbd_file *fp, const void *buf, size_t len, loff_t pos)
{
	ssize_t n;
	u8 *val;
	int ret;

	if (pos < 0 || pos > KSMBD_STREAM_MAX || len > (size_t)(KSMBD_STREAM_MAX - pos))
		return -ENOSPC;
	mutex_lock(&ksmbd_stream_lock);
	n = ksmbd_stream_load(fp, &val);
	if (n >= 0) {
		if (pos > n)
			memset(val + n, 0, pos - n);
		memcpy(val + pos, buf, len);
		ret = ksmbd_stream_setval(fp->vfs, fp->stream->xname, val,
					  max_t(size_t, n, pos + len), KSMBD_VFS_XATTR_REPLACE);
		n = ret ? ret : (ssize_t)len;
		kvfree(val);
	}
	mutex_unlock(&ksmbd_stream_lock);
	return n;
}

int ksmbd_stream_truncate(struct ksmbd_file *fp, u64 size)
{
	ssize_t n;
	u8 *val;
	int ret;

	if (size > KSMBD_STREAM_MAX)
		return -ENOSPC;
	mutex_lock(&ksmbd_stream_lock);
	n = ksmbd_stream_load(fp, &val);
	ret = n < 0 ? n : 0;
	if (n >= 0) {
		if (size > (u64)n)
			memset(val + n, 0, size - n);
		if (size != (u64)n)
			ret = ksmbd_stream_setval(fp->vfs, fp->stream->xname, val, size,
						  KSMBD_VFS_XATTR_REPLACE);
		kvfree(val);
	}
	mutex_unlock(&ksmbd_stream_lock);
	return ret;
}

void ksmbd_stream_fix_stat(struct ksmbd_file *fp, struct ksmbd_vfs_stat *st)
{
	ssize_t n;

	if (!fp->is_stream)
		return;
	mutex_lock(&ksmbd_stream_lock);
	n = fp->stream ? ksmbd_vfs_getxattr(fp->vfs, fp->stream->xname, NULL, 0) : 0;
	mutex_unlock(&ksmbd_stream_lock);
	st->size = n > 0 ? n : 0;
	st->blocks = (st->size + 511) / 512;
	/* a stream open is a data stream even on a directory */
	if ((st->mode & 0170000) == 0040000)
		st->mode = (st->mode & ~0170000) | 0100000;
}

/* One FILE_STREAM_INFORMATION entry for ":@name:$DATA" at @out + *@len. */
static int ksmbd_stream_entry(u8 *out, size_t size, size_t *len, u8 **last,
			      const char *name, u64 ssize, u64 alloc)
{
	size_t start = ALIGN(*len, 8);
	char *full;
	int n;

	if (start + 24 > size)
		return -E2BIG;
	full = kasprintf(GFP_KERNEL, ":%s:$DATA", name);
	if (!full)
		return -ENOMEM;
	n = ksmbd_utf8_to_utf16(full, strlen(full), out + start + 24, size - start - 24);
	kfree(full);
	if (n == -ENAMETOOLONG)
		return -E2BIG;
	if (n < 0)
		return 0;		/* not representable: leave it out */
	memset(out + *len, 0, start + 24 - *len);
	put_unaligned_le32(n, out + start + 4);
	put_unaligned_le64(ssize, out + start + 8);
	put_unaligned_le64(alloc, out + start + 16);
	if (*last)
		put_unaligned_le32(out + start - *last, *last);
	*last = out + start;
	*len = start + 24 + n;
	return 0;
}

long ksmbd_stream_info(struct ksmbd_file *fp, const struct ksmbd_vfs_stat *st, bool streams,
		       u8 *out, size_t size, bool *overflow)
{
	bool dir = (st->mode & 0170000) == 0040000;
	size_t len = 0;
	u8 *last = NULL;
	ssize_t n, xlen;
	char *list, *p;
	int ret = 0;

	/* MS-FSCC 2.4.49: a directory has no unnamed data stream. */
	if (!dir)
		ret = ksmbd_stream_entry(out, size, &len, &last, "", st->size, st->blocks * 512);
	*overflow = ret == -E2BIG;
	if (ret == -E2BIG || !streams)
		return len;
	if (ret)
		return ret;
	mutex_lock(&ksmbd_stream_lock);
	list = ksmbd_xattr_list(fp->vfs, &xlen);
	if (!list) {
		mutex_unlock(&ksmbd_stream_lock);
		return xlen;
	}
	for (p = list; !ret && p < list + xlen; p += strlen(p) + 1) {
		if (strncmp(p, KSMBD_STREAM_XATTR_PREFIX, KSMBD_STREAM_PREFIX_LEN))
			continue;
		n = ksmbd_vfs_getxattr(fp->vfs, p, NULL, 0);
		if (n < 0)
			continue;
		ret = ksmbd_stream_entry(out, size, &len, &last, p + KSMBD_STREAM_PREFIX_LEN,
					 n, ALIGN(n, 512));
	}
	kvfree(list);
	mutex_unlock(&ksmbd_stream_lock);
	*overflow = ret == -E2BIG;
	return ret && ret != -E2BIG ? ret : (long)len;
}

int ksmbd_stream_remove_all(struct ksmbd_vfs_file *f)
{
	ssize_t len;
	char *list, *p;
	int ret = 0;

	mutex_lock(&ksmbd_stream_lock);
	list = ksmbd_xattr_list(f, &len);
	if (!list) {
		mutex_unlock(&ksmbd_stream_lock);
		return len;
	}
	for (p = list; p < list + len; p += strlen(p) + 1) {
		if (strncmp(p, KSMBD_STREAM_XATTR_PREFIX, KSMBD_STREAM_PREFIX_LEN))
			continue;
		ret = ksmbd_vfs_removexattr(f, p);
		if (ret == -ENODATA)
			ret = 0;
		if (ret)
			break;
	}
	kvfree(list);
	mutex_unlock(&ksmbd_stream_lock);
	return ret;
}

bool ksmbd_stream_delete_conflict(u64 dev, u64 ino)
{
	struct ksmbd_stream *s;
	bool found = false;

	mutex_lock(&ksmbd_stream_lock);
	list_for_each_entry(s, &ksmbd_streams, node)
		if (s->dev == dev && s->ino == ino && s->modes.share_delete < s->modes.opens) {
			found = true;
			break;
		}
	mutex_unlock(&ksmbd_stream_lock);
	return found;
}

bool ksmbd_stream_opens_of(u64 dev, u64 ino)
{
	struct ksmbd_stream *s;
	bool found = false;

	mutex_lock(&ksmbd_stream_lock);
	list_for_each_entry(s, &ksmbd_streams, node)
		if (s->dev == dev && s->ino == ino) {
			found = true;
			break;
		}
	mutex_unlock(&ksmbd_stream_lock);
	return found;
}

unsigned int ksmbd_stream_count(const struct ksmbd_file *fp)
{
	struct ksmbd_stream *s;
	unsigned int n = 0;

	mutex_lock(&ksmbd_stream_lock);
	if (fp->stream)
		n = fp->stream->opens;
	else
		list_for_each_entry(s, &ksmbd_streams, node)
			if (s->dev == fp->dev && s->ino == fp->ino)
				n += s->opens;
	mutex_unlock(&ksmbd_stream_lock);
	return n;
}

/*
 * MS-FSA 2.1.5.14.11: a named stream renamed to the default stream "::$DATA"
 * becomes the file's data, which must be empty (STATUS_INVALID_PARAMETER
 * otherwise), and the named stream goes away. Only the renaming open may have
 * the stream open (STATUS_SHARING_VIOLATION otherwise). The open then names
 * no stream any more: reads and writes through it fail (-ENOENT, as after
 * the stream's removal); the client reopens the file.
 */
static __le32 ksmbd_stream_rename_default(struct ksmbd_file *fp)
{
	struct ksmbd_vfs_stat st;
	struct ksmbd_stream *s;
	__le32 status;
	ssize_t n, w;
	u8 *val;
	int ret;

	mutex_lock(&ksmbd_stream_lock);
	s = fp->stream;
	status = STATUS_FILE_CLOSED;
	if (!s)
		goto out;
	status = STATUS_SHARING_VIOLATION;
	if (s->opens != 1)
		goto out;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret) {
		status = ksmbd_errno_status(ret);
		goto out;
	}
	status = STATUS_INVALID_PARAMETER;
	if (st.size || (st.mode & 0170000) != 0100000)
		goto out;
	n = ksmbd_stream_load(fp, &val);
	if (n < 0) {
		status = ksmbd_errno_status(n);
		goto out;
	}
	w = n ? ksmbd_vfs_write(fp->vfs, val, n, 0) : 0;
	kvfree(val);
	if (w != n) {
		status = w < 0 ? ksmbd_errno_status(w) : STATUS_DISK_FULL;
		if (w > 0)
			ksmbd_vfs_truncate(fp->vfs, 0);
		goto out;
	}
	ret = ksmbd_vfs_removexattr(fp->vfs, s->xname);
	if (ret) {
		status = ksmbd_errno_status(ret);
		goto out;
	}
	ksmbd_share_count(&s->modes, fp->access, fp->share_access, false);
	list_del(&s->node);
	kfree(s);
	fp->stream = NULL;
	status = STATUS_SUCCESS;
out:
	mutex_unlock(&ksmbd_stream_lock);
	return status;
}

__le32 ksmbd_stream_rename(struct ksmbd_file *fp, const u8 *target, u32 len, bool replace)
{
	char xname[KSMBD_XATTR_NAME_MAX + 1];
	struct ksmbd_stream *s, *other;
	u32 base_len;
	bool has;
	__le32 status;
	char *name;
	ssize_t n;
	u8 *val;
	int ret;

	status = ksmbd_stream_split(target, len, &base_len, &name, &has);
	if (status != STATUS_SUCCESS)
		return status;
	/* MS-FSA 2.1.5.14.11: a stream is renamed within its file only. */
	if (base_len || !has) {
		kfree(name);
		return STATUS_INVALID_PARAMETER;
	}
	if (!name)
		return ksmbd_stream_rename_default(fp);
	mutex_lock(&ksmbd_stream_lock);
	s = fp->stream;
	status = STATUS_FILE_CLOSED;
	if (!s)
		goto out;
	ret = ksmbd_stream_find(fp->vfs, name, xname);
	if (!ret) {
		status = STATUS_SUCCESS;
		if (ksmbd_name_eq(xname, s->xname))
			goto out;		/* to itself */
		status = STATUS_OBJECT_NAME_COLLISION;
		if (!replace)
			goto out;
		/* MS-FSA 2.1.5.14.11.1: only an unopened, empty stream is replaced. */
		other = ksmbd_stream_lookup(fp->dev, fp->ino, xname);
		status = STATUS_ACCESS_DENIED;
		if (other)
			goto out;
		status = STATUS_INVALID_PARAMETER;
		if (ksmbd_vfs_getxattr(fp->vfs, xname, NULL, 0) != 0)
			goto out;
	} else if (ret != -ENOENT) {
		status = ksmbd_errno_status(ret);
		goto out;
	} else {
		ksmbd_stream_xname(xname, name);
	}
	n = ksmbd_stream_load(fp, &val);
	if (n < 0) {
		status = ksmbd_errno_status(n);
		goto out;
	}
	ret = ksmbd_stream_setval(fp->vfs, xname, val, n, 0);
	kvfree(val);
	if (!ret)
		ret = ksmbd_vfs_removexattr(fp->vfs, s->xname);
	if (ret) {
		status = ksmbd_errno_status(ret);
		goto out;
	}
	/* every open of the stream follows it */
	strscpy(s->xname, xname, sizeof(s->xname));
	status = STATUS_SUCCESS;
out:
	mutex_unlock(&ksmbd_stream_lock);
	kfree(name);
	return status;
}
