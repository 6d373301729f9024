#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# FSCTLs through smbclient against ksmbd-engine + ksmbd-mountd, in a network
# namespace of its own: "scopy" (server-side copy: FSCTL_SRV_REQUEST_RESUME_KEY
# and FSCTL_SRV_COPYCHUNK(_WRITE), kernel/fsctl.h) of files smaller than one
# chunk, of several chunks and of more than one request's 16 MiB, into a
# subdirectory, compared byte for byte on disk (smbclient creates the target,
# so an existing one is a collision);
# "allinfo" asks FSCTL_SRV_ENUMERATE_SNAPSHOTS and lists no snapshot; a copy
# into a read-only share is refused.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-fsctl "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
mkdir -p "$tmp/ro"
cat >>"$tmp/node.conf" <<CONF
	read only = no
[ro]
	path = $tmp/ro
	read only = yes
CONF
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"
S=(//127.0.0.1/share -U alice%Secret-1)

head -c 1000 /dev/urandom >"$tmp/share/small.bin"
head -c $((3 * 1024 * 1024 + 123)) /dev/urandom >"$tmp/share/mid.bin"
cp "$tmp/share/mid.bin" "$tmp/mid.orig"
head -c $((18 * 1024 * 1024)) /dev/urandom >"$tmp/share/big.bin"
mkdir "$tmp/share/sub"

smbclient_expect "scopy copies a file smaller than a chunk on the server" \
	'small.copy +A +1000' "${S[@]}" -c "scopy small.bin small.copy; ls small.copy"
tap_check "and the copy has the same bytes" cmp "$tmp/share/small.bin" "$tmp/share/small.copy"
timeout 60 smbclient "${S[@]}" -c "scopy mid.bin sub/mid.copy" >"$tmp/mid.log" 2>&1
tap_check "a file of several 1 MiB chunks is copied into a subdirectory" \
	cmp "$tmp/share/mid.bin" "$tmp/share/sub/mid.copy"
timeout 120 smbclient "${S[@]}" -c "scopy big.bin big.copy" >"$tmp/big.log" 2>&1
tap_check "a file past one request's 16 MiB is copied in several requests" \
	cmp "$tmp/share/big.bin" "$tmp/share/big.copy"
smbclient_expect "scopy creates its target: an existing one is STATUS_OBJECT_NAME_COLLISION" \
	'NT_STATUS_OBJECT_NAME_COLLISION' "${S[@]}" -c "scopy small.bin mid.bin"
tap_check "and the existing file is untouched" cmp "$tmp/share/mid.bin" "$tmp/mid.orig"
smbclient_expect "allinfo's snapshot enumeration lists none" \
	'stream: \[::\$DATA\], 1000 bytes' "${S[@]}" -c "allinfo small.bin"
out=$(timeout 30 smbclient "${S[@]}" -c "allinfo small.bin" 2>&1)
tap_check "and reports no error for it" sh -c "! printf '%s\n' '$out' | grep -q 'NT_STATUS'"
cp "$tmp/share/small.bin" "$tmp/ro/src.bin"
smbclient_expect "a read-only share refuses the target" \
	'NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)' //127.0.0.1/ro -U alice%Secret-1 \
	-c "scopy src.bin dst.bin"
tap_check "and nothing was written" test ! -e "$tmp/ro/dst.bin"
tap_check "ksmbd-engine is still running" kill -0 "$(kc_engine_pid "$tmp")"
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
