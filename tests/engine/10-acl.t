#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Security descriptors with a real peer, smbcacls (Samba's client), in a
# network namespace of its own: the descriptor synthesised from the POSIX
# owner, group and mode; setting a DACL (kept in the xattr
# trusted.ksmbd_cluster.sd, mapped onto the mode); inheritance with CREATOR
# OWNER substitution onto files and directories created below; stable user
# SIDs (the same after a restart); the access check of CREATE for another
# user; the owner's implicit READ_CONTROL and WRITE_DAC; owners that may not
# be set (STATUS_INVALID_OWNER), over SMB 2.1 and 3.1.1; a damaged xattr.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-acl "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
echo "	read only = no" >>"$tmp/node.conf"
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
printf 'Other-2\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add bob >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

echo hello >"$tmp/share/plain"
chown 1234:567 "$tmp/share/plain"
chmod 0640 "$tmp/share/plain"

# cacls NAME USER%PASS ARGS...: smbcacls with numeric SIDs; output in $out, status in $rc.
cacls() {
	local name=$1 cred=$2
	shift 2
	out=$(timeout 30 smbcacls //127.0.0.1/share "$name" --numeric -U "$cred" "$@" 2>&1)
	rc=$?
}
has() { printf '%s\n' "$out" | grep -Eq -- "$1"; }
check() {
	if has "$2"; then tap_ok "$1"; else tap_fail "$1"; printf '%s\n' "$out" | head -12 | sed 's/^/#   /'; fi
}

cacls plain alice%Secret-1
check "a file without a stored SD: owner and group are its Unix ids" \
	'^OWNER:S-1-22-1-1234$'
check "and the group S-1-22-2-gid" '^GROUP:S-1-22-2-567$'
check "the owner's rw- as an allow ACE" '^ACL:S-1-22-1-1234:0/0x0/0x001f019f$'
check "the group's r-- as read" '^ACL:S-1-22-2-567:0/0x0/0x00120089$'
tap_check "and others, without bits, have no ACE" sh -c "! printf '%s' '$out' | grep -q S-1-1-0"

# A directory where alice and bob may work, and anything created below is its creator's.
mkdir "$tmp/share/d"
cacls d alice%Secret-1 -S 'REVISION:1,OWNER:S-1-22-1-0,GROUP:S-1-22-2-0,ACL:S-1-3-0:ALLOWED/OI|CI|IO/FULL,ACL:S-1-5-11:ALLOWED/OI|CI/0x001200a9,ACL:S-1-5-11:ALLOWED/0/0x001f01ff'
tap_check "smbcacls sets a DACL on a directory" test "$rc" = 0
tap_check "which is kept in the xattr trusted.ksmbd_cluster.sd" \
	sh -c "getfattr -n trusted.ksmbd_cluster.sd --only-values '$tmp/share/d' | head -c 1 | od -An -tx1 | grep -q 01"
cacls d alice%Secret-1
check "and reads back" '^ACL:S-1-3-0:0/0xb/0x001f01ff$'

for m in SMB2_10 SMB3_11; do
	smbclient_expect "$m: alice creates a file and a directory under it" 'putting file' \
		//127.0.0.1/share -m "$m" -U alice%Secret-1 -c "mkdir d\\sub-$m; put /etc/hostname d\\f-$m"
	cacls "d\\f-$m" alice%Secret-1 -m "$m"
	owner=$(printf '%s\n' "$out" | sed -n 's/^OWNER://p')
	case $owner in
	S-1-5-21-*-*-*-[0-9]*) tap_ok "$m: the new file's owner is alice's domain SID ($owner)" ;;
	*) tap_fail "$m: the new file's owner is alice's domain SID"; printf '%s\n' "$out" | sed 's/^/#   /' ;;
	esac
	check "$m: CREATOR OWNER became alice on the file" "^ACL:$owner:0/0x0/0x001f01ff$"
	check "$m: the Authenticated Users ACE was inherited" '^ACL:S-1-5-11:0/0x0/0x001200a9$'
	tap_check "$m: the non-inheritable ACE was not" sh -c "! printf '%s' '$out' | grep -q 0x001f01ff.*S-1-5-11"
	cacls "d\\sub-$m" alice%Secret-1 -m "$m"
	check "$m: the directory gets alice's ACE" "^ACL:$owner:0/0x0/0x001f01ff$"
	check "$m: and passes CREATOR OWNER on (inherit only)" '^ACL:S-1-3-0:0/0xb/0x001f01ff$'
	smbclient_expect "$m: bob may read alice's file" 'getting file' \
		//127.0.0.1/share -m "$m" -U bob%Other-2 -c "get d\\f-$m /dev/null"
	smbclient_expect "$m: but not write it" 'NT_STATUS_ACCESS_DENIED' \
		//127.0.0.1/share -m "$m" -U bob%Other-2 -c "put /etc/hostname d\\f-$m"
	cacls "d\\f-$m" bob%Other-2 -m "$m" -a "ACL:S-1-1-0:ALLOWED/0/FULL"
	check "$m: nor change its DACL" 'ACCESS_DENIED'
	cacls "d\\f-$m" alice%Secret-1 -m "$m" -S "REVISION:1,OWNER:$owner,GROUP:S-1-1-0,ACL:$owner:ALLOWED/0/0x00180089"
	tap_check "$m: alice replaces the DACL: read and WRITE_OWNER for herself only" test "$rc" = 0
	smbclient_expect "$m: alice still reads" 'getting file' \
		//127.0.0.1/share -m "$m" -U alice%Secret-1 -c "get d\\f-$m /dev/null"
	smbclient_expect "$m: bob is refused now" 'NT_STATUS_ACCESS_DENIED' \
		//127.0.0.1/share -m "$m" -U bob%Other-2 -c "get d\\f-$m /dev/null"
	cacls "d\\f-$m" alice%Secret-1 -m "$m" -a "ACL:$owner:ALLOWED/0/FULL"
	tap_check "$m: the owner may still read and change the DACL (implicit READ_CONTROL, WRITE_DAC)" \
		test "$rc" = 0
	cacls "d\\f-$m" alice%Secret-1 -m "$m" -C 'S-1-5-32-544'
	check "$m: an owner outside the caller's SIDs is STATUS_INVALID_OWNER" 'INVALID_OWNER'
done

# The same SIDs after a restart (they derive from the netbios name and the user name).
kill "$KC_MOUNTD_PID"
kc_wait_exit "$KC_MOUNTD_PID" 15
kc_mountd_start "$tmp" || tap_fail "node restarts"
smbclient_expect "after a restart alice's SID still owns her file" 'getting file' \
	//127.0.0.1/share -U alice%Secret-1 -c "get d\\f-SMB3_11 /dev/null"
smbclient_expect "and bob is still refused" 'NT_STATUS_ACCESS_DENIED' \
	//127.0.0.1/share -U bob%Other-2 -c "get d\\f-SMB3_11 /dev/null"

# A damaged xattr is ignored (the mode rules); the engine survives.
setfattr -n trusted.ksmbd_cluster.sd -v 0x0102030405 "$tmp/share/plain"
cacls plain alice%Secret-1
check "a damaged stored SD is ignored: the synthesised one is shown" '^OWNER:S-1-22-1-1234$'
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
