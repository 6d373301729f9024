/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: module_init()/module_exit() record the engine's entry points;
 * kernel/port/user/main.c calls them the way the module loader would.
 */
#ifndef KSMBD_PORT_LINUX_MODULE_H
#define KSMBD_PORT_LINUX_MODULE_H

#include_next <linux/module.h>
#include <linux/init.h>

struct module;
#define THIS_MODULE		((struct module *)0)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_VERSION(x)
#define MODULE_ALIAS_GENL_FAMILY(x)

typedef int (*ksmbd_initcall_t)(void);
typedef void (*ksmbd_exitcall_t)(void);

#define module_init(fn)	ksmbd_initcall_t ksmbd_port_module_init = fn
#define module_exit(fn)	ksmbd_exitcall_t ksmbd_port_module_exit = fn

extern ksmbd_initcall_t ksmbd_port_module_init;
extern ksmbd_exitcall_t ksmbd_port_module_exit;

#endif
