#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real clients against ksmbd-engine + ksmbd-mountd, in a network namespace of
# their own: NTLMv2 logons (SPNEGO) verified in mountd for every dialect, wrong
# passwords, guests and anonymous sessions, signing (also when required),
# tree connects with share access rules, and share listing over the srvsvc
# pipe on IPC$ (smbclient -L), then file access: put/get, directories, and
# SET_INFO (rename, delete, attributes, times) for every dialect.
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

# SET_INFO and delete, per dialect, checked on the server's filesystem: rename
# of files and directories (ReplaceIfExists through "rename -f"), del/rm
# (FILE_DELETE_ON_CLOSE), rmdir (the delete disposition), attributes and times.
for m in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
	d="$tmp/share/si-$m"
	mkdir -p "$d/dir1/deep" "$d/empty" "$d/full"
	printf a >"$d/a.txt"; printf b >"$d/b.txt"; printf c >"$d/c.txt"; printf f >"$d/full/f"
	printf r >"$d/r.txt"; printf t >"$d/t.txt"; printf x >"$d/x.txt"
	timeout 60 smbclient //127.0.0.1/share -m "$m" -U alice%Secret-1 -c "cd si-$m;
		rename a.txt a2.txt; rename dir1 dir2; rename a2.txt b.txt; rename c.txt dir2/deep/c.txt;
		rename x.txt nodir/x.txt; rename dir2 full -f; del t.txt; rm r.txt; rmdir empty; rmdir full;
		setmode b.txt +r; del b.txt; rename b.txt b2.txt -f;
		utimes dir2/deep/c.txt -1 2021:02:03-04:05:06 2022:03:04-05:06:07 -1" >"$tmp/si.log" 2>&1
	tap_check "$m: rename moves a file; a directory with its contents; into a subdirectory" \
		test -f "$d/a2.txt" -a ! -e "$d/a.txt" -a -d "$d/dir2/deep" -a ! -e "$d/dir1" \
		-a -f "$d/dir2/deep/c.txt" -a ! -e "$d/c.txt"
	tap_check "$m: rename onto an existing file without replace is STATUS_OBJECT_NAME_COLLISION" \
		sh -c "grep -q 'NT_STATUS_OBJECT_NAME_COLLISION renaming files .*a2.txt' '$tmp/si.log' &&
		       [ \"\$(cat '$d/a2.txt')\" = a ] && [ \"\$(cat '$d/b2.txt')\" = b ]"
	tap_check "$m: rename into a missing directory is STATUS_OBJECT_PATH_NOT_FOUND" \
		sh -c "grep -q 'NT_STATUS_OBJECT_PATH_NOT_FOUND renaming files .*x.txt' '$tmp/si.log' && test -f '$d/x.txt'"
	tap_check "$m: rename -f does not replace a directory (STATUS_ACCESS_DENIED)" \
		sh -c "grep -q 'NT_STATUS_ACCESS_DENIED renaming files .*dir2' '$tmp/si.log' && test -f '$d/full/f' -a -d '$d/dir2'"
	tap_check "$m: del and rm delete files" test ! -e "$d/t.txt" -a ! -e "$d/r.txt"
	tap_check "$m: rmdir removes an empty directory" test ! -e "$d/empty"
	tap_check "$m: rmdir of a non-empty directory is STATUS_DIRECTORY_NOT_EMPTY" \
		sh -c "grep -q NT_STATUS_DIRECTORY_NOT_EMPTY '$tmp/si.log' && test -f '$d/full/f'"
	tap_check "$m: rename -f onto a missing name works for a read-only file" \
		test -f "$d/b2.txt" -a ! -e "$d/b.txt"
	tap_check "$m: setmode +r makes the file read-only (no write bits), del is STATUS_CANNOT_DELETE" \
		sh -c "[ \"\$(stat -c %a '$d/b2.txt')\" = 444 ] && grep -q 'NT_STATUS_CANNOT_DELETE' '$tmp/si.log'"
	tap_check "$m: utimes sets the access and write times" \
		sh -c "[ \"\$(stat -c '%X %Y' '$d/dir2/deep/c.txt')\" = '1612325106 1646370367' ]"
	timeout 60 smbclient //127.0.0.1/share -m "$m" -U alice%Secret-1 \
		-c "cd si-$m; rename a2.txt b2.txt -f; setmode b2.txt -r; rename a2.txt b2.txt -f; del b2.txt" \
		>"$tmp/si2.log" 2>&1
	tap_check "$m: rename -f refuses to replace a read-only file, replaces it once writable" \
		sh -c "grep -q NT_STATUS_ACCESS_DENIED '$tmp/si2.log' && test ! -e '$d/a2.txt' -a ! -e '$d/b2.txt'"
done
# Opens held across commands (smbclient's open/close, which shares reading and
# writing but not deleting): a delete is a sharing violation until that open
# closes, and a directory with an open file below it cannot be renamed.
mkdir -p "$tmp/share/held/sub"
printf x >"$tmp/share/held/sub/f"; printf y >"$tmp/share/held/g"
timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 -c "cd held; open sub/f; rename sub sub2;
	open g; del g; ls g; close 2; del g; ls g; close 1; rename sub sub2" >"$tmp/held.log" 2>&1
tap_check "a directory with an open file below it is not renamed (STATUS_ACCESS_DENIED)" \
	grep -q 'NT_STATUS_ACCESS_DENIED renaming files .*sub' "$tmp/held.log"
tap_check "and is renamed once the file is closed" test -f "$tmp/share/held/sub2/f" -a ! -e "$tmp/share/held/sub"
tap_check "del of a file open elsewhere without FILE_SHARE_DELETE is STATUS_SHARING_VIOLATION, after its close del deletes it" \
	sh -c "grep -q 'NT_STATUS_SHARING_VIOLATION' '$tmp/held.log' && grep -q '^ *g *A' '$tmp/held.log' &&
	       grep -q 'NT_STATUS_NO_SUCH_FILE listing .*g' '$tmp/held.log' && test ! -e '$tmp/share/held/g'"
smbclient_expect "a read-only share refuses rename" 'NT_STATUS_ACCESS_DENIED' \
	//127.0.0.1/pub -U alice%Secret-1 -c "rename si-SMB3_11/x.txt si-SMB3_11/y.txt"
smbclient_expect "a read-only share refuses del" 'NT_STATUS_ACCESS_DENIED' \
	//127.0.0.1/pub -U alice%Secret-1 -c "del si-SMB3_11/x.txt"
tap_check "and nothing changed" test -f "$tmp/share/si-SMB3_11/x.txt" -a ! -e "$tmp/share/si-SMB3_11/y.txt"
smbclient_expect "allinfo shows the name, the default stream and the read-only attribute" \
	'stream: \[::\$DATA\], 1 bytes' //127.0.0.1/share -U alice%Secret-1 \
	-c "setmode si-SMB3_11/x.txt +r; allinfo si-SMB3_11/x.txt"

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
