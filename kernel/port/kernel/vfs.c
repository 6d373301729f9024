// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel backend: the filesystem. Names are opened with file_open_root(),
 * which resolves them with the share root as "/" (the same semantics as the
 * user backend's openat2(RESOLVE_IN_ROOT)).
 */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include "port.h"

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

int ksmbd_vfs_open(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
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

ssize_t ksmbd_vfs_write(struct ksmbd_vfs_file *f, const void *buf, size_t len, loff_t pos)
{
	return kernel_write(f->filp, buf, len, &pos);
}

int ksmbd_vfs_getattr(struct ksmbd_vfs_file *f, struct ksmbd_vfs_stat *st)
{
	struct kstat ks;
	int ret;

	ret = vfs_getattr(&f->filp->f_path, &ks, STATX_BASIC_STATS, AT_STATX_SYNC_AS_STAT);
	if (ret)
		return ret;
	st->ino = ks.ino;
	st->size = ks.size;
	st->blocks = ks.blocks;
	st->mode = ks.mode;
	st->nlink = ks.nlink;
	st->atime_ns = timespec64_to_ns(&ks.atime);
	st->mtime_ns = timespec64_to_ns(&ks.mtime);
	st->ctime_ns = timespec64_to_ns(&ks.ctime);
	return 0;
}

void ksmbd_vfs_close(struct ksmbd_vfs_file *f)
{
	filp_close(f->filp, NULL);
	kfree(f);
}
