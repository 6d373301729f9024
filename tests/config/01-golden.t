#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The configuration layer's shell tests: the golden files (golden.sh) and the ksmbd-cluster
# command line (options, help, exit codes). Prints TAP.
#
# The binary tested is $KC_CLI if set, else $KC_BIN/ksmbd-cluster, else
# $KC_BUILD/bin/ksmbd-cluster (KC_BUILD: absolute, or relative to the top of the source tree;
# default build/default). tests/run-layer.sh sets KC_BIN and KC_BUILD.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

build=${KC_BUILD:-build/default}
case $build in
/*) ;;
*) build=$top/$build ;;
esac
bin=${KC_CLI:-${KC_BIN:-$build/bin}/ksmbd-cluster}

# The golden files, renumbered into this script's plan.
while IFS= read -r line; do
	case $line in
	"ok "*) tap_ok "${line#ok * - }" ;;
	"not ok "*) tap_fail "${line#not ok * - }" ;;
	"#"*) printf '%s\n' "$line" ;;
	esac
done < <("$here/golden.sh" "$bin")

# expect DESC CODES REGEX CMD...: CMD exits with one of CODES (a regex: 0, [01]) and its output
# (both streams) matches REGEX.
expect() {
	local desc=$1 code=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [[ $rc =~ ^($code)$ ]] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		tap_ok "$desc"
	else
		tap_fail "$desc (exit $rc, wanted $code and /$re/)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
	fi
}

# expect_stderr_only DESC CMD...: CMD writes nothing to stdout (usage errors go to stderr).
expect_stderr_only() {
	local desc=$1 out
	shift
	out=$("$@" 2>/dev/null)
	if [ -z "$out" ]; then tap_ok "$desc"; else tap_fail "$desc"; fi
}

good=tests/config/01-minimal.in
cd "$top" || exit 1

expect "--version prints the version" 0 '^ksmbd-cluster [0-9]+\.[0-9]+\.[0-9]+$' "$bin" --version
expect "--help lists config check" 0 '^  config check +check ' "$bin" --help
expect "--help lists config print" 0 '^  config print +print ' "$bin" --help
expect "--help documents the exit codes" 0 '^  2  usage error$' "$bin" -h
expect "config --help lists its commands" 0 '^  config print ' "$bin" config --help
expect "config check --help describes it" 0 'configuration OK' "$bin" config check --help
expect "no command is a usage error" 2 "^try 'ksmbd-cluster --help'$" "$bin"
expect "an unknown command is named" 2 "unknown command 'frobnicate'" "$bin" frobnicate
expect "a missing argument is named" 2 \
	"missing argument after 'config' \(expected: check, print\)" "$bin" config
expect "an unknown argument is named" 2 "unknown argument 'frob' after 'config'" \
	"$bin" config frob
expect "an extra argument is refused" 2 "unexpected argument 'extra' after 'check'" \
	"$bin" -c "$good" config check extra
expect "an unknown option is named" 2 "unknown option '--bogus'" "$bin" --bogus config check
expect "an unknown short option is named" 2 "unknown option '-x'" "$bin" -x config check
expect "-c needs an argument" 2 "option '-c' requires an argument" "$bin" -c
expect_stderr_only "usage errors print nothing on stdout" "$bin" config frob
expect "config check on a good file" 0 "^$good: configuration OK$" "$bin" -c "$good" config check
expect "--config=FILE works" 0 "^$good: configuration OK$" "$bin" --config="$good" config check
expect "config check on a bad file exits 1" 1 ':3: error: ' \
	"$bin" -c tests/config/10-protocol.in config check
expect "a missing file is reported" 1 '^tests/config/none\.in: error: No such file or directory$' \
	"$bin" -c tests/config/none.in config check
expect "a directory is reported" 1 '^tests/config: error: Is a directory$' \
	"$bin" -c tests/config config print
expect "the default file is /etc/ksmbd-cluster/node.conf" '[01]' \
	'^/etc/ksmbd-cluster/node\.conf[:]' "$bin" config check

tap_done
