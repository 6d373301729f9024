#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CHANGE_NOTIFY and changes made outside SMB, against ksmbd-engine +
# ksmbd-mountd in a network namespace of its own: "smbclient notify" arms a
# watch on a directory of the share (WATCH_TREE, every filter bit), then files
# are created, written, renamed and removed directly in the share's directory
# on the host, and each must complete the pending CHANGE_NOTIFY with the right
# action and name (the inotify backend, kernel/port/user/watch.c). A change
# made through SMB must be reported once, not also by the backend.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-notify "$@"

tmp=$(mktemp -d)
npid=
cleanup() {
	[ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
echo "	read only = no" >>"$tmp/node.conf"
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"
S=(//127.0.0.1/share -U alice%Secret-1)
mkdir -p "$tmp/share/w/sub"

# smbclient's notify prints one line per change, "ACTION NAME" with the
# FILE_ACTION_* value in hex, and re-arms until killed.
timeout 120 stdbuf -oL smbclient "${S[@]}" -c "notify w" >"$tmp/notify.log" 2>&1 &
npid=$!

seen() { grep -Eq -- "$1" "$tmp/notify.log"; }

# The watch is armed when the first local change shows up: touch new names
# until one does (a name made before the watch existed is not reported).
armed() {
	armed_n=$((armed_n + 1))
	touch "$tmp/share/w/probe$armed_n"
	seen "probe$armed_n"
}
armed_n=0
if wait_for 20 armed; then
	tap_ok "a file created locally in the watched directory completes CHANGE_NOTIFY"
else
	tap_fail "a file created locally in the watched directory completes CHANGE_NOTIFY"
	sed 's/^/#   /' "$tmp/notify.log" | head -8
fi
tap_check "... as FILE_ACTION_ADDED (1) with its name" seen "^0*1 +probe$armed_n\$"

echo data >>"$tmp/share/w/probe$armed_n"
tap_check "a local write is FILE_ACTION_MODIFIED (3)" \
	wait_for 10 seen "^0*3 +probe$armed_n\$"
mv "$tmp/share/w/probe$armed_n" "$tmp/share/w/moved"
tap_check "a local rename is RENAMED_OLD_NAME (4) ..." \
	wait_for 10 seen "^0*4 +probe$armed_n\$"
tap_check "... and RENAMED_NEW_NAME (5)" wait_for 10 seen "^0*5 +moved\$"
rm "$tmp/share/w/moved"
tap_check "a local unlink is FILE_ACTION_REMOVED (2)" wait_for 10 seen "^0*2 +moved\$"
touch "$tmp/share/w/sub/deep"
tap_check "WATCH_TREE: a file created locally in a subdirectory is reported with its path" \
	wait_for 10 seen '^0*1 +sub\\deep$'
mkdir "$tmp/share/w/newdir"
tap_check "a local mkdir is FILE_ACTION_ADDED" wait_for 10 seen '^0*1 +newdir$'
touch "$tmp/share/w/newdir/inner"
tap_check "WATCH_TREE follows a directory created after the watch started" \
	wait_for 10 seen '^0*1 +newdir\\inner$'

timeout 30 smbclient "${S[@]}" -c "mkdir w\\viasmb" >/dev/null 2>&1
touch "$tmp/share/w/marker"
wait_for 10 seen '^0*1 +marker$'
tap_check "a change made through SMB is reported once (not again by the backend)" \
	test "$(grep -Ec '^0*1 +viasmb$' "$tmp/notify.log")" = 1
tap_check "the engine keeps running" kill -0 "$KC_MOUNTD_PID"
[ -n "${KC_NOTIFY_DEBUG:-}" ] && sed "s/^/# log: /" "$tmp/notify.log"
tap_done
