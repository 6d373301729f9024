/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountd's side of the engine: find or start it, handshake, and START. */
#ifndef MOUNTD_ENGINE_H
#define MOUNTD_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>
#include "config.h"
#include "nlchan.h"

struct mountd_engine {
	struct kc_nlchan *ch;
	pid_t pid;		/* ksmbd-engine we started, or 0 (kernel module) */
	unsigned int kind;	/* enum ksmbd_engine_kind */
	char version[64];	/* the engine's program version */
};

/*
 * Attach to the engine @mode asks for (enum kc_conf_engine): the module's
 * genl family, or a ksmbd-engine started here on @sock. Logs why on failure.
 */
int mountd_engine_attach(struct mountd_engine *e, int mode, const char *sock,
			 const char *program, bool debug);
/* HELLO: both sides must speak KSMBD_CLUSTER_PROTO_VERSION. */
int mountd_engine_hello(struct mountd_engine *e);
/* START with the node settings of @global; returns once the engine listens. */
int mountd_engine_start(struct mountd_engine *e, const struct kc_conf_section *global);
/* Detach; a ksmbd-engine we started is stopped (SIGTERM, then SIGKILL after 10 s). */
void mountd_engine_detach(struct mountd_engine *e);
/* Reap our ksmbd-engine if it exited: true when it is gone. */
bool mountd_engine_reap(struct mountd_engine *e);

#endif
