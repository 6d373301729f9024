#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Three node namespaces and a client namespace on a bridge (tests/lib/cluster.sh
# has the picture). Each node runs its own mountd and engine bound to its own
# address; the client reaches every node's engine over the bridge; teardown
# leaves nothing behind. (Cluster membership and failover arrive with clusterd.)
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

tmp=$(mktemp -d)
trap 'kc_cluster_down; rm -rf "$tmp"' EXIT

if kc_cluster_up 3; then
	tap_ok "bridge, three nodes and a client created"
else
	tap_fail "bridge, three nodes and a client created"
fi
tap_check "no interface of the root namespace is on the test network" \
	sh -c "! ip -o addr show | grep -q ' $KC_NET\\.'"
for i in 1 2 3; do
	tap_check "client reaches node $i" ip netns exec "$(kc_ns c)" ping -c1 -W2 "$KC_NET.$i"
done
tap_check "node 1 reaches node 3" ip netns exec "$(kc_ns n1)" ping -c1 -W2 "$KC_NET.3"

for i in 1 2 3; do
	mkdir -p "$tmp/n$i"
	kc_node_conf "$tmp/n$i" "interfaces = $KC_NET.$i" "bind interfaces only = yes" \
		"node name = n$i"
	ip netns exec "$(kc_ns "n$i")" "$KC_BIN/ksmbd-mountd" -F -c "$tmp/n$i/node.conf" \
		>"$tmp/n$i/mountd.log" 2>&1 &
	mountd_pid[i]=$!	# ip netns exec execs mountd: the same process
done
for i in 1 2 3; do
	tap_check "node $i serves on its own address" \
		wait_for 15 grep -q "node n$i serving" "$tmp/n$i/mountd.log"
done
for i in 1 2 3; do
	out=$(ip netns exec "$(kc_ns c)" timeout 20 smbclient -L "//$KC_NET.$i" -N 2>&1)
	tap_check "the client lists node $i's shares with smbclient" \
		sh -c "printf '%s\n' '$out' | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'"
done
tap_check "node 1 does not listen on the loopback address (bind interfaces only)" \
	ip netns exec "$(kc_ns n1)" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/445) 2>/dev/null"

# Only our own daemons: "ip netns exec ... pkill" would reach every ksmbd-mountd
# of the host (network namespaces do not separate processes), other tests' too.
for i in 1 2 3; do
	kill -TERM "${mountd_pid[i]}"
done
for i in 1 2 3; do
	tap_check "node $i stops cleanly" wait_for 15 grep -q "info: stopped" "$tmp/n$i/mountd.log"
done
kc_check_sanitizers "clean node logs" "$tmp"/n*/mountd.log
kc_cluster_down
tap_check "teardown removes every namespace" test -z "$(kc_cluster_namespaces)"
tap_done
