#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Named streams and EAs with smbclient against ksmbd-engine + ksmbd-mountd, in a
# network namespace of its own: "put x file:stream" and "get file:stream" round
# trips, "allinfo" listing ::$DATA and every named stream with its size, the
# extended attributes that keep them (trusted.ksmbd.stream.NAME,
# trusted.ksmbd.EA.NAME), an overwrite of the file dropping its streams, a
# share with "streams = no", and EAs set, listed, removed and refused
# (setea/geteas) on files and directories.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-streams "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
mkdir -p "$tmp/plain"
cat >>"$tmp/node.conf" <<CONF
	read only = no
[plain]
	path = $tmp/plain
	read only = no
	streams = no
CONF
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"
S=(//127.0.0.1/share -U alice%Secret-1)

printf 'base data\n' >"$tmp/base.txt"
head -c 3000 /dev/urandom >"$tmp/stream.bin"
smbclient_expect "put a file, then a named stream of it (file:stream)" \
	'putting file .* as \\f.txt:st1' "${S[@]}" \
	-c "put $tmp/base.txt f.txt; put $tmp/stream.bin f.txt:st1"
tap_check "the stream is the extended attribute trusted.ksmbd.stream.st1 of the file" \
	sh -c "getfattr --only-values -n trusted.ksmbd.stream.st1 '$tmp/share/f.txt' | cmp -s - '$tmp/stream.bin'"
tap_check "the file's own data is untouched" cmp -s "$tmp/share/f.txt" "$tmp/base.txt"
rm -f "$tmp/back.bin"
timeout 30 smbclient "${S[@]}" -c "get f.txt:ST1 $tmp/back.bin" >"$tmp/get.log" 2>&1
tap_check "get file:stream returns the stream's data (names compare without case)" \
	cmp -s "$tmp/back.bin" "$tmp/stream.bin"
smbclient_expect "allinfo lists ::\$DATA with the file's size" \
	'stream: \[::\$DATA\], 10 bytes' "${S[@]}" -c "allinfo f.txt"
smbclient_expect "allinfo lists the named stream with its size" \
	'stream: \[:st1:\$DATA\], 3000 bytes' "${S[@]}" -c "allinfo f.txt"
smbclient_expect "file:stream:\$DATA names the same stream" \
	'stream: \[:st2:\$DATA\], 10 bytes' "${S[@]}" \
	-c "put $tmp/base.txt f.txt:st2:\$DATA; allinfo f.txt"
smbclient_expect "a stream type other than \$DATA is STATUS_OBJECT_NAME_INVALID" \
	'NT_STATUS_OBJECT_NAME_INVALID' "${S[@]}" -c "put $tmp/base.txt f.txt:st3:\$FOO"
smbclient_expect "a stream of a missing stream is STATUS_OBJECT_NAME_NOT_FOUND" \
	'NT_STATUS_OBJECT_NAME_NOT_FOUND' "${S[@]}" -c "get f.txt:nosuch $tmp/x"
smbclient_expect "a directory has named streams too" \
	'stream: \[:ds:\$DATA\], 10 bytes' "${S[@]}" \
	-c "mkdir d; put $tmp/base.txt d:ds; allinfo d"
out=$(timeout 30 smbclient "${S[@]}" -c "put $tmp/base.txt f.txt; allinfo f.txt" 2>&1)
tap_check "overwriting the file removes its named streams" \
	sh -c "printf '%s\n' '$out' | grep -q 'stream: \[::\$DATA\]' && ! printf '%s\n' '$out' | grep -q ':st1:'"
head -c 70000 /dev/zero >"$tmp/big.bin"
smbclient_expect "a stream past what one extended attribute holds is STATUS_DISK_FULL" \
	'NT_STATUS_DISK_FULL' "${S[@]}" -c "put $tmp/big.bin f.txt:big"

P=(//127.0.0.1/plain -U alice%Secret-1)
smbclient_expect "streams = no: file:stream is STATUS_OBJECT_NAME_NOT_FOUND" \
	'NT_STATUS_OBJECT_NAME_NOT_FOUND' "${P[@]}" -c "put $tmp/base.txt g.txt; put $tmp/base.txt g.txt:st"
smbclient_expect "streams = no: allinfo lists ::\$DATA only" \
	'stream: \[::\$DATA\], 10 bytes' "${P[@]}" -c "allinfo g.txt"
tap_check "streams = no: nothing was stored" \
	sh -c "! getfattr -d -m trusted.ksmbd '$tmp/plain/g.txt' 2>/dev/null | grep -q stream"

# EAs (FileFullEaInformation)
smbclient_expect "a file without EAs: STATUS_NO_EAS_ON_FILE" \
	'NT_STATUS_NO_EAS_ON_FILE' "${S[@]}" -c "geteas f.txt"
smbclient_expect "setea then geteas lists the EA, its name in upper case" \
	'USER.COLOR \(0\) =' "${S[@]}" -c "setea f.txt user.color blue; setea f.txt Second xx; geteas f.txt"
tap_check "the EA is the extended attribute trusted.ksmbd.ea.USER.COLOR (flags byte, value)" \
	sh -c "getfattr --only-values -n trusted.ksmbd.ea.USER.COLOR '$tmp/share/f.txt' | od -An -c | tr -d ' \n' | grep -qx '\\\\0blue'"
out=$(timeout 30 smbclient "${S[@]}" -c "setea f.txt USER.COLOR; geteas f.txt" 2>&1)
tap_check "an EA set with an empty value is removed, the others stay" \
	sh -c "printf '%s\n' '$out' | grep -q 'SECOND (0)' && ! printf '%s\n' '$out' | grep -q COLOR"
smbclient_expect "an EA name with a '*' is STATUS_INVALID_EA_NAME" \
	'STATUS_INVALID_EA_NAME' "${S[@]}" -c "setea f.txt 'bad*name' v"
smbclient_expect "a directory holds EAs" \
	'DIREA \(0\) =' "${S[@]}" -c "setea d DirEa 1; geteas d"
smbclient_expect "streams = no keeps EAs" \
	'PLAIN \(0\) =' "${P[@]}" -c "setea g.txt plain 1; geteas g.txt"
tap_check "ksmbd-engine is still running" kill -0 "$(kc_engine_pid "$tmp")"
tap_done
