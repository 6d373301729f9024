// SPDX-License-Identifier: GPL-2.0-or-later
/* mountd's side of the engine (see engine.h and include/uapi/ksmbd_cluster.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uapi/ksmbd_cluster.h>
#include "auth.h"
#include "engine.h"
#include "log.h"

#define ENGINE_TIMEOUT_MS	10000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* ksmbd-engine next to this program, unless the configuration names one. */
static void engine_program(const char *configured, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	if (configured && *configured) {
		snprintf(out, len, "%s", configured);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(out, len, "%s/ksmbd-engine", dirname(self));
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, len, "ksmbd-engine");
}

static pid_t engine_spawn(const char *program, const char *sock, bool debug)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid != 0)
		return pid;
	/* The engine must not outlive its supervisor. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	if (debug)
		execlp(program, "ksmbd-engine", "-s", sock, "-d", (char *)NULL);
	else
		execlp(program, "ksmbd-engine", "-s", sock, (char *)NULL);
	fprintf(stderr, "ksmbd-mountd: cannot run %s: %s\n", program, strerror(errno));
	_exit(127);
}

bool mountd_engine_reap(struct mountd_engine *e)
{
	int status;

	if (!e->pid)
		return false;
	if (waitpid(e->pid, &status, WNOHANG) != e->pid)
		return false;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("ksmbd-engine (pid %d) stopped", (int)e->pid);
	else if (WIFEXITED(status))
		log_warnx("ksmbd-engine (pid %d) exited with status %d", (int)e->pid,
			  WEXITSTATUS(status));
	else
		log_warnx("ksmbd-engine (pid %d) killed by signal %d", (int)e->pid,
			  WTERMSIG(status));
	e->pid = 0;
	return true;
}

static int engine_start_user(struct mountd_engine *e, const char *sock, const char *program,
			     bool debug)
{
	char prog[PATH_MAX];
	long deadline;
	int ret;

	engine_program(program, prog, sizeof(prog));
	e->pid = engine_spawn(prog, sock, debug);
	if (e->pid < 0) {
		log_warn("fork");
		e->pid = 0;
		return -1;
	}
	log_info("started %s (pid %d) on %s", prog, (int)e->pid, sock);
	/* Wait for the engine's socket, or for the engine to fail. */
	deadline = now_ms() + ENGINE_TIMEOUT_MS;
	for (;;) {
		ret = kc_nlchan_open_unix(sock, &e->ch);
		if (!ret)
			return 0;
		if (mountd_engine_reap(e)) {
			log_warnx("ksmbd-engine failed to start (see its messages above)");
			return -1;
		}
		if (now_ms() > deadline) {
			log_warnx("ksmbd-engine did not open %s within %d s", sock,
				  ENGINE_TIMEOUT_MS / 1000);
			return -1;
		}
		poll(NULL, 0, 20);
	}
}

int mountd_engine_attach(struct mountd_engine *e, int mode, const char *sock,
			 const char *program, bool debug)
{
	int ret;

	memset(e, 0, sizeof(*e));
	if (mode != KC_CONF_ENGINE_USER) {
		ret = kc_nlchan_open_kernel(&e->ch);
		if (!ret)
			return 0;
		if (mode == KC_CONF_ENGINE_KERNEL) {
			if (ret == -ENOENT)
				log_warnx("the ksmbd_cluster kernel module is not loaded "
					  "(modprobe ksmbd_cluster, or set 'engine = user')");
			else
				log_warnx("cannot open generic netlink: %s", strerror(-ret));
			return -1;
		}
		log_info("kernel module not loaded: using the user-space engine");
	}
	return engine_start_user(e, sock, program, debug);
}

int mountd_engine_hello(struct mountd_engine *e)
{
	struct nlattr *tb[KSMBD_A_MAX + 1] = { 0 };
	char err[256];
	struct nl_msg *msg;
	unsigned int proto, status;
	int ret;

	msg = kc_nlchan_msg(e->ch, KSMBD_CMD_HELLO, 0);
	if (!msg || nla_put_u32(msg, KSMBD_A_PROTO_VERSION, KSMBD_CLUSTER_PROTO_VERSION) ||
	    nla_put_string(msg, KSMBD_A_PEER_VERSION, "ksmbd-mountd " KC_VERSION)) {
		nlmsg_free(msg);
		log_warnx("out of memory");
		return -1;
	}
	ret = kc_nlchan_request(e->ch, msg, ENGINE_TIMEOUT_MS, tb, err, sizeof(err));
	if (ret) {
		log_warnx("engine HELLO failed: %s%s%s", strerror(-ret), *err ? ": " : "", err);
		return -1;
	}
	if (!tb[KSMBD_A_PROTO_VERSION] || !tb[KSMBD_A_STATUS]) {
		log_warnx("engine HELLO reply lacks its protocol version or status");
		return -1;
	}
	proto = nla_get_u32(tb[KSMBD_A_PROTO_VERSION]);
	status = nla_get_u32(tb[KSMBD_A_STATUS]);
	if (tb[KSMBD_A_PEER_VERSION])
		snprintf(e->version, sizeof(e->version), "%s",
			 (char *)nla_data(tb[KSMBD_A_PEER_VERSION]));
	if (tb[KSMBD_A_ENGINE_KIND])
		e->kind = nla_get_u8(tb[KSMBD_A_ENGINE_KIND]);
	if (proto != KSMBD_CLUSTER_PROTO_VERSION) {
		log_warnx("engine %s speaks IPC protocol %u, this ksmbd-mountd speaks %u: "
			  "refusing it (install matching versions of both)", e->version, proto,
			  KSMBD_CLUSTER_PROTO_VERSION);
		return -1;
	}
	if (status) {
		log_warnx("engine refused HELLO: %s", status == EBUSY ?
			  "another ksmbd-mountd is attached to it" : strerror(status));
		return -1;
	}
	log_info("attached to %s engine %s (IPC protocol %u)",
		 e->kind == KSMBD_ENGINE_KERNEL ? "kernel" : "user-space", e->version, proto);
	return 0;
}

static const unsigned short dialects[] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };

/* Add the addresses of @item (an address, address/prefix or interface name) to @nest. */
static int put_bind_addrs(struct nl_msg *msg, const char *item, int *count)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned char a6[16];
	struct ifaddrs *ifs, *i;
	int found = 0;

	snprintf(buf, sizeof(buf), "%s", item);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET6, buf, a6) == 1) {
		(*count)++;
		return nla_put(msg, KSMBD_A_BIND_ADDR, 16, a6) ? -1 : 0;
	}
	memset(a6, 0, 10);
	a6[10] = a6[11] = 0xff;
	if (inet_pton(AF_INET, buf, a6 + 12) == 1) {
		(*count)++;
		return nla_put(msg, KSMBD_A_BIND_ADDR, 16, a6) ? -1 : 0;
	}
	if (getifaddrs(&ifs))
		return -1;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, item))
			continue;
		if (i->ifa_addr->sa_family == AF_INET6) {
			memcpy(a6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		} else if (i->ifa_addr->sa_family == AF_INET) {
			memset(a6, 0, 10);
			a6[10] = a6[11] = 0xff;
			memcpy(a6 + 12, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else {
			continue;
		}
		if (nla_put(msg, KSMBD_A_BIND_ADDR, 16, a6))
			break;
		(*count)++;
		found++;
	}
	freeifaddrs(ifs);
	if (!found)
		log_warnx("interfaces: '%s' is neither an address nor an interface with one", item);
	return found ? 0 : -1;
}

static int put_listen(struct nl_msg *msg, const struct kc_conf_section *g)
{
	struct nlattr *nest;
	size_t n, i;
	long *ports;
	int ret = 0, count = 0;

	ports = kc_conf_int_list(g, "smb ports", &n);
	if (!ports)
		return -1;
	nest = nla_nest_start(msg, KSMBD_A_TCP_PORTS);
	for (i = 0; nest && i < n && i < KSMBD_MAX_TCP_PORTS; i++)
		if (nla_put_u16(msg, KSMBD_A_TCP_PORT, (unsigned short)ports[i]))
			ret = -1;
	if (n > KSMBD_MAX_TCP_PORTS)
		log_warnx("smb ports: only the first %d ports are used", KSMBD_MAX_TCP_PORTS);
	free(ports);
	if (!nest || ret)
		return -1;
	nla_nest_end(msg, nest);

	if (kc_conf_bool(g, "bind interfaces only")) {
		char **items = kc_conf_list(g, "interfaces");

		if (!items)
			return -1;
		nest = nla_nest_start(msg, KSMBD_A_BIND_ADDRS);
		for (i = 0; nest && items[i] && !ret; i++)
			ret = put_bind_addrs(msg, items[i], &count);
		kc_strv_free(items);
		if (!nest || ret || count > KSMBD_MAX_BIND_ADDRS || !count) {
			if (!ret)
				log_warnx("bind interfaces only: need 1 to %d addresses, have %d",
					  KSMBD_MAX_BIND_ADDRS, count);
			return -1;
		}
		nla_nest_end(msg, nest);
	}
	return 0;
}

int mountd_engine_start(struct mountd_engine *e, const struct kc_conf_section *g)
{
	static const unsigned char signing[] = {
		[KC_CONF_SIGNING_DEFAULT] = KSMBD_SIGNING_AUTO,
		[KC_CONF_SIGNING_AUTO] = KSMBD_SIGNING_AUTO,
		[KC_CONF_SIGNING_MANDATORY] = KSMBD_SIGNING_MANDATORY,
		[KC_CONF_SIGNING_DISABLED] = KSMBD_SIGNING_DISABLED,
	};
	static const unsigned char encrypt[] = {
		[KC_CONF_ENCRYPT_DEFAULT] = KSMBD_ENCRYPTION_IF_REQUIRED,
		[KC_CONF_ENCRYPT_OFF] = KSMBD_ENCRYPTION_OFF,
		[KC_CONF_ENCRYPT_IF_REQUIRED] = KSMBD_ENCRYPTION_IF_REQUIRED,
		[KC_CONF_ENCRYPT_DESIRED] = KSMBD_ENCRYPTION_DESIRED,
		[KC_CONF_ENCRYPT_REQUIRED] = KSMBD_ENCRYPTION_REQUIRED,
	};
	struct nlattr *tb[KSMBD_A_MAX + 1];
	uint8_t *token = NULL;
	size_t token_len = 0;
	char err[256];
	struct nl_msg *msg;
	int ret;

	if (mountd_auth_negotiate_token(&token, &token_len) || token_len > KSMBD_SPNEGO_TOKEN_MAX) {
		free(token);
		log_warnx("cannot build the SPNEGO token for NEGOTIATE responses");
		return -1;
	}
	msg = kc_nlchan_msg(e->ch, KSMBD_CMD_START, NLM_F_ACK);
	if (!msg ||
	    nla_put_string(msg, KSMBD_A_NODE_NAME, kc_conf_str(g, "node name")) ||
	    nla_put_string(msg, KSMBD_A_NETBIOS_NAME, kc_conf_str(g, "netbios name")) ||
	    nla_put_string(msg, KSMBD_A_SERVER_STRING, kc_conf_str(g, "server string")) ||
	    nla_put_u16(msg, KSMBD_A_MIN_DIALECT, dialects[kc_conf_enum(g, "server min protocol")]) ||
	    nla_put_u16(msg, KSMBD_A_MAX_DIALECT, dialects[kc_conf_enum(g, "server max protocol")]) ||
	    nla_put_u8(msg, KSMBD_A_SIGNING, signing[kc_conf_enum(g, "server signing")]) ||
	    nla_put_u8(msg, KSMBD_A_ENCRYPTION, encrypt[kc_conf_enum(g, "smb encrypt")]) ||
	    nla_put(msg, KSMBD_A_SPNEGO_TOKEN, token_len, token) ||
	    nla_put_u8(msg, KSMBD_A_MULTI_CHANNEL,
		       kc_conf_bool(g, "server multi channel support")) ||
	    put_listen(msg, g)) {
		nlmsg_free(msg);
		free(token);
		log_warnx("cannot build the engine START message");
		return -1;
	}
	free(token);
	ret = kc_nlchan_request(e->ch, msg, ENGINE_TIMEOUT_MS, tb, err, sizeof(err));
	if (ret) {
		log_warnx("engine refused START: %s%s%s", *err ? err : strerror(-ret),
			  *err ? " - " : "", *err ? strerror(-ret) : "");
		return -1;
	}
	return 0;
}

void mountd_engine_detach(struct mountd_engine *e)
{
	long deadline;

	kc_nlchan_close(e->ch);
	e->ch = NULL;
	if (!e->pid)
		return;
	kill(e->pid, SIGTERM);
	deadline = now_ms() + ENGINE_TIMEOUT_MS;
	while (!mountd_engine_reap(e)) {
		if (now_ms() > deadline) {
			log_warnx("ksmbd-engine (pid %d) ignored SIGTERM: killing it", (int)e->pid);
			kill(e->pid, SIGKILL);
			waitpid(e->pid, NULL, 0);
			e->pid = 0;
			return;
		}
		poll(NULL, 0, 20);
	}
}
