/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node configuration: the smb.conf-style parser, the typed getters and the canonical printer.
 * The parameters themselves are described in config_schema.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define KC_CONF_MAX_FILE (16u << 20)	/* refuse to read more than this */

struct kc_conf_slot {
	char *value;		/* canonical text; NULL: not set */
	unsigned int line;
	bool rejected;		/* a value was given but was invalid */
};

struct kc_conf_section {
	struct kc_conf *conf;
	struct kc_conf_section *next;
	char *name;
	unsigned int line;	/* of the first header; 0 for an absent [global] */
	bool global;
	bool invalid;		/* name or a line rejected: skip the whole-section checks */
	struct kc_conf_slot slots[];	/* one per schema parameter */
};

struct kc_conf {
	struct kc_conf_section *global;
	struct kc_conf_section *shares, *last;
	size_t nshares;
	char hostname[256];
	char netbios[KC_CONF_NETBIOS_NAME_MAX + 1];
};

struct diag_msg {
	unsigned int line;
	size_t seq;		/* order of reporting, to keep the sort stable */
	char *text;
};

struct parser {
	const char *name;
	const char *pos, *end;
	unsigned int lineno;	/* physical line last read */
	FILE *diag;
	unsigned int errors;
	bool oom;
	struct kc_conf *conf;
	struct kc_conf_section *cur;	/* NULL: before the first section */
	bool sink;		/* in a section whose header was malformed: skip its lines */
	struct kc_buf line;
	struct diag_msg *msgs;	/* reported at the end, sorted by line */
	size_t nmsgs, msgs_cap;
};

static void diag(struct parser *p, unsigned int line, bool error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void diag(struct parser *p, unsigned int line, bool error, const char *fmt, ...)
{
	struct diag_msg *m;
	char *msg, *text;
	va_list ap;
	int ret;

	if (error)
		p->errors++;
	if (!p->diag || p->oom)
		return;
	if (p->nmsgs == p->msgs_cap) {
		size_t cap = p->msgs_cap ? 2 * p->msgs_cap : 16;

		m = realloc(p->msgs, cap * sizeof(*m));
		if (!m)
			goto oom;
		p->msgs = m;
		p->msgs_cap = cap;
	}
	va_start(ap, fmt);
	ret = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (ret < 0)
		goto oom;
	ret = asprintf(&text, "%s:%u: %s: %s\n", p->name, line, error ? "error" : "warning", msg);
	free(msg);
	if (ret < 0)
		goto oom;
	p->msgs[p->nmsgs] = (struct diag_msg){ .line = line, .seq = p->nmsgs, .text = text };
	p->nmsgs++;
	return;
oom:
	p->oom = true;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag_msg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Write the collected diagnostics in line order, then drop them. */
static void diag_flush(struct parser *p)
{
	if (p->nmsgs)
		qsort(p->msgs, p->nmsgs, sizeof(p->msgs[0]), diag_cmp);
	for (size_t i = 0; i < p->nmsgs; i++) {
		if (!p->oom)
			fputs(p->msgs[i].text, p->diag);
		free(p->msgs[i].text);
	}
	free(p->msgs);
	p->msgs = NULL;
	p->nmsgs = p->msgs_cap = 0;
}

static size_t param_index(const struct kc_conf_param *param)
{
	return (size_t)(param - kc_conf_param_at(0));
}

static size_t param_index_of(const char *name)
{
	return param_index(kc_conf_param_find(name, NULL));
}

/* ---- sections ----------------------------------------------------------------------------- */

static struct kc_conf_section *section_new(struct kc_conf *conf, const char *name,
					   unsigned int line, bool global)
{
	size_t n = kc_conf_param_count();
	struct kc_conf_section *sec;

	sec = calloc(1, sizeof(*sec) + n * sizeof(sec->slots[0]));
	if (!sec)
		return NULL;
	sec->name = strdup(name);
	if (!sec->name) {
		free(sec);
		return NULL;
	}
	sec->conf = conf;
	sec->line = line;
	sec->global = global;
	return sec;
}

static void section_free(struct kc_conf_section *sec)
{
	size_t n = kc_conf_param_count();

	if (!sec)
		return;
	for (size_t i = 0; i < n; i++)
		free(sec->slots[i].value);
	free(sec->name);
	free(sec);
}

void kc_conf_free(struct kc_conf *conf)
{
	struct kc_conf_section *sec, *next;

	if (!conf)
		return;
	for (sec = conf->shares; sec; sec = next) {
		next = sec->next;
		section_free(sec);
	}
	section_free(conf->global);
	free(conf);
}

static struct kc_conf_section *find_share(const struct kc_conf *conf, const char *name)
{
	struct kc_conf_section *sec;

	for (sec = conf->shares; sec; sec = sec->next)
		if (!strcasecmp(sec->name, name))
			return sec;
	return NULL;
}

/* Report what is wrong with a share name; false when it is not acceptable. */
static bool share_name_ok(struct parser *p, unsigned int line, const char *name)
{
	const char *bad;

	for (const char *s = name; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			diag(p, line, true, "invalid share name: contains a control character");
			return false;
		}
	}
	bad = strpbrk(name, "\\/:*?\"<>|");
	if (bad) {
		diag(p, line, true, "invalid share name '%s': contains '%c'", name, *bad);
		return false;
	}
	if (kc_utf8_len(name) > KC_CONF_SHARE_NAME_MAX) {
		diag(p, line, true, "invalid share name '%s': longer than %d characters", name,
		     KC_CONF_SHARE_NAME_MAX);
		return false;
	}
	if (!strcasecmp(name, "IPC$")) {
		diag(p, line, true, "invalid share name '%s': the name is reserved", name);
		return false;
	}
	return true;
}

/* The header "[name]": name is already trimmed and not empty. */
static void enter_section(struct parser *p, unsigned int line, const char *name)
{
	struct kc_conf *conf = p->conf;
	struct kc_conf_section *sec;

	if (!strcasecmp(name, "global")) {
		sec = conf->global;
		if (sec->line)
			diag(p, line, false, "section [global] already defined at line %u; merging",
			     sec->line);
		else
			sec->line = line;
		p->cur = sec;
		return;
	}
	sec = find_share(conf, name);
	if (sec) {
		diag(p, line, false, "section [%s] already defined at line %u; merging", name,
		     sec->line);
		p->cur = sec;
		return;
	}
	sec = section_new(conf, name, line, false);
	if (!sec) {
		p->oom = true;
		return;
	}
	sec->invalid = !share_name_ok(p, line, name);
	if (conf->last)
		conf->last->next = sec;
	else
		conf->shares = sec;
	conf->last = sec;
	conf->nshares++;
	p->cur = sec;
}

static char *trim_in_place(char *s, size_t len)
{
	const char *t = s;

	kc_trim(&t, &len);
	memmove(s, t, len);
	s[len] = '\0';
	return s;
}

/* A line starting with '['. */
static void section_header(struct parser *p, unsigned int line, char *s)
{
	char *close = strchr(s, ']'), *rest, *name;

	p->sink = true;
	p->cur = NULL;
	if (!close) {
		diag(p, line, true, "malformed section header: missing ']'");
		return;
	}
	for (rest = close + 1; kc_isspace((unsigned char)*rest); rest++)
		;
	if (*rest && *rest != '#' && *rest != ';') {
		diag(p, line, true, "malformed section header: unexpected text after ']'");
		return;
	}
	name = trim_in_place(s + 1, (size_t)(close - s - 1));
	if (!*name) {
		diag(p, line, true, "malformed section header: empty section name");
		return;
	}
	p->sink = false;
	enter_section(p, line, name);
}

/* ---- parameters --------------------------------------------------------------------------- */

static bool scope_ok(struct parser *p, unsigned int line, const struct kc_conf_param *param,
		     const char *key)
{
	struct kc_conf_section *sec = p->cur;

	if (param->scope == KC_CONF_GLOBAL && !sec->global) {
		diag(p, line, true, "'%s' is a global parameter, not allowed in share [%s]", key,
		     sec->name);
		return false;
	}
	if (param->scope == KC_CONF_SHARE && sec->global) {
		diag(p, line, true, "'%s' is a share parameter, not allowed in [global]", key);
		return false;
	}
	return true;
}

static void store(struct parser *p, unsigned int line, const struct kc_conf_param *param,
		  char *value)
{
	struct kc_conf_slot *slot = &p->cur->slots[param_index(param)];

	if (slot->value) {
		diag(p, line, false, "'%s' already set at line %u in [%s]; the last value wins",
		     param->name, slot->line, p->cur->name);
		free(slot->value);
	}
	slot->value = value;
	slot->line = line;
}

/* "key = value" with both sides trimmed; p->cur is a section. */
static void set_param(struct parser *p, unsigned int line, const char *key, const char *value)
{
	const struct kc_conf_param *param;
	char err[1024], *canon;
	bool inverted;
	int ret;

	if (kc_conf_param_ignored(key)) {
		diag(p, line, false, "'%s' ignored: not used by ksmbd-cluster", key);
		return;
	}
	param = kc_conf_param_find(key, &inverted);
	if (!param) {
		diag(p, line, true, "unknown parameter '%s' in [%s]", key, p->cur->name);
		return;
	}
	if (!scope_ok(p, line, param, key))
		return;
	ret = kc_conf_canonical(param, value, &canon, err, sizeof(err));
	if (ret == -ENOMEM) {
		p->oom = true;
		return;
	}
	if (ret) {
		diag(p, line, true, "%s", err);
		p->cur->slots[param_index(param)].rejected = true;
		return;
	}
	if (inverted) {
		value = strcmp(canon, "yes") ? "yes" : "no";
		free(canon);
		canon = strdup(value);
		if (!canon) {
			p->oom = true;
			return;
		}
	}
	store(p, line, param, canon);
}

/* A line that is neither blank, a comment nor a section header. */
static void parameter(struct parser *p, unsigned int line, char *s)
{
	char *eq = strchr(s, '='), *key, *value;

	if (!eq) {
		diag(p, line, true, "missing '=' (expected 'name = value' or '[section]')");
		return;
	}
	*eq = '\0';
	key = trim_in_place(s, (size_t)(eq - s));
	value = trim_in_place(eq + 1, strlen(eq + 1));
	if (!*key) {
		diag(p, line, true, "missing parameter name before '='");
		return;
	}
	if (p->sink)
		return;
	if (!p->cur) {
		diag(p, line, true, "parameter '%s' outside any section", key);
		return;
	}
	set_param(p, line, key, value);
}

/* ---- lines -------------------------------------------------------------------------------- */

static bool read_physical(struct parser *p, const char **s, size_t *len)
{
	const char *nl;

	if (p->pos >= p->end)
		return false;
	nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
	*s = p->pos;
	*len = nl ? (size_t)(nl - p->pos) : (size_t)(p->end - p->pos);
	p->pos = nl ? nl + 1 : p->end;
	p->lineno++;
	return true;
}

static bool check_physical(struct parser *p, const char *s, size_t len)
{
	size_t off;

	if (memchr(s, '\0', len)) {
		diag(p, p->lineno, true, "line contains a NUL byte");
		return false;
	}
	if (!kc_utf8_valid(s, len, &off)) {
		diag(p, p->lineno, true, "invalid UTF-8 at column %zu", off + 1);
		return false;
	}
	return true;
}

static void rtrim_buf(struct kc_buf *b)
{
	while (b->len && kc_isspace((unsigned char)b->s[b->len - 1]))
		b->len--;
	if (b->s)
		b->s[b->len] = '\0';
}

/*
 * Read one logical line into p->line: a physical line, plus the following ones while it ends in
 * a backslash (comment lines are never continued). Returns false at the end of the text; *bad
 * tells that a part of it was rejected (and reported).
 */
static bool read_logical(struct parser *p, unsigned int *first, bool *bad)
{
	const char *s;
	size_t len, i;

	if (!read_physical(p, &s, &len))
		return false;
	*first = p->lineno;
	*bad = !check_physical(p, s, len);
	p->line.len = 0;
	kc_buf_add(&p->line, s, len);
	for (i = 0; i < len && kc_isspace((unsigned char)s[i]); i++)
		;
	if (i < len && (s[i] == '#' || s[i] == ';'))
		return true;
	for (;;) {
		rtrim_buf(&p->line);
		if (!p->line.len || p->line.s[p->line.len - 1] != '\\')
			break;
		p->line.s[--p->line.len] = '\0';
		if (read_physical(p, &s, &len)) {
			if (!check_physical(p, s, len))
				*bad = true;
			kc_buf_add(&p->line, s, len);
		}
	}
	return true;
}

static void process_line(struct parser *p, unsigned int line, char *s)
{
	while (kc_isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[')
		section_header(p, line, s);
	else
		parameter(p, line, s);
}

/* ---- whole-file checks -------------------------------------------------------------------- */

static const char *value_of(const struct kc_conf_section *sec, size_t idx)
{
	const struct kc_conf_param *param = kc_conf_param_at(idx);

	if (sec->slots[idx].value)
		return sec->slots[idx].value;
	if (param->flags & KC_CONF_F_HOSTNAME)
		return sec->conf->hostname;
	if (param->flags & KC_CONF_F_NETBIOS)
		return sec->conf->netbios;
	return param->def;
}

static int enum_value_index(const struct kc_conf_param *param, const char *value)
{
	for (int i = 0; param->values[i]; i++)
		if (!strcmp(param->values[i], value))
			return i;
	return -1;
}

static void check_protocols(struct parser *p)
{
	struct kc_conf_section *g = p->conf->global;
	size_t imin = param_index_of("server min protocol");
	size_t imax = param_index_of("server max protocol");
	const char *vmin = value_of(g, imin), *vmax = value_of(g, imax);
	const struct kc_conf_param *param = kc_conf_param_at(imin);
	unsigned int line = g->slots[imax].line ? g->slots[imax].line : g->slots[imin].line;

	if (enum_value_index(param, vmin) > enum_value_index(param, vmax))
		diag(p, line, true,
		     "'server min protocol' (%s) is higher than 'server max protocol' (%s)",
		     vmin, vmax);
}

static void check_file(struct parser *p)
{
	size_t n = kc_conf_param_count();
	const struct kc_conf_param *param;
	struct kc_conf_section *sec;

	check_protocols(p);
	for (sec = p->conf->shares; sec; sec = sec->next) {
		if (sec->invalid)
			continue;
		for (size_t i = 0; i < n; i++) {
			param = kc_conf_param_at(i);
			if ((param->flags & KC_CONF_F_REQUIRED) && !sec->slots[i].value &&
			    !sec->slots[i].rejected)
				diag(p, sec->line, true, "share [%s] has no '%s'", sec->name,
				     param->name);
		}
	}
}

static void set_host_defaults(struct kc_conf *conf)
{
	size_t i;

	if (gethostname(conf->hostname, sizeof(conf->hostname) - 1) || !conf->hostname[0])
		strcpy(conf->hostname, "localhost");
	for (i = 0; i < KC_CONF_NETBIOS_NAME_MAX && conf->hostname[i] &&
	     conf->hostname[i] != '.'; i++)
		conf->netbios[i] = (char)kc_toupper((unsigned char)conf->hostname[i]);
	conf->netbios[i] = '\0';
}

/* ---- entry points ------------------------------------------------------------------------- */

int kc_conf_parse(const char *name, const char *text, size_t len, struct kc_conf **out,
		  FILE *diag_out)
{
	struct parser p = { .name = name, .diag = diag_out };
	unsigned int line;
	bool bad;

	*out = NULL;
	if (!text)
		text = "";
	p.pos = text;
	p.end = text + len;
	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf)
		goto oom;
	p.conf->global = section_new(p.conf, "global", 0, true);
	if (!p.conf->global)
		goto oom;
	set_host_defaults(p.conf);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))	/* a UTF-8 byte order mark */
		p.pos += 3;
	while (!p.oom && read_logical(&p, &line, &bad)) {
		if (p.line.oom)
			p.oom = true;
		else if (!bad)
			process_line(&p, line, p.line.s);
		else if (p.cur)	/* it may have set a required parameter */
			p.cur->invalid = true;
	}
	kc_buf_free(&p.line);
	if (!p.oom)
		check_file(&p);
	diag_flush(&p);
	if (p.oom)
		goto oom;
	if (p.errors) {
		kc_conf_free(p.conf);
		return -1;
	}
	*out = p.conf;
	return 0;
oom:
	kc_buf_free(&p.line);
	diag_flush(&p);
	kc_conf_free(p.conf);
	if (diag_out)
		fprintf(diag_out, "%s: error: %s\n", name, strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

/* Read the whole file; 0, or -1 with errno set. */
static int read_file(const char *path, char **text, size_t *len)
{
	struct kc_buf b = { 0 };
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st))
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	while (!err) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		else if (n == 0)
			break;
		else if (b.len + (size_t)n > KC_CONF_MAX_FILE)
			err = EFBIG;
		else
			kc_buf_add(&b, chunk, (size_t)n);
		if (b.oom)
			err = ENOMEM;
	}
	close(fd);
	if (err) {
		kc_buf_free(&b);
		errno = err;
		return -1;
	}
	*len = b.len;
	*text = kc_buf_take(&b);
	if (!*text) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int kc_conf_load(const char *path, struct kc_conf **out, FILE *diag_out)
{
	char *text;
	size_t len;
	int ret;

	*out = NULL;
	if (read_file(path, &text, &len)) {
		if (diag_out)
			fprintf(diag_out, "%s: error: %s\n", path, strerror(errno));
		return -1;
	}
	ret = kc_conf_parse(path, text, len, out, diag_out);
	free(text);
	return ret;
}

/* ---- printing ----------------------------------------------------------------------------- */

static void print_section(const struct kc_conf_section *sec, FILE *out)
{
	size_t n = kc_conf_param_count();
	const char *v;

	fprintf(out, "[%s]\n", sec->name);
	for (size_t i = 0; i < n; i++) {
		v = sec->slots[i].value;
		if (!v)
			continue;
		fprintf(out, "\t%s =%s%s\n", kc_conf_param_at(i)->name, *v ? " " : "", v);
	}
}

void kc_conf_print(const struct kc_conf *conf, FILE *out)
{
	const struct kc_conf_section *sec;

	print_section(conf->global, out);
	for (sec = conf->shares; sec; sec = sec->next) {
		fputc('\n', out);
		print_section(sec, out);
	}
}

/* ---- sections and getters ----------------------------------------------------------------- */

const struct kc_conf_section *kc_conf_global(const struct kc_conf *conf)
{
	return conf->global;
}

const struct kc_conf_section *kc_conf_share(const struct kc_conf *conf, const char *name)
{
	return find_share(conf, name);
}

const struct kc_conf_section *kc_conf_next_share(const struct kc_conf *conf,
						 const struct kc_conf_section *prev)
{
	return prev ? prev->next : conf->shares;
}

size_t kc_conf_share_count(const struct kc_conf *conf)
{
	return conf->nshares;
}

const char *kc_conf_section_name(const struct kc_conf_section *sec)
{
	return sec->name;
}

bool kc_conf_section_is_global(const struct kc_conf_section *sec)
{
	return sec->global;
}

#define TYPE_BIT(t) (1u << (t))
#define ANY_TYPE (~0u)

/* Look key up for a getter; abort on a programming error. Returns the parameter's index. */
static size_t lookup(const struct kc_conf_section *sec, const char *key, unsigned int types,
		     const char *getter, bool *inverted)
{
	const struct kc_conf_param *param = kc_conf_param_find(key, inverted);

	if (!param) {
		fprintf(stderr, "%s: '%s' is not a configuration parameter\n", getter, key);
		abort();
	}
	if (!(types & TYPE_BIT(param->type))) {
		fprintf(stderr, "%s: '%s' does not have this type\n", getter, key);
		abort();
	}
	if (param->scope != KC_CONF_ANY && (param->scope == KC_CONF_GLOBAL) != sec->global) {
		fprintf(stderr, "%s: '%s' is not a parameter of [%s]\n", getter, key, sec->name);
		abort();
	}
	return param_index(param);
}

const char *kc_conf_str(const struct kc_conf_section *sec, const char *key)
{
	return value_of(sec, lookup(sec, key, TYPE_BIT(KC_CONF_T_STRING), "kc_conf_str", NULL));
}

bool kc_conf_bool(const struct kc_conf_section *sec, const char *key)
{
	bool inverted;
	size_t idx = lookup(sec, key, TYPE_BIT(KC_CONF_T_BOOL), "kc_conf_bool", &inverted);

	return !strcmp(value_of(sec, idx), "yes") != inverted;
}

long kc_conf_int(const struct kc_conf_section *sec, const char *key)
{
	size_t idx = lookup(sec, key, TYPE_BIT(KC_CONF_T_INT), "kc_conf_int", NULL);

	return strtol(value_of(sec, idx), NULL, 10);
}

int kc_conf_enum(const struct kc_conf_section *sec, const char *key)
{
	size_t idx = lookup(sec, key, TYPE_BIT(KC_CONF_T_ENUM), "kc_conf_enum", NULL);

	return enum_value_index(kc_conf_param_at(idx), value_of(sec, idx));
}

char **kc_conf_list(const struct kc_conf_section *sec, const char *key)
{
	size_t idx = lookup(sec, key, TYPE_BIT(KC_CONF_T_LIST) | TYPE_BIT(KC_CONF_T_INT_LIST),
			    "kc_conf_list", NULL);
	char **items;

	if (kc_conf_split_list(value_of(sec, idx), &items))
		return NULL;
	return items;
}

long *kc_conf_int_list(const struct kc_conf_section *sec, const char *key, size_t *count)
{
	size_t idx = lookup(sec, key, TYPE_BIT(KC_CONF_T_INT_LIST), "kc_conf_int_list", NULL);
	char **items;
	long *v = NULL;
	size_t n;

	*count = 0;
	if (kc_conf_split_list(value_of(sec, idx), &items))
		return NULL;
	n = kc_strv_len(items);
	if (n)
		v = calloc(n, sizeof(*v));
	if (v) {
		for (size_t i = 0; i < n; i++)
			v[i] = strtol(items[i], NULL, 10);
		*count = n;
	}
	kc_strv_free(items);
	return v;
}

bool kc_conf_is_set(const struct kc_conf_section *sec, const char *key)
{
	return sec->slots[lookup(sec, key, ANY_TYPE, "kc_conf_is_set", NULL)].value != NULL;
}

unsigned int kc_conf_line(const struct kc_conf_section *sec, const char *key)
{
	return sec->slots[lookup(sec, key, ANY_TYPE, "kc_conf_line", NULL)].line;
}
