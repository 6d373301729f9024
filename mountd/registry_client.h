/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-mountd in cluster mode: the shares, users and global SMB options of the cluster
 * registry, read from the local ksmbd-clusterd and followed through its change events.
 */
#ifndef MOUNTD_REGISTRY_CLIENT_H
#define MOUNTD_REGISTRY_CLIENT_H

#include <qb/qbloop.h>

#include "config.h"
#include "passdb.h"

/* A new running configuration and user set; the callee takes both over. */
typedef void (*mountd_registry_fn)(void *arg, struct kc_conf *conf, struct kc_passdb *users);

struct mountd_registry;

/*
 * Connect (or keep trying every half second) and call @fn with the registry applied to the
 * node file *@nodep at once when it can be read, and after every change. NULL when out of
 * memory.
 */
struct mountd_registry *mountd_registry_start(qb_loop_t *loop,
					      const struct kc_conf *const *nodep,
					      mountd_registry_fn fn, void *arg);
/* The node file changed (SIGHUP): build the running configuration again. */
void mountd_registry_reload(struct mountd_registry *r);
void mountd_registry_stop(struct mountd_registry *r);

#endif /* MOUNTD_REGISTRY_CLIENT_H */
