/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: printk levels routed to the engine's log (kernel/port/user/log.c). */
#ifndef KSMBD_PORT_LINUX_PRINTK_H
#define KSMBD_PORT_LINUX_PRINTK_H

#include <linux/compiler.h>

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

void ksmbd_port_log(int level, const char *fmt, ...) __printf(2, 3);

#define pr_emerg(fmt, ...)	ksmbd_port_log(0, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	ksmbd_port_log(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	ksmbd_port_log(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	ksmbd_port_log(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	ksmbd_port_log(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	ksmbd_port_log(7, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...) pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) pr_warn(fmt, ##__VA_ARGS__)

#endif
