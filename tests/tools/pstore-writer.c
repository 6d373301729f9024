// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstore-writer: the workload of the kill -9 test (tests/pstore/01-crash.t).
 *
 *   pstore-writer write DIR COUNT   continue the numbered stream in DIR's registry from its
 *                                   generation up to COUNT transactions; after each commit
 *                                   print "committed G" (the new generation) and flush
 *   pstore-writer verify DIR ACKED  check the registry and that it holds exactly transactions
 *                                   0..G-1 of the stream, with ACKED <= G <= ACKED + 1 (every
 *                                   acknowledged commit is there, at most one more)
 *
 * Transaction i puts the option "seq" = i, puts shares t<i>-0 .. t<i>-3 (paths and ~1.5 KiB
 * comments derived from i and j, so a torn write shows), and deletes share t<i-1>-0. After G
 * transactions the registry therefore holds exactly: option seq = G-1, shares t<i>-1..3 for
 * every i < G, and t<G-1>-0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pstore.h"

#define SHARES	4

static void name_of(char *buf, size_t size, uint64_t i, int j)
{
	snprintf(buf, size, "t%" PRIu64 "-%d", i, j);
}

static char *path_of(uint64_t i, int j)
{
	char *p;

	return asprintf(&p, "/srv/stream/%" PRIu64 "/%d", i, j) < 0 ? NULL : p;
}

static char *comment_of(uint64_t i, int j)
{
	char unit[48], *c = malloc(1601);
	size_t n = 0, u;

	if (!c)
		return NULL;
	u = (size_t)snprintf(unit, sizeof(unit), "%" PRIu64 ".%d,", i, j);
	while (n + u <= 1600) {
		memcpy(c + n, unit, u);
		n += u;
	}
	c[n] = '\0';
	return c;
}

static int fail(const char *what, const struct pstore_err *err)
{
	fprintf(stderr, "pstore-writer: %s: %s\n", what, err ? err->msg : "");
	return 1;
}

static int one_txn(struct pstore_db *db, uint64_t i, struct pstore_err *err)
{
	struct pstore_option *o = (void *)pstore_rec_new(PSTORE_T_OPTION);
	char name[48], key[64], num[24];
	int rc;

	if (!o)
		return -ENOMEM;
	rc = pstore_begin(db, err);
	if (rc) {
		pstore_rec_free(&o->rec);
		return rc;
	}
	snprintf(num, sizeof(num), "%" PRIu64, i);
	o->key = strdup("seq");
	o->value = strdup(num);
	rc = o->key && o->value ? pstore_put(db, &o->rec, err) : -ENOMEM;
	pstore_rec_free(&o->rec);
	for (int j = 0; !rc && j < SHARES; j++) {
		struct pstore_share *s = (void *)pstore_rec_new(PSTORE_T_SHARE);

		if (!s) {
			rc = -ENOMEM;
			break;
		}
		name_of(name, sizeof(name), i, j);
		s->name = strdup(name);
		s->path = path_of(i, j);
		s->comment = comment_of(i, j);
		rc = s->name && s->path && s->comment ? pstore_put(db, &s->rec, err) : -ENOMEM;
		pstore_rec_free(&s->rec);
	}
	if (!rc && i > 0) {
		name_of(name, sizeof(name), i - 1, 0);
		snprintf(key, sizeof(key), "share:%s", name);
		rc = pstore_del(db, key, err);
	}
	if (rc) {
		pstore_cancel(db, NULL);
		return rc;
	}
	return pstore_commit(db, err);
}

static int do_write(const char *dir, uint64_t count)
{
	struct pstore_db *db;
	struct pstore_err err;
	uint64_t gen;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pstore_open(dir, PSTORE_DB_REGISTRY, PSTORE_CREATE, &db, &err))
		return fail("open", &err);
	if (pstore_generation(db, &gen, &err))
		return fail("generation", &err);
	for (uint64_t i = gen; i < count; i++) {
		if (one_txn(db, i, &err))
			return fail("transaction", &err);
		printf("committed %" PRIu64 "\n", i + 1);
	}
	pstore_close(db);
	return 0;
}

struct expect {
	uint64_t gen;
	size_t seen;
	const char *problem;
	char detail[200];
};

static int check_share(const struct pstore_share *s, uint64_t g, struct expect *e)
{
	uint64_t i;
	int j, used = 0;
	char *path, *comment;
	bool want;

	if (sscanf(s->name, "t%" SCNu64 "-%d%n", &i, &j, &used) != 2 ||
	    (size_t)used != strlen(s->name) || j < 0 || j >= SHARES) {
		snprintf(e->detail, sizeof(e->detail), "unexpected share %s", s->name);
		return 1;
	}
	want = i < g && (j != 0 || i == g - 1);
	if (!want) {
		snprintf(e->detail, sizeof(e->detail),
			 "share %s present at generation %" PRIu64, s->name, g);
		return 1;
	}
	path = path_of(i, j);
	comment = comment_of(i, j);
	if (!path || !comment || strcmp(path, s->path) || !s->comment ||
	    strcmp(comment, s->comment))
		snprintf(e->detail, sizeof(e->detail), "share %s has wrong contents", s->name);
	free(path);
	free(comment);
	if (e->detail[0])
		return 1;
	e->seen++;
	return 0;
}

static int visit(const char *key, const struct pstore_rec *rec, void *arg)
{
	struct expect *e = arg;
	uint64_t g = e->gen;

	(void)key;
	if (rec->type == PSTORE_T_SHARE)
		return check_share((const void *)rec, g, e);
	if (rec->type == PSTORE_T_OPTION) {
		const struct pstore_option *o = (const void *)rec;
		char want[24];

		snprintf(want, sizeof(want), "%" PRIu64, g - 1);
		if (g == 0 || strcmp(o->key, "seq") || strcmp(o->value, want)) {
			snprintf(e->detail, sizeof(e->detail), "option %s = %s at generation %"
				 PRIu64, o->key, o->value, g);
			return 1;
		}
		e->seen++;
		return 0;
	}
	snprintf(e->detail, sizeof(e->detail), "unexpected record %s", key);
	return 1;
}

static int do_verify(const char *dir, uint64_t acked)
{
	struct expect e = { 0 };
	struct pstore_db *db;
	struct pstore_err err;
	size_t n, want;
	int rc;

	if (pstore_open(dir, PSTORE_DB_REGISTRY, 0, &db, &err))
		return fail("open", &err);
	if (pstore_check(db, &n, &err))
		return fail("check", &err);
	if (pstore_generation(db, &e.gen, &err))
		return fail("generation", &err);
	if (e.gen < acked || e.gen > acked + 1) {
		fprintf(stderr, "pstore-writer: generation %" PRIu64 " but %" PRIu64
			" commits were acknowledged\n", e.gen, acked);
		return 1;
	}
	rc = pstore_foreach(db, 0, visit, &e, &err);
	if (rc < 0)
		return fail("foreach", &err);
	if (rc > 0) {
		fprintf(stderr, "pstore-writer: %s\n", e.detail);
		return 1;
	}
	want = e.gen ? 1 + 3 * e.gen + 1 : 0;
	if (e.seen != want || n != want) {
		fprintf(stderr,
			"pstore-writer: %zu records (%zu checked), expected %zu at generation %"
			PRIu64 "\n", n, e.seen, want, e.gen);
		return 1;
	}
	pstore_close(db);
	printf("generation %" PRIu64 ", %zu records: the prefix 0..%" PRIu64 "\n", e.gen, n,
	       e.gen);
	return 0;
}

int main(int argc, char **argv)
{
	char *end;
	uint64_t n;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "verify"))) {
		fprintf(stderr, "usage: pstore-writer write DIR COUNT | verify DIR ACKED\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[3], &end, 10);
	if (errno || *end || end == argv[3]) {
		fprintf(stderr, "pstore-writer: bad number %s\n", argv[3]);
		return 2;
	}
	return !strcmp(argv[1], "write") ? do_write(argv[2], n) : do_verify(argv[2], n);
}
