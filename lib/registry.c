// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cluster registry's records from and to smb.conf parameters; see registry.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "util.h"

static void __attribute__((format(printf, 2, 3))) bprintf(struct kc_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	kc_buf_add(b, s, (size_t)n);
	free(s);
}

static bool ascii_ieq(const char *a, const char *b)
{
	while (*a && kc_tolower(*a) == kc_tolower(*b))
		a++, b++;
	return !*a && !*b;
}

bool kc_registry_clustered(const struct kc_conf *conf)
{
	char **nodes = kc_conf_list(kc_conf_global(conf), "cluster nodes");
	bool any = nodes && nodes[0];

	kc_strv_free(nodes);
	return any;
}

bool kc_registry_global_param(const struct kc_conf_param *param)
{
	static const char *const cluster_wide[] = {
		"netbios name", "server string", "server min protocol", "server max protocol",
		"server signing", "smb encrypt", "map to guest", NULL,
	};

	if (!param || param->scope == KC_CONF_SHARE)
		return false;
	for (size_t i = 0; cluster_wide[i]; i++)
		if (!strcmp(param->name, cluster_wide[i]))
			return true;
	return false;
}

static int set_str(char **field, const char *v)
{
	char *d = strdup(v);

	if (!d)
		return -ENOMEM;
	free(*field);
	*field = d;
	return 0;
}

static int set_list(char ***field, const char *v)
{
	char **items;

	if (kc_conf_split_list(v, &items))
		return -EINVAL;
	kc_strv_free(*field);
	*field = items[0] ? items : NULL;
	if (!items[0])
		kc_strv_free(items);
	return 0;
}

static int set_param(struct pstore_share *s, const char *name, const char *v)
{
	struct pstore_kv *p;

	for (size_t i = 0; i < s->n_params; i++)
		if (!strcmp(s->params[i].key, name))
			return set_str(&s->params[i].value, v);
	p = realloc(s->params, (s->n_params + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->params = p;
	p += s->n_params;
	p->key = strdup(name);
	p->value = strdup(v);
	if (!p->key || !p->value) {
		free(p->key);
		free(p->value);
		return -ENOMEM;
	}
	s->n_params++;
	return 0;
}

int kc_registry_share_set(struct pstore_share *s, const char *key, const char *value,
			  char *err, size_t errlen)
{
	bool inverted = false;
	const struct kc_conf_param *param = kc_conf_param_find(key, &inverted);
	char *canon = NULL;
	int ret;

	if (!param) {
		snprintf(err, errlen, "'%s' is not a share parameter (see docs/config.md)", key);
		return -1;
	}
	if (param->scope == KC_CONF_GLOBAL) {
		snprintf(err, errlen, "'%s' is a [global] parameter, not a share's", param->name);
		return -1;
	}
	ret = kc_conf_canonical(param, value, &canon, err, errlen);
	if (ret)
		return ret;
	if (inverted) {	/* "writable = yes" is "read only = no" */
		char *flip = strdup(strcmp(canon, "yes") ? "yes" : "no");

		free(canon);
		if (!flip)
			return -ENOMEM;
		canon = flip;
	}
	if (!strcmp(param->name, "path"))
		ret = set_str(&s->path, canon);
	else if (!strcmp(param->name, "comment"))
		ret = set_str(&s->comment, canon);
	else if (!strcmp(param->name, "read only"))
		s->read_only = canon[0] == 'y';
	else if (!strcmp(param->name, "guest ok"))
		s->guest_ok = canon[0] == 'y';
	else if (!strcmp(param->name, "browseable"))
		s->browseable = canon[0] == 'y';
	else if (!strcmp(param->name, "continuous availability"))
		s->continuous_availability = canon[0] == 'y';
	else if (!strcmp(param->name, "valid users"))
		ret = set_list(&s->valid_users, canon);
	else if (!strcmp(param->name, "invalid users"))
		ret = set_list(&s->invalid_users, canon);
	else
		ret = set_param(s, param->name, canon);
	if (ret == -EINVAL)
		snprintf(err, errlen, "'%s': bad list", param->name);
	free(canon);
	return ret == -EINVAL ? -1 : ret;
}

/* A list as smb.conf text: items joined with ", ", quoted when they hold a space or comma. */
static char *join_list(char *const *items)
{
	struct kc_buf b = { 0 };

	for (size_t i = 0; items && items[i]; i++) {
		bool q = strpbrk(items[i], " \t,") != NULL;

		bprintf(&b, "%s%s%s%s", i ? ", " : "", q ? "\"" : "", items[i], q ? "\"" : "");
	}
	return kc_buf_take(&b);
}

int kc_registry_share_params(const struct pstore_share *s, kc_registry_param_fn fn, void *arg)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < kc_conf_param_count(); i++) {
		const struct kc_conf_param *p = kc_conf_param_at(i);
		const char *v = NULL;
		char *owned = NULL;

		if (p->scope == KC_CONF_GLOBAL)
			continue;
		if (!strcmp(p->name, "path"))
			v = s->path;
		else if (!strcmp(p->name, "comment"))
			v = s->comment;
		else if (!strcmp(p->name, "read only"))
			v = s->read_only ? "yes" : "no";
		else if (!strcmp(p->name, "guest ok"))
			v = s->guest_ok ? "yes" : "no";
		else if (!strcmp(p->name, "browseable"))
			v = s->browseable ? "yes" : "no";
		else if (!strcmp(p->name, "continuous availability"))
			v = s->continuous_availability ? "yes" : "no";
		else if (!strcmp(p->name, "valid users") || !strcmp(p->name, "invalid users")) {
			char **l = p->name[0] == 'v' ? s->valid_users : s->invalid_users;

			if (l && l[0] && !(v = owned = join_list(l)))
				return -ENOMEM;
		} else {
			for (size_t j = 0; j < s->n_params; j++)
				if (!strcmp(s->params[j].key, p->name))
					v = s->params[j].value;
		}
		if (v)
			ret = fn(p->name, v, true, arg);
		free(owned);
	}
	for (size_t j = 0; !ret && j < s->n_params; j++) {
		const struct kc_conf_param *p = kc_conf_param_find(s->params[j].key, NULL);

		if (!p || p->scope == KC_CONF_GLOBAL || strcmp(p->name, s->params[j].key))
			ret = fn(s->params[j].key, s->params[j].value, false, arg);
	}
	return ret;
}

int kc_registry_mut_put(struct kc_bytes *out, enum kc_sm_op op, const struct pstore_rec *rec)
{
	struct pstore_err err;
	uint8_t *buf;
	size_t len;
	char *key;
	int ret = pstore_rec_key(rec, &key, &err);

	if (ret)
		return ret;
	ret = pstore_rec_encode(rec, &buf, &len, &err);
	if (!ret) {
		ret = kc_sm_mut_encode(out, op, key, strlen(key), buf, len);
		pstore_buf_free(buf, len);
	}
	free(key);
	return ret;
}

int kc_registry_mut_del(struct kc_bytes *out, const char *key)
{
	return kc_sm_mut_encode(out, KC_SM_OP_DEL, key, strlen(key), NULL, 0);
}

/* ---- the running configuration -------------------------------------------------------------- */

static bool text_ok(const char *s)
{
	return !strpbrk(s, "\r\n");
}

struct share_text {
	struct kc_buf *b;
	const char *share;
	FILE *diag;
};

static int share_line(const char *name, const char *value, bool known, void *arg)
{
	struct share_text *t = arg;

	if (!known) {
		if (t->diag)
			fprintf(t->diag, "registry: share %s: warning: '%s' is unknown to this "
				"version: ignored\n", t->share, name);
		return 0;
	}
	if (!text_ok(value)) {
		if (t->diag)
			fprintf(t->diag, "registry: share %s: '%s' holds a line break: ignored\n",
				t->share, name);
		return 0;
	}
	bprintf(t->b, "\t%s = %s\n", name, value);
	return 0;
}

/* Parse @text quietly: whether it is a valid configuration; the diagnostics go to @diag. */
static struct kc_conf *parse(const char *text, FILE *diag)
{
	struct kc_conf *conf;

	return kc_conf_parse("registry", text, strlen(text), &conf, diag) ? NULL : conf;
}

/* The node file's [global] text without the parameters @opts override. */
static int global_text(const struct kc_conf *node, struct pstore_option *const *opts,
		       size_t nopts, struct kc_buf *b)
{
	char *text = NULL, *save = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	kc_conf_print(node, f);
	if (fclose(f))
		return -ENOMEM;
	bprintf(b, "[global]\n");
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const struct kc_conf_param *p;
		char *eq, name[128];
		bool skip = false;

		if (line[0] == '[') {
			if (strcmp(line, "[global]"))
				break;	/* the shares follow */
			continue;
		}
		eq = strstr(line, " = ");
		if (!eq || line[0] != '\t' || (size_t)(eq - line) >= sizeof(name))
			continue;
		memcpy(name, line + 1, eq - line - 1);
		name[eq - line - 1] = '\0';
		for (size_t i = 0; i < nopts && !skip; i++) {
			p = kc_conf_param_find(opts[i]->key, NULL);
			skip = p && !strcmp(p->name, name);
		}
		if (!skip)
			bprintf(b, "%s\n", line);
	}
	free(text);
	return 0;
}

struct kc_conf *kc_registry_conf(const struct kc_conf *node, struct pstore_share *const *shares,
				 size_t nshares, struct pstore_option *const *opts, size_t nopts,
				 FILE *diag)
{
	struct kc_buf b = { 0 };
	struct kc_conf *conf;
	size_t good_len;

	if (global_text(node, opts, nopts, &b))
		return NULL;
	for (size_t i = 0; i < nopts; i++) {
		const struct kc_conf_param *p = kc_conf_param_find(opts[i]->key, NULL);
		char *canon = NULL, why[256];

		if (!kc_registry_global_param(p)) {
			if (diag)
				fprintf(diag, "registry: warning: global option '%s' is not a "
					"cluster-wide SMB option of this version: ignored\n",
					opts[i]->key);
			continue;
		}
		if (!text_ok(opts[i]->value) ||
		    kc_conf_canonical(p, opts[i]->value, &canon, why, sizeof(why))) {
			if (diag)
				fprintf(diag, "registry: global option '%s': bad value: ignored\n",
					p->name);
			continue;
		}
		bprintf(&b, "\t%s = %s\n", p->name, canon);
		free(canon);
	}
	if (b.oom || !b.s) {
		kc_buf_free(&b);
		return NULL;
	}
	conf = parse(b.s, diag);
	if (!conf) {
		kc_buf_free(&b);
		return NULL;
	}
	kc_conf_free(conf);
	good_len = b.len;
	for (size_t i = 0; i < nshares; i++) {
		struct share_text t = { .b = &b, .share = shares[i]->name, .diag = diag };

		if (!text_ok(shares[i]->name) || strpbrk(shares[i]->name, "[]") ||
		    ascii_ieq(shares[i]->name, "global")) {
			if (diag)
				fprintf(diag, "registry: a share name cannot be a section: ignored\n");
			continue;
		}
		bprintf(&b, "\n[%s]\n", shares[i]->name);
		kc_registry_share_params(shares[i], share_line, &t);
		if (b.oom) {
			kc_buf_free(&b);
			return NULL;
		}
		conf = parse(b.s, diag);
		if (!conf) {
			if (diag)
				fprintf(diag, "registry: share %s cannot be served: ignored\n",
					shares[i]->name);
			b.len = good_len;
			b.s[good_len] = '\0';
			continue;
		}
		kc_conf_free(conf);
		good_len = b.len;
	}
	conf = parse(b.s, diag);
	kc_buf_free(&b);
	return conf;
}
