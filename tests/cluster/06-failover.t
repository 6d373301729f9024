#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Public-IP failover driven by ksmbd-clusterd, on three nodes (corosync, ksmbd-clusterd,
# ksmbd-mountd and a user-space engine each) and a client namespace:
#  - ksmbd-cluster ip add|del|list|move: validation and exit codes;
#  - three public IPs: every node's status --json shows the same assignment, one IP per node,
#    each node's eth0 carries exactly its own, and the client lists the share through each;
#  - a client holds an smbclient session open on node 2's IP, recorded in the replicated
#    connections database; node 2 fails hard (its link cut, then its clusterd, corosync and
#    mountd SIGKILLed: nothing it sends reaches anyone): within 5 s the others show 2 members,
#    node 2's IP moved to a survivor, which sends tickle ACKs to the recorded clients: the
#    client's idle connection is reset within seconds (a capture in the client namespace shows
#    the tickle ACK, the client's answer and the RST), the client's neighbour entry points at
#    the survivor and the client lists the share through the same IP; node 2 restarts: equal
#    state hashes, one IP per node again, the same assignment everywhere;
#  - node 3 partitioned (its veth down): it loses quorum and gives its IP up, the two others
#    take it over; healed: back to one IP per node;
#  - node disable n1 moves n1's IP away, node enable brings the balance back;
#  - ip move makes a node the home of an IP; ip del releases it everywhere;
#  - during those planned moves an address monitor of all three nodes (one netlink socket, so
#    in the kernels' order) shows each address deleted by its old owner before its new owner
#    adds it (never on two nodes at once);
#  - SIGTERM of a clusterd releases its IP.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

kc_require "public-IP failover on three nodes" corosync jq smbclient tshark ss

KC_CLUSTER_DIR=$(mktemp -d)
PUBS="$KC_NET.201 $KC_NET.202 $KC_NET.203"
bg_pids=""
cleanup() {
	local i p
	for p in $bg_pids; do
		kill "$p" 2>/dev/null
	done
	for i in 1 2 3; do
		kc_mountd_stop "$i"
	done
	kc_clusterd_down
	kc_keep_node_logs 06-failover
	rm -rf "$KC_CLUSTER_DIR"
}
trap cleanup EXIT

data=$KC_CLUSTER_DIR/data
mkdir -p "$data"

node_start() {	# I: corosync and clusterd of node I
	kc_corosync_start "$1"
	kc_clusterd_start "$1"
}
mountd_start() {	# I
	local dir=$KC_CLUSTER_DIR/n$1
	ip netns exec "$(kc_ns "n$1")" "$KC_BIN/ksmbd-mountd" -F -c "$dir/node.conf" \
		>>"$dir/mountd.log" 2>&1 &
	echo $! >"$dir/mountd.bgpid"
}

# formed "I J ..." N: those nodes quorate, in sync, N members each, equal state hashes.
formed() {
	local nodes=$1 n=$2 h="" i x
	for i in $nodes; do
		kc_status "$i" ".quorate and .synced and (.members | length) == $n" || return 1
		x=$(kc_cli "$i" status --json | jq -r .state_hash)
		[ -z "$h" ] && h=$x
		[ "$x" = "$h" ] || return 1
	done
}

assignment() {	# I: "ADDR=OWNER ..." as node I computed it
	kc_cli "$1" status --json 2>/dev/null |
		jq -r '[.public_ips[] | "\(.address | split("/")[0])=\(.node_id)"] | join(" ")'
}

holds() {	# I ADDR: node I's eth0 carries ADDR
	ip -n "$(kc_ns "n$1")" -o -4 addr show dev eth0 | grep -q " $2/"
}

owner() {	# I ADDR: the owner of ADDR in node I's assignment
	assignment "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# settled "I J ..." [PER-NODE]: the listed nodes agree on the assignment, every IP is owned by
# one of them, each holds exactly its own IPs and no other node holds any; with PER-NODE, the
# loads are PER-NODE IPs for each (PER-NODE "x": any).
settled() {
	local nodes=$1 per=${2:-x} a="" i x ip o cnt
	for i in $nodes; do
		x=$(assignment "$i")
		[ -n "$x" ] || return 1
		[ -z "$a" ] && a=$x
		[ "$x" = "$a" ] || return 1
	done
	for ip in $PUBS; do
		[ "$(printf '%s\n' $a | grep -c "^$ip=")" -eq 1 ] || return 1
		o=$(printf '%s\n' $a | sed -n "s/^$ip=//p")
		[ -z "$o" ] && continue
		case " $nodes " in *" $o "*) ;; *) return 1 ;; esac
		for i in 1 2 3; do
			if [ "$i" = "$o" ]; then
				holds "$i" "$ip" || return 1
			elif case " $nodes " in *" $i "*) true ;; *) false ;; esac; then
				! holds "$i" "$ip" || return 1
			fi
		done
	done
	[ "$per" = x ] && return 0
	for i in $nodes; do
		cnt=$(printf '%s\n' $a | grep -c "=$i\$")
		[ "$cnt" -eq "$per" ] || return 1
	done
}

lists_via() {	# ADDR: smbclient -L through ADDR from the client shows the share
	ip netns exec "$(kc_ns c)" timeout 20 smbclient -L "//$1" -U alice%pw 2>&1 |
		grep -Eq "^[[:space:]]+data[[:space:]]+Disk"
}

client_mac_of() {	# ADDR: the client's neighbour entry for ADDR
	ip -n "$(kc_ns c)" neigh show "$1" | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}'
}

not() {
	! "$@"
}
survivors_took_over() {
	formed "1 3" 2 && settled "1 3"
}
n1_drained() {
	local ip
	settled "1 2 3" && ! assignment 1 | tr ' ' '\n' | grep -q '=1$' || return 1
	for ip in $PUBS; do
		! holds 1 "$ip" || return 1
	done
}
moved_home() {
	settled "1 2 3" && [ "$(owner 2 "$KC_NET.201")" = 3 ]
}
held_nowhere() {	# ADDR
	! holds 1 "$1" && ! holds 2 "$1" && ! holds 3 "$1"
}
holds_somewhere() {	# ADDR "I J ..."
	local i
	for i in $2; do
		holds "$i" "$1" && return 0
	done
	return 1
}

if kc_cluster_up 3; then
	tap_ok "bridge, three node namespaces and a client created"
else
	tap_fail "bridge, three node namespaces and a client created"
fi
for i in 1 2 3; do
	kc_clusterd_conf "$i" 3 "passdb file = $KC_CLUSTER_DIR/n$i/passdb"
done
for i in 1 2 3; do
	node_start "$i"
done
tap_check "the three nodes form a quorate cluster" wait_for 20 formed "1 2 3" 3
for i in 1 2 3; do
	mountd_start "$i"
done
tap_check "share add" kc_cli 1 share add data "path=$data"
tap_check "user add" sh -c "printf 'pw\n' | ip netns exec $(kc_ns n1) '$KC_BIN/ksmbd-cluster' \
	-c '$KC_CLUSTER_DIR/n1/node.conf' user add alice >/dev/null"

# ---- the verbs ---------------------------------------------------------------------------
kc_cli 1 ip add 10.1.2.3/33 eth0 >/dev/null 2>&1
tap_check "ip add of a bad prefix is a usage error (exit 2)" test "$?" = 2
kc_cli 1 ip add "$KC_NET.201/24" "bad/if" >/dev/null 2>&1
tap_check "ip add of a bad interface name is a usage error (exit 2)" test "$?" = 2
kc_cli 1 ip add "$KC_NET.201/24" eth0 home=nosuch >/dev/null 2>&1
tap_check "ip add with an unknown home node exits 3" test "$?" = 3
for ip in $PUBS; do
	tap_check "ip add $ip/24 eth0" kc_cli 2 ip add "$ip/24" eth0
done
tap_check_fail "adding an IP again fails" "already exists" kc_cli 3 ip add "$KC_NET.201/24" eth0
tap_check "ip list --json on node 3 shows the three" sh -c \
	"ip netns exec $(kc_ns n3) '$KC_BIN/ksmbd-cluster' -c '$KC_CLUSTER_DIR/n3/node.conf' \
	ip list --json | jq -e '[.ips[].address] == [\"$KC_NET.201/24\", \"$KC_NET.202/24\", \"$KC_NET.203/24\"] and (.ips[0].interface == \"eth0\")' >/dev/null"
kc_cli 1 ip del 10.1.1.1 >/dev/null 2>&1
tap_check "ip del of an unknown IP exits 3" test "$?" = 3
kc_cli 1 ip move 10.1.1.1 n1 >/dev/null 2>&1
tap_check "ip move of an unknown IP exits 3" test "$?" = 3

# ---- assignment --------------------------------------------------------------------------
tap_check "every node shows the same assignment, one IP each, held where assigned" \
	wait_for 5 settled "1 2 3" 1
tap_diag "assignment: $(assignment 1)"
for ip in $PUBS; do
	tap_check "the client lists the share through $ip" wait_for 10 lists_via "$ip"
done

# ---- node 2 fails hard, with a client session open ----------------------------------------
ip2=$(assignment 1 | tr ' ' '\n' | sed -n 's/=2$//p')
client_conn() {	# ADDR: the client has an established connection to ADDR:445
	[ -n "$(ip netns exec "$(kc_ns c)" ss -Htn state established "dst $1 and dport = :445")" ]
}
conn_recorded() {	# I ADDR: node I's replicated connections database has the client on ADDR
	kc_cli "$1" kv list "conn:$2/00445/$KC_NET.100/" | grep -aq "^conn:$2/00445/$KC_NET.100/"
}
fifo=$KC_CLUSTER_DIR/smbclient.in
mkfifo "$fifo"
ip netns exec "$(kc_ns c)" smbclient "//$ip2/data" -U alice%pw <"$fifo" \
	>"$KC_CLUSTER_DIR/smbclient.out" 2>&1 &
smb_pid=$!
bg_pids="$bg_pids $smb_pid"
exec 7>"$fifo"	# smbclient's stdin stays open: an idle session
echo ls >&7
tap_check "a client opens an smbclient session on node 2's IP $ip2" wait_for 10 client_conn "$ip2"
cport=$(ip netns exec "$(kc_ns c)" ss -Htn state established "dst $ip2 and dport = :445" |
	awk '{ n = split($3, a, ":"); printf "%05d", a[n]; exit }')
tap_check "node 2 records it in the connections database, node 1 has the record" \
	wait_for 5 conn_recorded 1 "$ip2"
cap=$KC_CLUSTER_DIR/client.pcap
ip netns exec "$(kc_ns c)" tshark -q -i eth0 -f "tcp and host $ip2" -w "$cap" >/dev/null 2>&1 &
cap_pid=$!
bg_pids="$bg_pids $cap_pid"
wait_for 10 test -s "$cap"
ip -n "$(kc_ns br)" link set v-2 down	# nothing node 2 sends from now on reaches anyone
t0=$(date +%s%3N)
kc_mountd_stop 2 KILL
kc_node_kill 2
tap_check "within 5 s nodes 1 and 3 show 2 members and node 2's IP moved to one of them" \
	wait_for 5 survivors_took_over
t_take=$(( $(date +%s%3N) - t0 ))
tap_check "the client's idle connection to $ip2 is reset within 10 s of the failure" \
	wait_for 10 not client_conn "$ip2"
t_reset=$(( $(date +%s%3N) - t0 ))
tap_diag "takeover seen after $t_take ms, client connection reset after $t_reset ms" \
	"(without a tickle ACK an idle client keeps it until it sends, then retransmits)"
kill -INT "$cap_pid" 2>/dev/null
kc_wait_exit "$cap_pid" 10
pkts=$(tshark -r "$cap" -T fields -e ip.src -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw \
	-e tcp.flags.reset -e frame.time_epoch 2>/dev/null)
printf '%s\n' "$pkts" | sed 's/^/#   capture: /'
printf '%s\n' "$pkts" | awk -v s="$ip2" -v t0="$t0" '
	$1 == s && $2 == 445 && $3 == 0 && $4 == 0 && $5 != 1 && !tk { tk = $6 }
	$1 == s && $2 == 445 && $5 == 1 && tk && !rst { rst = $6 }
	END { if (tk && rst) printf "# first tickle ACK %d ms after the failure, the RST %.3f ms after it\n", tk * 1000 - t0, (rst - tk) * 1000 }'
tap_check "the capture shows the tickle ACK (seq 0, ack 0) from $ip2:445" sh -c \
	"printf '%s\n' \"\$1\" | awk -v s=$ip2 '\$1 == s && \$2 == 445 && \$3 == 0 && \$4 == 0 && \$5 != 1 { f = 1 } END { exit !f }'" \
	sh "$pkts"
tap_check "and the RST from $ip2:445 that answers the client" sh -c \
	"printf '%s\n' \"\$1\" | awk -v s=$ip2 '\$1 == s && \$2 == 445 && \$5 == 1 { f = 1 } END { exit !f }'" \
	sh "$pkts"
exec 7>&-
kill "$smb_pid" 2>/dev/null
kc_wait_exit "$smb_pid" 5
new2=$(owner 1 "$ip2")
tap_check "the client lists the share through $ip2 again" wait_for 10 lists_via "$ip2"
tap_check "the client's neighbour entry for $ip2 is node $new2's MAC" \
	test "$(client_mac_of "$ip2")" = "$(printf '02:99:00:00:00:%02x' "${new2:-0}")"
no_stale_record() {	# the survivor dropped node 2's record of the reset connection
	! kc_cli 1 kv list "conn:$ip2/" | grep -aq "^conn:$ip2/00445/$KC_NET.100/$cport\b"
}
tap_check "the new owner drops the dead node's connection records" wait_for 10 no_stale_record

ip -n "$(kc_ns br)" link set v-2 up
node_start 2
mountd_start 2
tap_check "node 2 rejoins: three members, equal state hashes" wait_for 20 formed "1 2 3" 3
tap_check "after the rejoin one IP per node again, the same everywhere" \
	wait_for 5 settled "1 2 3" 1
tap_diag "assignment: $(assignment 2)"
for ip in $PUBS; do
	tap_check "the client lists the share through $ip" wait_for 10 lists_via "$ip"
done

# ---- partition node 3 ---------------------------------------------------------------------
ip3=$(assignment 1 | tr ' ' '\n' | sed -n 's/=3$//p')
ip -n "$(kc_ns br)" link set v-3 down
tap_check "partitioned node 3 loses quorum" wait_for 15 kc_status 3 '.quorate | not'
tap_check "node 3 gives its IP $ip3 up" wait_for 5 not holds 3 "$ip3"
tap_check "nodes 1 and 2 take over all three IPs" wait_for 10 settled "1 2"
tap_check "the client lists the share through $ip3" wait_for 10 lists_via "$ip3"
ip -n "$(kc_ns br)" link set v-3 up
tap_check "healed: three members, equal state hashes" wait_for 20 formed "1 2 3" 3
tap_check "healed: one IP per node again" wait_for 5 settled "1 2 3" 1

# ---- disable / enable ---------------------------------------------------------------------
# An address monitor of every node for the planned moves below (disable, enable, move).
held_list() {	# I: the public IPs on node I's eth0, comma separated
	local ip l=""
	for ip in $PUBS; do
		holds "$1" "$ip" && l="$l${l:+,}$ip"
	done
	echo "$l"
}
# One "ip monitor all-nsid" in the bridge's namespace, where the nodes' namespaces get ids:
# one netlink socket receives every node's address events in the order they happened.
br=$(kc_ns br)
for i in 1 2 3; do
	ip -n "$br" netns set "$(kc_ns "n$i")" auto 2>/dev/null	# or already has one
done
ip -n "$br" -ts monitor all-nsid address >"$KC_CLUSTER_DIR/addrmon" 2>&1 &
mon_pid=$!
bg_pids="$bg_pids $mon_pid"
for try in 1 2 3 4 5; do	# a probe address shows when the monitor listens
	ip -n "$(kc_ns n1)" addr add 127.0.0.9/32 dev lo 2>/dev/null
	wait_for 1 grep -q " 127.0.0.9/" "$KC_CLUSTER_DIR/addrmon" && break
	ip -n "$(kc_ns n1)" addr del 127.0.0.9/32 dev lo 2>/dev/null
done
ip -n "$(kc_ns n1)" addr del 127.0.0.9/32 dev lo 2>/dev/null
mon_specs=""
for i in 1 2 3; do
	nsid=$(ip -n "$br" netns list | sed -n "s/^$(kc_ns "n$i") (id: \([0-9]*\))\$/\1/p")
	mon_specs="$mon_specs n$i=$KC_CLUSTER_DIR/addrmon=$(held_list "$i")=$nsid"
done
tap_check "node disable n1" kc_cli 2 node disable n1
tap_check "n1's IP moves away, nodes 2 and 3 share the three" wait_for 5 n1_drained
tap_check "node enable n1" kc_cli 3 node enable n1
tap_check "balance is back: one IP per node" wait_for 5 settled "1 2 3" 1

# ---- move, del, SIGTERM -------------------------------------------------------------------
tap_check "ip move $KC_NET.201 n3" kc_cli 1 ip move "$KC_NET.201" n3
tap_check "$KC_NET.201 goes to its home n3, the same everywhere" wait_for 5 moved_home
kill "$mon_pid" 2>/dev/null
kc_wait_exit "$mon_pid" 5
# shellcheck disable=SC2086
overlap=$(/usr/bin/python3 "$KC_TOP/tests/lib/addr-overlap.py" "$(echo $PUBS | tr ' ' ,)" $mon_specs)
printf '%s\n' "$overlap" | sed 's/^/#   /'
tap_check "planned moves (disable, enable, move): at least three hand-overs, each address deleted by its old owner before the new one adds it" \
	sh -c 'printf "%s\n" "$1" | grep -Eq "^moves=([3-9]|[1-9][0-9]+) overlaps=0$"' sh "$overlap"
tap_check "ip list shows the home node" sh -c "ip netns exec $(kc_ns n2) '$KC_BIN/ksmbd-cluster' \
	-c '$KC_CLUSTER_DIR/n2/node.conf' ip list | grep -q '^$KC_NET.201/24 .*home=n3'"
tap_check "ip del $KC_NET.203" kc_cli 3 ip del "$KC_NET.203"
tap_check "no node holds $KC_NET.203 any more" wait_for 5 held_nowhere "$KC_NET.203"
tap_check "node 3 holds $KC_NET.201" holds 3 "$KC_NET.201"
kill -TERM "$(cat "$KC_CLUSTER_DIR/n3/clusterd.pid")"
kc_wait_exit "$(cat "$KC_CLUSTER_DIR/n3/clusterd.pid")" 10
tap_check "a clusterd stopped by SIGTERM releases its IP" not holds 3 "$KC_NET.201"
tap_check "nodes 1 and 2 take it over" wait_for 10 holds_somewhere "$KC_NET.201" "1 2"
tap_check "the client lists the share through $KC_NET.201" wait_for 10 lists_via "$KC_NET.201"

for i in 1 2 3; do
	kc_mountd_stop "$i"
done
kc_check_sanitizers "clean clusterd and mountd logs" "$KC_CLUSTER_DIR"/n*/clusterd.log \
	"$KC_CLUSTER_DIR"/n*/mountd.log
kc_clusterd_down
tap_check "teardown removes every namespace" test -z "$(kc_cluster_namespaces)"
leftover=$(for f in "$KC_CLUSTER_DIR"/n*/*.pid "$KC_CLUSTER_DIR"/n*/mountd.bgpid; do
	p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] &&
		ls -d /dev/shm/qb-*-"$p"-* /dev/shm/qb-"$p"-* 2>/dev/null; done)
tap_check "teardown leaves no corosync or libqb files in /dev/shm" test -z "$leftover"
tap_done
