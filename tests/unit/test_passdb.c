/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lib/passdb.c: the file format and its diagnostics, user name rules,
 * case-insensitive lookups, editing, and the atomic 0600 write; and of what it is built on:
 * MD4 (lib/md4.c, the RFC 1320 test suite), the NT hash (MS-NLMP 4.2.2.1.2), UTF-8 <-> UTF-16LE
 * conversion and the folding of user names (lib/ntlmssp.[ch]).
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

#include "md4.h"
#include "ntlmssp.h"
#include "passdb.h"

static const uint8_t hash_password[16] = {	/* NT hash of "Password", MS-NLMP 4.2.2.1.2 */
	0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
	0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52,
};


static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	for (; *hex; hex += 2) {
		assert_true(n < max);
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[256];

	assert_int_equal(unhex(want_hex, want, sizeof(want)), len);
	assert_memory_equal(got, want, len);
}

/* ---- MD4, RFC 1320 A.5 -------------------------------------------------------------------- */

static void test_md4_rfc1320(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
		{ "a", "bde52cb31de33e46245e05fbdbd6fb24" },
		{ "abc", "a448017aaf21d8525fc10ae87aa6729d" },
		{ "message digest", "d9130a8164549fe818874806e1c7014b" },
		{ "abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "043f8582f241db351ce627e153e7f0e4" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890"
		  "1234567890", "e33b4ddc9c38f2199c3e7b164fcc0536" },
	};
	uint8_t d[MD4_DIGEST_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		md4_digest(v[i].in, strlen(v[i].in), d);
		assert_hex(d, sizeof(d), v[i].out);
	}
}

/* Padding boundaries: 55, 56, 63, 64 and 65 bytes must differ and be stable. */
static void test_md4_block_boundaries(void **state)
{
	uint8_t buf[130], d[5][MD4_DIGEST_LEN];
	static const size_t lens[5] = { 55, 56, 63, 64, 65 };

	(void)state;
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 5; i++)
		md4_digest(buf, lens[i], d[i]);
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			assert_memory_not_equal(d[i], d[j], MD4_DIGEST_LEN);
}

/* The streaming interface: any split of the input gives the one-shot digest. */
static void test_md4_streaming(void **state)
{
	uint8_t buf[300], one[MD4_DIGEST_LEN], two[MD4_DIGEST_LEN];
	struct md4_ctx ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31);
	md4_digest(buf, sizeof(buf), one);
	for (size_t split = 0; split <= sizeof(buf); split += 7) {
		md4_init(&ctx);
		md4_update(&ctx, buf, split / 2);
		md4_update(&ctx, buf + split / 2, split - split / 2);
		md4_update(&ctx, buf + split, sizeof(buf) - split);
		md4_final(&ctx, two);
		assert_memory_equal(one, two, MD4_DIGEST_LEN);
	}
}

/* ---- text --------------------------------------------------------------------------------- */

static void check_utf8_utf16(const char *utf8, const char *utf16_hex)
{
	uint8_t *u16;
	size_t len;
	char *back;

	assert_int_equal(ntlmssp_utf8_to_utf16le(utf8, strlen(utf8), &u16, &len), 0);
	assert_hex(u16, len, utf16_hex);
	assert_int_equal(ntlmssp_utf16le_to_utf8(u16, len, &back), 0);
	assert_string_equal(back, utf8);
	free(u16);
	free(back);
}

static void test_utf_round_trip(void **state)
{
	(void)state;
	check_utf8_utf16("", "");
	check_utf8_utf16("User", "5500730065007200");
	check_utf8_utf16("J\xc3\xb6rg", "4a00f60072006700");			/* U+00F6 */
	check_utf8_utf16("\xe2\x82\xac", "ac20");				/* U+20AC */
	check_utf8_utf16("\xef\xbf\xbf", "ffff");				/* U+FFFF */
	check_utf8_utf16("\xf0\x9f\x98\x80", "3dd800de");			/* U+1F600 */
	check_utf8_utf16("\xf4\x8f\xbf\xbf", "ffdbffdf");			/* U+10FFFF */
}

static void test_utf8_invalid(void **state)
{
	static const char *const bad[] = {
		"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf0\x80\x80\x80",
		"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xc3", "\xe2\x82", "\xff", "a\xc3(",
	};
	uint8_t *u16 = NULL;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ntlmssp_utf8_to_utf16le(bad[i], strlen(bad[i]), &u16, &len),
				 -EINVAL);
	assert_null(u16);
}

static void test_utf16_invalid(void **state)
{
	static const struct { const char *hex; } bad[] = {
		{ "41" },		/* odd length */
		{ "00d8" },		/* lone high surrogate at the end */
		{ "00d84100" },		/* high surrogate + 'A' */
		{ "00dc" },		/* lone low surrogate */
		{ "41000000" },		/* U+0000 */
		{ "00dc00d8" },		/* reversed pair */
	};
	uint8_t in[16];
	char *out = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = unhex(bad[i].hex, in, sizeof(in));

		assert_int_equal(ntlmssp_utf16le_to_utf8(in, n, &out), -EINVAL);
	}
	assert_null(out);
}

static void test_upper_and_name_equal(void **state)
{
	(void)state;
	assert_int_equal(ntlmssp_toupper('a'), 'A');
	assert_int_equal(ntlmssp_toupper('Z'), 'Z');
	assert_int_equal(ntlmssp_toupper('1'), '1');
	assert_int_equal(ntlmssp_toupper(0xe9), 0xc9);		/* e acute */
	assert_int_equal(ntlmssp_toupper(0xf7), 0xf7);		/* division sign */
	assert_int_equal(ntlmssp_toupper(0xff), 0x178);		/* y diaeresis */
	assert_int_equal(ntlmssp_toupper(0x101), 0x100);	/* a macron */
	assert_int_equal(ntlmssp_toupper(0x13a), 0x139);	/* l acute */
	assert_int_equal(ntlmssp_toupper(0x17e), 0x17d);	/* z caron */
	assert_int_equal(ntlmssp_toupper(0x3b1), 0x391);	/* alpha */
	assert_int_equal(ntlmssp_toupper(0x3c2), 0x3a3);	/* final sigma */
	assert_int_equal(ntlmssp_toupper(0x430), 0x410);	/* Cyrillic a */
	assert_int_equal(ntlmssp_toupper(0x451), 0x401);	/* Cyrillic io */
	assert_int_equal(ntlmssp_toupper(0x4e00), 0x4e00);	/* CJK: unchanged */
	assert_true(ntlmssp_name_equal("alice", "ALICE"));
	assert_true(ntlmssp_name_equal("J\xc3\xb6rg", "J\xc3\x96RG"));
	assert_true(ntlmssp_name_equal("\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\x98\xd0\x92\xd0\x90\xd0\x9d"));
	assert_false(ntlmssp_name_equal("alice", "alic"));
	assert_false(ntlmssp_name_equal("alice", "alicea"));
	assert_false(ntlmssp_name_equal("alice", "bob"));
	assert_true(ntlmssp_name_equal("", ""));
}

static void test_spec_nt_hash(void **state)
{
	uint8_t h[16];

	(void)state;
	assert_int_equal(ntlmssp_nt_hash("Password", h), 0);
	assert_hex(h, 16, "a4f49c406510bdcab6824ee7c30fd852");	/* 4.2.2.1.2 */
	assert_int_equal(ntlmssp_nt_hash("", h), 0);
	assert_hex(h, 16, "31d6cfe0d16ae931b73c59d7e0c089c0");	/* MD4 of nothing */
	assert_int_equal(ntlmssp_nt_hash("\xff", h), -EINVAL);
}

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
		cmocka_unit_test(test_md4_rfc1320),
		cmocka_unit_test(test_md4_block_boundaries),
		cmocka_unit_test(test_md4_streaming),
		cmocka_unit_test(test_spec_nt_hash),
		cmocka_unit_test(test_utf_round_trip),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf16_invalid),
		cmocka_unit_test(test_upper_and_name_equal),
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
