// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: the filesystem backend. Names are resolved with
 * openat2(RESOLVE_IN_ROOT), the same "share root is /" semantics as the
 * kernel backend's file_open_root().
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "port.h"
#include "port_user.h"

#define DIRBUF_SIZE	32768

struct ksmbd_vfs_root {
	int fd;
};

struct ksmbd_vfs_file {
	int fd;
	/* readdir: getdents64 records in dirbuf[dirpos, dirlen) are not consumed yet */
	char *dirbuf;
	size_t dirpos, dirlen;
};

/* The layout getdents64() fills in. */
struct vfs_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int vfs_openat2(int dfd, const char *name, u64 flags, u64 mode)
{
	struct open_how how = {
		.flags = flags,
		.mode = mode,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, dfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/*
 * Open the directory part of @name inside @root (O_PATH) and point *@last at
 * the last component, which must be a real name.
 */
static int vfs_parent(struct ksmbd_vfs_root *root, const char *name, const char **last)
{
	const char *slash = strrchr(name, '/');
	size_t len;
	char *dir;
	int fd;

	*last = slash ? slash + 1 : name;
	if (!**last || !strcmp(*last, ".") || !strcmp(*last, ".."))
		return -EINVAL;
	if (!slash)
		return vfs_openat2(root->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	/* "/x" has the directory part "/" */
	len = slash == name ? 1 : slash - name;
	dir = kmalloc(len + 1, GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	memcpy(dir, name, len);
	dir[len] = '\0';
	fd = vfs_openat2(root->fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	kfree(dir);
	return fd;
}

int ksmbd_vfs_root_open(const char *path, struct ksmbd_vfs_root **out)
{
	struct ksmbd_vfs_root *root;

	if (path[0] != '/')
		return -EINVAL;
	root = kzalloc(sizeof(*root), GFP_KERNEL);
	if (!root)
		return -ENOMEM;
	root->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0) {
		int ret = -errno;

		kfree(root);
		return ret;
	}
	*out = root;
	return 0;
}

int ksmbd_port_root_fd(struct ksmbd_vfs_root *root)
{
	return root->fd;
}

void ksmbd_vfs_root_close(struct ksmbd_vfs_root *root)
{
	close(root->fd);
	kfree(root);
}

int ksmbd_vfs_open(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
		   umode_t mode, struct ksmbd_vfs_file **out)
{
	struct open_how how = { 0 };
	struct ksmbd_vfs_file *f;
	bool own;
	int fd;

	if ((flags & KSMBD_VFS_READ) && (flags & KSMBD_VFS_WRITE))
		how.flags = O_RDWR;
	else if (flags & KSMBD_VFS_WRITE)
		how.flags = O_WRONLY;
	else
		how.flags = O_RDONLY;
	if (flags & KSMBD_VFS_CREATE) {
		how.flags |= O_CREAT;
		how.mode = mode;
	}
	if (flags & KSMBD_VFS_EXCL)
		how.flags |= O_EXCL;
	if (flags & KSMBD_VFS_TRUNC)
		how.flags |= O_TRUNC;
	if (flags & KSMBD_VFS_DIRECTORY)
		how.flags |= O_DIRECTORY;
	how.flags |= O_CLOEXEC | O_LARGEFILE;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	own = flags & (KSMBD_VFS_CREATE | KSMBD_VFS_TRUNC) ? ksmbd_port_own_begin() : false;
	fd = vfs_openat2(root->fd, name, how.flags, how.mode);
	ksmbd_port_own_end(own);
	if (fd < 0) {
		kfree(f);
		return fd;
	}
	f->fd = fd;
	*out = f;
	return 0;
}

ssize_t ksmbd_vfs_read(struct ksmbd_vfs_file *f, void *buf, size_t len, loff_t pos)
{
	ssize_t n = pread(f->fd, buf, len, pos);

	return n < 0 ? -errno : n;
}

ssize_t ksmbd_vfs_write(struct ksmbd_vfs_file *f, const void *buf, size_t len, loff_t pos)
{
	bool own = ksmbd_port_own_begin();
	ssize_t n = pwrite(f->fd, buf, len, pos);

	if (n < 0)
		n = -errno;
	ksmbd_port_own_end(own);
	return n;
}

static s64 vfs_ts_ns(const struct statx_timestamp *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* statx() @name at @dfd, or @dfd itself when @name is "". */
static int vfs_statx(int dfd, const char *name, struct ksmbd_vfs_stat *st)
{
	struct statx sx;

	if (statx(dfd, name, AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
		  STATX_BASIC_STATS | STATX_BTIME, &sx))
		return -errno;
	memset(st, 0, sizeof(*st));
	st->ino = sx.stx_ino;
	st->dev = (u64)sx.stx_dev_major << 32 | sx.stx_dev_minor;
	st->size = sx.stx_size;
	st->blocks = sx.stx_blocks;
	st->mode = sx.stx_mode;
	st->uid = sx.stx_uid;
	st->gid = sx.stx_gid;
	st->nlink = sx.stx_nlink;
	st->blksize = sx.stx_blksize;
	st->atime_ns = vfs_ts_ns(&sx.stx_atime);
	st->mtime_ns = vfs_ts_ns(&sx.stx_mtime);
	st->ctime_ns = vfs_ts_ns(&sx.stx_ctime);
	if (sx.stx_mask & STATX_BTIME)
		st->btime_ns = vfs_ts_ns(&sx.stx_btime);
	return 0;
}

int ksmbd_vfs_getattr(struct ksmbd_vfs_file *f, struct ksmbd_vfs_stat *st)
{
	return vfs_statx(f->fd, "", st);
}

int ksmbd_vfs_getattr_name(struct ksmbd_vfs_root *root, const char *name,
			   struct ksmbd_vfs_stat *st)
{
	int fd = vfs_openat2(root->fd, name, O_PATH | O_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return fd;
	ret = vfs_statx(fd, "", st);
	close(fd);
	return ret;
}

int ksmbd_vfs_statfs(struct ksmbd_vfs_root *root, struct ksmbd_vfs_statfs *st)
{
	struct statfs sf;

	if (fstatfs(root->fd, &sf))
		return -errno;
	st->bsize = sf.f_frsize ? sf.f_frsize : sf.f_bsize;
	st->blocks = sf.f_blocks;
	st->bfree = sf.f_bfree;
	st->bavail = sf.f_bavail;
	st->namelen = sf.f_namelen;
	return 0;
}

int ksmbd_vfs_mkdir(struct ksmbd_vfs_root *root, const char *name, umode_t mode)
{
	const char *last;
	int dfd = vfs_parent(root, name, &last);
	bool own;
	int ret;

	if (dfd < 0)
		return dfd;
	own = ksmbd_port_own_begin();
	ret = mkdirat(dfd, last, mode) ? -errno : 0;
	ksmbd_port_own_end(own);
	close(dfd);
	return ret;
}

int ksmbd_vfs_unlink(struct ksmbd_vfs_root *root, const char *name)
{
	const char *last;
	int dfd = vfs_parent(root, name, &last);
	bool own;
	int ret;

	if (dfd < 0)
		return dfd;
	own = ksmbd_port_own_begin();
	ret = unlinkat(dfd, last, 0) ? -errno : 0;
	ksmbd_port_own_end(own);
	close(dfd);
	return ret;
}

int ksmbd_vfs_rmdir(struct ksmbd_vfs_root *root, const char *name)
{
	const char *last;
	int dfd = vfs_parent(root, name, &last);
	bool own;
	int ret;

	if (dfd < 0)
		return dfd;
	own = ksmbd_port_own_begin();
	ret = unlinkat(dfd, last, AT_REMOVEDIR) ? -errno : 0;
	ksmbd_port_own_end(own);
	close(dfd);
	return ret;
}

int ksmbd_vfs_rename(struct ksmbd_vfs_root *root, const char *oldname, const char *newname,
		     unsigned int flags)
{
	const char *oldlast, *newlast;
	int olddfd, newdfd, ret;
	bool own;

	if (flags & ~KSMBD_VFS_RENAME_NOREPLACE)
		return -EINVAL;
	olddfd = vfs_parent(root, oldname, &oldlast);
	if (olddfd < 0)
		return olddfd;
	newdfd = vfs_parent(root, newname, &newlast);
	if (newdfd < 0) {
		close(olddfd);
		return newdfd;
	}
	own = ksmbd_port_own_begin();
	ret = renameat2(olddfd, oldlast, newdfd, newlast,
			flags & KSMBD_VFS_RENAME_NOREPLACE ? RENAME_NOREPLACE : 0);
	ret = ret ? -errno : 0;
	ksmbd_port_own_end(own);
	close(newdfd);
	close(olddfd);
	return ret;
}

int ksmbd_vfs_truncate(struct ksmbd_vfs_file *f, loff_t size)
{
	bool own = ksmbd_port_own_begin();
	int ret = ftruncate(f->fd, size) ? -errno : 0;

	ksmbd_port_own_end(own);
	return ret;
}

int ksmbd_vfs_fsync(struct ksmbd_vfs_file *f)
{
	return fsync(f->fd) ? -errno : 0;
}

ssize_t ksmbd_vfs_copy_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			     struct ksmbd_vfs_file *dst, loff_t dst_pos, size_t len)
{
	off64_t in = src_pos, out = dst_pos;
	bool own = ksmbd_port_own_begin();
	ssize_t n = copy_file_range(src->fd, &in, dst->fd, &out, len, 0);

	n = n < 0 ? -errno : n;
	ksmbd_port_own_end(own);
	return n;
}

/* FICLONERANGE's argument (linux/fs.h, which this build cannot include). */
struct vfs_clone_range {
	s64 src_fd;
	u64 src_offset, src_length, dest_offset;
};

#define VFS_FICLONERANGE	_IOW(0x94, 13, struct vfs_clone_range)

int ksmbd_vfs_clone_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			  struct ksmbd_vfs_file *dst, loff_t dst_pos, u64 len)
{
	struct vfs_clone_range arg = {
		.src_fd = src->fd,
		.src_offset = src_pos,
		.src_length = len,
		.dest_offset = dst_pos,
	};

	bool own = ksmbd_port_own_begin();
	int ret = 0;

	/* ENOTTY: a filesystem without the ioctl */
	if (ioctl(dst->fd, VFS_FICLONERANGE, &arg))
		ret = errno == ENOTTY ? -EOPNOTSUPP : -errno;
	ksmbd_port_own_end(own);
	return ret;
}

int ksmbd_vfs_fallocate(struct ksmbd_vfs_file *f, unsigned int mode, loff_t pos, u64 len)
{
	int flags = FALLOC_FL_KEEP_SIZE, ret;
	bool own;

	if (mode == KSMBD_VFS_FALLOC_PUNCH_HOLE)
		flags |= FALLOC_FL_PUNCH_HOLE;
	else if (mode == KSMBD_VFS_FALLOC_ZERO_RANGE)
		flags |= FALLOC_FL_ZERO_RANGE;
	own = ksmbd_port_own_begin();
	ret = fallocate(f->fd, flags, pos, len) ? -errno : 0;
	ksmbd_port_own_end(own);
	return ret;
}

loff_t ksmbd_vfs_seek(struct ksmbd_vfs_file *f, loff_t pos, bool hole)
{
	off_t r = lseek(f->fd, pos, hole ? SEEK_HOLE : SEEK_DATA);

	return r < 0 ? -errno : r;
}

static struct timespec vfs_ns_ts(s64 ns)
{
	struct timespec ts = { .tv_nsec = UTIME_OMIT };

	if (ns >= 0) {
		ts.tv_sec = ns / 1000000000LL;
		ts.tv_nsec = ns % 1000000000LL;
	}
	return ts;
}

int ksmbd_vfs_set_times(struct ksmbd_vfs_file *f, s64 atime_ns, s64 mtime_ns)
{
	struct timespec ts[2] = { vfs_ns_ts(atime_ns), vfs_ns_ts(mtime_ns) };

	bool own;
	int ret;

	if (atime_ns < 0 && mtime_ns < 0)
		return 0;
	own = ksmbd_port_own_begin();
	ret = futimens(f->fd, ts) ? -errno : 0;
	ksmbd_port_own_end(own);
	return ret;
}

int ksmbd_vfs_chmod(struct ksmbd_vfs_file *f, umode_t mode)
{
	bool own = ksmbd_port_own_begin();
	int ret = fchmod(f->fd, mode & 07777) ? -errno : 0;

	ksmbd_port_own_end(own);
	return ret;
}

ssize_t ksmbd_vfs_getxattr(struct ksmbd_vfs_file *f, const char *name, void *buf, size_t size)
{
	ssize_t n = fgetxattr(f->fd, name, buf, size);

	return n < 0 ? -errno : n;
}

ssize_t ksmbd_vfs_listxattr(struct ksmbd_vfs_file *f, char *buf, size_t size)
{
	ssize_t n = flistxattr(f->fd, buf, size);

	return n < 0 ? -errno : n;
}

int ksmbd_vfs_setxattr(struct ksmbd_vfs_file *f, const char *name, const void *val, size_t size,
		       unsigned int flags)
{
	int xflags = 0, ret;
	bool own;

	if (flags & ~(KSMBD_VFS_XATTR_CREATE | KSMBD_VFS_XATTR_REPLACE))
		return -EINVAL;
	if (flags & KSMBD_VFS_XATTR_CREATE)
		xflags |= XATTR_CREATE;
	if (flags & KSMBD_VFS_XATTR_REPLACE)
		xflags |= XATTR_REPLACE;
	own = ksmbd_port_own_begin();
	ret = fsetxattr(f->fd, name, val, size, xflags) ? -errno : 0;
	ksmbd_port_own_end(own);
	return ret;
}

int ksmbd_vfs_removexattr(struct ksmbd_vfs_file *f, const char *name)
{
	bool own = ksmbd_port_own_begin();
	int ret = fremovexattr(f->fd, name) ? -errno : 0;

	ksmbd_port_own_end(own);
	return ret;
}

int ksmbd_vfs_readdir(struct ksmbd_vfs_file *f, ksmbd_vfs_emit_t emit, void *arg)
{
	const struct vfs_dirent64 *d;
	long n;
	int ret;

	if (!f->dirbuf) {
		f->dirbuf = kmalloc(DIRBUF_SIZE, GFP_KERNEL);
		if (!f->dirbuf)
			return -ENOMEM;
	}
	for (;;) {
		if (f->dirpos >= f->dirlen) {
			n = syscall(SYS_getdents64, f->fd, f->dirbuf, DIRBUF_SIZE);
			if (n < 0)
				return -errno;
			if (n == 0)
				return 0;
			f->dirpos = 0;
			f->dirlen = n;
		}
		d = (const struct vfs_dirent64 *)(f->dirbuf + f->dirpos);
		ret = emit(arg, d->d_name, strlen(d->d_name), d->d_ino, d->d_type);
		if (ret)
			return ret;
		f->dirpos += d->d_reclen;
	}
}

int ksmbd_vfs_rewinddir(struct ksmbd_vfs_file *f)
{
	if (lseek(f->fd, 0, SEEK_SET) < 0)
		return -errno;
	f->dirpos = 0;
	f->dirlen = 0;
	return 0;
}

void ksmbd_vfs_close(struct ksmbd_vfs_file *f)
{
	close(f->fd);
	kfree(f->dirbuf);
	kfree(f);
}
