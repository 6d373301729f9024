/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: kernel integer and helper types on top of the uapi <linux/types.h>.
 */
#ifndef KSMBD_PORT_LINUX_TYPES_H
#define KSMBD_PORT_LINUX_TYPES_H

#include_next <linux/types.h>
/* The kernel build force-includes its compiler attributes; every shim gets them here. */
#include <linux/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef unsigned int gfp_t;
typedef unsigned short umode_t;

#endif
