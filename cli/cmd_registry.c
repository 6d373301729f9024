// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksmbd-cluster share|user|node|global: the cluster registry, kept by ksmbd-clusterd in the
 * persistent replicated state (lib/pstore_sm.c). Records are libpstore records; a change is a
 * KC_CIPC_MUTATE of one record, answered once this node applied it (every node applies it in
 * the same order). share set, user passwd and node enable/disable read the record, change it
 * and store it whole: of two such changes of the same record at the same time, the last
 * ordered wins.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clusterd_ipc.h"
#include "pstore.h"
#include "registry.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Store @rec (SET or CREATE) or delete @key, over a new connection; the exit code. */
static int change(enum kc_sm_op op, const struct pstore_rec *rec, const char *key,
		  const char *what)
{
	struct kc_bytes mut = { 0 };
	struct kc_cli_conn k;
	int ret = rec ? kc_registry_mut_put(&mut, op, rec) : kc_registry_mut_del(&mut, key);

	if (ret) {
		kc_bytes_free(&mut);
		fprintf(stderr, "%s: %s: cannot be stored: %s\n", KC_CLI_NAME, what,
			strerror(-ret));
		return KC_EXIT_FAILED;
	}
	ret = kc_cli_conn_open(&k);
	if (!ret) {
		ret = kc_cli_request(&k, KC_CIPC_MUTATE, mut.data, mut.len, NULL, 0);
		kc_cli_conn_close(&k);
		if (ret == -ENOENT)
			fprintf(stderr, "%s: %s: does not exist\n", KC_CLI_NAME, what);
		else if (ret == -EEXIST)
			fprintf(stderr, "%s: %s: already exists\n", KC_CLI_NAME, what);
		ret = ret == -ENOENT ? KC_EXIT_NOTFOUND : ret == -EEXIST ? KC_EXIT_FAILED :
		      kc_cli_report(what, ret);
	}
	if (mut.data)
		explicit_bzero(mut.data, mut.len);	/* NT hashes */
	kc_bytes_free(&mut);
	return ret;
}

/* Fetch and decode the record under @key: 0, or the daemon's -errno (-EIO when reported). */
static int fetch(struct kc_cli_conn *k, const char *key, enum pstore_type type,
		 struct pstore_rec **out)
{
	struct pstore_err err;
	int ret = kc_cli_request(k, KC_CIPC_GET, key, strlen(key), NULL, 0);

	if (ret)
		return ret;
	ret = pstore_rec_decode(k->res, k->len, out, &err);
	if (!ret && (*out)->type != type) {
		pstore_rec_free(*out);
		ret = -EBADMSG;
	}
	if (ret) {
		fprintf(stderr, "%s: %s: unreadable record: %s\n", KC_CLI_NAME, key,
			ret == -EBADMSG ? err.msg : strerror(-ret));
		return -EIO;
	}
	return 0;
}

/* The libpstore key of the share, user or option called @name (libpstore derives it). */
static char *rec_key(enum pstore_type type, const char *name)
{
	struct pstore_rec *rec = pstore_rec_new(type);
	char *key = NULL, *copy = strdup(name);

	if (rec && copy) {
		if (type == PSTORE_T_SHARE)
			((struct pstore_share *)rec)->name = copy;
		else if (type == PSTORE_T_USER)
			((struct pstore_user *)rec)->name = copy;
		else
			((struct pstore_option *)rec)->key = copy;
		copy = NULL;
		if (pstore_rec_key(rec, &key, NULL))
			key = NULL;
	}
	free(copy);
	pstore_rec_free(rec);
	if (!key)
		fprintf(stderr, "%s: '%s': not a valid name\n", KC_CLI_NAME, name);
	return key;
}

typedef int (*record_fn)(const char *key, const struct pstore_rec *rec, void *arg);

/* LIST @prefix and call @fn for every record of @type, in key order. */
static int each_record(struct kc_cli_conn *k, const char *prefix, enum pstore_type type,
		       record_fn fn, void *arg)
{
	size_t off = 4;
	uint32_t n;
	int ret = kc_cli_request(k, KC_CIPC_LIST, prefix, strlen(prefix), NULL, 0);

	if (!ret && k->len < 4)
		ret = -EIO;
	for (n = ret ? 0 : kc_cli_get_u32(k->res); !ret && n; n--) {
		struct pstore_rec *rec;
		uint32_t kl, vl;
		char *key;

		if (k->len - off < 4 || (kl = kc_cli_get_u32(k->res + off)) > k->len - off - 4 ||
		    k->len - off - 4 - kl < 4 ||
		    (vl = kc_cli_get_u32(k->res + off + 4 + kl)) > k->len - off - 8 - kl) {
			fprintf(stderr, "%s: malformed list from ksmbd-clusterd\n", KC_CLI_NAME);
			return -EIO;
		}
		key = strndup((const char *)k->res + off + 4, kl);
		if (!key)
			return -ENOMEM;
		if (pstore_rec_decode(k->res + off + 8 + kl, vl, &rec, NULL)) {
			fprintf(stderr, "%s: %s: unreadable record skipped\n", KC_CLI_NAME, key);
		} else {
			if (rec->type == type)
				ret = fn(key, rec, arg);
			pstore_rec_free(rec);
		}
		free(key);
		off += 8 + kl + vl;
	}
	return ret;
}

/*
 * A "list" verb: every record of @type under @prefix through @fn, as JSON
 * between @open and @close when @json. The command's exit status.
 */
static int list_records(const char *what, bool json, const char *open, const char *close,
			const char *prefix, enum pstore_type type, record_fn fn, void *arg)
{
	struct kc_cli_conn k;
	int ret = kc_cli_conn_open(&k);

	if (ret)
		return ret;
	if (json)
		printf("%s", open);
	ret = kc_cli_report(what, each_record(&k, prefix, type, fn, arg));
	if (json)
		printf("%s\n", close);
	kc_cli_conn_close(&k);
	return kc_cli_finish_stdout(ret);
}

/* Split "KEY=VALUE"; the key is trimmed of spaces. */
static int split_kv(const char *arg, char **key, const char **value)
{
	const char *eq = strchr(arg, '=');
	size_t kl;

	if (!eq || eq == arg)
		return -1;
	kl = (size_t)(eq - arg);
	while (kl && arg[kl - 1] == ' ')
		kl--;
	*key = strndup(arg, kl);
	*value = eq + 1;
	while (**value == ' ')
		(*value)++;
	return *key ? 0 : -1;
}

/* Apply the KEY=VALUE arguments from @first on; 0 or KC_EXIT_USAGE after reporting. */
static int share_apply_args(struct pstore_share *s, struct kc_cli *cli, int first)
{
	for (int i = first; i < cli->nargs; i++) {
		char err[256], *key;
		const char *value;
		int ret;

		if (split_kv(cli->args[i], &key, &value))
			return kc_cli_usage_error("'%s' is not KEY=VALUE", cli->args[i]);
		ret = kc_registry_share_set(s, key, value, err, sizeof(err));
		free(key);
		if (ret == -1)
			return kc_cli_usage_error("share %s: %s", s->name, err);
		if (ret) {
			fprintf(stderr, "%s: out of memory\n", KC_CLI_NAME);
			return KC_EXIT_FAILED;
		}
	}
	return 0;
}

static bool share_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > KC_CONF_SHARE_NAME_MAX * 4 || strpbrk(name, "[]\\/:*?\"<>|\r\n\t") ||
	    !strcasecmp(name, "global") || !strcasecmp(name, "ipc$"))
		return false;
	return true;
}

/* ---- share -------------------------------------------------------------------------------- */

/* Whether mountd can serve @s: it goes through the same check (registry.c). 0, or the exit
 * code after reporting why. */
static int share_servable(const struct pstore_share *s)
{
	static const char empty[] = "[global]\n";
	struct pstore_share *const one[1] = { (struct pstore_share *)s };
	struct kc_conf *node = NULL, *conf = NULL;
	char *diag = NULL;
	size_t dlen, n = 0;
	FILE *f = open_memstream(&diag, &dlen);

	if (!f || kc_conf_parse("empty", empty, sizeof(empty) - 1, &node, NULL)) {
		if (f)
			fclose(f);
		free(diag);
		return KC_EXIT_FAILED;
	}
	conf = kc_registry_conf(node, one, 1, NULL, 0, f);
	fclose(f);
	if (conf)
		n = kc_conf_share_count(conf);
	kc_conf_free(conf);
	kc_conf_free(node);
	if (n != 1) {
		fprintf(stderr, "%s", diag ? diag : "");
		free(diag);
		return kc_cli_usage_error("share %s: the node file's parser refuses it", s->name);
	}
	free(diag);
	return 0;
}

int kc_cmd_share_add(struct kc_cli *cli)
{
	const char *name = cli->args[0];
	struct pstore_share *s;
	char what[300];
	int ret;

	if (!share_name_ok(name))
		return kc_cli_usage_error("invalid share name '%s' (1 to %d characters, none of "
					  "[ ] \\ / : * ? \" < > |; not global or IPC$)", name,
					  KC_CONF_SHARE_NAME_MAX);
	s = (struct pstore_share *)pstore_rec_new(PSTORE_T_SHARE);
	if (!s || !(s->name = strdup(name)))
		ret = KC_EXIT_FAILED;
	else
		ret = share_apply_args(s, cli, 1);
	if (!ret && !s->path)
		ret = kc_cli_usage_error("share %s: path=DIRECTORY is required", name);
	if (!ret)
		ret = share_servable(s);
	snprintf(what, sizeof(what), "share %s", name);
	if (!ret) {
		ret = change(KC_SM_OP_CREATE, &s->rec, NULL, what);
		if (!ret)
			printf("share '%s' added\n", name);
	}
	pstore_rec_free(s ? &s->rec : NULL);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_share_del(struct kc_cli *cli)
{
	char *key = rec_key(PSTORE_T_SHARE, cli->args[0]), what[300];
	int ret;

	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "share %s", cli->args[0]);
	ret = change(KC_SM_OP_DEL, NULL, key, what);
	if (!ret)
		printf("share '%s' deleted\n", cli->args[0]);
	free(key);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_share_set(struct kc_cli *cli)
{
	char *key = rec_key(PSTORE_T_SHARE, cli->args[0]), what[300];
	struct pstore_rec *rec = NULL;
	struct kc_cli_conn k;
	int ret;

	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "share %s", cli->args[0]);
	ret = kc_cli_conn_open(&k);
	if (!ret) {
		ret = kc_cli_report(what, fetch(&k, key, PSTORE_T_SHARE, &rec));
		kc_cli_conn_close(&k);
	}
	if (!ret)
		ret = share_apply_args((struct pstore_share *)rec, cli, 1);
	if (!ret)
		ret = share_servable((struct pstore_share *)rec);
	if (!ret)
		ret = change(KC_SM_OP_SET, rec, NULL, what);
	if (!ret)
		printf("share '%s' changed\n", ((struct pstore_share *)rec)->name);
	pstore_rec_free(rec);
	free(key);
	return kc_cli_finish_stdout(ret);
}

struct share_out {
	bool json, first, show;
};

static int print_param(const char *name, const char *value, bool known, void *arg)
{
	struct share_out *o = arg;

	if (o->json) {
		printf("%s", o->first ? "" : ", ");
		kc_cli_json_str(name);
		printf(": ");
		kc_cli_json_str(value);
	} else {
		printf("\t%s = %s%s\n", name, value, known ? "" : "\t# unknown to this version");
	}
	o->first = false;
	return 0;
}

static int print_share(const char *key, const struct pstore_rec *rec, void *arg)
{
	const struct pstore_share *s = (const struct pstore_share *)rec;
	struct share_out *o = arg, p = { .json = o->json, .first = true };

	(void)key;
	if (o->json) {
		printf("%s{\"name\": ", o->first ? "" : ", ");
		kc_cli_json_str(s->name);
		printf(", \"path\": ");
		kc_cli_json_str(s->path);
		printf(", \"parameters\": {");
		kc_registry_share_params(s, print_param, &p);
		printf("}}");
	} else if (o->show) {
		printf("[%s]\n", s->name);
		kc_registry_share_params(s, print_param, &p);
	} else {
		printf("%-20s %s%s%s\n", s->name, s->path, s->comment && *s->comment ? "  # " : "",
		       s->comment ? s->comment : "");
	}
	o->first = false;
	return 0;
}

static int share_list(bool json)
{
	struct share_out o = { .json = json, .first = true };

	return list_records("share list", json, "{\"shares\": [", "]}", "share:",
			    PSTORE_T_SHARE, print_share, &o);
}

int kc_cmd_share_list(struct kc_cli *cli)
{
	(void)cli;
	return share_list(false);
}

int kc_cmd_share_list_json(struct kc_cli *cli)
{
	(void)cli;
	return share_list(true);
}

static int share_show(struct kc_cli *cli, bool json)
{
	struct share_out o = { .json = json, .first = true, .show = true };
	char *key = rec_key(PSTORE_T_SHARE, cli->args[0]), what[300];
	struct pstore_rec *rec = NULL;
	struct kc_cli_conn k;
	int ret;

	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "share %s", cli->args[0]);
	ret = kc_cli_conn_open(&k);
	if (!ret) {
		ret = kc_cli_report(what, fetch(&k, key, PSTORE_T_SHARE, &rec));
		kc_cli_conn_close(&k);
	}
	if (!ret) {
		print_share(key, rec, &o);
		if (json)
			printf("\n");
	}
	pstore_rec_free(rec);
	free(key);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_share_show(struct kc_cli *cli)
{
	return share_show(cli, false);
}

int kc_cmd_share_show_json(struct kc_cli *cli)
{
	return share_show(cli, true);
}

/* ---- user (cluster mode) ------------------------------------------------------------------- */

int kc_cli_registry_user(enum kc_cli_user_op op, const char *name, const uint8_t hash[16])
{
	static const char *const done[] = { "added", "deleted", "password changed" };
	char *key = rec_key(PSTORE_T_USER, name), what[300];
	struct pstore_rec *rec = NULL;
	struct pstore_user *u;
	struct kc_cli_conn k;
	int ret = 0;

	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "user %s", name);
	if (op == KC_CLI_USER_DEL) {
		ret = change(KC_SM_OP_DEL, NULL, key, what);
		goto out;
	}
	if (op == KC_CLI_USER_PASSWD) {
		ret = kc_cli_conn_open(&k);
		if (ret)
			goto out;
		ret = kc_cli_report(what, fetch(&k, key, PSTORE_T_USER, &rec));
		kc_cli_conn_close(&k);
		if (ret)
			goto out;
	} else {
		rec = pstore_rec_new(PSTORE_T_USER);
		if (!rec || !(((struct pstore_user *)rec)->name = strdup(name))) {
			ret = KC_EXIT_FAILED;
			goto out;
		}
	}
	u = (struct pstore_user *)rec;
	memcpy(u->nt_hash, hash, sizeof(u->nt_hash));
	ret = change(op == KC_CLI_USER_ADD ? KC_SM_OP_CREATE : KC_SM_OP_SET, rec, NULL, what);
out:
	if (!ret)
		printf("user '%s' %s (cluster registry)\n", name, done[op]);
	pstore_rec_free(rec);
	free(key);
	return kc_cli_finish_stdout(ret);
}

struct user_out {
	bool json, first;
};

static int print_user(const char *key, const struct pstore_rec *rec, void *arg)
{
	const struct pstore_user *u = (const struct pstore_user *)rec;
	struct user_out *o = arg;

	(void)key;
	if (o->json) {
		printf("%s{\"name\": ", o->first ? "" : ", ");
		kc_cli_json_str(u->name);
		printf(", \"disabled\": %s}", u->flags & PSTORE_USER_DISABLED ? "true" : "false");
	} else {
		printf("%s\n", u->name);
	}
	o->first = false;
	return 0;
}

int kc_cli_registry_user_list(bool json)
{
	struct user_out o = { .json = json, .first = true };

	return list_records("user list", json, "{\"users\": [", "]}", "user:",
			    PSTORE_T_USER, print_user, &o);
}

/* ---- node ------------------------------------------------------------------------------------ */

bool kc_cli_node_disabled(struct kc_cli_conn *k, uint32_t id)
{
	struct pstore_rec *rec;
	char key[32];
	bool off;

	snprintf(key, sizeof(key), "node:%010u", id);
	if (kc_cli_request(k, KC_CIPC_GET, key, strlen(key), NULL, 0) ||
	    pstore_rec_decode(k->res, k->len, &rec, NULL))
		return false;
	off = rec->type == PSTORE_T_NODE &&
	      ((struct pstore_node *)rec)->state == PSTORE_NODE_DISABLED;
	pstore_rec_free(rec);
	return off;
}

/* The configured nodes, from clusterd's status: ids, names, addresses. */
struct nodes {
	uint32_t n;
	struct { uint32_t id; char name[256], addr[256]; } v[64];
};

static int nodes_get(struct kc_cli_conn *k, struct nodes *ns)
{
	size_t off = 4 + 4 + 8 + 8 + KC_SM_HASH_LEN;
	uint32_t nm;
	int ret = kc_cli_request(k, KC_CIPC_STATUS, NULL, 0, NULL, 0);

	if (ret)
		return ret;
	if (k->len < off + 4)
		goto bad;
	nm = kc_cli_get_u32(k->res + off);
	off += 4;
	if ((k->len - off) / 12 < nm)
		goto bad;
	off += 12 * (size_t)nm;
	if (k->len - off < 4)
		goto bad;
	ns->n = kc_cli_get_u32(k->res + off);
	off += 4;
	if (ns->n > 64)
		goto bad;
	for (uint32_t i = 0; i < ns->n; i++) {
		if (k->len - off < 4)
			goto bad;
		ns->v[i].id = kc_cli_get_u32(k->res + off);
		off += 4;
		if (kc_cli_get_str16(k->res, k->len, &off, ns->v[i].name, sizeof(ns->v[i].name)) ||
		    kc_cli_get_str16(k->res, k->len, &off, ns->v[i].addr, sizeof(ns->v[i].addr)))
			goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "%s: malformed status from ksmbd-clusterd\n", KC_CLI_NAME);
	return -EIO;
}

static int node_list(bool json)
{
	struct nodes *ns = calloc(1, sizeof(*ns));
	struct kc_cli_conn k;
	int ret = ns ? kc_cli_conn_open(&k) : KC_EXIT_FAILED;

	if (ret) {
		free(ns);
		return ret;
	}
	ret = kc_cli_report("node list", nodes_get(&k, ns));
	if (!ret && json)
		printf("{\"nodes\": [");
	for (uint32_t i = 0; !ret && i < ns->n; i++) {
		bool off = kc_cli_node_disabled(&k, ns->v[i].id);

		if (json) {
			printf("%s{\"node_id\": %u, \"name\": ", i ? ", " : "", ns->v[i].id);
			kc_cli_json_str(ns->v[i].name);
			printf(", \"address\": ");
			kc_cli_json_str(ns->v[i].addr);
			printf(", \"state\": \"%s\"}", off ? "disabled" : "enabled");
		} else {
			printf("%-4u %-16s %-16s %s\n", ns->v[i].id, ns->v[i].name, ns->v[i].addr,
			       off ? "disabled" : "enabled");
		}
	}
	if (!ret && json)
		printf("]}\n");
	kc_cli_conn_close(&k);
	free(ns);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_node_list(struct kc_cli *cli)
{
	(void)cli;
	return node_list(false);
}

int kc_cmd_node_list_json(struct kc_cli *cli)
{
	(void)cli;
	return node_list(true);
}

static int node_state(struct kc_cli *cli, uint32_t state)
{
	const char *name = cli->args[0];
	struct nodes *ns = calloc(1, sizeof(*ns));
	struct pstore_node *n = NULL;
	struct pstore_rec *rec = NULL;
	struct kc_cli_conn k;
	char key[32], what[300];
	uint32_t i;
	int ret = ns ? kc_cli_conn_open(&k) : KC_EXIT_FAILED;

	if (ret) {
		free(ns);
		return ret;
	}
	snprintf(what, sizeof(what), "node %s", name);
	ret = kc_cli_report(what, nodes_get(&k, ns));
	for (i = 0; !ret && i < ns->n; i++)
		if (!strcmp(ns->v[i].name, name))
			break;
	if (!ret && i == ns->n) {
		fprintf(stderr, "%s: no node '%s' in \"cluster nodes\"\n", KC_CLI_NAME, name);
		ret = KC_EXIT_NOTFOUND;
	}
	if (!ret) {
		snprintf(key, sizeof(key), "node:%010u", ns->v[i].id);
		ret = fetch(&k, key, PSTORE_T_NODE, &rec);
		if (ret == -ENOENT) {	/* first change of this node: a new record */
			rec = pstore_rec_new(PSTORE_T_NODE);
			n = (struct pstore_node *)rec;
			ret = !n || !(n->name = strdup(name)) ? -ENOMEM : 0;
			if (n)
				n->id = ns->v[i].id;
		}
		ret = kc_cli_report(what, ret);
	}
	kc_cli_conn_close(&k);
	if (!ret) {
		((struct pstore_node *)rec)->state = state;
		ret = change(KC_SM_OP_SET, rec, NULL, what);
	}
	if (!ret)
		printf("node '%s' %s\n", name, state == PSTORE_NODE_DISABLED ? "disabled" :
		       "enabled");
	pstore_rec_free(rec);
	free(ns);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_node_disable(struct kc_cli *cli)
{
	return node_state(cli, PSTORE_NODE_DISABLED);
}

int kc_cmd_node_enable(struct kc_cli *cli)
{
	return node_state(cli, PSTORE_NODE_ENABLED);
}

/* ---- global ----------------------------------------------------------------------------------- */

/* The option parameter named @key, or NULL after a usage error. */
static const struct kc_conf_param *global_param(const char *key)
{
	const struct kc_conf_param *p = kc_conf_param_find(key, NULL);

	if (!kc_registry_global_param(p)) {
		kc_cli_usage_error("'%s' is not a cluster-wide SMB option; these are: netbios "
				   "name, server string, server min protocol, server max "
				   "protocol, server signing, smb encrypt, map to guest (node-"
				   "local settings stay in the node file)", key);
		return NULL;
	}
	return p;
}

int kc_cmd_global_set(struct kc_cli *cli)
{
	const struct kc_conf_param *p = global_param(cli->args[0]);
	struct pstore_option *o;
	char *canon = NULL, err[256], what[300];
	int ret;

	if (!p)
		return KC_EXIT_USAGE;
	ret = kc_conf_canonical(p, cli->args[1], &canon, err, sizeof(err));
	if (ret == -1)
		return kc_cli_usage_error("%s: %s", p->name, err);
	if (ret)
		return KC_EXIT_FAILED;
	o = (struct pstore_option *)pstore_rec_new(PSTORE_T_OPTION);
	snprintf(what, sizeof(what), "global %s", p->name);
	if (!o || !(o->key = strdup(p->name))) {
		ret = KC_EXIT_FAILED;
	} else {
		o->value = canon;
		canon = NULL;
		ret = change(KC_SM_OP_SET, &o->rec, NULL, what);
	}
	if (!ret)
		printf("%s = %s\n", o->key, o->value);
	free(canon);
	pstore_rec_free(o ? &o->rec : NULL);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_global_del(struct kc_cli *cli)
{
	const struct kc_conf_param *p = global_param(cli->args[0]);
	char *key, what[300];
	int ret;

	if (!p)
		return KC_EXIT_USAGE;
	key = rec_key(PSTORE_T_OPTION, p->name);
	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "global %s", p->name);
	ret = change(KC_SM_OP_DEL, NULL, key, what);
	if (!ret)
		printf("%s: back to the node files' value\n", p->name);
	free(key);
	return kc_cli_finish_stdout(ret);
}

static int print_option(const char *key, const struct pstore_rec *rec, void *arg)
{
	const struct pstore_option *o = (const struct pstore_option *)rec;
	struct user_out *out = arg;

	(void)key;
	if (out->json) {
		printf("%s", out->first ? "" : ", ");
		kc_cli_json_str(o->key);
		printf(": ");
		kc_cli_json_str(o->value);
	} else {
		printf("%s = %s\n", o->key, o->value);
	}
	out->first = false;
	return 0;
}

static int global_list(bool json)
{
	struct user_out o = { .json = json, .first = true };

	return list_records("global list", json, "{\"global\": {", "}}", "option:",
			    PSTORE_T_OPTION, print_option, &o);
}

int kc_cmd_global_list(struct kc_cli *cli)
{
	(void)cli;
	return global_list(false);
}

int kc_cmd_global_list_json(struct kc_cli *cli)
{
	(void)cli;
	return global_list(true);
}

/* ---- ip ------------------------------------------------------------------------------------- */

/* "ADDR[/PREFIX]" into the canonical address text and prefix; false when invalid. */
static bool ip_parse(const char *arg, char *addr, size_t alen, uint32_t *prefix, int *family)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	uint8_t bin[16];
	unsigned long p;

	if (strlen(arg) >= sizeof(buf))
		return false;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, bin) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, bin) == 1)
		*family = AF_INET6;
	else
		return false;
	p = *family == AF_INET ? 32 : 128;
	if (slash) {
		errno = 0;
		p = strtoul(slash, &end, 10);
		if (!*slash || *end || errno || p > (*family == AF_INET ? 32u : 128u) || !p)
			return false;
	}
	*prefix = (uint32_t)p;
	return inet_ntop(*family, bin, addr, alen) != NULL;
}

/* The libpstore key of the public IP @addr (canonical text). */
static char *ip_key(const char *addr)
{
	struct pstore_public_ip *ip = (struct pstore_public_ip *)pstore_rec_new(PSTORE_T_PUBLIC_IP);
	char *key = NULL;

	if (ip && (ip->address = strdup(addr)) && pstore_rec_key(&ip->rec, &key, NULL))
		key = NULL;
	pstore_rec_free(ip ? &ip->rec : NULL);
	return key;
}

/* Set @ip's home list from "NODE,NODE,..." checked against "cluster nodes". */
static int ip_set_home(struct pstore_public_ip *ip, const char *list)
{
	struct nodes *ns = calloc(1, sizeof(*ns));
	char *copy = strdup(list), *save = NULL, *tok;
	struct kc_cli_conn k;
	size_t n = 0;
	int ret = ns && copy ? kc_cli_conn_open(&k) : KC_EXIT_FAILED;

	if (!ret) {
		ret = kc_cli_report("ip", nodes_get(&k, ns));
		kc_cli_conn_close(&k);
	}
	for (size_t i = 0; ip->home && ip->home[i]; i++)
		free(ip->home[i]);
	free(ip->home);
	ip->home = ret ? NULL : calloc(strlen(list) / 2 + 2, sizeof(char *));
	if (!ret && !ip->home)
		ret = KC_EXIT_FAILED;
	for (tok = ret ? NULL : strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		uint32_t i;

		for (i = 0; i < ns->n && strcmp(ns->v[i].name, tok); i++)
			;
		if (i == ns->n) {
			fprintf(stderr, "%s: no node '%s' in \"cluster nodes\"\n", KC_CLI_NAME, tok);
			ret = KC_EXIT_NOTFOUND;
			break;
		}
		for (i = 0; i < n && strcmp(ip->home[i], tok); i++)
			;
		if (i < n)
			continue;
		if (n == 8) {
			ret = kc_cli_usage_error("at most 8 home nodes");
			break;
		}
		ip->home[n] = strdup(tok);
		if (!ip->home[n++]) {
			ret = KC_EXIT_FAILED;
			break;
		}
	}
	if (!ret && !n)
		ret = kc_cli_usage_error("home=: no node given");
	free(copy);
	free(ns);
	return ret;
}

int kc_cmd_ip_add(struct kc_cli *cli)
{
	struct pstore_public_ip *ip;
	char addr[INET6_ADDRSTRLEN], what[128];
	uint32_t prefix;
	int family, ret = 0;

	if (!ip_parse(cli->args[0], addr, sizeof(addr), &prefix, &family))
		return kc_cli_usage_error("'%s' is not ADDRESS/PREFIX (IPv4 or IPv6)", cli->args[0]);
	if (!*cli->args[1] || strlen(cli->args[1]) >= 16 || strpbrk(cli->args[1], "/ \t\n:"))
		return kc_cli_usage_error("'%s' is not an interface name", cli->args[1]);
	ip = (struct pstore_public_ip *)pstore_rec_new(PSTORE_T_PUBLIC_IP);
	if (!ip || !(ip->address = strdup(addr)) || !(ip->interface = strdup(cli->args[1])))
		ret = KC_EXIT_FAILED;
	if (!ret)
		ip->prefix_len = prefix;
	for (int i = 2; !ret && i < cli->nargs; i++) {
		if (strncmp(cli->args[i], "home=", 5))
			ret = kc_cli_usage_error("'%s': expected home=NODE[,NODE...]", cli->args[i]);
		else
			ret = ip_set_home(ip, cli->args[i] + 5);
	}
	snprintf(what, sizeof(what), "ip %s", addr);
	if (!ret) {
		ret = change(KC_SM_OP_CREATE, &ip->rec, NULL, what);
		if (!ret)
			printf("ip %s/%u on %s added\n", addr, prefix, cli->args[1]);
	}
	pstore_rec_free(ip ? &ip->rec : NULL);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_ip_del(struct kc_cli *cli)
{
	char addr[INET6_ADDRSTRLEN], what[128], *key;
	uint32_t prefix;
	int family, ret;

	if (!ip_parse(cli->args[0], addr, sizeof(addr), &prefix, &family))
		return kc_cli_usage_error("'%s' is not an IP address", cli->args[0]);
	key = ip_key(addr);
	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "ip %s", addr);
	ret = change(KC_SM_OP_DEL, NULL, key, what);
	if (!ret)
		printf("ip %s deleted\n", addr);
	free(key);
	return kc_cli_finish_stdout(ret);
}

int kc_cmd_ip_move(struct kc_cli *cli)
{
	char addr[INET6_ADDRSTRLEN], what[128], *key;
	struct pstore_rec *rec = NULL;
	struct kc_cli_conn k;
	uint32_t prefix;
	int family, ret;

	if (!ip_parse(cli->args[0], addr, sizeof(addr), &prefix, &family))
		return kc_cli_usage_error("'%s' is not an IP address", cli->args[0]);
	key = ip_key(addr);
	if (!key)
		return KC_EXIT_FAILED;
	snprintf(what, sizeof(what), "ip %s", addr);
	ret = kc_cli_conn_open(&k);
	if (!ret) {
		ret = fetch(&k, key, PSTORE_T_PUBLIC_IP, &rec);
		kc_cli_conn_close(&k);
		if (ret == -ENOENT)
			fprintf(stderr, "%s: %s: does not exist\n", KC_CLI_NAME, what);
		ret = ret == -ENOENT ? KC_EXIT_NOTFOUND : kc_cli_report(what, ret);
	}
	if (!ret)
		ret = ip_set_home((struct pstore_public_ip *)rec, cli->args[1]);
	if (!ret)
		ret = change(KC_SM_OP_SET, rec, NULL, what);
	if (!ret)
		printf("ip %s: home node %s\n", addr, cli->args[1]);
	pstore_rec_free(rec);
	free(key);
	return kc_cli_finish_stdout(ret);
}

struct ip_out {
	bool json, first;
};

static int print_ip(const char *key, const struct pstore_rec *rec, void *arg)
{
	const struct pstore_public_ip *ip = (const void *)rec;
	struct ip_out *o = arg;
	char a[INET6_ADDRSTRLEN + 8];

	(void)key;
	snprintf(a, sizeof(a), "%s/%u", ip->address, ip->prefix_len);
	if (o->json) {
		printf("%s{\"address\": ", o->first ? "" : ", ");
		kc_cli_json_str(a);
		printf(", \"interface\": ");
		kc_cli_json_str(ip->interface ? ip->interface : "");
		printf(", \"home\": [");
		for (size_t i = 0; ip->home && ip->home[i]; i++) {
			printf("%s", i ? ", " : "");
			kc_cli_json_str(ip->home[i]);
		}
		printf("]}");
	} else {
		printf("%-24s %-16s", a, ip->interface ? ip->interface : "-");
		for (size_t i = 0; ip->home && ip->home[i]; i++)
			printf("%s%s", i ? "," : " home=", ip->home[i]);
		printf("\n");
	}
	o->first = false;
	return 0;
}

static int ip_list(bool json)
{
	struct ip_out o = { .json = json, .first = true };

	return list_records("ip list", json, "{\"ips\": [", "]}", "ip:",
			    PSTORE_T_PUBLIC_IP, print_ip, &o);
}

int kc_cmd_ip_list(struct kc_cli *cli)
{
	(void)cli;
	return ip_list(false);
}

int kc_cmd_ip_list_json(struct kc_cli *cli)
{
	(void)cli;
	return ip_list(true);
}
