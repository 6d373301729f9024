/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lib/passdb.c: the file format and its diagnostics, user name rules,
 * case-insensitive lookups, editing, and the atomic 0600 write.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "passdb.h"

static const uint8_t hash_password[16] = {	/* NT hash of "Password", MS-NLMP 4.2.2.1.2 */
	0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
	0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52,
};

/* Parse text as "pdb"; the diagnostics in *diag (caller frees). */
static int parse(const char *text, struct kc_passdb **db, char **diag)
{
	size_t len;
	FILE *f = open_memstream(diag, &len);
	int ret;

	assert_non_null(f);
	ret = kc_passdb_parse("pdb", text, strlen(text), db, f);
	fclose(f);
	return ret;
}

static void expect_errors(const char *text, const char *want)
{
	struct kc_passdb *db = (struct kc_passdb *)1;
	char *diag;

	assert_int_equal(parse(text, &db, &diag), -1);
	assert_null(db);
	assert_string_equal(diag, want);
	free(diag);
}

static void test_parse_good(void **state)
{
	struct kc_passdb *db;
	uint8_t h[16];
	char *diag;

	(void)state;
	assert_int_equal(parse("# users\n"
			       "\n"
			       "   # indented comment\n"
			       "alice:A4F49C406510BDCAB6824EE7C30FD852\n"
			       "J\xc3\xb6rg:a4f49c406510bdcab6824ee7c30fd852\r\n"
			       "  \t\n"
			       "bob:00000000000000000000000000000000", &db, &diag), 0);
	assert_string_equal(diag, "");
	assert_int_equal(kc_passdb_count(db), 3);
	assert_string_equal(kc_passdb_name(db, 0), "alice");
	assert_string_equal(kc_passdb_name(db, 1), "J\xc3\xb6rg");
	assert_string_equal(kc_passdb_name(db, 2), "bob");
	assert_null(kc_passdb_name(db, 3));
	assert_int_equal(kc_passdb_lookup(db, "ALICE", h), 0);
	assert_memory_equal(h, hash_password, 16);
	assert_int_equal(kc_passdb_lookup(db, "j\xc3\x96RG", h), 0);	/* Latin-1 case */
	assert_memory_equal(h, hash_password, 16);
	assert_int_equal(kc_passdb_lookup(db, "carol", h), -ENOENT);
	assert_int_equal(kc_passdb_lookup(db, "alic", h), -ENOENT);
	kc_passdb_free(db);
	free(diag);
	/* empty text */
	assert_int_equal(parse("", &db, &diag), 0);
	assert_int_equal(kc_passdb_count(db), 0);
	kc_passdb_free(db);
	free(diag);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_errors("alice\n", "pdb:1: error: expected NAME:NTHASH\n");
	expect_errors(":A4F49C406510BDCAB6824EE7C30FD852\n", "pdb:1: error: the user name is empty\n");
	expect_errors("a/b:A4F49C406510BDCAB6824EE7C30FD852\n",
		      "pdb:1: error: the user name contains '/' (not allowed: \"/\\[]:;|=,+*?<>@)\n");
	expect_errors("alice:A4F49C406510BDCAB6824EE7C30FD85\n",
		      "pdb:1: error: the NT hash of 'alice' is not 32 hexadecimal digits\n");
	expect_errors("alice:A4F49C406510BDCAB6824EE7C30FD8522\n",
		      "pdb:1: error: the NT hash of 'alice' is not 32 hexadecimal digits\n");
	expect_errors("alice:G4F49C406510BDCAB6824EE7C30FD852\n",
		      "pdb:1: error: the NT hash of 'alice' is not 32 hexadecimal digits\n");
	expect_errors("alice:A4F49C406510BDCAB6824EE7C30FD852 \n",
		      "pdb:1: error: the NT hash of 'alice' is not 32 hexadecimal digits\n");
	expect_errors(" alice:A4F49C406510BDCAB6824EE7C30FD852\n",
		      "pdb:1: error: the user name starts or ends with a space\n");
	expect_errors("alice:A4F49C406510BDCAB6824EE7C30FD852\n"
		      "# bob\n"
		      "ALICE:A4F49C406510BDCAB6824EE7C30FD852\n",
		      "pdb:3: error: user 'ALICE' already defined on line 1\n");
	/* every error, in line order */
	expect_errors("x\n"
		      "ok:A4F49C406510BDCAB6824EE7C30FD852\n"
		      "bad\xff:A4F49C406510BDCAB6824EE7C30FD852\n"
		      "y:1\n",
		      "pdb:1: error: expected NAME:NTHASH\n"
		      "pdb:3: error: the user name is not valid UTF-8\n"
		      "pdb:4: error: the NT hash of 'y' is not 32 hexadecimal digits\n");
	/* a NUL byte */
	{
		static const char text[] = "a:A4F49C406510BDCAB6824EE7C30FD852\nb\0c\n";
		struct kc_passdb *db;
		char *diag;
		size_t len;
		FILE *f = open_memstream(&diag, &len);

		assert_int_equal(kc_passdb_parse("pdb", text, sizeof(text) - 1, &db, f), -1);
		fclose(f);
		assert_string_equal(diag, "pdb:2: error: NUL byte\n");
		free(diag);
	}
}

static void test_name_rules(void **state)
{
	static const struct { const char *name; bool ok; } v[] = {
		{ "alice", true }, { "Alice Smith", true }, { "a.b-c_d$", true },
		{ "J\xc3\xb6rg", true }, { "\xe5\xb1\xb1\xe7\x94\xb0", true },
		{ "", false }, { " a", false }, { "a ", false }, { "..", false }, { ". .", false },
		{ "#a", false }, { "a#", true }, { "a:b", false }, { "a\\b", false },
		{ "a@b", false }, { "a\tb", false }, { "a\x7f", false }, { "\xc3", false },
		{ "a\"b", false }, { "a*", false }, { "a<b>", false },
	};
	char why[128], name[80];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		print_message("# name '%s'\n", v[i].name);
		assert_int_equal(kc_passdb_name_valid(v[i].name, why, sizeof(why)), v[i].ok);
	}
	memset(name, 'x', 64);
	name[64] = '\0';
	assert_true(kc_passdb_name_valid(name, why, sizeof(why)));
	name[64] = 'x';
	name[65] = '\0';
	assert_false(kc_passdb_name_valid(name, why, sizeof(why)));
	assert_string_equal(why, "the user name is longer than 64 characters");
}

static void test_hash_password(void **state)
{
	uint8_t h[16];
	char why[128], pw[KC_PASSDB_PASSWORD_MAX + 2];

	(void)state;
	assert_int_equal(kc_passdb_hash_password("Password", h, why, sizeof(why)), 0);
	assert_memory_equal(h, hash_password, 16);
	assert_int_equal(kc_passdb_hash_password("", h, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "empty passwords are not allowed");
	assert_int_equal(kc_passdb_hash_password("\xc3(", h, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "the password is not valid UTF-8");
	memset(pw, 'p', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	assert_int_equal(kc_passdb_hash_password(pw, h, why, sizeof(why)), -EINVAL);
	pw[KC_PASSDB_PASSWORD_MAX] = '\0';
	assert_int_equal(kc_passdb_hash_password(pw, h, why, sizeof(why)), 0);
}

static void test_edit(void **state)
{
	struct kc_passdb *db = kc_passdb_new();
	uint8_t h[16], zero[16] = { 0 };

	(void)state;
	assert_non_null(db);
	assert_int_equal(kc_passdb_add(db, "alice", hash_password), 0);
	assert_int_equal(kc_passdb_add(db, "bob", zero), 0);
	assert_int_equal(kc_passdb_add(db, "ALICE", zero), -EEXIST);
	assert_int_equal(kc_passdb_add(db, "a:b", zero), -EINVAL);
	assert_int_equal(kc_passdb_set(db, "Bob", hash_password), 0);
	assert_int_equal(kc_passdb_lookup(db, "bob", h), 0);
	assert_memory_equal(h, hash_password, 16);
	assert_int_equal(kc_passdb_set(db, "carol", zero), -ENOENT);
	assert_int_equal(kc_passdb_del(db, "carol"), -ENOENT);
	assert_int_equal(kc_passdb_del(db, "ALICE"), 0);
	assert_int_equal(kc_passdb_count(db), 1);
	assert_string_equal(kc_passdb_name(db, 0), "bob");
	assert_int_equal(kc_passdb_lookup(db, "alice", h), -ENOENT);
	assert_int_equal(kc_passdb_del(db, "bob"), 0);
	assert_int_equal(kc_passdb_count(db), 0);
	kc_passdb_free(db);
	kc_passdb_free(NULL);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 4096);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 4095, f) > 0);
	fclose(f);
	return buf;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_save_and_load(void **state)
{
	char dir[] = "/tmp/kc-passdb-XXXXXX", path[64], *text, *diag;
	struct kc_passdb *db, *back;
	struct stat st;
	size_t dlen;
	FILE *f;
	mode_t old;
	uint8_t h[16];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/passdb", dir);
	/* a missing file is an empty database */
	assert_int_equal(kc_passdb_load(path, &db, stderr), 0);
	assert_int_equal(kc_passdb_count(db), 0);
	assert_int_equal(kc_passdb_add(db, "alice", hash_password), 0);
	assert_int_equal(kc_passdb_add(db, "J\xc3\xb6rg", hash_password), 0);
	old = umask(0);		/* the mode must not depend on the umask */
	assert_int_equal(kc_passdb_save(db, path, stderr), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = read_file(path);
	assert_non_null(strstr(text, "\nalice:A4F49C406510BDCAB6824EE7C30FD852\n"
				     "J\xc3\xb6rg:A4F49C406510BDCAB6824EE7C30FD852\n"));
	assert_int_equal(text[0], '#');
	free(text);
	assert_int_equal(count_entries(dir), 1);	/* no temporary file left */
	assert_int_equal(kc_passdb_load(path, &back, stderr), 0);
	assert_int_equal(kc_passdb_count(back), 2);
	assert_int_equal(kc_passdb_lookup(back, "JÖRG", h), 0);
	kc_passdb_free(back);

	/* a group-readable file loads with a warning; saving makes it 0600 again */
	assert_int_equal(chmod(path, 0644), 0);
	f = open_memstream(&diag, &dlen);
	assert_int_equal(kc_passdb_load(path, &back, f), 0);
	fclose(f);
	assert_non_null(strstr(diag, ": warning: readable or writable by group or others (mode 0644)"));
	free(diag);
	assert_int_equal(kc_passdb_save(back, path, stderr), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	kc_passdb_free(back);

	/* errors name the file */
	f = open_memstream(&diag, &dlen);
	assert_int_equal(kc_passdb_load(dir, &back, f), -1);
	fclose(f);
	assert_non_null(strstr(diag, ": error: not a regular file"));
	free(diag);
	snprintf(path, sizeof(path), "%s/nodir/passdb", dir);
	f = open_memstream(&diag, &dlen);
	assert_int_equal(kc_passdb_save(db, path, f), -1);
	fclose(f);
	assert_non_null(strstr(diag, "nodir/passdb: error: cannot create a temporary file: "
				     "No such file or directory"));
	free(diag);
	kc_passdb_free(db);

	/* a corrupt file: the load fails with file:line */
	snprintf(path, sizeof(path), "%s/passdb", dir);
	f = fopen(path, "a");
	fputs("broken line\n", f);
	fclose(f);
	f = open_memstream(&diag, &dlen);
	assert_int_equal(kc_passdb_load(path, &back, f), -1);
	fclose(f);
	assert_non_null(strstr(diag, "/passdb:5: error: expected NAME:NTHASH"));
	free(diag);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_lock(void **state)
{
	char dir[] = "/tmp/kc-passdb-XXXXXX", path[64], lock[80];
	int fd, other;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/passdb", dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	fd = kc_passdb_lock(path);
	assert_true(fd >= 0);
	other = open(lock, O_RDWR);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	close(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	assert_int_equal(kc_passdb_lock("/nonexistent-dir/passdb"), -ENOENT);
	unlink(lock);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_hash_password),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_save_and_load),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
