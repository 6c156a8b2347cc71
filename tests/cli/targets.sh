#!/bin/bash
# SPDX-License-Identifier: MIT
# --targets FILE and several HOST arguments, as a script meets them: a bad
# line is named with its number and nothing runs (exit 2, nothing on
# stdout); comments and blank lines are skipped; what cannot go with a fleet
# is refused.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

doctor=${SSH_DOCTOR:?SSH_DOCTOR is not set}
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

# expect_usage WANT [STDIN-FILE] -- ARGS... — exit 2, nothing on stdout,
# WANT on stderr.
expect_usage() {
	local want=$1 in=/dev/null rc
	shift
	if [ "$1" != -- ]; then in=$1; shift; fi
	shift
	timeout -k 5 20 "$doctor" "$@" >"$tmp/out" 2>"$tmp/err" <"$in"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then
		check ok "$*: exit 2, stderr says \"$want\", nothing on stdout"
	else
		check fail "$*: expected exit 2, \"$want\" on stderr and an empty stdout, got exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(head -c 300 "$tmp/err")"
	fi
}

printf '# web servers\n\nroot@192.0.2.10\n  192.0.2.11:2222\nbad host!\n192.0.2.12\n' >"$tmp/bad-line"
expect_usage "--targets line 5: bad target 'bad host!'" -- --json --targets "$tmp/bad-line"
expect_usage "--targets line 5: bad target" "$tmp/bad-line" -- --json --targets -
printf '192.0.2.10:99999\n' >"$tmp/bad-port"
expect_usage "--targets line 1: bad target '192.0.2.10:99999'" -- --targets "$tmp/bad-port"
printf 'kex_exchange_identification: Connection closed by remote host\n' >"$tmp/no-host"
expect_usage "--targets line 1: 'kex_exchange_identification: Connection closed by remote hos...' names no host" \
	-- --targets "$tmp/no-host"
printf '# only comments\n\n   \n' >"$tmp/empty"
expect_usage "names no target" -- --targets "$tmp/empty"
expect_usage "cannot read --targets" -- --targets "$tmp/no-such-file"
printf '192.0.2.10\n' >"$tmp/one"
expect_usage "bad --jobs '0'" -- --targets "$tmp/one" -j 0
expect_usage "bad --jobs 'many'" -- --targets "$tmp/one" --jobs many
expect_usage "--jobs goes with several targets" -- -j 4 192.0.2.10
expect_usage "--replay examines one machine" -- --replay /dev/null --targets "$tmp/one"
expect_usage "--side server examines one machine" -- --side server 192.0.2.10 192.0.2.11
expect_usage "--from examines one machine" -- --from 192.0.2.1 --targets "$tmp/one"
expect_usage "bad target 'x..y'" -- 192.0.2.10 x..y

# a good list: comments, blank lines, a pasted ssh error line, -p for the
# targets that name no port. The targets are this machine's loopback ports
# 1 to 3, where nothing listens (the side is the client's all the same), and
# --no-capture: nothing leaves the machine, no privilege is needed.
printf '# a list\n\n127.0.0.1\nssh: connect to host 127.0.0.1 port 2: Connection refused\n  root@127.0.0.1:3  \n' >"$tmp/good"
timeout -k 5 60 "$doctor" --no-capture --json -p 1 -j 2 --targets "$tmp/good" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/out")" = 3 ] \
	&& check ok "three targets: exit 1, three lines on stdout" \
	|| check fail "three targets: expected exit 1 and three lines, got exit $rc and $(wc -l <"$tmp/out") lines: $(head -c 300 "$tmp/err")"
got=$(jq -rs 'sort_by(.fleet.index) | map("\(.fleet.line) \(.target.port) \(.side) \(.fleet.given)") | join("|")' "$tmp/out" 2>&1)
want="3 1 client 127.0.0.1|4 2 client ssh: connect to host 127.0.0.1 port 2: Connection refused|5 3 client root@127.0.0.1:3"
[ "$got" = "$want" ] \
	&& check ok "each line names its target, its line and its port (-p only where none was given)" \
	|| check fail "fleet lines: expected '$want', got '$got'"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >"$tmp/line$i.json"
done <"$tmp/out"
if out=$(/usr/bin/python3 "$SSHD_SOURCE_DIR/tests/tools/validate-report.py" \
		"$SSHD_SOURCE_DIR/doc/report.schema.json" "$tmp"/line*.json 2>&1); then
	check ok "every line is a report valid against doc/report.schema.json"
else
	check fail "a line is not a valid report: $out"
fi
timeout -k 5 60 "$doctor" --no-capture 127.0.0.1:1 127.0.0.1:2 >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" -ge 1 ] && head -n 1 "$tmp/out" | grep -q '^TARGET  *CAUSE  *CONFIDENCE  *TIME$' \
	&& grep -q '^2 targets:$' "$tmp/out" \
	&& check ok "two HOST arguments without --json: the table, then the counts" \
	|| check fail "two HOST arguments: expected a table and counts, got exit $rc: $(head -c 300 "$tmp/out")"

if [ "$fails" -gt 0 ]; then
	printf 'FAIL: %d of %d checks failed\n' "$fails" "$checks"
	exit 1
fi
printf 'PASS: %d checks\n' "$checks"
