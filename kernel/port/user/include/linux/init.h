/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: init/exit annotations (see linux/module.h for module_init). */
#ifndef KSMBD_PORT_LINUX_INIT_H
#define KSMBD_PORT_LINUX_INIT_H
#include <linux/compiler.h>
#endif
