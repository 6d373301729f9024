#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real clients against ksmbd-engine + ksmbd-mountd, in a network namespace of
# their own: NTLMv2 logons (SPNEGO) verified in mountd for every dialect, wrong
# passwords, guests and anonymous sessions, signing (also when required),
# tree connects with share access rules, and share listing over the srvsvc
# pipe on IPC$ (smbclient -L). File access itself is not implemented yet, so a
# listing inside a share ends with NT_STATUS_NOT_SUPPORTED: reaching it proves
# the session and the tree connect succeeded.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-cli "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb" "map to guest = bad user"
cat >>"$tmp/node.conf" <<CONF
	read only = no
[pub]
	path = $tmp/share
	guest ok = yes
	comment = Public share
[staff]
	path = $tmp/share
	valid users = bob
[hidden]
	path = $tmp/share
	browseable = no
CONF
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
printf 'Other-2\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add bob >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

# smbclient_expect DESC REGEX ARGS...: run smbclient ARGS, ok when its output matches REGEX.
smbclient_expect() {
	local desc=$1 re=$2 out
	shift 2
	out=$(timeout 30 smbclient "$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		printf '%s\n' "$out" | head -8 | sed 's/^/#   /'
	fi
}

for m in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
	smbclient_expect "$m: alice logs on (NTLMv2) and connects to [share]" \
		'blocks available' //127.0.0.1/share -m "$m" -U alice%Secret-1 -c ls
	smbclient_expect "$m: alice lists the shares over srvsvc" \
		'^[[:space:]]+pub[[:space:]]+Disk[[:space:]]+Public share' -L //127.0.0.1 -m "$m" -U alice%Secret-1
done
smbclient_expect "SMB3_11 with signing required by the client" \
	'blocks available' //127.0.0.1/share -U alice%Secret-1 \
	--option='client signing=required' -c ls
smbclient_expect "a wrong password is STATUS_LOGON_FAILURE" \
	'session setup failed: NT_STATUS_LOGON_FAILURE' //127.0.0.1/share -U alice%wrong -c ls
smbclient_expect "an anonymous session lists the shares" \
	'^[[:space:]]+IPC\$[[:space:]]+IPC' -L //127.0.0.1 -N
out=$(timeout 30 smbclient -L //127.0.0.1 -N 2>&1)
tap_check "browseable = no hides a share from the listing" \
	sh -c "! printf '%s\n' '$out' | grep -q hidden"
smbclient_expect "an unknown user is mapped to guest (map to guest = bad user)" \
	'blocks available' //127.0.0.1/pub -U nobody%x -c ls
smbclient_expect "a guest cannot use a share without guest ok" \
	'tree connect failed: NT_STATUS_ACCESS_DENIED' //127.0.0.1/share -N -c ls
smbclient_expect "valid users keeps others out" \
	'tree connect failed: NT_STATUS_ACCESS_DENIED' //127.0.0.1/staff -U alice%Secret-1 -c ls
smbclient_expect "and lets its user in" \
	'blocks available' //127.0.0.1/staff -U bob%Other-2 -c ls
smbclient_expect "an unknown share is STATUS_BAD_NETWORK_NAME" \
	'tree connect failed: NT_STATUS_BAD_NETWORK_NAME' //127.0.0.1/nosuch -U alice%Secret-1 -c ls
tap_check "mountd logged the logons and the failure" \
	sh -c "grep -q 'logged on as alice' '$tmp/mountd.log' && grep -q 'logon failed' '$tmp/mountd.log'"

# File data: put and get round trips, per dialect, compared byte for byte.
head -c 3000001 /dev/urandom >"$tmp/data.bin"
want=$(sha256sum <"$tmp/data.bin" | cut -d' ' -f1)
for m in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
	rm -f "$tmp/back.bin"
	timeout 60 smbclient //127.0.0.1/share -m "$m" -U alice%Secret-1 \
		-c "put $tmp/data.bin f-$m.bin; get f-$m.bin $tmp/back.bin" >"$tmp/io.log" 2>&1
	if [ "$(sha256sum <"$tmp/share/f-$m.bin" | cut -d' ' -f1)" = "$want" ] &&
	   [ "$(sha256sum <"$tmp/back.bin" | cut -d' ' -f1)" = "$want" ]; then
		tap_ok "$m: a 3 MB file round-trips (put, get) with matching sha256"
	else
		tap_fail "$m: a 3 MB file round-trips (put, get) with matching sha256"
		sed 's/^/#   /' "$tmp/io.log"
	fi
done
# Directories: listing (also one that needs several responses), mkdir, nested paths.
mkdir -p "$tmp/share/big"
for i in $(seq 1 500); do : >"$tmp/share/big/entry-$i.txt"; done
n=$(timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 -c 'ls big/*' 2>&1 | grep -c ' entry-[0-9]*\.txt ')
tap_check "ls lists all 500 entries of a directory ($n seen)" test "$n" -eq 500
smbclient_expect "mkdir creates a directory, ls shows it" '^ +newdir +D ' \
	//127.0.0.1/share -U alice%Secret-1 -c 'mkdir newdir; ls'
tap_check "the directory exists on disk" test -d "$tmp/share/newdir"
timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 \
	-c "cd newdir; put $tmp/data.bin nested.bin; get nested.bin $tmp/nested-back.bin" >/dev/null 2>&1
tap_check "put and get work in a subdirectory" cmp -s "$tmp/data.bin" "$tmp/nested-back.bin"
smbclient_expect "mkdir on a read-only share is refused" 'NT_STATUS_ACCESS_DENIED' \
	//127.0.0.1/pub -U alice%Secret-1 -c 'mkdir nope'
tap_check "and nothing was created" test ! -e "$tmp/share/nope"
smbclient_expect "a read-only share refuses writes" 'NT_STATUS_ACCESS_DENIED' \
	//127.0.0.1/pub -U alice%Secret-1 -c "put $tmp/data.bin nope.bin"
tap_check "and no file was created" test ! -e "$tmp/share/nope.bin"
smbclient_expect "a missing file is STATUS_OBJECT_NAME_NOT_FOUND" \
	'NT_STATUS_OBJECT_NAME_NOT_FOUND' //127.0.0.1/share -U alice%Secret-1 \
	-c "get missing.bin $tmp/missing.bin"

# Signing required by the server.
kill "$KC_MOUNTD_PID"
kc_wait_exit "$KC_MOUNTD_PID" 15
sed -i 's/^\[global\]/[global]\n\tserver signing = mandatory/' "$tmp/node.conf"
kc_mountd_start "$tmp" || tap_fail "node restarts with mandatory signing"
for m in SMB2_10 SMB3_11; do
	smbclient_expect "$m: server signing = mandatory works with a client that signs" \
		'blocks available' //127.0.0.1/share -m "$m" -U alice%Secret-1 -c ls
	rm -f "$tmp/back.bin"
	timeout 60 smbclient //127.0.0.1/share -m "$m" -U alice%Secret-1 \
		-c "get f-$m.bin $tmp/back.bin" >/dev/null 2>&1
	tap_check "$m: signed reads return the right data" \
		sh -c "[ \"\$(sha256sum <'$tmp/back.bin' | cut -d' ' -f1)\" = '$want' ]"
done
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
