// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksmbd-clusterd: cluster membership, quorum and the replicated state of a ksmbd-cluster node,
 * on corosync (repl.c), with an IPC endpoint for the ksmbd-cluster CLI (ipc.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clusterd.h"
#include "clusterd_ipc.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "pstore_sm.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ksmbd-clusterd [-FndP] [-c FILE] [--write-corosync-conf FILE]\n"
		"\n"
		"Cluster daemon of ksmbd-cluster: joins the CPG group \"ksmbd-cluster\" of the local\n"
		"corosync, tracks membership and quorum, and keeps the node's copy of the replicated\n"
		"state: every change is ordered through corosync and applied by every node; a joining\n"
		"node first receives a snapshot. The ksmbd-cluster CLI talks to it over libqb IPC\n"
		"(\"%s\"). When corosync is not running or goes away it retries with backoff.\n"
		"The state (the cluster registry: shares, users, global options, public IPs, and\n"
		"the node table) is kept with libpstore in the \"state directory\" (registry.tdb,\n"
		"nodes.tdb), so it survives a restart of the whole cluster.\n"
		"\n"
		"  -c, --config FILE   node configuration (default %s)\n"
		"  -F, --foreground    stay in the foreground and log to stderr\n"
		"  -n, --check         check the configuration and exit\n"
		"  -P, --print-config  print the configuration in canonical form and exit\n"
		"      --write-corosync-conf FILE\n"
		"                      write this node's corosync.conf from \"cluster name\",\n"
		"                      \"cluster nodes\" and \"cluster token\" (\"-\": stdout) and exit;\n"
		"                      corosync keeps its state in STATE-DIRECTORY/corosync\n"
		"                      (\"state directory\"), which it does not create\n"
		"  -M, --memory-state  keep the replicated state in memory only (generic keys and\n"
		"                      values, lost when the whole cluster stops; for tests)\n"
		"  -d, --debug         log debug messages\n"
		"  -h, --help          show this help and exit\n"
		"      --version       show the version and exit\n"
		"\n"
		"Signals: SIGTERM/SIGINT leave the group and stop; SIGHUP re-reads the node list and\n"
		"the admin group.\n"
		"Exit status: 0 clean stop or check passed, 1 failure, 2 usage error.\n",
		KC_CIPC_NAME, KC_CONF_DEFAULT_PATH);
}

static void nodes_free(struct clusterd *cd)
{
	for (size_t i = 0; i < cd->nnodes; i++) {
		free(cd->nodes[i].name);
		free(cd->nodes[i].addr);
	}
	cd->nnodes = 0;
}

/* "cluster nodes" (NAME@ADDRESS, ...) and "cluster admin group" into @cd. */
static int settings_load(struct clusterd *cd, const struct kc_conf *conf)
{
	const struct kc_conf_section *g = kc_conf_global(conf);
	const char *group = kc_conf_str(g, "cluster admin group");
	char **list = kc_conf_list(g, "cluster nodes");
	struct clusterd tmp = { .admin_gid = (gid_t)-1 };
	int ret = -1;

	if (!list)
		return -1;
	for (size_t i = 0; list[i]; i++) {
		char *at = strchr(list[i], '@');

		if (!at || at == list[i] || !at[1] || strchr(at + 1, '@')) {
			log_warnx("cluster nodes: '%s' is not NAME@ADDRESS", list[i]);
			goto out;
		}
		if (tmp.nnodes == CD_MAX_NODES) {
			log_warnx("cluster nodes: more than %d nodes", CD_MAX_NODES);
			goto out;
		}
		tmp.nodes[tmp.nnodes].nodeid = i + 1;
		tmp.nodes[tmp.nnodes].name = strndup(list[i], at - list[i]);
		tmp.nodes[tmp.nnodes].addr = strdup(at + 1);
		tmp.nnodes++;
		if (!tmp.nodes[tmp.nnodes - 1].name || !tmp.nodes[tmp.nnodes - 1].addr)
			goto out;
	}
	if (group && *group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			log_warnx("cluster admin group: no group '%s'", group);
			goto out;
		}
		tmp.admin_gid = gr->gr_gid;
	}
	nodes_free(cd);
	memcpy(cd->nodes, tmp.nodes, sizeof(tmp.nodes));
	cd->nnodes = tmp.nnodes;
	tmp.nnodes = 0;
	cd->admin_gid = tmp.admin_gid;
	ret = 0;
out:
	nodes_free(&tmp);
	kc_strv_free(list);
	return ret;
}

static int write_corosync_conf(struct clusterd *cd, const struct kc_conf *conf, const char *path)
{
	const struct kc_conf_section *g = kc_conf_global(conf);
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f) {
		log_warn("%s", path);
		return 1;
	}
	if (!cd->nnodes) {
		log_warnx("\"cluster nodes\" is empty: nothing to write");
		if (f != stdout)
			fclose(f);
		return 1;
	}
	fprintf(f, "# corosync.conf of ksmbd-cluster node %s, written by ksmbd-clusterd\n"
		"totem {\n"
		"\tversion: 2\n"
		"\tcluster_name: %s\n"
		"\ttransport: knet\n"
		"\ttoken: %ld\n"
		"\ttoken_coefficient: 0\n"
		"\tcrypto_cipher: none\n"
		"\tcrypto_hash: none\n"
		"}\n"
		"nodelist {\n", kc_conf_str(g, "node name"), kc_conf_str(g, "cluster name"),
		kc_conf_int(g, "cluster token"));
	for (size_t i = 0; i < cd->nnodes; i++)
		fprintf(f, "\tnode {\n\t\tring0_addr: %s\n\t\tname: %s\n\t\tnodeid: %u\n\t}\n",
			cd->nodes[i].addr, cd->nodes[i].name, cd->nodes[i].nodeid);
	fprintf(f, "}\n"
		"quorum {\n"
		"\tprovider: corosync_votequorum\n%s"
		"}\n"
		"system {\n"
		"\tstate_dir: %s/corosync\n"
		"}\n"
		"logging {\n"
		"\tto_stderr: yes\n"
		"\tto_syslog: no\n"
		"\tto_logfile: no\n"
		"\ttimestamp: on\n"
		"}\n", cd->nnodes == 2 ? "\ttwo_node: 1\n" : "", kc_conf_str(g, "state directory"));
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0) {
		log_warn("%s", path);
		return 1;
	}
	return 0;
}

static int on_stop(int sig, void *data)
{
	struct clusterd *cd = data;

	log_info("signal %d: stopping", sig);
	qb_loop_stop(cd->loop);
	return 0;
}

static int on_reload(int sig, void *data)
{
	struct clusterd *cd = data;
	struct kc_conf *conf;

	(void)sig;
	if (kc_conf_load(cd->conf_path, &conf, stderr)) {
		log_warnx("reload: %s has errors; keeping the running settings", cd->conf_path);
		return 0;
	}
	if (settings_load(cd, conf))
		log_warnx("reload: keeping the running settings");
	else
		log_info("reload: node list and admin group re-read");
	kc_conf_free(conf);
	return 0;
}

static int run(struct clusterd *cd, bool foreground)
{
	int ready_fd = -1, ret = 1;

	if (!foreground)
		kc_daemon_detach(&ready_fd);
	if (cd->memory_state) {
		if (kc_kvsm_new(&cd->sm)) {
			log_warnx("out of memory");
			return 1;
		}
		log_info("state: in memory only (--memory-state)");
	} else {
		if (kc_pstore_sm_new(&cd->sm, cd->state_dir)) {
			log_warnx("cannot open the registry in %s", cd->state_dir);
			return 1;
		}
		cd->applied = cd->sm.ops->generation(cd->sm.impl);
		log_info("state: registry in %s (%llu records, generation %llu)", cd->state_dir,
			 (unsigned long long)cd->sm.ops->count(cd->sm.impl),
			 (unsigned long long)cd->applied);
	}
	cd->loop = qb_loop_create();
	if (!cd->loop)
		goto out;
	qb_loop_signal_add(cd->loop, QB_LOOP_HIGH, SIGTERM, cd, on_stop, NULL);
	qb_loop_signal_add(cd->loop, QB_LOOP_HIGH, SIGINT, cd, on_stop, NULL);
	qb_loop_signal_add(cd->loop, QB_LOOP_HIGH, SIGHUP, cd, on_reload, NULL);
	if (cd_ipc_start(cd))
		goto out;
	cd_repl_start(cd);
	log_info("started (IPC endpoint \"%s\", protocol %u)", KC_CIPC_NAME, KC_CIPC_VERSION);
	kc_daemon_ready(&ready_fd);
	cd_ipfo_kick(cd);
	qb_loop_run(cd->loop);
	ret = cd->failed ? 1 : 0;
	cd_ipfo_stop(cd);
	cd_repl_stop(cd);
out:
	cd_ipc_stop(cd);
	if (cd->loop)
		qb_loop_destroy(cd->loop);
	cd->sm.ops->free(cd->sm.impl);
	log_info("stopped");
	return ret;
}

int main(int argc, char **argv)
{
	enum { OPT_VERSION = 0x100, OPT_COROSYNC };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'n' },
		{ "print-config", no_argument, NULL, 'P' },
		{ "write-corosync-conf", required_argument, NULL, OPT_COROSYNC },
		{ "memory-state", no_argument, NULL, 'M' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static struct clusterd cd = { .conf_path = KC_CONF_DEFAULT_PATH, .admin_gid = (gid_t)-1 };
	bool foreground = false, check = false, print = false, debug = false;
	const char *corosync_out = NULL;
	struct kc_conf *conf;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:FnPMdh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cd.conf_path = optarg; break;
		case 'F': foreground = true; break;
		case 'n': check = true; break;
		case 'P': print = true; break;
		case 'd': debug = true; break;
		case 'M': cd.memory_state = true; break;
		case OPT_COROSYNC: corosync_out = optarg; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION:
			printf("ksmbd-clusterd %s (IPC protocol %u)\n", KC_VERSION, KC_CIPC_VERSION);
			return 0;
		default:
			fprintf(stderr, "try 'ksmbd-clusterd --help'\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ksmbd-clusterd: unexpected argument '%s'\n"
			"try 'ksmbd-clusterd --help'\n", argv[optind]);
		return 2;
	}
	if (kc_conf_load(cd.conf_path, &conf, stderr))
		return 1;
	log_init("ksmbd-clusterd", foreground || check || print || corosync_out, debug ? LOG_DEBUG :
		 kc_conf_int(kc_conf_global(conf), "log level") >= 2 ? LOG_DEBUG : LOG_INFO);
	if (settings_load(&cd, conf)) {
		ret = 1;
	} else if (print) {
		kc_conf_print(conf, stdout);
		ret = 0;
	} else if (check) {
		printf("%s: configuration OK\n", cd.conf_path);
		ret = 0;
	} else if (corosync_out) {
		ret = write_corosync_conf(&cd, conf, corosync_out);
	} else {
		cd.state_dir = strdup(kc_conf_str(kc_conf_global(conf), "state directory"));
		kc_conf_free(conf);
		conf = NULL;
		signal(SIGPIPE, SIG_IGN);
		ret = cd.state_dir ? run(&cd, foreground) : 1;
		free((char *)cd.state_dir);
	}
	kc_conf_free(conf);
	nodes_free(&cd);
	log_close();
	return ret;
}
