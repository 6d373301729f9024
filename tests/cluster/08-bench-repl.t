#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A smoke run of the replication benchmark (make bench-repl, scripts/bench-repl.sh) so it
# cannot rot: three nodes, three writers, 300 registry mutations; every one committed, a
# RESULT line with the rate and the latency percentiles, equal state hashes at the end, and
# nothing left behind (namespaces, temporary directory).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

if ! command -v corosync >/dev/null || ! command -v jq >/dev/null; then
	tap_skip "replication benchmark smoke run" "corosync or jq is not installed (make deps)"
	tap_done
	exit
fi
before=$(ls -d /var/tmp/kc-bench-repl.* 2>/dev/null | wc -l)
out=$(KC_BIN=$KC_BIN "$KC_TOP/scripts/bench-repl.sh" --count 300 --writers 3 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
tap_check "bench-repl --count 300 --writers 3 exits 0" test "$rc" = 0
tap_check "it prints the rate and the p50/p99 commit latency" sh -c \
	"printf '%s\n' \"\$1\" | grep -Eq '^RESULT: 300 mutations in [0-9.]+ s by 3 writers on 3 nodes: [0-9]+ mutations/s, commit latency p50 [0-9.]+ ms, p99 [0-9.]+ ms'" \
	sh "$out"
tap_check "it shows progress" sh -c "printf '%s\n' \"\$1\" | grep -q 'mutations committed'" sh "$out"
tap_check "the three nodes end with the same state hash" sh -c \
	"printf '%s\n' \"\$1\" | grep -q 'same state hash'" sh "$out"
tap_check "no namespace is left" test -z "$(ip netns list | awk '{print $1}' | grep '^kcrb')"
tap_check "no temporary directory is left" \
	test "$(ls -d /var/tmp/kc-bench-repl.* 2>/dev/null | wc -l)" = "$before"
tap_done
