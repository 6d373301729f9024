/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: <linux/sched.h> is where kernel code gets the task states wait_event() needs. */
#ifndef KSMBD_PORT_LINUX_SCHED_H
#define KSMBD_PORT_LINUX_SCHED_H
#include <linux/wait.h>
#endif
