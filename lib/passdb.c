/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMB user database file: parsing, checking, atomic writing. See passdb.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ntlmssp.h"
#include "passdb.h"
#include "util.h"

struct kc_passdb_entry {
	char *name;
	uint8_t hash[KC_PASSDB_HASH_LEN];
	unsigned int line;	/* where it was read; 0 when added */
};

struct kc_passdb {
	struct kc_passdb_entry *e;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3))) diag_printf(FILE *diag, const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return;
	va_start(ap, fmt);
	vfprintf(diag, fmt, ap);
	va_end(ap);
	fputc('\n', diag);
}

struct kc_passdb *kc_passdb_new(void)
{
	return calloc(1, sizeof(struct kc_passdb));
}

void kc_passdb_free(struct kc_passdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++) {
		free(db->e[i].name);
		explicit_bzero(db->e[i].hash, KC_PASSDB_HASH_LEN);
	}
	free(db->e);
	free(db);
}

size_t kc_passdb_count(const struct kc_passdb *db)
{
	return db->n;
}

const char *kc_passdb_name(const struct kc_passdb *db, size_t i)
{
	return i < db->n ? db->e[i].name : NULL;
}

static struct kc_passdb_entry *find(const struct kc_passdb *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (ntlmssp_name_equal(db->e[i].name, name))
			return &db->e[i];
	return NULL;
}

int kc_passdb_lookup(const struct kc_passdb *db, const char *name,
		     uint8_t hash[KC_PASSDB_HASH_LEN])
{
	const struct kc_passdb_entry *e = find(db, name);

	if (!e)
		return -ENOENT;
	memcpy(hash, e->hash, KC_PASSDB_HASH_LEN);
	return 0;
}

bool kc_passdb_name_valid(const char *name, char *why, size_t whylen)
{
	static const char forbidden[] = "\"/\\[]:;|=,+*?<>@";
	size_t len = strlen(name), chars;
	const char *p;

#define BAD(...) do { snprintf(why, whylen, __VA_ARGS__); return false; } while (0)
	if (!len)
		BAD("the user name is empty");
	if (!kc_utf8_valid(name, len, NULL))
		BAD("the user name is not valid UTF-8");
	chars = kc_utf8_len(name);
	if (chars > KC_PASSDB_NAME_MAX)
		BAD("the user name is longer than %d characters", KC_PASSDB_NAME_MAX);
	if (len > KC_PASSDB_NAME_BYTES)
		BAD("the user name is longer than %d bytes", KC_PASSDB_NAME_BYTES);
	for (p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			BAD("the user name contains a control character");
		if (strchr(forbidden, *p))
			BAD("the user name contains '%c' (not allowed: %s)", *p, forbidden);
	}
	if (name[0] == '#')
		BAD("the user name starts with '#'");
	if (name[0] == ' ' || name[len - 1] == ' ')
		BAD("the user name starts or ends with a space");
	if (strspn(name, ". ") == len)
		BAD("the user name is only dots and spaces");
#undef BAD
	return true;
}

int kc_passdb_hash_password(const char *password, uint8_t hash[KC_PASSDB_HASH_LEN], char *why,
			    size_t whylen)
{
	size_t len = strlen(password);

	if (!len) {
		snprintf(why, whylen, "empty passwords are not allowed");
		return -EINVAL;
	}
	if (!kc_utf8_valid(password, len, NULL)) {
		snprintf(why, whylen, "the password is not valid UTF-8");
		return -EINVAL;
	}
	if (kc_utf8_len(password) > KC_PASSDB_PASSWORD_MAX) {
		snprintf(why, whylen, "the password is longer than %d characters",
			 KC_PASSDB_PASSWORD_MAX);
		return -EINVAL;
	}
	return ntlmssp_nt_hash(password, hash);
}

static int append(struct kc_passdb *db, const char *name, size_t len,
		  const uint8_t hash[KC_PASSDB_HASH_LEN], unsigned int line)
{
	struct kc_passdb_entry *e;

	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 16;

		e = realloc(db->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		db->e = e;
		db->cap = cap;
	}
	e = &db->e[db->n];
	e->name = strndup(name, len);
	if (!e->name)
		return -ENOMEM;
	memcpy(e->hash, hash, KC_PASSDB_HASH_LEN);
	e->line = line;
	db->n++;
	return 0;
}

int kc_passdb_add(struct kc_passdb *db, const char *name, const uint8_t hash[KC_PASSDB_HASH_LEN])
{
	char why[128];

	if (!kc_passdb_name_valid(name, why, sizeof(why)))
		return -EINVAL;
	if (find(db, name))
		return -EEXIST;
	return append(db, name, strlen(name), hash, 0);
}

int kc_passdb_set(struct kc_passdb *db, const char *name, const uint8_t hash[KC_PASSDB_HASH_LEN])
{
	struct kc_passdb_entry *e = find(db, name);

	if (!e)
		return -ENOENT;
	memcpy(e->hash, hash, KC_PASSDB_HASH_LEN);
	return 0;
}

int kc_passdb_del(struct kc_passdb *db, const char *name)
{
	struct kc_passdb_entry *e = find(db, name);
	size_t i;

	if (!e)
		return -ENOENT;
	i = (size_t)(e - db->e);
	free(e->name);
	explicit_bzero(e->hash, KC_PASSDB_HASH_LEN);
	memmove(e, e + 1, (db->n - i - 1) * sizeof(*e));
	db->n--;
	return 0;
}

/* ---- reading ----------------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = kc_tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One "name:HASH" line (without its end); 0, or -1 after reporting the error. */
static int parse_line(struct kc_passdb *db, const char *file, unsigned int ln, const char *s,
		      size_t len, FILE *diag)
{
	uint8_t hash[KC_PASSDB_HASH_LEN];
	const char *colon = memchr(s, ':', len);
	const struct kc_passdb_entry *dup;
	char why[128], *name;
	size_t nlen, hlen;
	int ret = -1;
	bool ok;

	if (!colon) {
		diag_printf(diag, "%s:%u: error: expected NAME:NTHASH", file, ln);
		return -1;
	}
	nlen = (size_t)(colon - s);
	hlen = len - nlen - 1;
	name = strndup(s, nlen);
	if (!name) {
		diag_printf(diag, "%s:%u: error: out of memory", file, ln);
		return -1;
	}
	if (!kc_passdb_name_valid(name, why, sizeof(why))) {
		diag_printf(diag, "%s:%u: error: %s", file, ln, why);
		goto out;
	}
	ok = hlen == 2 * KC_PASSDB_HASH_LEN;
	for (size_t i = 0; ok && i < hlen; i++)
		ok = hexval(colon[1 + i]) >= 0;
	if (!ok) {
		diag_printf(diag, "%s:%u: error: the NT hash of '%s' is not 32 hexadecimal digits",
			    file, ln, name);
		goto out;
	}
	for (size_t i = 0; i < KC_PASSDB_HASH_LEN; i++)
		hash[i] = (uint8_t)(hexval(colon[1 + 2 * i]) << 4 | hexval(colon[2 + 2 * i]));
	dup = find(db, name);
	if (dup)
		diag_printf(diag, "%s:%u: error: user '%s' already defined on line %u", file, ln,
			    name, dup->line);
	else if (append(db, name, nlen, hash, ln))
		diag_printf(diag, "%s:%u: error: out of memory", file, ln);
	else
		ret = 0;
	explicit_bzero(hash, sizeof(hash));
out:
	free(name);
	return ret;
}

int kc_passdb_parse(const char *name, const char *text, size_t len, struct kc_passdb **out,
		    FILE *diag)
{
	struct kc_passdb *db = kc_passdb_new();
	unsigned int ln = 0;
	size_t pos = 0;
	int errors = 0;

	*out = NULL;
	if (!db) {
		diag_printf(diag, "%s: error: out of memory", name);
		return -1;
	}
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos, t = 0;

		pos += l + (nl ? 1 : 0);
		ln++;
		if (l && s[l - 1] == '\r')
			l--;
		if (memchr(s, '\0', l)) {
			diag_printf(diag, "%s:%u: error: NUL byte", name, ln);
			errors++;
			continue;
		}
		while (t < l && kc_isspace(s[t]))
			t++;
		if (t == l || s[t] == '#')
			continue;
		if (parse_line(db, name, ln, s, l, diag))
			errors++;
	}
	if (errors) {
		kc_passdb_free(db);
		return -1;
	}
	*out = db;
	return 0;
}

int kc_passdb_load(const char *path, struct kc_passdb **out, FILE *diag)
{
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	size_t got = 0;
	int fd, ret = -1;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*out = kc_passdb_new();
		return *out ? 0 : -1;
	}
	if (fd < 0 || fstat(fd, &st)) {
		diag_printf(diag, "%s: error: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > KC_PASSDB_FILE_MAX) {
		diag_printf(diag, "%s: error: %s", path, S_ISREG(st.st_mode) ?
			    "file too large" : "not a regular file");
		goto out;
	}
	if (st.st_mode & 077)
		diag_printf(diag, "%s: warning: readable or writable by group or others (mode %04o);"
			    " it holds password hashes and should be 0600", path,
			    (unsigned int)(st.st_mode & 07777));
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		diag_printf(diag, "%s: error: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size &&
	       (r = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_printf(diag, "%s: error: %s", path, strerror(errno));
			goto out;
		}
		got += (size_t)r;
	}
	ret = kc_passdb_parse(path, buf, got, out, diag);
out:
	if (buf) {
		explicit_bzero(buf, got);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* ---- writing ----------------------------------------------------------------------------- */

static const char file_header[] =
	"# ksmbd-cluster SMB users: NAME:NTHASH, the NT hash being the MD4 of the UTF-16LE\n"
	"# password in hexadecimal. Written by 'ksmbd-cluster user'; see docs/users.md.\n";

/* The file's contents (caller wipes and frees); NULL when out of memory. */
static char *render(const struct kc_passdb *db, size_t *len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t cap = sizeof(file_header), off;
	char *buf;

	for (size_t i = 0; i < db->n; i++)
		cap += strlen(db->e[i].name) + 2 + 2 * KC_PASSDB_HASH_LEN;
	buf = malloc(cap);
	if (!buf)
		return NULL;
	memcpy(buf, file_header, sizeof(file_header) - 1);
	off = sizeof(file_header) - 1;
	for (size_t i = 0; i < db->n; i++) {
		size_t nl = strlen(db->e[i].name);

		memcpy(buf + off, db->e[i].name, nl);
		off += nl;
		buf[off++] = ':';
		for (size_t k = 0; k < KC_PASSDB_HASH_LEN; k++) {
			buf[off++] = hex[db->e[i].hash[k] >> 4];
			buf[off++] = hex[db->e[i].hash[k] & 15];
		}
		buf[off++] = '\n';
	}
	*len = off;
	return buf;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fsync the directory holding path, so that the rename is durable. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ret = fsync(fd);
		close(fd);
	}
	free(copy);
	return ret;
}

int kc_passdb_save(const struct kc_passdb *db, const char *path, FILE *diag)
{
	size_t len = 0, plen = strlen(path);
	char *tmp = malloc(plen + 8), *text = render(db, &len);
	int fd = -1, err = ENOMEM;
	const char *what = "";

	if (!tmp || !text)
		goto fail;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkostemp(tmp, O_CLOEXEC);		/* mode 0600 */
	if (fd < 0) {
		err = errno;
		what = "cannot create a temporary file: ";
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	if (fchmod(fd, 0600) || write_all(fd, text, len) || fsync(fd)) {
		err = errno;
		what = "write failed: ";
		goto fail;
	}
	err = close(fd) ? errno : 0;
	fd = -1;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		what = "cannot replace the file: ";
		goto fail;
	}
	free(tmp);
	tmp = NULL;
	if (sync_dir(path)) {
		err = errno;
		what = "fsync of the directory failed: ";
		goto fail;
	}
	explicit_bzero(text, len);
	free(text);
	return 0;
fail:
	diag_printf(diag, "%s: error: %s%s", path, what, strerror(err));
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
	return -1;
}

int kc_passdb_lock(const char *path)
{
	size_t plen = strlen(path);
	char *lock = malloc(plen + 6);
	int fd, err;

	if (!lock)
		return -ENOMEM;
	memcpy(lock, path, plen);
	memcpy(lock + plen, ".lock", 6);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	err = errno;
	free(lock);
	if (fd < 0)
		return -err;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			err = errno;
			close(fd);
			return -err;
		}
	}
	return fd;
}
