// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: the filesystem backend. Names are resolved with
 * openat2(RESOLVE_IN_ROOT), the same "share root is /" semantics as the
 * kernel backend's file_open_root().
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "port.h"

struct ksmbd_vfs_root {
	int fd;
};

struct ksmbd_vfs_file {
	int fd;
};

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

void ksmbd_vfs_root_close(struct ksmbd_vfs_root *root)
{
	close(root->fd);
	kfree(root);
}

int ksmbd_vfs_open(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
		   umode_t mode, struct ksmbd_vfs_file **out)
{
	struct open_how how = {
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct ksmbd_vfs_file *f;
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
	fd = syscall(SYS_openat2, root->fd, name, &how, sizeof(how));
	if (fd < 0) {
		int ret = -errno;

		kfree(f);
		return ret;
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
	ssize_t n = pwrite(f->fd, buf, len, pos);

	return n < 0 ? -errno : n;
}

int ksmbd_vfs_getattr(struct ksmbd_vfs_file *f, struct ksmbd_vfs_stat *st)
{
	struct stat sb;

	if (fstat(f->fd, &sb))
		return -errno;
	st->ino = sb.st_ino;
	st->size = sb.st_size;
	st->blocks = sb.st_blocks;
	st->mode = sb.st_mode;
	st->nlink = sb.st_nlink;
	st->atime_ns = sb.st_atim.tv_sec * 1000000000LL + sb.st_atim.tv_nsec;
	st->mtime_ns = sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	st->ctime_ns = sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec;
	return 0;
}

void ksmbd_vfs_close(struct ksmbd_vfs_file *f)
{
	close(f->fd);
	kfree(f);
}
