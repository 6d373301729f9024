// SPDX-License-Identifier: GPL-2.0
/*
 * Security descriptors of files: see smb2_security.h for the storage and
 * smb_acl.h for the descriptor logic.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "file.h"
#include "ipc.h"
#include "port.h"
#include "session.h"
#include "smb2.h"
#include "smb2_security.h"
#include "smb_acl.h"
#include "tree.h"

#define FILE_ADD_FILE		0x00000002
#define FILE_ADD_SUBDIRECTORY	0x00000004
#define FILE_LIST_DIRECTORY	0x00000001

/* Parts of a descriptor this server keeps. */
#define KSMBD_SD_INFO_KEPT	(OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | \
				 DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION)

void ksmbd_session_token(struct ksmbd_session *sess, const struct ksmbd_login *login)
{
	struct ksmbd_token *tok = &sess->token;

	memset(tok, 0, sizeof(*tok));
	if (sess->anonymous || !login->user_sid_len ||
	    ksmbd_sid_get(login->user_sid, login->user_sid_len, &tok->user) < 0) {
		/* MS-DTYP 2.4.2.4: ANONYMOUS LOGON, in Everyone only by policy: not here. */
		tok->user = ksmbd_sid_anonymous;
		tok->group = ksmbd_sid_anonymous;
		tok->sids[tok->count++] = ksmbd_sid_anonymous;
		tok->sids[tok->count++] = ksmbd_sid_network;
		return;
	}
	if (!login->group_sid_len ||
	    ksmbd_sid_get(login->group_sid, login->group_sid_len, &tok->group) < 0)
		tok->group = tok->user;
	tok->sids[tok->count++] = tok->user;
	tok->sids[tok->count++] = tok->group;
	tok->sids[tok->count++] = ksmbd_sid_everyone;
	tok->sids[tok->count++] = ksmbd_sid_network;
	if (!sess->guest)
		tok->sids[tok->count++] = ksmbd_sid_authenticated;
}

/*
 * The descriptor of the open file @vfs. The xattr may hold all of it, or only
 * an owner and group (SE_DACL_PRESENT clear: files created where nothing was
 * inherited); what it lacks is synthesised from @st. *@dacl_stored tells
 * whether the DACL came from the xattr, which is what makes it enforced.
 * 0 or -ENOMEM / -errno of the read.
 */
static int ksmbd_sd_load(struct ksmbd_vfs_file *vfs, const struct ksmbd_vfs_stat *st,
			 struct ksmbd_sd *sd, bool *dacl_stored)
{
	bool is_dir = (st->mode & 0170000) == 0040000;
	struct ksmbd_sd synth;
	ssize_t n;
	u8 *buf;
	int ret, i;

	*dacl_stored = false;
	ret = ksmbd_sd_from_mode(st->uid, st->gid, st->mode, is_dir, &synth);
	if (ret)
		return ret;
	buf = kmalloc(KSMBD_SD_MAX, GFP_KERNEL);
	if (!buf) {
		ksmbd_sd_free(&synth);
		return -ENOMEM;
	}
	n = ksmbd_vfs_getxattr(vfs, KSMBD_SD_XATTR, buf, KSMBD_SD_MAX);
	if (n < 0) {
		kfree(buf);
		if (n != -ENODATA && n != -EOPNOTSUPP && n != -ERANGE) {
			ksmbd_sd_free(&synth);
			return n;
		}
		*sd = synth;
		return 0;
	}
	ret = ksmbd_sd_decode(buf, n, sd);
	kfree(buf);
	if (ret == -ENOMEM) {
		ksmbd_sd_free(&synth);
		return ret;
	}
	if (ret) {
		/* Damaged: treated as if there were none (the mode rules). */
		pr_warn_ratelimited("inode %llu: invalid %s ignored\n", st->ino, KSMBD_SD_XATTR);
		*sd = synth;
		return 0;
	}
	if (!sd->has_owner) {
		sd->owner = synth.owner;
		sd->has_owner = true;
	}
	if (!sd->has_group) {
		sd->group = synth.group;
		sd->has_group = true;
	}
	if (sd->control & SE_DACL_PRESENT) {
		*dacl_stored = true;
		ksmbd_sd_free(&synth);
		return 0;
	}
	/*
	 * The mode's owner and group bits belong to the stored owner and group
	 * (the SMB user who created the file), so that a client writing back
	 * the DACL it read keeps its own access.
	 */
	for (i = 0; i < synth.dacl->count; i++) {
		struct ksmbd_ace *ace = &synth.dacl->aces[i];

		if (ksmbd_sid_equal(&ace->sid, &synth.owner))
			ace->sid = sd->owner;
		else if (ksmbd_sid_equal(&ace->sid, &synth.group))
			ace->sid = sd->group;
	}
	sd->control |= SE_DACL_PRESENT;
	sd->dacl = synth.dacl;			/* taken over */
	return 0;
}

/* Store @sd; without @dacl_stored its DACL (synthesised) is left out. */
static int ksmbd_sd_store(struct ksmbd_vfs_file *vfs, const struct ksmbd_sd *sd,
			  bool dacl_stored)
{
	u32 info = KSMBD_SD_INFO_KEPT & ~(dacl_stored ? 0 : DACL_SECURITY_INFORMATION);
	size_t n = ksmbd_sd_encode(sd, info, NULL);
	u8 *buf;
	int ret;

	if (n > KSMBD_SD_MAX)
		return -E2BIG;
	buf = kmalloc(n, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ksmbd_sd_encode(sd, info, buf);
	ret = ksmbd_vfs_setxattr(vfs, KSMBD_SD_XATTR, buf, n, 0);
	kfree(buf);
	return ret;
}

/* The status of a failed ksmbd_sd_store(). */
static __le32 ksmbd_sd_store_status(int err)
{
	if (err == -E2BIG)
		return STATUS_INVALID_SECURITY_DESCR;
	if (err == -EOPNOTSUPP)
		return STATUS_NOT_SUPPORTED;	/* no xattrs where the share is */
	return ksmbd_errno_status(err);
}

/* Map the DACL onto the permission bits, as far as they say the same. */
static void ksmbd_sd_chmod(struct ksmbd_vfs_file *vfs, const struct ksmbd_vfs_stat *st,
			   const struct ksmbd_sd *sd)
{
	u32 mode = ksmbd_sd_to_mode(sd, st->uid, st->gid, st->mode & 07777);

	if (mode != (st->mode & 07777))
		ksmbd_vfs_chmod(vfs, mode);
}

__le32 ksmbd_sd_query(struct ksmbd_work *w)
{
	const struct smb2_query_info_req *req = (const void *)ksmbd_req_body(w);
	u32 info = le32_to_cpu(req->additional_information);
	u32 max = le32_to_cpu(req->output_buffer_length);
	struct ksmbd_file *fp = w->fp;
	struct smb2_query_info_rsp *rsp;
	struct ksmbd_vfs_stat st;
	struct ksmbd_sd sd;
	bool stored;
	size_t n;
	int ret;

	if (!fp->vfs)
		return STATUS_NOT_SUPPORTED;		/* pipes */
	/* MS-SMB2 3.3.5.20.3 with MS-FSA 2.1.5.13: the rights each part needs. */
	if ((info & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
		     DACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION)) &&
	    !(fp->access & READ_CONTROL))
		return STATUS_ACCESS_DENIED;
	if ((info & SACL_SECURITY_INFORMATION) && !(fp->access & ACCESS_SYSTEM_SECURITY))
		return STATUS_ACCESS_DENIED;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (!ret)
		ret = ksmbd_sd_load(fp->vfs, &st, &sd, &stored);
	if (ret)
		return ksmbd_errno_status(ret);
	n = ksmbd_sd_encode(&sd, info, NULL);
	if (n > max) {
		ksmbd_sd_free(&sd);
		w->err_u32_set = true;
		w->err_u32 = n;
		return STATUS_BUFFER_TOO_SMALL;
	}
	rsp = ksmbd_rsp_body(w, sizeof(*rsp) + n);
	if (!rsp) {
		ksmbd_sd_free(&sd);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	rsp->structure_size = cpu_to_le16(9);
	rsp->output_buffer_offset = cpu_to_le16(sizeof(struct smb2_hdr) + sizeof(*rsp));
	rsp->output_buffer_length = cpu_to_le32(n);
	ksmbd_sd_encode(&sd, info, rsp->buffer);
	ksmbd_sd_free(&sd);
	return STATUS_SUCCESS;
}

static bool ksmbd_token_has_sid(const struct ksmbd_token *tok, const struct ksmbd_sid *sid)
{
	unsigned int i;

	for (i = 0; i < tok->count; i++)
		if (ksmbd_sid_equal(&tok->sids[i], sid))
			return true;
	return false;
}

__le32 ksmbd_sd_set(struct ksmbd_work *w, const u8 *buf, u32 len)
{
	const struct smb2_set_info_req *req = (const void *)ksmbd_req_body(w);
	u32 info = le32_to_cpu(req->additional_information);
	struct ksmbd_file *fp = w->fp;
	struct ksmbd_vfs_stat st;
	struct ksmbd_sd in, cur;
	__le32 status;
	bool stored;
	int ret;

	if (!fp->vfs)
		return STATUS_NOT_SUPPORTED;
	if (info & (LABEL_SECURITY_INFORMATION | ATTRIBUTE_SECURITY_INFORMATION |
		    SCOPE_SECURITY_INFORMATION | BACKUP_SECURITY_INFORMATION))
		return STATUS_NOT_SUPPORTED;	/* labels, claims, scopes are not kept */
	if (w->tree->flags & KSMBD_SHARE_READONLY)
		return STATUS_MEDIA_WRITE_PROTECTED;
	if (((info & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION)) &&
	     !(fp->access & WRITE_OWNER)) ||
	    ((info & (DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION |
		      UNPROTECTED_DACL_SECURITY_INFORMATION)) && !(fp->access & WRITE_DAC)) ||
	    ((info & (SACL_SECURITY_INFORMATION | PROTECTED_SACL_SECURITY_INFORMATION |
		      UNPROTECTED_SACL_SECURITY_INFORMATION)) &&
	     !(fp->access & ACCESS_SYSTEM_SECURITY)))
		return STATUS_ACCESS_DENIED;
	ret = ksmbd_sd_decode(buf, len, &in);
	if (ret)
		return ret == -ENOMEM ? STATUS_INSUFFICIENT_RESOURCES :
					STATUS_INVALID_SECURITY_DESCR;
	ret = ksmbd_vfs_getattr(fp->vfs, &st);
	if (!ret)
		ret = ksmbd_sd_load(fp->vfs, &st, &cur, &stored);
	if (ret) {
		ksmbd_sd_free(&in);
		return ksmbd_errno_status(ret);
	}
	/*
	 * MS-FSA 2.1.5.16: the new owner must be the caller or one of its
	 * groups (nobody here holds SeRestorePrivilege); the owner it already
	 * has stays allowed.
	 */
	status = STATUS_INVALID_OWNER;
	if ((info & OWNER_SECURITY_INFORMATION) && in.has_owner &&
	    !ksmbd_token_has_sid(&w->sess->token, &in.owner) &&
	    !(cur.has_owner && ksmbd_sid_equal(&cur.owner, &in.owner)))
		goto out;
	status = STATUS_INVALID_SECURITY_DESCR;
	ret = ksmbd_sd_merge(&cur, &in, info);
	if (ret == -ENOMEM)
		status = STATUS_INSUFFICIENT_RESOURCES;
	if (ret)
		goto out;
	if (info & DACL_SECURITY_INFORMATION)
		stored = true;
	ret = ksmbd_sd_store(fp->vfs, &cur, stored);
	status = ksmbd_sd_store_status(ret);
	if (ret)
		goto out;
	if (info & DACL_SECURITY_INFORMATION)
		ksmbd_sd_chmod(fp->vfs, &st, &cur);
	status = STATUS_SUCCESS;
out:
	ksmbd_sd_free(&in);
	ksmbd_sd_free(&cur);
	return status;
}

/*
 * The create context named @name (4 bytes) of the CREATE in @w: 1 with its
 * data, 0 when there is none, -EINVAL for a malformed list.
 */
static int ksmbd_create_ctx(struct ksmbd_work *w, const char *name, const u8 **data,
			    u32 *data_len)
{
	const struct smb2_create_req *req = (const void *)ksmbd_req_body(w);
	u32 off = le32_to_cpu(req->create_contexts_offset);
	u32 len = le32_to_cpu(req->create_contexts_length);
	const u8 *p, *end;

	if (!len || !ksmbd_req_has(w, off, len))
		return 0;
	p = w->req + off;
	end = p + len;
	for (;;) {
		u32 next, doff, dlen;
		u16 noff, nlen;

		if (end - p < 16)
			return -EINVAL;
		next = get_unaligned_le32(p);
		noff = get_unaligned_le16(p + 4);
		nlen = get_unaligned_le16(p + 6);
		doff = get_unaligned_le16(p + 10);
		dlen = get_unaligned_le32(p + 12);
		if ((u32)noff + nlen > (u32)(end - p) || (dlen && (u64)doff + dlen > (u64)(end - p)))
			return -EINVAL;
		if (nlen == 4 && !memcmp(p + noff, name, 4)) {
			*data = p + doff;
			*data_len = dlen;
			return 1;
		}
		if (!next)
			return 0;
		if (next > (u32)(end - p))
			return -EINVAL;
		p += next;
	}
}

/*
 * The SecD create context (MS-SMB2 2.2.13.2.1) decoded into @sd: 1 when
 * there is one, 0 when not, or a negative errno (-EINVAL: malformed contexts
 * or descriptor).
 */
static int ksmbd_sd_create_ctx(struct ksmbd_work *w, struct ksmbd_sd *sd)
{
	const u8 *data;
	u32 len;
	int ret;

	ret = ksmbd_create_ctx(w, "SecD", &data, &len);
	if (ret <= 0)
		return ret;
	ret = ksmbd_sd_decode(data, len, sd);
	return ret ? ret : 1;
}

/* The parent directory of @path ("a/b" -> "a", "b" -> "."). */
static int ksmbd_sd_open_parent(struct ksmbd_file *fp, const char *path,
				struct ksmbd_vfs_file **out)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	int ret;

	if (!*path)
		return -ENOENT;			/* the share root has no parent here */
	parent = kmalloc(slash ? slash - path + 1 : 2, GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	if (slash) {
		memcpy(parent, path, slash - path);
		parent[slash - path] = '\0';
	} else {
		strcpy(parent, ".");
	}
	ret = ksmbd_vfs_open(fp->root, parent, KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, out);
	kfree(parent);
	return ret;
}

/* The parent's descriptor, when it has a stored one (1), else 0, or -errno. */
static int ksmbd_sd_parent(struct ksmbd_file *fp, const char *path, struct ksmbd_sd *sd)
{
	struct ksmbd_vfs_file *pf;
	struct ksmbd_vfs_stat pst;
	bool stored = false;
	int ret;

	ret = ksmbd_sd_open_parent(fp, path, &pf);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	ret = ksmbd_vfs_getattr(pf, &pst);
	if (!ret)
		ret = ksmbd_sd_load(pf, &pst, sd, &stored);
	ksmbd_vfs_close(pf);
	if (ret)
		return ret;
	if (!stored) {
		ksmbd_sd_free(sd);
		return 0;
	}
	return 1;
}

/* A new file: the parent's permission, then its descriptor. */
static __le32 ksmbd_sd_created(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path,
			       const struct ksmbd_vfs_stat *st, struct ksmbd_sd *creator,
			       bool has_creator)
{
	const struct ksmbd_token *tok = &w->sess->token;
	bool is_dir = (st->mode & 0170000) == 0040000;
	struct ksmbd_sd parent, sd;
	bool inherited, ok, dacl;	/* inherited: not needed here */
	__le32 status;
	int pret, ret;

	pret = ksmbd_sd_parent(fp, path, &parent);
	if (pret < 0)
		return ksmbd_errno_status(pret);
	if (pret) {
		ksmbd_sd_access(&parent, tok, is_dir ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE, &ok);
		if (!ok) {
			ksmbd_sd_free(&parent);
			return STATUS_ACCESS_DENIED;
		}
	}
	status = STATUS_INVALID_OWNER;
	if (has_creator && creator->has_owner && !ksmbd_token_has_sid(tok, &creator->owner))
		goto out;
	status = STATUS_INSUFFICIENT_RESOURCES;
	ret = ksmbd_sd_inherit(pret ? &parent : NULL, has_creator ? creator : NULL, tok, is_dir,
			       &sd, &inherited);
	if (ret)
		goto out;
	/*
	 * Under a parent whose DACL is stored the file gets a DACL: the one
	 * asked for, what the parent passes on, or the default one. Under a
	 * parent whose mode rules, and without a DACL asked for, the creator
	 * owns the file and its mode rules it too.
	 */
	dacl = pret || (has_creator && (creator->control & SE_DACL_PRESENT));
	ret = ksmbd_sd_store(fp->vfs, &sd, dacl);
	/* A filesystem without xattrs keeps no owner: the mode rules alone. */
	if (ret == -EOPNOTSUPP && !dacl && !has_creator)
		ret = 0;
	status = ksmbd_sd_store_status(ret);
	if (!ret) {
		if (dacl)
			ksmbd_sd_chmod(fp->vfs, st, &sd);
		status = STATUS_SUCCESS;
	}
	ksmbd_sd_free(&sd);
out:
	if (pret)
		ksmbd_sd_free(&parent);
	return status;
}

/*
 * MS-FSA 2.1.5.1.2.1: DELETE is granted by the parent's FILE_DELETE_CHILD,
 * FILE_READ_ATTRIBUTES by its FILE_LIST_DIRECTORY. A parent without a stored
 * descriptor grants both (its mode is not enforced).
 */
static u32 ksmbd_sd_parent_grants(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path)
{
	struct ksmbd_sd parent;
	u32 granted = 0;
	bool ok;
	int ret;

	ret = ksmbd_sd_parent(fp, path, &parent);
	if (ret <= 0)
		return ret < 0 ? 0 : DELETE | FILE_READ_ATTRIBUTES;
	granted = ksmbd_sd_access(&parent, &w->sess->token, MAXIMUM_ALLOWED, &ok);
	ksmbd_sd_free(&parent);
	return (granted & FILE_DELETE_CHILD ? DELETE : 0) |
	       (granted & FILE_LIST_DIRECTORY ? FILE_READ_ATTRIBUTES : 0);
}

/*
 * What overwriting an existing file needs besides what the open asks for:
 * superseding replaces the file (DELETE), overwriting its data
 * (FILE_WRITE_DATA); both replace its attributes and extended attributes
 * (FILE_WRITE_ATTRIBUTES, FILE_WRITE_EA; nobody holds SeRestorePrivilege
 * here). This is what Windows' file systems check ("Checking for Other
 * Special Cases on IRP_MJ_CREATE", Windows driver documentation); the
 * handle is not granted them.
 */
static u32 ksmbd_sd_overwrite_needs(u32 action)
{
	if (action == FILE_SUPERSEDED)
		return DELETE | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA;
	if (action == FILE_OVERWRITTEN)
		return FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA;
	return 0;
}

static __le32 ksmbd_sd_opened(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path,
			      u32 desired, u32 action, const struct ksmbd_vfs_stat *st)
{
	u32 want = ksmbd_sd_map_generic(desired) & ~MAXIMUM_ALLOWED;
	u32 needs = ksmbd_sd_overwrite_needs(action);
	struct ksmbd_sd sd;
	u32 granted;
	bool stored, ok;
	int ret;

	ret = ksmbd_sd_load(fp->vfs, st, &sd, &stored);
	if (ret)
		return ksmbd_errno_status(ret);
	if (!stored) {
		ksmbd_sd_free(&sd);
		return STATUS_SUCCESS;
	}
	granted = ksmbd_sd_access(&sd, &w->sess->token, desired | MAXIMUM_ALLOWED, &ok);
	ksmbd_sd_free(&sd);
	if ((want | needs | (desired & MAXIMUM_ALLOWED ? DELETE | FILE_READ_ATTRIBUTES : 0)) &
	    ~granted & (DELETE | FILE_READ_ATTRIBUTES))
		granted |= ksmbd_sd_parent_grants(w, fp, path);
	if ((want | needs) & ~granted)
		return STATUS_ACCESS_DENIED;
	if (desired & MAXIMUM_ALLOWED) {
		/* MS-SMB2 3.3.5.9: nothing at all is "access denied" too. */
		if (!(granted & fp->access))
			return STATUS_ACCESS_DENIED;
		fp->access &= granted | want;
		fp->can_read = fp->access & (FILE_READ_DATA | FILE_EXECUTE);
		if (!(fp->access & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
			fp->can_write = false;
	}
	return STATUS_SUCCESS;
}

static void ksmbd_sd_undo_create(struct ksmbd_file *fp, const char *path,
				 const struct ksmbd_vfs_stat *st)
{
	int ret;

	if ((st->mode & 0170000) == 0040000)
		ret = ksmbd_vfs_rmdir(fp->root, path);
	else
		ret = ksmbd_vfs_unlink(fp->root, path);
	if (ret)
		pr_warn_ratelimited("cannot remove the refused new file: %d\n", ret);
}

__le32 ksmbd_sd_access_check(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path,
			     u32 desired, u32 action, const struct ksmbd_vfs_stat *st)
{
	struct ksmbd_sd creator;
	__le32 status;
	int ret;

	ret = ksmbd_sd_create_ctx(w, &creator);
	if (ret < 0) {
		status = ret == -ENOMEM ? STATUS_INSUFFICIENT_RESOURCES : STATUS_INVALID_PARAMETER;
		goto undo;
	}
	/* MS-FSA 2.1.5.1: ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege. */
	status = STATUS_PRIVILEGE_NOT_HELD;
	if (desired & ACCESS_SYSTEM_SECURITY)
		goto free;
	/* A named stream has its file's descriptor: it is checked, never made. */
	if (action == FILE_CREATED && !fp->is_stream)
		status = ksmbd_sd_created(w, fp, path, st, &creator, ret > 0);
	else
		status = ksmbd_sd_opened(w, fp, path, desired, action, st);
free:
	if (ret > 0)
		ksmbd_sd_free(&creator);
undo:
	if (status != STATUS_SUCCESS && action == FILE_CREATED && *path && !fp->is_stream)
		ksmbd_sd_undo_create(fp, path, st);
	return status;
}

bool ksmbd_sd_can_read(struct ksmbd_work *w, struct ksmbd_vfs_file *f,
		       const struct ksmbd_vfs_stat *st)
{
	struct ksmbd_sd sd;
	bool stored, ok = false;

	if (ksmbd_sd_load(f, st, &sd, &stored))
		return false;
	if (stored)
		ksmbd_sd_access(&sd, &w->sess->token, FILE_GENERIC_READ, &ok);
	else
		ok = true;
	ksmbd_sd_free(&sd);
	return ok;
}

/* The maximal access of the session on @fp's file (MS-SMB2 3.3.5.9.5). */
static u32 ksmbd_sd_maximal(struct ksmbd_work *w, struct ksmbd_file *fp)
{
	struct ksmbd_vfs_stat st;
	struct ksmbd_sd sd;
	u32 granted = FILE_ALL_ACCESS;
	bool stored, ok;

	if (ksmbd_vfs_getattr(fp->vfs, &st) || ksmbd_sd_load(fp->vfs, &st, &sd, &stored))
		return 0;
	if (stored) {
		granted = ksmbd_sd_access(&sd, &w->sess->token, MAXIMUM_ALLOWED, &ok);
		if (~granted & (DELETE | FILE_READ_ATTRIBUTES))
			granted |= ksmbd_sd_parent_grants(w, fp, fp->path ? fp->path : "");
	}
	ksmbd_sd_free(&sd);
	if (w->tree->flags & KSMBD_SHARE_READONLY)
		granted &= FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
	return granted;
}

__le32 ksmbd_sd_create_contexts(struct ksmbd_work *w, struct ksmbd_file *fp, const char *path)
{
	const size_t body = sizeof(struct smb2_create_rsp), ctx_len = 32;
	struct smb2_create_rsp *rsp;
	u8 saved[sizeof(struct smb2_create_rsp)];
	const u8 *data;
	u32 len, max;
	u8 *ctx;
	int ret;

	ret = ksmbd_create_ctx(w, "MxAc", &data, &len);
	if (ret <= 0)
		return ret ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
	/* MS-SMB2 2.2.13.2.5: no data, or an 8-byte Timestamp. */
	if (len && len != 8)
		return STATUS_INVALID_PARAMETER;
	if (fp->path) {
		max = ksmbd_sd_maximal(w, fp);
	} else {
		/* not published yet: the parent is found by @path */
		char *p = kstrdup(path, GFP_KERNEL);

		if (!p)
			return STATUS_INSUFFICIENT_RESOURCES;
		fp->path = p;
		max = ksmbd_sd_maximal(w, fp);
		fp->path = NULL;
		kfree(p);
	}
	memcpy(saved, w->rsp + sizeof(struct smb2_hdr), body);
	rsp = ksmbd_rsp_body(w, body + ctx_len);
	if (!rsp)
		return STATUS_INSUFFICIENT_RESOURCES;
	memcpy(rsp, saved, body);
	/* One context, MxAc (2.2.14.2.5): QueryStatus and MaximalAccess. */
	ctx = (u8 *)rsp + body;
	put_unaligned_le32(0, ctx);			/* Next */
	put_unaligned_le16(16, ctx + 4);		/* NameOffset */
	put_unaligned_le16(4, ctx + 6);			/* NameLength */
	put_unaligned_le16(24, ctx + 10);		/* DataOffset */
	put_unaligned_le32(8, ctx + 12);		/* DataLength */
	memcpy(ctx + 16, "MxAc", 4);
	put_unaligned_le32(0, ctx + 24);		/* STATUS_SUCCESS */
	put_unaligned_le32(max, ctx + 28);
	rsp->create_contexts_offset = cpu_to_le32(sizeof(struct smb2_hdr) + body);
	rsp->create_contexts_length = cpu_to_le32(ctx_len);
	return STATUS_SUCCESS;
}
