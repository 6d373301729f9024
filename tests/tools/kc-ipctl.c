// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kc-ipctl: drive the public-IP library (clusterd/ipalloc.h, clusterd/ipctl.h)
 * by hand or from tests, in the current network namespace.
 *
 *   kc-ipctl take ADDR/PREFIX IFACE      add + gratuitous ARP / unsolicited NA
 *   kc-ipctl announce [-c N] [-i MS] ADDR IFACE
 *                                        the announcement alone: N rounds (default
 *                                        3), MS milliseconds apart (default 0)
 *   kc-ipctl release ADDR/PREFIX IFACE   reset its TCP connections, delete it
 *   kc-ipctl reset ADDR                  reset its TCP connections only
 *   kc-ipctl conns ADDR                  "SERVER:PORT CLIENT:PORT" per connection
 *   kc-ipctl tickle [-c N] SERVER:PORT CLIENT:PORT [SERVER:PORT CLIENT:PORT]...
 *   kc-ipctl assign [FILE]               read a membership, print the assignment
 *
 * The assign input (FILE or standard input), one item per line, '#' comments:
 *   ip ADDR/PREFIX IFACE [home=ID[,ID]...] [prev=ID]
 *   node ID [disabled] [unhealthy] [ifaces=IF[,IF]...]
 * Output: "ADDR/PREFIX IFACE OWNER" per ip line, in input order; OWNER is a node
 * id or "unassigned".
 *
 * Exit status: 0 done, 1 failed (message on standard error), 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipalloc.h"
#include "ipctl.h"

#define MAX_ITEMS 256

static int usage(void)
{
	fprintf(stderr,
		"usage: kc-ipctl take ADDR/PREFIX IFACE\n"
		"       kc-ipctl announce [-c N] [-i MS] ADDR IFACE\n"
		"       kc-ipctl release ADDR/PREFIX IFACE\n"
		"       kc-ipctl reset ADDR\n"
		"       kc-ipctl conns ADDR\n"
		"       kc-ipctl tickle [-c N] SERVER:PORT CLIENT:PORT...\n"
		"       kc-ipctl assign [FILE]\n");
	return 2;
}

static int parse_addr(const char *s, struct kc_ipaddr *ip)
{
	if (kc_ipaddr_parse(s, ip)) {
		fprintf(stderr, "kc-ipctl: bad address '%s'\n", s);
		return -1;
	}
	return 0;
}

static void endpoint(char *buf, size_t len, int family, const uint8_t *a, unsigned int port)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family, a, s, sizeof(s));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
}

static int parse_ids(const char *s, uint32_t *ids, size_t max, size_t *n)
{
	char *end;
	unsigned long v;

	*n = 0;
	for (;;) {
		if (*n == max || *s < '0' || *s > '9')
			return -1;
		v = strtoul(s, &end, 10);
		if (v == 0 || v > UINT32_MAX)
			return -1;
		ids[(*n)++] = (uint32_t)v;
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

static int cmd_assign(const char *file)
{
	static struct kc_public_ip ips[MAX_ITEMS];
	static struct kc_ip_node nodes[MAX_ITEMS];
	static uint32_t prev[MAX_ITEMS], owner[MAX_ITEMS];
	size_t n_ips = 0, n_nodes = 0, i, lineno = 0, cnt;
	int have_prev = 0, rc;
	char line[1024], buf[64];
	FILE *f = file ? fopen(file, "r") : stdin;

	if (!f) {
		fprintf(stderr, "kc-ipctl: %s: %s\n", file, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok, *kind;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		kind = strtok_r(line, " \t", &save);
		if (!kind)
			continue;
		if (!strcmp(kind, "ip") && n_ips < MAX_ITEMS) {
			struct kc_public_ip *ip = &ips[n_ips];
			char *a = strtok_r(NULL, " \t", &save), *ifn = strtok_r(NULL, " \t", &save);

			memset(ip, 0, sizeof(*ip));
			prev[n_ips] = KC_IP_UNASSIGNED;
			if (!a || !ifn || kc_ipaddr_parse(a, &ip->ip) || strlen(ifn) >= KC_IP_IFNAMSIZ)
				goto bad;
			strcpy(ip->iface, ifn);
			while ((tok = strtok_r(NULL, " \t", &save))) {
				if (!strncmp(tok, "home=", 5)) {
					if (parse_ids(tok + 5, ip->home, KC_IP_MAX_HOME, &ip->n_home))
						goto bad;
				} else if (!strncmp(tok, "prev=", 5)) {
					if (parse_ids(tok + 5, &prev[n_ips], 1, &cnt))
						goto bad;
					have_prev = 1;
				} else {
					goto bad;
				}
			}
			n_ips++;
		} else if (!strcmp(kind, "node") && n_nodes < MAX_ITEMS) {
			struct kc_ip_node *nd = &nodes[n_nodes];
			char *id = strtok_r(NULL, " \t", &save);

			memset(nd, 0, sizeof(*nd));
			if (!id || parse_ids(id, &nd->id, 1, &cnt))
				goto bad;
			while ((tok = strtok_r(NULL, " \t", &save))) {
				if (!strcmp(tok, "disabled")) {
					nd->flags |= KC_NODE_DISABLED;
				} else if (!strcmp(tok, "unhealthy")) {
					nd->flags |= KC_NODE_UNHEALTHY;
				} else if (!strncmp(tok, "ifaces=", 7)) {
					char *s2 = NULL, *ifn;

					for (ifn = strtok_r(tok + 7, ",", &s2); ifn;
					     ifn = strtok_r(NULL, ",", &s2)) {
						if (nd->n_ifaces == KC_IP_MAX_IFACES ||
						    strlen(ifn) >= KC_IP_IFNAMSIZ)
							goto bad;
						strcpy(nd->ifaces[nd->n_ifaces++], ifn);
					}
				} else {
					goto bad;
				}
			}
			n_nodes++;
		} else {
			goto bad;
		}
		continue;
bad:
		fprintf(stderr, "kc-ipctl: %s:%zu: bad line\n", file ? file : "-", lineno);
		if (file)
			fclose(f);
		return 1;
	}
	if (file)
		fclose(f);
	rc = kc_ipalloc(ips, n_ips, nodes, n_nodes, have_prev ? prev : NULL, owner);
	if (rc) {
		fprintf(stderr, "kc-ipctl: assignment: %s\n", strerror(-rc));
		return 1;
	}
	for (i = 0; i < n_ips; i++) {
		kc_ipaddr_str(&ips[i].ip, buf, sizeof(buf));
		if (owner[i] == KC_IP_UNASSIGNED)
			printf("%s %s unassigned\n", buf, ips[i].iface);
		else
			printf("%s %s %u\n", buf, ips[i].iface, owner[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kc_ipctl_err err = { "" };
	struct kc_ipaddr ip;
	const char *cmd;
	size_t n = 0, i;
	int rc;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "announce")) {
		int a = 2, count = KC_IP_ANNOUNCE_COUNT, ms = 0, r;

		while (a + 1 < argc && argv[a][0] == '-') {
			if (!strcmp(argv[a], "-c"))
				count = atoi(argv[a + 1]);
			else if (!strcmp(argv[a], "-i"))
				ms = atoi(argv[a + 1]);
			else
				return usage();
			a += 2;
		}
		if (argc - a != 2 || count < 1 || count > 100 || ms < 0 || ms > 10000)
			return usage();
		if (parse_addr(argv[a], &ip))
			return 1;
		for (r = 0; r < count; r++) {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

			/* paced like arping -U: a neighbour ignores updates within its locktime */
			if (r)
				nanosleep(&ts, NULL);
			rc = kc_ip_announce(&ip, argv[a + 1], 1, &err);
			if (rc < 0) {
				fprintf(stderr, "kc-ipctl: %s\n", err.msg);
				return 1;
			}
		}
		printf("%s announced on %s (%d round(s))\n", argv[a], argv[a + 1], count);
		return 0;
	}
	if (!strcmp(cmd, "take") || !strcmp(cmd, "release")) {
		if (argc != 4)
			return usage();
		if (parse_addr(argv[2], &ip))
			return 1;
		if (!strcmp(cmd, "take"))
			rc = kc_ip_take(&ip, argv[3], &err);
		else
			rc = kc_ip_release(&ip, argv[3], &n, &err);
		if (rc < 0) {
			fprintf(stderr, "kc-ipctl: %s\n", err.msg);
			return 1;
		}
		if (!strcmp(cmd, "take"))
			printf("%s %s on %s\n", argv[2], rc ? "already present" : "added", argv[3]);
		else
			printf("%s %s %s, %zu connection(s) reset\n", argv[2],
			       rc ? "was not on" : "deleted from", argv[3], n);
		return 0;
	}
	if (!strcmp(cmd, "reset") || !strcmp(cmd, "conns")) {
		struct kc_tcp_conn *c;
		char l[64], p[64];

		if (argc != 3)
			return usage();
		if (parse_addr(argv[2], &ip))
			return 1;
		if (!strcmp(cmd, "reset")) {
			rc = kc_ip_reset_conns(&ip, &n, &err);
			if (rc < 0) {
				fprintf(stderr, "kc-ipctl: %s\n", err.msg);
				return 1;
			}
			printf("%zu connection(s) reset\n", n);
			return 0;
		}
		rc = kc_ip_conns(&ip, &c, &n, &err);
		if (rc < 0) {
			fprintf(stderr, "kc-ipctl: %s\n", err.msg);
			return 1;
		}
		for (i = 0; i < n; i++) {
			endpoint(l, sizeof(l), c[i].family, c[i].local, c[i].lport);
			endpoint(p, sizeof(p), c[i].family, c[i].peer, c[i].rport);
			printf("%s %s\n", l, p);
		}
		free(c);
		return 0;
	}
	if (!strcmp(cmd, "tickle")) {
		struct kc_tcp_conn conns[MAX_ITEMS];
		int a = 2, count = KC_IP_ANNOUNCE_COUNT;

		if (argc > 3 && !strcmp(argv[2], "-c")) {
			count = atoi(argv[3]);
			if (count < 1 || count > 100)
				return usage();
			a = 4;
		}
		if (argc - a < 2 || (argc - a) % 2 || (argc - a) / 2 > MAX_ITEMS)
			return usage();
		for (i = 0; (int)(a + 2 * i) < argc; i++) {
			memset(&conns[i], 0, sizeof(conns[i]));
			if (kc_tcp_endpoint_parse(argv[a + 2 * i], &conns[i], 1) ||
			    kc_tcp_endpoint_parse(argv[a + 2 * i + 1], &conns[i], 0)) {
				fprintf(stderr, "kc-ipctl: bad connection '%s %s'\n", argv[a + 2 * i],
					argv[a + 2 * i + 1]);
				return 1;
			}
		}
		rc = kc_ip_tickle(conns, i, count, &err);
		if (rc < 0) {
			fprintf(stderr, "kc-ipctl: %s\n", err.msg);
			return 1;
		}
		printf("%zu connection(s) tickled\n", i);
		return 0;
	}
	if (!strcmp(cmd, "assign")) {
		if (argc > 3)
			return usage();
		return cmd_assign(argc == 3 ? argv[2] : NULL);
	}
	return usage();
}
