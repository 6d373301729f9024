#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SMB3 encryption against smbclient, in a network namespace of its own:
# client-requested encryption (--client-protection=encrypt) with the default
# configuration, each 3.1.1 cipher; smb encrypt = required for SMB3_00,
# SMB3_02 and SMB3_11 (listing, put and get of a few MB with matching sha256),
# refusal of an SMB2_10 client and of guests; the same with server signing =
# mandatory; smb encrypt = off; and, with desired, a capture read by tshark
# that shows transform headers and no cleartext file content.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-enc "$@"

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
	[ -n "${cap:-}" ] && kill "$cap" 2>/dev/null
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT


# round_trip DESC ARGS...: put and get data.bin as NAME with smbclient ARGS;
# ok when the share's copy and the one read back both match.
round_trip() {
	local desc=$1 name=$2
	shift 2
	rm -f "$tmp/back.bin"
	timeout 60 smbclient "//127.0.0.1/${rt_share:-share}" -U alice%Secret-1 "$@" \
		-c "put $tmp/data.bin $name; get $name $tmp/back.bin" >"$tmp/io.log" 2>&1
	if [ "$(sha256sum <"$tmp/share/$name" 2>/dev/null | cut -d' ' -f1)" = "$want" ] &&
	   [ "$(sha256sum <"$tmp/back.bin" 2>/dev/null | cut -d' ' -f1)" = "$want" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		sed 's/^/#   /' "$tmp/io.log" | head -10
	fi
}

# write_conf GLOBAL-LINE...: [share] writable, and [secret] (same directory,
# open to guests) requiring encryption itself.
write_conf() {
	kc_node_conf "$tmp" "passdb file = $tmp/passdb" "map to guest = bad user" "$@"
	cat >>"$tmp/node.conf" <<CONF
	read only = no
[secret]
	path = $tmp/share
	read only = no
	guest ok = yes
	smb encrypt = required
CONF
}

restart() {
	kill "$KC_MOUNTD_PID"
	kc_wait_exit "$KC_MOUNTD_PID" 15
	KC_MOUNTD_PID=
	write_conf "$@"
	kc_mountd_start "$tmp" || tap_fail "node restarts with: $*"
}

head -c 4000001 /dev/urandom >"$tmp/data.bin"
want=$(sha256sum <"$tmp/data.bin" | cut -d' ' -f1)

# Default configuration: encryption only when the client asks for it.
write_conf
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

for m in SMB3_00 SMB3_02 SMB3_11; do
	round_trip "$m: client-requested encryption round-trips 4 MB" \
		"e-$m.bin" -m "$m" --client-protection=encrypt
done
for alg in AES-128-GCM AES-128-CCM AES-256-GCM AES-256-CCM; do
	round_trip "SMB3_11 with $alg only: round-trips 4 MB encrypted" "e-$alg.bin" --client-protection=encrypt \
		--option="client smb3 encryption algorithms=$alg"
done
smbclient_expect "client-requested encryption lists the shares (srvsvc over an encrypted IPC\$)" \
	'^[[:space:]]+share[[:space:]]+Disk' -L //127.0.0.1 --client-protection=encrypt -U alice%Secret-1
smbclient_expect "SMB2_10 with --client-protection=encrypt cannot encrypt: the client gives up" \
	"Encryption required and server doesn't support SMB3 encryption" \
	//127.0.0.1/share -m SMB2_10 --client-protection=encrypt -U alice%Secret-1 -c ls

# A share with smb encrypt = required: clients encrypt there because the tree
# connect says so; those that cannot are refused, [share] stays open to them.
for m in SMB3_00 SMB3_11; do
	rt_share=secret round_trip "$m: [secret] (share requires encryption) round-trips 4 MB" \
		"x-$m.bin" -m "$m"
done
smbclient_expect "SMB2_10: [secret] refuses the tree connect" \
	'tree connect failed: NT_STATUS_ACCESS_DENIED' //127.0.0.1/secret -m SMB2_10 \
	-U alice%Secret-1 -c ls
smbclient_expect "SMB2_10: [share] is still open" 'blocks available' //127.0.0.1/share \
	-m SMB2_10 -U alice%Secret-1 -c ls
smbclient_expect "a guest (guest ok = yes) cannot connect to [secret]: it cannot encrypt" \
	'tree connect failed: NT_STATUS_ACCESS_DENIED' //127.0.0.1/secret -U nobody%x -c ls

# smb encrypt = required: everything encrypted, clients that cannot are refused.
restart "smb encrypt = required"
for m in SMB3_00 SMB3_02 SMB3_11; do
	smbclient_expect "$m: required: alice lists [share]" 'blocks available' \
		//127.0.0.1/share -m "$m" -U alice%Secret-1 -c ls
	round_trip "$m: required: 4 MB round-trip with matching sha256" "r-$m.bin" -m "$m"
done
smbclient_expect "required: the share listing works (srvsvc, encrypted)" \
	'^[[:space:]]+share[[:space:]]+Disk' -L //127.0.0.1 -U alice%Secret-1
smbclient_expect "required: an SMB2_10 client is refused (STATUS_ACCESS_DENIED)" \
	'NT_STATUS_ACCESS_DENIED' //127.0.0.1/share -m SMB2_10 -U alice%Secret-1 -c ls
smbclient_expect "required: a guest session is refused" \
	'NT_STATUS_ACCESS_DENIED' //127.0.0.1/share -U nobody%x -c ls
tap_check "mountd's engine logged the refusals" \
	grep -q 'smb encrypt = required' "$tmp/mountd.log"

# Also with signing mandatory: encrypted messages are not signed, the rest is.
restart "smb encrypt = required" "server signing = mandatory"
for m in SMB3_00 SMB3_11; do
	round_trip "$m: required + signing mandatory: 4 MB round-trip" "s-$m.bin" -m "$m"
done
smbclient_expect "required + signing mandatory: SMB2_10 still refused" \
	'NT_STATUS_ACCESS_DENIED' //127.0.0.1/share -m SMB2_10 -U alice%Secret-1 -c ls

# Captures: cap_start NAME starts tshark on the namespace's loopback into
# NAME.pcapng; cap_stop waits until the capture holds COUNT frames matching
# FILTER (libpcap hands packets over in batches), then stops it.
cap_start() {
	capfile=$tmp/$1.pcapng
	tshark -n -i lo -f "tcp port 445" -w "$capfile" >"$tmp/tshark.log" 2>&1 &
	cap=$!
	tap_check "tshark captures on the namespace's loopback ($1)" \
		wait_for 20 grep -q "Capturing on" "$tmp/tshark.log"
}
frames() {
	tshark -n -r "$capfile" -Y "$1" 2>/dev/null | wc -l
}
captured() {
	[ "$(frames "$1")" -ge "$2" ]
}
cap_stop() {
	tap_check "the capture holds the last exchange" wait_for 20 captured "$1" "$2"
	kill -INT "$cap"
	wait "$cap" 2>/dev/null
	cap=
}
# payload_has STRING: whether STRING appears in clear in a TCP payload of the capture.
payload_has() {
	local hex
	hex=$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')
	tshark -n -r "$capfile" -T fields -e tcp.payload 2>/dev/null | tr -d ':\n' | grep -q "$hex"
}
printf 'KSMBD-CLEARTEXT-MARKER-%s\n' $(seq 1 20000) >"$tmp/marker.txt"

# smb encrypt = off: a client that insists on encryption cannot have it; the
# others work in clear, and SMB 3.0 clients validate the negotiation.
restart "smb encrypt = off"
smbclient_expect "off: no cipher is offered, a client that requires encryption gives up" \
	"Encryption required and server doesn't support SMB3 encryption" \
	//127.0.0.1/share --client-protection=encrypt -U alice%Secret-1 -c ls
round_trip "off: unencrypted access still works" "o.bin"
cap_start clear
timeout 60 smbclient //127.0.0.1/share -m SMB3_00 -U alice%Secret-1 \
	-c "put $tmp/marker.txt marker.txt" >"$tmp/io.log" 2>&1
tap_check "off: SMB3_00 put of the marker file" cmp -s "$tmp/marker.txt" "$tmp/share/marker.txt"
cap_stop 'tcp.flags.fin == 1' 2
vni='smb2.ioctl.function == 0x00140204 && smb2.flags.response == 1'
n=$(frames "$vni && smb2.nt_status == 0 && smb2.flags.signature == 1")
tap_check "FSCTL_VALIDATE_NEGOTIATE_INFO is answered with success, signed ($n frames)" \
	test "$n" -ge 1
n=$(frames "$vni && smb2.dialect == 0x0300")
tap_check "and repeats the negotiated dialect ($n frames)" test "$n" -ge 1
tap_check "without encryption the file's content is visible in the capture" \
	payload_has KSMBD-CLEARTEXT-MARKER

# With smb encrypt = desired, a capture shows transform headers and none of
# the file's bytes in clear.
restart "smb encrypt = desired"
cap_start enc
timeout 60 smbclient //127.0.0.1/share -m SMB3_11 -U alice%Secret-1 \
	-c "put $tmp/marker.txt marker.txt; get marker.txt $tmp/marker-back.txt" >"$tmp/io.log" 2>&1
timeout 60 smbclient //127.0.0.1/share -m SMB3_00 -U alice%Secret-1 \
	-c "get marker.txt $tmp/marker-back30.txt" >>"$tmp/io.log" 2>&1
tap_check "desired: the marker file round-trips (3.1.1 put/get, 3.0 get)" \
	sh -c "cmp -s '$tmp/marker.txt' '$tmp/marker-back.txt' && cmp -s '$tmp/marker.txt' '$tmp/marker-back30.txt'"
# Both clients end by closing their connection.
cap_stop 'tcp.flags.fin == 1' 4
n=$(frames 'smb2.header.transform.nonce')
tap_check "SMB2 transform headers on the wire ($n frames)" test "$n" -ge 10
n=$(frames 'smb2.cmd == 8 || smb2.cmd == 9')
tap_check "no READ or WRITE travels in clear ($n frames)" test "$n" -eq 0
n=$(frames 'smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0 && smb2.ses_flags.encrypt == 1')
tap_check "SESSION_SETUP answers with SMB2_SESSION_FLAG_ENCRYPT_DATA ($n frames)" test "$n" -ge 2
if payload_has KSMBD-CLEARTEXT-MARKER; then
	tap_fail "the file's content never appears in clear"
else
	tap_ok "the file's content never appears in clear"
fi
n=$(frames '_ws.malformed')
tap_check "no malformed packets" test "$n" -eq 0

kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
