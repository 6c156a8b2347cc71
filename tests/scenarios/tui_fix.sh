#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the fix plan in the wizard (xterm-256color, 80x24). The
# server drops port 22 for everyone (iptables); the wizard runs on it,
# judged for the client 192.0.2.1, and walks to the verdict local_firewall.
# f shows the plan (the exact iptables command that lets only the client
# in, and its undo); y applies it, asks for a key within the confirmation
# time, y keeps it; the diagnosis runs again: before local_firewall, after
# ok, and the client gets sshd's identification. u undoes it: the rule set
# is as before. q leaves the terminal as it was. Then the same in the
# line mode (TERM=dumb): f on the verdict, y and Enter, y and Enter within
# the confirmation time, and the diagnosis again says ok. In both faces
# the report saved after the plan (s, a .json name) is valid against the
# schema and holds the fix record: the iptables action, applied, with its
# command and undo, before local_firewall and after ok.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd, iptables DROP of port 22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd nc iptables iptables-save jq python3
tui_begin
topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -A INPUT -p tcp --dport 22 -j DROP || sdt_die "iptables DROP"
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
before=$(sdt_in "$SRV" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//')

top=${SSHD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# fix_check_report FILE FACE — the report saved after the plan.
fix_check_report() {
    local file=$1 face=$2 out
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ ! -s "$file" ]; then
        sdt_fail "$face: the report was not saved to $file"
        return
    fi
    if out=$(/usr/bin/python3 "$top/tests/tools/validate-report.py" "$top/doc/report.schema.json" "$file" 2>&1); then
        sdt_pass "$face: the saved report is valid against doc/report.schema.json"
    else
        sdt_fail "$face: the saved report is not valid against the schema: $out"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    out=$(jq -r '.fix | "\(.cause) \(.before) \(.after) \(.actions | length) \(.actions[0].owner) \(.actions[0].result) \(.state)"' "$file")
    if [[ "$out" == "local_firewall local_firewall ok 1 iptables applied new: "* ]]; then
        sdt_pass "$face: the saved report's fix: $out"
    else
        sdt_fail "$face: expected the fix for local_firewall, before local_firewall, after ok, one iptables action applied, state new; got: ${out:-<no fix object>}"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    out=$(jq -r '.fix.actions[0] | "\(.command)|\(.undo_command)"' "$file")
    if [[ "$out" == *"iptables -I INPUT 1 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT|"*"iptables -D INPUT -s 192.0.2.1"* ]]; then
        sdt_pass "$face: the saved action lists the command and its undo"
    else
        sdt_fail "$face: expected the iptables command and its undo in the saved action, got: $out"
    fi
}

tui_start 80 24 xterm-256color "$SRV"
tui_run --side server --from 192.0.2.1 --no-capture
tui_walk 'f fix' 90 || sdt_fail "the verdict screen did not show within 90 s"
assert_seen 'local firewall' 'the verdict local_firewall'
tui_keys f
tui_wait 'The fix plan for local_firewall' 10 || sdt_fail "f did not show the fix plan"
assert_seen 'iptables -I INPUT 1 -s 192\.0\.2\.1 -p tcp --dport 22 -j ACCEPT' 'the exact command, for the client only'
assert_seen 'undo: .*iptables -D INPUT -s 192\.0\.2\.1' 'its undo'
tui_keys y
tui_wait 'y within [0-9]+ s keeps it' 20 || sdt_fail "no timed confirmation after the firewall change"
tui_keys y
tui_wait 'before: local_firewall +after: ok' 60 || sdt_fail "the diagnosis again did not say ok"
out=$(sdt_in "$CLI" timeout 5 nc -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
SDT_CHECKS=$((SDT_CHECKS + 1))
if [[ "$out" == SSH-2.0-* ]]; then
    sdt_pass "after y the client gets \"$(tr -d '\r\n' <<<"$out")\""
else
    sdt_fail "after y the client gets no SSH identification: ${out:-<nothing>}"
fi
tui_keys s C-u
tui_keys -l "$SDT_TMP/wizard-fix.json"
tui_keys Enter
tui_wait 'saved the JSON report' 10 || sdt_fail "wizard: the report was not saved after the plan"
fix_check_report "$SDT_TMP/wizard-fix.json" wizard
tui_keys u
tui_wait 'every applied action was undone' 20 || sdt_fail "u did not undo the plan"
after=$(sdt_in "$SRV" iptables-save | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//')
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$before" = "$after" ]; then
    sdt_pass "after u the rule set is as before"
else
    sdt_fail "after u the rule set differs: $(diff <(echo "$before") <(echo "$after") | head -n 6 | tr '\n' ' ')"
fi
tui_keys q
tui_exit 15
assert_restored

# the line mode
tui_tmux kill-server 2>/dev/null
# a new session only once the old server is gone
for ((i = 0; i < 50; i++)); do
    tui_tmux has-session 2>/dev/null || break
    sleep 0.1
done
sleep 0.2
tui_start 80 24 dumb "$SRV"
tui_run --side server --from 192.0.2.1 --no-capture
# Enter only when a step's prompt is the last thing on the screen: a key
# typed ahead would be read by the verdict's prompt instead
for ((i = 0; i < 900; i++)); do
    scr=$(tui_screen | sed '/^$/d')
    grep -q 'f fix, ? help' <<<"$scr" && break
    if [ "$(tail -n 2 <<<"$scr" | head -n 1)" = "Enter: next step, b back, r run again, d details, ? help, s save, q quit" ] &&
        [ "$(tail -n 1 <<<"$scr")" = ">" ]; then
        tui_keys Enter
        sleep 0.3
    fi
    sleep 0.1
done
tui_wait 'f fix, \? help' 10 || sdt_fail "the line mode's verdict did not show, or its keys do not offer f"
tui_keys f Enter
tui_wait 'y and Enter apply it' 10 || sdt_fail "f did not show the plan in the line mode"
assert_seen 'iptables -I INPUT 1 -s 192\.0\.2\.1' 'the exact command in the line mode'
tui_keys y Enter
tui_wait 'within [0-9]+ s keep it' 20 || sdt_fail "no timed confirmation in the line mode"
tui_keys y Enter
for ((i = 0; i < 600; i++)); do
    tui_seen 'SSH answers now' && break
    sleep 0.1
done
assert_seen 'before: local_firewall +after: ok' "the line mode's diagnosis again, before and after"
tui_keys s Enter
tui_wait 'Save the report as' 5 || sdt_fail "line mode: s did not ask for a file name"
tui_keys -l "$SDT_TMP/linemode-fix.json"
tui_keys Enter
for ((i = 0; i < 100; i++)); do
    tui_seen 'saved the report to' && break
    sleep 0.1
done
fix_check_report "$SDT_TMP/linemode-fix.json" "line mode"
tui_keys q Enter
tui_exit 15
sdt_in "$SRV" iptables -D INPUT -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT || sdt_fail "the line mode's rule was not there to remove"
tui_finish
