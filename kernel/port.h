/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's backends. Everything the engine does to the outside world goes
 * through these functions; kernel/port/kernel/ implements them with kernel
 * APIs, kernel/port/user/ with POSIX and OpenSSL. IPC is the generic netlink
 * API itself (see include/uapi/ksmbd_cluster.h) and lifecycle is
 * module_init()/module_exit(), which the user port calls from main().
 */
#ifndef KSMBD_PORT_H
#define KSMBD_PORT_H

#include <linux/types.h>
#include <linux/uio.h>

/* --- lifecycle and IPC ------------------------------------------------------------------- */
/* Which build this is: KSMBD_ENGINE_KERNEL or KSMBD_ENGINE_USER. */
extern const u8 ksmbd_port_engine_kind;

/*
 * IPC is the generic netlink API. Besides that the backend reports a peer
 * socket that closed, by calling ksmbd_ipc_peer_gone() (ipc.h).
 */
int ksmbd_port_ipc_init(void);
void ksmbd_port_ipc_exit(void);

/*
 * How many files the engine may hold open at once: the user port keeps room
 * in its RLIMIT_NOFILE for sockets and the descriptors a request uses for
 * a moment (parents, streams); the kernel has no such limit and bounds the
 * memory of opens only. Over it a CREATE answers STATUS_INSUFFICIENT_RESOURCES.
 */
unsigned int ksmbd_port_max_opens(void);

/* --- threads ------------------------------------------------------------------------------ */
struct ksmbd_thread;

/*
 * Start @fn(@arg) on a new thread. *@slot holds the handle before @fn runs, so
 * @fn may hand its own handle to whoever will join it.
 */
int ksmbd_thread_run(struct ksmbd_thread **slot, int (*fn)(void *), void *arg,
		     const char *name);
/* Wait until the thread's function has returned, then free the handle. */
void ksmbd_thread_join(struct ksmbd_thread *thread);

/* --- transport ---------------------------------------------------------------------------- */
struct ksmbd_transport;

struct ksmbd_transport_ops {
	/* Read exactly @len bytes; returns @len, 0 at end of stream, or -errno. */
	int (*read)(struct ksmbd_transport *t, void *buf, size_t len);
	/* Write all of @iov; returns the byte count or -errno. */
	int (*writev)(struct ksmbd_transport *t, const struct kvec *iov, int nr);
	/* Make blocked and future reads and writes return at once. */
	void (*shutdown)(struct ksmbd_transport *t);
	void (*free)(struct ksmbd_transport *t);
};

/* Owned by the connection that wraps it; freed through ops->free. */
struct ksmbd_transport {
	const struct ksmbd_transport_ops *ops;
	char peer[64];		/* "addr:port", for logs */
};

struct ksmbd_listener;

/*
 * Listen on @port at @addr (16-byte IPv6, v4-mapped for IPv4, NULL for any).
 * Each accepted connection is handed to ksmbd_conn_accept().
 */
int ksmbd_tcp_listen(const u8 *addr, u16 port, struct ksmbd_listener **out);
/* Stop accepting and free; connections already accepted are not touched. */
void ksmbd_tcp_unlisten(struct ksmbd_listener *l);

/* One address of a network interface that is up (FSCTL_QUERY_NETWORK_INTERFACE_INFO). */
struct ksmbd_netif {
	u32 ifindex;
	bool loopback;
	bool ipv6;
	u8 addr[16];		/* IPv6, or IPv4 in the first 4 bytes (network order) */
	u32 scope_id;		/* IPv6 link-local: the interface index */
	u64 speed;		/* link speed in bits per second; 0: unknown */
};

/*
 * Up to @max addresses of the host's interfaces that are up (the kernel
 * module: the initial network namespace, where it listens). The count, or
 * -errno.
 */
int ksmbd_netif_list(struct ksmbd_netif *out, int max);

/* --- filesystem --------------------------------------------------------------------------- */
struct ksmbd_vfs_root;
struct ksmbd_vfs_file;

#define KSMBD_VFS_READ		0x1
#define KSMBD_VFS_WRITE		0x2
#define KSMBD_VFS_CREATE	0x4
#define KSMBD_VFS_EXCL		0x8
#define KSMBD_VFS_TRUNC		0x10
#define KSMBD_VFS_DIRECTORY	0x20

struct ksmbd_vfs_stat {
	u64 ino;
	u64 dev;		/* (major << 32) | minor, the same in both backends */
	u64 size;
	u64 blocks;		/* 512-byte units */
	u32 mode;
	u32 uid, gid;		/* the owner and group, as the initial namespace sees them */
	u32 nlink;
	u32 blksize;		/* preferred I/O size */
	s64 atime_ns, mtime_ns, ctime_ns;
	s64 btime_ns;		/* creation time, 0 where the filesystem has none */
};

struct ksmbd_vfs_statfs {
	u64 bsize;		/* fundamental block size: the unit of the counts below */
	u64 blocks;		/* total */
	u64 bfree;		/* free */
	u64 bavail;		/* free for unprivileged users */
	u32 namelen;		/* longest name component */
};

/* ksmbd_vfs_rename() flags */
#define KSMBD_VFS_RENAME_NOREPLACE	0x1	/* -EEXIST if @new exists */

/* Open an absolute directory as a share root. */
int ksmbd_vfs_root_open(const char *path, struct ksmbd_vfs_root **out);
void ksmbd_vfs_root_close(struct ksmbd_vfs_root *root);
/*
 * Open @name relative to @root, resolved as if @root were "/": "..", absolute
 * names and symlinks cannot leave the share.
 */
int ksmbd_vfs_open(struct ksmbd_vfs_root *root, const char *name, unsigned int flags,
		   umode_t mode, struct ksmbd_vfs_file **out);
ssize_t ksmbd_vfs_read(struct ksmbd_vfs_file *f, void *buf, size_t len, loff_t pos);
ssize_t ksmbd_vfs_write(struct ksmbd_vfs_file *f, const void *buf, size_t len, loff_t pos);
int ksmbd_vfs_getattr(struct ksmbd_vfs_file *f, struct ksmbd_vfs_stat *st);
void ksmbd_vfs_close(struct ksmbd_vfs_file *f);

/*
 * Operations on names. Every function below returns 0 or -errno, the same
 * errno in both backends. The directory part of @name is resolved like
 * ksmbd_vfs_open() does (inside the share); the last component is then
 * created, removed or renamed in that directory. A last component that is
 * empty, "." or ".." (so also "" and "/", the share root) is -EINVAL.
 * Errors: -ENOENT (no such name, or a directory part missing), -ENOTDIR (a
 * directory part is not a directory; rmdir of a non-directory), -EEXIST,
 * -EISDIR (unlink of a directory), -ENOTEMPTY, -EXDEV, -EACCES, -EPERM, -EROFS.
 * "" is -ENOENT for ksmbd_vfs_open() and ksmbd_vfs_getattr_name(): the share
 * root itself is "/" (or ".").
 */
int ksmbd_vfs_mkdir(struct ksmbd_vfs_root *root, const char *name, umode_t mode);
/* Remove a non-directory. */
int ksmbd_vfs_unlink(struct ksmbd_vfs_root *root, const char *name);
/* Remove an empty directory. */
int ksmbd_vfs_rmdir(struct ksmbd_vfs_root *root, const char *name);
/* renameat2() semantics; @flags: KSMBD_VFS_RENAME_*. */
int ksmbd_vfs_rename(struct ksmbd_vfs_root *root, const char *oldname, const char *newname,
		     unsigned int flags);
/* Stat @name, following symlinks inside the share. */
int ksmbd_vfs_getattr_name(struct ksmbd_vfs_root *root, const char *name,
			   struct ksmbd_vfs_stat *st);
/* The filesystem holding the share. */
int ksmbd_vfs_statfs(struct ksmbd_vfs_root *root, struct ksmbd_vfs_statfs *st);

/*
 * Operations on open files. truncate needs a regular file opened with
 * KSMBD_VFS_WRITE (-EINVAL otherwise). set_times: a negative time is left
 * unchanged; setting a time needs ownership (-EPERM).
 */
int ksmbd_vfs_truncate(struct ksmbd_vfs_file *f, loff_t size);
int ksmbd_vfs_fsync(struct ksmbd_vfs_file *f);
int ksmbd_vfs_set_times(struct ksmbd_vfs_file *f, s64 atime_ns, s64 mtime_ns);
/* Set the permission bits (07777 of @mode), as fchmod(); needs ownership (-EPERM). */
int ksmbd_vfs_chmod(struct ksmbd_vfs_file *f, umode_t mode);

/*
 * Server-side copy and allocation of regular files (the FSCTLs of
 * smb2_copychunk.c and smb2_fsctl.c). None of them changes a file's size
 * but copy_range, which extends @dst like a write.
 *
 * copy_range: copy up to @len bytes at @src_pos of @src to @dst_pos of @dst
 * inside the filesystem, as copy_file_range(); returns the count copied (0
 * at or past the end of @src) or -errno. -EXDEV, -EOPNOTSUPP and -EINVAL
 * (also: overlapping ranges of one file) mean the filesystem cannot do it:
 * the caller copies through memory. @src needs KSMBD_VFS_READ, @dst
 * KSMBD_VFS_WRITE.
 * clone_range: make [@dst_pos, @dst_pos + @len) of @dst share the blocks of
 * the same range of @src (reflink, FICLONERANGE); 0 or -errno, -EOPNOTSUPP
 * (or -EXDEV, -EINVAL) where the filesystem cannot share blocks.
 * fallocate: @mode KSMBD_VFS_FALLOC_*, keeping the size; needs KSMBD_VFS_WRITE.
 * seek: the first offset at or after @pos that holds data (@hole false) or is
 * in a hole (the end of the file counts as one), as lseek(SEEK_DATA/SEEK_HOLE);
 * -ENXIO when @pos is at or past the end (or no data follows).
 */
#define KSMBD_VFS_FALLOC_ALLOCATE	0	/* allocate the range */
#define KSMBD_VFS_FALLOC_PUNCH_HOLE	1	/* deallocate it: reads give zeros */
#define KSMBD_VFS_FALLOC_ZERO_RANGE	2	/* zero it, allocated */
ssize_t ksmbd_vfs_copy_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			     struct ksmbd_vfs_file *dst, loff_t dst_pos, size_t len);
int ksmbd_vfs_clone_range(struct ksmbd_vfs_file *src, loff_t src_pos,
			  struct ksmbd_vfs_file *dst, loff_t dst_pos, u64 len);
int ksmbd_vfs_fallocate(struct ksmbd_vfs_file *f, unsigned int mode, loff_t pos, u64 len);
loff_t ksmbd_vfs_seek(struct ksmbd_vfs_file *f, loff_t pos, bool hole);

/*
 * Extended attributes of an open file (any open mode), by full name
 * ("user.x", "security.x", ...). getxattr: @size 0 returns the value's
 * length; otherwise copies at most @size bytes and returns the length, -ERANGE
 * when it does not fit, -ENODATA when absent. listxattr: the names, each
 * NUL-terminated, same @size rules. setxattr @flags: 0, KSMBD_VFS_XATTR_CREATE
 * (-EEXIST if present) or KSMBD_VFS_XATTR_REPLACE (-ENODATA if absent).
 * -EOPNOTSUPP where the filesystem has none.
 */
#define KSMBD_VFS_XATTR_CREATE	0x1
#define KSMBD_VFS_XATTR_REPLACE	0x2
ssize_t ksmbd_vfs_getxattr(struct ksmbd_vfs_file *f, const char *name, void *buf, size_t size);
ssize_t ksmbd_vfs_listxattr(struct ksmbd_vfs_file *f, char *buf, size_t size);
int ksmbd_vfs_setxattr(struct ksmbd_vfs_file *f, const char *name, const void *val, size_t size,
		       unsigned int flags);
int ksmbd_vfs_removexattr(struct ksmbd_vfs_file *f, const char *name);

/*
 * Directory listing of a file opened with KSMBD_VFS_DIRECTORY, from its current
 * position; "." and ".." are listed too. @emit gets each entry (@name is not
 * NUL-terminated, @dtype is a DT_* value) and returns 0 to go on. When it
 * returns non-zero the listing stops, that entry is NOT consumed (the next call
 * starts with it), and ksmbd_vfs_readdir() returns @emit's value. Returns 0 at
 * the end of the directory, or -errno (-ENOTDIR for a non-directory). Calls on
 * one file must not run concurrently.
 */
typedef int (*ksmbd_vfs_emit_t)(void *arg, const char *name, size_t len, u64 ino,
				unsigned int dtype);
int ksmbd_vfs_readdir(struct ksmbd_vfs_file *f, ksmbd_vfs_emit_t emit, void *arg);
/* Restart the listing at the first entry. */
int ksmbd_vfs_rewinddir(struct ksmbd_vfs_file *f);

/* --- change watches (CHANGE_NOTIFY) ------------------------------------------------------- */
struct ksmbd_vfs_watch;

/*
 * Watch the directory @name of @root ("" is the share root) for changes made
 * outside the engine: by local processes, or by another node on a shared
 * filesystem that reports them. With @tree its subdirectories are watched too,
 * those created later included, up to a bounded number of watched directories
 * (a watch cut by the bound keeps what it got; one that got nothing is
 * -ENOSPC). The backend reports each change with ksmbd_notify_event() or
 * ksmbd_notify_rename() (notify.h), naming it by (@root_dev, @root_ino) and
 * its path inside the share as the watch named the directory. Changes the
 * engine makes itself through this file's functions are never reported: the
 * engine reports those itself. -EOPNOTSUPP without a backend.
 */
int ksmbd_vfs_watch_add(struct ksmbd_vfs_root *root, u64 root_dev, u64 root_ino,
			const char *name, bool tree, struct ksmbd_vfs_watch **out);
void ksmbd_vfs_watch_del(struct ksmbd_vfs_watch *w);
/* Set up and tear down the backend (notify.c's init and exit). */
int ksmbd_vfs_watch_init(void);
void ksmbd_vfs_watch_exit(void);

/* --- crypto: see port_crypto.h --------------------------------------------------------- */
#include "port_crypto.h"

#endif
