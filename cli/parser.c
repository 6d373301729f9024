/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ksmbd-cluster command grammar: token tables and the walk over them.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const struct kc_cli_token t_config[] = {
	{ KC_TOK_KEYWORD, "check", NULL, kc_cmd_config_check,
	  "check the configuration file and report every error",
	  "Reads the configuration file and writes every error and warning to standard error\n"
	  "as FILE:LINE: error: ... or FILE:LINE: warning: .... When there is no error, prints\n"
	  "\"FILE: configuration OK\" and exits 0 (warnings allowed); otherwise exits 1." },
	{ KC_TOK_KEYWORD, "print", NULL, kc_cmd_config_print,
	  "print the configuration file in canonical form",
	  "Writes the configuration to standard output in canonical form: [global] first, then\n"
	  "the shares in file order; only the parameters that are set, with their canonical\n"
	  "names and values; ignored parameters left out. Diagnostics go to standard error as\n"
	  "for 'config check'; on errors nothing is printed and the exit status is 1." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

#define USER_PASSWORD_HELP \
	"The password is read from standard input: when it is a terminal, it is asked twice\n" \
	"without echo; otherwise the first line is the password (without its line end).\n" \
	"Passwords are 1 to 256 characters of UTF-8; only their NT hash is stored."

#define USER_ADD_DETAIL \
	"Adds the user NAME to the node's password database (the 'passdb file' of the\n" \
	"configuration), which is created with mode 0600 if needed. Fails when a user of\n" \
	"that name, in any case, exists. User names are 1 to 64 characters, without\n" \
	"control characters or any of \" / \\ [ ] : ; | = , + * ? < > @.\n" USER_PASSWORD_HELP
#define USER_DEL_DETAIL \
	"Removes the user NAME (in any case) from the node's password database. Sessions\n" \
	"already open are not closed."
#define USER_PASSWD_DETAIL \
	"Replaces the password of the existing user NAME (in any case).\n" USER_PASSWORD_HELP

static const struct kc_cli_token t_user_add[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_user_add, "add an SMB user", USER_ADD_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_user_del[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_user_del, "delete an SMB user", USER_DEL_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_user_passwd[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_user_passwd, "set the password of an SMB user",
	  USER_PASSWD_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_user_list[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_user_list_json,
	  "list the SMB users as JSON",
	  "Writes {\"users\": [{\"name\": \"...\"}, ...]} and a newline to standard output." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_user[] = {
	{ KC_TOK_KEYWORD, "add", t_user_add, NULL, "add an SMB user", USER_ADD_DETAIL },
	{ KC_TOK_KEYWORD, "del", t_user_del, NULL, "delete an SMB user", USER_DEL_DETAIL },
	{ KC_TOK_KEYWORD, "passwd", t_user_passwd, NULL, "set the password of an SMB user",
	  USER_PASSWD_DETAIL },
	{ KC_TOK_KEYWORD, "list", t_user_list, kc_cmd_user_list, "list the SMB users",
	  "Writes the user names, one per line, in file order; with --json, a JSON object.\n"
	  "A missing password database is an empty one." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

#define KV_DETAIL \
	"Keys and values of the cluster's replicated key/value store, kept by ksmbd-clusterd.\n" \
	"Changes are ordered through corosync; the command returns once this node applied\n" \
	"the change, and every node applies it in the same order. A node without quorum\n" \
	"refuses them (exit 5). Keys are 1 to 1024 bytes, values at most 256 KiB.\n" \
	"Generic keys need ksmbd-clusterd --memory-state; with the registry (the default),\n" \
	"keys are libpstore record keys and values encoded records: use share, user, node\n" \
	"and global instead."

static const struct kc_cli_token t_status[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_status_json, "the cluster status as JSON",
	  "Writes one JSON object: node_id, connected, quorate, synced, applied, records,\n"
	  "state_hash (SHA-256 of the state's canonical snapshot), members [{node_id, name,\n"
	  "pid, state: synced|joining}] and the configured nodes [{node_id, name, address,\n"
	  "online}]." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv_set_value[] = {
	{ KC_TOK_ARG, "VALUE", NULL, kc_cmd_kv_set, "set a key in the replicated store",
	  KV_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv_set[] = {
	{ KC_TOK_ARG, "KEY", t_kv_set_value, NULL, "set a key in the replicated store",
	  KV_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv_get[] = {
	{ KC_TOK_ARG, "KEY", NULL, kc_cmd_kv_get, "print the value of a key",
	  "Prints the value and a newline, from this node's copy; exit 3 when there is no\n"
	  "such key." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv_del[] = {
	{ KC_TOK_ARG, "KEY", NULL, kc_cmd_kv_del, "delete a key",
	  KV_DETAIL "\nExit 3 when there is no such key." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv_list[] = {
	{ KC_TOK_ARG, "PREFIX", NULL, kc_cmd_kv_list, "list the keys starting with PREFIX",
	  "Prints KEY<TAB>VALUE lines in key order, from this node's copy." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_kv[] = {
	{ KC_TOK_KEYWORD, "set", t_kv_set, NULL, "set a key in the replicated store", KV_DETAIL },
	{ KC_TOK_KEYWORD, "get", t_kv_get, NULL, "print the value of a key",
	  "Prints the value and a newline; exit 3 when there is no such key." },
	{ KC_TOK_KEYWORD, "del", t_kv_del, NULL, "delete a key", KV_DETAIL },
	{ KC_TOK_KEYWORD, "list", t_kv_list, kc_cmd_kv_list, "list the keys and values",
	  "Prints KEY<TAB>VALUE lines in key order, from this node's copy." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};


/* ---- the cluster registry ---------------------------------------------------------------- */

#define REGISTRY_DETAIL \
	"The cluster registry is kept by ksmbd-clusterd, replicated to every node and stored\n" \
	"in the state directory; a change returns once this node applied it, and every node's\n" \
	"ksmbd-mountd serves it at once, without a restart. A node without quorum refuses\n" \
	"changes (exit 5)."

#define SHARE_KEYS_DETAIL \
	"KEY=VALUE pairs are the share parameters of the node file (docs/config.md), in any\n" \
	"smb.conf spelling: path (required, absolute), comment, read only (writable), guest ok,\n" \
	"valid users, invalid users, browseable, available, continuous availability,\n" \
	"smb encrypt. Values are checked as in the node file. Quote pairs with spaces:\n" \
	"'read only=no' \"valid users=alice, bob\"."

static const struct kc_cli_token t_share_kv[] = {
	{ KC_TOK_ARG, "KEY=VALUE", t_share_kv, kc_cmd_share_add, "add a share",
	  SHARE_KEYS_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_add[] = {
	{ KC_TOK_ARG, "NAME", t_share_kv, NULL, "add a share",
	  "Adds the share NAME to the cluster registry; fails (exit 1) when a share of that\n"
	  "name, in any case, exists.\n" SHARE_KEYS_DETAIL "\n" REGISTRY_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_set_kv[] = {
	{ KC_TOK_ARG, "KEY=VALUE", t_share_set_kv, kc_cmd_share_set,
	  "change parameters of a share", SHARE_KEYS_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_set[] = {
	{ KC_TOK_ARG, "NAME", t_share_set_kv, NULL, "change parameters of a share",
	  "Changes the given parameters of the share NAME and keeps the others; exit 3 when\n"
	  "there is no such share.\n" SHARE_KEYS_DETAIL "\n" REGISTRY_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_del[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_share_del, "delete a share",
	  "Removes the share NAME (any case) from the cluster registry; exit 3 when there is\n"
	  "no such share. Trees already connected stay until the client disconnects them.\n"
	  REGISTRY_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_list[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_share_list_json, "list the shares as JSON",
	  "Writes {\"shares\": [{\"name\", \"path\", \"parameters\": {NAME: VALUE, ...}}, ...]}\n"
	  "in name order." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_show_json[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_share_show_json, "show a share as JSON",
	  "Writes {\"name\", \"path\", \"parameters\": {NAME: VALUE, ...}}." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share_show[] = {
	{ KC_TOK_ARG, "NAME", t_share_show_json, kc_cmd_share_show, "show a share",
	  "Prints the share as a node file section with every parameter in canonical form;\n"
	  "parameters a newer version stored are marked as unknown. Exit 3 when there is no\n"
	  "such share." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_share[] = {
	{ KC_TOK_KEYWORD, "add", t_share_add, NULL, "add a share", SHARE_KEYS_DETAIL },
	{ KC_TOK_KEYWORD, "del", t_share_del, NULL, "delete a share", REGISTRY_DETAIL },
	{ KC_TOK_KEYWORD, "set", t_share_set, NULL, "change parameters of a share",
	  SHARE_KEYS_DETAIL },
	{ KC_TOK_KEYWORD, "list", t_share_list, kc_cmd_share_list, "list the shares",
	  "Prints one line per share: its name, its path and its comment, in name order." },
	{ KC_TOK_KEYWORD, "show", t_share_show, NULL, "show a share", NULL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

#define NODE_STATE_DETAIL \
	"The node's state is kept in the replicated node table (nodes database). A disabled\n" \
	"node stays in the cluster (membership, quorum, the registry) but is not given public\n" \
	"addresses. 'status' and 'node list' show the state."

static const struct kc_cli_token t_node_list[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_node_list_json, "list the nodes as JSON",
	  "Writes {\"nodes\": [{\"node_id\", \"name\", \"address\", \"state\":\n"
	  "\"enabled\"|\"disabled\"}, ...]}." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_node_disable[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_node_disable, "disable a node",
	  "Marks the node NAME (of \"cluster nodes\") disabled; exit 3 for an unknown name.\n"
	  NODE_STATE_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_node_enable[] = {
	{ KC_TOK_ARG, "NAME", NULL, kc_cmd_node_enable, "enable a node",
	  "Marks the node NAME enabled again; exit 3 for an unknown name.\n" NODE_STATE_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_node[] = {
	{ KC_TOK_KEYWORD, "list", t_node_list, kc_cmd_node_list, "list the nodes and their state",
	  "Prints one line per configured node: id, name, address, enabled or disabled." },
	{ KC_TOK_KEYWORD, "disable", t_node_disable, NULL, "disable a node", NODE_STATE_DETAIL },
	{ KC_TOK_KEYWORD, "enable", t_node_enable, NULL, "enable a node", NODE_STATE_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

#define GLOBAL_DETAIL \
	"Cluster-wide SMB options override the node files' [global] values on every node:\n" \
	"netbios name, server string, server min protocol, server max protocol, server\n" \
	"signing, smb encrypt, map to guest. Values are checked as in the node file.\n" \
	"ksmbd-mountd applies 'map to guest' and the names and encryption shown by share\n" \
	"enumeration at once; the engine takes dialects, signing and encryption when\n" \
	"ksmbd-mountd starts."

static const struct kc_cli_token t_global_set_value[] = {
	{ KC_TOK_ARG, "VALUE", NULL, kc_cmd_global_set, "set a cluster-wide SMB option",
	  GLOBAL_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_global_set[] = {
	{ KC_TOK_ARG, "KEY", t_global_set_value, NULL, "set a cluster-wide SMB option",
	  GLOBAL_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_global_del[] = {
	{ KC_TOK_ARG, "KEY", NULL, kc_cmd_global_del, "remove a cluster-wide SMB option",
	  "Removes KEY from the registry: the node files' values apply again. Exit 3 when\n"
	  "the registry has no such option." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_global_list[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_global_list_json,
	  "list the cluster-wide SMB options as JSON", "Writes {\"global\": {KEY: VALUE, ...}}." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_global[] = {
	{ KC_TOK_KEYWORD, "set", t_global_set, NULL, "set a cluster-wide SMB option",
	  GLOBAL_DETAIL },
	{ KC_TOK_KEYWORD, "del", t_global_del, NULL, "remove a cluster-wide SMB option",
	  GLOBAL_DETAIL },
	{ KC_TOK_KEYWORD, "list", t_global_list, kc_cmd_global_list,
	  "list the cluster-wide SMB options", "Prints KEY = VALUE lines." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

#define IP_DETAIL \
	"Public IP addresses are registry records (\"ip:\" + address). Every node running\n" \
	"ksmbd-clusterd computes the same assignment of the addresses to the live, enabled\n" \
	"nodes of the quorate partition and adds its own to their interface; a node that\n" \
	"leaves, loses quorum or is disabled gives its addresses up and the others take them\n" \
	"over. 'status --json' shows the assignment. An address with home nodes stays on\n" \
	"them while one of them can host it."

static const struct kc_cli_token t_ip_home[] = {
	{ KC_TOK_ARG, "home=NODE[,NODE...]", NULL, kc_cmd_ip_add, "add a public IP address",
	  "The address may only be hosted by the given nodes (names of \"cluster nodes\", in\n"
	  "preference order) while one of them can; else by any node." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_iface[] = {
	{ KC_TOK_ARG, "IFACE", t_ip_home, kc_cmd_ip_add, "add a public IP address",
	  "The interface the address is added to on the node that hosts it." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_add[] = {
	{ KC_TOK_ARG, "ADDR/PREFIX", t_ip_iface, NULL, "add a public IP address",
	  "Adds ADDR (IPv4 or IPv6, /PREFIX default /32 or /128) to the registry; exit 1\n"
	  "when it exists.\n" IP_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_del[] = {
	{ KC_TOK_ARG, "ADDR", NULL, kc_cmd_ip_del, "remove a public IP address",
	  "Removes ADDR from the registry; the node hosting it releases it (its connections\n"
	  "are reset). Exit 3 when there is no such address." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_move_node[] = {
	{ KC_TOK_ARG, "NODE", NULL, kc_cmd_ip_move, "move a public IP address to a node",
	  "Makes NODE (or NODE,NODE,... in preference order) the address's home: it moves\n"
	  "there at once when NODE is live and enabled, comes back there when NODE returns,\n"
	  "and goes to another node only while no home node can host it. Exit 3 when there\n"
	  "is no such address or node." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_move[] = {
	{ KC_TOK_ARG, "ADDR", t_ip_move_node, NULL, "move a public IP address to a node", NULL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip_list[] = {
	{ KC_TOK_KEYWORD, "--json", NULL, kc_cmd_ip_list_json, "list the public IPs as JSON",
	  "Writes {\"ips\": [{\"address\": \"ADDR/PREFIX\", \"interface\", \"home\": [NODE,\n"
	  "...]}, ...]}." },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_ip[] = {
	{ KC_TOK_KEYWORD, "add", t_ip_add, NULL, "add a public IP address", IP_DETAIL },
	{ KC_TOK_KEYWORD, "del", t_ip_del, NULL, "remove a public IP address", IP_DETAIL },
	{ KC_TOK_KEYWORD, "list", t_ip_list, kc_cmd_ip_list, "list the public IP addresses",
	  "Prints one line per address: ADDR/PREFIX, interface and home nodes." },
	{ KC_TOK_KEYWORD, "move", t_ip_move, NULL, "move a public IP address to a node",
	  IP_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

static const struct kc_cli_token t_main[] = {
	{ KC_TOK_KEYWORD, "config", t_config, NULL, "check or print the node configuration",
	  "The configuration file is given with -c FILE (default: " KC_CONF_DEFAULT_PATH ").\n"
	  "See docs/config.md for its format and parameters." },
	{ KC_TOK_KEYWORD, "user", t_user, NULL, "manage the SMB users",
	  "When the node file (-c FILE) configures a cluster ('cluster nodes'), users live in\n"
	  "the cluster registry (through ksmbd-clusterd) and serve every node; otherwise in\n"
	  "the file named by 'passdb file'. See docs/users.md." },
	{ KC_TOK_KEYWORD, "share", t_share, NULL, "manage the cluster's shares",
	  REGISTRY_DETAIL },
	{ KC_TOK_KEYWORD, "ip", t_ip, NULL, "manage the cluster's public IP addresses",
	  IP_DETAIL },
	{ KC_TOK_KEYWORD, "node", t_node, NULL, "list, disable or enable cluster nodes",
	  NODE_STATE_DETAIL },
	{ KC_TOK_KEYWORD, "global", t_global, NULL, "manage cluster-wide SMB options",
	  GLOBAL_DETAIL },
	{ KC_TOK_KEYWORD, "status", t_status, kc_cmd_status, "show the cluster status",
	  "Asks ksmbd-clusterd (libqb IPC, root or the cluster admin group) for this node's id,\n"
	  "quorum, sync state and the members of the cluster." },
	{ KC_TOK_KEYWORD, "kv", t_kv, NULL, "the cluster's replicated key/value store",
	  KV_DETAIL },
	{ KC_TOK_END, NULL, NULL, NULL, NULL, NULL },
};

/* The words of the command matched so far, for messages and help. */
struct path {
	const char *words[KC_CLI_MAX_ARGS + 8];
	int n;
};

static void print_path(FILE *out, const struct path *path)
{
	for (int i = 0; i < path->n; i++)
		fprintf(out, " %s", path->words[i]);
}

int kc_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", KC_CLI_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry '%s --help'\n", KC_CLI_NAME);
	return KC_EXIT_USAGE;
}

/* Every complete command under table, one line each: "  config check   help". */
static void list_commands(FILE *out, const struct kc_cli_token *table, struct path *path)
{
	char line[128];
	int off;

	for (const struct kc_cli_token *t = table; t && t->type != KC_TOK_END; t++) {
		if (path->n >= (int)(sizeof(path->words) / sizeof(path->words[0])))
			return;
		path->words[path->n++] = t->word;
		if (t->run) {
			off = 0;
			for (int i = 0; i < path->n && off < (int)sizeof(line); i++)
				off += snprintf(line + off, sizeof(line) - (size_t)off, "%s%s",
						i ? " " : "", path->words[i]);
			fprintf(out, "  %-22s %s\n", line, t->help);
		}
		if (t->next != table)	/* KEY=VALUE... repeats itself */
			list_commands(out, t->next, path);
		path->n--;
	}
}

static const char usage_tail[] =
	"\n"
	"Options:\n"
	"  -c, --config FILE      node configuration file (default: " KC_CONF_DEFAULT_PATH ")\n"
	"  -h, --help             show this help and exit\n"
	"      --version          show the version and exit\n"
	"\n"
	"Run '" KC_CLI_NAME " COMMAND --help' for help on one command.\n"
	"\n"
	"Exit status:\n"
	"  0  success\n"
	"  1  the operation failed (for 'config check': the configuration has errors)\n"
	"  2  usage error\n"
	"  3  no such key, share, user, node or global option\n"
	"  4  ksmbd-clusterd is not running, refused the connection or speaks another protocol\n"
	"  5  the cluster cannot take the change now: no quorum, or the node is not in sync\n";

void kc_cli_usage(FILE *out)
{
	struct path path = { .n = 0 };

	fprintf(out, "usage: %s [-c FILE] COMMAND [ARGUMENTS]\n", KC_CLI_NAME);
	fprintf(out, "       %s -h | --help | --version\n\n", KC_CLI_NAME);
	fprintf(out, "Commands:\n");
	list_commands(out, t_main, &path);
	fputs(usage_tail, out);
}

/* Help for the command matched so far (tok is its last token). */
static void command_help(FILE *out, const struct kc_cli_token *tok, struct path *path)
{
	const char *what = "COMMAND";

	fprintf(out, "usage: %s [-c FILE]", KC_CLI_NAME);
	print_path(out, path);
	/* a single argument or option that may follow is named ("user add NAME") */
	if (tok->next && tok->next[1].type == KC_TOK_END &&
	    (tok->next[0].type == KC_TOK_ARG || tok->next[0].word[0] == '-'))
		what = tok->next[0].word;
	if (tok->next && tok->next->next == tok->next)
		fprintf(out, " %s...\n", tok->next->word);	/* a repeated KEY=VALUE */
	else if (tok->next)
		fprintf(out, tok->run ? " [%s]\n" : " %s\n", what);
	else
		fputc('\n', out);
	fprintf(out, "\n%s\n", tok->help);
	if (tok->detail)
		fprintf(out, "\n%s\n", tok->detail);
	if (tok->next) {
		fprintf(out, "\nCommands:\n");
		list_commands(out, tok->next, path);
	}
}

static bool is_help(const char *w)
{
	return !strcmp(w, "-h") || !strcmp(w, "--help");
}

static const struct kc_cli_token *match(const struct kc_cli_token *table, const char *w)
{
	const struct kc_cli_token *t, *arg = NULL;

	for (t = table; t && t->type != KC_TOK_END; t++) {
		if (t->type == KC_TOK_KEYWORD && !strcmp(t->word, w))
			return t;
		if (t->type == KC_TOK_ARG && !arg && w[0] != '-')
			arg = t;
	}
	return arg;
}

/* The words a table accepts, for "expected: ..." messages. */
static void expected(char *buf, size_t len, const struct kc_cli_token *table)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct kc_cli_token *t = table; t->type != KC_TOK_END && off < len; t++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", t->word);
}

int kc_cli_dispatch(struct kc_cli *cli, int argc, char **argv)
{
	const struct kc_cli_token *table = t_main, *tok = NULL;
	struct path path = { .n = 0 };
	char exp[256];

	for (int i = 0; i < argc; i++) {
		const struct kc_cli_token *t;

		if (is_help(argv[i])) {
			if (!tok)
				kc_cli_usage(stdout);
			else
				command_help(stdout, tok, &path);
			return KC_EXIT_OK;
		}
		t = match(table, argv[i]);
		if (!t && !tok)
			return kc_cli_usage_error("unknown command '%s'", argv[i]);
		if (!t && !table)
			return kc_cli_usage_error("unexpected argument '%s' after '%s'", argv[i],
						  argv[i - 1]);
		if (!t) {
			expected(exp, sizeof(exp), table);
			return kc_cli_usage_error("unknown argument '%s' after '%s' (expected: %s)",
						  argv[i], argv[i - 1], exp);
		}
		if (path.n >= (int)(sizeof(path.words) / sizeof(path.words[0])) ||
		    (t->type == KC_TOK_ARG && cli->nargs >= KC_CLI_MAX_ARGS))
			return kc_cli_usage_error("too many arguments");
		if (t->type == KC_TOK_ARG)
			cli->args[cli->nargs++] = argv[i];
		path.words[path.n++] = t->type == KC_TOK_ARG ? t->word : argv[i];
		tok = t;
		table = t->next;
	}
	if (!tok)
		return kc_cli_usage_error("missing command");
	if (!tok->run) {
		expected(exp, sizeof(exp), tok->next);
		return kc_cli_usage_error("missing argument after '%s' (expected: %s)",
					  argv[argc - 1], exp);
	}
	return tok->run(cli);
}
