// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kc-cipc-probe: drives ksmbd-clusterd's IPC protocol (lib/clusterd_ipc.h) from tests with
 * requests the CLI never sends, and plays a fake clusterd of another protocol version so the
 * CLI's refusal can be tested.
 *
 *   kc-cipc-probe hello N                HELLO with version N; prints "error=E version=V"
 *   kc-cipc-probe status-without-hello   STATUS as the first request; prints "error=E"
 *   kc-cipc-probe serve N                a fake clusterd answering HELLO with version N
 *   kc-cipc-probe flood COUNT SIZE PREFIX
 *                                        COUNT set mutations of PREFIX/i with SIZE-byte
 *                                        values, pipelined (the next sent before the previous
 *                                        is answered); prints "ok=N failed=M"
 *
 * The client modes exit 0 when the daemon answered without error, 1 otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include "clusterd_ipc.h"
#include "statemachine.h"

static qb_loop_t *loop;
static uint32_t fake_version;

static int client(int32_t id, uint32_t version)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(KC_CIPC_NAME, KC_CIPC_MAX_MSG);
	struct qb_ipc_request_header h = { .id = id, .size = sizeof(h) + (id == KC_CIPC_HELLO ? 4 : 0) };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = &version, .iov_len = 4 },
	};
	static uint8_t res[KC_CIPC_MAX_MSG];
	struct qb_ipc_response_header rh;
	ssize_t n;

	if (!c) {
		perror("kc-cipc-probe: connect");
		return 1;
	}
	n = qb_ipcc_sendv_recv(c, iov, id == KC_CIPC_HELLO ? 2 : 1, res, sizeof(res), 5000);
	qb_ipcc_disconnect(c);
	if (n < (ssize_t)sizeof(rh)) {
		fprintf(stderr, "kc-cipc-probe: no reply (%zd)\n", n);
		return 1;
	}
	memcpy(&rh, res, sizeof(rh));
	printf("error=%d%s", rh.error, rh.error == -EPROTO ? " (EPROTO)" : "");
	if (id == KC_CIPC_HELLO && n >= (ssize_t)sizeof(rh) + 4) {
		uint32_t v;

		memcpy(&v, res + sizeof(rh), 4);
		printf(" version=%u", v);
	}
	printf("\n");
	return rh.error ? 1 : 0;
}

static int recv_one(qb_ipcc_connection_t *c, uint8_t *res, unsigned int *ok,
		    unsigned int *failed)
{
	struct qb_ipc_response_header rh;
	ssize_t n = qb_ipcc_recv(c, res, KC_CIPC_MAX_MSG, 20000);

	if (n < (ssize_t)sizeof(rh)) {
		fprintf(stderr, "kc-cipc-probe: no reply (%zd)\n", n);
		return -1;
	}
	memcpy(&rh, res, sizeof(rh));
	if (rh.error) {
		if (!*failed)
			fprintf(stderr, "kc-cipc-probe: first failure: %s\n", strerror(-rh.error));
		++*failed;
	} else {
		++*ok;
	}
	return 0;
}

static int flood(unsigned int count, size_t size, const char *prefix)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(KC_CIPC_NAME, KC_CIPC_MAX_MSG);
	static uint8_t res[KC_CIPC_MAX_MSG];
	unsigned int sent = 0, got = 0, ok = 0, failed = 0;
	uint32_t version = KC_CIPC_VERSION;
	struct qb_ipc_request_header h = { .id = KC_CIPC_HELLO, .size = sizeof(h) + 4 };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = &version, .iov_len = 4 },
	};
	char *val = malloc(size + 1), key[256];
	int ret = 1;

	if (!c || !val || size > KC_SM_VALUE_MAX) {
		fprintf(stderr, "kc-cipc-probe: cannot connect\n");
		goto out;
	}
	memset(val, 'f', size);
	if (qb_ipcc_sendv_recv(c, iov, 2, res, sizeof(res), 5000) < 0)
		goto out;
	while (got < count) {
		struct kc_bytes m = { 0 };
		ssize_t n = -EAGAIN;

		if (sent < count) {
			snprintf(key, sizeof(key), "%s/%u", prefix, sent);
			if (kc_sm_mut_encode(&m, KC_SM_OP_SET, key, strlen(key), val, size))
				goto out;
			h = (struct qb_ipc_request_header){ .id = KC_CIPC_MUTATE,
							    .size = sizeof(h) + m.len };
			iov[1] = (struct iovec){ .iov_base = m.data, .iov_len = m.len };
			n = qb_ipcc_sendv(c, iov, 2);
			kc_bytes_free(&m);
			if (n >= 0) {
				sent++;
				if (sent - got < 64)
					continue;	/* keep up to 64 in flight */
			} else if (n != -EAGAIN) {
				fprintf(stderr, "kc-cipc-probe: send: %s\n", strerror((int)-n));
				goto out;
			}
		}
		if (recv_one(c, res, &ok, &failed))
			goto out;
		got++;
	}
	ret = failed ? 1 : 0;
out:
	printf("ok=%u failed=%u\n", ok, failed);
	if (c)
		qb_ipcc_disconnect(c);
	free(val);
	return ret;
}

static int32_t fake_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	(void)c;
	(void)uid;
	(void)gid;
	return 0;
}

static int32_t fake_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct qb_ipc_request_header h;
	struct qb_ipc_response_header rh = { .size = sizeof(rh) + 8 };
	uint32_t body[2] = { fake_version, 1 };
	struct iovec iov[2] = {
		{ .iov_base = &rh, .iov_len = sizeof(rh) },
		{ .iov_base = body, .iov_len = sizeof(body) },
	};

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	rh.id = h.id;
	qb_ipcs_response_sendv(c, iov, 2);
	return 0;
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(loop, p, data, fn);
}

static int32_t poll_add(enum qb_loop_priority p, int32_t fd, int32_t ev, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(loop, p, fd, ev, data, fn);
}

static int32_t poll_mod(enum qb_loop_priority p, int32_t fd, int32_t ev, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(loop, p, fd, ev, data, fn);
}

static int32_t poll_del(int32_t fd)
{
	return qb_loop_poll_del(loop, fd);
}

static int on_term(int sig, void *data)
{
	(void)sig;
	(void)data;
	qb_loop_stop(loop);
	return 0;
}

static int serve(void)
{
	struct qb_ipcs_service_handlers h = { .connection_accept = fake_accept, .msg_process = fake_msg };
	struct qb_ipcs_poll_handlers ph = { job_add, poll_add, poll_mod, poll_del };
	qb_ipcs_service_t *s;

	loop = qb_loop_create();
	s = qb_ipcs_create(KC_CIPC_NAME, 0, QB_IPC_NATIVE, &h);
	if (!loop || !s)
		return 1;
	qb_ipcs_enforce_buffer_size(s, KC_CIPC_MAX_MSG);
	qb_ipcs_poll_handlers_set(s, &ph);
	if (qb_ipcs_run(s)) {
		fprintf(stderr, "kc-cipc-probe: cannot serve %s\n", KC_CIPC_NAME);
		return 1;
	}
	qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, NULL, on_term, NULL);
	printf("serving\n");
	fflush(stdout);
	qb_loop_run(loop);
	qb_ipcs_destroy(s);
	qb_loop_destroy(loop);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hello"))
		return client(KC_CIPC_HELLO, (uint32_t)strtoul(argv[2], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "status-without-hello"))
		return client(KC_CIPC_STATUS, 0);
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		fake_version = (uint32_t)strtoul(argv[2], NULL, 10);
		return serve();
	}
	if (argc == 5 && !strcmp(argv[1], "flood"))
		return flood((unsigned int)strtoul(argv[2], NULL, 10),
			     (size_t)strtoul(argv[3], NULL, 10), argv[4]);
	fprintf(stderr, "usage: kc-cipc-probe hello N | status-without-hello | serve N |\n"
		"       flood COUNT SIZE PREFIX\n");
	return 2;
}
