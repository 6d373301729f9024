// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kc-ipc-probe: drives the engine IPC protocol from tests, including requests
 * a correct ksmbd-mountd never sends, and plays a fake engine of another
 * protocol version so mountd's refusal can be tested.
 *
 *   kc-ipc-probe (--kernel | --socket PATH) hello [--proto N] [--hold]
 *   kc-ipc-probe (--kernel | --socket PATH) start-early | bad-attr | stray-reply
 *   kc-ipc-probe --fake-engine-proto N -s PATH
 *
 * Results are printed as "key=value" lines; the exit status is 0 when a reply
 * arrived (whatever it said) and 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uapi/ksmbd_cluster.h>
#include "nlchan.h"

#define TIMEOUT_MS 5000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kc-ipc-probe (--kernel | --socket PATH) hello [--proto N] [--hold]\n"
		"       kc-ipc-probe (--kernel | --socket PATH) start-early | bad-attr | stray-reply\n"
		"       kc-ipc-probe --fake-engine-proto N -s PATH\n"
		"\n"
		"Test tool for the ksmbd-cluster engine IPC protocol. hello sends HELLO with\n"
		"protocol version N (default: ours) and prints the reply; --hold then keeps the\n"
		"channel open until stdin closes. start-early sends START before HELLO;\n"
		"bad-attr sends HELLO with an attribute type the engine does not know;\n"
		"stray-reply sends a LOGIN_REPLY nobody asked for (after HELLO when --proto\n"
		"is given, else unattached). With\n"
		"--fake-engine-proto it serves one HELLO on PATH as an engine of version N.\n");
}

static int report(int ret, const char *err)
{
	printf("error=%d\nerrno=%s\nmsg=%s\n", ret, ret ? strerrorname_np(-ret) : "0", err);
	return ret == -ETIMEDOUT || ret == -ECONNRESET || ret == -EBADMSG ? 1 : 0;
}

static int cmd_hello(struct kc_nlchan *ch, unsigned int proto, bool hold)
{
	struct nlattr *tb[KSMBD_A_MAX + 1] = { 0 };
	struct nl_msg *msg = kc_nlchan_msg(ch, KSMBD_CMD_HELLO, 0);
	char err[256], c;
	int ret;

	if (!msg || nla_put_u32(msg, KSMBD_A_PROTO_VERSION, proto))
		return 1;
	ret = kc_nlchan_request(ch, msg, TIMEOUT_MS, tb, err, sizeof(err));
	if (ret)
		return report(ret, err);
	printf("proto=%u\nstatus=%u\nkind=%u\nversion=%s\n",
	       tb[KSMBD_A_PROTO_VERSION] ? nla_get_u32(tb[KSMBD_A_PROTO_VERSION]) : 0,
	       tb[KSMBD_A_STATUS] ? nla_get_u32(tb[KSMBD_A_STATUS]) : 0,
	       tb[KSMBD_A_ENGINE_KIND] ? nla_get_u8(tb[KSMBD_A_ENGINE_KIND]) : 0,
	       tb[KSMBD_A_PEER_VERSION] ? (char *)nla_data(tb[KSMBD_A_PEER_VERSION]) : "");
	fflush(stdout);
	if (hold)
		while (read(0, &c, 1) > 0)
			;
	return 0;
}

/* A LOGIN_REPLY for a handle the engine never issued. */
static int cmd_stray_reply(struct kc_nlchan *ch)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct nl_msg *msg = kc_nlchan_msg(ch, KSMBD_CMD_LOGIN_REPLY, NLM_F_ACK);
	char err[256];

	if (!msg || nla_put_u32(msg, KSMBD_A_HANDLE, 0x7fffffff) ||
	    nla_put_u32(msg, KSMBD_A_NTSTATUS, 0))
		return 1;
	return report(kc_nlchan_request(ch, msg, TIMEOUT_MS, tb, err, sizeof(err)), err);
}

static int cmd_simple(struct kc_nlchan *ch, bool bad_attr)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct nl_msg *msg;
	char err[256];

	msg = kc_nlchan_msg(ch, bad_attr ? KSMBD_CMD_HELLO : KSMBD_CMD_START, NLM_F_ACK);
	if (!msg)
		return 1;
	if (bad_attr) {
		if (nla_put_u32(msg, KSMBD_A_PROTO_VERSION, KSMBD_CLUSTER_PROTO_VERSION) ||
		    nla_put_u32(msg, KSMBD_A_MAX + 7, 1))
			return 1;
	} else if (nla_put_string(msg, KSMBD_A_NODE_NAME, "probe")) {
		return 1;
	}
	return report(kc_nlchan_request(ch, msg, TIMEOUT_MS, tb, err, sizeof(err)), err);
}

/* Answer one HELLO on @path as an engine speaking protocol @proto. */
static int fake_engine(const char *path, unsigned int proto)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned char buf[4096];
	struct nlmsghdr *req = (struct nlmsghdr *)buf;
	struct nl_msg *msg;
	int lfd, fd;
	ssize_t n;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) || listen(lfd, 1)) {
		perror("kc-ipc-probe: fake engine socket");
		return 1;
	}
	alarm(TIMEOUT_MS / 1000);
	fd = accept(lfd, NULL, NULL);
	n = fd < 0 ? -1 : recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_HDRLEN)
		return 1;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, 0, req->nlmsg_seq, KSMBD_CLUSTER_UNIX_FAMILY_ID, 0, 0,
				 KSMBD_CMD_HELLO, KSMBD_CLUSTER_GENL_VERSION) ||
	    nla_put_u32(msg, KSMBD_A_PROTO_VERSION, proto) ||
	    nla_put_string(msg, KSMBD_A_PEER_VERSION, "fake") ||
	    nla_put_u8(msg, KSMBD_A_ENGINE_KIND, KSMBD_ENGINE_USER) ||
	    nla_put_u32(msg, KSMBD_A_STATUS, 0))
		return 1;
	n = send(fd, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0);
	nlmsg_free(msg);
	/* Stay until the peer hangs up, as a real engine would. */
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
	close(lfd);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", no_argument, NULL, 'k' },
		{ "socket", required_argument, NULL, 's' },
		{ "proto", required_argument, NULL, 'p' },
		{ "hold", no_argument, NULL, 'H' },
		{ "fake-engine-proto", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int proto = KSMBD_CLUSTER_PROTO_VERSION, fake = 0;
	const char *sock = NULL, *cmd;
	bool kernel = false, hold = false, proto_set = false;
	struct kc_nlchan *ch;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = true; break;
		case 's': sock = optarg; break;
		case 'p': proto = strtoul(optarg, NULL, 0); proto_set = true; break;
		case 'H': hold = true; break;
		case 'f': fake = strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (fake && sock)
		return fake_engine(sock, fake);
	if (optind != argc - 1 || kernel == !!sock) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	ret = kernel ? kc_nlchan_open_kernel(&ch) : kc_nlchan_open_unix(sock, &ch);
	if (ret) {
		fprintf(stderr, "kc-ipc-probe: cannot reach the engine: %s\n", strerror(-ret));
		return 1;
	}
	if (!strcmp(cmd, "hello"))
		ret = cmd_hello(ch, proto, hold);
	else if (!strcmp(cmd, "start-early"))
		ret = cmd_simple(ch, false);
	else if (!strcmp(cmd, "bad-attr"))
		ret = cmd_simple(ch, true);
	else if (!strcmp(cmd, "stray-reply") && proto_set)
		ret = cmd_hello(ch, proto, false) || cmd_stray_reply(ch);
	else if (!strcmp(cmd, "stray-reply"))
		ret = cmd_stray_reply(ch);
	else {
		usage(stderr);
		ret = 2;
	}
	kc_nlchan_close(ch);
	return ret;
}
