#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Oplock and lease breaks over signed and over encrypted sessions, against
# smbtorture in a network namespace of its own: a few smb2.oplock subtests
# (batch7: a break answered by a close; exclusive9: breaks acknowledged for
# each create disposition; levelii502: level II broken to none without an ack)
# and smb2.lease subtests, each run on its own with
# client signing required or with encryption, each a TAP line (break
# notifications are encrypted for sessions that encrypt, MS-SMB2 3.3.4.6).
# The suites themselves, unsigned, run in the torture layer
# (tests/torture/torture.sh: smb2.oplock, smb2.lease).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-oplock "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v smbtorture >/dev/null; then
	tap_skip "smb2.oplock" "smbtorture is not installed"
	tap_done
	exit 0
fi

kc_node_conf "$tmp" "passdb file = $tmp/passdb"
echo "	read only = no" >>"$tmp/node.conf"
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
kc_mountd_start "$tmp" || tap_fail "node starts"

# torture DESC TEST [OPTIONS...]: run one smbtorture subtest; ok when it reports success.
torture() {
	local desc=$1 t=$2 out
	shift 2
	out=$(timeout 120 smbtorture //127.0.0.1/share -U alice%Secret-1 "$@" "$t" 2>&1)
	if printf '%s\n' "$out" | grep -q "^success: ${t##*.}\$"; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		printf '%s\n' "$out" | grep -Ev '^(WARNING: no network|time:)' | tail -8 | sed 's/^/#   /'
	fi
}

for t in batch7 exclusive9 levelii502; do
	torture "smb2.oplock.$t, signed" "smb2.oplock.$t" --option=clientsigning=required
	torture "smb2.oplock.$t, encrypted" "smb2.oplock.$t" --client-protection=encrypt
done
# Lease break notifications go encrypted on encrypted sessions (MS-SMB2 3.3.4.7).
for t in breaking1 nobreakself multibreak; do
	torture "smb2.lease.$t, encrypted" "smb2.lease.$t" --client-protection=encrypt
done
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp/mountd.log"
tap_done
