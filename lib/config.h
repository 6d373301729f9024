/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node configuration: an smb.conf-style INI file ([global] plus one section per share).
 *
 * Every daemon and the CLI parse the file with kc_conf_load() and read it with the typed
 * getters. The set of known parameters (the schema) lives in config_schema.c; docs/config.md
 * describes the format and every parameter. See that document for the syntax rules.
 */
#ifndef KC_CONFIG_H
#define KC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"		/* kc_strv_free() */

#define KC_CONF_DEFAULT_PATH "/etc/ksmbd-cluster/node.conf"
#define KC_CONF_SHARE_NAME_MAX 80	/* characters */
#define KC_CONF_NETBIOS_NAME_MAX 15	/* bytes */

struct kc_conf;			/* a parsed file */
struct kc_conf_section;		/* [global] or a share */

/* ---- parsing ------------------------------------------------------------------------------ */

/*
 * Parse the file at path. Returns 0 on success and stores the result in *out; returns -1 when
 * the file could not be read or had errors, leaving *out NULL. Every error and warning is
 * written to diag (when not NULL), one line each, as "PATH:LINE: error: ..." or
 * "PATH:LINE: warning: ..."; all errors in a file are reported. A file that cannot be read is
 * reported as "PATH: error: <strerror>". Warnings alone do not make the parse fail.
 */
int kc_conf_load(const char *path, struct kc_conf **out, FILE *diag);
/* The same for text held in memory; name is what the diagnostics call it. */
int kc_conf_parse(const char *name, const char *text, size_t len, struct kc_conf **out,
		  FILE *diag);
void kc_conf_free(struct kc_conf *conf);

/*
 * Print conf as canonical text: [global] first, then the shares in file order; in each section
 * only the parameters that were set, in schema order, with their canonical names and values,
 * one "\tname = value" line each; a blank line between sections. Parsing the output again gives
 * the same configuration and prints byte-identical text.
 */
void kc_conf_print(const struct kc_conf *conf, FILE *out);

/* ---- sections ----------------------------------------------------------------------------- */

/* The [global] section; never NULL (an empty one when the file has none). */
const struct kc_conf_section *kc_conf_global(const struct kc_conf *conf);
/* The share called name (ASCII case-insensitive), or NULL. */
const struct kc_conf_section *kc_conf_share(const struct kc_conf *conf, const char *name);
/* Iterate over the shares in file order: prev NULL gives the first; NULL after the last. */
const struct kc_conf_section *kc_conf_next_share(const struct kc_conf *conf,
						 const struct kc_conf_section *prev);
size_t kc_conf_share_count(const struct kc_conf *conf);
/* "global" for [global], else the share name as first spelled in the file. */
const char *kc_conf_section_name(const struct kc_conf_section *sec);
bool kc_conf_section_is_global(const struct kc_conf_section *sec);

/* ---- typed getters -------------------------------------------------------------------------- */

/*
 * Each getter returns the value set in the section, else the schema default. The key is matched
 * like smb.conf does: ignoring case and whitespace ("readonly" == "Read Only"); synonyms are
 * accepted ("browsable", "public"; kc_conf_bool() on "writable" returns the inverse of
 * "read only"). A key that is not in the schema, a getter of the wrong type, or a share
 * parameter asked of [global] (or the reverse) is a programming error: it aborts.
 */
const char *kc_conf_str(const struct kc_conf_section *sec, const char *key); /* NULL: no value */
bool kc_conf_bool(const struct kc_conf_section *sec, const char *key);
long kc_conf_int(const struct kc_conf_section *sec, const char *key);
/* Index into the parameter's list of canonical values; see the enums below. */
int kc_conf_enum(const struct kc_conf_section *sec, const char *key);
/*
 * Items of a list parameter (integer lists as decimal strings), NULL-terminated; the caller
 * frees it with kc_strv_free(). Returns NULL only when out of memory.
 */
char **kc_conf_list(const struct kc_conf_section *sec, const char *key);
/*
 * Items of an integer list parameter ("smb ports"); *count gets their number. The caller frees
 * the array with free(). Returns NULL when out of memory, or when the list is empty.
 */
long *kc_conf_int_list(const struct kc_conf_section *sec, const char *key, size_t *count);
/* Whether the parameter was set in this section (as opposed to taking its default). */
bool kc_conf_is_set(const struct kc_conf_section *sec, const char *key);
/* Line of the file where the parameter was (last) set; 0 if it was not set. */
unsigned int kc_conf_line(const struct kc_conf_section *sec, const char *key);

/* Values of the enumerated parameters: the order of each parameter's value list. */
enum kc_conf_protocol {		/* "server min protocol", "server max protocol" */
	KC_CONF_PROTO_SMB2_02,
	KC_CONF_PROTO_SMB2_10,
	KC_CONF_PROTO_SMB3_00,
	KC_CONF_PROTO_SMB3_02,
	KC_CONF_PROTO_SMB3_11,
};

enum kc_conf_signing {		/* "server signing" */
	KC_CONF_SIGNING_DEFAULT,
	KC_CONF_SIGNING_AUTO,
	KC_CONF_SIGNING_MANDATORY,
	KC_CONF_SIGNING_DISABLED,
};

enum kc_conf_encrypt {		/* "smb encrypt" */
	KC_CONF_ENCRYPT_DEFAULT,
	KC_CONF_ENCRYPT_OFF,
	KC_CONF_ENCRYPT_IF_REQUIRED,
	KC_CONF_ENCRYPT_DESIRED,
	KC_CONF_ENCRYPT_REQUIRED,
};

enum kc_conf_map_to_guest {	/* "map to guest" */
	KC_CONF_GUEST_NEVER,
	KC_CONF_GUEST_BAD_USER,
	KC_CONF_GUEST_BAD_PASSWORD,
};

enum kc_conf_case {		/* "case sensitive" */
	KC_CONF_CASE_AUTO,
	KC_CONF_CASE_YES,
	KC_CONF_CASE_NO,
};

enum kc_conf_engine {		/* "engine" */
	KC_CONF_ENGINE_AUTO,
	KC_CONF_ENGINE_KERNEL,
	KC_CONF_ENGINE_USER,
};

/* ---- the schema ------------------------------------------------------------------------------ */

enum kc_conf_type {
	KC_CONF_T_STRING,
	KC_CONF_T_BOOL,
	KC_CONF_T_INT,
	KC_CONF_T_ENUM,
	KC_CONF_T_LIST,		/* list of strings */
	KC_CONF_T_INT_LIST,	/* list of integers in [min, max] */
};

enum kc_conf_scope {
	KC_CONF_GLOBAL,		/* only in [global] */
	KC_CONF_SHARE,		/* only in share sections */
	KC_CONF_ANY,		/* in [global] and in shares, each section its own value */
};

/* Parameter flags */
#define KC_CONF_F_REQUIRED	0x01	/* every share must set it */
#define KC_CONF_F_ABSPATH	0x02	/* an absolute path (when not empty) */
#define KC_CONF_F_NONEMPTY	0x04	/* an empty value (or an empty list) is an error */
#define KC_CONF_F_HOSTNAME	0x08	/* default: the host name */
#define KC_CONF_F_NETBIOS	0x10	/* default: the host name upper-cased, cut to 15 bytes */

struct kc_conf_alias {
	const char *name;	/* accepted spelling */
	int value;		/* index into the canonical values */
};

struct kc_conf_param {
	const char *name;	/* canonical spelling */
	enum kc_conf_type type;
	enum kc_conf_scope scope;
	unsigned int flags;
	const char *def;	/* default in canonical form; NULL when none or computed */
	long min, max;		/* integers and integer lists */
	size_t maxlen;		/* strings: maximum length in bytes; 0 for none */
	const char *const *values;		/* enums: canonical values, NULL-terminated */
	const struct kc_conf_alias *aliases;	/* enums: other accepted spellings, or NULL */
	const char *doc;	/* one line, for docs/config.md and help texts */
};

/* The parameters in schema (printing) order. */
size_t kc_conf_param_count(void);
const struct kc_conf_param *kc_conf_param_at(size_t idx);
/*
 * Look a key up ignoring case and whitespace, synonyms included. Returns the parameter, or NULL
 * when the key is unknown; *inverted (when not NULL) tells whether the key is a synonym with the
 * inverse boolean meaning ("writable" for "read only").
 */
const struct kc_conf_param *kc_conf_param_find(const char *key, bool *inverted);
/* Whether key is an smb.conf parameter that ksmbd-cluster accepts and ignores ("workgroup"). */
bool kc_conf_param_ignored(const char *key);
/* The synonyms and the ignored parameters, for documentation: NULL-terminated. */
struct kc_conf_synonym {
	const char *name;
	const char *target;	/* canonical name */
	bool inverted;
};
const struct kc_conf_synonym *kc_conf_synonyms(void);	/* ends with a NULL name */
const char *const *kc_conf_ignored_params(void);

/*
 * Check a value for param and convert it to canonical form (bools "yes"/"no", enums their
 * canonical spelling, integers in decimal, list items joined with ", "). On success returns 0
 * and stores a malloc'ed string in *canon. On an invalid value returns -1 and writes a message
 * (no trailing newline, no "error:" prefix) to err; -ENOMEM when out of memory.
 */
int kc_conf_canonical(const struct kc_conf_param *param, const char *value, char **canon,
		      char *err, size_t errlen);
/* Split a list value at commas and whitespace ("double quotes" group); -1 on a bad quote. */
int kc_conf_split_list(const char *value, char ***items);

#endif /* KC_CONFIG_H */
