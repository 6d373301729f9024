#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Oplocks and async requests against smbtorture, in a network namespace of
# its own: the smb2.oplock subtests the engine passes (exclusive, batch and
# level II grants, breaks to II and to none, acks to II and to none, a close
# instead of an ack, stat opens, the 35 s break timeout with the CREATE
# answered async after an interim response, sharing violations with and
# without a batch oplock broken first), each run on its own and each a
# TAP line; a few also over signed and over encrypted sessions, with lease
# breaks over encrypted sessions (smb2.lease itself runs in the torture layer);
# a byte-range lock breaking level II oplocks (brl1-3). Subtests that need what
# the engine does not have yet (Samba's test FSCTLs, ...) are not run.
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

for t in exclusive1 exclusive2 exclusive3 exclusive4 exclusive5 exclusive6 exclusive9 \
	batch1 batch2 batch3 batch4 batch5 batch6 batch7 batch8 batch9 batch9a batch10 batch11 batch12 \
	batch13 batch14 batch15 batch16 batch19 batch20 batch21 batch23 batch24 \
	doc levelii500 levelii501 levelii502 statopen1 batch22a brl1 brl2 brl3; do
	torture "smb2.oplock.$t" "smb2.oplock.$t"
done
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
