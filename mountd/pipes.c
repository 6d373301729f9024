// SPDX-License-Identifier: GPL-2.0-or-later
/* mountd's named pipes (see pipes.h); the DCE/RPC servers are in rpc*.c. */
#include <errno.h>
#include <stdlib.h>
#include <uapi/ksmbd_cluster.h>
#include "log.h"
#include "pipes.h"
#include "rpc.h"

/* NTSTATUS values of pipe operations (MS-ERREF 2.3.1). */
#define KC_STATUS_SUCCESS			0x00000000u
#define KC_STATUS_BUFFER_OVERFLOW		0x80000005u
#define KC_STATUS_OBJECT_NAME_NOT_FOUND		0xc0000034u
#define KC_STATUS_INSUFFICIENT_RESOURCES	0xc000009au
#define KC_STATUS_PIPE_BUSY			0xc00000aeu
#define KC_STATUS_PIPE_EMPTY			0xc00000d9u
#define KC_STATUS_FILE_CLOSED			0xc0000128u
#define KC_STATUS_PIPE_BROKEN			0xc000014bu
#define KC_STATUS_INVALID_PARAMETER		0xc000000du

struct mountd_pipe {
	uint64_t id;
	struct rpc_pipe *rpc;
	struct mountd_pipe *next;
};

struct mountd_pipes {
	struct mountd_pipe *head;
};

struct mountd_pipes *mountd_pipes_new(void)
{
	return calloc(1, sizeof(struct mountd_pipes));
}

void mountd_pipes_free(struct mountd_pipes *p)
{
	struct mountd_pipe *e, *next;

	if (!p)
		return;
	for (e = p->head; e; e = next) {
		next = e->next;
		rpc_pipe_close(e->rpc);
		free(e);
	}
	free(p);
}

static struct mountd_pipe **pipes_find(struct mountd_pipes *p, uint64_t id)
{
	struct mountd_pipe **e;

	for (e = &p->head; *e; e = &(*e)->next)
		if ((*e)->id == id)
			return e;
	return NULL;
}

static uint32_t pipes_open(struct mountd_pipes *p, const struct kc_conf *conf, uint64_t id,
			   const char *name)
{
	struct mountd_pipe *e;

	if (!name || pipes_find(p, id))
		return KC_STATUS_INVALID_PARAMETER;
	e = calloc(1, sizeof(*e));
	if (!e)
		return KC_STATUS_INSUFFICIENT_RESOURCES;
	e->rpc = rpc_pipe_open(name, conf);
	if (!e->rpc) {
		int err = errno;

		free(e);
		log_debug("pipe %s: %s", name, err == ENOENT ? "no such pipe" : "out of memory");
		return err == ENOENT ? KC_STATUS_OBJECT_NAME_NOT_FOUND :
		       KC_STATUS_INSUFFICIENT_RESOURCES;
	}
	e->id = id;
	e->next = p->head;
	p->head = e;
	return KC_STATUS_SUCCESS;
}

/* The status of a read-style call that returned @ret. */
static uint32_t pipes_read_status(int ret)
{
	switch (ret) {
	case 0:
		return KC_STATUS_SUCCESS;
	case RPC_PIPE_MORE:
		return KC_STATUS_BUFFER_OVERFLOW;
	case -EAGAIN:
		return KC_STATUS_PIPE_EMPTY;
	case -EBUSY:
		return KC_STATUS_PIPE_BUSY;
	case -ENOMEM:
		return KC_STATUS_INSUFFICIENT_RESOURCES;
	default:
		return KC_STATUS_PIPE_BROKEN;
	}
}

void mountd_pipes_op(struct mountd_pipes *p, const struct kc_conf *conf, uint64_t id,
		     unsigned int op, const char *name, const uint8_t *in, size_t in_len,
		     uint32_t max, struct mountd_pipe_answer *ans)
{
	struct mountd_pipe **slot, *e;
	int ret;

	ans->data = NULL;
	ans->len = 0;
	if (op == KSMBD_PIPE_OPEN) {
		ans->status = pipes_open(p, conf, id, name);
		return;
	}
	slot = pipes_find(p, id);
	if (!slot) {
		ans->status = KC_STATUS_FILE_CLOSED;
		return;
	}
	e = *slot;
	switch (op) {
	case KSMBD_PIPE_CLOSE:
		*slot = e->next;
		rpc_pipe_close(e->rpc);
		free(e);
		ans->status = KC_STATUS_SUCCESS;
		return;
	case KSMBD_PIPE_WRITE:
		ret = rpc_pipe_write(e->rpc, in, in_len);
		ans->status = ret == -EAGAIN ? KC_STATUS_PIPE_BROKEN : pipes_read_status(ret);
		return;
	case KSMBD_PIPE_READ:
	case KSMBD_PIPE_TRANSACT:
		ans->data = malloc(max ? max : 1);
		if (!ans->data) {
			ans->status = KC_STATUS_INSUFFICIENT_RESOURCES;
			return;
		}
		if (op == KSMBD_PIPE_READ)
			ret = rpc_pipe_read(e->rpc, ans->data, max, &ans->len);
		else
			ret = rpc_pipe_transact(e->rpc, in, in_len, ans->data, max, &ans->len);
		/* A transceive whose request needs no answer yet succeeds empty. */
		ans->status = op == KSMBD_PIPE_TRANSACT && ret == -EAGAIN ?
			      KC_STATUS_SUCCESS : pipes_read_status(ret);
		return;
	default:
		ans->status = KC_STATUS_INVALID_PARAMETER;
		return;
	}
}
