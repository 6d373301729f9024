/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node configuration schema: every parameter with its type, scope, default and
 * documentation; the smb.conf synonyms and the smb.conf parameters accepted but ignored; and the
 * conversion of a value to its canonical text.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *const proto_values[] = {
	"SMB2_02", "SMB2_10", "SMB3_00", "SMB3_02", "SMB3_11", NULL,
};

static const struct kc_conf_alias proto_min_aliases[] = {
	{ "SMB2", KC_CONF_PROTO_SMB2_02 },
	{ "SMB3", KC_CONF_PROTO_SMB3_00 },
	{ NULL, 0 },
};

static const struct kc_conf_alias proto_max_aliases[] = {
	{ "SMB2", KC_CONF_PROTO_SMB2_10 },
	{ "SMB3", KC_CONF_PROTO_SMB3_11 },
	{ NULL, 0 },
};

static const char *const signing_values[] = {
	"default", "auto", "mandatory", "disabled", NULL,
};

static const struct kc_conf_alias signing_aliases[] = {
	{ "required", KC_CONF_SIGNING_MANDATORY },
	{ NULL, 0 },
};

static const char *const encrypt_values[] = {
	"default", "off", "if_required", "desired", "required", NULL,
};

static const struct kc_conf_alias encrypt_aliases[] = {
	{ "disabled", KC_CONF_ENCRYPT_OFF },
	{ "enabled", KC_CONF_ENCRYPT_DESIRED },
	{ "auto", KC_CONF_ENCRYPT_IF_REQUIRED },
	{ "mandatory", KC_CONF_ENCRYPT_REQUIRED },
	{ NULL, 0 },
};

static const char *const guest_values[] = {
	"never", "bad user", "bad password", NULL,
};

static const char *const case_values[] = {
	"auto", "yes", "no", NULL,
};

static const struct kc_conf_alias case_aliases[] = {
	{ "true", KC_CONF_CASE_YES },
	{ "on", KC_CONF_CASE_YES },
	{ "1", KC_CONF_CASE_YES },
	{ "false", KC_CONF_CASE_NO },
	{ "off", KC_CONF_CASE_NO },
	{ "0", KC_CONF_CASE_NO },
	{ NULL, 0 },
};

static const char *const engine_values[] = {
	"auto", "kernel", "user", NULL,
};

#define STR(n, sc, fl, d, doc_) \
	{ .name = n, .type = KC_CONF_T_STRING, .scope = sc, .flags = fl, .def = d, .doc = doc_ }
#define BOOL(n, sc, d, doc_) \
	{ .name = n, .type = KC_CONF_T_BOOL, .scope = sc, .def = d, .doc = doc_ }

static const struct kc_conf_param params[] = {
	/* [global] */
	{ .name = "netbios name", .type = KC_CONF_T_STRING, .scope = KC_CONF_GLOBAL,
	  .flags = KC_CONF_F_NONEMPTY | KC_CONF_F_NETBIOS, .maxlen = KC_CONF_NETBIOS_NAME_MAX,
	  .doc = "NetBIOS name of the server, at most 15 bytes; default: the host name "
		 "(up to its first dot) upper-cased" },
	STR("server string", KC_CONF_GLOBAL, 0, "ksmbd-cluster",
	    "Description of the server shown to clients"),
	STR("node name", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY | KC_CONF_F_HOSTNAME, NULL,
	    "Name of this node in the cluster; default: the host name"),
	{ .name = "smb ports", .type = KC_CONF_T_INT_LIST, .scope = KC_CONF_GLOBAL,
	  .flags = KC_CONF_F_NONEMPTY, .def = "445", .min = 1, .max = 65535,
	  .doc = "TCP ports the server listens on" },
	{ .name = "interfaces", .type = KC_CONF_T_LIST, .scope = KC_CONF_GLOBAL, .def = "",
	  .doc = "Network interfaces or addresses to serve on; empty: all" },
	BOOL("bind interfaces only", KC_CONF_GLOBAL, "no",
	     "Listen only on the addresses of \"interfaces\""),
	BOOL("server multi channel support", KC_CONF_GLOBAL, "yes",
	     "SMB3 multichannel: clients may bind more connections to a session"),
	{ .name = "server min protocol", .type = KC_CONF_T_ENUM, .scope = KC_CONF_GLOBAL,
	  .def = "SMB2_02", .values = proto_values, .aliases = proto_min_aliases,
	  .doc = "Lowest SMB dialect accepted (SMB2 means SMB2_02, SMB3 means SMB3_00)" },
	{ .name = "server max protocol", .type = KC_CONF_T_ENUM, .scope = KC_CONF_GLOBAL,
	  .def = "SMB3_11", .values = proto_values, .aliases = proto_max_aliases,
	  .doc = "Highest SMB dialect offered (SMB2 means SMB2_10, SMB3 means SMB3_11)" },
	{ .name = "server signing", .type = KC_CONF_T_ENUM, .scope = KC_CONF_GLOBAL,
	  .def = "auto", .values = signing_values, .aliases = signing_aliases,
	  .doc = "Whether SMB signing is offered (auto), required (mandatory) or refused" },
	/* Also per share; there "default" leaves it to [global]. */
	{ .name = "smb encrypt", .type = KC_CONF_T_ENUM, .scope = KC_CONF_ANY,
	  .def = "default", .values = encrypt_values, .aliases = encrypt_aliases,
	  .doc = "Whether SMB3 encryption is offered, requested or required" },
	{ .name = "map to guest", .type = KC_CONF_T_ENUM, .scope = KC_CONF_GLOBAL,
	  .def = "never", .values = guest_values,
	  .doc = "Which failed logons are mapped to the guest account" },
	STR("state directory", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY | KC_CONF_F_ABSPATH,
	    "/var/lib/ksmbd-cluster", "Directory for the node's persistent state"),
	STR("passdb file", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY | KC_CONF_F_ABSPATH,
	    "/etc/ksmbd-cluster/passdb", "File holding the SMB users and their password hashes"),
	{ .name = "engine", .type = KC_CONF_T_ENUM, .scope = KC_CONF_GLOBAL,
	  .def = "auto", .values = engine_values,
	  .doc = "SMB engine: the kernel module, the user-space engine, or auto (kernel if loaded)" },
	STR("engine socket", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY | KC_CONF_F_ABSPATH,
	    "/run/ksmbd-cluster/engine.sock", "Socket between ksmbd-mountd and the user-space engine"),
	STR("engine program", KC_CONF_GLOBAL, KC_CONF_F_ABSPATH, "",
	    "User-space engine program; empty: ksmbd-engine next to the ksmbd-mountd binary"),
	STR("pid file", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY | KC_CONF_F_ABSPATH,
	    "/run/ksmbd-cluster/mountd.pid", "PID file of ksmbd-mountd"),
	{ .name = "log level", .type = KC_CONF_T_INT, .scope = KC_CONF_GLOBAL, .def = "1",
	  .min = 0, .max = 10, .doc = "Verbosity of the daemons' logs, 0 (errors only) to 10" },
	STR("cluster name", KC_CONF_GLOBAL, KC_CONF_F_NONEMPTY, "ksmbd-cluster",
	    "Name of the cluster, the same on every node (corosync's cluster_name)"),
	{ .name = "cluster nodes", .type = KC_CONF_T_LIST, .scope = KC_CONF_GLOBAL, .def = "",
	  .doc = "The cluster's nodes as NAME@ADDRESS, the same list on every node; the node id "
		 "of each is its position in the list, from 1 (for ksmbd-clusterd "
		 "--write-corosync-conf and the names in ksmbd-cluster status)" },
	{ .name = "cluster token", .type = KC_CONF_T_INT, .scope = KC_CONF_GLOBAL, .def = "3000",
	  .min = 500, .max = 60000,
	  .doc = "corosync token timeout in milliseconds: how long a silent node takes to be "
		 "declared lost" },
	STR("cluster admin group", KC_CONF_GLOBAL, 0, "",
	    "Group whose members may use ksmbd-cluster against ksmbd-clusterd besides root; "
	    "empty: root only"),

	/* shares */
	STR("path", KC_CONF_SHARE, KC_CONF_F_REQUIRED | KC_CONF_F_NONEMPTY | KC_CONF_F_ABSPATH,
	    NULL, "Directory the share exports; required, absolute"),
	STR("comment", KC_CONF_SHARE, 0, "", "Description of the share shown to clients"),
	BOOL("read only", KC_CONF_SHARE, "yes", "Clients may not modify the share"),
	BOOL("guest ok", KC_CONF_SHARE, "no", "Guests may connect without a password"),
	{ .name = "valid users", .type = KC_CONF_T_LIST, .scope = KC_CONF_SHARE, .def = "",
	  .doc = "Users (@group for groups) allowed to connect; empty: everyone" },
	{ .name = "invalid users", .type = KC_CONF_T_LIST, .scope = KC_CONF_SHARE, .def = "",
	  .doc = "Users (@group for groups) never allowed to connect" },
	BOOL("browseable", KC_CONF_SHARE, "yes", "The share is listed when clients browse"),
	BOOL("available", KC_CONF_SHARE, "yes", "The share is served; no: it is switched off"),
	{ .name = "case sensitive", .type = KC_CONF_T_ENUM, .scope = KC_CONF_SHARE,
	  .def = "no", .values = case_values, .aliases = case_aliases,
	  .doc = "Whether names must match with their case; no: as Windows, without regard to case" },
	BOOL("streams", KC_CONF_SHARE, "yes",
	     "Files have named (alternate data) streams, kept in extended attributes"),
	BOOL("hide unreadable", KC_CONF_SHARE, "no",
	     "Directory listings leave out what the user may not read "
	     "(access-based enumeration)"),
	BOOL("continuous availability", KC_CONF_SHARE, "no",
	     "SMB3 persistent handles: the share advertises continuous availability and grants "
	     "persistent durable handles, which survive a dropped connection; not yet a node failure"),
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static const struct kc_conf_synonym synonyms[] = {
	{ "browsable", "browseable", false },
	{ "public", "guest ok", false },
	{ "writable", "read only", true },
	{ "writeable", "read only", true },
	{ "write ok", "read only", true },
	{ NULL, NULL, false },
};

/*
 * smb.conf parameters that are harmless to ignore: they concern things ksmbd-cluster does not
 * do (printing, NetBIOS browsing, Samba's own logging, domains, PAM) or that it decides itself.
 * Parameters that restrict access (hosts allow, force user, ...) are deliberately not here: a
 * file relying on them is rejected rather than served with less protection than it asks for.
 */
static const char *const ignored[] = {
	"workgroup", "security", "server role", "realm",
	"log file", "max log size", "logging", "syslog", "syslog only", "debug timestamp",
	"load printers", "printing", "printcap name", "disable spoolss", "show add printer wizard",
	"dns proxy", "wins support", "wins server", "local master", "domain master",
	"preferred master", "os level", "name resolve order", "disable netbios",
	"passdb backend", "obey pam restrictions", "unix password sync", "pam password change",
	"passwd program", "passwd chat", "panic action",
	"usershare allow guests", "usershare max shares", "usershare path",
	"server services", "kernel oplocks", "template shell", "winbind use default domain",
	NULL,
};

size_t kc_conf_param_count(void)
{
	return NPARAMS;
}

const struct kc_conf_param *kc_conf_param_at(size_t idx)
{
	return idx < NPARAMS ? &params[idx] : NULL;
}

const struct kc_conf_synonym *kc_conf_synonyms(void)
{
	return synonyms;
}

const char *const *kc_conf_ignored_params(void)
{
	return ignored;
}

const struct kc_conf_param *kc_conf_param_find(const char *key, bool *inverted)
{
	const struct kc_conf_synonym *syn;
	size_t i;

	if (inverted)
		*inverted = false;
	for (i = 0; i < NPARAMS; i++)
		if (kc_str_eq_loose(key, params[i].name))
			return &params[i];
	for (syn = synonyms; syn->name; syn++) {
		if (!kc_str_eq_loose(key, syn->name))
			continue;
		if (inverted)
			*inverted = syn->inverted;
		return kc_conf_param_find(syn->target, NULL);
	}
	return NULL;
}

bool kc_conf_param_ignored(const char *key)
{
	for (const char *const *p = ignored; *p; p++)
		if (kc_str_eq_loose(key, *p))
			return true;
	return false;
}

/* ---- values ------------------------------------------------------------------------------- */

static int strv_push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

int kc_conf_split_list(const char *value, char ***items)
{
	struct kc_buf cur = { 0 };
	char **v = NULL, *s;
	size_t n = 0;
	bool quoted = false;
	int ret = -ENOMEM;

	*items = NULL;
	v = calloc(1, sizeof(*v));	/* an empty vector */
	if (!v)
		return -ENOMEM;
	for (const char *p = value;; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (*p && (quoted || (*p != ',' && !kc_isspace((unsigned char)*p)))) {
			kc_buf_add(&cur, p, 1);
			continue;
		}
		if (cur.len || cur.oom) {
			s = kc_buf_take(&cur);
			if (!s || strv_push(&v, &n, s)) {
				free(s);
				goto fail;
			}
		}
		if (!*p)
			break;
	}
	if (quoted) {
		ret = -1;
		goto fail;
	}
	*items = v;
	return 0;
fail:
	kc_strv_free(v);
	return ret;
}

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (int i = 0; yes[i]; i++) {
		if (kc_str_eq_loose(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (kc_str_eq_loose(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Parse a decimal integer for param; 0, or -1 with a message. */
static int parse_int(const struct kc_conf_param *param, const char *v, long *out,
		     char *err, size_t errlen)
{
	const char *p = v;
	char *end;
	long n;

	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9' || strspn(p, "0123456789") != strlen(p)) {
		errf(err, errlen, "invalid integer '%s' for '%s'", v, param->name);
		return -1;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno == ERANGE || n < param->min || n > param->max) {
		errf(err, errlen, "integer '%s' out of range for '%s' (valid: %ld..%ld)", v,
		     param->name, param->min, param->max);
		return -1;
	}
	*out = n;
	return 0;
}

/* The index of an enum value (canonical or alias), or -1. */
static int enum_index(const struct kc_conf_param *param, const char *v)
{
	const struct kc_conf_alias *a;

	if (!*v)
		return -1;
	for (int i = 0; param->values[i]; i++)
		if (kc_str_eq_loose(v, param->values[i]))
			return i;
	for (a = param->aliases; a && a->name; a++)
		if (kc_str_eq_loose(v, a->name))
			return a->value;
	return -1;
}

static void enum_error(const struct kc_conf_param *param, const char *v, char *err, size_t errlen)
{
	size_t off;

	off = (size_t)snprintf(err, errlen, "invalid value '%s' for '%s' (valid: ", v, param->name);
	for (int i = 0; param->values[i] && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, "%s%s", i ? ", " : "",
					param->values[i]);
	if (off < errlen)
		snprintf(err + off, errlen - off, ")");
}

static int canon_list(const struct kc_conf_param *param, const char *value, struct kc_buf *out,
		      char *err, size_t errlen)
{
	char **items, num[32];
	long n;
	int ret;

	ret = kc_conf_split_list(value, &items);
	if (ret == -1)
		errf(err, errlen, "unterminated quote in the value of '%s'", param->name);
	if (ret)
		return ret;
	for (size_t i = 0; items[i]; i++) {
		if (i)
			kc_buf_str(out, ", ");
		if (param->type == KC_CONF_T_INT_LIST) {
			if (parse_int(param, items[i], &n, err, errlen)) {
				ret = -1;
				break;
			}
			snprintf(num, sizeof(num), "%ld", n);
			kc_buf_str(out, num);
		} else if (strpbrk(items[i], ", \t\n\r\v\f") ||
			   items[i][strlen(items[i]) - 1] == '\\') {
			/* quoted, and so is an item ending in a backslash: it must not continue */
			kc_buf_str(out, "\"");
			kc_buf_str(out, items[i]);
			kc_buf_str(out, "\"");
		} else {
			kc_buf_str(out, items[i]);
		}
	}
	if (!ret && !items[0] && (param->flags & KC_CONF_F_NONEMPTY)) {
		errf(err, errlen, "'%s' must not be empty", param->name);
		ret = -1;
	}
	kc_strv_free(items);
	return ret;
}

static int check_string(const struct kc_conf_param *param, const char *value, char *err,
			size_t errlen)
{
	if (!*value && (param->flags & KC_CONF_F_NONEMPTY)) {
		errf(err, errlen, "'%s' must not be empty", param->name);
		return -1;
	}
	if (*value && (param->flags & KC_CONF_F_ABSPATH) && value[0] != '/') {
		errf(err, errlen, "'%s' must be an absolute path, not '%s'", param->name, value);
		return -1;
	}
	if (param->maxlen && strlen(value) > param->maxlen) {
		errf(err, errlen, "value '%s' for '%s' is longer than %zu bytes", value,
		     param->name, param->maxlen);
		return -1;
	}
	return 0;
}

int kc_conf_canonical(const struct kc_conf_param *param, const char *value, char **canon,
		      char *err, size_t errlen)
{
	struct kc_buf out = { 0 };
	char num[32];
	bool b;
	long n;
	int idx, ret = 0;

	*canon = NULL;
	switch (param->type) {
	case KC_CONF_T_STRING:
		ret = check_string(param, value, err, errlen);
		if (!ret)
			kc_buf_str(&out, value);
		break;
	case KC_CONF_T_BOOL:
		ret = parse_bool(value, &b);
		if (ret)
			errf(err, errlen, "invalid boolean '%s' for '%s' "
			     "(valid: yes, no, true, false, on, off, 1, 0)", value, param->name);
		else
			kc_buf_str(&out, b ? "yes" : "no");
		break;
	case KC_CONF_T_INT:
		ret = parse_int(param, value, &n, err, errlen);
		if (!ret) {
			snprintf(num, sizeof(num), "%ld", n);
			kc_buf_str(&out, num);
		}
		break;
	case KC_CONF_T_ENUM:
		idx = enum_index(param, value);
		if (idx < 0) {
			enum_error(param, value, err, errlen);
			ret = -1;
		} else {
			kc_buf_str(&out, param->values[idx]);
		}
		break;
	case KC_CONF_T_LIST:
	case KC_CONF_T_INT_LIST:
		ret = canon_list(param, value, &out, err, errlen);
		break;
	}
	*canon = kc_buf_take(&out);
	if (ret) {
		free(*canon);
		*canon = NULL;
		return ret;
	}
	return *canon ? 0 : -ENOMEM;
}
