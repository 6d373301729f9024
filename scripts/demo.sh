#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/demo.sh up|down|status: the main job of 'make demo'. Starts a local
# three-node ksmbd-cluster: network namespaces kcdemo-n1..n3 and a client
# kcdemo-c on a bridge (kcdemo-br, 10.98.0.0/24), each node running corosync,
# ksmbd-clusterd, ksmbd-mountd and the user-space engine, ./demo-share as the
# shared directory, three public IPs, a share "demo" and a user "demo". State
# and logs are in ./.demo. 'down' stops everything (also after a partial start)
# and removes .demo; demo-share and its files stay.
set -o pipefail

PROG=${0##*/}
cd "$(dirname "$0")/.." || exit 1
top=$PWD
share=$top/demo-share

# The test topology helpers, with a prefix and a subnet of our own (the tests
# use kc<pid>- and 10.99.0), so a running demo and 'make test' do not collide.
export KC_NS_PREFIX=kcdemo-
export KC_NET=10.98.0
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/node.sh"
. "$top/tests/lib/cluster.sh"
KC_CLUSTER_DIR=$top/.demo
KC_BIN=${KC_BIN:-$top/build/default/bin}
PUBS="$KC_NET.201 $KC_NET.202 $KC_NET.203"
DEMO_USER=demo
DEMO_PASS=demo-pass-1

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

step() { printf '%s: %s ... ' "$PROG" "$*"; }
ok() { echo ok; }
# fail LOG...: finish the progress line, show the logs' ends, stop what started.
fail() {
	local f
	echo FAILED
	for f in "$@"; do
		[ -s "$f" ] && { echo "--- ${f#"$top"/}"; tail -n 20 "$f"; } >&2
	done
	echo "$PROG: removing what was started" >&2
	down >/dev/null 2>&1
	exit 1
}

alive() {	# FILE: the pid in FILE runs
	local pid
	pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

running() {	# every node's corosync, clusterd and mountd runs
	local i p
	for i in 1 2 3; do
		for p in corosync.pid clusterd.pid mountd.bgpid; do
			alive "$KC_CLUSTER_DIR/n$i/$p" || return 1
		done
	done
}

anything_left() {	# namespaces or a state directory of an earlier start
	[ -n "$(kc_cluster_namespaces)" ] || [ -d "$KC_CLUSTER_DIR" ]
}

cli() {	# I ARGS...: ksmbd-cluster in node I
	kc_cli "$@"
}

formed() {	# all three quorate, in sync, three members, equal state hashes
	local h="" i x
	for i in 1 2 3; do
		kc_status "$i" '.quorate and .synced and (.members | length) == 3' || return 1
		x=$(cli "$i" status --json | jq -r .state_hash)
		[ -z "$h" ] && h=$x
		[ "$x" = "$h" ] || return 1
	done
}

answers() {	# ADDR: port 445 at ADDR accepts a connection from the client namespace
	ip netns exec "$(kc_ns c)" bash -c "exec 3<>/dev/tcp/$1/445" 2>/dev/null
}

serving() {	# I
	grep -q ' serving ' "$KC_CLUSTER_DIR/n$1/mountd.log"
}

up() {
	local i ip p dir
	for p in ksmbd-mountd ksmbd-clusterd ksmbd-cluster ksmbd-engine; do
		[ -x "$KC_BIN/$p" ] || die "$KC_BIN/$p is missing: run 'make user' first"
	done
	for p in corosync jq ip; do
		command -v "$p" >/dev/null || die "$p is not installed: run 'make deps' first"
	done
	[ "$(id -u)" = 0 ] || die "network namespaces need root: run it as root (sudo make demo)"
	if running; then
		echo "$PROG: the demo cluster is already running"
		show
		return 0
	fi
	if anything_left; then
		echo "$PROG: a demo cluster is partly running (a node stopped, or an interrupted start):" >&2
		echo "$PROG: run 'make demo-down' first, then 'make demo' again" >&2
		exit 1
	fi
	mkdir -p "$KC_CLUSTER_DIR" "$share"
	[ -e "$share/README.txt" ] || echo "Served by ksmbd-cluster (make demo)." >"$share/README.txt"

	step "creating namespaces ${KC_NS_PREFIX}n1..n3, ${KC_NS_PREFIX}c on bridge ${KC_NS_PREFIX}br ($KC_NET.0/24)"
	kc_cluster_up 3 >"$KC_CLUSTER_DIR/netns.log" 2>&1 || fail "$KC_CLUSTER_DIR/netns.log"
	ok
	for i in 1 2 3; do
		dir=$KC_CLUSTER_DIR/n$i
		step "starting node $i ($KC_NET.$i: corosync, ksmbd-clusterd)"
		kc_clusterd_conf "$i" 3 "passdb file = $dir/passdb" "server string = ksmbd-cluster demo n$i" \
			>"$KC_CLUSTER_DIR/conf.log" 2>&1 || fail "$KC_CLUSTER_DIR/conf.log"
		kc_corosync_start "$i"
		kc_clusterd_start "$i"
		wait_for 10 kc_status "$i" '.node_name or true' ||
			fail "$dir/corosync.log" "$dir/clusterd.log"
		ok
	done
	step "waiting for the three nodes to form a quorate cluster"
	wait_for 30 formed || fail "$KC_CLUSTER_DIR"/n*/clusterd.log
	ok
	for i in 1 2 3; do
		dir=$KC_CLUSTER_DIR/n$i
		step "starting node $i's ksmbd-mountd and user-space engine"
		ip netns exec "$(kc_ns "n$i")" "$KC_BIN/ksmbd-mountd" -F -c "$dir/node.conf" \
			>>"$dir/mountd.log" 2>&1 </dev/null &
		echo $! >"$dir/mountd.bgpid"
		wait_for 15 serving "$i" || fail "$dir/mountd.log"
		ok
	done
	step "adding share demo (path $share)"
	cli 1 share add demo "path=$share" "read only=no" "comment=ksmbd-cluster demo share" \
		>"$KC_CLUSTER_DIR/cli.log" 2>&1 || fail "$KC_CLUSTER_DIR/cli.log"
	ok
	step "adding user $DEMO_USER"
	printf '%s\n' "$DEMO_PASS" | cli 1 user add "$DEMO_USER" >"$KC_CLUSTER_DIR/cli.log" 2>&1 ||
		fail "$KC_CLUSTER_DIR/cli.log"
	ok
	for ip in $PUBS; do
		step "adding public IP $ip/24 on eth0"
		cli 1 ip add "$ip/24" eth0 >"$KC_CLUSTER_DIR/cli.log" 2>&1 || fail "$KC_CLUSTER_DIR/cli.log"
		ok
	done
	for ip in $PUBS; do
		step "waiting for $ip to answer on port 445"
		wait_for 15 answers "$ip" || fail "$KC_CLUSTER_DIR"/n*/clusterd.log
		ok
	done
	show
}

show() {
	local c n1 conf
	c="ip netns exec $(kc_ns c)"
	n1=$(kc_ns n1)
	conf=$KC_CLUSTER_DIR/n1/node.conf
	cat <<TXT

ksmbd-cluster demo: three nodes are running.
  nodes:      n1 $KC_NET.1 (namespace $(kc_ns n1)), n2 $KC_NET.2 ($(kc_ns n2)), n3 $KC_NET.3 ($(kc_ns n3))
  client:     namespace $(kc_ns c), $KC_NET.100
  public IPs: ${PUBS// /, } (port 445)
  share:      demo -> $share
  user:       $DEMO_USER, password $DEMO_PASS
  logs:       $KC_CLUSTER_DIR/n*/{corosync,clusterd,mountd}.log

List the shares from the client namespace through a public IP:
  $c smbclient -L //$KC_NET.201 -U $DEMO_USER%$DEMO_PASS
Put and get a file:
  $c smbclient //$KC_NET.202/demo -U $DEMO_USER%$DEMO_PASS -c 'put /etc/hostname hostname; get README.txt /tmp/README.txt'
Watch the cluster (members, quorum, which node holds which public IP):
  watch -n1 ip netns exec $n1 $KC_BIN/ksmbd-cluster -c $conf status
Kill a node to see failover (its public IP moves to a survivor within seconds):
  kill -9 \$(cat $KC_CLUSTER_DIR/n2/clusterd.pid) \$(cat $KC_CLUSTER_DIR/n2/corosync.pid)
  kill \$(cat $KC_CLUSTER_DIR/n2/mountd.bgpid)
Stop everything with:
  make demo-down
TXT
}

down() {
	local i
	if ! anything_left; then
		echo "$PROG: no demo cluster is running"
		return 0
	fi
	for i in 1 2 3; do
		kc_mountd_stop "$i"
	done
	kc_clusterd_down
	rm -rf "$KC_CLUSTER_DIR"
	[ -z "$(kc_cluster_namespaces)" ] || die "namespaces are left: $(kc_cluster_namespaces | tr '\n' ' ')"
	echo "$PROG: demo cluster stopped and removed; $share is left in place"
}

case ${1:-} in
up) up ;;
down) down ;;
status) if running; then show; else echo "$PROG: not running"; exit 1; fi ;;
-h|--help) sed -n '3,10p' "$0" ;;
*) echo "usage: $PROG up|down|status" >&2; exit 2 ;;
esac
