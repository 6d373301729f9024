#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every program: --help, --version, bad arguments, and the configuration check.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for p in ksmbd-engine ksmbd-mountd ksmbd-clusterd ksmbd-witnessd ksmbd-cluster; do
	tap_check "$p --help exits 0" sh -c "'$KC_BIN/$p' --help | grep -q '^usage: $p'"
	tap_check "$p --version prints 0.1.0" sh -c "'$KC_BIN/$p' --version | grep -q '^$p 0.1.0'"
	tap_check_fail "$p rejects an unknown option with exit 2" "try '$p --help'" \
		sh -c "'$KC_BIN/$p' --no-such-option; [ \$? -eq 2 ] && exit 1 || exit 0"
done

kc_node_conf "$tmp"
for p in ksmbd-mountd ksmbd-clusterd ksmbd-witnessd; do
	tap_check "$p -n accepts a good configuration" \
		sh -c "'$KC_BIN/$p' -n -c '$tmp/node.conf' | grep -q 'configuration OK'"
done
printf '[global]\n\tno such key = 1\n' >"$tmp/bad.conf"
tap_check_fail "ksmbd-mountd -n reports file:line for a bad configuration" \
	"bad.conf:2: error: unknown parameter" "$KC_BIN/ksmbd-mountd" -n -c "$tmp/bad.conf"
tap_check "ksmbd-mountd -P prints a configuration that -n accepts again" \
	sh -c "'$KC_BIN/ksmbd-mountd' -P -c '$tmp/node.conf' > '$tmp/p.conf' &&
	       '$KC_BIN/ksmbd-mountd' -P -c '$tmp/p.conf' | cmp -s - '$tmp/p.conf'"
tap_check_fail "ksmbd-mountd --engine rejects an unknown mode" "must be auto, kernel or user" \
	"$KC_BIN/ksmbd-mountd" --engine bogus -c "$tmp/node.conf"
tap_check_fail "ksmbd-clusterd --write-corosync-conf needs \"cluster nodes\"" \
	"\"cluster nodes\" is empty" "$KC_BIN/ksmbd-clusterd" -c "$tmp/node.conf" --write-corosync-conf -
kc_node_conf "$tmp/c" "node name = b" "cluster nodes = a@10.0.0.1, b@10.0.0.2, c@10.0.0.3" \
	"cluster name = test" "cluster token = 1000"
tap_check "ksmbd-clusterd --write-corosync-conf writes the node list with ids from 1" \
	sh -c "'$KC_BIN/ksmbd-clusterd' -c '$tmp/c/node.conf' --write-corosync-conf - |
	       tr -d '\\t' | grep -A2 -x 'ring0_addr: 10.0.0.2' | grep -qx 'nodeid: 2'"
kc_node_conf "$tmp/d" "cluster nodes = a@10.0.0.1, b"
tap_check_fail "ksmbd-clusterd -n rejects a node without an address" "'b' is not NAME@ADDRESS" \
	"$KC_BIN/ksmbd-clusterd" -n -c "$tmp/d/node.conf"
tap_check_fail "ksmbd-witnessd refuses to run instead of pretending" "not implemented yet" \
	"$KC_BIN/ksmbd-witnessd" -F -c "$tmp/node.conf"
tap_check_fail "ksmbd-engine rejects a stray argument" "unexpected argument" \
	"$KC_BIN/ksmbd-engine" extra
tap_done
