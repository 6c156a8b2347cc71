#!/bin/bash
# SPDX-License-Identifier: MIT
# The practice lab from a script's side, without root and without building
# anything: --practice list prints the scenarios by level; a broken scenario
# file in an SSH_DOCTOR_ASSETS folder is refused with its file and line,
# never a crash; an unknown scenario is a usage error; without root the lab
# says why and what to run.
set -u
doctor=${SSH_DOCTOR:?}
src=${SSHD_SOURCE_DIR:?}
tmp=$(mktemp -d /tmp/sdc-practice.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

out=$("$doctor" --practice list 2>&1); rc=$?
check "--practice list exits 0" '[ "$rc" = 0 ]'
check "--practice list groups the scenarios by level" 'grep -q "^Level 1: " <<<"$out" && grep -q "^Level 3: " <<<"$out"'
check "--practice list names at least 18 scenarios" '[ "$(grep -c "^  [a-z]" <<<"$out")" -ge 18 ]'

out=$("$doctor" --practice no_such_thing 2>&1); rc=$?
check "an unknown scenario is a usage error (2) naming --practice list" '[ "$rc" = 2 ] && grep -q "practice list" <<<"$out"'

cp -r "$src/assets" "$tmp/assets"
printf 'id: broken\ntitle: Broken\nlevel: 1\ncause: port_closed\nexpect.client: port_closed\nexpect.server: sshd_not_running\n[story]\nA story.\n[stage]\nserver.sshd: stopped\nsrv.iptables: -A INPUT -j DROP\n' \
    >"$tmp/assets/lab/broken.scenario"
out=$(SSH_DOCTOR_ASSETS="$tmp/assets" "$doctor" --practice list 2>&1); rc=$?
check "a broken scenario: exit 3, the file and line named ($out)" \
    '[ "$rc" = 3 ] && grep -q "lab/broken.scenario: line 11: unknown host .srv." <<<"$out"'
printf 'id: broken\ntitle: Broken\nlevel: 1\ncause: no_such_cause\nexpect.client: port_closed\nexpect.server: ok\n[story]\nx\n' \
    >"$tmp/assets/lab/broken.scenario"
out=$(SSH_DOCTOR_ASSETS="$tmp/assets" "$doctor" --practice list 2>&1); rc=$?
check "a scenario naming an unknown cause is refused ($out)" '[ "$rc" = 3 ] && grep -q "no_such_cause" <<<"$out"'
printf 'id: broken\ntitle: Broken\nlevel: 1\ncause: port_closed\nexpect.client: port_closed\nexpect.server: ok\n[story]\nx\n[stage]\nserver.sshd: port 99999\n' \
    >"$tmp/assets/lab/broken.scenario"
out=$(SSH_DOCTOR_ASSETS="$tmp/assets" "$doctor" --practice list 2>&1); rc=$?
check "a bad port is refused with its line ($out)" '[ "$rc" = 3 ] && grep -q "line 10: server.sshd takes" <<<"$out"'
rm "$tmp/assets/lab/broken.scenario"

if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$doctor" --practice wrong_port --batch 2>&1); rc=$?
    check "without root: exit 3, why and what to run ($out)" '[ "$rc" = 3 ] && grep -q "sudo ssh-doctor --practice" <<<"$out"'
elif [ "$(id -u)" != 0 ]; then
    out=$("$doctor" --practice wrong_port --batch 2>&1); rc=$?
    check "without root: exit 3, why and what to run ($out)" '[ "$rc" = 3 ] && grep -q "sudo ssh-doctor --practice" <<<"$out"'
fi
[ "$fails" = 0 ] && echo "PASS: practice" || { echo "FAIL: practice: $fails failed"; exit 1; }
