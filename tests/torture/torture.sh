# SPDX-License-Identifier: GPL-2.0-or-later
# Shared part of the smbtorture layer, sourced by tests/torture/*.t and
# tests/torture/update-lists.sh after tests/lib/tap.sh and tests/lib/node.sh.
#
# kc_torture_node DIR        start mountd + ksmbd-engine serving DIR/share
# kc_torture_suite SUITE SEC run one suite, append its results to $KC_TORTURE_RESULTS
# kc_torture_run_suites DIR  run every suite of KC_TORTURE_SUITES (or KC_TORTURE_ONLY)
# kc_torture_report          one TAP line per result, checked against the lists
# kc_torture_ci_summary      where the entries of tests/torture/ksmbd-ci stand
#
# The kernel layer uses the same functions against ksmbd_cluster.ko in a QEMU
# guest (tests/kernel/torture-guest.sh), with KC_TORTURE_SUBSET (run only the
# tests a file names), KC_TORTURE_TIME_SCALE (multiply every time limit) and
# KC_TORTURE_MODULE_KNOWN (the module's own known failures, see kc_torture_lists_with).
#
# Results are one line per subtest: "NAME<TAB>STATUS<TAB>MESSAGE", STATUS one of
# success, failure, error, skip, timeout, noresult, unreached. The raw
# smbtorture output (subunit v1) is kept in $KC_TORTURE_LOGS/SUITE.N.log.

KC_TORTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KC_TORTURE_EXPECTED=${KC_TORTURE_EXPECTED:-$KC_TORTURE_DIR/expected}
KC_TORTURE_KNOWN=${KC_TORTURE_KNOWN:-$KC_TORTURE_DIR/known-failures}

# A subtest name may hold spaces (smb2.delete-on-close-perms."CREATE Existing"): in
# the lists a name is the whole line up to a "#" comment, without the blanks around it.
KC__NAME_AWK='{ sub(/#.*/, ""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }'

# The suites the layer runs, each with a time limit in seconds for the whole
# suite (on this 2-core machine with the ASan build they take a fraction of it)
# and, optionally, one for each of its subtests instead of KC_TORTURE_TEST_TIMEOUT.
KC_TORTURE_SUITES=(
	smb2.connect:60
	smb2.read:60
	smb2.dir:150
	smb2.scan:180:60	# smb2.scan.scan sends every opcode: ~7 s alone, more under load
	smb2.credits:60
	smb2.getinfo:60
	smb2.setinfo:60
	smb2.session:240
	smb2.multichannel:120
	smb2.tcon:60
	smb2.rw:120
	smb2.compound:120
	smb2.rename:200
	smb2.acls:120
	smb2.sharemode:120
	smb2.delete-on-close-perms:120
	smb2.maximum_allowed:60
	smb2.create:300
	smb2.dosmode:60
	smb2.streams:200
	smb2.ea:60
	smb2.lease:420:50	# a break left unacknowledged waits the 35 s timeout (timeout, timeout-disconnect)
	smb2.notify:600:100	# smb2.notify.mask waits 200 ms per filter bit (~1 min); basedir waits for its limit
	smb2.lock:240
	smb2.maxfid:240:200	# opens files until refused (6144, see kc_torture_node), then deletes them
	smb2.oplock:240:50	# batch22a waits out the 35 s break timeout it measures; most others wait 1 s per "no break" check
	smb2.ioctl:120	# ~15 s for its 77 subtests (44 pass, the rest mostly smbtorture skips)
	smb2.durable-open:120:40	# ~3 s; 40 s per subtest in case a break to a dying connection times out (35 s)
	smb2.durable-v2-open:120:40
	smb2.durable-v2-delay:90:40	# ~11 s: reconnect_delay_msec waits for a handle's timeout
)
# The suites above by name: the ones the lists (expected, known-failures) cover.
KC__LAYER_SUITES=" ${KC_TORTURE_SUITES[*]%%:*} "
# A single subtest that shows no result within this many seconds is stopped,
# reported as "timeout", and the suite goes on with the subtests it did not reach.
KC_TORTURE_TEST_TIMEOUT=${KC_TORTURE_TEST_TIMEOUT:-15}
KC__TEST_LIMIT=$KC_TORTURE_TEST_TIMEOUT
# Every time limit above (suite and subtest) is multiplied by this integer: the
# kernel layer's guest runs under QEMU/TCG, several times slower than the host.
KC_TORTURE_TIME_SCALE=${KC_TORTURE_TIME_SCALE:-1}
# When set, a file naming the tests to run, one per line in the form of
# tests/torture/ksmbd-ci (a whole suite, e.g. smb2.connect, or one subtest, e.g.
# smb2.read.eof; "#" starts a comment): each suite then runs only those of its
# subtests, and only their list entries are checked.
KC_TORTURE_SUBSET=${KC_TORTURE_SUBSET:-}

KC_TORTURE_USER=torture
KC_TORTURE_PASS=Torture-Pw-1
# A second user for the tests that need two (smb2.session.bind_different_user reads
# torture:user2name and torture:user2password; smbtorture 4.17's --extra-user is not it).
KC_TORTURE_USER2=torture2
KC_TORTURE_PASS2=Torture-Pw-2

# kc_torture_node DIR: a node with user $KC_TORTURE_USER and a writable [share].
kc_torture_node() {
	local dir=$1
	kc_node_conf "$dir" "passdb file = $dir/passdb"
	printf '\tread only = no\n' >>"$dir/node.conf"
	# smb2.acls.ACCESSBASED connects to a share named hideunread with
	# access-based enumeration.
	mkdir -p "$dir/hideunread"
	printf '[hideunread]\n\tpath = %s\n\tread only = no\n\thide unreadable = yes\n' \
		"$dir/hideunread" >>"$dir/node.conf"
	printf '%s\n' "$KC_TORTURE_PASS" |
		"$KC_BIN/ksmbd-cluster" -c "$dir/node.conf" user add "$KC_TORTURE_USER" >/dev/null ||
		return 1
	printf '%s\n' "$KC_TORTURE_PASS2" |
		"$KC_BIN/ksmbd-cluster" -c "$dir/node.conf" user add "$KC_TORTURE_USER2" >/dev/null ||
		return 1
	# smb2.maxfid opens files until the engine refuses one: with a hard limit
	# of 8192 descriptors the engine's limit is 6144 opens (ksmbd_port_max_opens)
	# whatever the host allows, which keeps the suite short; the soft limit of
	# 1024 is one the engine must raise itself to get there.
	ulimit -Sn 1024 && ulimit -Hn 8192 || return 1
	kc_mountd_start "$dir"
}

# kc_torture_listed [SUITE]: the subtest names in expected and known-failures
# (those of SUITE only when given), sorted and unique; with KC_TORTURE_DISCOVER=1
# also what smbtorture --list names for SUITE. With KC_TORTURE_SUBSET only the
# names it covers.
kc_torture_listed() {
	local suite=${1:-}
	{
		cat "$KC_TORTURE_EXPECTED" "$KC_TORTURE_KNOWN" 2>/dev/null |
			awk -v p="$suite." "$KC__NAME_AWK"' NF && (p == "." || index($0, p) == 1) { print }'
		if [ "${KC_TORTURE_DISCOVER:-0}" = 1 ] && [ -n "$suite" ]; then
			kc_torture_discover "$suite"
		fi
	} | sort -u | kc_torture_in_subset
}

# kc_torture_subset_entries [SUITE]: the entries of KC_TORTURE_SUBSET (of SUITE
# only when given: the suite itself or its subtests), in file order.
kc_torture_subset_entries() {
	awk -v s="${1:-}" "$KC__NAME_AWK"' NF && (s == "" || $0 == s || index($0, s ".") == 1) { print }' \
		"$KC_TORTURE_SUBSET"
}

# kc_torture_in_subset: filter stdin's names to those KC_TORTURE_SUBSET covers
# (equal to an entry or below it); all of them when no subset is set.
kc_torture_in_subset() {
	if [ -z "$KC_TORTURE_SUBSET" ]; then
		cat
		return
	fi
	awk 'FILENAME != "-" '"$KC__NAME_AWK"' FILENAME != "-" { if (NF) want[$0] = 1; next }
	     { n = $0
	       while (!(n in want))
		       if (!sub(/\.[^.]*$/, "", n))
			       next
	       print }' "$KC_TORTURE_SUBSET" -
}

# kc_torture_reason NAME: the reason given for NAME in known-failures, if listed.
kc_torture_reason() {
	awk -v n="$1" '{ l = $0 } '"$KC__NAME_AWK"' $0 == n { sub(/^[^#]*#[[:space:]]*/, "", l); print l; exit }' \
		"$KC_TORTURE_KNOWN" 2>/dev/null
}

kc_torture_is_known() {
	awk -v n="$1" "$KC__NAME_AWK"' $0 == n { f = 1 } END { exit !f }' "$KC_TORTURE_KNOWN" 2>/dev/null
}

kc_torture_is_expected() {
	awk -v n="$1" "$KC__NAME_AWK"' $0 == n { f = 1 } END { exit !f }' "$KC_TORTURE_EXPECTED" 2>/dev/null
}

kc__record() {
	# NAME STATUS MESSAGE: the first result of a subtest counts.
	awk -F '\t' -v n="$1" '$1 == n { f = 1 } END { exit !f }' "$KC_TORTURE_RESULTS" &&
		return 0
	printf '%s\t%s\t%s\n' "$1" "$2" "$(printf '%s' "$3" | tr '\t\n' '  ' | cut -c1-300)" \
		>>"$KC_TORTURE_RESULTS"
}

kc__now() {
	date +%s
}

# kc__torture_round LOG NAMES...: run smbtorture once on NAMES (a suite or
# subtests), parse its subunit v1 stream as it arrives and record results.
# Sets KC__CURRENT (subtest running when it stopped), KC__TIMED_OUT (1 when
# stopped by a time limit) and KC__RC (smbtorture's exit status).
kc__torture_round() {
	local log=$1 fifo line rc name status detail in_detail=0 fd pid
	local test_deadline suite_left now left
	shift
	fifo=$(mktemp -u "${TMPDIR:-/tmp}/kc-torture.XXXXXX")
	mkfifo "$fifo" || return 1
	# stdbuf: line-buffered, so that a subtest's "test:" line is seen
	# before it hangs.
	stdbuf -oL -eL smbtorture "//127.0.0.1/share" \
		-U "$KC_TORTURE_USER%$KC_TORTURE_PASS" \
		--option="torture:user2name=$KC_TORTURE_USER2" \
		--option="torture:user2password=$KC_TORTURE_PASS2" \
		--format=subunit --fullname "$@" >"$fifo" 2>&1 &
	pid=$!
	exec {fd}<"$fifo"
	rm -f "$fifo"
	KC__CURRENT="" KC__TIMED_OUT=0
	test_deadline=$(( $(kc__now) + KC__TEST_LIMIT ))
	while :; do
		now=$(kc__now)
		left=$(( test_deadline - now ))
		suite_left=$(( KC__SUITE_DEADLINE - now ))
		[ "$suite_left" -lt "$left" ] && left=$suite_left
		if [ "$left" -le 0 ]; then
			KC__TIMED_OUT=1
			break
		fi
		IFS= read -r -t "$left" -u "$fd" line
		rc=$?
		if [ "$rc" -gt 128 ]; then
			KC__TIMED_OUT=1
			break
		fi
		[ "$rc" -ne 0 ] && [ -z "$line" ] && break	# end of output
		printf '%s\n' "$line" >>"$log"
		if [ "$in_detail" = 1 ]; then
			if [ "$line" = "]" ]; then
				in_detail=0
				kc__record "$name" "$status" "$detail"
				[ "$name" = "$KC__CURRENT" ] && KC__CURRENT=""
			elif [ -z "$detail" ] && [ -n "${line//[[:space:]]/}" ]; then
				detail=$line
			fi
			continue
		fi
		case $line in
		"test: "*)
			KC__CURRENT=${line#test: }
			test_deadline=$(( $(kc__now) + KC__TEST_LIMIT ))
			;;
		success:*|successful:*|failure:*|fail:*|error:*|skip:*|xfail:*|uxsuccess:*)
			status=${line%%:*}
			name=${line#*: }
			case $status in
			successful|uxsuccess) status=success ;;
			fail|xfail) status=failure ;;
			esac
			detail=""
			if [ "${name% \[}" != "$name" ]; then
				name=${name% \[}
				in_detail=1
			else
				kc__record "$name" "$status" ""
				[ "$name" = "$KC__CURRENT" ] && KC__CURRENT=""
			fi
			;;
		esac
	done
	exec {fd}<&-
	if [ "$KC__TIMED_OUT" = 1 ]; then
		kill -TERM "$pid" 2>/dev/null
		wait_for 5 kc__gone "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	# (wait's own "Aborted" job message would land in the TAP output.)
	{ wait "$pid"; } 2>/dev/null
	KC__RC=$?
	[ "$KC__RC" -ge 128 ] &&
		echo "kc-torture: smbtorture ended by signal $((KC__RC - 128))" >>"$log"
	return 0
}

# kc_torture_suite SUITE SECONDS [TEST_SECONDS]: run SUITE within SECONDS;
# subtests that hang are stopped after TEST_SECONDS (default
# $KC_TORTURE_TEST_TIMEOUT) and the listed subtests not yet reached are run by
# name in a new smbtorture process.
kc_torture_suite() {
	local suite=$1 secs=$2 round=0 left=() n progress
	KC__TEST_LIMIT=${3:-$KC_TORTURE_TEST_TIMEOUT}
	KC__SUITE_DEADLINE=$(( $(kc__now) + secs ))
	mkdir -p "$KC_TORTURE_LOGS"
	: >"$KC_TORTURE_RESULTS.$suite"
	local all_results=$KC_TORTURE_RESULTS
	KC_TORTURE_RESULTS=$KC_TORTURE_RESULTS.$suite
	left=("$suite")
	if [ -n "$KC_TORTURE_SUBSET" ] && ! kc_torture_subset_entries "$suite" | grep -qxF "$suite"; then
		mapfile -t left < <(kc_torture_subset_entries "$suite")
	fi
	while [ "${#left[@]}" -gt 0 ]; do
		round=$((round + 1))
		n=$(wc -l <"$KC_TORTURE_RESULTS")
		kc__torture_round "$KC_TORTURE_LOGS/$suite.$round.log" "${left[@]}"
		progress=$(( $(wc -l <"$KC_TORTURE_RESULTS") - n ))
		if [ -n "$KC__CURRENT" ]; then
			if [ "$KC__TIMED_OUT" = 1 ]; then
				kc__record "$KC__CURRENT" timeout "no result within the time limit (smbtorture stopped)"
			else
				kc__record "$KC__CURRENT" noresult "smbtorture exited with status $KC__RC during the subtest"
			fi
			progress=$((progress + 1))
		fi
		left=()
		# Go on only after a time limit or a crash of smbtorture, and only
		# while subtests make progress and the suite has time left.
		if [ "$progress" -gt 0 ] && [ "$(kc__now)" -lt "$KC__SUITE_DEADLINE" ] &&
		   { [ "$KC__TIMED_OUT" = 1 ] || [ "$KC__RC" -ge 128 ]; }; then
			mapfile -t left < <(kc_torture_listed "$suite" |
				grep -vxF -f <(cut -f1 "$KC_TORTURE_RESULTS") || true)
		fi
	done
	# Listed subtests that never reported a result (names smbtorture --list
	# gives are only used to go on after a stop: some differ from the reported ones).
	while IFS= read -r n; do
		if [ "$(kc__now)" -ge "$KC__SUITE_DEADLINE" ]; then
			kc__record "$n" unreached "not reached: $suite used up its ${secs}s"
		else
			kc__record "$n" unreached "not reported by smbtorture (subtest gone, or the suite aborted)"
		fi
	done < <(KC_TORTURE_DISCOVER=0 kc_torture_listed "$suite" |
		grep -vxF -f <(cut -f1 "$KC_TORTURE_RESULTS") || true)
	cat "$KC_TORTURE_RESULTS" >>"$all_results"
	KC_TORTURE_RESULTS=$all_results
}

# kc_torture_discover SUITE: subtest names smbtorture --list gives for SUITE, in
# the form --fullname reports them ("suite.test.test" is reported "suite.test").
# Used only by update-lists.sh, to know what a suite that stops early left out.
kc_torture_discover() {
	smbtorture --list "$1" 2>/dev/null |
		awk -v s="$1" 'index($0, s ".") == 1 || $0 == s' |
		awk -F. -v OFS=. 'NF >= 4 && $NF == $(NF - 1) { NF-- } { print }'
}

# kc_torture_run_suites DIR: run every suite of KC_TORTURE_SUITES (or only
# those named in $KC_TORTURE_ONLY; with KC_TORTURE_SUBSET only those it names)
# against the server on 127.0.0.1. Results are appended to $KC_TORTURE_RESULTS,
# "SUITE<TAB>SECONDS" to DIR/timings. KC_TORTURE_SUITE_HOOK, when set, is a
# command run after each suite with the suite's name; when it fails, the
# remaining suites are not run (the kernel layer stops after a guest oops).
kc_torture_run_suites() {
	local dir=$1 entry suite secs tsecs start
	local scale=$KC_TORTURE_TIME_SCALE
	for entry in "${KC_TORTURE_SUITES[@]}"; do
		IFS=: read -r suite secs tsecs <<<"$entry"
		if [ -n "${KC_TORTURE_ONLY:-}" ] &&
		   ! printf '%s\n' $KC_TORTURE_ONLY | grep -qxF "$suite"; then
			continue
		fi
		if [ -n "$KC_TORTURE_SUBSET" ] && [ -z "$(kc_torture_subset_entries "$suite")" ]; then
			continue
		fi
		start=$(kc__now)
		kc_torture_suite "$suite" $((secs * scale)) $(( ${tsecs:-$KC_TORTURE_TEST_TIMEOUT} * scale ))
		printf '%s\t%s\n' "$suite" "$(( $(kc__now) - start ))" >>"$dir/timings"
		if [ -n "${KC_TORTURE_SUITE_HOOK:-}" ] && ! $KC_TORTURE_SUITE_HOOK "$suite"; then
			break
		fi
	done
}

# kc_torture_run_all DIR: start a node in DIR, run the suites
# (kc_torture_run_suites), stop the node.
# Results go to $KC_TORTURE_RESULTS (DIR/results); KC_TORTURE_NODE_OK=1 when the
# node started, KC_TORTURE_ENGINE_ALIVE=1 when ksmbd-engine survived the run;
# DIR/mountd.log holds both daemons' output (copied to $KC_TORTURE_LOGS).
kc_torture_run_all() {
	local dir=$1 epid
	KC_TORTURE_RESULTS=$dir/results
	KC_TORTURE_LOGS=${KC_TORTURE_LOGS:-$dir/logs}
	KC_TORTURE_NODE_OK=0 KC_TORTURE_ENGINE_ALIVE=0
	: >"$KC_TORTURE_RESULTS"
	rm -rf "$KC_TORTURE_LOGS"
	mkdir -p "$KC_TORTURE_LOGS"
	kc_torture_node "$dir" || return 1
	KC_TORTURE_NODE_OK=1
	epid=$(kc_engine_pid "$dir")
	kc_torture_run_suites "$dir"
	[ -n "$epid" ] && kill -0 "$epid" 2>/dev/null && KC_TORTURE_ENGINE_ALIVE=1
	kill "$KC_MOUNTD_PID" 2>/dev/null
	kc_wait_exit "$KC_MOUNTD_PID" 20
	cp "$dir/mountd.log" "$KC_TORTURE_LOGS/mountd.log"
	return 0
}

# kc_torture_suite_runs SUITE: whether SUITE is one of the torture layer's
# KC_TORTURE_SUITES (as defined above: suites a caller adds are not covered by the lists).
kc_torture_suite_runs() {
	[[ $KC__LAYER_SUITES == *" $1 "* ]]
}

# kc_torture_lists_with MODULE_KNOWN DIR: use the lists with MODULE_KNOWN's
# entries on top (the kernel module's own known failures, same format): writes
# DIR/expected (the torture layer's minus MODULE_KNOWN's names) and
# DIR/known-failures (MODULE_KNOWN's lines, then the torture layer's) and points
# KC_TORTURE_EXPECTED and KC_TORTURE_KNOWN at them.
kc_torture_lists_with() {
	local extra=$1 dir=$2 names
	names=$(awk "$KC__NAME_AWK"' NF { print }' "$extra")
	awk -v names="$names" 'BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) drop[a[i]] = 1 }
		{ l = $0 } '"$KC__NAME_AWK"' !($0 in drop) { print l }' "$KC_TORTURE_EXPECTED" >"$dir/expected"
	{
		grep -v '^[[:space:]]*\(#\|$\)' "$extra"
		awk -v names="$names" 'BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) drop[a[i]] = 1 }
			{ l = $0 } '"$KC__NAME_AWK"' !($0 in drop) { print l }' "$KC_TORTURE_KNOWN"
	} >"$dir/known-failures"
	KC_TORTURE_EXPECTED=$dir/expected KC_TORTURE_KNOWN=$dir/known-failures
}

# kc_torture_check_lists: TAP lines for the lists themselves: no name in both,
# every known failure has a reason.
kc_torture_check_lists() {
	local both noreason
	both=$(comm -12 <(awk "$KC__NAME_AWK"' NF { print }' "$KC_TORTURE_EXPECTED" | sort -u) \
			<(awk "$KC__NAME_AWK"' NF { print }' "$KC_TORTURE_KNOWN" | sort -u))
	if [ -z "$both" ]; then
		tap_ok "no subtest is in both expected and known-failures"
	else
		tap_fail "no subtest is in both expected and known-failures"
		printf '%s\n' "$both" | sed 's/^/#   /'
	fi
	noreason=$(awk '!/^[[:space:]]*(#|$)/ && !/#[[:space:]]*[^[:space:]]/ { print }' "$KC_TORTURE_KNOWN")
	if [ -z "$noreason" ]; then
		tap_ok "every entry of known-failures gives a reason"
	else
		tap_fail "every entry of known-failures gives a reason"
		printf '%s\n' "$noreason" | sed 's/^/#   /'
	fi
}

# kc_torture_report: one TAP line for every result in $KC_TORTURE_RESULTS:
#   in expected        must pass;
#   in known-failures  must not pass ("not ok ... # TODO" with the listed reason,
#                      which run-layer.sh counts as skipped); passing is a failure;
#   in neither         a failure either way, except a subtest of a suite the
#                      torture layer does not run (not in KC_TORTURE_SUITES; the
#                      kernel layer runs the whole ksmbd-ci list): a TAP skip with
#                      its result, since the lists do not cover that suite yet.
# smbtorture's skips of listed subtests are TAP skips.
kc_torture_report() {
	local name status msg reason
	while IFS=$'\t' read -r name status msg; do
		if kc_torture_is_expected "$name"; then
			if [ "$status" = success ]; then
				tap_ok "$name"
			else
				tap_fail "$name: $status"
				[ -n "$msg" ] && tap_diag "  $msg"
			fi
		elif kc_torture_is_known "$name"; then
			reason=$(kc_torture_reason "$name")
			case $status in
			success)
				tap_fail "$name: unexpected pass, remove it from ${KC_TORTURE_KNOWN_DESC:-known-failures} ($reason)" ;;
			skip)
				tap_skip "$name" "smbtorture skipped it: $msg (listed: $reason)" ;;
			*)
				TAP_N=$((TAP_N + 1))
				echo "not ok $TAP_N - $name: $status # TODO known failure: $reason"
				[ -n "$msg" ] && tap_diag "  $msg" ;;
			esac
		elif ! kc_torture_suite_runs "$(printf '%s\n' "$name" | cut -d. -f1-2)"; then
			tap_skip "$name" "$status${msg:+: $msg} (its suite is not in KC_TORTURE_SUITES: no list covers it yet)"
		elif [ "$status" = skip ]; then
			tap_skip "$name" "smbtorture skipped it: $msg (not listed: add it to known-failures)"
		else
			tap_fail "$name: $status, and not listed in expected or known-failures"
			[ -n "$msg" ] && tap_diag "  $msg"
		fi
	done <"$KC_TORTURE_RESULTS"
}

# kc_torture_ci_summary: a TAP comment saying where the entries of the kernel
# ksmbd's CI list (tests/torture/ksmbd-ci) stand in this run. An entry (a whole
# suite like smb2.connect, or one subtest) passes when everything it names
# passed; with KC_TORTURE_SUBSET only the entries it names are counted.
kc_torture_ci_summary() {
	local t ci_pass=0 ci_fail=0 ci_known=0 ci_other=0 ci_all=0
	while IFS= read -r t; do
		ci_all=$((ci_all + 1))
		if awk -F'\t' -v t="$t" '$1 == t || index($1, t ".") == 1 { n++; if ($2 != "success") bad = 1 }
			END { exit !(n && !bad) }' "$KC_TORTURE_RESULTS"; then
			ci_pass=$((ci_pass + 1))
		elif kc_torture_is_known "$t" ||
		     awk -v t="$t." "$KC__NAME_AWK"' index($0, t) == 1 { f = 1 } END { exit !f }' "$KC_TORTURE_KNOWN"; then
			ci_known=$((ci_known + 1))
		elif kc_torture_suite_runs "$(printf '%s\n' "$t" | cut -d. -f1-2)"; then
			ci_fail=$((ci_fail + 1))
		else
			ci_other=$((ci_other + 1))
		fi
	done < <(awk "$KC__NAME_AWK"' NF { print }' "$KC_TORTURE_DIR/ksmbd-ci" | kc_torture_in_subset)
	tap_diag "ksmbd CI list ($ci_all entries): $ci_pass pass, $ci_known known failures, $ci_fail other failures," \
		"  $ci_other not passing in suites the torture layer does not run yet"
}
