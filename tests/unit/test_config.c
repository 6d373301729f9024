/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the node configuration parser (lib/config.c, lib/config_schema.c).
 *
 * Bad inputs first, each with the exact diagnostics expected; then good inputs, the typed
 * getters and their defaults, synonyms, continuation lines, printing and the round trip of
 * every golden input in tests/config. The source tree is found through $KC_SRCDIR, else from
 * the location of this program (BUILD/tests/test_config).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* Parse text as "t.conf"; returns the parse result, the diagnostics in *diag (caller frees). */
static int parse(const char *text, struct kc_conf **conf, char **diag)
{
	size_t len;
	FILE *f = open_memstream(diag, &len);
	int ret;

	assert_non_null(f);
	ret = kc_conf_parse("t.conf", text, strlen(text), conf, f);
	fclose(f);
	return ret;
}

/* text must fail to parse with exactly the diagnostics want. */
static void expect_errors(const char *text, const char *want)
{
	struct kc_conf *conf = (struct kc_conf *)1;
	char *diag;

	assert_int_equal(parse(text, &conf, &diag), -1);
	assert_null(conf);
	assert_string_equal(diag, want);
	free(diag);
}

/* text must parse, with exactly the diagnostics want (warnings); the caller frees the result. */
static struct kc_conf *expect_ok(const char *text, const char *want)
{
	struct kc_conf *conf;
	char *diag;

	assert_int_equal(parse(text, &conf, &diag), 0);
	assert_non_null(conf);
	assert_string_equal(diag, want);
	free(diag);
	return conf;
}

static char *print_to_string(const struct kc_conf *conf)
{
	char *s;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	kc_conf_print(conf, f);
	fclose(f);
	return s;
}

/* parse(print(conf)) prints the same text; returns that text (caller frees). */
static char *check_round_trip(const struct kc_conf *conf)
{
	char *first = print_to_string(conf), *second, *diag;
	struct kc_conf *again;

	assert_int_equal(parse(first, &again, &diag), 0);
	assert_string_equal(diag, "");
	second = print_to_string(again);
	assert_string_equal(first, second);
	free(second);
	free(diag);
	kc_conf_free(again);
	return first;
}

static void expect_list(char **got, const char *const *want)
{
	size_t i;

	assert_non_null(got);
	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
	kc_strv_free(got);
}

#define SHARE(body) "[s]\n\tpath = /srv/s\n" body

/* ---- bad inputs ----------------------------------------------------------------------------- */

static void test_outside_section(void **state)
{
	(void)state;
	expect_errors("# comment\nlog level = 2\n[global]\n",
		      "t.conf:2: error: parameter 'log level' outside any section\n");
}

static void test_bad_headers(void **state)
{
	(void)state;
	expect_errors("[global\n", "t.conf:1: error: malformed section header: missing ']'\n");
	expect_errors("[ ]\n", "t.conf:1: error: malformed section header: empty section name\n");
	expect_errors("[a] b\n",
		      "t.conf:1: error: malformed section header: unexpected text after ']'\n");
	/* the lines of a section with a malformed header are skipped, not piled on */
	expect_errors("[oops\n\tbogus = 1\n\tpath = x\n",
		      "t.conf:1: error: malformed section header: missing ']'\n");
}

static void test_header_trailing_comment(void **state)
{
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok("[ s ] # the share\n\tpath = /x\n[t]; another\n\tpath = /y\n", "");
	assert_non_null(kc_conf_share(conf, "s"));
	assert_non_null(kc_conf_share(conf, "t"));
	kc_conf_free(conf);
}

static void test_missing_equals(void **state)
{
	(void)state;
	expect_errors("[global]\n  log level 2\n",
		      "t.conf:2: error: missing '=' (expected 'name = value' or '[section]')\n");
	expect_errors("[global]\n = 2\n", "t.conf:2: error: missing parameter name before '='\n");
}

static void test_unknown_parameter(void **state)
{
	(void)state;
	expect_errors("[global]\nfoo bar = 1\n",
		      "t.conf:2: error: unknown parameter 'foo bar' in [global]\n");
	expect_errors(SHARE("hosts allow = 10.0.0.1\n"),
		      "t.conf:3: error: unknown parameter 'hosts allow' in [s]\n");
}

static void test_wrong_scope(void **state)
{
	(void)state;
	expect_errors(SHARE("Log Level = 1\n"),
		      "t.conf:3: error: 'Log Level' is a global parameter, not allowed in share [s]\n");
	expect_errors("[global]\npath = /x\nwritable = yes\n",
		      "t.conf:2: error: 'path' is a share parameter, not allowed in [global]\n"
		      "t.conf:3: error: 'writable' is a share parameter, not allowed in [global]\n");
}

/* smb encrypt is both a global and a share parameter, each section with its own value. */
static void test_global_and_share_scope(void **state)
{
	struct kc_conf *conf;
	char *printed;

	(void)state;
	conf = expect_ok("[global]\nsmb encrypt = desired\n" SHARE("smb encrypt = mandatory\n")
			 "[t]\n\tpath = /srv/t\n", "");
	assert_int_equal(kc_conf_enum(kc_conf_global(conf), "smb encrypt"),
			 KC_CONF_ENCRYPT_DESIRED);
	assert_int_equal(kc_conf_enum(kc_conf_share(conf, "s"), "smb encrypt"),
			 KC_CONF_ENCRYPT_REQUIRED);
	assert_int_equal(kc_conf_enum(kc_conf_share(conf, "t"), "smb encrypt"),
			 KC_CONF_ENCRYPT_DEFAULT);
	printed = print_to_string(conf);
	/* Schema order, in shares too. */
	assert_string_equal(printed, "[global]\n\tsmb encrypt = desired\n\n"
				     "[s]\n\tsmb encrypt = required\n\tpath = /srv/s\n\n"
				     "[t]\n\tpath = /srv/t\n");
	free(printed);
	kc_conf_free(conf);
}

static void test_bad_bool(void **state)
{
	(void)state;
	expect_errors(SHARE("read only = yep\n"),
		      "t.conf:3: error: invalid boolean 'yep' for 'read only' "
		      "(valid: yes, no, true, false, on, off, 1, 0)\n");
	expect_errors(SHARE("guest ok =\n"),
		      "t.conf:3: error: invalid boolean '' for 'guest ok' "
		      "(valid: yes, no, true, false, on, off, 1, 0)\n");
}

static void test_bad_int(void **state)
{
	(void)state;
	expect_errors("[global]\nlog level = 1x\nlog level = -1\nlog level = 99999999999999999999\n"
		      "log level =\n",
		      "t.conf:2: error: invalid integer '1x' for 'log level'\n"
		      "t.conf:3: error: integer '-1' out of range for 'log level' (valid: 0..10)\n"
		      "t.conf:4: error: integer '99999999999999999999' out of range for 'log level' "
		      "(valid: 0..10)\n"
		      "t.conf:5: error: invalid integer '' for 'log level'\n");
}

static void test_bad_int_list(void **state)
{
	(void)state;
	expect_errors("[global]\nsmb ports = 445, 65536\nsmb ports = 445 x\nsmb ports = ,\n",
		      "t.conf:2: error: integer '65536' out of range for 'smb ports' "
		      "(valid: 1..65535)\n"
		      "t.conf:3: error: invalid integer 'x' for 'smb ports'\n"
		      "t.conf:4: error: 'smb ports' must not be empty\n");
}

static void test_bad_enum(void **state)
{
	(void)state;
	expect_errors("[global]\nserver signing = sometimes\nmap to guest = bad uid\n"
		      "server min protocol = NT1\n",
		      "t.conf:2: error: invalid value 'sometimes' for 'server signing' "
		      "(valid: default, auto, mandatory, disabled)\n"
		      "t.conf:3: error: invalid value 'bad uid' for 'map to guest' "
		      "(valid: never, bad user, bad password)\n"
		      "t.conf:4: error: invalid value 'NT1' for 'server min protocol' "
		      "(valid: SMB2_02, SMB2_10, SMB3_00, SMB3_02, SMB3_11)\n");
}

static void test_protocol_order(void **state)
{
	(void)state;
	/* SMB3 as a minimum is SMB3_00, SMB2 as a maximum SMB2_10 */
	expect_errors("[global]\nserver min protocol = SMB3\nserver max protocol = SMB2\n",
		      "t.conf:3: error: 'server min protocol' (SMB3_00) is higher than "
		      "'server max protocol' (SMB2_10)\n");
	expect_errors("[global]\nserver max protocol = SMB3_00\n\nserver min protocol = SMB3_02\n",
		      "t.conf:2: error: 'server min protocol' (SMB3_02) is higher than "
		      "'server max protocol' (SMB3_00)\n");
	/* equal dialects are fine */
	kc_conf_free(expect_ok("[global]\nserver min protocol = SMB3_11\n", ""));
	kc_conf_free(expect_ok("[global]\nserver min protocol = SMB2\nserver max protocol = SMB2\n",
			       ""));
}

static void test_bad_share_names(void **state)
{
	char text[256], want[256];

	(void)state;
	expect_errors("[a:b]\npath = /x\n", "t.conf:1: error: invalid share name 'a:b': contains ':'\n");
	expect_errors("[a\"b]\npath = /x\n",
		      "t.conf:1: error: invalid share name 'a\"b': contains '\"'\n");
	expect_errors("[a\\b]\npath = /x\n",
		      "t.conf:1: error: invalid share name 'a\\b': contains '\\'\n");
	expect_errors("[a\x01z]\npath = /x\n",
		      "t.conf:1: error: invalid share name: contains a control character\n");
	expect_errors("[Ipc$]\npath = /x\n",
		      "t.conf:1: error: invalid share name 'Ipc$': the name is reserved\n");
	/* 81 characters are too many, 80 are fine, multibyte characters count once */
	snprintf(text, sizeof(text), "[%081d]\npath = /x\n", 0);
	snprintf(want, sizeof(want), "t.conf:1: error: invalid share name '%081d': "
		 "longer than 80 characters\n", 0);
	expect_errors(text, want);
	snprintf(text, sizeof(text), "[%078d\xc3\xa9\xc3\xa9]\npath = /x\n", 0);
	kc_conf_free(expect_ok(text, ""));
}

static void test_share_without_path(void **state)
{
	(void)state;
	expect_errors("[a]\ncomment = x\n[b]\npath = /b\n[c]\n",
		      "t.conf:1: error: share [a] has no 'path'\n"
		      "t.conf:5: error: share [c] has no 'path'\n");
	/* a rejected path is reported once, not also as missing */
	expect_errors("[a]\npath = rel\n",
		      "t.conf:2: error: 'path' must be an absolute path, not 'rel'\n");
	expect_errors("[a]\npath =\n", "t.conf:2: error: 'path' must not be empty\n");
}

static void test_bad_strings(void **state)
{
	(void)state;
	expect_errors("[global]\nnetbios name = ABCDEFGHIJKLMNOP\nnode name =\n"
		      "pid file = run/x.pid\n",
		      "t.conf:2: error: value 'ABCDEFGHIJKLMNOP' for 'netbios name' is longer "
		      "than 15 bytes\n"
		      "t.conf:3: error: 'node name' must not be empty\n"
		      "t.conf:4: error: 'pid file' must be an absolute path, not 'run/x.pid'\n");
	expect_errors(SHARE("valid users = \"alice\n"),
		      "t.conf:3: error: unterminated quote in the value of 'valid users'\n");
}

static void test_bad_utf8(void **state)
{
	(void)state;
	expect_errors("[global]\nserver string = caf\xe9\n",
		      "t.conf:2: error: invalid UTF-8 at column 20\n");
	/* overlong '/', a surrogate, above U+10FFFF, truncated */
	expect_errors("# \xc0\xaf\n# \xed\xa0\x80\n# \xf4\x90\x80\x80\n# \xe2\x82\n",
		      "t.conf:1: error: invalid UTF-8 at column 3\n"
		      "t.conf:2: error: invalid UTF-8 at column 3\n"
		      "t.conf:3: error: invalid UTF-8 at column 3\n"
		      "t.conf:4: error: invalid UTF-8 at column 3\n");
	/* a bad line in a share might have set its path: no "has no 'path'" on top */
	expect_errors("[s]\npath = /\xff\n", "t.conf:2: error: invalid UTF-8 at column 9\n");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[global]\nserver string = a\0b\n";
	struct kc_conf *conf;
	char *diag;
	size_t len;
	FILE *f;

	(void)state;
	f = open_memstream(&diag, &len);
	assert_int_equal(kc_conf_parse("n.conf", text, sizeof(text) - 1, &conf, f), -1);
	fclose(f);
	assert_string_equal(diag, "n.conf:2: error: line contains a NUL byte\n");
	free(diag);
}

static void test_all_errors_in_line_order(void **state)
{
	(void)state;
	/* the whole-file checks (missing path, protocol order) are sorted in by line */
	expect_errors("[a]\n"
		      "bogus = 1\n"
		      "[global]\n"
		      "server max protocol = SMB2_10\n"
		      "server min protocol = SMB3_00\n"
		      "[b]\n"
		      "path = /b\n"
		      "read only = perhaps\n",
		      "t.conf:1: error: share [a] has no 'path'\n"
		      "t.conf:2: error: unknown parameter 'bogus' in [a]\n"
		      "t.conf:4: error: 'server min protocol' (SMB3_00) is higher than "
		      "'server max protocol' (SMB2_10)\n"
		      "t.conf:8: error: invalid boolean 'perhaps' for 'read only' "
		      "(valid: yes, no, true, false, on, off, 1, 0)\n");
}

static void test_load_errors(void **state)
{
	struct kc_conf *conf = (struct kc_conf *)1;
	char *diag;
	size_t len;
	FILE *f;

	(void)state;
	f = open_memstream(&diag, &len);
	assert_int_equal(kc_conf_load("/nonexistent/node.conf", &conf, f), -1);
	assert_int_equal(kc_conf_load("/", &conf, f), -1);
	assert_int_equal(kc_conf_load("/nonexistent/node.conf", &conf, NULL), -1);
	fclose(f);
	assert_null(conf);
	assert_string_equal(diag, "/nonexistent/node.conf: error: No such file or directory\n"
			    "/: error: Is a directory\n");
	free(diag);
}

/* ---- good inputs ---------------------------------------------------------------------------- */

static void test_empty_file_defaults(void **state)
{
	const struct kc_conf_section *g;
	struct kc_conf *conf;
	char host[256] = "", netbios[16];
	long *ports;
	size_t n, i;

	(void)state;
	conf = expect_ok("", "");
	g = kc_conf_global(conf);
	assert_non_null(g);
	assert_true(kc_conf_section_is_global(g));
	assert_string_equal(kc_conf_section_name(g), "global");
	assert_null(kc_conf_next_share(conf, NULL));
	assert_int_equal(kc_conf_share_count(conf), 0);

	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	for (i = 0; i < 15 && host[i] && host[i] != '.'; i++)
		netbios[i] = (char)(host[i] >= 'a' && host[i] <= 'z' ? host[i] - 32 : host[i]);
	netbios[i] = '\0';
	assert_string_equal(kc_conf_str(g, "netbios name"), netbios);
	assert_string_equal(kc_conf_str(g, "node name"), host);
	assert_string_equal(kc_conf_str(g, "server string"), "ksmbd-cluster");
	ports = kc_conf_int_list(g, "smb ports", &n);
	assert_int_equal(n, 1);
	assert_int_equal(ports[0], 445);
	free(ports);
	expect_list(kc_conf_list(g, "interfaces"), (const char *const[]){ NULL });
	assert_false(kc_conf_bool(g, "bind interfaces only"));
	assert_int_equal(kc_conf_enum(g, "server min protocol"), KC_CONF_PROTO_SMB2_02);
	assert_int_equal(kc_conf_enum(g, "server max protocol"), KC_CONF_PROTO_SMB3_11);
	assert_int_equal(kc_conf_enum(g, "server signing"), KC_CONF_SIGNING_AUTO);
	assert_int_equal(kc_conf_enum(g, "smb encrypt"), KC_CONF_ENCRYPT_DEFAULT);
	assert_int_equal(kc_conf_enum(g, "map to guest"), KC_CONF_GUEST_NEVER);
	assert_string_equal(kc_conf_str(g, "state directory"), "/var/lib/ksmbd-cluster");
	assert_string_equal(kc_conf_str(g, "passdb file"), "/etc/ksmbd-cluster/passdb");
	assert_int_equal(kc_conf_enum(g, "engine"), KC_CONF_ENGINE_AUTO);
	assert_string_equal(kc_conf_str(g, "engine socket"), "/run/ksmbd-cluster/engine.sock");
	assert_string_equal(kc_conf_str(g, "engine program"), "");
	assert_string_equal(kc_conf_str(g, "pid file"), "/run/ksmbd-cluster/mountd.pid");
	assert_int_equal(kc_conf_int(g, "log level"), 1);
	assert_false(kc_conf_is_set(g, "log level"));
	assert_int_equal(kc_conf_line(g, "log level"), 0);

	free(check_round_trip(conf));
	kc_conf_free(conf);
}

static void test_share_defaults(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok("[data]\n\tpath = /srv/data\n", "");
	s = kc_conf_share(conf, "data");
	assert_non_null(s);
	assert_false(kc_conf_section_is_global(s));
	assert_string_equal(kc_conf_str(s, "path"), "/srv/data");
	assert_string_equal(kc_conf_str(s, "comment"), "");
	assert_true(kc_conf_bool(s, "read only"));
	assert_false(kc_conf_bool(s, "guest ok"));
	expect_list(kc_conf_list(s, "valid users"), (const char *const[]){ NULL });
	expect_list(kc_conf_list(s, "invalid users"), (const char *const[]){ NULL });
	assert_true(kc_conf_bool(s, "browseable"));
	assert_true(kc_conf_bool(s, "available"));
	assert_false(kc_conf_bool(s, "continuous availability"));
	assert_false(kc_conf_bool(s, "hide unreadable"));
	assert_true(kc_conf_is_set(s, "path"));
	assert_int_equal(kc_conf_line(s, "path"), 2);
	kc_conf_free(conf);
}

static void test_typed_getters(void **state)
{
	const struct kc_conf_section *g, *s;
	struct kc_conf *conf;
	long *ports;
	size_t n;

	(void)state;
	conf = expect_ok("[global]\n"
			 "netbios name = node7\n"
			 "smb ports = 445 139, 4450\n"
			 "interfaces = eth0, \"my if\"\n"
			 "log level = 07\n"
			 "map to guest = BAD PASSWORD\n"
			 "server min protocol = smb3_02\n"
			 "engine = Kernel\n"
			 "[Data]\n"
			 "path = /srv/data\n"
			 "valid users = alice,bob @staff\n"
			 "comment =   spaces   inside   \n",
			 "");
	g = kc_conf_global(conf);
	assert_string_equal(kc_conf_str(g, "netbios name"), "node7");
	ports = kc_conf_int_list(g, "smb ports", &n);
	assert_int_equal(n, 3);
	assert_int_equal(ports[0], 445);
	assert_int_equal(ports[1], 139);
	assert_int_equal(ports[2], 4450);
	free(ports);
	expect_list(kc_conf_list(g, "smb ports"), (const char *const[]){ "445", "139", "4450",
									 NULL });
	expect_list(kc_conf_list(g, "interfaces"), (const char *const[]){ "eth0", "my if", NULL });
	assert_int_equal(kc_conf_int(g, "log level"), 7);
	assert_int_equal(kc_conf_enum(g, "map to guest"), KC_CONF_GUEST_BAD_PASSWORD);
	assert_int_equal(kc_conf_enum(g, "server min protocol"), KC_CONF_PROTO_SMB3_02);
	assert_int_equal(kc_conf_enum(g, "engine"), KC_CONF_ENGINE_KERNEL);
	s = kc_conf_share(conf, "DATA");
	assert_non_null(s);
	assert_string_equal(kc_conf_section_name(s), "Data");
	expect_list(kc_conf_list(s, "valid users"),
		    (const char *const[]){ "alice", "bob", "@staff", NULL });
	assert_string_equal(kc_conf_str(s, "comment"), "spaces   inside");
	kc_conf_free(conf);
}

static void test_key_matching(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok("[s]\nPATH = /x\nReadOnly = no\nGUEST   OK = yes\n"
			 "continuousavailability = yes\n", "");
	s = kc_conf_share(conf, "s");
	assert_false(kc_conf_bool(s, "read only"));
	assert_false(kc_conf_bool(s, "READONLY"));
	assert_false(kc_conf_bool(s, " Read  Only "));
	assert_true(kc_conf_bool(s, "guestok"));
	assert_true(kc_conf_bool(s, "Continuous Availability"));
	kc_conf_free(conf);
}

static void test_bool_spellings(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "True", "on", "ON", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE", "off", "Off", "0" };
	struct kc_conf *conf;
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), SHARE("guest ok = %s\nread only = %s\n"), yes[i],
			 no[i]);
		conf = expect_ok(text, "");
		assert_true(kc_conf_bool(kc_conf_share(conf, "s"), "guest ok"));
		assert_false(kc_conf_bool(kc_conf_share(conf, "s"), "read only"));
		kc_conf_free(conf);
	}
}

static void test_synonyms(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;
	char *text;

	(void)state;
	conf = expect_ok("[a]\npath = /a\nbrowsable = no\npublic = yes\nwritable = yes\n"
			 "[b]\npath = /b\nwriteable = no\n"
			 "[c]\npath = /c\nwrite ok = true\n", "");
	s = kc_conf_share(conf, "a");
	assert_false(kc_conf_bool(s, "browseable"));
	assert_false(kc_conf_bool(s, "browsable"));
	assert_true(kc_conf_bool(s, "guest ok"));
	assert_true(kc_conf_bool(s, "public"));
	assert_false(kc_conf_bool(s, "read only"));
	assert_true(kc_conf_bool(s, "writable"));	/* the inverse of read only */
	assert_true(kc_conf_bool(kc_conf_share(conf, "b"), "read only"));
	assert_false(kc_conf_bool(kc_conf_share(conf, "b"), "write ok"));
	assert_false(kc_conf_bool(kc_conf_share(conf, "c"), "read only"));
	text = check_round_trip(conf);
	assert_string_equal(text, "[global]\n\n"
			    "[a]\n\tpath = /a\n\tread only = no\n\tguest ok = yes\n"
			    "\tbrowseable = no\n\n"
			    "[b]\n\tpath = /b\n\tread only = yes\n\n"
			    "[c]\n\tpath = /c\n\tread only = no\n");
	free(text);
	kc_conf_free(conf);
	/* setting a parameter through two spellings is a duplicate */
	conf = expect_ok(SHARE("read only = yes\nwritable = yes\n"),
			 "t.conf:4: warning: 'read only' already set at line 3 in [s]; "
			 "the last value wins\n");
	assert_false(kc_conf_bool(kc_conf_share(conf, "s"), "read only"));
	kc_conf_free(conf);
}

static void test_enum_aliases(void **state)
{
	static const struct {
		const char *key, *value;
		int want;
	} cases[] = {
		{ "server min protocol", "SMB2", KC_CONF_PROTO_SMB2_02 },
		{ "server min protocol", "smb3", KC_CONF_PROTO_SMB3_00 },
		{ "server max protocol", "SMB2", KC_CONF_PROTO_SMB2_10 },
		{ "server max protocol", "SMB3", KC_CONF_PROTO_SMB3_11 },
		{ "server max protocol", "SMB3_02", KC_CONF_PROTO_SMB3_02 },
		{ "smb encrypt", "disabled", KC_CONF_ENCRYPT_OFF },
		{ "smb encrypt", "enabled", KC_CONF_ENCRYPT_DESIRED },
		{ "smb encrypt", "auto", KC_CONF_ENCRYPT_IF_REQUIRED },
		{ "smb encrypt", "mandatory", KC_CONF_ENCRYPT_REQUIRED },
		{ "smb encrypt", "Required", KC_CONF_ENCRYPT_REQUIRED },
		{ "server signing", "required", KC_CONF_SIGNING_MANDATORY },
		{ "server signing", "disabled", KC_CONF_SIGNING_DISABLED },
		{ "server signing", "default", KC_CONF_SIGNING_DEFAULT },
		{ "map to guest", "Bad User", KC_CONF_GUEST_BAD_USER },
		{ "engine", "USER", KC_CONF_ENGINE_USER },
	};
	struct kc_conf *conf;
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[global]\n%s = %s\n", cases[i].key, cases[i].value);
		conf = expect_ok(text, "");
		assert_int_equal(kc_conf_enum(kc_conf_global(conf), cases[i].key), cases[i].want);
		free(check_round_trip(conf));
		kc_conf_free(conf);
	}
}

static void test_continuation(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok("[s]\n"
			 "path = /srv/\\\n"
			 "s\n"
			 "valid users = a, \\\n"
			 "   b \\  \n"
			 "\tc\n"
			 "# not continued \\\n"
			 "comment = x\\\\\n"
			 "\n"
			 "guest ok = \\\n"
			 "yes\n"
			 "browseable = no\\",
			 "");
	s = kc_conf_share(conf, "s");
	assert_string_equal(kc_conf_str(s, "path"), "/srv/s");
	expect_list(kc_conf_list(s, "valid users"), (const char *const[]){ "a", "b", "c", NULL });
	/* a backslash left at the end continues too, so a value never ends in one */
	assert_string_equal(kc_conf_str(s, "comment"), "xguest ok = yes");
	assert_int_equal(kc_conf_line(s, "comment"), 8);
	assert_false(kc_conf_bool(s, "guest ok"));
	assert_false(kc_conf_bool(s, "browseable"));	/* a backslash at the end of the file */
	assert_int_equal(kc_conf_line(s, "browseable"), 12);
	free(check_round_trip(conf));
	kc_conf_free(conf);
}

static void test_comments_crlf_bom(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok("\xef\xbb\xbf; first\r\n  # indented\r\n\t;tab\r\n[s]\r\n"
			 "path = /p\r\ncomment = a # b ; c\r\n\r\n", "");
	s = kc_conf_share(conf, "s");
	assert_string_equal(kc_conf_str(s, "path"), "/p");
	assert_string_equal(kc_conf_str(s, "comment"), "a # b ; c");
	kc_conf_free(conf);
}

static void test_merge_and_duplicates(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;
	char *text;

	(void)state;
	conf = expect_ok("[Data]\npath = /one\n[global]\nlog level = 2\n[other]\npath = /o\n"
			 "[DATA]\npath = /two\ncomment = c\n[GLOBAL]\nlog level = 3\n",
			 "t.conf:7: warning: section [DATA] already defined at line 1; merging\n"
			 "t.conf:8: warning: 'path' already set at line 2 in [Data]; "
			 "the last value wins\n"
			 "t.conf:10: warning: section [global] already defined at line 3; merging\n"
			 "t.conf:11: warning: 'log level' already set at line 4 in [global]; "
			 "the last value wins\n");
	assert_int_equal(kc_conf_share_count(conf), 2);
	s = kc_conf_next_share(conf, NULL);
	assert_string_equal(kc_conf_section_name(s), "Data");
	assert_string_equal(kc_conf_str(s, "path"), "/two");
	assert_int_equal(kc_conf_line(s, "path"), 8);
	s = kc_conf_next_share(conf, s);
	assert_string_equal(kc_conf_section_name(s), "other");
	assert_null(kc_conf_next_share(conf, s));
	assert_null(kc_conf_share(conf, "missing"));
	assert_int_equal(kc_conf_int(kc_conf_global(conf), "log level"), 3);
	text = check_round_trip(conf);
	assert_string_equal(text, "[global]\n\tlog level = 3\n\n"
			    "[Data]\n\tpath = /two\n\tcomment = c\n\n[other]\n\tpath = /o\n");
	free(text);
	kc_conf_free(conf);
}

static void test_ignored_parameters(void **state)
{
	struct kc_conf *conf;
	char *text;

	(void)state;
	conf = expect_ok("[global]\nworkgroup = WG\nSecurity = user\n[s]\npath = /s\n"
			 "kernel oplocks = no\n",
			 "t.conf:2: warning: 'workgroup' ignored: not used by ksmbd-cluster\n"
			 "t.conf:3: warning: 'Security' ignored: not used by ksmbd-cluster\n"
			 "t.conf:6: warning: 'kernel oplocks' ignored: not used by ksmbd-cluster\n");
	text = print_to_string(conf);
	assert_string_equal(text, "[global]\n\n[s]\n\tpath = /s\n");
	free(text);
	assert_true(kc_conf_param_ignored("Load Printers"));
	assert_false(kc_conf_param_ignored("hosts allow"));
	kc_conf_free(conf);
}

static void test_lists(void **state)
{
	const struct kc_conf_section *s;
	struct kc_conf *conf;
	char *text;

	(void)state;
	conf = expect_ok(SHARE("valid users = ,alice,,  bob\t\"Domain Users\" x\"y z\"w \"\"\n"
			       "invalid users =\n"),
			 "");
	s = kc_conf_share(conf, "s");
	expect_list(kc_conf_list(s, "valid users"),
		    (const char *const[]){ "alice", "bob", "Domain Users", "xy zw", NULL });
	expect_list(kc_conf_list(s, "invalid users"), (const char *const[]){ NULL });
	text = check_round_trip(conf);
	assert_string_equal(text, "[global]\n\n[s]\n\tpath = /srv/s\n"
			    "\tvalid users = alice, bob, \"Domain Users\", \"xy zw\"\n"
			    "\tinvalid users =\n");
	free(text);
	kc_conf_free(conf);
	/* an item ending in a backslash is quoted, or the printed line would be continued */
	conf = expect_ok(SHARE("invalid users = x\\ \"\"\n"), "");
	expect_list(kc_conf_list(kc_conf_share(conf, "s"), "invalid users"),
		    (const char *const[]){ "x\\", NULL });
	text = check_round_trip(conf);
	assert_string_equal(text, "[global]\n\n[s]\n\tpath = /srv/s\n\tinvalid users = \"x\\\"\n");
	free(text);
	kc_conf_free(conf);
}

static void test_print_canonical(void **state)
{
	struct kc_conf *conf;
	char *text;

	(void)state;
	conf = expect_ok("[zeta]\n"
			 "  Continuous Availability = ON\n"
			 "  Comment = Z\n"
			 "  Path = /z\n"
			 "[global]\n"
			 "  log level = +3\n"
			 "  smb ports = 0445\n"
			 "  server string =\n"
			 "  NetBIOS Name = n1\n"
			 "[alpha]\n"
			 "  path = /a\n",
			 "");
	text = check_round_trip(conf);
	assert_string_equal(text, "[global]\n"
			    "\tnetbios name = n1\n"
			    "\tserver string =\n"
			    "\tsmb ports = 445\n"
			    "\tlog level = 3\n"
			    "\n"
			    "[zeta]\n"
			    "\tpath = /z\n"
			    "\tcomment = Z\n"
			    "\tcontinuous availability = yes\n"
			    "\n"
			    "[alpha]\n"
			    "\tpath = /a\n");
	free(text);
	assert_string_equal(kc_conf_str(kc_conf_global(conf), "server string"), "");
	kc_conf_free(conf);
}

static void test_canonical_api(void **state)
{
	const struct kc_conf_param *p;
	char err[256], *canon;
	bool inverted;

	(void)state;
	p = kc_conf_param_find("Write OK", &inverted);
	assert_non_null(p);
	assert_string_equal(p->name, "read only");
	assert_true(inverted);
	assert_null(kc_conf_param_find("no such", NULL));
	assert_int_equal(kc_conf_canonical(p, "On", &canon, err, sizeof(err)), 0);
	assert_string_equal(canon, "yes");
	free(canon);
	p = kc_conf_param_find("smb ports", NULL);
	assert_int_equal(kc_conf_canonical(p, "1 2,3", &canon, err, sizeof(err)), 0);
	assert_string_equal(canon, "1, 2, 3");
	free(canon);
	assert_int_equal(kc_conf_canonical(p, "0", &canon, err, sizeof(err)), -1);
	assert_null(canon);
	assert_string_equal(err, "integer '0' out of range for 'smb ports' (valid: 1..65535)");
}

static void test_schema_consistent(void **state)
{
	const struct kc_conf_param *p;
	const struct kc_conf_synonym *syn;
	char err[256], *canon;

	(void)state;
	for (size_t i = 0; i < kc_conf_param_count(); i++) {
		p = kc_conf_param_at(i);
		assert_non_null(p->doc);
		assert_ptr_equal(kc_conf_param_find(p->name, NULL), p);
		assert_false(kc_conf_param_ignored(p->name));
		if (!p->def)
			continue;
		/* every default is valid and already canonical (empty lists aside) */
		if (kc_conf_canonical(p, p->def, &canon, err, sizeof(err)) == 0) {
			assert_string_equal(canon, p->def);
			free(canon);
		} else {
			fail_msg("default of '%s': %s", p->name, err);
		}
	}
	assert_null(kc_conf_param_at(kc_conf_param_count()));
	for (syn = kc_conf_synonyms(); syn->name; syn++) {
		p = kc_conf_param_find(syn->name, NULL);
		assert_non_null(p);
		assert_string_equal(p->name, syn->target);
		if (syn->inverted)
			assert_int_equal(p->type, KC_CONF_T_BOOL);
	}
	p = kc_conf_param_find("server min protocol", NULL);
	assert_string_equal(p->values[KC_CONF_PROTO_SMB3_02], "SMB3_02");
	p = kc_conf_param_find("smb encrypt", NULL);
	assert_string_equal(p->values[KC_CONF_ENCRYPT_IF_REQUIRED], "if_required");
}

/* Run fn in a child; it must die of SIGABRT. */
static void expect_abort(void (*fn)(const struct kc_conf *), const struct kc_conf *conf)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn(conf);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void abort_unknown(const struct kc_conf *conf)
{
	kc_conf_str(kc_conf_global(conf), "no such key");
}

static void abort_wrong_type(const struct kc_conf *conf)
{
	kc_conf_bool(kc_conf_global(conf), "log level");
}

static void abort_wrong_scope(const struct kc_conf *conf)
{
	kc_conf_bool(kc_conf_global(conf), "read only");
}

static void abort_str_on_list(const struct kc_conf *conf)
{
	kc_conf_str(kc_conf_share(conf, "s"), "valid users");
}

static void test_getter_misuse_aborts(void **state)
{
	struct kc_conf *conf;

	(void)state;
	conf = expect_ok(SHARE(""), "");
	expect_abort(abort_unknown, conf);
	expect_abort(abort_wrong_type, conf);
	expect_abort(abort_wrong_scope, conf);
	expect_abort(abort_str_on_list, conf);
	kc_conf_free(conf);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/test_config.XXXXXX";
	struct kc_conf *conf;
	char *diag;
	size_t len;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("[global]\nworkgroup = x\n[s]\npath = /s\n", f);
	fclose(f);
	f = open_memstream(&diag, &len);
	assert_int_equal(kc_conf_load(path, &conf, f), 0);
	fclose(f);
	unlink(path);
	assert_string_equal(kc_conf_str(kc_conf_share(conf, "S"), "path"), "/s");
	assert_non_null(strstr(diag, ":2: warning: 'workgroup' ignored"));
	assert_memory_equal(diag, path, strlen(path));
	free(diag);
	kc_conf_free(conf);
}

/* ---- the golden inputs and the documentation --------------------------------------------- */

/* The top of the source tree, in buf. */
static const char *srcdir(char *buf, size_t len)
{
	const char *env = getenv("KC_SRCDIR");
	ssize_t n;
	char *slash;
	int up;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return ".";
	buf[n] = '\0';
	for (up = 0; up < 4; up++) {	/* BUILD/tests/test_config -> top: drop 4 components */
		slash = strrchr(buf, '/');
		if (!slash)
			return ".";
		*slash = '\0';
	}
	return buf;
}

static void test_golden_round_trip(void **state)
{
	char dir[PATH_MAX], pattern[PATH_MAX + 32];
	struct kc_conf *conf;
	size_t good = 0;
	glob_t g;

	(void)state;
	snprintf(pattern, sizeof(pattern), "%s/tests/config/*.in", srcdir(dir, sizeof(dir)));
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (kc_conf_load(g.gl_pathv[i], &conf, NULL))
			continue;
		free(check_round_trip(conf));
		kc_conf_free(conf);
		good++;
	}
	globfree(&g);
	assert_true(good >= 5);
}

static void test_docs_cover_schema(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], heading[128], *text = NULL;
	const struct kc_conf_param *p;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/config.md", srcdir(dir, sizeof(dir)));
	f = fopen(path, "r");
	assert_non_null(f);
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	assert_true(n > 0);
	for (size_t i = 0; i < kc_conf_param_count(); i++) {
		p = kc_conf_param_at(i);
		snprintf(heading, sizeof(heading), "\n### %s\n", p->name);
		if (!strstr(text, heading))
			fail_msg("docs/config.md has no section for '%s'", p->name);
		if (!strstr(text, p->doc))
			fail_msg("docs/config.md lacks the doc string of '%s'", p->name);
	}
	for (const char *const *ig = kc_conf_ignored_params(); *ig; ig++)
		if (!strstr(text, *ig))
			fail_msg("docs/config.md does not list ignored '%s'", *ig);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_section),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_unknown_parameter),
		cmocka_unit_test(test_wrong_scope),
		cmocka_unit_test(test_global_and_share_scope),
		cmocka_unit_test(test_bad_bool),
		cmocka_unit_test(test_bad_int),
		cmocka_unit_test(test_bad_int_list),
		cmocka_unit_test(test_bad_enum),
		cmocka_unit_test(test_protocol_order),
		cmocka_unit_test(test_bad_share_names),
		cmocka_unit_test(test_share_without_path),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_all_errors_in_line_order),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_header_trailing_comment),
		cmocka_unit_test(test_empty_file_defaults),
		cmocka_unit_test(test_share_defaults),
		cmocka_unit_test(test_typed_getters),
		cmocka_unit_test(test_key_matching),
		cmocka_unit_test(test_bool_spellings),
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_enum_aliases),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_comments_crlf_bom),
		cmocka_unit_test(test_merge_and_duplicates),
		cmocka_unit_test(test_ignored_parameters),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_print_canonical),
		cmocka_unit_test(test_canonical_api),
		cmocka_unit_test(test_schema_consistent),
		cmocka_unit_test(test_getter_misuse_aborts),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_golden_round_trip),
		cmocka_unit_test(test_docs_cover_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
