/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMB authentication in mountd: SPNEGO/NTLMSSP (lib/spnego.c, lib/ntlmssp.c) against the
 * passdb file (lib/passdb.c). See auth.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "passdb.h"
#include "spnego.h"
#include "util.h"

/* NTSTATUS values, MS-ERREF 2.3.1 */
#define STATUS_SUCCESS			0x00000000u
#define STATUS_MORE_PROCESSING_REQUIRED	0xc0000016u
#define STATUS_LOGON_FAILURE		0xc000006du
#define STATUS_INVALID_PARAMETER	0xc000000du
#define STATUS_INTERNAL_ERROR		0xc00000e5u

struct mountd_auth {
	char *nb_name, *dns_computer, *dns_domain, *passdb_path;
	enum ntlmssp_guest_policy map_to_guest;
	struct kc_passdb *db;		/* the cached file, or NULL before the first logon */
	struct stat db_st;		/* what it was read from (st_ino 0: no file) */
	bool registry;			/* db is the cluster registry's users, not the file */
};

struct mountd_auth_session {
	struct mountd_auth *auth;
	struct spnego_server *spnego;
	char *account;			/* the passdb spelling of the user looked up */
};

/* ---- passdb cache ------------------------------------------------------------------------ */

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Log each line of the passdb diagnostics. */
static void log_diag(char *text)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_warnx("%s", line);
}

/* Re-read the passdb file when it changed. 0, or -EIO when it cannot be used. */
static int passdb_refresh(struct mountd_auth *a)
{
	struct kc_passdb *db;
	struct stat st;
	char *diag = NULL;
	size_t dlen;
	FILE *f;
	int ret;

	if (a->registry)
		return a->db ? 0 : -EIO;
	if (stat(a->passdb_path, &st)) {
		if (errno != ENOENT) {
			log_warn("passdb %s", a->passdb_path);
			return -EIO;
		}
		memset(&st, 0, sizeof(st));	/* no file: no users */
	}
	if (a->db && same_file(&st, &a->db_st))
		return 0;
	f = open_memstream(&diag, &dlen);
	if (!f)
		return -EIO;
	ret = kc_passdb_load(a->passdb_path, &db, f);
	fclose(f);
	if (diag && *diag)
		log_diag(diag);
	free(diag);
	if (ret) {
		log_warnx("passdb %s is unusable: logons fail until it is fixed", a->passdb_path);
		return -EIO;
	}
	kc_passdb_free(a->db);
	a->db = db;
	a->db_st = st;
	log_debug("passdb %s: %zu users", a->passdb_path, kc_passdb_count(db));
	return 0;
}

static int auth_lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	struct mountd_auth_session *s = arg;
	int ret;

	(void)domain;	/* a standalone server: every domain name means this node */
	if (passdb_refresh(s->auth))
		return -EIO;
	ret = kc_passdb_lookup(s->auth->db, user, nt_hash);
	if (ret)
		return ret;
	for (size_t i = 0; i < kc_passdb_count(s->auth->db); i++) {
		const char *name = kc_passdb_name(s->auth->db, i);

		if (ntlmssp_name_equal(name, user)) {
			free(s->account);
			s->account = strdup(name);
			return s->account ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

/* ---- node context ------------------------------------------------------------------------- */

/* The DNS names: the host name (lower case) and what follows its first dot. */
static int dns_names(struct mountd_auth *a)
{
	char host[256] = "";
	char *dot;

	if (gethostname(host, sizeof(host) - 1))
		return -errno;
	for (char *p = host; *p; p++)
		*p = (char)kc_tolower(*p);
	dot = strchr(host, '.');
	a->dns_computer = strdup(host);
	a->dns_domain = strdup(dot ? dot + 1 : "");
	return a->dns_computer && a->dns_domain ? 0 : -ENOMEM;
}

struct mountd_auth *mountd_auth_new(const struct kc_conf *conf)
{
	static const enum ntlmssp_guest_policy policy[] = {
		[KC_CONF_GUEST_NEVER] = NTLMSSP_GUEST_NEVER,
		[KC_CONF_GUEST_BAD_USER] = NTLMSSP_GUEST_BAD_USER,
		[KC_CONF_GUEST_BAD_PASSWORD] = NTLMSSP_GUEST_BAD_PASSWORD,
	};
	const struct kc_conf_section *g = kc_conf_global(conf);
	struct mountd_auth *a = calloc(1, sizeof(*a));
	int ret = -ENOMEM;

	if (!a)
		goto err;
	a->nb_name = strdup(kc_conf_str(g, "netbios name"));
	a->passdb_path = strdup(kc_conf_str(g, "passdb file"));
	if (!a->nb_name || !a->passdb_path)
		goto err;
	ret = dns_names(a);
	if (ret)
		goto err;
	a->map_to_guest = policy[kc_conf_enum(g, "map to guest")];
	return a;
err:
	mountd_auth_free(a);
	errno = -ret;
	return NULL;
}

static const enum ntlmssp_guest_policy guest_policy[] = {
	[KC_CONF_GUEST_NEVER] = NTLMSSP_GUEST_NEVER,
	[KC_CONF_GUEST_BAD_USER] = NTLMSSP_GUEST_BAD_USER,
	[KC_CONF_GUEST_BAD_PASSWORD] = NTLMSSP_GUEST_BAD_PASSWORD,
};

void mountd_auth_set_users(struct mountd_auth *a, struct kc_passdb *db,
			   const struct kc_conf *conf)
{
	kc_passdb_free(a->db);
	a->db = db;
	a->registry = true;
	a->map_to_guest = guest_policy[kc_conf_enum(kc_conf_global(conf), "map to guest")];
}

void mountd_auth_free(struct mountd_auth *a)
{
	if (!a)
		return;
	free(a->nb_name);
	free(a->dns_computer);
	free(a->dns_domain);
	free(a->passdb_path);
	kc_passdb_free(a->db);
	free(a);
}

int mountd_auth_negotiate_token(uint8_t **blob, size_t *len)
{
	return spnego_build_init2(blob, len);
}

/* ---- sessions ----------------------------------------------------------------------------- */

struct mountd_auth_session *mountd_auth_session_new(struct mountd_auth *auth)
{
	struct mountd_auth_session *s = calloc(1, sizeof(*s));
	struct ntlmssp_server_cfg cfg = {
		.nb_computer = auth->nb_name,
		.nb_domain = auth->nb_name,	/* standalone: the domain is the computer */
		.dns_computer = auth->dns_computer,
		.dns_domain = auth->dns_domain,
		.lookup = auth_lookup,
		.lookup_arg = s,
		.map_to_guest = auth->map_to_guest,
		.allow_anonymous = true,
	};

	if (!s)
		return NULL;
	s->auth = auth;
	s->spnego = spnego_server_new(&cfg);
	if (!s->spnego) {
		free(s);
		return NULL;
	}
	return s;
}

void mountd_auth_session_free(struct mountd_auth_session *s)
{
	if (!s)
		return;
	spnego_server_free(s->spnego);
	free(s->account);
	free(s);
}

uint32_t mountd_auth_ntstatus(enum mountd_auth_status st)
{
	static const uint32_t map[] = {
		[MOUNTD_AUTH_SUCCESS] = STATUS_SUCCESS,
		[MOUNTD_AUTH_MORE_PROCESSING] = STATUS_MORE_PROCESSING_REQUIRED,
		[MOUNTD_AUTH_LOGON_FAILURE] = STATUS_LOGON_FAILURE,
		[MOUNTD_AUTH_INVALID_PARAMETER] = STATUS_INVALID_PARAMETER,
		[MOUNTD_AUTH_INTERNAL_ERROR] = STATUS_INTERNAL_ERROR,
	};

	return (unsigned int)st < sizeof(map) / sizeof(map[0]) ? map[st] : STATUS_INTERNAL_ERROR;
}

/* Fill the success part of res from the finished NTLMSSP context. */
static enum mountd_auth_status success(struct mountd_auth_session *s,
				       struct mountd_auth_result *res)
{
	struct ntlmssp_server *n = spnego_server_ntlmssp(s->spnego);
	bool known = !ntlmssp_server_is_guest(n) && !ntlmssp_server_is_anonymous(n);

	res->guest = ntlmssp_server_is_guest(n);
	res->anonymous = ntlmssp_server_is_anonymous(n);
	res->has_session_key = !ntlmssp_server_session_key(n, res->session_key);
	res->user = strdup(known && s->account ? s->account : "");
	res->domain = strdup(ntlmssp_server_domain(n));
	res->client_user = strdup(ntlmssp_server_user(n));
	if (!res->user || !res->domain || !res->client_user ||
	    (known && (!s->account || !res->has_session_key))) {
		mountd_auth_result_clear(res);
		snprintf(res->error, sizeof(res->error), "out of memory");
		return MOUNTD_AUTH_INTERNAL_ERROR;
	}
	return MOUNTD_AUTH_SUCCESS;
}

enum mountd_auth_status mountd_auth_step(struct mountd_auth_session *s, const uint8_t *blob,
					 size_t len, struct mountd_auth_result *res)
{
	static const enum mountd_auth_status map[] = {
		[NTLMSSP_OK] = MOUNTD_AUTH_SUCCESS,
		[NTLMSSP_NEED_MORE] = MOUNTD_AUTH_MORE_PROCESSING,
		[NTLMSSP_LOGON_FAILURE] = MOUNTD_AUTH_LOGON_FAILURE,
		[NTLMSSP_INVALID] = MOUNTD_AUTH_INVALID_PARAMETER,
		[NTLMSSP_ERROR] = MOUNTD_AUTH_INTERNAL_ERROR,
	};
	enum ntlmssp_status st;

	memset(res, 0, sizeof(*res));
	st = spnego_server_step(s->spnego, blob, len, &res->blob, &res->blob_len);
	res->status = map[st];
	if (res->status == MOUNTD_AUTH_SUCCESS)
		res->status = success(s, res);
	else
		snprintf(res->error, sizeof(res->error), "%s", spnego_server_error(s->spnego));
	res->ntstatus = mountd_auth_ntstatus(res->status);
	return res->status;
}

void mountd_auth_result_clear(struct mountd_auth_result *res)
{
	free(res->blob);
	free(res->user);
	free(res->domain);
	free(res->client_user);
	res->blob = NULL;
	res->blob_len = 0;
	res->user = res->domain = res->client_user = NULL;
	res->has_session_key = false;
	explicit_bzero(res->session_key, sizeof(res->session_key));
}
