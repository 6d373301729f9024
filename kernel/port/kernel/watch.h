/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel backend internals shared by vfs.c and watch.c. */
#ifndef KSMBD_PORT_KERNEL_WATCH_H
#define KSMBD_PORT_KERNEL_WATCH_H

#include <linux/list.h>
#include <linux/types.h>

struct inode;
struct task_struct;
struct ksmbd_vfs_file;

/* One running modifying call of the engine (vfs.c), on its stack. */
struct ksmbd_kw_own {
	struct list_head node;
	struct task_struct *task;
	bool on;
};

/* The changes made by the current task until _end() are the engine's. */
void ksmbd_kw_own_begin(struct ksmbd_kw_own *own);
void ksmbd_kw_own_end(struct ksmbd_kw_own *own);
struct inode *ksmbd_kw_file_inode(struct ksmbd_vfs_file *f);

#endif
