# SPDX-License-Identifier: GPL-2.0-or-later
#
# Local multi-node test topology. Source after tests/lib/tap.sh.
#
#     ${P}n1 10.99.0.1   ${P}n2 10.99.0.2   ${P}n3 10.99.0.3   ${P}c 10.99.0.100
#          eth0              eth0              eth0              eth0
#            |                 |                 |                 |
#          v-n1              v-n2              v-n3              v-c
#            +-------------- br0 in namespace ${P}br --------------+
#
# scripts/demo.sh sources this file too, with KC_NS_PREFIX=kcdemo- and KC_NET=10.98.0.
#
# Every address lives inside a namespace made here; the root namespace has no
# route to 10.99.0.0/24, so nothing leaves the machine. MACs are fixed
# (02:99:00:00:00:NN) so re-created nodes leave no stale ARP entries.

KC_NS_PREFIX=${KC_NS_PREFIX:-kc$$-}
KC_NET=${KC_NET:-10.99.0}

kc_ns() { echo "${KC_NS_PREFIX}$1"; }

# kc_cluster_up N: the bridge, nodes n1..nN and the client c.
kc_cluster_up() {
	local n=$1 i br
	br=$(kc_ns br)
	ip netns add "$br" || return 1
	ip -n "$br" link add br0 type bridge || return 1
	ip -n "$br" link set br0 up
	for i in $(seq 1 "$n") c; do
		kc__add_host "$i" || return 1
	done
}

kc__add_host() {
	local id=$1 ns br mac addr
	ns=$(kc_ns "n$id")
	[ "$id" = c ] && ns=$(kc_ns c)
	br=$(kc_ns br)
	if [ "$id" = c ]; then
		mac=02:99:00:00:00:64
		addr=$KC_NET.100
	else
		mac=$(printf '02:99:00:00:00:%02x' "$id")
		addr=$KC_NET.$id
	fi
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip link add eth0 netns "$ns" address "$mac" type veth peer name "v-${id}" netns "$br" || return 1
	ip -n "$br" link set "v-${id}" master br0 up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
}

# kc_cluster_down: kill what runs in the namespaces and delete them all.
kc_cluster_down() {
	local ns pids
	for ns in $(ip netns list | awk '{print $1}' | grep "^${KC_NS_PREFIX}"); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns"
	done
}

# kc_cluster_namespaces: the namespaces that currently exist with our prefix.
kc_cluster_namespaces() {
	ip netns list | awk '{print $1}' | grep "^${KC_NS_PREFIX}"
}

# ---- corosync + ksmbd-clusterd on the nodes --------------------------------------------------
# Needs tests/lib/node.sh. Node i keeps its files in $KC_CLUSTER_DIR/n$i.

KC_CLUSTER_DIR=${KC_CLUSTER_DIR:-}

# kc_cluster_nodes N: the "cluster nodes" value for nodes n1..nN.
kc_cluster_nodes() {
	local i list=""
	for i in $(seq 1 "$1"); do
		list="$list${list:+, }n$i@$KC_NET.$i"
	done
	echo "$list"
}

# kc_clusterd_conf I N [GLOBAL-LINE...]: node.conf and corosync.conf of node I of N.
kc_clusterd_conf() {
	local i=$1 n=$2 dir=$KC_CLUSTER_DIR/n$1
	shift 2
	mkdir -p "$dir/state/corosync" "$dir/run"
	kc_node_conf "$dir" "node name = n$i" "cluster nodes = $(kc_cluster_nodes "$n")" \
		"cluster token = 1000" "$@"
	"$KC_BIN/ksmbd-clusterd" -c "$dir/node.conf" --write-corosync-conf "$dir/corosync.conf"
}

# kc_corosync_start I: corosync of node I in its namespace, with a private /run (corosync
# locks /var/run/corosync.pid). Log: n$I/corosync.log; pid in n$I/corosync.pid.
kc_corosync_start() {
	local dir=$KC_CLUSTER_DIR/n$1
	ip netns exec "$(kc_ns "n$1")" sh -c 'mount --bind "$1" /run && exec corosync -f -c "$2"' \
		sh "$dir/run" "$dir/corosync.conf" >>"$dir/corosync.log" 2>&1 &
	echo $! >"$dir/corosync.pid"
}

# kc_clusterd_start I: ksmbd-clusterd -F of node I, plus the words of $KC_CLUSTERD_ARGS
# (e.g. --memory-state). Log: n$I/clusterd.log.
kc_clusterd_start() {
	local dir=$KC_CLUSTER_DIR/n$1
	# shellcheck disable=SC2086
	ip netns exec "$(kc_ns "n$1")" "$KC_BIN/ksmbd-clusterd" -F -c "$dir/node.conf" \
		${KC_CLUSTERD_ARGS:-} \
		>>"$dir/clusterd.log" 2>&1 &
	echo $! >"$dir/clusterd.pid"
}

# kc_node_kill I: SIGKILL node I's corosync and clusterd and wait until they are gone.
kc_node_kill() {
	local dir=$KC_CLUSTER_DIR/n$1 p
	for p in corosync clusterd; do
		[ -s "$dir/$p.pid" ] && kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null
	done
	for p in corosync clusterd; do
		[ -s "$dir/$p.pid" ] && kc_wait_exit "$(cat "$dir/$p.pid")" 10
	done
	kc_shm_cleanup "$dir"
	return 0
}

# kc_shm_cleanup DIR: remove the /dev/shm files (corosync's blackbox, libqb IPC rings) left
# by the processes whose pids are in DIR/*.pid and are no longer running (zombies count as
# gone: the demo's processes outlive scripts/demo.sh and are reaped by init, later).
kc_shm_cleanup() {
	local f pid
	for f in "$1"/*.pid; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		kc__gone "$pid" || continue
		rm -rf /dev/shm/qb-*-"$pid"-* /dev/shm/qb-"$pid"-* 2>/dev/null
	done
	return 0
}

# kc_cli I ARGS...: ksmbd-cluster ARGS... inside node I's namespace.
kc_cli() {
	local i=$1
	shift
	ip netns exec "$(kc_ns "n$i")" "$KC_BIN/ksmbd-cluster" -c "$KC_CLUSTER_DIR/n$i/node.conf" "$@"
}

# kc_clusterd_down: SIGKILL every node's corosync and clusterd, remove their /dev/shm files,
# then the namespaces (kc_cluster_down).
kc_clusterd_down() {
	local d
	if [ -n "$KC_CLUSTER_DIR" ]; then
		for d in "$KC_CLUSTER_DIR"/n*; do
			[ -d "$d" ] && kc_node_kill "${d##*/n}"
		done
	fi
	kc_cluster_down
}

# kc_status I JQ-EXPR: true when node I's clusterd answers "status --json" and the answer
# satisfies JQ-EXPR (jq -e alone succeeds on empty input).
kc_status() {
	local out
	out=$(kc_cli "$1" status --json 2>/dev/null) && [ -n "$out" ] &&
		printf '%s\n' "$out" | jq -e "$2" >/dev/null
}

# kc_require DESC PROG...: unless every PROG is installed, report DESC as skipped
# (make deps installs them) and end the test.
kc_require() {
	local desc=$1 prog
	shift
	for prog in "$@"; do
		if ! command -v "$prog" >/dev/null; then
			tap_skip "$desc" "$prog is not installed (make deps)"
			tap_done
			exit
		fi
	done
}

# kc_keep_node_logs NAME: when the test failed, copy each node's clusterd, corosync and
# mountd logs to build/test-logs/cluster/NAME.nodes, next to the test's own log.
kc_keep_node_logs() {
	local d=$KC_TOP/build/test-logs/cluster/$1.nodes i f
	[ "$TAP_FAILED" -gt 0 ] || return 0
	rm -rf "$d" && mkdir -p "$d" && for i in 1 2 3; do
		for f in clusterd corosync mountd; do
			cp "$KC_CLUSTER_DIR/n$i/$f.log" "$d/n$i-$f.log" 2>/dev/null
		done
	done
}

# kc_mountd_stop I [SIGNAL]: stop node I's mountd (by pid; SIGTERM by default) and wait for it.
kc_mountd_stop() {
	local f=$KC_CLUSTER_DIR/n$1/mountd.bgpid
	[ -s "$f" ] || return 0
	kill "-${2:-TERM}" "$(cat "$f")" 2>/dev/null
	kc_wait_exit "$(cat "$f")" 15
}
