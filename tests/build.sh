#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds ssh-doctor, installing the Debian packages it needs when they are
# missing, and then either starts it or runs the whole test suite.
#
#   tests/build.sh run [ssh-doctor arguments]   build, then start ssh-doctor
#   tests/build.sh test                         build (normal, ASan/UBSan and
#                                               libFuzzer builds), run every test
#
# Needs root for apt-get (and for the scenario tests, which make network
# namespaces); as another user it uses sudo when it must install something.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

# What building and running need.
build_pkgs=(cmake make gcc pkg-config libncurses-dev libssh-dev libpcap-dev libjansson-dev)
# What the tests need on top: unit tests, real sshd and firewalls between
# network namespaces, terminal tests, the fuzzers and the benchmarks; the
# report's JSON Schema validator (python3-jsonschema), readelf for the
# hardening check (binutils); setcap for cli.fix's capability case
# (libcap2-bin).
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev openssh-server openssh-client
           iptables nftables iproute2 tmux jq netcat-openbsd socat dnsmasq-base
           tcpdump nmap procps psmisc tcpd
           systemd-container mmdebstrap util-linux libcap2-bin
           python3-jsonschema binutils)

# Installs the packages of the list that are not installed yet.
need() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}"
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# timed LABEL CMD... — runs CMD and notes how long it took for the summary.
times=$(mktemp)
trap 'rm -f "$times"' EXIT
t_all=$(date +%s)
timed() {
	local label=$1 t0 rc=0
	shift
	t0=$(date +%s)
	"$@" || rc=$?
	printf '%-12s %5d s%s\n' "$label" $(( $(date +%s) - t0 )) "$([ $rc = 0 ] || echo "  (failed: $rc)")" >>"$times"
	return $rc
}

# Configures and builds one build folder.
build() {
	local dir=$1
	shift
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

case "${1:-}" in
run)
	shift
	need "${build_pkgs[@]}"
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
	exec ./build/ssh-doctor "$@"
	;;
test)
	need "${build_pkgs[@]}" "${test_pkgs[@]}"
	status=0
	echo "== build: -Wall -Wextra, warnings are errors"
	timed "build" build build-test -DCMAKE_BUILD_TYPE=Debug -DSSHD_WERROR=ON
	# The system tier's Debian trees: built once, then cached (tests/system/tree.sh).
	if [ "$(id -u)" -eq 0 ]; then
		for suite in bookworm trixie; do
			timed "tree $suite" tests/system/tree.sh "$suite" >/dev/null || status=1
		done
	fi
	echo "== tests (unit, fuzz seeds, scenarios, system tier)"
	timed "tests" sh -c 'cd build-test && ctest --output-on-failure -j"$1"' sh "$jobs" || status=1
	echo "== ASan + UBSan build, every test again (but the system tier)"
	timed "asan build" build build-asan -DCMAKE_BUILD_TYPE=Asan
	timed "asan tests" sh -c 'cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j"$1"' sh "$jobs" || status=1
	echo "== libFuzzer build, a short run of every fuzz target"
	CC=clang timed "fuzz build" build build-fuzz -DCMAKE_BUILD_TYPE=Debug -DSSHD_FUZZ=ON
	timed "fuzz runs" sh -c "cd build-fuzz && ctest --output-on-failure -R '^fuzz\.'" || status=1
	echo "== times"
	cat "$times"
	echo "total: $(( $(date +%s) - t_all )) s"
	exit $status
	;;
*)
	echo "usage: tests/build.sh run [ARGS] | tests/build.sh test" >&2
	exit 2
	;;
esac
