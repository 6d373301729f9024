#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ksmbd-clusterd on three nodes, each with its own corosync in its own namespace: the cluster
# forms and is quorate; every node reports the same membership; a change made on one node is
# applied on all; a killed node is seen as gone, and comes back with the same state; a
# partitioned node loses quorum and refuses changes, and catches up when the link heals;
# clusterd reconnects when its corosync restarts; and concurrent writers on all nodes while a
# node joins end with byte-identical states (same snapshot hash) everywhere.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

kc_require "clusterd on three nodes" corosync jq

KC_CLUSTER_DIR=$(mktemp -d)
# The generic key/value store of the in-memory state machine (03-registry.t runs the
# persistent registry).
KC_CLUSTERD_ARGS=--memory-state
trap 'kc_clusterd_down; kc_keep_node_logs 02-clusterd; rm -rf "$KC_CLUSTER_DIR"' EXIT

# all_status EXPR: every running node satisfies EXPR.
all_status() {
	local i
	for i in $NODES; do
		kc_status "$i" "$1" || return 1
	done
}

# Three members, all in sync, quorate, and the same state hash on the nodes in $NODES.
formed() {
	local h i
	all_status '.quorate and .synced and (.members | length) == 3 and
		(.members | all(.state == "synced"))' || return 1
	h=$(kc_cli 1 status --json | jq -r .state_hash)
	for i in $NODES; do
		[ "$(kc_cli "$i" status --json | jq -r .state_hash)" = "$h" ] || return 1
	done
}

if kc_cluster_up 3; then
	tap_ok "bridge and three node namespaces created"
else
	tap_fail "bridge and three node namespaces created"
fi
for i in 1 2 3; do
	kc_clusterd_conf "$i" 3
done
tap_check "ksmbd-clusterd writes a corosync.conf that corosync accepts" \
	ip netns exec "$(kc_ns n1)" corosync -t -c "$KC_CLUSTER_DIR/n1/corosync.conf"
tap_check "the corosync.conf lists the three nodes with their ids" \
	grep -A2 -F 'ring0_addr: 10.99.0.3' "$KC_CLUSTER_DIR/n1/corosync.conf"

# clusterd first: it must wait for its corosync.
for i in 1 2 3; do
	kc_clusterd_start "$i"
done
tap_check "clusterd without corosync answers status and refuses changes" \
	wait_for 10 kc_status 1 '.connected == false'
tap_check_fail "a change without corosync exits 5" "not connected to corosync" \
	kc_cli 1 kv set early 1
for i in 1 2 3; do
	kc_corosync_start "$i"
done
NODES="1 2 3"
tap_check "the three nodes form a quorate cluster, all in sync" wait_for 20 formed
members=$(kc_cli 1 status --json | jq -c '[.members[] | [.node_id, .pid]]')
for i in 2 3; do
	tap_check "node $i reports the same membership as node 1" \
		test "$(kc_cli "$i" status --json | jq -c '[.members[] | [.node_id, .pid]]')" = \
		"$members"
done
tap_check "status --json names this node" kc_status 2 '.node_id == 2 and
	(.nodes | map(select(.online)) | length) == 3'
tap_check "plain status shows the members" sh -c "$(declare -f kc_cli kc_ns)
	KC_NS_PREFIX=$KC_NS_PREFIX KC_BIN=$KC_BIN KC_CLUSTER_DIR=$KC_CLUSTER_DIR
	kc_cli 3 status | grep -Eq '^  2 +n2 +pid [0-9]+ +synced'"

# Replication.
tap_check "kv set on node 1" kc_cli 1 kv set share/data '{"path": "/srv/data"}'
for i in 2 3; do
	tap_check "the change is visible on node $i within 1 s" \
		wait_for 1 sh -c "$(declare -f kc_cli kc_ns)
		KC_NS_PREFIX=$KC_NS_PREFIX KC_BIN=$KC_BIN KC_CLUSTER_DIR=$KC_CLUSTER_DIR
		test \"\$(kc_cli $i kv get share/data)\" = '{\"path\": \"/srv/data\"}'"
done
tap_check_fail "kv get of a missing key exits 3" "no such key" kc_cli 2 kv get nothing
tap_check "kv del on node 3" kc_cli 3 kv del share/data
tap_check_fail "the deleted key is gone on node 1" "no such key" kc_cli 1 kv get share/data
tap_check_fail "kv del of a missing key exits 3" "no such key" kc_cli 1 kv del share/data
out=$(ip netns exec "$(kc_ns n1)" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$KC_BIN/ksmbd-cluster" status 2>&1) && rc=0 || rc=$?
tap_check "an unprivileged client is refused (exit 4)" \
	sh -c "[ $rc -eq 4 ] && printf '%s' '$out' | grep -q 'permission denied'"

# A large state, so the snapshots below come in several chunks.
big=$(head -c 75000 /dev/zero | tr '\0' 'x')
for k in 1 2 3; do
	kc_cli 1 kv set "big/$k" "$big$k"
done
tap_check "three 75 KB values stored" kc_status 3 '.records == 3'

# Node 2 dies.
kc_node_kill 2
NODES="1 3"
start=$(date +%s%N)
tap_check "within 5 s nodes 1 and 3 see two members" wait_for 5 all_status \
	'(.members | length) == 2 and .quorate'
tap_diag "node loss seen after $(( ($(date +%s%N) - start) / 1000000 )) ms"
tap_check "the two remaining nodes still take changes" kc_cli 3 kv set while/n2-down yes
kc_corosync_start 2
kc_clusterd_start 2
NODES="1 2 3"
tap_check "node 2 rejoins and gets the same state (same snapshot hash)" wait_for 20 formed
tap_check "node 2 has the change made while it was down" \
	test "$(kc_cli 2 kv get while/n2-down)" = yes
tap_check "node 2 got the state in a chunked snapshot" \
	grep -q "sync: state restored from node 1 ([0-9]\{6\} bytes" "$KC_CLUSTER_DIR/n2/clusterd.log"

# Node 3 is cut off.
ip -n "$(kc_ns n3)" link set eth0 down
tap_check "the partitioned node 3 loses quorum" wait_for 10 kc_status 3 '.quorate == false'
tap_check_fail "node 3 refuses changes without quorum (exit 5)" "no quorum" \
	kc_cli 3 kv set split/n3 yes
NODES="1 2"
tap_check "nodes 1 and 2 stay quorate with two members" wait_for 10 all_status \
	'(.members | length) == 2 and .quorate'
tap_check "the majority takes changes" kc_cli 2 kv set split/majority yes
ip -n "$(kc_ns n3)" link set eth0 up
NODES="1 2 3"
tap_check "the link heals: three members, quorate, same state" wait_for 20 formed
tap_check "node 3 has the majority's change" test "$(kc_cli 3 kv get split/majority)" = yes

# Node 1's corosync restarts under its clusterd.
kill -9 "$(cat "$KC_CLUSTER_DIR/n1/corosync.pid")"
kc_wait_exit "$(cat "$KC_CLUSTER_DIR/n1/corosync.pid")" 10
kc_shm_cleanup "$KC_CLUSTER_DIR/n1"
tap_check "clusterd notices that its corosync went away" \
	wait_for 10 grep -q "lost corosync" "$KC_CLUSTER_DIR/n1/clusterd.log"
kc_cli 2 kv set while/n1-corosync-down yes
kc_corosync_start 1
tap_check "clusterd reconnects and rejoins with the same state" wait_for 20 formed
tap_check "node 1 has the change made meanwhile" \
	test "$(kc_cli 1 kv get while/n1-corosync-down)" = yes

# Concurrent writers on every node while node 3 joins.
kc_node_kill 3
NODES="1 2"
tap_check "node 3 is gone again" wait_for 10 all_status '(.members | length) == 2'
writer() {	# NODE [COUNT]: writes of own keys and of one shared key, COUNT or until "stop"
	local i=0 ok=0
	while :; do
		i=$((i + 1))
		kc_cli "$1" kv set "w/$1/$i" "$i" && ok=$((ok + 1))
		kc_cli "$1" kv set shared "$1.$i" >/dev/null 2>&1
		if [ -n "${2:-}" ]; then
			[ "$i" -lt "$2" ] || break
		elif [ -e "$KC_CLUSTER_DIR/stop" ]; then
			break
		fi
	done
	echo "$i $ok" >"$KC_CLUSTER_DIR/writer$1.out"
}
writer 1 & w1=$!
writer 2 & w2=$!
tap_check "writers run on nodes 1 and 2" wait_for 10 sh -c "$(declare -f kc_cli kc_ns)
	KC_NS_PREFIX=$KC_NS_PREFIX KC_BIN=$KC_BIN KC_CLUSTER_DIR=$KC_CLUSTER_DIR
	kc_cli 1 kv get w/2/3"
kc_corosync_start 3
kc_clusterd_start 3
NODES="1 2 3"
tap_check "node 3 joins, quorate and in sync, while they write" \
	wait_for 30 kc_status 3 '.synced and .quorate and (.members | length) == 3'
writer 3 30
touch "$KC_CLUSTER_DIR/stop"
wait "$w1" "$w2"
read -r t1 ok1 <"$KC_CLUSTER_DIR/writer1.out"
read -r t2 ok2 <"$KC_CLUSTER_DIR/writer2.out"
read -r t3 ok3 <"$KC_CLUSTER_DIR/writer3.out"
tap_diag "writes: node 1 $ok1/$t1, node 2 $ok2/$t2, node 3 $ok3/$t3"
tap_check "every write of the writers succeeded" \
	test "$((ok1 + ok2 + ok3))" -eq "$((t1 + t2 + t3))" -a "$t3" -eq 30
tap_check "all three nodes end byte-identical (same snapshot hash)" wait_for 10 formed
tap_check "node 3 joined mid-stream through a snapshot" \
	grep -q "sync: state restored" "$KC_CLUSTER_DIR/n3/clusterd.log"
tap_diag "$(grep -h "sync: state restored" "$KC_CLUSTER_DIR/n3/clusterd.log" | tail -n1)"
n=$(kc_cli 3 kv list w/ | wc -l)
tap_check "node 3 holds every written key ($((t1 + t2 + t3)))" test "$n" -eq "$((t1 + t2 + t3))"
v=$(kc_cli 1 kv get shared)
tap_check "the key all writers raced on has one value everywhere" \
	test "$(kc_cli 2 kv get shared)" = "$v" -a "$(kc_cli 3 kv get shared)" = "$v" -a -n "$v"

# Two nodes flood the cluster with pipelined 150 KB changes: corosync pushes back with
# CS_ERR_TRY_AGAIN, and nothing is lost or reordered.
for i in 1 2; do
	ip netns exec "$(kc_ns "n$i")" "$KC_BIN/kc-cipc-probe" flood 300 150000 "f$i" \
		>"$KC_CLUSTER_DIR/flood$i.out" 2>&1 &
	eval "f$i=\$!"
done
wait "$f1"; r1=$?
wait "$f2"; r2=$?
tap_check "every flooded change was applied and answered" \
	grep -qx "ok=300 failed=0" "$KC_CLUSTER_DIR/flood1.out" "$KC_CLUSTER_DIR/flood2.out"
tap_check "the floods exited 0" test "$r1$r2" = 00
tap_check "all three nodes end byte-identical after the flood" wait_for 10 formed
for k in f1/0 f1/299 f2/299; do
	tap_check "node 3 has $k" test "$(kc_cli 3 kv get "$k" | wc -c)" -eq 150001
done
tap_check "node 3 answers that listing every flooded value does not fit one answer" \
	sh -c "$(declare -f kc_cli kc_ns)
	KC_NS_PREFIX=$KC_NS_PREFIX KC_BIN=$KC_BIN KC_CLUSTER_DIR=$KC_CLUSTER_DIR
	kc_cli 3 kv list f 2>&1 >/dev/null | grep -q 'narrow the PREFIX'"
tap_check "corosync pushed back (CS_ERR_TRY_AGAIN) and clusterd retried" \
	grep -q "corosync is busy (CS_ERR_TRY_AGAIN)" "$KC_CLUSTER_DIR"/n[12]/clusterd.log

# Clean stop.
for i in 1 2 3; do
	kill -TERM "$(cat "$KC_CLUSTER_DIR/n$i/clusterd.pid")"
done
for i in 1 2 3; do
	tap_check "clusterd of node $i stops cleanly on SIGTERM" \
		wait_for 10 grep -q "info: stopped" "$KC_CLUSTER_DIR/n$i/clusterd.log"
done
tap_diag "$(grep -h "CS_ERR_TRY_AGAIN answer" "$KC_CLUSTER_DIR"/n*/clusterd.log)"
kc_check_sanitizers "clean clusterd logs" "$KC_CLUSTER_DIR"/n*/clusterd.log
kc_clusterd_down
tap_check "teardown removes every namespace" test -z "$(kc_cluster_namespaces)"
leftover=$(for f in "$KC_CLUSTER_DIR"/n*/*.pid; do p=$(cat "$f"); ls -d /dev/shm/qb-*-"$p"-* \
	/dev/shm/qb-"$p"-* 2>/dev/null; done)
tap_check "teardown leaves no corosync or libqb files in /dev/shm" test -z "$leftover"
tap_done
