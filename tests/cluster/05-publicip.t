#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Public-IP takeover and release with the library of clusterd/ipctl.h, driven by
# tests/tools/kc-ipctl, on the namespaces of tests/lib/cluster.sh.
#
#  - the assignment tool: every node one IP, a leaver's IP moves alone;
#  - n1 takes the public IP 10.99.0.200 (idempotently); the client lists the
#    share of n1's SMB node through it and holds a TCP connection to a small
#    service on it;
#  - n1 releases: the client's connection is reset at once; n2 takes the IP,
#    announces it, and the client reconnects to the same IP and reaches n2;
#  - n2 dies without releasing (its link goes down): n3 takes the IP, the
#    client's idle connection sees nothing until n3's tickle ACK, then it is
#    reset at once and the client reconnects to n3; the client lists the share
#    of n3's SMB node through the same IP;
#  - IPv6: an address taken without DAD is usable at once, and the new owner's
#    unsolicited neighbour advertisement moves the client's neighbour entry;
#  - release of an address already deleted (what a connection accepted during
#    release looks like) still resets the peer.
# Times are reported as diagnostics. Everything runs in namespaces made here.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/cluster.sh"

PUB=$KC_NET.200
PORT=4455
IPCTL=$KC_BIN/kc-ipctl
tmp=$(mktemp -d)
trap 'kc_cluster_down; rm -rf "$tmp"' EXIT

in_ns() {
	local ns=$1
	shift
	ip netns exec "$(kc_ns "$ns")" "$@"
}
now_ms() { date +%s%3N; }

# ---- the assignment tool -------------------------------------------------------------------------
cat >"$tmp/members" <<EOF
ip $KC_NET.201/24 eth0
ip $KC_NET.202/24 eth0
ip $KC_NET.203/24 eth0
node 3
node 1
node 2
EOF
out=$("$IPCTL" assign "$tmp/members" 2>&1)
tap_check "assign: each of three nodes gets one of three IPs" \
	test "$(printf '%s\n' "$out" | awk '{print $3}' | sort | tr '\n' ' ')" = "1 2 3 "
# node 2 leaves: only its IP moves
awk '$1 == "ip" {print}' "$tmp/members" | paste -d' ' - <(printf '%s\n' "$out" | awk '{print "prev=" $3}') \
	>"$tmp/members2"
printf 'node 1\nnode 3\n' >>"$tmp/members2"
out2=$("$IPCTL" assign "$tmp/members2" 2>&1)
moved=$(paste -d' ' <(printf '%s\n' "$out") <(printf '%s\n' "$out2") |
	awk '$3 != $6 {print $3 "->" $6}')
tap_check "assign: when node 2 leaves only its IP moves (moved: $moved)" \
	sh -c "[ \$(printf '%s\n' '$moved' | grep -c .) -eq 1 ] && printf '%s\n' '$moved' | grep -Eq '^2->[13]$'"
out=$(printf '%s\n' "ip $KC_NET.201/24 eth0 home=3" "ip $KC_NET.202/24 eth1" "ip $KC_NET.203/24 eth0" \
	"node 1 disabled" "node 2 ifaces=eth0" "node 3" | "$IPCTL" assign 2>&1)
tap_check "assign: home node, interface limits and a disabled node ($(echo $out))" \
	test "$(echo $out)" = "$KC_NET.201/24 eth0 3 $KC_NET.202/24 eth1 3 $KC_NET.203/24 eth0 2"
out=$(printf '%s\n' "ip $KC_NET.201/24 eth0" "node 1 unhealthy" | "$IPCTL" assign 2>&1)
tap_check "assign: no eligible node leaves the IP unassigned" \
	test "$out" = "$KC_NET.201/24 eth0 unassigned"
tap_check_fail "assign: a bad line is refused" "bad line" \
	sh -c "printf 'ip 10.1.1.1/40 eth0\n' | '$IPCTL' assign"

# ---- topology, services --------------------------------------------------------------------------
if kc_cluster_up 3; then
	tap_ok "bridge, three nodes and a client created"
else
	tap_fail "bridge, three nodes and a client created"
fi

# A TCP service on every node: greets with the node's name, then holds the connection.
cat >"$tmp/server.py" <<'EOF'
import socket, sys, threading
name, port = sys.argv[1], int(sys.argv[2])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", port))
ls.listen(16)
print("listening", flush=True)
def serve(c):
    try:
        c.sendall(("hello from %s\n" % name).encode())
        while c.recv(4096):
            pass
    except OSError:
        pass
    c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
# The client: connect, read the greeting, wait for the connection to end, reconnect;
# until the file STOP exists when a connection ends, at most 90 s in all. One line per
# event, epoch milliseconds first.
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
host, port, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ms = lambda: int(time.time() * 1000)
end = time.time() + 90
while not os.path.exists(stop):
    while True:
        if time.time() > end:
            print(ms(), "gave up", flush=True); sys.exit(1)
        try:
            s = socket.create_connection((host, port), timeout=0.5)
            greeting = s.makefile().readline().split()
            break
        except OSError:
            time.sleep(0.05)
    print(ms(), "connected", greeting[-1], s.getsockname()[1], flush=True)
    s.settimeout(None)
    try:
        while s.recv(4096):
            pass
        print(ms(), "closed", flush=True)
    except OSError as e:
        print(ms(), "reset", e.errno, flush=True)
    s.close()
print(ms(), "done", flush=True)
EOF
for i in 1 2 3; do
	ip netns exec "$(kc_ns "n$i")" python3 "$tmp/server.py" "n$i" "$PORT" >"$tmp/server-n$i.log" 2>&1 &
	srv[$i]=$!
done
for i in 1 2 3; do
	tap_check "node $i's TCP service listens" wait_for 10 grep -q listening "$tmp/server-n$i.log"
done
# SMB nodes on n1 and n3 listening on every address, the public one included.
for i in 1 3; do
	kc_node_conf "$tmp/smb$i" "node name = n$i"
	ip netns exec "$(kc_ns "n$i")" "$KC_BIN/ksmbd-mountd" -F -c "$tmp/smb$i/node.conf" >"$tmp/smb$i/mountd.log" 2>&1 &
	mountd[$i]=$!
done
for i in 1 3; do
	tap_check "node $i's SMB node serves" wait_for 15 grep -q "node n$i serving" "$tmp/smb$i/mountd.log"
done

mac_of() { printf '02:99:00:00:00:%02x' "$1"; }
client_mac_for_pub() { in_ns c ip neigh show "$PUB" | grep -qi "lladdr $1"; }
count_of() { grep -c " $1" "$tmp/client.log"; }
client_log_has() { [ "$(count_of "$1")" -ge "$2" ]; }
ev_time() { grep " $1" "$tmp/client.log" | sed -n "${2}p" | awk '{print $1}'; }

# ---- n1 takes the IP -----------------------------------------------------------------------------
tap_check "n1 takes $PUB" in_ns n1 "$IPCTL" take "$PUB/24" eth0
out=$(in_ns n1 "$IPCTL" take "$PUB/24" eth0 2>&1)
tap_check "taking it again is a no-op ($out)" sh -c "printf '%s' '$out' | grep -q 'already present'"
tap_check "n1 has $PUB on eth0" sh -c "ip -n $(kc_ns n1) -o addr show dev eth0 | grep -q ' $PUB/24 '"
tap_check_fail "taking on a missing interface fails clearly" "interface nosuch: No such device" \
	in_ns n1 "$IPCTL" take "$PUB/24" nosuch
out=$(in_ns c timeout 20 smbclient -L "//$PUB" -N 2>&1)
tap_check "the client lists n1's shares through $PUB" \
	sh -c "printf '%s\n' '$out' | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'"

ip netns exec "$(kc_ns c)" python3 "$tmp/client.py" "$PUB" "$PORT" "$tmp/stop" >"$tmp/client.log" 2>&1 &
client=$!
tap_check "the client connects to n1 through $PUB" wait_for 10 client_log_has "connected n1" 1
cport=$(awk '/connected n1/ {print $4; exit}' "$tmp/client.log")
conns=$(in_ns n1 "$IPCTL" conns "$PUB" 2>&1)
tap_check "n1 lists the client's connection on $PUB" \
	sh -c "printf '%s\n' '$conns' | grep -qx '$PUB:$PORT $KC_NET.100:$cport'"

# ---- n1 releases, n2 takes -----------------------------------------------------------------------
t0=$(now_ms)
out=$(in_ns n1 "$IPCTL" release "$PUB/24" eth0 2>&1)
tap_check "n1 releases $PUB, resetting the connection ($out)" \
	sh -c "printf '%s' '$out' | grep -Eq 'deleted from eth0, [1-9][0-9]* connection\(s\) reset'"
tap_check "the client sees the reset at once" wait_for 2 client_log_has "reset" 1
t_reset=$(ev_time reset 1)
tap_diag "release -> client reset: $(( ${t_reset:-0} - t0 )) ms"
tap_check "n1 no longer has $PUB" sh -c "! ip -n $(kc_ns n1) -o addr show | grep -q ' $PUB/'"
out=$(in_ns n1 "$IPCTL" release "$PUB/24" eth0 2>&1)
tap_check "releasing it again is a no-op ($out)" sh -c "printf '%s' '$out' | grep -q 'was not on eth0, 0 connection'"
tap_check "n1's own service connections were left alone" kill -0 "${srv[1]}"

t1=$(now_ms)
tap_check "n2 takes $PUB" in_ns n2 "$IPCTL" take "$PUB/24" eth0
# Linux ignores a neighbour update within locktime (1 s) of the last one: repeat the
# announcement for a while, as arping -U does.
ip netns exec "$(kc_ns n2)" "$IPCTL" announce -c 5 -i 300 "$PUB" eth0 >/dev/null 2>&1 &
tap_check "the client's ARP entry for $PUB moves to n2" wait_for 5 client_mac_for_pub "$(mac_of 2)"
tap_check "the client reconnects to $PUB and reaches n2" wait_for 10 client_log_has "connected n2" 1
t_conn=$(ev_time "connected n2" 1)
tap_diag "take by n2 -> client connected to n2: $(( ${t_conn:-0} - t1 )) ms (release -> reconnected: $(( ${t_conn:-0} - t0 )) ms)"

# ---- n2 dies without releasing; n3 takes and tickles ---------------------------------------------
cport=$(awk '/connected n2/ {print $4; exit}' "$tmp/client.log")
resets=$(count_of reset)
conns=$(in_ns n2 "$IPCTL" conns "$PUB" 2>&1)
tap_check "n2 lists the client's connection on $PUB" \
	sh -c "printf '%s\n' '$conns' | grep -qx '$PUB:$PORT $KC_NET.100:$cport'"
ip -n "$(kc_ns n2)" link set eth0 down
tap_check "n3 takes $PUB" in_ns n3 "$IPCTL" take "$PUB/24" eth0
ip netns exec "$(kc_ns n3)" "$IPCTL" announce -c 5 -i 300 "$PUB" eth0 >/dev/null 2>&1 &
tap_check "the idle client's ARP entry for $PUB moves to n3 (it sent nothing)" \
	wait_for 5 client_mac_for_pub "$(mac_of 3)"
tap_check "the idle client has not noticed anything yet" \
	test "$(count_of reset)" -eq "$resets"
t2=$(now_ms)
out=$(in_ns n3 "$IPCTL" tickle "$PUB:$PORT" "$KC_NET.100:$cport" 2>&1)
tap_check "n3 sends tickle ACKs ($out)" sh -c "printf '%s' '$out' | grep -q '1 connection(s) tickled'"
tap_check "the tickle resets the idle client's connection at once" wait_for 2 client_log_has "reset" $((resets + 1))
t_reset=$(ev_time reset $((resets + 1)))
tap_check "the client reconnects to $PUB and reaches n3" wait_for 10 client_log_has "connected n3" 1
t_conn=$(ev_time "connected n3" 1)
tap_diag "tickle -> client reset: $(( ${t_reset:-0} - t2 )) ms, -> reconnected to n3: $(( ${t_conn:-0} - t2 )) ms"
out=$(in_ns c timeout 20 smbclient -L "//$PUB" -N 2>&1)
tap_check "the client lists n3's shares through $PUB" \
	sh -c "printf '%s\n' '$out' | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'"
tap_check "n3's SMB node served that listing" grep -q "$KC_NET.100" "$tmp/smb3/mountd.log"

# ---- IPv6: take (no DAD wait), unsolicited neighbour advertisement, release ----------------------
PUB6=fd99::200
client6_mac_for_pub() { in_ns c ip -6 neigh show "$PUB6" | grep -qi "lladdr $1"; }
ip -n "$(kc_ns c)" addr add fd99::100/64 dev eth0 nodad
tap_check "n1 takes $PUB6/64" in_ns n1 "$IPCTL" take "$PUB6/64" eth0
tap_check "the address is usable at once (no DAD)" \
	sh -c "ip -n $(kc_ns n1) -o addr show dev eth0 | grep ' $PUB6/64 ' | grep -vq tentative"
tap_check "the client reaches n1 through $PUB6" in_ns c ping -6 -c1 -W2 "$PUB6"
tap_check "the client's neighbour entry for $PUB6 is n1's" client6_mac_for_pub "$(mac_of 1)"
tap_check "n1 releases $PUB6/64" in_ns n1 "$IPCTL" release "$PUB6/64" eth0
tap_check "n3 takes $PUB6/64" in_ns n3 "$IPCTL" take "$PUB6/64" eth0
ip netns exec "$(kc_ns n3)" "$IPCTL" announce -c 5 -i 300 "$PUB6" eth0 >/dev/null 2>&1 &
tap_check "the client's neighbour entry for $PUB6 moves to n3 (it sent nothing)" \
	wait_for 5 client6_mac_for_pub "$(mac_of 3)"
tap_check "n3 releases $PUB6/64" in_ns n3 "$IPCTL" release "$PUB6/64" eth0

# ---- release after the address is already gone ----------------------------------------------------
# What a connection accepted between release's reset pass and the deletion looks like:
# its socket remains but this kernel can no longer send from the address. Release
# resets the peer itself (tickle, learn the sequence, RST).
touch "$tmp/stop"
resets=$(count_of reset)
ip -n "$(kc_ns n3)" addr del "$PUB/24" dev eth0
out=$(in_ns n3 "$IPCTL" release "$PUB/24" eth0 2>&1)
tap_check "release of an address already deleted still resets its peer ($out)" \
	sh -c "printf '%s' '$out' | grep -q 'was not on eth0, 1 connection(s) reset'"
tap_check "the client sees that reset" wait_for 2 client_log_has "reset" $((resets + 1))
tap_check "n3 keeps no socket on $PUB" test -z "$(in_ns n3 "$IPCTL" conns "$PUB")"

# ---- teardown ------------------------------------------------------------------------------------
tap_check "the client ends" kc_wait_exit "$client" 10
for i in 1 3; do
	kill -TERM "${mountd[$i]}"
done
for i in 1 3; do
	tap_check "node $i's SMB node stops cleanly" wait_for 15 grep -q "info: stopped" "$tmp/smb$i/mountd.log"
done
kill "${srv[@]}" 2>/dev/null
kc_check_sanitizers "clean SMB node logs" "$tmp"/smb*/mountd.log
kc_cluster_down
tap_check "teardown removes every namespace" test -z "$(kc_cluster_namespaces)"
tap_done
