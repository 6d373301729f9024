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
# Every address lives inside a namespace made here; the root namespace has no
# route to 10.99.0.0/24, so nothing leaves the machine. MACs are fixed
# (02:99:00:00:00:NN) so re-created nodes leave no stale ARP entries.

KC_NS_PREFIX=${KC_NS_PREFIX:-kc$$-}
KC_NET=10.99.0

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
