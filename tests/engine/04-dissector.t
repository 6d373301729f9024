#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tshark's SMB/SMB2 dissectors read a capture of real clients talking to the
# engine: every response must decode, with no malformed packet and no expert
# error. Runs in a network namespace of its own, capturing on its loopback.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-dis "$@"

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
	[ -n "${cap:-}" ] && kill "$cap" 2>/dev/null
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT
kc_node_conf "$tmp"
kc_mountd_start "$tmp" || tap_fail "node starts"

tshark -n -i lo -f "tcp port 445" -w "$tmp/smb.pcapng" >"$tmp/tshark.log" 2>&1 &
cap=$!
tap_check "tshark captures on the namespace's loopback" wait_for 20 grep -q "Capturing on" "$tmp/tshark.log"
timeout 20 smbclient -L //127.0.0.1 -N >/dev/null 2>&1
timeout 20 smbclient -L //127.0.0.1 -N -m NT1 --option='client min protocol=NT1' >/dev/null 2>&1
# A compound of two requests in one frame, as clients send them.
python3 - <<'PY' >"$tmp/compound.log" 2>&1
import socket, struct
def hdr(cmd, mid, nxt):
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, 0, cmd, 1, 0, nxt, mid, 0, 0, 0)
            + b"\0" * 16)
echo = struct.pack("<HH", 4, 0)
pdu1 = hdr(13, 1, 72) + echo + b"\0" * 4
pdu2 = hdr(13, 2, 0) + echo
neg = hdr(0, 0, 0) + struct.pack("<HHHHI16sIHHHH", 36, 2, 1, 0, 0, b"G" * 16, 0, 0, 0, 0x202, 0x210)
s = socket.create_connection(("127.0.0.1", 445), timeout=5)
for body in (neg, pdu1 + pdu2):
    s.sendall(struct.pack(">I", len(body)) + body)
    s.recv(4096)
s.close()
PY
# libpcap hands packets to dumpcap in batches: wait until the last exchange is in
# the file before stopping the capture.
# frames FILTER: how many packets of the capture match the display filter.
frames() {
	tshark -n -r "$tmp/smb.pcapng" -Y "$1" 2>/dev/null | wc -l
}
captured() {
	[ "$(frames "$1")" -ge 1 ]
}
tap_check "the capture holds the last exchange" \
	wait_for 20 captured 'smb2.chain_offset == 72 && smb2.flags.response == 1'
kill -INT "$cap"
wait "$cap" 2>/dev/null
cap=

n=$(frames 'smb2.cmd == 0 && smb2.flags.response == 1 && smb2.dialect == 0x0311')
tap_check "the SMB 3.1.1 NEGOTIATE response decodes ($n frames)" test "$n" -ge 1
n=$(frames 'smb2.negotiate_context.type == 1 && smb2.flags.response == 1')
tap_check "its preauth integrity context decodes ($n frames)" test "$n" -ge 1
n=$(frames 'smb2.cmd == 1 && smb2.nt_status == 0 && smb2.flags.response == 1')
tap_check "the anonymous SESSION_SETUP succeeds and decodes ($n frames)" test "$n" -ge 1
n=$(frames 'dcerpc.pkt_type == 12')
tap_check "the srvsvc bind_ack decodes ($n frames)" test "$n" -ge 1
n=$(frames 'srvsvc.opnum == 15 && dcerpc.pkt_type == 2')
tap_check "the NetShareEnumAll response decodes ($n frames)" test "$n" -ge 1
n=$(frames 'smb.nt_status == 0xc00000bb && smb.flags.response == 1')
tap_check "the SMB1 NEGOTIATE refusal decodes ($n frames)" test "$n" -ge 1
n=$(frames 'smb2.chain_offset == 72 && smb2.flags.response == 1')
tap_check "the compound response is chained at an 8-byte boundary" test "$n" -ge 1
n=$(frames '_ws.malformed')
tap_check "no malformed packets" test "$n" -eq 0
tshark -n -r "$tmp/smb.pcapng" -q -z expert,error >"$tmp/expert.txt" 2>&1
if grep -q '^Errors' "$tmp/expert.txt"; then
	tap_fail "no expert errors"
	sed 's/^/#   /' "$tmp/expert.txt"
else
	tap_ok "no expert errors"
fi
kc_check_sanitizers "clean logs" "$tmp/mountd.log"
tap_done
