// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE, CLOSE, READ and WRITE (MS-SMB2 3.3.5.9, 3.3.5.10, 3.3.5.12,
 * 3.3.5.13) on disk shares; on IPC$ they go to smb2_pipe.c. Opens get
 * oplocks and leases (oplock.h), share modes (share.h) and durability
 * (durable.h); of the create contexts ExtA (ea.h), SecD and MxAc
 * (smb2_security.h), RqLs, the durable ones and AlSi are applied (MS-SMB2
 * allows ignoring the others). Named streams: stream.h.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "conn.h"
#include "dosattr.h"
#include "durable.h"
#include "file.h"
#include "inode.h"
#include "lock.h"
#include "lookup.h"
#include "notify.h"
#include "oplock.h"
#include "port.h"
#include "session.h"
#include "share.h"
#include "smb2.h"
#include "stream.h"
#include "ea.h"
#include "smb2_security.h"
#include "tree.h"
#include "unicode.h"

/* Largest READ or WRITE payload (the NEGOTIATE MaxReadSize/MaxWriteSize). */
#define KSMBD_IO_MAX		(8 * 1024 * 1024)
/* Longest path inside a share, in UTF-8 bytes. */
#define KSMBD_PATH_MAX		4096
#define KSMBD_FILETIME_EPOCH	116444736000000000ULL

__le32 ksmbd_errno_status(int err)
{
	switch (err) {
	case -ENOENT:
		return STATUS_OBJECT_NAME_NOT_FOUND;
	case -EEXIST:
		return STATUS_OBJECT_NAME_COLLISION;
	case -EISDIR:
		return STATUS_FILE_IS_A_DIRECTORY;
	case -ENOTDIR:
		return STATUS_NOT_A_DIRECTORY;
	case -EACCES:
	case -EPERM:
		return STATUS_ACCESS_DENIED;
	case -ENOSPC:
	case -EDQUOT:
		return STATUS_DISK_FULL;
	case -EROFS:
		return STATUS_MEDIA_WRITE_PROTECTED;
	case -ENAMETOOLONG:
	case -ELOOP:
		return STATUS_OBJECT_NAME_INVALID;
	case -EFBIG:		/* past the largest file the filesystem holds */
		return STATUS_DISK_FULL;
	case -EINVAL:		/* e.g. an offset the filesystem refuses */
		return STATUS_INVALID_PARAMETER;
	case -ENOTEMPTY:
		return STATUS_DIRECTORY_NOT_EMPTY;
	case -ENOMEM:
	case -EMFILE:		/* no descriptor left (ksmbd_port_max_opens() keeps room) */
	case -ENFILE:
		return STATUS_INSUFFICIENT_RESOURCES;
	default:
		return STATUS_INTERNAL_ERROR;
	}
}

/*
 * The client's name (UTF-16LE, '\\' separated, relative to the share) as a
 * '/' separated UTF-8 path; "" is the share root. A ".." component takes the
 * one before it away, as Windows resolves it ("a\\b\\.." is "a"); one that
 * would leave the share is STATUS_OBJECT_PATH_SYNTAX_BAD, and the path never
 * goes above the share root. "." components, empty ones, a leading separator
 * and stream names are refused.
 */
__le32 ksmbd_smb_path(const u8 *name, u16 len, char *out, size_t size)
{
	char *p, *comp, *w;
	size_t cl;
	int n;

	n = ksmbd_utf16_to_utf8(name, len, out, size);
	if (n < 0)
		return STATUS_OBJECT_NAME_INVALID;
	if (out[0] == '\\')
		return STATUS_INVALID_PARAMETER;
	if (strchr(out, ':'))
		return STATUS_NOT_SUPPORTED;	/* alternate data streams */
	for (p = out; *p; p++)
		if (*p == '\\')
			*p = '/';
	/* Components are copied down to @w, the resolved path so far. */
	w = out;
	for (comp = out; *comp; comp = p + 1) {
		p = strchrnul(comp, '/');
		cl = p - comp;
		if ((cl == 1 && comp[0] == '.') || (!cl && *p))
			return STATUS_OBJECT_NAME_INVALID;
		if (cl == 2 && comp[0] == '.' && comp[1] == '.') {
			if (w == out)
				return STATUS_OBJECT_PATH_SYNTAX_BAD;
			/* drop the last resolved component and its separator */
			while (w > out && w[-1] != '/')
				w--;
			if (w > out)
				w--;
		} else {
			if (w != out)
				*w++ = '/';
			memmove(w, comp, cl);
			w += cl;
		}
		if (!*p)
			break;
	}
	*w = '\0';
	return STATUS_SUCCESS;
}

#define KSMBD_CREATE_ATTRS_VALID	0x00007fb7
#define KSMBD_CREATE_OPTIONS_RESERVED	0xff000000
#define KSMBD_CREATE_OPTIONS_UNSUPPORTED	0x00102080

/*
 * Open @path for @disp; *@action says what happened. 0 or -errno. An
 * overwrite (FILE_OVERWRITTEN, FILE_SUPERSEDED) does not truncate yet: the
 * caller does once the file's oplocks are broken (ksmbd_overwrite()).
 */
static int ksmbd_disk_open(struct ksmbd_vfs_root *root, const char *path, u32 disp,
			   unsigned int mode, unsigned int perm, struct ksmbd_vfs_file **vfs,
			   u32 *action)
{
	const char *name = *path ? path : ".";
	int ret;

	switch (disp) {
	case FILE_OPEN:
		*action = FILE_OPENED;
		return ksmbd_vfs_open(root, name, mode, 0, vfs);
	case FILE_CREATE:
		*action = FILE_CREATED;
		return ksmbd_vfs_open(root, name, mode | KSMBD_VFS_CREATE | KSMBD_VFS_EXCL, perm, vfs);
	case FILE_OVERWRITE:
		*action = FILE_OVERWRITTEN;
		return ksmbd_vfs_open(root, name, mode, 0, vfs);
	case FILE_OPEN_IF:
	case FILE_OVERWRITE_IF:
	case FILE_SUPERSEDE:
		/* Existing first, so the action can be told; then created. */
		ret = ksmbd_vfs_open(root, name, mode, 0, vfs);
		if (ret != -ENOENT) {
			*action = disp == FILE_OPEN_IF ? FILE_OPENED :
				  disp == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
			return ret;
		}
		*action = FILE_CREATED;
		return ksmbd_vfs_open(root, name, mode | KSMBD_VFS_CREATE | KSMBD_VFS_EXCL, perm, vfs);
	default:
		return -EINVAL;
	}
}

/*
 * Truncate the file @fp overwrites (opened as @path with @mode), after its
 * oplock holders had their say (MS-FSA 2.1.5.1.2.1). Without write access
 * to the data, as for an attributes-only overwrite, it is truncated by name,
 * as the open itself would have.
 */
static int ksmbd_overwrite(struct ksmbd_vfs_root *root, const char *path,
			   struct ksmbd_file *fp, unsigned int mode)
{
	struct ksmbd_vfs_file *tmp;
	int ret;

	if (fp->can_write)
		return ksmbd_vfs_truncate(fp->vfs, 0);
	ret = ksmbd_vfs_open(root, *path ? path : ".", mode | KSMBD_VFS_TRUNC, 0, &tmp);
	if (!ret)
		ksmbd_vfs_close(tmp);
	return ret;
}

/*
 * CREATE and CLOSE responses carry the same block: four FILETIMEs (creation,
 * last access, last write, change), AllocationSize, EndOfFile, FileAttributes.
 */
void ksmbd_fill_attrs(const struct ksmbd_vfs_stat *st, u8 *block)
{
	bool dir = (st->mode & 0170000) == 0040000;
	u64 t0 = KSMBD_FILETIME_EPOCH;

	/* CreationTime: the birth time where the filesystem keeps one */
	put_unaligned_le64((st->btime_ns ? st->btime_ns : st->ctime_ns) / 100 + t0, block);
	put_unaligned_le64(st->atime_ns / 100 + t0, block + 8);
	put_unaligned_le64(st->mtime_ns / 100 + t0, block + 16);
	put_unaligned_le64(st->ctime_ns / 100 + t0, block + 24);
	/*
	 * An empty file's blocks are metadata (an external xattr block holding
	 * its security descriptor on ext4), not allocation.
	 */
	put_unaligned_le64(dir || !st->size ? 0 : st->blocks * 512, block + 32);
	put_unaligned_le64(dir ? 0 : st->size, block + 40);
	/* A file nobody may write is FILE_ATTRIBUTE_READONLY (SET_INFO keeps it so). */
	put_unaligned_le32(dir ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE |
			   (st->mode & 0222 ? 0 : FILE_ATTRIBUTE_READONLY), block + 48);
}

/*
 * MS-FSA 2.1.5.1.2.1: overwriting a hidden or system file needs those
 * attributes among the ones asked for.
 */
static __le32 ksmbd_create_dosattr_check(struct ksmbd_file *fp, bool overwrite, u32 want)
{
	struct ksmbd_dosattr da;
	u32 need = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;

	if (!overwrite || fp->is_dir)
		return STATUS_SUCCESS;
	ksmbd_dosattr_read(fp->vfs, &da);
	if ((da.flags & KSMBD_DOSATTR_HAS_ATTRS) && (da.attrs & need & ~want))
		return STATUS_ACCESS_DENIED;
	return STATUS_SUCCESS;
}

/*
 * A created, overwritten or superseded file gets the attributes the CREATE
 * asked for, plus ARCHIVE for files (MS-FSA 2.1.5.1.2); READONLY removes
 * the write permission bits (this open keeps its access). A created file on
 * a filesystem without birth times gets its creation time stored. Only
 * what differs from the defaults is written (dosattr.h).
 */
static int ksmbd_create_dosattr_set(struct ksmbd_file *fp, const struct ksmbd_vfs_stat *st,
				    u32 want)
{
	struct ksmbd_dosattr da;
	u32 attrs = want & KSMBD_DOSATTR_STORED;
	int ret;

	ksmbd_dosattr_read(fp->vfs, &da);
	if (!fp->is_dir)
		attrs |= FILE_ATTRIBUTE_ARCHIVE;
	else if (want & FILE_ATTRIBUTE_READONLY)
		attrs |= FILE_ATTRIBUTE_READONLY;
	if ((da.flags & KSMBD_DOSATTR_HAS_ATTRS) ||
	    attrs != (fp->is_dir ? 0 : FILE_ATTRIBUTE_ARCHIVE)) {
		da.flags |= KSMBD_DOSATTR_HAS_ATTRS;
		da.attrs = attrs;
	}
	if (!st->btime_ns && !(da.flags & KSMBD_DOSATTR_HAS_CTIME)) {
		da.flags |= KSMBD_DOSATTR_HAS_CTIME;
		da.create_ft = st->ctime_ns / 100 + KSMBD_FILETIME_EPOCH;
	}
	if (da.flags) {
		ret = ksmbd_dosattr_write(fp->vfs, &da);
		if (ret && ret != -EOPNOTSUPP)
			return ret;
	}
	if (!fp->is_dir && (want & FILE_ATTRIBUTE_READONLY) && (st->mode & 0222))
		return ksmbd_vfs_chmod(fp->vfs, st->mode & 07555);
	return 0;
}

void ksmbd_fill_alloc(struct ksmbd_file *fp, const struct ksmbd_vfs_stat *st, u8 *block)
{
	u64 alloc, size_up = (st->size + 4095) & ~4095ULL;

	if (!fp->ni || fp->is_dir || fp->is_stream)
		return;
	alloc = READ_ONCE(*ksmbd_inode_alloc(fp->ni));
	if (alloc)
		put_unaligned_le64(max(alloc, size_up), block + 32);
}

static __le32 ksmbd_create_rsp(struct ksmbd_work *w, struct ksmbd_file *fp, u32 action,
				const struct ksmbd_vfs_stat *st)
{
	struct smb2_create_rsp *rsp;

	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(89);
	rsp->create_action = cpu_to_le32(action);
	ksmbd_fill_attrs_of(fp->vfs, st, (u8 *)rsp + offsetof(struct smb2_create_rsp, creation_time));
	ksmbd_fill_alloc(fp, st, (u8 *)rsp + offsetof(struct smb2_create_rsp, creation_time));
	rsp->persistent_id = cpu_to_le64(fp->persistent_id);
	rsp->volatile_id = cpu_to_le64(fp->volatile_id);
	return STATUS_SUCCESS;
}

/*
 * Count the new open @fp in its file's share modes (share.h). On a conflict,
 * MS-FSA 2.1.5.1.2: batch oplock holders are broken first (their client may
 * close the file), then it is checked again.
 */
static __le32 ksmbd_create_share(struct ksmbd_work *w, struct ksmbd_file *fp, bool overwrite)
{
	__le32 status;
	int ret;

	ret = ksmbd_inode_share_add(&fp->ni, &fp->share_counted, fp->access, fp->share_access);
	/* An orphaned durable open in the way has nobody to answer a break (durable.h). */
	if (ret == -EBUSY && ksmbd_durable_purge(fp, overwrite, fp->access, true))
		ret = ksmbd_inode_share_add(&fp->ni, &fp->share_counted, fp->access,
					    fp->share_access);
	if (ret == -EBUSY && ksmbd_oplock_has_batch(fp)) {
		status = ksmbd_oplock_break_batch(w, fp);
		if (status != STATUS_SUCCESS)
			return status;
		ret = ksmbd_inode_share_add(&fp->ni, &fp->share_counted, fp->access,
					    fp->share_access);
	}
	if (ret == -EBUSY)
		return STATUS_SHARING_VIOLATION;
	return ret ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}

/*
 * DHnC/DH2C (MS-SMB2 3.3.5.9.7, 3.3.5.9.12): the CREATE reconnects an
 * orphaned durable open; its other fields are ignored (durable.h).
 */
static __le32 ksmbd_durable_reopen(struct ksmbd_work *w, const struct ksmbd_durable_req *dr,
				   u16 off, u16 len, u32 ctx_off, u32 ctx_len)
{
	struct ksmbd_lease_req lr;
	struct smb2_create_rsp *rsp;
	struct ksmbd_vfs_stat st;
	struct ksmbd_file *fp;
	u8 level, key[16], version;
	u32 state;
	u16 epoch;
	__le32 status;
	bool path_ok;
	char *path;
	int has_lease, ret;

	has_lease = ksmbd_lease_parse(w, ctx_off, ctx_len, &lr, &status);
	if (has_lease < 0)
		return status;
	path = kmalloc(KSMBD_PATH_MAX, GFP_KERNEL);
	if (!path)
		return STATUS_INSUFFICIENT_RESOURCES;
	path[0] = '\0';
	path_ok = !len || ksmbd_smb_path(w->req + off, len, path, KSMBD_PATH_MAX) == STATUS_SUCCESS;
	fp = ksmbd_durable_reconnect(w, dr, has_lease > 0 ? &lr : NULL, path_ok ? path : NULL,
				     &status);
	kfree(path);
	if (!fp)
		return status;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	status = ret ? ksmbd_errno_status(ret) : STATUS_SUCCESS;
	if (!ret) {
		ksmbd_stream_fix_stat(fp, &st);
		status = ksmbd_create_rsp(w, fp, FILE_OPENED, &st);
	}
	if (status == STATUS_SUCCESS) {
		ksmbd_oplock_caching(fp, &level, key, &state, &version, &epoch);
		rsp = (struct smb2_create_rsp *)(w->rsp + sizeof(struct smb2_hdr));
		rsp->oplock_level = level;
		if (level == SMB2_OPLOCK_LEVEL_LEASE)
			status = ksmbd_lease_rsp_context(w, fp);
	}
	ksmbd_file_put(fp);
	return status;
}

static __le32 ksmbd_disk_create(struct ksmbd_work *w)
{
	const struct smb2_create_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->name_offset), len = le16_to_cpu(req->name_length);
	u32 ctx_off = le32_to_cpu(req->create_contexts_offset);
	u32 ctx_len = le32_to_cpu(req->create_contexts_length);
	u32 access = le32_to_cpu(req->desired_access);
	u32 disp = le32_to_cpu(req->create_disposition);
	u32 opts = le32_to_cpu(req->create_options);
	u32 share = le32_to_cpu(req->share_access);
	bool readonly = w->tree->flags & KSMBD_SHARE_READONLY;
	struct ksmbd_open_req oreq = {
		.desired = access, .options = opts, .disposition = disp,
		.attributes = le32_to_cpu(req->file_attributes), .share_readonly = readonly,
	};
	struct ksmbd_vfs_stat st;
	struct ksmbd_file *fp;
	unsigned int mode, perm;
	u32 action = 0, granted;
	__le32 status;
	struct smb2_create_rsp *rsp;
	struct ksmbd_lease_req lr;
	bool overwrite, stat_open;
	int has_lease;
	u8 oplock;
	char *path;
	char *stream = NULL;	/* a named stream, see stream.h */
	bool has_stream;	/* the name had a stream part (maybe "::$DATA") */
	u32 base_len = len, file_disp;
	struct ksmbd_durable_req dr;
	int ret;

	/* Durable contexts first: a reconnect ignores the rest (durable.h). */
	if ((len && !ksmbd_req_has(w, off, len)) || (ctx_len && !ksmbd_req_has(w, ctx_off, ctx_len)))
		return STATUS_INVALID_PARAMETER;
	status = ksmbd_durable_parse(w, ctx_off, ctx_len, &dr);
	if (status != STATUS_SUCCESS)
		return status;
	if (dr.dhnc || dr.dh2c)
		return ksmbd_durable_reopen(w, &dr, off, len, ctx_off, ctx_len);
	/* MS-SMB2 3.3.5.9: Anonymous, Identification, Impersonation or Delegate */
	if (le32_to_cpu(req->impersonation_level) > 3)
		return STATUS_BAD_IMPERSONATION_LEVEL;
	if (disp > FILE_OVERWRITE_IF || (len && !ksmbd_req_has(w, off, len)) ||
	    (ctx_len && !ksmbd_req_has(w, ctx_off, ctx_len)) ||
	    ((opts & FILE_DIRECTORY_FILE) && (opts & FILE_NON_DIRECTORY_FILE)) ||
	    (share & ~KSMBD_SHARE_VALID))
		return STATUS_INVALID_PARAMETER;
	/* A read-only share never creates: "open if" is just "open" there. */
	if (readonly && disp == FILE_OPEN_IF)
		disp = FILE_OPEN;
	path = kmalloc(KSMBD_PATH_MAX, GFP_KERNEL);
	if (!path)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = ksmbd_stream_split(w->req + off, len, &base_len, &stream, &has_stream);
	if (status != STATUS_SUCCESS)
		goto out;
	/* A share without streams has no such name (as Samba answers). */
	status = STATUS_OBJECT_NAME_NOT_FOUND;
	if (stream && (w->tree->flags & KSMBD_SHARE_NO_STREAMS))
		goto out;
	/* MS-FSA 2.1.5.1: a data stream is never a directory. */
	status = STATUS_NOT_A_DIRECTORY;
	if (has_stream && (opts & FILE_DIRECTORY_FILE))
		goto out;
	if (has_stream && !stream)
		opts |= FILE_NON_DIRECTORY_FILE;	/* "dir::$DATA" */
	if (stream)
		opts &= ~FILE_NON_DIRECTORY_FILE;	/* it says what the stream is */
	status = base_len ? ksmbd_smb_path(w->req + off, base_len, path, KSMBD_PATH_MAX) :
		 STATUS_SUCCESS;
	if (!base_len)
		path[0] = '\0';
	if (status != STATUS_SUCCESS)
		goto out;
	/* MS-FSCC 2.1.5.2: no wildcards in the file name part of a stream's name. */
	status = STATUS_OBJECT_NAME_INVALID;
	if (stream && strpbrk(path, "*?<>\"|"))
		goto out;
	status = ksmbd_ea_create_check(w, ctx_off, ctx_len);
	if (status != STATUS_SUCCESS)
		goto out;
	/*
	 * A named stream: the file is opened, or created when the stream may
	 * be; the stream's own disposition comes after (ksmbd_stream_open()).
	 */
	file_disp = !stream ? disp : disp == FILE_OPEN || disp == FILE_OVERWRITE ? FILE_OPEN :
		    FILE_OPEN_IF;
	/* MS-FSA 2.1.5.1: names are case-insensitive unless the share says otherwise. */
	if (!(w->tree->flags & KSMBD_SHARE_CASE_SENSITIVE)) {
		ret = ksmbd_lookup_ci(w->tree->root, path, KSMBD_PATH_MAX);
		if (ret) {
			status = ret == -ENAMETOOLONG ? STATUS_OBJECT_NAME_INVALID :
							 STATUS_INSUFFICIENT_RESOURCES;
			goto out;
		}
	}
	/*
	 * MS-FSA 2.1.5.1.2: a name whose file is to be deleted cannot be
	 * opened; a read-only file cannot be written, replaced or deleted.
	 */
	/*
	 * Orphaned durable opens of the file that this open would break close
	 * first (durable.h): their delete on close may remove the name.
	 */
	if (!ksmbd_vfs_getattr_name(w->tree->root, *path ? path : ".", &st)) {
		u32 want = access & MAXIMUM_ALLOWED ? FILE_READ_DATA | FILE_WRITE_DATA | DELETE :
			   ksmbd_access_map_generic(access);
		bool ow = disp == FILE_OVERWRITE || disp == FILE_OVERWRITE_IF ||
			  disp == FILE_SUPERSEDE;

		ksmbd_durable_purge_file(st.dev, st.ino, want, share, ow);
	}
	if (!ksmbd_vfs_getattr_name(w->tree->root, *path ? path : ".", &st)) {
		oreq.exists = true;
		oreq.is_dir = (st.mode & 0170000) == 0040000;
		oreq.file_readonly = !oreq.is_dir && !(st.mode & 0222);
		status = STATUS_DELETE_PENDING;
		if (ksmbd_inode_delete_pending_of(st.dev, st.ino))
			goto out;
	}
	/* The access checks (share.h), knowing what the name is. */
	status = ksmbd_open_access_check(&oreq, &granted);
	if (status != STATUS_SUCCESS)
		goto out;
	/*
	 * FileAttributes a CREATE may carry (MS-FSCC 2.6 less VOLUME, DEVICE,
	 * INTEGRITY_STREAM and the bits above 0x4000) and CreateOptions bits
	 * below the reserved top byte: Windows refuses others, after the
	 * access check, as here.
	 */
	status = STATUS_INVALID_PARAMETER;
	if ((le32_to_cpu(req->file_attributes) & ~KSMBD_CREATE_ATTRS_VALID) ||
	    (opts & KSMBD_CREATE_OPTIONS_RESERVED))
		goto out;
	/*
	 * FILE_CREATE_TREE_CONNECTION, FILE_OPEN_BY_FILE_ID and
	 * FILE_RESERVE_OPFILTER are not implemented (Windows answers the same).
	 */
	status = STATUS_NOT_SUPPORTED;
	if (opts & KSMBD_CREATE_OPTIONS_UNSUPPORTED)
		goto out;

	status = STATUS_INSUFFICIENT_RESOURCES;
	fp = ksmbd_file_alloc(w->sess->id);
	if (!fp)
		goto out;
	/* share.h: MAXIMUM_ALLOWED gives no data writes to a read-only file */
	fp->access = granted;
	fp->share_access = share;
	fp->can_write = granted & (FILE_WRITE_DATA | FILE_APPEND_DATA);
	/* Reads need FILE_READ_DATA, or FILE_EXECUTE as for paging I/O (MS-FSA 2.1.5.2). */
	fp->can_read = fp->access & (FILE_READ_DATA | FILE_EXECUTE);
	fp->root = w->tree->root;
	fp->delete_on_close = opts & FILE_DELETE_ON_CLOSE;
	fp->mode = opts & (FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY |
			   FILE_NO_INTERMEDIATE_BUFFERING | FILE_SYNCHRONOUS_IO_ALERT |
			   FILE_SYNCHRONOUS_IO_NONALERT | FILE_DELETE_ON_CLOSE);
	mode = KSMBD_VFS_READ | (fp->can_write ? KSMBD_VFS_WRITE : 0);
	/* A file created read-only has no write permission bits (SET_INFO keeps it so). */
	perm = le32_to_cpu(req->file_attributes) & FILE_ATTRIBUTE_READONLY ? 0444 : 0644;
	if (opts & FILE_DIRECTORY_FILE) {
		status = STATUS_INVALID_PARAMETER;
		if (disp != FILE_OPEN && disp != FILE_OPEN_IF && disp != FILE_CREATE)
			goto discard;
		mode = KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY;
		fp->can_write = false;
		ret = disp == FILE_CREATE ? -ENOENT :
		      ksmbd_disk_open(w->tree->root, path, FILE_OPEN, mode, 0, &fp->vfs, &action);
		if (ret == -ENOENT && disp != FILE_OPEN) {
			ret = ksmbd_vfs_mkdir(w->tree->root, path, 0755);
			if (!ret)
				ret = ksmbd_disk_open(w->tree->root, path, FILE_OPEN, mode, 0,
						      &fp->vfs, &action);
			action = FILE_CREATED;
		}
	} else {
		ret = ksmbd_disk_open(w->tree->root, path, file_disp, mode, perm, &fp->vfs, &action);
	}
	if (ret == -EISDIR && !(opts & FILE_NON_DIRECTORY_FILE) &&
	    (file_disp == FILE_OPEN || file_disp == FILE_OPEN_IF)) {
		/* A directory opened without FILE_DIRECTORY_FILE: no data access. */
		fp->can_write = stream && fp->can_write;	/* a directory's stream has data */
		ret = ksmbd_disk_open(w->tree->root, path, file_disp,
				      KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &fp->vfs, &action);
	}
	if (!ret)
		ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (ret) {
		status = ksmbd_errno_status(ret);
		goto discard;
	}
	status = ksmbd_sd_access_check(w, fp, path, access, action, &st);
	if (status != STATUS_SUCCESS)
		goto discard;
	fp->dev = st.dev;
	fp->ino = st.ino;
	/* the share root's identity, for ksmbd_file_opens_below() */
	fp->root_dev = st.dev;
	fp->root_ino = st.ino;
	if (*path) {
		struct ksmbd_vfs_stat rst;

		ret = ksmbd_vfs_getattr_name(w->tree->root, ".", &rst);
		if (ret) {
			status = ksmbd_errno_status(ret);
			goto discard;
		}
		fp->root_dev = rst.dev;
		fp->root_ino = rst.ino;
	}
	status = STATUS_INSUFFICIENT_RESOURCES;
	fp->ni = ksmbd_inode_open(st.dev, st.ino);
	if (!fp->ni)
		goto discard;
	status = STATUS_DELETE_PENDING;
	if (ksmbd_inode_delete_pending(&fp->ni))
		goto discard;
	if (stream) {
		status = ksmbd_stream_open(fp, stream, disp, &action);
		if (status != STATUS_SUCCESS)
			goto discard;
		fp->is_stream = true;
		ksmbd_stream_fix_stat(fp, &st);
	}
	status = ksmbd_create_rsp(w, fp, action, &st);
	if (status != STATUS_SUCCESS)
		goto discard;
	fp->is_dir = !fp->is_stream &&
		     (le32_to_cpu(((struct smb2_create_rsp *)(w->rsp + sizeof(struct smb2_hdr)))
				  ->file_attributes) & FILE_ATTRIBUTE_DIRECTORY);
	if (fp->is_dir && (opts & FILE_NON_DIRECTORY_FILE)) {
		status = STATUS_FILE_IS_A_DIRECTORY;
		goto discard;
	}
	overwrite = action == FILE_OVERWRITTEN || action == FILE_SUPERSEDED;
	status = fp->is_stream ? STATUS_SUCCESS :
		 ksmbd_create_dosattr_check(fp, overwrite, le32_to_cpu(req->file_attributes));
	if (status != STATUS_SUCCESS)
		goto discard;
	/* Share modes (share.h): a conflict first breaks batch oplocks. */
	fp->conn = w->conn;
	/*
	 * MS-FSA 2.1.5.1.2: the file opened with DELETE must be shared so by
	 * every open of its streams.
	 */
	if (!fp->is_stream && (fp->access & DELETE) &&
	    ksmbd_stream_delete_conflict(fp->dev, fp->ino)) {
		status = STATUS_SHARING_VIOLATION;
		goto discard;
	}
	/* a stream's opens have the stream's own share modes (stream.h) */
	/* 3.3.5.9.13: another open of the same application instance goes first. */
	ksmbd_durable_close_app_instance(&dr);
	status = fp->is_stream ? STATUS_SUCCESS : ksmbd_create_share(w, fp, overwrite);
	if (status != STATUS_SUCCESS)
		goto discard;
	/*
	 * Oplocks: break what this open conflicts with (the CREATE may wait,
	 * async, for the holders' acks), then take what can be granted.
	 * Oplocks and leases are per stream: a named stream's are among its
	 * own opens (oplock.h, stream.h).
	 */
	stat_open = !overwrite && !(access & MAXIMUM_ALLOWED) &&
		    ksmbd_lease_stat_access(ksmbd_access_map_generic(access));
	fp->oplock.breaks_oplocks = stat_open &&
				    !ksmbd_oplock_stat_access(ksmbd_access_map_generic(access));
	/* Leases (oplock.h): an RqLs context with OplockLevel LEASE. */
	has_lease = req->requested_oplock_level == SMB2_OPLOCK_LEVEL_LEASE ?
		    ksmbd_lease_parse(w, ctx_off, ctx_len, &lr, &status) : 0;
	if (has_lease < 0)
		goto discard;
	/* Orphaned durable opens whose oplock or lease this open breaks go (durable.h). */
	if (!fp->is_stream)
		ksmbd_durable_purge(fp, overwrite, access & MAXIMUM_ALLOWED ? FILE_READ_DATA :
				    ksmbd_access_map_generic(access), false);
	if (has_lease > 0)
		status = ksmbd_lease_create(w, fp, &lr, overwrite, stat_open, &oplock);
	else
		status = ksmbd_oplock_create(w, fp, req->requested_oplock_level, overwrite,
					     stat_open, &oplock);
	if (status != STATUS_SUCCESS)
		goto discard;
	if (overwrite && fp->is_stream) {
		/* the stream's holders had their say: now it is emptied (stream.h) */
		ret = ksmbd_stream_truncate(fp, 0);
		if (ret) {
			status = ksmbd_errno_status(ret);
			goto discard;
		}
	} else if (overwrite) {
		ret = ksmbd_overwrite(w->tree->root, path, fp, mode);
		/* MS-FSA 2.1.5.1.2.1: the file's named streams go with its data. */
		if (!ret)
			ret = ksmbd_stream_remove_all(fp->vfs);
		if (ret) {
			status = ksmbd_errno_status(ret);
			goto discard;
		}
	}
	if (!fp->is_stream && (overwrite || action == FILE_CREATED)) {
		ret = ksmbd_create_dosattr_set(fp, &st, le32_to_cpu(req->file_attributes));
		if (ret) {
			status = ksmbd_errno_status(ret);
			goto discard;
		}
	}
	/* The EAs of the create context, on a file this CREATE made or replaced. */
	if (!fp->is_stream && action != FILE_OPENED) {
		status = ksmbd_ea_create_apply(w, fp, ctx_off, ctx_len, overwrite);
		if (status != STATUS_SUCCESS)
			goto discard;
	}
	/*
	 * SMB2_CREATE_ALLOCATION_SIZE: a file this CREATE made or replaced
	 * keeps the allocation asked for while it is open (inode.h).
	 */
	if (dr.alloc && !fp->is_dir && !fp->is_stream && action != FILE_OPENED)
		WRITE_ONCE(*ksmbd_inode_alloc(fp->ni), (dr.alloc_size + 4095) & ~4095ULL);
	status = ksmbd_sd_create_contexts(w, fp, path);
	if (status != STATUS_SUCCESS)
		goto discard;
	rsp = (struct smb2_create_rsp *)(w->rsp + sizeof(struct smb2_hdr));
	rsp->oplock_level = oplock;
	/* A holder may have written back its cached data while we waited. */
	if (!ksmbd_vfs_getattr(fp->vfs, &st)) {
		ksmbd_stream_fix_stat(fp, &st);
		ksmbd_fill_attrs_of(fp->vfs, &st,
				    (u8 *)rsp + offsetof(struct smb2_create_rsp, creation_time));
		ksmbd_fill_alloc(fp, &st, (u8 *)rsp + offsetof(struct smb2_create_rsp, creation_time));
	}
	if (oplock == SMB2_OPLOCK_LEVEL_LEASE) {
		status = ksmbd_lease_rsp_context(w, fp);
		if (status != STATUS_SUCCESS)
			goto discard;
	}
	/* DHnQ/DH2Q: durable when the oplock or lease qualifies (durable.h). */
	status = ksmbd_durable_grant(w, fp, &dr, path);
	if (status != STATUS_SUCCESS)
		goto discard;
	fp->path = kstrdup(path, GFP_KERNEL);
	status = STATUS_INSUFFICIENT_RESOURCES;
	if (!fp->path)
		goto discard;
	status = STATUS_SUCCESS;
	if (action == FILE_CREATED)
		ksmbd_notify_event(fp->root_dev, fp->root_ino, fp->path, FILE_ACTION_ADDED,
				   fp->is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME :
						FILE_NOTIFY_CHANGE_FILE_NAME);
	else if (overwrite)
		ksmbd_notify_event(fp->root_dev, fp->root_ino, fp->path, FILE_ACTION_MODIFIED,
				   FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SIZE |
				   FILE_NOTIFY_CHANGE_LAST_WRITE);
	/* The parent directory's leases (oplock.h). */
	if (action == FILE_CREATED || overwrite)
		ksmbd_lease_break_parent(fp);
	ksmbd_file_publish(fp);
	ksmbd_file_link(w->tree, fp);
	ksmbd_file_put(fp);
	goto out;

discard:
	ksmbd_file_discard(fp);
out:
	kfree(stream);
	kfree(path);
	return status;
}

__le32 ksmbd_smb2_create(struct ksmbd_work *w)
{
	if (w->tree->flags & KSMBD_SHARE_IPC)
		return ksmbd_pipe_create(w);
	return ksmbd_disk_create(w);
}

__le32 ksmbd_smb2_close(struct ksmbd_work *w)
{
	const struct smb2_close_req *req = (const void *)ksmbd_req_body(w);
	struct smb2_close_rsp *rsp;
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_vfs_stat st;
	bool post;

	post = fp->vfs && (le16_to_cpu(req->flags) & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB) &&
	       !ksmbd_vfs_getattr(fp->vfs, &st);
	if (post)
		ksmbd_stream_fix_stat(fp, &st);
	/*
	 * The framework's reference closes it once the response is out; a
	 * pending delete happens now, so the client sees it done.
	 */
	ksmbd_file_unlink(w->tree, fp);
	ksmbd_file_release(fp);
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(60);
	if (post) {
		rsp->flags = cpu_to_le16(SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB);
		ksmbd_fill_attrs_of(fp->vfs, &st, (u8 *)rsp + offsetof(struct smb2_close_rsp, creation_time));
		ksmbd_fill_alloc(fp, &st, (u8 *)rsp + offsetof(struct smb2_close_rsp, creation_time));
	}
	return STATUS_SUCCESS;
}

/* MS-FSA 2.1.5.2, 2.1.5.3: byte offsets are signed 64-bit; [off, off + len) must fit. */
static bool ksmbd_offset_ok(u64 off, u32 len)
{
	return off <= S64_MAX && len <= S64_MAX - off;
}

__le32 ksmbd_smb2_read(struct ksmbd_work *w)
{
	const struct smb2_read_req *req = (const void *)ksmbd_req_body(w);
	u32 len = le32_to_cpu(req->length);
	struct ksmbd_file *fp = w->fp;
	struct smb2_read_rsp *rsp;
	__le32 status;
	ssize_t n;

	if (w->tree->flags & KSMBD_SHARE_IPC)
		return ksmbd_pipe_read(w);
	if (len > KSMBD_IO_MAX || !ksmbd_offset_ok(le64_to_cpu(req->offset), len))
		return STATUS_INVALID_PARAMETER;
	if (fp->is_dir)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (!fp->can_read)
		return STATUS_ACCESS_DENIED;
	/* MS-FSA 2.1.5.2: another open's exclusive lock on the range */
	status = ksmbd_brl_check_io(fp, le64_to_cpu(req->offset), len, false);
	if (status != STATUS_SUCCESS)
		return status;
	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + len);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	n = fp->is_stream ? ksmbd_stream_read(fp, rsp->buffer, len, le64_to_cpu(req->offset)) :
			    ksmbd_vfs_read(fp->vfs, rsp->buffer, len, le64_to_cpu(req->offset));
	if (n < 0)
		return ksmbd_errno_status(n);
	if ((!n && len) || n < le32_to_cpu(req->minimum_count))
		return STATUS_END_OF_FILE;
	/* The position follows reads, as Windows and Samba keep it (FilePositionInformation). */
	WRITE_ONCE(fp->position, le64_to_cpu(req->offset) + n);
	rsp->structure_size = cpu_to_le16(17);
	rsp->data_offset = sizeof(struct smb2_hdr) + sizeof(*rsp);
	rsp->data_length = cpu_to_le32(n);
	w->rsp_len = sizeof(struct smb2_hdr) + sizeof(*rsp) + n;
	return STATUS_SUCCESS;
}

__le32 ksmbd_smb2_write(struct ksmbd_work *w)
{
	const struct smb2_write_req *req = (const void *)ksmbd_req_body(w);
	u16 off = le16_to_cpu(req->data_offset);
	u32 len = le32_to_cpu(req->length);
	struct ksmbd_file *fp = w->fp;
	struct smb2_write_rsp *rsp;
	__le32 status;
	ssize_t n;

	if (w->tree->flags & KSMBD_SHARE_IPC)
		return ksmbd_pipe_write(w);
	if (len > KSMBD_IO_MAX || !ksmbd_req_has(w, off, len) ||
	    !ksmbd_offset_ok(le64_to_cpu(req->offset), len))
		return STATUS_INVALID_PARAMETER;
	if (fp->is_dir || !fp->can_write)
		return STATUS_ACCESS_DENIED;
	/* MS-FSA 2.1.5.3: any shared lock, or another open's exclusive one */
	status = ksmbd_brl_check_io(fp, le64_to_cpu(req->offset), len, true);
	if (status != STATUS_SUCCESS)
		return status;
	/* MS-FSA 2.1.5.3: a write breaks the file's level II oplocks. */
	ksmbd_oplock_break_level2(fp);
	/* Its close will break the directory's leases (oplock.h). */
	WRITE_ONCE(fp->oplock.written, true);
	n = fp->is_stream ? ksmbd_stream_write(fp, w->req + off, len, le64_to_cpu(req->offset)) :
			    ksmbd_vfs_write(fp->vfs, w->req + off, len, le64_to_cpu(req->offset));
	if (n < 0)
		return ksmbd_errno_status(n);
	if (n)
		ksmbd_notify_fp(fp, FILE_ACTION_MODIFIED,
				FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
	rsp = ksmbd_rsp_body(w, sizeof(*rsp));
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	rsp->structure_size = cpu_to_le16(17);
	rsp->count = cpu_to_le32(n);
	return STATUS_SUCCESS;
}
