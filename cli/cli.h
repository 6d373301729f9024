/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-cluster, the administration CLI: the grammar and the commands.
 *
 * The grammar is a tree of token tables in the OpenBSD *ctl style: each table lists the words
 * that may come next; a token with a run function completes a command. A new verb is a new
 * table entry in parser.c plus its run function in a cmd_*.c file.
 */
#ifndef KC_CLI_H
#define KC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KC_CLI_NAME "ksmbd-cluster"
#define KC_CLI_MAX_ARGS 64	/* KEY=VALUE lists of the registry verbs included */

/* Exit codes, documented in --help. */
enum {
	KC_EXIT_OK = 0,
	KC_EXIT_FAILED = 1,	/* the operation failed */
	KC_EXIT_USAGE = 2,	/* bad command line */
	KC_EXIT_NOTFOUND = 3,	/* no such key, share, user, node or global option */
	KC_EXIT_NODAEMON = 4,	/* ksmbd-clusterd unreachable, refused us, or another protocol */
	KC_EXIT_UNAVAILABLE = 5,	/* no quorum, not in sync or not on corosync: try later */
};

struct kc_cli {
	const char *config_path;	/* -c FILE */
	const char *args[KC_CLI_MAX_ARGS];	/* words matched by KC_TOK_ARG tokens, in order */
	int nargs;
};

typedef int (*kc_cli_fn)(struct kc_cli *cli);

enum kc_cli_token_type {
	KC_TOK_END,		/* ends a table */
	KC_TOK_KEYWORD,		/* a fixed word */
	KC_TOK_ARG,		/* any word not starting with '-'; word is its placeholder (NAME) */
};

struct kc_cli_token {
	enum kc_cli_token_type type;
	const char *word;
	const struct kc_cli_token *next;	/* what may follow; NULL: nothing */
	kc_cli_fn run;		/* the command when the words end here; NULL: more needed */
	const char *help;	/* one line */
	const char *detail;	/* more for "COMMAND --help", or NULL */
};

/* Parse the words after the options and run the command; returns the exit code. */
int kc_cli_dispatch(struct kc_cli *cli, int argc, char **argv);
/* The full --help text. */
void kc_cli_usage(FILE *out);
/* Report a usage error (printf-style) plus the "try --help" hint; returns KC_EXIT_USAGE. */
int kc_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cmd_config.c */
int kc_cmd_config_check(struct kc_cli *cli);
int kc_cmd_config_print(struct kc_cli *cli);

/* cmd_user.c */
int kc_cmd_user_add(struct kc_cli *cli);
int kc_cmd_user_del(struct kc_cli *cli);
int kc_cmd_user_passwd(struct kc_cli *cli);
int kc_cmd_user_list(struct kc_cli *cli);
int kc_cmd_user_list_json(struct kc_cli *cli);

/* cmd_cluster.c: requests to ksmbd-clusterd */
int kc_cmd_status(struct kc_cli *cli);
int kc_cmd_status_json(struct kc_cli *cli);
int kc_cmd_kv_set(struct kc_cli *cli);
int kc_cmd_kv_get(struct kc_cli *cli);
int kc_cmd_kv_del(struct kc_cli *cli);
int kc_cmd_kv_list(struct kc_cli *cli);

/* The IPC connection to ksmbd-clusterd (cmd_cluster.c), for the registry verbs. */
struct qb_ipcc_connection;
struct kc_cli_conn {
	struct qb_ipcc_connection *c;
	uint8_t *res;		/* the last response's payload */
	size_t len;
	uint32_t nodeid;
};

/* Connect and say HELLO: 0, or an exit code after reporting why. */
int kc_cli_conn_open(struct kc_cli_conn *k);
void kc_cli_conn_close(struct kc_cli_conn *k);
/* One request: the daemon's answer (0 or -errno), or -EIO after reporting a broken exchange. */
int kc_cli_request(struct kc_cli_conn *k, int32_t id, const void *a, size_t alen, const void *b,
		   size_t blen);
/* The exit code of a daemon error, reported with @what ("share data: ..."). */
int kc_cli_report(const char *what, int err);
/* Flush standard output: @code, or KC_EXIT_FAILED on a write error. */
int kc_cli_finish_stdout(int code);
uint32_t kc_cli_get_u32(const uint8_t *p);
/*
 * A string of a clusterd reply: a 16-bit little-endian length, then the bytes,
 * at *@off of @p (@len bytes); copied NUL-terminated into @out, *@off advanced.
 * 0, or -1 when it does not fit the reply or @out.
 */
int kc_cli_get_str16(const uint8_t *p, size_t len, size_t *off, char *out, size_t outlen);
/* A JSON string on standard output. */
void kc_cli_json_str(const char *str);

/* cmd_registry.c: the cluster registry (shares, users, nodes, global options) */
int kc_cmd_share_add(struct kc_cli *cli);
int kc_cmd_share_del(struct kc_cli *cli);
int kc_cmd_share_set(struct kc_cli *cli);
int kc_cmd_share_list(struct kc_cli *cli);
int kc_cmd_share_list_json(struct kc_cli *cli);
int kc_cmd_share_show(struct kc_cli *cli);
int kc_cmd_share_show_json(struct kc_cli *cli);
int kc_cmd_node_list(struct kc_cli *cli);
int kc_cmd_node_list_json(struct kc_cli *cli);
int kc_cmd_node_disable(struct kc_cli *cli);
int kc_cmd_node_enable(struct kc_cli *cli);
int kc_cmd_global_set(struct kc_cli *cli);
int kc_cmd_global_del(struct kc_cli *cli);
int kc_cmd_global_list(struct kc_cli *cli);
int kc_cmd_global_list_json(struct kc_cli *cli);
int kc_cmd_ip_add(struct kc_cli *cli);
int kc_cmd_ip_del(struct kc_cli *cli);
int kc_cmd_ip_list(struct kc_cli *cli);
int kc_cmd_ip_list_json(struct kc_cli *cli);
int kc_cmd_ip_move(struct kc_cli *cli);
/* user add|del|passwd|list when the node file configures a cluster (cmd_user.c decides) */
enum kc_cli_user_op { KC_CLI_USER_ADD, KC_CLI_USER_DEL, KC_CLI_USER_PASSWD };
int kc_cli_registry_user(enum kc_cli_user_op op, const char *name, const uint8_t hash[16]);
int kc_cli_registry_user_list(bool json);
/* Whether node @id is disabled in the node table (false when unknown or unreadable). */
bool kc_cli_node_disabled(struct kc_cli_conn *k, uint32_t id);

#endif /* KC_CLI_H */
