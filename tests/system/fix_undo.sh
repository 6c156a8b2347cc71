#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_undo: the failure paths of ssh-doctor --fix.
#  1. a plan whose re-check fails (sshd stopped, and a DROP of the client
#     the first verdict does not get to): --yes undoes it, and the system is
#     byte-identical to before (files, rule sets, listeners, unit states);
#  2. an edit sshd -t rejects (two bad lines, the plan comments out the
#     first) is never put in place, and sshd is not restarted;
#  3. a firewall change nobody confirms on the terminal within
#     --confirm-timeout is rolled back;
#  4. SIGTERM while an action runs: the action finishes, the plan is
#     undone, and the report says the system is in its old state.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin script

# 1. the re-check fails: everything undone
sys_must systemctl stop ssh.service
sys_must iptables -A INPUT -s 192.0.2.1 -p tcp --dport 22 -j DROP
sys_state_kept >"$SDT_TMP/kept-before.txt"
sys_fix --from 192.0.2.1
assert_exit 1
assert_json '.fix.before == "sshd_not_running" and .fix.after == "local_firewall"' 'the plan started sshd; the client is still dropped'
assert_json '.fix.undone and ([.fix.actions[].result] | all(. == "undone"))' 'every action was undone'
assert_json '.fix.state | startswith("old")' 'the report says: the old state'
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "after the undo the system is as before (files, rules, listeners, units)"
else
    sdt_fail "the undo left changes: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 8 | tr '\n' ' ')"
fi
sys_must iptables -F INPUT
sys_must systemctl start ssh.service

# 2. an edit sshd -t rejects is never applied
printf 'NoSuchKeyword yes\nAnotherBadKeyword no\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config'
pid=$(sys_in systemctl show -p MainPID --value ssh.service)
sum=$(sys_in md5sum /etc/ssh/sshd_config)
sys_fix --from 192.0.2.1
assert_exit 1
assert_json '.fix.before == "sshd_config_error"' 'the plan was for the configuration error'
assert_json '.fix.actions[0].result == "refused" and (.fix.actions[0].note | test("sshd -t rejects"))' 'the edit was refused: sshd -t rejects the result'
assert_json '.fix.actions[1].result == "not run"' 'sshd was not restarted'
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in md5sum /etc/ssh/sshd_config)" = "$sum" ] && [ "$(sys_in systemctl show -p MainPID --value ssh.service)" = "$pid" ]; then
    sdt_pass "sshd_config is unchanged, and the same sshd (pid $pid) still runs"
else
    sdt_fail "sshd_config changed or sshd was restarted"
fi
sys_in sed -i '/^NoSuchKeyword/d; /^AnotherBadKeyword/d' /etc/ssh/sshd_config
sys_must sshd -t

# 3. a firewall change nobody confirms is rolled back
sys_must iptables -A INPUT -p tcp --dport 22 -j DROP
sys_state_kept >"$SDT_TMP/kept-before.txt"
out=$(sys_in sh -c '(printf "y\n"; sleep 20) | timeout 60 script -qec "/opt/ssh-doctor/ssh-doctor --fix --side server --from 192.0.2.1 --confirm-timeout 5" /dev/null' 2>&1)
sdt_log "the session on the terminal: $(tail -n 6 <<<"$out" | tr -d '\r' | tr '\n' ' ')"
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q 'press y within 5 s' <<<"$out" && grep -q 'no confirmation: rolling back' <<<"$out"; then
    sdt_pass "it asked for a key within 5 s, none came, and it rolled back"
else
    sdt_fail "no timed confirmation and rollback on the terminal"
fi
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "the rule set is back as it was"
else
    sdt_fail "the rollback left changes: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 8 | tr '\n' ' ')"
fi
sys_must iptables -F INPUT

# 4. SIGTERM in the middle: a slow start, the signal while it runs
sys_in mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nExecStartPre=/bin/sleep 3\n' | sys_write /etc/systemd/system/ssh.service.d/slow.conf
sys_must systemctl daemon-reload
sys_must systemctl disable --now ssh.service
sys_state_kept >"$SDT_TMP/kept-before.txt"
SDT_REPORT="$SDT_TMP/report.json"
sys_in timeout -k 5 120 /opt/ssh-doctor/ssh-doctor --fix --yes --json --side server --from 192.0.2.1 \
    >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null &
bg=$!
for ((i = 0; i < 300; i++)); do
    [ "$(sys_in systemctl is-active ssh.service)" = activating ] && break
    sleep 0.1
done
dpid=$(sys_in pgrep -x ssh-doctor | head -n 1)
[ -n "$dpid" ] || sdt_die "ssh-doctor is not running while ssh.service starts"
sys_in kill -TERM "$dpid"
wait "$bg"
SDT_RC=$?
assert_report_contract
assert_exit 1
assert_json '.fix.interrupted and (.fix.state | test("^old: interrupted by"))' 'the report says it was interrupted and the system is in its old state'
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "after SIGTERM the system is in its old state, not half of one"
else
    sdt_fail "after SIGTERM the system is changed: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 8 | tr '\n' ' ')"
fi
sys_finish
