#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/deps.sh (make deps): install every Debian 12 package that the build,
# the tests and the demo need, and cache the Debian 6.1 kernel the module tests
# boot. Idempotent and non-interactive; run as root. When everything is already
# there it changes nothing and says so.
set -euo pipefail

PROG=${0##*/}
cd "$(dirname "$0")/.."

# Build: compilers, kernel headers (the linux-headers-amd64 metapackage pulls the
# ABI-specific package), and the -dev libraries of design section 1.
# Tests: cmocka, real SMB peers (smbclient, smbtorture, Samba's smbd), tshark,
# QEMU and what the guest initramfs needs, network tools, valgrind.
PACKAGES=(
	build-essential pkg-config bc flex bison libelf-dev kmod
	clang libclang-rt-14-dev llvm
	linux-headers-amd64
	libnl-3-dev libnl-genl-3-dev libqb-dev libssl-dev openssl libtdb-dev tdb-tools
	corosync libcorosync-common-dev libcpg-dev libquorum-dev libvotequorum-dev
	libcmap-dev libcfg-dev
	libcmocka-dev valgrind
	smbclient samba samba-testsuite tshark
	qemu-system-x86 busybox-static cpio e2fsprogs attr
	iproute2 iputils-arping iputils-ping procps psmisc python3 jq
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "$PROG: run as root to install: ${missing[*]}" >&2; exit 1; }
	echo "$PROG: installing ${#missing[@]} package(s): ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "$PROG: packages installed"
else
	echo "$PROG: all ${#PACKAGES[@]} packages already installed"
fi

# The 6.1 kernel image the guest boots; its ABI must match the installed headers.
scripts/fetch-kernel.sh
