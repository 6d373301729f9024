// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksmbd-mountd: the user-space peer of the SMB engine. It reads the node
 * configuration, attaches to the engine (the kernel module, or a ksmbd-engine
 * it starts and supervises), hands it the node settings and stays attached:
 * when mountd goes away the engine stops serving.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <qb/qbloop.h>
#include <uapi/ksmbd_cluster.h>
#include "config.h"
#include "engine.h"
#include "login.h"
#include "daemon.h"
#include "log.h"
#include "registry.h"
#include "registry_client.h"

struct mountd {
	const char *conf_path;
	struct kc_conf *conf;		/* the running configuration */
	struct kc_conf *node_conf;	/* cluster mode: the node file (conf: + the registry) */
	struct mountd_registry *reg;	/* cluster mode: the registry client */
	struct mountd_engine engine;
	struct mountd_login *login;
	qb_loop_t *loop;
	int engine_mode;	/* enum kc_conf_engine */
	int exit_code;
	bool debug;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ksmbd-mountd [-FndP] [-c FILE] [--engine auto|kernel|user]\n"
		"\n"
		"User-space peer of the ksmbd-cluster SMB engine: reads the node configuration,\n"
		"attaches to the engine (the ksmbd_cluster kernel module when it is loaded, else a\n"
		"ksmbd-engine process it starts and supervises) and hands it the node settings.\n"
		"When the node file sets \"cluster nodes\", shares, users and cluster-wide SMB\n"
		"options come from the cluster registry through the local ksmbd-clusterd instead\n"
		"of the node file and the passdb file, and changes apply without a restart.\n"
		"\n"
		"  -c, --config FILE   node configuration (default %s)\n"
		"  -F, --foreground    stay in the foreground and log to stderr\n"
		"  -n, --check         check the configuration and exit\n"
		"  -P, --print-config  print the configuration in canonical form and exit\n"
		"      --engine MODE   override the 'engine' setting: auto, kernel or user\n"
		"  -d, --debug         log debug messages\n"
		"  -h, --help          show this help and exit\n"
		"      --version       show the version and exit\n"
		"\n"
		"Signals: SIGTERM/SIGINT stop the node (the engine drops its connections);\n"
		"SIGHUP re-reads the configuration.\n"
		"Exit status: 0 clean stop or check passed, 1 failure, 2 usage error.\n"
		"See docs/config.md for the configuration file.\n", KC_CONF_DEFAULT_PATH);
}

static int on_stop(int sig, void *data)
{
	struct mountd *m = data;

	log_info("signal %d: stopping", sig);
	qb_loop_stop(m->loop);
	return 0;
}

static int on_reload(int sig, void *data)
{
	struct mountd *m = data;
	struct kc_conf *conf;

	(void)sig;
	if (kc_conf_load(m->conf_path, &conf, stderr)) {
		log_warnx("reload: %s has errors; keeping the running configuration", m->conf_path);
		return 0;
	}
	if (m->node_conf) {	/* cluster mode: the file's node-local part, plus the registry */
		kc_conf_free(m->node_conf);
		m->node_conf = conf;
		mountd_registry_reload(m->reg);
		log_info("reload: node file re-read (listener settings change on restart)");
		return 0;
	}
	kc_conf_free(m->conf);
	m->conf = conf;
	log_info("reload: configuration re-read (listener settings change on restart)");
	return 0;
}

static int on_child(int sig, void *data)
{
	struct mountd *m = data;

	(void)sig;
	if (mountd_engine_reap(&m->engine)) {
		log_warnx("the engine died: stopping");
		m->exit_code = 1;
		qb_loop_stop(m->loop);
	}
	return 0;
}

static int on_engine_fd(int fd, int revents, void *data)
{
	struct mountd *m = data;

	(void)fd;
	if ((revents & POLLIN) && mountd_login_dispatch(m->login, m->engine.ch) == 0)
		return 0;
	log_warnx("the engine closed its IPC channel: stopping");
	m->exit_code = 1;
	qb_loop_stop(m->loop);
	return -1;
}

/* Cluster mode: the registry changed (or was read for the first time). */
static void on_registry(void *arg, struct kc_conf *conf, struct kc_passdb *users)
{
	struct mountd *m = arg;

	kc_conf_free(m->conf);
	m->conf = conf;
	if (m->login)
		mountd_login_set_users(m->login, users);
	else
		kc_passdb_free(users);	/* before the first logon is possible: read again then */
}

/* Lock @path and write our pid; -1 if another mountd holds it. */
static int write_pidfile(const char *path, int *fdp)
{
	char buf[32], *dir, *copy = strdup(path);
	int fd, n;

	if (!copy)
		return -1;
	dir = dirname(copy);
	mkdir(dir, 0755);
	free(copy);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_warn("pid file %s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		log_warnx("another ksmbd-mountd is running (pid %ld, pid file %s)",
			  strtol(buf, NULL, 10), path);
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || write(fd, buf, n) != n) {
		log_warn("pid file %s", path);
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

static int run(struct mountd *m, bool foreground)
{
	const struct kc_conf_section *g = kc_conf_global(m->conf);
	const char *sock = kc_conf_str(g, "engine socket");
	char *pidfile = strdup(kc_conf_str(g, "pid file"));	/* g goes with a reload */
	int pid_fd = -1, ready_fd = -1;
	char *sockdir, *copy;

	m->exit_code = 1;
	if (!pidfile)
		return 1;
	if (!foreground)
		kc_daemon_detach(&ready_fd);
	if (write_pidfile(pidfile, &pid_fd)) {
		free(pidfile);
		return 1;
	}
	copy = strdup(sock);
	if (!copy)
		return 1;
	sockdir = dirname(copy);
	if (mkdir(sockdir, 0700) && errno != EEXIST)
		log_warn("mkdir %s", sockdir);
	free(copy);

	if (mountd_engine_attach(&m->engine, m->engine_mode, sock, kc_conf_str(g, "engine program"), m->debug) ||
	    mountd_engine_hello(&m->engine))
		goto out;
	m->loop = qb_loop_create();
	if (!m->loop)
		goto out;
	if (kc_registry_clustered(m->conf)) {
		/* Cluster mode: shares, users and global SMB options come from the registry;
		 * the first read (when clusterd answers now) also gives the engine's settings. */
		m->node_conf = m->conf;
		m->conf = kc_registry_conf(m->node_conf, NULL, 0, NULL, 0, stderr);
		if (!m->conf)
			goto out;
		m->reg = mountd_registry_start(m->loop, (const struct kc_conf *const *)&m->node_conf,
					       on_registry, m);
		if (!m->reg)
			goto out;
		log_info("cluster mode: shares, users and global options from the registry");
	}
	if (mountd_engine_start(&m->engine, kc_conf_global(m->conf)))
		goto out;
	log_info("node %s serving (engine: %s)", kc_conf_str(kc_conf_global(m->conf), "node name"),
		 m->engine.kind == KSMBD_ENGINE_KERNEL ? "kernel module" : "ksmbd-engine");

	m->login = mountd_login_new((const struct kc_conf *const *)&m->conf);
	if (!m->login)
		goto out;
	if (m->reg) {	/* no users until the registry is read; every change replaces them */
		mountd_login_set_users(m->login, kc_passdb_new());
		mountd_registry_reload(m->reg);
	}
	qb_loop_signal_add(m->loop, QB_LOOP_HIGH, SIGTERM, m, on_stop, NULL);
	qb_loop_signal_add(m->loop, QB_LOOP_HIGH, SIGINT, m, on_stop, NULL);
	qb_loop_signal_add(m->loop, QB_LOOP_HIGH, SIGHUP, m, on_reload, NULL);
	qb_loop_signal_add(m->loop, QB_LOOP_HIGH, SIGCHLD, m, on_child, NULL);
	qb_loop_poll_add(m->loop, QB_LOOP_MED, kc_nlchan_fd(m->engine.ch), POLLIN, m, on_engine_fd);
	m->exit_code = 0;
	kc_daemon_ready(&ready_fd);
	qb_loop_run(m->loop);
out:
	mountd_registry_stop(m->reg);
	m->reg = NULL;
	if (m->loop)
		qb_loop_destroy(m->loop);
	mountd_login_free(m->login);
	if (m->engine.ch || m->engine.pid)
		mountd_engine_detach(&m->engine);
	if (pid_fd >= 0) {
		unlink(pidfile);
		close(pid_fd);
	}
	free(pidfile);
	log_info("stopped");
	return m->exit_code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'n' },
		{ "print-config", no_argument, NULL, 'P' },
		{ "engine", required_argument, NULL, 'e' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mountd m = { .conf_path = KC_CONF_DEFAULT_PATH };
	bool foreground = false, check = false, print = false;
	const char *engine = NULL;
	int c, mode, ret;

	while ((c = getopt_long(argc, argv, "c:FnPdh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': m.conf_path = optarg; break;
		case 'F': foreground = true; break;
		case 'n': check = true; break;
		case 'P': print = true; break;
		case 'e': engine = optarg; break;
		case 'd': m.debug = true; break;
		case 'h': usage(stdout); return 0;
		case 'V':
			printf("ksmbd-mountd %s (IPC protocol %u)\n", KC_VERSION,
			       KSMBD_CLUSTER_PROTO_VERSION);
			return 0;
		default:
			fprintf(stderr, "try 'ksmbd-mountd --help'\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ksmbd-mountd: unexpected argument '%s'\ntry 'ksmbd-mountd --help'\n",
			argv[optind]);
		return 2;
	}
	if (engine && strcmp(engine, "auto") && strcmp(engine, "kernel") && strcmp(engine, "user")) {
		fprintf(stderr, "ksmbd-mountd: --engine must be auto, kernel or user, not '%s'\n",
			engine);
		return 2;
	}

	if (kc_conf_load(m.conf_path, &m.conf, stderr))
		return 1;
	if (check || print) {
		if (print)
			kc_conf_print(m.conf, stdout);
		else
			printf("%s: configuration OK\n", m.conf_path);
		kc_conf_free(m.conf);
		return 0;
	}
	mode = kc_conf_enum(kc_conf_global(m.conf), "engine");
	if (engine)
		mode = !strcmp(engine, "kernel") ? KC_CONF_ENGINE_KERNEL :
		       !strcmp(engine, "user") ? KC_CONF_ENGINE_USER : KC_CONF_ENGINE_AUTO;

	log_init("ksmbd-mountd", foreground, m.debug ? LOG_DEBUG :
		 (int)kc_conf_int(kc_conf_global(m.conf), "log level") >= 2 ? LOG_DEBUG : LOG_INFO);
	signal(SIGPIPE, SIG_IGN);
	m.engine_mode = mode;
	ret = run(&m, foreground);
	kc_conf_free(m.conf);
	kc_conf_free(m.node_conf);
	log_close();
	return ret;
}
