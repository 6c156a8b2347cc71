#!/bin/bash
# SPDX-License-Identifier: MIT
# --fix from a script's side: who may fix, and the options that go with it.
# Every refusal is a usage error (exit 2) with one line on stderr saying
# why, nothing on stdout, and nothing diagnosed or changed: only root, by
# its own real uid, may fix; a copy of the binary holding cap_net_raw (the
# capture's capability) or set-user-id root refuses for another user;
# without a terminal --fix needs --yes.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

doctor=${SSH_DOCTOR:?SSH_DOCTOR is not set}
tmp=$(mktemp -d /tmp/ssh-doctor-cli.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fails=0 checks=0

check() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then printf 'ok: %s\n' "$2"; else printf 'FAIL: %s\n' "$2"; fails=$((fails + 1)); fi
}

# refused WHAT REGEX CMD... — exit 2, stdout empty, stderr matches REGEX.
refused() {
	local what=$1 re=$2 rc; shift 2
	timeout -k 5 30 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qE -- "$re" "$tmp/err"; then
		check ok "$what: exit 2, nothing on stdout, stderr says why"
	else
		check fail "$what: expected exit 2 and /$re/ on stderr, got exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(head -c 300 "$tmp/err")"
	fi
}

refused "--yes without --fix" "give --fix too" "$doctor" --yes
refused "--confirm-timeout without --fix" "goes with --fix" "$doctor" --confirm-timeout 30
refused "--confirm-timeout 1" "bad --confirm-timeout '1'" "$doctor" --fix --yes --confirm-timeout 1
refused "--fix with --replay" "does not go with --replay" "$doctor" --fix --replay /dev/null 192.0.2.1
refused "--fix with several targets" "does not go with several targets" "$doctor" --fix 192.0.2.1 192.0.2.2

if [ "$(id -u)" = 0 ]; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	refused "--fix without a terminal, without --yes" "no terminal to ask on: add --yes" setsid "$doctor" --fix
else
	as_nobody=()
fi
refused "--fix as a user" "run it as root" "${as_nobody[@]}" "$doctor" --fix --yes

if [ "$(id -u)" = 0 ] && command -v setcap >/dev/null 2>&1; then
	cp "$doctor" "$tmp/capped"
	chmod 755 "$tmp/capped"
	if setcap cap_net_raw+ep "$tmp/capped" 2>"$tmp/setcap.err"; then
		refused "--fix from a binary holding cap_net_raw" "file capabilities.*never used to change the system" \
			"${as_nobody[@]}" "$tmp/capped" --fix --yes
	else
		printf 'note: setcap cannot set capabilities in %s (%s): the capability case is not checked here\n' \
			"$tmp" "$(head -c 200 "$tmp/setcap.err")"
	fi
	cp "$doctor" "$tmp/setuid"
	chmod 4755 "$tmp/setuid"
	if ! findmnt -no OPTIONS --target "$tmp" | grep -qw nosuid; then
		refused "--fix from a set-user-id binary" "set-user-id ssh-doctor" "${as_nobody[@]}" "$tmp/setuid" --fix --yes
	else
		printf 'note: %s is mounted nosuid: the set-user-id case is not checked here\n' "$tmp"
	fi
fi

printf '%d of %d checks failed\n' "$fails" "$checks"
[ "$fails" = 0 ]
