// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: the filesystem. Names are opened with file_open_root(),
 * which resolves them with the share root as "/" (the same semantics as the
 * user backend's openat2(RESOLVE_IN_ROOT)). Operations on names resolve the
 * directory part the same way (an O_PATH file_open_root()) and then look the
 * last component up under the parent's inode lock.
 */
#include <linux/bitmap.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <linux/xattr.h>
#include "port.h"
#include "watch.h"

struct ksmbd_vfs_root {
	struct path path;
};

struct ksmbd_vfs_file {
	struct file *filp;
};

int ksmbd_vfs_root_open(const char *path, struct ksmbd_vfs_root **out)
{
	struct ksmbd_vfs_root *root;
	int ret;

	if (path[0] != '/')
		return -EINVAL;
	root = kzalloc(sizeof(*root), GFP_KERNEL);
	if (!root)
		return -ENOMEM;
	ret = kern_path(path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &root->path);
	if (ret) {
		kfree(root);
		return ret;
	}
	*out = root;
	return 0;
}

void ksmbd_vfs_root_close(struct ksmbd_vfs_root *root)
{
	path_put(&root->path);
	kfree(root);
}

static int vfs_open_raw(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
			umode_t mode, struct ksmbd_vfs_file **out)
{
	struct ksmbd_vfs_file *f;
	int oflags;

	if ((flags & KSMBD_VFS_READ) && (flags & KSMBD_VFS_WRITE))
		oflags = O_RDWR;
	else if (flags & KSMBD_VFS_WRITE)
		oflags = O_WRONLY;
	else
		oflags = O_RDONLY;
	if (flags & KSMBD_VFS_CREATE)
		oflags |= O_CREAT;
	if (flags & KSMBD_VFS_EXCL)
		oflags |= O_EXCL;
	if (flags & KSMBD_VFS_TRUNC)
		oflags |= O_TRUNC;
	if (flags & KSMBD_VFS_DIRECTORY)
		oflags |= O_DIRECTORY;
	oflags |= O_LARGEFILE;

	/* file_open_root() would open the root itself; openat2() refuses "" */
	if (!*name)
		return -ENOENT;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->filp = file_open_root(&root->path, name, oflags, mode);
	if (IS_ERR(f->filp)) {
		int ret = PTR_ERR(f->filp);

		kfree(f);
		return ret;
	}
	*out = f;
	return 0;
}

ssize_t ksmbd_vfs_read(struct ksmbd_vfs_file *f, void *buf, size_t len, loff_t pos)
{
	return kernel_read(f->filp, buf, len, &pos);
}

static ssize_t vfs_write_raw(struct ksmbd_vfs_file *f, const void *buf, size_t len, loff_t pos)
{
	return kernel_write(f->filp, buf, len, &pos);
}

/*
 * Resolve @name inside @root, following symlinks, into @path (the caller puts
 * it). vfs_path_lookup() is not in 6.1's public headers, so this goes through
 * an O_PATH file_open_root(), which resolves exactly as ksmbd_vfs_open().
 */
static int vfs_lookup_in_root(struct ksmbd_vfs_root *root, const char *name, int oflags,
			      struct path *path)
{
	struct file *filp;

	/* file_open_root() would open the root itself; openat2() refuses "" */
	if (!*name)
		return -ENOENT;
	filp = file_open_root(&root->path, name, oflags | O_PATH, 0);
	if (IS_ERR(filp))
		return PTR_ERR(filp);
	*path = filp->f_path;
	path_get(path);
	fput(filp);
	return 0;
}

static void vfs_kstat(const struct kstat *ks, struct ksmbd_vfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ks->ino;
	st->dev = (u64)MAJOR(ks->dev) << 32 | MINOR(ks->dev);
	st->size = ks->size;
	st->blocks = ks->blocks;
	st->mode = ks->mode;
	st->uid = from_kuid(&init_user_ns, ks->uid);
	st->gid = from_kgid(&init_user_ns, ks->gid);
	st->nlink = ks->nlink;
	st->blksize = ks->blksize;
	st->atime_ns = timespec64_to_ns(&ks->atime);
	st->mtime_ns = timespec64_to_ns(&ks->mtime);
	st->ctime_ns = timespec64_to_ns(&ks->ctime);
	if (ks->result_mask & STATX_BTIME)
		st->btime_ns = timespec64_to_ns(&ks->btime);
}

static int vfs_path_stat(const struct path *path, struct ksmbd_vfs_stat *st)
{
	struct kstat ks;
	int ret;

	ret = vfs_getattr(path, &ks, STATX_BASIC_STATS | STATX_BTIME, AT_STATX_SYNC_AS_STAT);
	if (ret)
		return ret;
	vfs_kstat(&ks, st);
	return 0;
}

int ksmbd_vfs_getattr(struct ksmbd_vfs_file *f, struct ksmbd_vfs_stat *st)
{
	return vfs_path_stat(&f->filp->f_path, st);
}

int ksmbd_vfs_getattr_name(struct ksmbd_vfs_root *root, const char *name,
			   struct ksmbd_vfs_stat *st)
{
	struct path path;
	int ret;

	ret = vfs_lookup_in_root(root, name, O_PATH, &path);
	if (ret)
		return ret;
	ret = vfs_path_stat(&path, st);
	path_put(&path);
	return ret;
}

int ksmbd_vfs_statfs(struct ksmbd_vfs_root *root, struct ksmbd_vfs_statfs *st)
{
	struct kstatfs ks;
	int ret;

	ret = vfs_statfs(&root->path, &ks);
	if (ret)
		return ret;
	st->bsize = ks.f_frsize ? ks.f_frsize : ks.f_bsize;
	st->blocks = ks.f_blocks;
	st->bfree = ks.f_bfree;
	st->bavail = ks.f_bavail;
	st->namelen = ks.f_namelen;
	return 0;
}

/*
 * Resolve the directory part of @name inside @root into @parent and point
 * *@last at the last component, which must be a real name (no "/", "." or
 * ".."). The caller puts @parent.
 */
static int vfs_parent(struct ksmbd_vfs_root *root, const char *name, struct path *parent,
		      const char **last)
{
	const char *slash = strrchr(name, '/');
	size_t len;
	char *dir;
	int ret;

	*last = slash ? slash + 1 : name;
	if (!**last || !strcmp(*last, ".") || !strcmp(*last, ".."))
		return -EINVAL;
	/* "x" has the directory part ".", "/x" has "/" */
	len = slash ? (slash == name ? 1 : slash - name) : 0;
	dir = kmalloc(len + 2, GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	if (len)
		memcpy(dir, name, len);
	else
		dir[len++] = '.';
	dir[len] = '\0';
	ret = vfs_lookup_in_root(root, dir, O_DIRECTORY, parent);
	kfree(dir);
	return ret;
}

/*
 * Take write access to @parent's mount and lock its inode, then look @last up.
 * Returns the dentry (maybe negative) or an ERR_PTR with nothing held.
 */
static struct dentry *vfs_lock_lookup(const struct path *parent, const char *last)
{
	struct dentry *dentry;
	int ret;

	ret = mnt_want_write(parent->mnt);
	if (ret)
		return ERR_PTR(ret);
	inode_lock_nested(d_inode(parent->dentry), I_MUTEX_PARENT);
	dentry = lookup_one(mnt_user_ns(parent->mnt), last, parent->dentry, strlen(last));
	if (IS_ERR(dentry)) {
		inode_unlock(d_inode(parent->dentry));
		mnt_drop_write(parent->mnt);
	}
	return dentry;
}

static void vfs_unlock_put(const struct path *parent, struct dentry *dentry)
{
	dput(dentry);
	inode_unlock(d_inode(parent->dentry));
	mnt_drop_write(parent->mnt);
}

static int vfs_mkdir_raw(struct ksmbd_vfs_root *root, const char *name, umode_t mode)
{
	struct path parent;
	struct dentry *dentry;
	struct inode *dir;
	const char *last;
	int ret;

	ret = vfs_parent(root, name, &parent, &last);
	if (ret)
		return ret;
	dentry = vfs_lock_lookup(&parent, last);
	if (IS_ERR(dentry)) {
		ret = PTR_ERR(dentry);
		goto out;
	}
	dir = d_inode(parent.dentry);
	if (d_really_is_positive(dentry)) {
		ret = -EEXIST;
	} else {
		/* as mkdirat() does */
		if (!IS_POSIXACL(dir))
			mode &= ~current_umask();
		ret = vfs_mkdir(mnt_user_ns(parent.mnt), dir, dentry, mode);
	}
	vfs_unlock_put(&parent, dentry);
out:
	path_put(&parent);
	return ret;
}

static int vfs_remove(struct ksmbd_vfs_root *root, const char *name, bool isdir)
{
	struct inode *inode = NULL;
	struct path parent;
	struct dentry *dentry;
	const char *last;
	int ret;

	ret = vfs_parent(root, name, &parent, &last);
	if (ret)
		return ret;
	dentry = vfs_lock_lookup(&parent, last);
	if (IS_ERR(dentry)) {
		ret = PTR_ERR(dentry);
		goto out;
	}
	if (d_really_is_negative(dentry)) {
		ret = -ENOENT;
	} else if (isdir) {
		ret = vfs_rmdir(mnt_user_ns(parent.mnt), d_inode(parent.dentry), dentry);
	} else {
		/* the last iput (and the freeing) happens after unlocking */
		inode = d_inode(dentry);
		ihold(inode);
		ret = vfs_unlink(mnt_user_ns(parent.mnt), d_inode(parent.dentry), dentry, NULL);
	}
	vfs_unlock_put(&parent, dentry);
	if (inode)
		iput(inode);
out:
	path_put(&parent);
	return ret;
}

static int vfs_unlink_raw(struct ksmbd_vfs_root *root, const char *name)
{
	return vfs_remove(root, name, false);
}

static int vfs_rmdir_raw(struct ksmbd_vfs_root *root, const char *name)
{
	return vfs_remove(root, name, true);
}

/* Both parents are locked (lock_rename) and the mount is held for writing. */
static int vfs_rename_locked(const struct path *oldp, const char *oldlast,
			     const struct path *newp, const char *newlast,
			     struct dentry *trap, unsigned int flags)
{
	struct user_namespace *userns = mnt_user_ns(oldp->mnt);
	struct renamedata rd = { };
	struct dentry *old, *new;
	int ret;

	old = lookup_one(userns, oldlast, oldp->dentry, strlen(oldlast));
	if (IS_ERR(old))
		return PTR_ERR(old);
	ret = -ENOENT;
	if (d_really_is_negative(old))
		goto out_old;
	/* the source is an ancestor of the target */
	ret = -EINVAL;
	if (old == trap)
		goto out_old;
	new = lookup_one(userns, newlast, newp->dentry, strlen(newlast));
	if (IS_ERR(new)) {
		ret = PTR_ERR(new);
		goto out_old;
	}
	ret = -EEXIST;
	if ((flags & RENAME_NOREPLACE) && d_really_is_positive(new))
		goto out_new;
	/* the target is an ancestor of the source */
	ret = -ENOTEMPTY;
	if (new == trap)
		goto out_new;
	rd.old_mnt_userns = userns;
	rd.old_dir = d_inode(oldp->dentry);
	rd.old_dentry = old;
	rd.new_mnt_userns = userns;
	rd.new_dir = d_inode(newp->dentry);
	rd.new_dentry = new;
	rd.flags = flags;
	ret = vfs_rename(&rd);
out_new:
	dput(new);
out_old:
	dput(old);
	return ret;
}

static int vfs_rename_raw(struct ksmbd_vfs_root *root, const char *oldname, const char *newname,
			  unsigned int flags)
{
	struct path oldp, newp;
	const char *oldlast, *newlast;
	struct dentry *trap;
	int ret;

	if (flags & ~KSMBD_VFS_RENAME_NOREPLACE)
		return -EINVAL;
	ret = vfs_parent(root, oldname, &oldp, &oldlast);
	if (ret)
		return ret;
	ret = vfs_parent(root, newname, &newp, &newlast);
	if (ret)
		goto out_old;
	ret = -EXDEV;
	if (oldp.mnt != newp.mnt)
		goto out_new;
	ret = mnt_want_write(oldp.mnt);
	if (ret)
		goto out_new;
	trap = lock_rename(newp.dentry, oldp.dentry);
	ret = vfs_rename_locked(&oldp, oldlast, &newp, newlast, trap,
				flags & KSMBD_VFS_RENAME_NOREPLACE ? RENAME_NOREPLACE : 0);
	unlock_rename(newp.dentry, oldp.dentry);
	mnt_drop_write(oldp.mnt);
out_new:
	path_put(&newp);
out_old:
	path_put(&oldp);
	return ret;
}

static int vfs_truncate_raw(struct ksmbd_vfs_file *f, loff_t size)
{
	/* as ftruncate() */
	if (!(f->filp->f_mode & FMODE_WRITE) || !S_ISREG(file_inode(f->filp)->i_mode))
		return -EINVAL;
	return vfs_truncate(&f->filp->f_path, size);
}

int ksmbd_vfs_fsync(struct ksmbd_vfs_file *f)
{
	return vfs_fsync(f->filp, 0);
}

static ssize_t vfs_copy_range_raw(struct ksmbd_vfs_file *src, loff_t src_pos,
				  struct ksmbd_vfs_file *dst, loff_t dst_pos, size_t len)
{
	return vfs_copy_file_range(src->filp, src_pos, dst->filp, dst_pos, len, 0);
}

static int vfs_clone_range_raw(struct ksmbd_vfs_file *src, loff_t src_pos,
			       struct ksmbd_vfs_file *dst, loff_t dst_pos, u64 len)
{
	loff_t n = vfs_clone_file_range(src->filp, src_pos, dst->filp, dst_pos, len, 0);

	if (n < 0)
		return n;
	return n == len ? 0 : -EIO;
}

static int vfs_fallocate_raw(struct ksmbd_vfs_file *f, unsigned int mode, loff_t pos, u64 len)
{
	int flags = FALLOC_FL_KEEP_SIZE;

	if (mode == KSMBD_VFS_FALLOC_PUNCH_HOLE)
		flags |= FALLOC_FL_PUNCH_HOLE;
	else if (mode == KSMBD_VFS_FALLOC_ZERO_RANGE)
		flags |= FALLOC_FL_ZERO_RANGE;
	return vfs_fallocate(f->filp, flags, pos, len);
}

loff_t ksmbd_vfs_seek(struct ksmbd_vfs_file *f, loff_t pos, bool hole)
{
	return vfs_llseek(f->filp, pos, hole ? SEEK_HOLE : SEEK_DATA);
}

static int vfs_set_times_raw(struct ksmbd_vfs_file *f, s64 atime_ns, s64 mtime_ns)
{
	struct dentry *dentry = f->filp->f_path.dentry;
	struct inode *inode = d_inode(dentry);
	struct iattr attrs = { .ia_valid = ATTR_CTIME | ATTR_TIMES_SET };
	int ret;

	if (atime_ns < 0 && mtime_ns < 0)
		return 0;
	if (atime_ns >= 0) {
		attrs.ia_valid |= ATTR_ATIME | ATTR_ATIME_SET;
		attrs.ia_atime = ns_to_timespec64(atime_ns);
	}
	if (mtime_ns >= 0) {
		attrs.ia_valid |= ATTR_MTIME | ATTR_MTIME_SET;
		attrs.ia_mtime = ns_to_timespec64(mtime_ns);
	}
	ret = mnt_want_write_file(f->filp);
	if (ret)
		return ret;
	inode_lock(inode);
	ret = notify_change(file_mnt_user_ns(f->filp), dentry, &attrs, NULL);
	inode_unlock(inode);
	mnt_drop_write_file(f->filp);
	return ret;
}

static int vfs_chmod_raw(struct ksmbd_vfs_file *f, umode_t mode)
{
	struct dentry *dentry = f->filp->f_path.dentry;
	struct inode *inode = d_inode(dentry);
	struct iattr attrs = { .ia_valid = ATTR_MODE | ATTR_CTIME };
	int ret;

	ret = mnt_want_write_file(f->filp);
	if (ret)
		return ret;
	inode_lock(inode);
	/* as chmod_common(): the file type bits stay */
	attrs.ia_mode = (mode & S_IALLUGO) | (inode->i_mode & ~S_IALLUGO);
	ret = notify_change(file_mnt_user_ns(f->filp), dentry, &attrs, NULL);
	inode_unlock(inode);
	mnt_drop_write_file(f->filp);
	return ret;
}

struct vfs_readdir_ctx {
	struct dir_context ctx;
	ksmbd_vfs_emit_t emit;
	void *arg;
	int stop;		/* what emit returned to stop the listing */
	unsigned int count;	/* entries taken by this iterate_dir() */
};

static bool vfs_readdir_actor(struct dir_context *ctx, const char *name, int len,
			      loff_t offset, u64 ino, unsigned int dtype)
{
	struct vfs_readdir_ctx *rd = container_of(ctx, struct vfs_readdir_ctx, ctx);

	rd->stop = rd->emit(rd->arg, name, len, ino, dtype);
	if (rd->stop)
		return false;	/* not consumed: the next iterate_dir() starts here */
	rd->count++;
	return true;
}

ssize_t ksmbd_vfs_getxattr(struct ksmbd_vfs_file *f, const char *name, void *buf, size_t size)
{
	return vfs_getxattr(file_mnt_user_ns(f->filp), file_dentry(f->filp), name, buf, size);
}

ssize_t ksmbd_vfs_listxattr(struct ksmbd_vfs_file *f, char *buf, size_t size)
{
	return vfs_listxattr(file_dentry(f->filp), buf, size);
}

static int vfs_setxattr_raw(struct ksmbd_vfs_file *f, const char *name, const void *val,
			    size_t size, unsigned int flags)
{
	int xflags = 0;
	int ret;

	if (flags & ~(KSMBD_VFS_XATTR_CREATE | KSMBD_VFS_XATTR_REPLACE))
		return -EINVAL;
	if (flags & KSMBD_VFS_XATTR_CREATE)
		xflags |= XATTR_CREATE;
	if (flags & KSMBD_VFS_XATTR_REPLACE)
		xflags |= XATTR_REPLACE;
	ret = mnt_want_write_file(f->filp);
	if (ret)
		return ret;
	ret = vfs_setxattr(file_mnt_user_ns(f->filp), file_dentry(f->filp), name, val, size,
			   xflags);
	mnt_drop_write_file(f->filp);
	return ret;
}

static int vfs_removexattr_raw(struct ksmbd_vfs_file *f, const char *name)
{
	int ret = mnt_want_write_file(f->filp);

	if (ret)
		return ret;
	ret = vfs_removexattr(file_mnt_user_ns(f->filp), file_dentry(f->filp), name);
	mnt_drop_write_file(f->filp);
	return ret;
}

int ksmbd_vfs_readdir(struct ksmbd_vfs_file *f, ksmbd_vfs_emit_t emit, void *arg)
{
	struct vfs_readdir_ctx rd = {
		.ctx.actor = vfs_readdir_actor,
		.ctx.pos = 0,
		.emit = emit,
		.arg = arg,
	};
	int ret;

	/* iterate_dir() may end before the directory does; the end is an empty pass */
	do {
		rd.count = 0;
		ret = iterate_dir(f->filp, &rd.ctx);
		if (ret)
			return ret;
		if (rd.stop)
			return rd.stop;
	} while (rd.count);
	return 0;
}

int ksmbd_vfs_rewinddir(struct ksmbd_vfs_file *f)
{
	loff_t pos = vfs_llseek(f->filp, 0, SEEK_SET);

	return pos < 0 ? pos : 0;
}

void ksmbd_vfs_close(struct ksmbd_vfs_file *f)
{
	filp_close(f->filp, NULL);
	kfree(f);
}

/*
 * The engine's modifying calls: the changes they make are the engine's, not
 * reported by the change watches (watch.c).
 */

int ksmbd_vfs_open(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
		   umode_t mode, struct ksmbd_vfs_file **out)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_open_raw(root, name, flags, mode, out);
	ksmbd_kw_own_end(&own);
	return ret;
}

ssize_t ksmbd_vfs_write(struct ksmbd_vfs_file *f, const void *buf, size_t len, loff_t pos)
{
	struct ksmbd_kw_own own;
	ssize_t ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_write_raw(f, buf, len, pos);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_mkdir(struct ksmbd_vfs_root *root, const char *name, umode_t mode)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_mkdir_raw(root, name, mode);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_unlink(struct ksmbd_vfs_root *root, const char *name)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_unlink_raw(root, name);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_rmdir(struct ksmbd_vfs_root *root, const char *name)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_rmdir_raw(root, name);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_rename(struct ksmbd_vfs_root *root, const char *oldname, const char *newname,
		     unsigned int flags)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_rename_raw(root, oldname, newname, flags);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_truncate(struct ksmbd_vfs_file *f, loff_t size)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_truncate_raw(f, size);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_set_times(struct ksmbd_vfs_file *f, s64 atime_ns, s64 mtime_ns)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_set_times_raw(f, atime_ns, mtime_ns);
	ksmbd_kw_own_end(&own);
	return ret;
}

ssize_t ksmbd_vfs_copy_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			     struct ksmbd_vfs_file *dst, loff_t dst_pos, size_t len)
{
	struct ksmbd_kw_own own;
	ssize_t ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_copy_range_raw(src, src_pos, dst, dst_pos, len);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_clone_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			  struct ksmbd_vfs_file *dst, loff_t dst_pos, u64 len)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_clone_range_raw(src, src_pos, dst, dst_pos, len);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_fallocate(struct ksmbd_vfs_file *f, unsigned int mode, loff_t pos, u64 len)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_fallocate_raw(f, mode, pos, len);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_chmod(struct ksmbd_vfs_file *f, umode_t mode)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_chmod_raw(f, mode);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_setxattr(struct ksmbd_vfs_file *f, const char *name, const void *val, size_t size,
		       unsigned int flags)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_setxattr_raw(f, name, val, size, flags);
	ksmbd_kw_own_end(&own);
	return ret;
}

int ksmbd_vfs_removexattr(struct ksmbd_vfs_file *f, const char *name)
{
	struct ksmbd_kw_own own;
	int ret;

	ksmbd_kw_own_begin(&own);
	ret = vfs_removexattr_raw(f, name);
	ksmbd_kw_own_end(&own);
	return ret;
}

struct inode *ksmbd_kw_file_inode(struct ksmbd_vfs_file *f)
{
	return file_inode(f->filp);
}

/*
 * --- self-test -------------------------------------------------------------
 * ksmbd_vfs_selftest(@dir) checks the errnos and the confinement of this
 * backend against the same expectations as tests/unit/test_vfs.c. @dir must
 * hold the layout that test prepares (see there): outside/{victim,vdir/},
 * share/{hello,sub/inner}, share/out-abs -> @dir/outside, share/out-rel ->
 * ../outside, share/sub/up -> ../../outside, share/lnk -> hello and
 * share/abs-lnk -> /hello. Root runs it in the test guest by writing @dir to
 * /sys/module/ksmbd_cluster/parameters/vfs_selftest; the write fails with
 * -EIO when a check fails (each failure is logged).
 */
#define VT_CHECK(expr, want) do {						\
	long __r = (expr);							\
	if (__r != (long)(want)) {						\
		pr_err("ksmbd_cluster: vfs selftest line %d: %s = %ld, want %ld\n", \
		       __LINE__, #expr, __r, (long)(want));			\
		(*fails)++;							\
	}									\
} while (0)

static void vt_names(struct ksmbd_vfs_root *r, int *fails)
{
	static const char *const bad[] = { "", "/", ".", "..", "sub/..", "sub/" };
	struct ksmbd_vfs_stat st;
	int i;

	VT_CHECK(ksmbd_vfs_mkdir(r, "d1", 0777), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "d1", &st), 0);
	VT_CHECK(st.mode & 07777, 0755);
	VT_CHECK(ksmbd_vfs_mkdir(r, "d1", 0755), -EEXIST);
	VT_CHECK(ksmbd_vfs_mkdir(r, "hello", 0755), -EEXIST);
	VT_CHECK(ksmbd_vfs_mkdir(r, "missing/d", 0755), -ENOENT);
	VT_CHECK(ksmbd_vfs_mkdir(r, "hello/d", 0755), -ENOTDIR);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		VT_CHECK(ksmbd_vfs_mkdir(r, bad[i], 0755), -EINVAL);
		VT_CHECK(ksmbd_vfs_unlink(r, bad[i]), -EINVAL);
		VT_CHECK(ksmbd_vfs_rmdir(r, bad[i]), -EINVAL);
	}
	VT_CHECK(ksmbd_vfs_unlink(r, "sub"), -EISDIR);
	VT_CHECK(ksmbd_vfs_unlink(r, "missing"), -ENOENT);
	VT_CHECK(ksmbd_vfs_unlink(r, "hello/x"), -ENOTDIR);
	VT_CHECK(ksmbd_vfs_rmdir(r, "sub"), -ENOTEMPTY);
	VT_CHECK(ksmbd_vfs_rmdir(r, "hello"), -ENOTDIR);
	VT_CHECK(ksmbd_vfs_rmdir(r, "lnk"), -ENOTDIR);
	VT_CHECK(ksmbd_vfs_rmdir(r, "missing"), -ENOENT);
	VT_CHECK(ksmbd_vfs_rmdir(r, "d1"), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "d1", &st), -ENOENT);

	VT_CHECK(ksmbd_vfs_rename(r, "hello", "sub/inner", KSMBD_VFS_RENAME_NOREPLACE), -EEXIST);
	VT_CHECK(ksmbd_vfs_rename(r, "hello", "sub/moved", 0), 0);
	VT_CHECK(ksmbd_vfs_rename(r, "sub/moved", "hello", KSMBD_VFS_RENAME_NOREPLACE), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "hello", &st), 0);
	VT_CHECK(st.size, 5);
	VT_CHECK(ksmbd_vfs_rename(r, "missing", "x", 0), -ENOENT);
	VT_CHECK(ksmbd_vfs_rename(r, "hello", "hello/x", 0), -ENOTDIR);
	VT_CHECK(ksmbd_vfs_mkdir(r, "d", 0755), 0);
	VT_CHECK(ksmbd_vfs_rename(r, "hello", "d", 0), -EISDIR);
	VT_CHECK(ksmbd_vfs_rename(r, "d", "hello", 0), -ENOTDIR);
	VT_CHECK(ksmbd_vfs_rename(r, "d", "sub", 0), -ENOTEMPTY);
	VT_CHECK(ksmbd_vfs_rename(r, "sub", "sub/x", 0), -EINVAL);
	VT_CHECK(ksmbd_vfs_rename(r, "hello", ".", 0), -EINVAL);
	VT_CHECK(ksmbd_vfs_rename(r, "hello", "x", 0x100), -EINVAL);
	VT_CHECK(ksmbd_vfs_mkdir(r, "e", 0755), 0);
	VT_CHECK(ksmbd_vfs_rename(r, "e", "d", 0), 0);
	VT_CHECK(ksmbd_vfs_rmdir(r, "d"), 0);
	/* symlinks: removed or renamed themselves; followed inside the share */
	VT_CHECK(ksmbd_vfs_getattr_name(r, "abs-lnk", &st), 0);
	VT_CHECK(st.size, 5);
	VT_CHECK(ksmbd_vfs_rename(r, "lnk", "lnk2", 0), 0);
	VT_CHECK(ksmbd_vfs_unlink(r, "lnk2"), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "hello", &st), 0);
}

static void vt_confined(struct ksmbd_vfs_root *r, int *fails)
{
	static const char *const victim[] = {
		"../outside/victim", "/../outside/victim", "out-abs/victim",
		"out-rel/victim", "sub/up/victim", "sub/../../outside/victim",
	};
	static const char *const vdir[] = {
		"../outside/vdir", "out-abs/vdir", "out-rel/vdir", "sub/up/vdir",
	};
	struct ksmbd_vfs_stat st;
	int i;

	for (i = 0; i < ARRAY_SIZE(victim); i++) {
		VT_CHECK(ksmbd_vfs_unlink(r, victim[i]), -ENOENT);
		VT_CHECK(ksmbd_vfs_rename(r, victim[i], "stolen", 0), -ENOENT);
		VT_CHECK(ksmbd_vfs_rename(r, "hello", victim[i], 0), -ENOENT);
		VT_CHECK(ksmbd_vfs_getattr_name(r, victim[i], &st), -ENOENT);
		VT_CHECK(ksmbd_vfs_mkdir(r, victim[i], 0755), -ENOENT);
	}
	for (i = 0; i < ARRAY_SIZE(vdir); i++)
		VT_CHECK(ksmbd_vfs_rmdir(r, vdir[i]), -ENOENT);
	VT_CHECK(ksmbd_vfs_mkdir(r, "../escaped", 0755), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "escaped", &st), 0);
	VT_CHECK(ksmbd_vfs_rename(r, "/../escaped", "../../escaped2", 0), 0);
	VT_CHECK(ksmbd_vfs_rmdir(r, "sub/../../escaped2"), 0);
}

static void vt_files(struct ksmbd_vfs_root *r, int *fails)
{
	const s64 t1 = 1000000000LL * 1000000000LL + 123456789;
	struct ksmbd_vfs_statfs sfs;
	struct ksmbd_vfs_stat st, st2;
	struct ksmbd_vfs_file *f;
	char sfs_name[64];

	VT_CHECK(ksmbd_vfs_open(r, "", KSMBD_VFS_READ, 0, &f), -ENOENT);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "", &st), -ENOENT);
	VT_CHECK(ksmbd_vfs_statfs(r, &sfs), 0);
	VT_CHECK(sfs.bsize > 0 && sfs.bavail <= sfs.bfree && sfs.bfree <= sfs.blocks, 1);
	VT_CHECK(sfs.namelen > 0, 1);
	if (ksmbd_vfs_open(r, "hello", KSMBD_VFS_READ | KSMBD_VFS_WRITE, 0, &f)) {
		(*fails)++;
		return;
	}
	VT_CHECK(ksmbd_vfs_getattr(f, &st), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "hello", &st2), 0);
	VT_CHECK(memcmp(&st, &st2, sizeof(st)), 0);
	VT_CHECK(st.blksize > 0 && st.dev != 0, 1);
	VT_CHECK(ksmbd_vfs_truncate(f, 2), 0);
	VT_CHECK(ksmbd_vfs_getattr(f, &st), 0);
	VT_CHECK(st.size, 2);
	VT_CHECK(ksmbd_vfs_truncate(f, -1), -EINVAL);
	VT_CHECK(ksmbd_vfs_fsync(f), 0);
	VT_CHECK(ksmbd_vfs_set_times(f, t1, -1), 0);
	VT_CHECK(ksmbd_vfs_getattr(f, &st2), 0);
	VT_CHECK(st2.atime_ns == t1 && st2.mtime_ns == st.mtime_ns, 1);
	VT_CHECK(ksmbd_vfs_set_times(f, -1, t1 + 1000), 0);
	VT_CHECK(ksmbd_vfs_set_times(f, -1, -1), 0);
	VT_CHECK(ksmbd_vfs_getattr(f, &st2), 0);
	VT_CHECK(st2.atime_ns == t1 && st2.mtime_ns == t1 + 1000, 1);
	VT_CHECK(ksmbd_vfs_readdir(f, NULL, NULL), -ENOTDIR);
	ksmbd_vfs_close(f);
	if (ksmbd_vfs_open(r, "hello", KSMBD_VFS_READ, 0, &f)) {
		(*fails)++;
		return;
	}
	VT_CHECK(ksmbd_vfs_truncate(f, 0), -EINVAL);
	/* chmod: permission bits only, on a file opened read-only */
	VT_CHECK(ksmbd_vfs_chmod(f, 0444), 0);
	VT_CHECK(ksmbd_vfs_getattr(f, &st), 0);
	VT_CHECK(st.mode, S_IFREG | 0444);
	VT_CHECK(ksmbd_vfs_chmod(f, S_IFDIR | 0644), 0);
	VT_CHECK(ksmbd_vfs_getattr_name(r, "hello", &st), 0);
	VT_CHECK(st.mode, S_IFREG | 0644);
	/* xattrs ("trusted." works on tmpfs too) */
	VT_CHECK(ksmbd_vfs_setxattr(f, "trusted.kc.a", "val", 3, KSMBD_VFS_XATTR_REPLACE),
		 -ENODATA);
	VT_CHECK(ksmbd_vfs_setxattr(f, "trusted.kc.a", "val", 3, KSMBD_VFS_XATTR_CREATE), 0);
	VT_CHECK(ksmbd_vfs_setxattr(f, "trusted.kc.a", "x", 1, KSMBD_VFS_XATTR_CREATE), -EEXIST);
	VT_CHECK(ksmbd_vfs_getxattr(f, "trusted.kc.a", NULL, 0), 3);
	VT_CHECK(ksmbd_vfs_getxattr(f, "trusted.kc.a", sfs_name, 2), -ERANGE);
	VT_CHECK(ksmbd_vfs_getxattr(f, "trusted.kc.a", sfs_name, sizeof(sfs_name)), 3);
	VT_CHECK(memcmp(sfs_name, "val", 3), 0);
	VT_CHECK(ksmbd_vfs_listxattr(f, sfs_name, sizeof(sfs_name)) >= 13, 1);
	VT_CHECK(ksmbd_vfs_removexattr(f, "trusted.kc.a"), 0);
	VT_CHECK(ksmbd_vfs_removexattr(f, "trusted.kc.a"), -ENODATA);
	ksmbd_vfs_close(f);
}

#define VT_NFILES 1000

struct vt_listing {
	unsigned long *seen;
	unsigned int total, limit, taken, bad;
	char refused[16], first[16];
};

static int vt_emit(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	struct vt_listing *l = arg;
	char buf[16];
	unsigned int n;

	if (len >= sizeof(buf) || !ino) {
		l->bad++;
		return 0;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (l->limit && l->taken == l->limit) {
		strscpy(l->refused, buf, sizeof(l->refused));
		return 1;
	}
	if (!l->taken)
		strscpy(l->first, buf, sizeof(l->first));
	l->taken++;
	l->total++;
	if (buf[0] == 'f' && !kstrtouint(buf + 1, 10, &n) && n < VT_NFILES && dtype == DT_REG) {
		if (test_and_set_bit(n, l->seen))
			l->bad++;
	} else if (strcmp(buf, ".") && strcmp(buf, "..")) {
		l->bad++;
	}
	return 0;
}

static void vt_readdir(struct ksmbd_vfs_root *r, int *fails)
{
	struct vt_listing l = { };
	struct ksmbd_vfs_file *f;
	char name[24], refused[16];
	int i, ret, calls = 0;

	l.seen = bitmap_zalloc(VT_NFILES, GFP_KERNEL);
	if (!l.seen || ksmbd_vfs_mkdir(r, "big", 0755)) {
		(*fails)++;
		goto out;
	}
	for (i = 0; i < VT_NFILES; i++) {
		snprintf(name, sizeof(name), "big/f%d", i);
		ret = ksmbd_vfs_open(r, name, KSMBD_VFS_WRITE | KSMBD_VFS_CREATE |
				     KSMBD_VFS_EXCL, 0644, &f);
		VT_CHECK(ret, 0);
		if (!ret)
			ksmbd_vfs_close(f);
	}
	if (ksmbd_vfs_open(r, "big", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f)) {
		(*fails)++;
		goto out;
	}
	l.limit = 7;
	do {
		strscpy(refused, l.refused, sizeof(refused));
		l.refused[0] = '\0';
		l.taken = 0;
		ret = ksmbd_vfs_readdir(f, vt_emit, &l);
		if (refused[0] && l.taken)
			VT_CHECK(strcmp(l.first, refused), 0);
	} while (ret == 1 && ++calls < 1000);
	VT_CHECK(ret, 0);
	VT_CHECK(l.total, VT_NFILES + 2);
	VT_CHECK(l.bad, 0);
	VT_CHECK(bitmap_weight(l.seen, VT_NFILES), VT_NFILES);
	VT_CHECK(ksmbd_vfs_rewinddir(f), 0);
	l.limit = 0;
	l.total = 0;
	bitmap_zero(l.seen, VT_NFILES);
	VT_CHECK(ksmbd_vfs_readdir(f, vt_emit, &l), 0);
	VT_CHECK(l.total, VT_NFILES + 2);
	VT_CHECK(bitmap_weight(l.seen, VT_NFILES), VT_NFILES);
	ksmbd_vfs_close(f);
out:
	bitmap_free(l.seen);
}

static int ksmbd_vfs_selftest(const char *dir)
{
	struct ksmbd_vfs_root *r;
	char *share;
	int fails = 0, ret;

	share = kasprintf(GFP_KERNEL, "%s/share", dir);
	if (!share)
		return -ENOMEM;
	ret = ksmbd_vfs_root_open(share, &r);
	kfree(share);
	if (ret)
		return ret;
	vt_names(r, &fails);
	vt_confined(r, &fails);
	vt_files(r, &fails);
	vt_readdir(r, &fails);
	ksmbd_vfs_root_close(r);
	pr_info("ksmbd_cluster: vfs selftest in %s: %d failure(s)\n", dir, fails);
	return fails ? -EIO : 0;
}

static int vt_param_set(const char *val, const struct kernel_param *kp)
{
	char *dir = kstrdup(val, GFP_KERNEL);
	int ret;

	if (!dir)
		return -ENOMEM;
	strim(dir);
	ret = ksmbd_vfs_selftest(dir);
	kfree(dir);
	return ret;
}

static const struct kernel_param_ops vt_param_ops = {
	.set = vt_param_set,
};

module_param_cb(vfs_selftest, &vt_param_ops, NULL, 0200);
MODULE_PARM_DESC(vfs_selftest, "write a prepared directory to self-test the VFS backend");

/* Opens are struct files, bounded by fs.file-max only: this caps their memory. */
unsigned int ksmbd_port_max_opens(void)
{
	return 1U << 20;
}
