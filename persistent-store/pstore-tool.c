// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstore-tool: look into and repair a node's persistent store (persistent-store/pstore.h).
 * A debugging aid; ksmbd-clusterd owns the databases in a running cluster.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pstore.h"

#define SNAPSHOT_MAX	(1024u << 20)

static const char usage_text[] =
	"Usage: pstore-tool COMMAND DIR [ARGS]\n"
	"\n"
	"Inspect the persistent store of a ksmbd-cluster node. DIR is the node's state\n"
	"directory; DB is one of: registry nodes handles locks leases connections.\n"
	"\n"
	"Commands:\n"
	"  init DIR                 create DIR (mode 0700) and every database (mode 0600)\n"
	"  check DIR [DB...]        check databases (default: every one present); prints\n"
	"                           \"DB: ok, generation G, N records\" or the first problem\n"
	"  dump [--secrets] DIR DB  print the generation and every record in key order;\n"
	"                           secrets (NT hashes) only with --secrets\n"
	"  generation DIR DB        print the generation number\n"
	"  snapshot DIR DB [FILE]   write a canonical snapshot to FILE (mode 0600) or stdout\n"
	"  restore DIR DB [FILE]    replace DB, atomically, by a snapshot from FILE or stdin\n"
	"  verify FILE              check a snapshot file; prints its database, generation\n"
	"                           and record count\n"
	"\n"
	"Opening a database after a crash replays the interrupted commit's recovery data,\n"
	"so every command but verify needs write access to DIR.\n"
	"\n"
	"Options: -h, --help  this text;  -V, --version  the version.\n"
	"Exit status: 0 success, 1 failure or a problem found, 2 usage error.\n";

static int usage_error(const char *msg)
{
	fprintf(stderr, "pstore-tool: %s\nTry 'pstore-tool --help'.\n", msg);
	return 2;
}

static int open_db(const char *dir, const char *name, unsigned int flags, struct pstore_db **db)
{
	struct pstore_err err;
	int id = pstore_db_lookup(name);

	if (id < 0) {
		fprintf(stderr, "pstore-tool: unknown database \"%s\"\n", name);
		return 2;
	}
	if (pstore_open(dir, (enum pstore_dbid)id, flags, db, &err)) {
		fprintf(stderr, "pstore-tool: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static int read_all(int fd, uint8_t **out, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= SNAPSHOT_MAX) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	struct pstore_db *db;
	struct pstore_err err;

	if (argc != 1)
		return usage_error("init takes DIR");
	for (int i = 0; i < PSTORE_DB_COUNT; i++) {
		if (pstore_open(argv[0], (enum pstore_dbid)i, PSTORE_CREATE, &db, &err)) {
			fprintf(stderr, "pstore-tool: %s\n", err.msg);
			return 1;
		}
		pstore_close(db);
	}
	return 0;
}

static int check_one(const char *dir, const char *name)
{
	struct pstore_db *db;
	struct pstore_err err;
	uint64_t gen = 0;
	size_t n = 0;
	int rc = open_db(dir, name, 0, &db);

	if (rc)
		return rc;
	if (pstore_check(db, &n, &err) || pstore_generation(db, &gen, &err)) {
		fprintf(stderr, "pstore-tool: %s\n", err.msg);
		rc = 1;
	} else {
		printf("%s: ok, generation %" PRIu64 ", %zu records\n", name, gen, n);
	}
	pstore_close(db);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	int rc = 0, r, found = 0;

	if (argc < 1)
		return usage_error("check takes DIR [DB...]");
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			r = check_one(argv[0], argv[i]);
			rc = r > rc ? r : rc;
		}
		return rc;
	}
	for (int i = 0; i < PSTORE_DB_COUNT; i++) {
		const char *name = pstore_db_name_of((enum pstore_dbid)i);
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s.tdb", argv[0], name);
		if (stat(path, &st))
			continue;
		found++;
		r = check_one(argv[0], name);
		rc = r > rc ? r : rc;
	}
	if (!found) {
		fprintf(stderr, "pstore-tool: %s: no databases\n", argv[0]);
		return 1;
	}
	return rc;
}

struct dump_ctx {
	bool secrets;
};

static int dump_one(const char *key, const struct pstore_rec *rec, void *arg)
{
	const struct dump_ctx *c = arg;

	printf("[%s]\n", key);
	pstore_rec_print(rec, stdout, c->secrets);
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	struct dump_ctx c = { false };
	struct pstore_db *db;
	struct pstore_err err;
	uint64_t gen;
	int rc;

	if (argc > 0 && !strcmp(argv[0], "--secrets")) {
		c.secrets = true;
		argc--;
		argv++;
	}
	if (argc != 2)
		return usage_error("dump takes [--secrets] DIR DB");
	rc = open_db(argv[0], argv[1], 0, &db);
	if (rc)
		return rc;
	if (pstore_generation(db, &gen, &err) ||
	    (printf("# %s, generation %" PRIu64 "\n", argv[1], gen),
	     pstore_foreach(db, 0, dump_one, &c, &err))) {
		fprintf(stderr, "pstore-tool: %s\n", err.msg);
		rc = 1;
	}
	pstore_close(db);
	return rc;
}

static int cmd_generation(int argc, char **argv)
{
	struct pstore_db *db;
	struct pstore_err err;
	uint64_t gen;
	int rc;

	if (argc != 2)
		return usage_error("generation takes DIR DB");
	rc = open_db(argv[0], argv[1], 0, &db);
	if (rc)
		return rc;
	if (pstore_generation(db, &gen, &err)) {
		fprintf(stderr, "pstore-tool: %s\n", err.msg);
		rc = 1;
	} else {
		printf("%" PRIu64 "\n", gen);
	}
	pstore_close(db);
	return rc;
}

static int cmd_snapshot(int argc, char **argv)
{
	struct pstore_db *db;
	struct pstore_err err;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc, fd = STDOUT_FILENO;

	if (argc != 2 && argc != 3)
		return usage_error("snapshot takes DIR DB [FILE]");
	if (argc == 2 && isatty(STDOUT_FILENO))
		return usage_error("will not write a snapshot to a terminal");
	rc = open_db(argv[0], argv[1], 0, &db);
	if (rc)
		return rc;
	if (pstore_snapshot(db, &buf, &len, &err)) {
		fprintf(stderr, "pstore-tool: %s\n", err.msg);
		pstore_close(db);
		return 1;
	}
	pstore_close(db);
	if (argc == 3) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "pstore-tool: %s: %s\n", argv[2], strerror(errno));
			pstore_buf_free(buf, len);
			return 1;
		}
	}
	rc = write_all(fd, buf, len);
	if (!rc && fd != STDOUT_FILENO && (fsync(fd) || close(fd)))
		rc = -errno;
	else if (fd != STDOUT_FILENO && rc)
		close(fd);
	pstore_buf_free(buf, len);
	if (rc) {
		fprintf(stderr, "pstore-tool: writing the snapshot: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}

static int load_file(const char *path, uint8_t **buf, size_t *len)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO, rc;

	if (fd < 0) {
		fprintf(stderr, "pstore-tool: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = read_all(fd, buf, len);
	if (path)
		close(fd);
	if (rc) {
		fprintf(stderr, "pstore-tool: %s: %s\n", path ? path : "stdin", strerror(-rc));
		return 1;
	}
	return 0;
}

static int cmd_restore(int argc, char **argv)
{
	struct pstore_db *db;
	struct pstore_err err;
	uint8_t *buf;
	size_t len;
	int rc;

	if (argc != 2 && argc != 3)
		return usage_error("restore takes DIR DB [FILE]");
	if (load_file(argc == 3 ? argv[2] : NULL, &buf, &len))
		return 1;
	rc = open_db(argv[0], argv[1], PSTORE_CREATE, &db);
	if (!rc) {
		if (pstore_restore(db, buf, len, &err)) {
			fprintf(stderr, "pstore-tool: %s\n", err.msg);
			rc = 1;
		}
		pstore_close(db);
	}
	pstore_buf_free(buf, len);
	return rc;
}

static int cmd_verify(int argc, char **argv)
{
	struct pstore_err err;
	uint64_t gen, n;
	uint8_t *buf;
	size_t len;
	int id, rc = 0;

	if (argc != 1)
		return usage_error("verify takes FILE");
	if (load_file(argv[0], &buf, &len))
		return 1;
	if (pstore_snapshot_verify(buf, len, &id, &gen, &n, &err)) {
		fprintf(stderr, "pstore-tool: %s: %s\n", argv[0], err.msg);
		rc = 1;
	} else {
		printf("%s: ok, generation %" PRIu64 ", %" PRIu64 " records\n",
		       pstore_db_name_of((enum pstore_dbid)id), gen, n);
	}
	pstore_buf_free(buf, len);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "init", cmd_init },
	{ "check", cmd_check },
	{ "dump", cmd_dump },
	{ "generation", cmd_generation },
	{ "snapshot", cmd_snapshot },
	{ "restore", cmd_restore },
	{ "verify", cmd_verify },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("missing command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("pstore-tool %s\n", KC_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "pstore-tool: unknown command \"%s\"\nTry 'pstore-tool --help'.\n",
		argv[1]);
	return 2;
}
