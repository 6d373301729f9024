#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A large file through the whole stack: smbclient (SMB3_11, signing on) puts a
# 1 GiB file of random bytes to ksmbd-engine and gets it back; the copy in the
# share and the copy fetched back must have the source's sha256. Times and
# rates are reported. KC_LARGE_SIZE (a head -c size, default 1G) changes the size.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-large "$@"

size=${KC_LARGE_SIZE:-1G}
tmp=$(mktemp -d)
chmod 755 "$tmp"	# tshark's dumpcap writes the capture here
cleanup() {
	[ -n "${cap:-}" ] && kill "$cap" 2>/dev/null
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
echo "	read only = no" >>"$tmp/node.conf"
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

# head accepts 1G, 1M, 4096...; anything it cannot parse leaves the file empty.
head -c "$size" /dev/urandom >"$tmp/src.bin"
bytes=$(stat -c %s "$tmp/src.bin")
tap_check "source file made ($bytes bytes)" test "$bytes" -gt 0
want=$(sha256sum <"$tmp/src.bin" | cut -d' ' -f1)

# xfer DESC CMD: run one smbclient command with signing on; prints the seconds it took.
xfer() {
	local start end
	start=$(date +%s%N)
	timeout 900 smbclient //127.0.0.1/share -m SMB3_11 --client-protection=sign \
		-U alice%Secret-1 -c "$1" >>"$tmp/io.log" 2>&1 || return 1
	end=$(date +%s%N)
	echo $(( (end - start) / 1000000 ))
}

# rate MS: MB/s (10^6 bytes) for $bytes in MS milliseconds.
rate() {
	awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.1f", (ms > 0 ? b / 1e6 / (ms / 1000) : 0) }'
}

# The first packets of the put (headers only) show whether the server signs its WRITE responses.
# A probe connection must show in the file first, so the capture is known to be live.
tshark -n -i lo -f "tcp port 445" -s 256 -c 3000 -w "$tmp/head.pcapng" >"$tmp/tshark.log" 2>&1 &
cap=$!
captured() {
	kc_port_open && [ "$(tshark -n -r "$tmp/head.pcapng" 2>/dev/null | wc -l)" -gt 0 ]
}
tap_check "tshark captures on the namespace's loopback" wait_for 30 captured

if ms=$(xfer "put $tmp/src.bin big.bin") &&
   [ "$(sha256sum <"$tmp/share/big.bin" | cut -d' ' -f1)" = "$want" ]; then
	tap_ok "put $bytes bytes over signed SMB3_11 in $((ms / 1000)).$((ms % 1000 / 100)) s ($(rate "$ms") MB/s), sha256 matches"
else
	tap_fail "put $bytes bytes over signed SMB3_11, sha256 matches"
	tail -5 "$tmp/io.log" | sed 's/^/#   /'
fi
if ms=$(xfer "get big.bin $tmp/back.bin") &&
   [ "$(sha256sum <"$tmp/back.bin" | cut -d' ' -f1)" = "$want" ]; then
	tap_ok "get $bytes bytes over signed SMB3_11 in $((ms / 1000)).$((ms % 1000 / 100)) s ($(rate "$ms") MB/s), sha256 matches"
else
	tap_fail "get $bytes bytes over signed SMB3_11, sha256 matches"
	tail -5 "$tmp/io.log" | sed 's/^/#   /'
fi
kc_wait_exit "$cap" 20 || kill -INT "$cap"
wait "$cap" 2>/dev/null
cap=
# Headers only were captured: no TCP reassembly, each segment's first PDU is decoded.
signed=$(tshark -n -o tcp.desegment_tcp_streams:FALSE -r "$tmp/head.pcapng" 2>/dev/null \
	-Y 'smb2.cmd == 9 && smb2.flags.response == 1 && smb2.flags.signature == 1' | wc -l)
unsigned=$(tshark -n -o tcp.desegment_tcp_streams:FALSE -r "$tmp/head.pcapng" 2>/dev/null \
	-Y 'smb2.cmd == 9 && smb2.flags.response == 1 && smb2.flags.signature == 0' | wc -l)
tap_check "WRITE responses are signed ($signed signed, $unsigned unsigned in the first 3000 packets)" \
	test "$signed" -gt 0 -a "$unsigned" -eq 0
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
