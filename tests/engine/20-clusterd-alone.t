#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ksmbd-clusterd without corosync, in a namespace of its own: it starts, keeps retrying
# corosync, serves the CLI (status says "not connected", changes exit 5), refuses other
# protocol versions and unprivileged clients, and stops cleanly on SIGTERM. The CLI without a
# daemon exits 4. (tests/cluster/ runs it on real corosync nodes.)
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
kc_own_netns kc-clusterd "$@"

tmp=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
kc_node_conf "$tmp"
cli() { "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" "$@"; }

tap_check_fail "the CLI without a daemon exits 4" "cannot reach ksmbd-clusterd" \
	sh -c "'$KC_BIN/ksmbd-cluster' status; [ \$? -eq 4 ] && exit 1 || exit 0"
"$KC_BIN/ksmbd-clusterd" -F -d -c "$tmp/node.conf" >"$tmp/clusterd.log" 2>&1 &
pid=$!
tap_check "clusterd starts without corosync and says it retries" \
	wait_for 10 grep -q "corosync is not reachable yet: retrying" "$tmp/clusterd.log"
tap_check "status --json: not connected, no quorum, not in sync" \
	sh -c "out=\$('$KC_BIN/ksmbd-cluster' status --json) && [ -n \"\$out\" ] &&
	       printf '%s' \"\$out\" | jq -e '.connected == false and .quorate == false and
	       .synced == false and .members == []'"
tap_check_fail "kv set is refused with exit 5" "not connected to corosync" \
	sh -c "'$KC_BIN/ksmbd-cluster' kv set k v; [ \$? -eq 5 ] && exit 1 || exit 0"
tap_check_fail "kv get is refused while the node is not in sync (exit 5)" "synchronising" \
	sh -c "'$KC_BIN/ksmbd-cluster' kv get k; [ \$? -eq 5 ] && exit 1 || exit 0"
tap_check_fail "an unprivileged client is refused (exit 4)" "permission denied" \
	sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups '$KC_BIN/ksmbd-cluster' status;
	       [ \$? -eq 4 ] && exit 1 || exit 0"
tap_check "clusterd logs the refusal" grep -q "refused a client with uid 65534" "$tmp/clusterd.log"
tap_check_fail "a client of another protocol version is refused" "EPROTO|protocol" \
	"$KC_BIN/kc-cipc-probe" hello 99
tap_check "clusterd logs the version refusal" \
	grep -q "refused a client of protocol version 99" "$tmp/clusterd.log"
tap_check_fail "requests before HELLO are refused" "EPROTO|protocol" \
	"$KC_BIN/kc-cipc-probe" status-without-hello
gid=$(getent group nogroup | cut -d: -f3)
kc_node_conf "$tmp" "cluster admin group = nogroup"
kill -HUP "$pid"
tap_check "SIGHUP re-reads the admin group" \
	wait_for 10 grep -q "reload: node list and admin group re-read" "$tmp/clusterd.log"
tap_check "a member of the admin group is let in" \
	setpriv --reuid=65534 --regid="$gid" --clear-groups "$KC_BIN/ksmbd-cluster" status
kill -TERM "$pid"
kc_wait_exit "$pid" 10
st=${KC_EXIT_STATUS:-1}
tap_check "SIGTERM stops it with status 0" test "$st" -eq 0
tap_check "it logs its stop" grep -q "info: stopped" "$tmp/clusterd.log"

# The CLI refuses a daemon of another protocol version.
"$KC_BIN/kc-cipc-probe" serve 2 >"$tmp/fake.log" 2>&1 &
pid=$!
wait_for 10 grep -q serving "$tmp/fake.log"
tap_check_fail "the CLI refuses a clusterd of protocol 2 (exit 4)" \
	"speaks protocol 2, this CLI 1: refusing" \
	sh -c "'$KC_BIN/ksmbd-cluster' status; [ \$? -eq 4 ] && exit 1 || exit 0"
kill -TERM "$pid"
kc_wait_exit "$pid" 10
kc_check_sanitizers "clean clusterd log" "$tmp/clusterd.log"
tap_done
