/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port internals shared by the files of kernel/port/user. */
#ifndef KSMBD_PORT_USER_H
#define KSMBD_PORT_USER_H

#include <linux/types.h>

/* Messages at or below this printk level are logged (default 6, info). */
extern int ksmbd_port_log_level;

/*
 * Serve the registered generic netlink family on a UNIX seqpacket socket at
 * @path until @stop_fd becomes readable. Returns 0 or -errno.
 */
int ksmbd_port_ipc_serve(const char *path, int stop_fd);

/* The descriptor of a share root (watch.c). */
struct ksmbd_vfs_root;
int ksmbd_port_root_fd(struct ksmbd_vfs_root *root);

/*
 * Around each of the engine's modifying filesystem calls (vfs.c): the changes
 * the call makes are the engine's, not reported by the change watches
 * (watch.c). ksmbd_port_own_end() takes what ksmbd_port_own_begin() returned.
 */
bool ksmbd_port_own_begin(void);
/* The most directories the change watches watch at once (8192; tests lower it). */
extern unsigned int ksmbd_port_watch_max;
void ksmbd_port_own_end(bool begun);

#endif
