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
	u64 size;
	u64 blocks;		/* 512-byte units */
	u32 mode;
	u32 nlink;
	s64 atime_ns, mtime_ns, ctime_ns;
};

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

/* --- crypto: see port_crypto.h --------------------------------------------------------- */
#include "port_crypto.h"

#endif
