#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo's three-node cluster, as scripts/demo.sh starts it in the tree (.demo, demo-share,
# namespaces kcdemo-*, 10.98.0.0/24):
#  - 'demo.sh up' starts it; the three nodes form a quorate cluster with the same state;
#  - the client namespace lists the share demo through each public IP as the user demo and
#    puts and gets a file;
#  - a second 'up' says it is already running; 'status' shows it;
#  - 'demo.sh down' leaves no namespace, process, address, /dev/shm file or .demo behind, and
#    a second 'down' says nothing runs.
# Skipped when a demo is already running here (make demo): the test would stop it.
. "$(dirname "$0")/../lib/tap.sh"
export KC_NS_PREFIX=kcdemo- KC_NET=10.98.0
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

kc_require "the three-node demo" corosync jq smbclient

KC_CLUSTER_DIR=$KC_TOP/.demo
demo=$KC_TOP/scripts/demo.sh
share=$KC_TOP/demo-share
if [ -n "$(kc_cluster_namespaces)" ] || [ -d "$KC_CLUSTER_DIR" ]; then
	tap_skip "the three-node demo" "a demo is running in this tree (make demo-down stops it)"
	tap_done
	exit
fi
had_share=0
[ -d "$share" ] && had_share=1
tmp=$(mktemp -d)
cleanup() {
	[ "$TAP_FAILED" -gt 0 ] && [ -d "$KC_CLUSTER_DIR" ] && kc_keep_node_logs 07-demo
	"$demo" down >/dev/null 2>&1
	rm -f "$share/07-demo.txt"
	[ "$had_share" = 1 ] || rm -rf "$share"
	rm -rf "$tmp"
}
trap cleanup EXIT

formed() {
	local h="" i x
	for i in 1 2 3; do
		kc_status "$i" '.quorate and .synced and (.members | length) == 3' || return 1
		x=$(kc_cli "$i" status --json | jq -r .state_hash)
		[ -z "$h" ] && h=$x
		[ "$x" = "$h" ] || return 1
	done
}
says() {	# REGEX CMD...: CMD exits 0 and its output matches REGEX
	local re=$1 out
	shift
	out=$("$@" 2>&1) || return 1
	printf '%s\n' "$out" | grep -Eq -- "$re"
}
lists_via() {	# ADDR
	ip netns exec "$(kc_ns c)" timeout 20 smbclient -L "//$1" -U demo%demo-pass-1 2>&1 |
		grep -Eq "^[[:space:]]+demo[[:space:]]+Disk"
}

tap_check "demo.sh up" "$demo" up
tap_check "the three nodes form a quorate cluster with equal state hashes" wait_for 10 formed
tap_check "the registry holds the share demo and the user demo" sh -c \
	"ip netns exec $(kc_ns n2) '$KC_BIN/ksmbd-cluster' -c '$KC_CLUSTER_DIR/n2/node.conf' share list |
	grep -q '^demo' && ip netns exec $(kc_ns n3) '$KC_BIN/ksmbd-cluster' \
	-c '$KC_CLUSTER_DIR/n3/node.conf' user list | grep -q '^demo'"
for ip in 201 202 203; do
	tap_check "the client lists the share through $KC_NET.$ip as demo" lists_via "$KC_NET.$ip"
done
echo "written through the demo" >"$tmp/in.txt"
tap_check "the client puts and gets a file through $KC_NET.203" sh -c "cd '$tmp' &&
	ip netns exec $(kc_ns c) timeout 20 smbclient //$KC_NET.203/demo -U demo%demo-pass-1 \
	-c 'put in.txt 07-demo.txt; get 07-demo.txt out.txt' && cmp in.txt out.txt &&
	cmp in.txt '$share/07-demo.txt'"
tap_check "a second up says it is already running" says "already running" "$demo" up
tap_check "status shows the running cluster" "$demo" status

pids=$(cat "$KC_CLUSTER_DIR"/n*/*.pid "$KC_CLUSTER_DIR"/n*/mountd.bgpid 2>/dev/null
	for i in 1 2 3; do kc_engine_pid "$KC_CLUSTER_DIR/n$i"; done)
tap_diag "pids: $(printf "%s " $pids)"
tap_check "demo.sh down" "$demo" down
tap_check "no kcdemo- namespace is left" test -z "$(kc_cluster_namespaces)"
gone_all() {
	local p
	for p in $pids; do
		kc__gone "$p" || return 1
	done
}
tap_check "no demo process is left" wait_for 5 gone_all
tap_check "no $KC_NET.x address is left in the root namespace" \
	sh -c "! ip -o addr show | grep -q ' $KC_NET\.'"
shm=$(for p in $pids; do ls -d /dev/shm/qb-*-"$p"-* /dev/shm/qb-"$p"-* 2>/dev/null; done)
tap_check "no corosync or libqb file of the demo is left in /dev/shm" test -z "$shm"
tap_check ".demo is removed, demo-share stays" sh -c "[ ! -e '$KC_CLUSTER_DIR' ] && [ -d '$share' ]"
tap_check "a second down says nothing runs" says "no demo cluster is running" "$demo" down
tap_done
