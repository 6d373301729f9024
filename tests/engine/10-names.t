#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Names and DOS attributes with smbclient: case-insensitive lookup (get,
# cd, put and rename under another case; "case sensitive = yes" turns it
# off), short names (allinfo's altname, opening a file by its short name),
# and DOS attributes kept in the trusted.ksmbd_cluster.dosattrib xattr
# (setmode +h/+s/-a, then allinfo and ls).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-names "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
cat >>"$tmp/node.conf" <<CONF
	read only = no
[exact]
	path = $tmp/share
	read only = no
	case sensitive = yes
CONF
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

S=$tmp/share
smb() { timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 "$@" 2>&1; }

printf 'hello\n' >"$S/hello.txt"
mkdir -p "$S/SubDir"
printf 'nested\n' >"$S/SubDir/Inner.txt"

# Case-insensitive lookup.
rm -f "$tmp/got"
smb -c "get HELLO.TXT $tmp/got" >"$tmp/ci.log"
tap_check "get HELLO.TXT returns hello.txt" sh -c "[ \"\$(cat '$tmp/got' 2>/dev/null)\" = hello ]"
rm -f "$tmp/got"
smb -c "cd subdir; get INNER.TXT $tmp/got" >>"$tmp/ci.log"
tap_check "cd subdir; get INNER.TXT finds SubDir/Inner.txt" \
	sh -c "[ \"\$(cat '$tmp/got' 2>/dev/null)\" = nested ]"
rm -f "$tmp/got"
smb -c "get sUbDiR\\iNnEr.TxT $tmp/got" >>"$tmp/ci.log"
tap_check "every component of a path is matched without case" \
	sh -c "[ \"\$(cat '$tmp/got' 2>/dev/null)\" = nested ]"
printf 'replaced\n' >"$tmp/new"
smb -c "put $tmp/new Hello.TXT" >>"$tmp/ci.log"
tap_check "put Hello.TXT overwrites hello.txt instead of creating a second file" \
	sh -c "[ \"\$(cat '$S/hello.txt')\" = replaced ] && [ \$(ls '$S' | grep -ci '^hello.txt\$') = 1 ]"
smb -c "mkdir SUBDIR" >"$tmp/mkdir.log"
tap_check "mkdir SUBDIR collides with SubDir (STATUS_OBJECT_NAME_COLLISION)" \
	sh -c "grep -q NT_STATUS_OBJECT_NAME_COLLISION '$tmp/mkdir.log' && [ \$(ls '$S' | grep -ci '^subdir\$') = 1 ]"
smb -c "rename hello.txt Hello.txt" >>"$tmp/ci.log"
tap_check "rename hello.txt Hello.txt changes only the case" \
	sh -c "[ -f '$S/Hello.txt' ] && [ ! -e '$S/hello.txt' ]"
smb -c "mkdir NewDir; put $tmp/new newdir/NEW.txt" >>"$tmp/ci.log"
tap_check "a new name keeps the client's case; a new file goes into the existing directory" \
	test -f "$S/NewDir/NEW.txt"
out=$(timeout 60 smbclient //127.0.0.1/exact -U alice%Secret-1 -c "get HELLO.TXT $tmp/nope" 2>&1)
tap_check "case sensitive = yes: get HELLO.TXT is STATUS_OBJECT_NAME_NOT_FOUND" \
	sh -c "printf '%s' '$out' | grep -q NT_STATUS_OBJECT_NAME_NOT_FOUND"
rm -f "$tmp/got"
timeout 60 smbclient //127.0.0.1/exact -U alice%Secret-1 -c "get Hello.txt $tmp/got" >/dev/null 2>&1
tap_check "and the exact name still works" test -s "$tmp/got"

# Short names.
printf 'long\n' >"$S/Long File Name.text"
out=$(smb -c "allinfo \"Long File Name.text\"")
alt=$(printf '%s\n' "$out" | sed -n 's/^altname: //p')
tap_check "allinfo shows an 8.3 altname for a long name ($alt)" \
	sh -c "printf '%s' '$alt' | grep -Eq '^LONG~[0-9A-Z]{3}\\.TEX\$'"
alt2=$(smb -c "allinfo \"LONG FILE NAME.TEXT\"" | sed -n 's/^altname: //p')
tap_check "the same altname every time, whatever case the long name is asked in" \
	test -n "$alt" -a "$alt" = "$alt2"
rm -f "$tmp/got"
smb -c "get $alt $tmp/got" >/dev/null
tap_check "get by the short name opens the long-named file" \
	sh -c "[ \"\$(cat '$tmp/got' 2>/dev/null)\" = long ]"
smbclient_expect "ls by the short name lists the long name" '^ +Long File Name.text +A ' \
	//127.0.0.1/share -U alice%Secret-1 -c "ls $alt"
mkdir -p "$S/uni"
printf 'x' >"$S/uni/ÉTÉ.txt"
rm -f "$tmp/got"
smb -c "get uni/été.TXT $tmp/got" >/dev/null
tap_check "non-ASCII names match with Unicode case folding (get été.TXT of ÉTÉ.txt)" \
	sh -c "[ \"\$(cat '$tmp/got' 2>/dev/null)\" = x ]"
smbclient_expect "an 8.3 name is its own altname" '^altname: Hello.txt' \
	//127.0.0.1/share -U alice%Secret-1 -c "allinfo Hello.txt"

# DOS attributes.
smbclient_expect "setmode +h, then allinfo shows HIDDEN with ARCHIVE" '^attributes: HA \(22\)' \
	//127.0.0.1/share -U alice%Secret-1 -c "setmode Hello.txt +h; allinfo Hello.txt"
tap_check "the attributes are in the trusted.ksmbd_cluster.dosattrib xattr" \
	sh -c "getfattr -e hex -n trusted.ksmbd_cluster.dosattrib '$S/Hello.txt' 2>/dev/null |
	       grep -q '=0x0101000022000000'"
smbclient_expect "setmode +s -a: SYSTEM and HIDDEN, no ARCHIVE" '^attributes: HS \(6\)' \
	//127.0.0.1/share -U alice%Secret-1 -c "setmode Hello.txt +s-a; allinfo Hello.txt"
smbclient_expect "ls shows them" '^ +Hello.txt +HS ' \
	//127.0.0.1/share -U alice%Secret-1 -c "ls"
smbclient_expect "setmode -hs: no attribute left is NORMAL" '^attributes: +\(80\)' \
	//127.0.0.1/share -U alice%Secret-1 -c "setmode Hello.txt -hs; allinfo Hello.txt"
smbclient_expect "a directory keeps HIDDEN too" '^attributes: HD \(12\)' \
	//127.0.0.1/share -U alice%Secret-1 -c "setmode SubDir +h; allinfo SubDir"
smbclient_expect "setmode +r still means no write permission bits" '^attributes: RA \(21\)' \
	//127.0.0.1/share -U alice%Secret-1 -c "setmode NewDir/NEW.txt +r; allinfo NewDir/NEW.txt"
tap_check "(mode 444 on disk)" sh -c "[ \"\$(stat -c %a '$S/NewDir/NEW.txt')\" = 444 ]"

kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
