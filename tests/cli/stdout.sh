#!/bin/bash
# SPDX-License-Identifier: MIT
# The command line seen from a script: what goes to stdout, what to stderr,
# and the exit status, when stdout cannot be written or an option is given
# a value it does not take. The diagnoses replay a pcap fixture, so nothing
# is sent and no privilege is needed.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

doctor=${SSH_DOCTOR:?SSH_DOCTOR is not set}
pcap="$SSHD_SOURCE_DIR/tests/fixtures/pcap/rst-en10mb.pcap"
tmp=$(mktemp -d /tmp/ssh-doctor-cli.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

check() {   # check WHAT: the last command's result was as expected
	checks=$((checks + 1))
	if [ "$1" = ok ]; then
		printf 'ok: %s\n' "$2"
	else
		printf 'FAIL: %s\n' "$2"
		fails=$((fails + 1))
	fi
}

# expect_write_error WHAT ARGS... — stdout is /dev/full: exit 3 and one line
# on stderr saying the report could not be written.
expect_write_error() {
	local what=$1 rc; shift
	timeout -k 5 60 "$doctor" "$@" >/dev/full 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" = 3 ] && grep -q 'cannot write to standard output: No space left on device' "$tmp/err"; then
		check ok "$what >/dev/full: exit 3, and stderr says why"
	else
		check fail "$what >/dev/full: expected exit 3 and 'cannot write to standard output' on stderr, got exit $rc and: $(head -c 300 "$tmp/err")"
	fi
}

expect_write_error "--json" --json --replay "$pcap" 192.0.2.130:22
# a report longer than stdio's buffer fails in the middle, not at the end
expect_write_error "--json (a report over 4 KiB)" --json --replay \
	"$SSHD_SOURCE_DIR/tests/fixtures/pcap/rule-rst-en10mb.pcap" 192.0.2.130:22
expect_write_error "--batch" --batch --replay "$pcap" 192.0.2.130:22
expect_write_error "no face option (stdout not a terminal)" --replay "$pcap" 192.0.2.130:22
expect_write_error "--help" --help
expect_write_error "--version" --version

# The same runs to a pipe that works: the report and the verdict's status.
timeout -k 5 60 "$doctor" --json --replay "$pcap" 192.0.2.130:22 >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" = 1 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] \
	&& check ok "--json to a file: exit 1, a report, nothing on stderr" \
	|| check fail "--json to a file: expected exit 1, a report and an empty stderr, got exit $rc, stderr: $(head -c 300 "$tmp/err")"
expect_valid() {   # expect_valid WHAT: $tmp/out is one report valid against the schema
	local out
	if out=$(/usr/bin/python3 "$SSHD_SOURCE_DIR/tests/tools/validate-report.py" \
			"$SSHD_SOURCE_DIR/doc/report.schema.json" "$tmp/out" 2>&1); then
		check ok "$1: one report, valid against doc/report.schema.json"
	else
		check fail "$1: expected one report valid against doc/report.schema.json: $out"
	fi
}
expect_valid "--json --replay"

# Assets that cannot be read: the diagnosis cannot run (3), and the report
# says why, with a null verdict.
SSH_DOCTOR_ASSETS="$tmp/no-such-folder" timeout -k 5 20 "$doctor" --json 192.0.2.130 >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" = 3 ] && grep -q '"error"' "$tmp/out" && grep -q '"verdict": null' "$tmp/out" \
	&& check ok "--json without assets: exit 3, a report with an error and a null verdict" \
	|| check fail "--json without assets: expected exit 3 and a report with an error, got exit $rc and: $(head -c 300 "$tmp/out")"
expect_valid "--json without assets"

# expect_usage WANT ARGS... — exit 2, nothing on stdout, WANT on stderr.
expect_usage() {
	local want=$1 rc; shift
	timeout -k 5 20 "$doctor" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then
		check ok "$*: exit 2, stderr says \"$want\", nothing on stdout"
	else
		check fail "$*: expected exit 2, \"$want\" on stderr and an empty stdout, got exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(head -c 300 "$tmp/err")"
	fi
}

expect_usage "option '--help' takes no value" --help=x
expect_usage "option '--json' takes no value" --json=yes 192.0.2.130
expect_usage "option '--version' takes no value" --version=1
expect_usage "unknown option '--frobnicate'" --json --frobnicate 192.0.2.130
# --json promises no object on stdout for a usage error
expect_usage "cannot" --json --replay "$tmp/no-such-file.pcap" 192.0.2.130:22

if [ "$fails" -gt 0 ]; then
	printf 'FAIL: %d of %d checks failed\n' "$fails" "$checks"
	exit 1
fi
printf 'PASS: %d checks\n' "$checks"
