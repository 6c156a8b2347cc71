#!/bin/bash
# SPDX-License-Identifier: MIT
# --replay FILE on the files the test suite makes (tests/fixtures/pcap):
# a scan of other ports does not hide the attempt to the target; a file that
# holds no SYN to the target exits 3 with an error and no cause; a file whose
# last packet is cut short is read up to it, as tcpdump reads it, and says
# so; every message names the file; a pasted "Connection reset" line is
# quoted back as a reset. Every report is validated against the
# schema (and checked for consistency) by tests/tools/validate-report.py.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

doctor=${SSH_DOCTOR:?SSH_DOCTOR is not set}
pcaps="$SSHD_SOURCE_DIR/tests/fixtures/pcap"
tmp=$(mktemp -d /tmp/ssh-doctor-cli.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

check() {   # check ok|fail WHAT
	checks=$((checks + 1))
	if [ "$1" = ok ]; then
		printf 'ok: %s\n' "$2"
	else
		printf 'FAIL: %s\n' "$2"
		fails=$((fails + 1))
	fi
}

# replay FILE HOST: runs --json --replay; sets rc, the report in $tmp/out
replay() {
	timeout -k 5 60 "$doctor" --json --replay "$pcaps/$1" "$2" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

expect_valid() {   # expect_valid WHAT
	local out
	if out=$(/usr/bin/python3 "$SSHD_SOURCE_DIR/tests/tools/validate-report.py" \
			"$SSHD_SOURCE_DIR/doc/report.schema.json" "$tmp/out" 2>&1); then
		check ok "$1: one report, valid and consistent"
	else
		check fail "$1: expected one valid, consistent report: $out"
	fi
}

expect_jq() {   # expect_jq WHAT EXPR: EXPR is true on the report
	if jq -e "$2" "$tmp/out" >/dev/null 2>&1; then
		check ok "$1"
	else
		check fail "$1 (jq: $2), the report: $(head -c 600 "$tmp/out")"
	fi
}

# A scan of 150 other ports comes first; the attempt to port 22 after it.
replay scan-en10mb.pcap 192.0.2.130
[ "$rc" = 1 ] && check ok "scan: exit 1 (a cause)" || check fail "scan: expected exit 1, got $rc: $(head -c 300 "$tmp/err")"
expect_valid "scan"
expect_jq "scan: the SYN to port 22 after the scan is judged: port_closed" '.verdict.cause == "port_closed"'
expect_jq "scan: the target's RST from port 22 is among the packets kept" \
	'[.capture.packets[] | select(.src == "192.0.2.130" and .src_port == 22)] | length >= 1'
expect_jq "scan: the packets left out are counted" '.capture.packets_not_kept > 0'

# The last packet cut short: the two whole packets before it still count.
replay truncated.pcap 192.0.2.130
[ "$rc" = 1 ] && check ok "cut file: exit 1 (read up to the cut packet)" \
	|| check fail "cut file: expected exit 1, got $rc: $(head -c 300 "$tmp/err")"
expect_valid "cut file"
expect_jq "cut file: the router's ICMP error before the cut is judged: firewall_reject" \
	'.verdict.cause == "firewall_reject"'
expect_jq "cut file: the replay step says the last packet was cut, naming the file" \
	'.steps[0].evidence | any(test("truncated\\.pcap.*last packet is cut short"))'
tcpdump_n=$(tcpdump -nn -r "$pcaps/truncated.pcap" 2>/dev/null | wc -l)
expect_jq "cut file: as many packets as tcpdump reads ($tcpdump_n)" ".capture.packets | length == $tcpdump_n"

# No SYN to the target: no diagnosis (exit 3), an error naming the file.
replay rst-en10mb.pcap 192.0.2.2
[ "$rc" = 3 ] && check ok "no SYN to the target: exit 3" || check fail "no SYN to the target: expected exit 3, got $rc"
expect_valid "no SYN to the target"
expect_jq "no SYN to the target: a null verdict, no cause named" '.verdict == null'
expect_jq "no SYN to the target: the error names the file and the target" \
	'.error | test("rst-en10mb\\.pcap.*192\\.0\\.2\\.2 port 22")'

# A pasted "Connection reset by H port P" is quoted back as a reset, never as
# "Connection closed"; so is OpenSSH 9.x's first line with the host after it.
pasted() {   # pasted ARGS...: --json --replay of the RST file with the pasted line
	timeout -k 5 60 "$doctor" --json --replay "$pcaps/rst-en10mb.pcap" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	expect_valid "pasted '$1'"
	expect_jq "pasted '$1': the symptom is a reset, quoted as \"Connection reset\", never as closed" \
		'.symptom.id == "reset" and (.symptom.comment | test("\"Connection reset\"")) and
		 ([.. | strings | select(test("Connection closed"))] | length == 0)'
}
pasted "Connection reset by 192.0.2.130 port 22"
pasted "kex_exchange_identification: read: Connection reset by peer" 192.0.2.130

# Files that are no capture: a usage error naming the file.
for f in not-a-capture.pcap no-such-file.pcap; do
	replay "$f" 192.0.2.130
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -q "$f" "$tmp/err"; then
		check ok "$f: exit 2, nothing on stdout, the message names the file"
	else
		check fail "$f: expected exit 2 and a message naming the file, got $rc: $(head -c 300 "$tmp/err")"
	fi
done

printf '%d checks, %d failed\n' "$checks" "$fails"
[ "$fails" = 0 ]
