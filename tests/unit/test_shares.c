// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the TREE_CONNECT access decision (lib/shares.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <uapi/ksmbd_cluster.h>
#include "shares.h"

static const char conf_text[] =
	"[global]\n"
	"[data]\n\tpath = /srv/data\n\tread only = no\n"
	"[pub]\n\tpath = /srv/pub\n\tguest ok = yes\n"
	"[staff]\n\tpath = /srv/staff\n\tvalid users = alice, Bob\n\tinvalid users = mallory\n"
	"[off]\n\tpath = /srv/off\n\tavailable = no\n"
	"[secret]\n\tpath = /srv/secret\n\tsmb encrypt = required\n"
	"[wish]\n\tpath = /srv/wish\n\tsmb encrypt = desired\n"
	"[plain]\n\tpath = /srv/plain\n\tsmb encrypt = off\n"
	"[abe]\n\tpath = /srv/abe\n\tread only = no\n\thide unreadable = yes\n";

static struct kc_conf *conf;

static int setup(void **state)
{
	(void)state;
	return kc_conf_parse("test", conf_text, strlen(conf_text), &conf, stderr);
}

static int teardown(void **state)
{
	(void)state;
	kc_conf_free(conf);
	return 0;
}

static struct kc_share_grant check(const char *share, const char *user, bool guest, bool anon)
{
	struct kc_share_grant g;

	kc_share_check(conf, share, user, guest, anon, &g);
	return g;
}

static void test_unknown_and_unavailable(void **state)
{
	(void)state;
	assert_int_equal(check("nosuch", "alice", false, false).status, KC_STATUS_BAD_NETWORK_NAME);
	assert_int_equal(check("off", "alice", false, false).status, KC_STATUS_BAD_NETWORK_NAME);
}

static void test_ipc_always_exists(void **state)
{
	struct kc_share_grant g = check("ipc$", "", false, true);

	(void)state;
	assert_int_equal(g.status, KC_STATUS_SUCCESS);
	assert_int_equal(g.flags, KSMBD_SHARE_IPC);
	assert_null(g.path);
}

static void test_flags_and_path(void **state)
{
	struct kc_share_grant g = check("DATA", "alice", false, false);

	(void)state;
	assert_int_equal(g.status, KC_STATUS_SUCCESS);
	assert_int_equal(g.flags, 0);
	assert_string_equal(g.path, "/srv/data");
	g = check("pub", "alice", false, false);
	assert_int_equal(g.flags, KSMBD_SHARE_READONLY);	/* the default */
	/* hide unreadable: access-based directory enumeration */
	assert_int_equal(check("abe", "alice", false, false).flags, KSMBD_SHARE_HIDE_UNREADABLE);
}

/* A share's smb encrypt becomes its EncryptData (desired) and RejectUnencryptedAccess. */
static void test_share_encryption(void **state)
{
	(void)state;
	assert_int_equal(check("secret", "alice", false, false).flags,
			 KSMBD_SHARE_READONLY | KSMBD_SHARE_ENCRYPT | KSMBD_SHARE_ENCRYPT_REQUIRED);
	assert_int_equal(check("wish", "alice", false, false).flags,
			 KSMBD_SHARE_READONLY | KSMBD_SHARE_ENCRYPT);
	assert_int_equal(check("plain", "alice", false, false).flags, KSMBD_SHARE_READONLY);
	assert_int_equal(check("pub", "alice", false, false).flags, KSMBD_SHARE_READONLY);
}

static void test_guests(void **state)
{
	(void)state;
	assert_int_equal(check("data", "", true, false).status, KC_STATUS_ACCESS_DENIED);
	assert_int_equal(check("data", "", false, true).status, KC_STATUS_ACCESS_DENIED);
	assert_int_equal(check("pub", "", true, false).status, KC_STATUS_SUCCESS);
	assert_int_equal(check("pub", "", false, true).status, KC_STATUS_SUCCESS);
}

static void test_user_lists(void **state)
{
	(void)state;
	assert_int_equal(check("staff", "ALICE", false, false).status, KC_STATUS_SUCCESS);
	assert_int_equal(check("staff", "bob", false, false).status, KC_STATUS_SUCCESS);
	assert_int_equal(check("staff", "carol", false, false).status, KC_STATUS_ACCESS_DENIED);
	assert_int_equal(check("staff", "mallory", false, false).status, KC_STATUS_ACCESS_DENIED);
	assert_int_equal(check("data", "mallory", false, false).status, KC_STATUS_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_and_unavailable),
		cmocka_unit_test(test_ipc_always_exists),
		cmocka_unit_test(test_flags_and_path),
		cmocka_unit_test(test_share_encryption),
		cmocka_unit_test(test_guests),
		cmocka_unit_test(test_user_lists),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
