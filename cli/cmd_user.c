/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-cluster user add | del | passwd NAME, user list [--json]
 *
 * The single-node user commands: they edit the node's passdb file (lib/passdb.c) under its
 * lock. Passwords come from standard input, asked twice without echo on a terminal.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "registry.h"
#include "config.h"
#include "passdb.h"

#define PW_BUF (4 * KC_PASSDB_PASSWORD_MAX + 2)	/* UTF-8, plus the line end */

/* ---- reading a password ---------------------------------------------------------------- */

static struct termios saved_tty;
static volatile sig_atomic_t echo_off;

static void restore_echo(void)
{
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		echo_off = 0;
	}
}

/* A signal while echo is off: turn it back on, then die of the signal. */
static void on_signal(int sig)
{
	restore_echo();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Read one line from stdin into buf (without the line end). 1 when a line was read, 0 at
 * end of file with nothing read, -1 when the line does not fit.
 */
static int read_line(char *buf, size_t size)
{
	size_t len;

	if (!fgets(buf, (int)size, stdin))
		return 0;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (!feof(stdin))
		return -1;
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 1;
}

/*
 * Read a line from the terminal without echo. The prompt comes once echo is off: switching
 * flushes pending input (TCSAFLUSH), which must not swallow an answer typed after the prompt.
 */
static int read_hidden(const char *prompt, char *buf, size_t size)
{
	struct termios t;
	int ret;

	if (tcgetattr(STDIN_FILENO, &saved_tty))
		return -1;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGQUIT, on_signal);
	echo_off = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t)) {
		echo_off = 0;
		return -1;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	ret = read_line(buf, size);
	restore_echo();
	fputc('\n', stderr);
	return ret;
}

/* The new password of name, hashed; 0 or an exit code after reporting why. */
static int get_password_hash(const char *name, uint8_t hash[KC_PASSDB_HASH_LEN])
{
	char pw[PW_BUF], again[PW_BUF], prompt[200], why[128];
	int ret = KC_EXIT_FAILED, r;

	if (isatty(STDIN_FILENO)) {
		snprintf(prompt, sizeof(prompt), "New SMB password for %s: ", name);
		r = read_hidden(prompt, pw, sizeof(pw));
		if (r > 0)
			r = read_hidden("Retype the password: ", again, sizeof(again));
		if (r > 0 && strcmp(pw, again)) {
			fprintf(stderr, "%s: the passwords do not match\n", KC_CLI_NAME);
			goto out;
		}
	} else {
		r = read_line(pw, sizeof(pw));
	}
	if (r == 0)
		fprintf(stderr, "%s: no password on standard input\n", KC_CLI_NAME);
	else if (r < 0)
		fprintf(stderr, "%s: the password is longer than %d characters\n", KC_CLI_NAME,
			KC_PASSDB_PASSWORD_MAX);
	else if (kc_passdb_hash_password(pw, hash, why, sizeof(why)))
		fprintf(stderr, "%s: %s\n", KC_CLI_NAME, why);
	else
		ret = KC_EXIT_OK;
out:
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(again, sizeof(again));
	return ret;
}

/* ---- the commands ------------------------------------------------------------------------ */

/*
 * The passdb path of the configuration (caller frees), or NULL after reporting why. When the
 * node file configures a cluster, *clustered is set and the users live in the cluster
 * registry instead (cmd_registry.c).
 */
static char *passdb_path(const struct kc_cli *cli, bool *clustered)
{
	struct kc_conf *conf;
	char *path;

	if (kc_conf_load(cli->config_path, &conf, stderr))
		return NULL;
	*clustered = kc_registry_clustered(conf);
	path = strdup(kc_conf_str(kc_conf_global(conf), "passdb file"));
	kc_conf_free(conf);
	if (!path)
		fprintf(stderr, "%s: out of memory\n", KC_CLI_NAME);
	return path;
}

enum edit { EDIT_ADD, EDIT_DEL, EDIT_PASSWD };

/* Lock, load, change, save. */
static int edit_user(struct kc_cli *cli, enum edit what)
{
	static const char *const done[] = { "added", "deleted", "password changed" };
	const char *name = cli->args[0];
	uint8_t hash[KC_PASSDB_HASH_LEN] = { 0 };
	struct kc_passdb *db = NULL;
	char why[128], *path;
	int ret = KC_EXIT_FAILED, lock = -1, err = 0;
	bool clustered;

	if (what == EDIT_ADD && !kc_passdb_name_valid(name, why, sizeof(why)))
		return kc_cli_usage_error("invalid user name '%s': %s", name, why);
	path = passdb_path(cli, &clustered);
	if (!path)
		return KC_EXIT_FAILED;
	if (what != EDIT_DEL) {
		ret = get_password_hash(name, hash);
		if (ret)
			goto out;
		ret = KC_EXIT_FAILED;
	}
	if (clustered) {	/* the registry, through ksmbd-clusterd */
		ret = kc_cli_registry_user(what == EDIT_ADD ? KC_CLI_USER_ADD :
					   what == EDIT_DEL ? KC_CLI_USER_DEL : KC_CLI_USER_PASSWD,
					   name, hash);
		goto out;
	}
	lock = kc_passdb_lock(path);
	if (lock < 0) {
		fprintf(stderr, "%s.lock: error: %s\n", path, strerror(-lock));
		goto out;
	}
	if (kc_passdb_load(path, &db, stderr))
		goto out;
	if (what == EDIT_ADD)
		err = kc_passdb_add(db, name, hash);
	else if (what == EDIT_DEL)
		err = kc_passdb_del(db, name);
	else
		err = kc_passdb_set(db, name, hash);
	if (err == -EEXIST)
		fprintf(stderr, "%s: user '%s' already exists\n", KC_CLI_NAME, name);
	else if (err == -ENOENT)
		fprintf(stderr, "%s: no user '%s'\n", KC_CLI_NAME, name);
	else if (err)
		fprintf(stderr, "%s: %s\n", KC_CLI_NAME, strerror(-err));
	else if (!kc_passdb_save(db, path, stderr))
		ret = KC_EXIT_OK;
	if (!ret)
		printf("user '%s' %s\n", name, done[what]);
out:
	explicit_bzero(hash, sizeof(hash));
	kc_passdb_free(db);
	if (lock >= 0)
		close(lock);
	free(path);
	return ret;
}

int kc_cmd_user_add(struct kc_cli *cli)
{
	return edit_user(cli, EDIT_ADD);
}

int kc_cmd_user_del(struct kc_cli *cli)
{
	return edit_user(cli, EDIT_DEL);
}

int kc_cmd_user_passwd(struct kc_cli *cli)
{
	return edit_user(cli, EDIT_PASSWD);
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 as is. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static int list_users(struct kc_cli *cli, bool json)
{
	struct kc_passdb *db;
	bool clustered;
	char *path = passdb_path(cli, &clustered);
	size_t n;

	if (!path)
		return KC_EXIT_FAILED;
	if (clustered) {
		free(path);
		return kc_cli_registry_user_list(json);
	}
	if (kc_passdb_load(path, &db, stderr)) {
		free(path);
		return KC_EXIT_FAILED;
	}
	n = kc_passdb_count(db);
	if (json)
		fputs("{\"users\": [", stdout);
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
			json_string(stdout, kc_passdb_name(db, i));
			fputc('}', stdout);
		} else {
			printf("%s\n", kc_passdb_name(db, i));
		}
	}
	if (json)
		fputs("]}\n", stdout);
	kc_passdb_free(db);
	free(path);
	if (fflush(stdout) || ferror(stdout)) {
		perror(KC_CLI_NAME ": write error");
		return KC_EXIT_FAILED;
	}
	return KC_EXIT_OK;
}

int kc_cmd_user_list(struct kc_cli *cli)
{
	return list_users(cli, false);
}

int kc_cmd_user_list_json(struct kc_cli *cli)
{
	return list_users(cli, true);
}
