#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The replicated registry on three nodes, each with corosync, ksmbd-clusterd, ksmbd-mountd and
# a user-space engine in its own namespace: a share and a user added on node 1 reach nodes 2
# and 3 within a second; a client lists the share on every node with smbclient and writes and
# reads a file through each with the new user; a password change on one node holds for new
# logons everywhere; node disable/enable shows in status --json; a share deleted on one node
# disappears from the others; the whole cluster stopped (SIGKILL) and started again keeps the
# registry (libpstore), with equal state hashes on every node, and mountd picks it up again.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

kc_require "registry on three nodes" corosync jq smbclient

KC_CLUSTER_DIR=$(mktemp -d)
cleanup() {
	local i
	for i in 1 2 3; do
		kc_mountd_stop "$i"
	done
	kc_clusterd_down
	kc_keep_node_logs 03-registry
	rm -rf "$KC_CLUSTER_DIR"
}
trap cleanup EXIT

NODES="1 2 3"
data=$KC_CLUSTER_DIR/data	# the "shared storage" every node exports
mkdir -p "$data"

# Every node: in sync, quorate, three members, the same state hash.
formed() {
	local h i
	for i in $NODES; do
		kc_status "$i" '.quorate and .synced and (.members | length) == 3' || return 1
	done
	h=$(kc_cli 1 status --json | jq -r .state_hash)
	for i in $NODES; do
		[ "$(kc_cli "$i" status --json | jq -r .state_hash)" = "$h" ] || return 1
	done
}

cluster_start() {
	local i
	for i in 1 2 3; do
		kc_corosync_start "$i"
		kc_clusterd_start "$i"
	done
}

mountd_start() {	# I
	local dir=$KC_CLUSTER_DIR/n$1
	ip netns exec "$(kc_ns "n$1")" "$KC_BIN/ksmbd-mountd" -F -c "$dir/node.conf" \
		>>"$dir/mountd.log" 2>&1 &
	echo $! >"$dir/mountd.bgpid"
}

# smb I ARGS...: smbclient from the client namespace to node I.
smb() {
	local i=$1
	shift
	ip netns exec "$(kc_ns c)" timeout 20 smbclient "$@" 2>&1 | sed "s/^/[n$i] /"
	return "${PIPESTATUS[0]}"
}

lists_share() {	# I USER%PASSWORD SHARE: smbclient -L on node I shows SHARE as a disk
	smb "$1" -L "//$KC_NET.$1" -U "$2" | grep -Eq "^\[n$1\][[:space:]]+$3[[:space:]]+Disk"
}

has() {	# I VERB NAME: "ksmbd-cluster VERB list" on node I names NAME
	local out
	out=$(kc_cli "$1" "$2" list --json) && [ -n "$out" ] &&
		printf '%s\n' "$out" | jq -e --arg n "$3" \
		'(.shares // .users) | map(.name) | index($n) != null' >/dev/null
}

cli_jq() {	# I JQ-EXPR ARGS...: "ksmbd-cluster ARGS" on node I succeeds and satisfies JQ-EXPR
	local i=$1 expr=$2 out
	shift 2
	out=$(kc_cli "$i" "$@") && [ -n "$out" ] && printf '%s\n' "$out" | jq -e "$expr" >/dev/null
}

not() {
	! "$@"
}

hashes_equal() {
	local h i
	h=$(kc_cli 1 status --json | jq -r .state_hash)
	[ -n "$h" ] && [ "$h" != null ] || return 1
	for i in 2 3; do
		[ "$(kc_cli "$i" status --json | jq -r .state_hash)" = "$h" ] || return 1
	done
}

if kc_cluster_up 3; then
	tap_ok "bridge, three node namespaces and a client created"
else
	tap_fail "bridge, three node namespaces and a client created"
fi
for i in 1 2 3; do
	kc_clusterd_conf "$i" 3 "interfaces = $KC_NET.$i" "bind interfaces only = yes" \
		"passdb file = $KC_CLUSTER_DIR/n$i/passdb"
done
cluster_start
tap_check "the three nodes form a quorate cluster, all in sync" wait_for 20 formed
tap_check "clusterd keeps the registry in the state directory" \
	test -f "$KC_CLUSTER_DIR/n1/state/registry.tdb" -a -f "$KC_CLUSTER_DIR/n1/state/nodes.tdb"
for i in 1 2 3; do
	mountd_start "$i"
done
for i in 1 2 3; do
	tap_check "mountd of node $i serves from the registry" wait_for 15 grep -q \
		"registry: 0 share(s), 0 user(s)" "$KC_CLUSTER_DIR/n$i/mountd.log"
done

# Registry verbs: validation and exit codes.
tap_check_fail "share add without a path is a usage error" "path=DIRECTORY is required" \
	kc_cli 1 share add data comment=x
tap_check_fail "a share key the schema does not know is refused" "not a share parameter" \
	kc_cli 1 share add data "path=$data" frobnicate=1
tap_check_fail "a global-only key is refused for a share" "is a \[global\] parameter" \
	kc_cli 1 share add data "path=$data" "server signing=mandatory"
tap_check_fail "a relative path is refused" "absolute" kc_cli 1 share add data path=rel
tap_check_fail "a share name the node file's parser refuses is refused" "parser refuses it" \
	kc_cli 1 share add "$(printf 'x%.0s' $(seq 81))" "path=$data"
tap_check_fail "share show of a missing share exits 3" "no such key" kc_cli 2 share show nope
tap_check_fail "node disable of an unknown node exits 3" "no node 'n9'" \
	kc_cli 1 node disable n9
tap_check_fail "a node-local setting is not a global option" "not a cluster-wide" \
	kc_cli 1 global set "smb ports" 1445

# share add and user add on node 1 reach nodes 2 and 3 within a second.
tap_check "share add on node 1" kc_cli 1 share add data "path=$data" "read only = no" \
	"comment=registry share"
tap_check "user add on node 1 (cluster mode: into the registry)" \
	sh -c "printf 'first-pw\n' | ip netns exec $(kc_ns n1) '$KC_BIN/ksmbd-cluster' \
	-c '$KC_CLUSTER_DIR/n1/node.conf' user add alice | grep -q 'cluster registry'"
for i in 2 3; do
	tap_check "node $i lists the share within 1 s" wait_for 1 has "$i" share data
	tap_check "node $i lists the user within 1 s" wait_for 1 has "$i" user alice
done
tap_check "node 1's passdb file was not written" test ! -e "$KC_CLUSTER_DIR/n1/passdb"
tap_check "share show --json gives the canonical parameters" cli_jq 3 \
	'.parameters["read only"] == "no" and .parameters.comment == "registry share"' \
	share show DATA --json
tap_check_fail "adding the share again (any case) fails" "already exists" \
	kc_cli 2 share add DATA "path=$data"

# Every node serves it at once, to the new user, without a restart.
for i in 1 2 3; do
	tap_check "the client lists 'data' on node $i (smbclient -L)" \
		wait_for 5 lists_share "$i" alice%first-pw data
done
tap_check "the node file's own share is not served in cluster mode" \
	not lists_share 1 alice%first-pw share
echo "hello from the client" >"$KC_CLUSTER_DIR/in.txt"
for i in 1 2 3; do
	tap_check "alice writes a file through node $i" smb "$i" "//$KC_NET.$i/data" \
		-U alice%first-pw -c "put $KC_CLUSTER_DIR/in.txt from-n$i.txt"
done
for i in 1 2 3; do
	j=$(( i % 3 + 1 ))
	rm -f "$KC_CLUSTER_DIR/out.txt"
	smb "$i" "//$KC_NET.$i/data" -U alice%first-pw \
		-c "get from-n$j.txt $KC_CLUSTER_DIR/out.txt" >/dev/null
	tap_check "alice reads through node $i the file written through node $j" \
		cmp "$KC_CLUSTER_DIR/in.txt" "$KC_CLUSTER_DIR/out.txt"
done

# user passwd on node 2: new logons everywhere use the new password.
tap_check "user passwd on node 2" \
	sh -c "printf 'second-pw\n' | ip netns exec $(kc_ns n2) '$KC_BIN/ksmbd-cluster' \
	-c '$KC_CLUSTER_DIR/n2/node.conf' user passwd ALICE"
tap_check "node 3 takes the new password" wait_for 2 lists_share 3 alice%second-pw data
tap_check_fail "node 1 refuses the old password" "NT_STATUS_LOGON_FAILURE" \
	smb 1 "//$KC_NET.1/data" -U alice%first-pw -c ls

# Global options and node state.
tap_check "global set on node 3" kc_cli 3 global set "Server String" "registry cluster"
tap_check "node 1 lists the global option" wait_for 1 cli_jq 1 \
	'.global["server string"] == "registry cluster"' global list --json
tap_check "node disable n3 on node 1" kc_cli 1 node disable n3
tap_check "status --json on node 2 reports n3 disabled" wait_for 1 kc_status 2 \
	'(.nodes[] | select(.name == "n3") | .state) == "disabled" and
	 (.nodes[] | select(.name == "n1") | .state) == "enabled"'
tap_check "node list --json on node 3 agrees" cli_jq 3 '.nodes[2].state == "disabled"' \
	node list --json
tap_check "node enable n3 on node 2" kc_cli 2 node enable n3
tap_check "status --json on node 1 reports n3 enabled again" wait_for 1 kc_status 1 \
	'(.nodes[] | select(.name == "n3") | .state) == "enabled"'

# A second share, then the whole cluster stops and starts again.
tap_check "share add on node 2" kc_cli 2 share add scratch "path=$data" "browseable=no"
tap_check "all nodes have equal state hashes" wait_for 2 hashes_equal
before=$(kc_cli 1 status --json | jq -r .state_hash)
for i in 1 2 3; do
	kc_node_kill "$i"
done
tap_check "mountd of node 1 notices that clusterd went away" wait_for 10 grep -q \
	"lost ksmbd-clusterd" "$KC_CLUSTER_DIR/n1/mountd.log"
tap_check "without clusterd, node 2 still serves the last registry read" \
	lists_share 2 alice%second-pw data
cluster_start
tap_check "the restarted cluster forms again" wait_for 20 formed
tap_check "the restarted cluster has the state it had (same hash)" \
	test "$(kc_cli 3 status --json | jq -r .state_hash)" = "$before"
tap_check "the registry survived the whole-cluster restart" cli_jq 3 \
	'[.shares[].name] == ["data", "scratch"]' share list --json
tap_check "so did the global option" cli_jq 1 \
	'.global["server string"] == "registry cluster"' global list --json
tap_check "the user too" has 2 user alice
tap_check "every node logged its registry from disk" \
	grep -q "state: registry in .* (5 records" "$KC_CLUSTER_DIR/n2/clusterd.log"
for i in 1 3; do
	tap_check "mountd of node $i reconnects to the restarted clusterd" wait_for 10 sh -c \
		"[ \$(grep -c 'registry: connected' '$KC_CLUSTER_DIR/n$i/mountd.log') -ge 2 ]"
done
tap_check "after the restart node 3 serves the user and share" \
	wait_for 5 smb 3 "//$KC_NET.3/data" -U alice%second-pw -c "ls from-n1.txt"

# share del on node 3: gone everywhere.
tap_check "share del on node 3" kc_cli 3 share del data
tap_check_fail "share del again exits 3" "does not exist" kc_cli 1 share del data
bad_name() {	# I SHARE: TREE_CONNECT to SHARE on node I fails with BAD_NETWORK_NAME
	smb "$1" "//$KC_NET.$1/$2" -U alice%second-pw -c ls | grep -q NT_STATUS_BAD_NETWORK_NAME
}
tap_check "node 1 refuses TREE_CONNECT to the deleted share" wait_for 2 bad_name 1 data
tap_check "the hidden share is still served (not browseable, but there)" \
	smb 2 "//$KC_NET.2/scratch" -U alice%second-pw -c "ls from-n2.txt"

# Clean stop.
for i in 1 2 3; do
	kc_mountd_stop "$i"
	tap_check "mountd of node $i stops cleanly" grep -q "info: stopped" \
		"$KC_CLUSTER_DIR/n$i/mountd.log"
done
for i in 1 2 3; do
	kill -TERM "$(cat "$KC_CLUSTER_DIR/n$i/clusterd.pid")"
done
for i in 1 2 3; do
	tap_check "clusterd of node $i stops cleanly on SIGTERM" \
		wait_for 10 grep -q "info: stopped" "$KC_CLUSTER_DIR/n$i/clusterd.log"
done
for i in 1 2 3; do
	tap_check "node $i's registry and node table pass pstore-tool check" \
		"$KC_BIN/pstore-tool" check "$KC_CLUSTER_DIR/n$i/state" registry nodes
	for db in registry nodes; do
		"$KC_BIN/pstore-tool" snapshot "$KC_CLUSTER_DIR/n$i/state" "$db" \
			"$KC_CLUSTER_DIR/$db-n$i.snap" 2>/dev/null
	done
done
tap_check "the three nodes' databases are byte-identical on disk (snapshots)" sh -c \
	"cmp '$KC_CLUSTER_DIR/registry-n1.snap' '$KC_CLUSTER_DIR/registry-n2.snap' &&
	 cmp '$KC_CLUSTER_DIR/registry-n1.snap' '$KC_CLUSTER_DIR/registry-n3.snap' &&
	 cmp '$KC_CLUSTER_DIR/nodes-n1.snap' '$KC_CLUSTER_DIR/nodes-n3.snap'"
tap_check "the stored share is the one the CLI wrote" sh -c \
	"'$KC_BIN/pstore-tool' dump '$KC_CLUSTER_DIR/n2/state' registry | grep -q 'share:scratch'"
kc_check_sanitizers "clean clusterd and mountd logs" "$KC_CLUSTER_DIR"/n*/clusterd.log \
	"$KC_CLUSTER_DIR"/n*/mountd.log
kc_clusterd_down
tap_check "teardown removes every namespace" test -z "$(kc_cluster_namespaces)"
leftover=$(for f in "$KC_CLUSTER_DIR"/n*/*.pid "$KC_CLUSTER_DIR"/n*/mountd.bgpid; do
	p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] &&
		ls -d /dev/shm/qb-*-"$p"-* /dev/shm/qb-"$p"-* 2>/dev/null; done)
tap_check "teardown leaves no corosync or libqb files in /dev/shm" test -z "$leftover"
tap_done
