/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountd's named pipes: the engine's KSMBD_CMD_PIPE operations on DCE/RPC servers. */
#ifndef MOUNTD_PIPES_H
#define MOUNTD_PIPES_H

#include <stdint.h>
#include "config.h"

struct mountd_pipes;

struct mountd_pipes *mountd_pipes_new(void);
/* Closes every pipe still open. */
void mountd_pipes_free(struct mountd_pipes *p);

struct mountd_pipe_answer {
	uint32_t status;	/* NTSTATUS */
	uint8_t *data;		/* READ/TRANSACT output, malloc'ed, or NULL */
	size_t len;
};

/*
 * Run operation @op (enum ksmbd_pipe_op) on pipe @id: @name for OPEN, @in for
 * WRITE/TRANSACT, @max bytes for READ/TRANSACT. Fills @ans; the caller frees
 * ans->data.
 */
void mountd_pipes_op(struct mountd_pipes *p, const struct kc_conf *conf, uint64_t id,
		     unsigned int op, const char *name, const uint8_t *in, size_t in_len,
		     uint32_t max, struct mountd_pipe_answer *ans);

#endif
