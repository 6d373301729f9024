// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kc-repl-bench: the writer side of the replication benchmark (scripts/bench-repl.sh,
 * make bench-repl). Runs in one node's network namespace and talks to that node's
 * ksmbd-clusterd over its IPC (lib/clusterd_ipc.h).
 *
 *   kc-repl-bench [-w WRITERS] [-n COUNT | -d SECONDS] [-t TAG] [-o FILE] [-q]
 *
 * Each of WRITERS threads opens its own IPC connection and commits registry mutations in a
 * closed loop, one at a time: SET of a share record "share:bench-TAG-W-K" (K cycles over 16
 * names per writer, so the registry stays small and every mutation is a real replace). A
 * mutation's latency is the time from submitting it to clusterd's answer, which comes once the
 * mutation was ordered by corosync and applied (one libpstore transaction, synced) on this
 * node. With -n the writers share COUNT mutations; with -d they run for SECONDS.
 *
 * Progress goes to stderr once a second (-q: none); the summary to stdout:
 *   mutations=N failed=F seconds=S rate=R p50_us=A p99_us=B max_us=C
 * With -o every latency (microseconds, one per line) is written to FILE, so that several
 * processes' samples can be merged. Exit 0 when every mutation succeeded.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>

#include "clusterd_ipc.h"
#include "pstore.h"
#include "registry.h"
#include "statemachine.h"

#define BENCH_KEYS 16

struct writer {
	pthread_t th;
	unsigned int id;
	uint32_t *lat;		/* microseconds */
	size_t n, cap;
	unsigned int failed;
	int first_err;
	const char *why;
};

static const char *tag = "x";
static atomic_long budget;		/* -n: mutations left to start */
static atomic_long done_total, failed_total;
static volatile sig_atomic_t stop;
static struct timespec t_end;
static int use_deadline;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int build_mut(struct kc_bytes *m, unsigned int w, unsigned long i)
{
	struct pstore_share *s = (struct pstore_share *)pstore_rec_new(PSTORE_T_SHARE);
	char name[64], comment[64];
	int ret;

	if (!s)
		return -ENOMEM;
	snprintf(name, sizeof(name), "bench-%s-%u-%lu", tag, w, i % BENCH_KEYS);
	snprintf(comment, sizeof(comment), "write %lu", i);
	s->name = strdup(name);
	s->path = strdup("/srv/bench");
	s->comment = strdup(comment);
	ret = s->name && s->path && s->comment ? kc_registry_mut_put(m, KC_SM_OP_SET, &s->rec) :
						 -ENOMEM;
	pstore_rec_free(&s->rec);
	return ret;
}

static int call(qb_ipcc_connection_t *c, int32_t id, const void *p, size_t len, int *error)
{
	static __thread uint8_t res[4096];
	struct qb_ipc_request_header h = { .id = id, .size = sizeof(h) + len };
	struct qb_ipc_response_header rh;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)p, .iov_len = len },
	};
	ssize_t n = qb_ipcc_sendv_recv(c, iov, len ? 2 : 1, res, sizeof(res), 30000);

	if (n < (ssize_t)sizeof(rh))
		return n < 0 ? (int)n : -EPROTO;
	memcpy(&rh, res, sizeof(rh));
	*error = rh.error;
	return 0;
}

static int push(struct writer *w, uint32_t us)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;
		uint32_t *v = realloc(w->lat, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->lat = v;
		w->cap = cap;
	}
	w->lat[w->n++] = us;
	return 0;
}

static bool more(void)
{
	if (stop)
		return false;
	if (use_deadline) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return ts.tv_sec < t_end.tv_sec ||
		       (ts.tv_sec == t_end.tv_sec && ts.tv_nsec < t_end.tv_nsec);
	}
	return atomic_fetch_sub(&budget, 1) > 0;
}

static void *run_writer(void *arg)
{
	struct writer *w = arg;
	qb_ipcc_connection_t *c = qb_ipcc_connect(KC_CIPC_NAME, KC_CIPC_MAX_MSG);
	uint32_t version = KC_CIPC_VERSION;
	unsigned long i = 0;
	int error = 0;

	if (!c) {
		w->why = "cannot connect to ksmbd-clusterd";
		return NULL;
	}
	if (call(c, KC_CIPC_HELLO, &version, 4, &error) || error) {
		w->why = "HELLO refused";
		goto out;
	}
	while (more()) {
		struct kc_bytes m = { 0 };
		uint64_t t0;
		int ret;

		if (build_mut(&m, w->id, i++)) {
			w->why = "out of memory";
			break;
		}
		t0 = now_us();
		ret = call(c, KC_CIPC_MUTATE, m.data, m.len, &error);
		kc_bytes_free(&m);
		if (ret) {
			w->why = "no answer from ksmbd-clusterd";
			break;
		}
		if (error) {
			if (!w->failed++)
				w->first_err = error;
			atomic_fetch_add(&failed_total, 1);
			continue;
		}
		if (push(w, (uint32_t)(now_us() - t0))) {
			w->why = "out of memory";
			break;
		}
		atomic_fetch_add(&done_total, 1);
	}
out:
	qb_ipcc_disconnect(c);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t pct(const uint32_t *v, size_t n, unsigned int p)
{
	size_t i;

	if (!n)
		return 0;
	i = (n * p + 99) / 100;	/* nearest rank */
	return v[i ? i - 1 : 0];
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: kc-repl-bench [-w WRITERS] [-n COUNT | -d SECONDS] [-t TAG] "
		"[-o FILE] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int nw = 4, secs = 0;
	long count = 0;
	const char *out = NULL;
	struct writer *w;
	uint32_t *all;
	size_t n = 0;
	uint64_t t0, t1, last = 0;
	bool quiet = false, bad = false;
	unsigned int failed = 0;
	double s;
	int opt;

	while ((opt = getopt(argc, argv, "w:n:d:t:o:q")) != -1) {
		switch (opt) {
		case 'w': nw = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'd': secs = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 't': tag = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	if (optind != argc || !nw || nw > 256 || (count > 0) == (secs > 0) || count < 0)
		usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	atomic_store(&budget, count);
	if (secs) {
		use_deadline = 1;
		clock_gettime(CLOCK_MONOTONIC, &t_end);
		t_end.tv_sec += secs;
	}
	w = calloc(nw, sizeof(*w));
	if (!w)
		return 1;
	t0 = now_us();
	for (unsigned int i = 0; i < nw; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, run_writer, &w[i])) {
			fprintf(stderr, "kc-repl-bench: cannot start writer %u\n", i);
			return 1;
		}
	}
	/* progress until the writers are done (the budget or the deadline ran out) */
	while (!quiet) {
		long d = atomic_load(&done_total), f = atomic_load(&failed_total);
		bool finished = use_deadline ? now_us() >= t0 + (uint64_t)secs * 1000000u || stop :
					       atomic_load(&budget) <= 0 || stop;

		if (finished)
			break;
		if (now_us() - t0 >= 1000000u * (last + 1)) {
			last = (now_us() - t0) / 1000000u;
			fprintf(stderr, "kc-repl-bench[%s]: %lus: %ld mutations committed (%ld "
				"failed)\n", tag, (unsigned long)last, d, f);
		}
		usleep(50 * 1000);
	}
	for (unsigned int i = 0; i < nw; i++) {
		pthread_join(w[i].th, NULL);
		n += w[i].n;
		failed += w[i].failed;
		if (w[i].why) {
			fprintf(stderr, "kc-repl-bench: writer %u: %s\n", i, w[i].why);
			bad = true;
		}
		if (w[i].failed)
			fprintf(stderr, "kc-repl-bench: writer %u: %u failed, the first with %s\n",
				i, w[i].failed, strerror(-w[i].first_err));
	}
	t1 = now_us();
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		return 1;
	n = 0;
	for (unsigned int i = 0; i < nw; i++) {
		memcpy(all + n, w[i].lat, w[i].n * sizeof(*all));
		n += w[i].n;
		free(w[i].lat);
	}
	if (out) {
		FILE *f = fopen(out, "w");

		if (!f) {
			perror(out);
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%u\n", all[i]);
		if (fclose(f)) {
			perror(out);
			return 1;
		}
	}
	qsort(all, n, sizeof(*all), cmp_u32);
	s = (double)(t1 - t0) / 1e6;
	printf("mutations=%zu failed=%u seconds=%.3f rate=%.1f p50_us=%u p99_us=%u max_us=%u\n",
	       n, failed, s, s > 0 ? (double)n / s : 0.0, pct(all, n, 50), pct(all, n, 99),
	       n ? all[n - 1] : 0);
	free(all);
	free(w);
	return bad || failed || stop ? 1 : 0;
}
