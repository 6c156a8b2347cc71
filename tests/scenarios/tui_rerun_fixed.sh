#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: r fixes the problem in the middle of a walk. On the server
# side, sshd is installed and configured but not running; the wizard (80x24,
# TERM=xterm-256color) and then the line mode (TERM=dumb) walk to the
# verdict sshd_not_running. Then sshd is started, the walk goes back to the
# last step (the self-test) and r runs it again.
# Expected, in both faces: the self-test passes, the verdict becomes "SSH
# answers", and the earlier steps that failed before sshd started are
# marked "(before the rerun)" on the screen, with a note on the verdict;
# the report saved then (s, a .json name) is valid against the schema, has
# "stale": true on those steps and on none of the fresh one, and cause ok;
# the exit status is 0.
#   SRV 192.0.2.2 (/etc/ssh ready, no sshd until the walk is at the verdict;
#   ssh-doctor here) ==== CLI 192.0.2.1
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen jq python3
tui_begin
topo_direct
sshd_setup "$SRV"
printf 'Port 22\n' >>"$SSHD_CONFIG"
top=${SSHD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

# rerun_sshd_start — sshd in the server's namespace, once the walk has
# reached the verdict sshd_not_running.
rerun_sshd_start() {
    sdt_in "$SRV" /usr/sbin/sshd -t -f /etc/ssh/sshd_config -o PidFile=none \
        || sdt_die "sshd -t rejects the test configuration"
    sdt_bg sshd "$SRV" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config -o PidFile=none
    SSHD_PID=$SDT_LAST_PID
    sdt_wait_listen "$SRV" 22 "$SSHD_PID"
}

# rerun_stop_sshd — stop the sshd this test started (by its PID), before
# the next face walks from "not running" again.
rerun_sshd_stop() {
    local i
    [ -n "${SSHD_PID:-}" ] || return 0
    kill -TERM -- "-$SSHD_PID" 2>/dev/null || kill -TERM "$SSHD_PID" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SSHD_PID" 2>/dev/null || break
        sleep 0.1
    done
    SSHD_PID=""
}

# rerun_wait_seen REGEX SECONDS — wait until some screen (or the pane's
# scrollback: the line mode scrolls) has shown REGEX.
rerun_wait_seen() {
    local re=$1 secs=$2 i
    for ((i = 0; i < secs * 10; i++)); do
        tui_capture
        tui_seen "$re" && return 0
        sleep 0.1
    done
    sdt_log "waited ${secs} s for /$re/"
    return 1
}

# rerun_check_report FILE FACE — the report saved after the rerun.
rerun_check_report() {
    local file=$1 face=$2 out stale fresh
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
    if [ "$(jq -r '.verdict.cause' "$file")" = ok ]; then
        sdt_pass "$face: the saved report's verdict is ok"
    else
        sdt_fail "$face: expected the verdict ok in the saved report, got $(jq -c '.verdict.cause' "$file")"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    stale=$(jq -r '[.steps[] | select(.stale == true) | .id] | join(",")' "$file")
    fresh=$(jq -r '.steps[-1] | "\(.id) \(.status) \(.stale // false)"' "$file")
    if [ "$fresh" = "self_test pass false" ] && grep -q 'service' <<<"$stale"; then
        sdt_pass "$face: the self-test run again is fresh (pass) and the steps before it are stale ($stale)"
    else
        sdt_fail "$face: expected a fresh passing self_test and the service step stale, got last '$fresh', stale '$stale'"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    # no [FAIL] beside the verdict ok without its mark
    out=$(jq -r '[.steps[] | select(.status == "fail" and (.stale // false) == false) | .id] | join(",")' "$file")
    if [ -z "$out" ]; then
        sdt_pass "$face: every failed step beside the verdict ok is marked stale"
    else
        sdt_fail "$face: failed steps beside the verdict ok without the stale mark: $out"
    fi
}

# ---- the wizard ---------------------------------------------------------
tui_start 80 24 xterm-256color "$SRV"
tui_run --side server --watch 0
tui_walk 'The SSH server is not running' 90 || sdt_fail "wizard: the verdict sshd_not_running did not show within 90 s"
rerun_sshd_start
tui_keys b
tui_wait 'Step 11 of 11|self-test|answer this machine' 10 || sdt_fail "wizard: b did not go back to the steps"
tui_keys r
tui_wait '\[ OK \] Does sshd answer this machine' 30 || sdt_fail "wizard: the self-test did not pass after r"
tui_settle 10
assert_seen '^ \[( OK |SKIP)\] .* \(before the rerun\) ' 'wizard: the steps before it marked (before the rerun) in the list'
tui_keys Enter
tui_wait 'SSH answers' 20 || sdt_fail "wizard: the verdict SSH answers did not show after Enter"
assert_seen 'ran before another step ran again' 'wizard: the verdict notes the steps from before the rerun'
tui_keys s C-u
tui_keys -l "$SDT_TMP/wizard.json"
tui_keys Enter
tui_wait 'saved the JSON report' 10 || sdt_fail "wizard: the report was not saved"
# back to the service step (the second of eleven): its [FAIL] is marked
tui_keys b
for ((i = 0; i < 9; i++)); do tui_keys b; done
tui_wait 'Step 2 of 11' 10 || sdt_fail "wizard: b did not go back to step 2"
assert_seen '\[FAIL\] \(before the rerun\) ' 'wizard: the service step [FAIL] marked (before the rerun) on its panel'
tui_keys q
tui_exit 15
assert_tui_exit 0 "wizard: after q on a step, once the verdict ok was shown"
assert_restored
rerun_check_report "$SDT_TMP/wizard.json" wizard
tui_stop
rerun_sshd_stop

# ---- the line mode --------------------------------------------------------
tui_start 80 24 dumb "$SRV"
tui_run --side server --watch 0
tui_wait '^Step 1 of [0-9]+: ' 10 || sdt_fail "line mode: the first step did not show within 10 s"
tui_walk '^VERDICT: sshd_not_running' 90 || sdt_fail "line mode: the verdict sshd_not_running did not show within 90 s"
rerun_sshd_start
tui_keys b Enter
tui_wait '^\[FAIL\] Does sshd answer this machine' 10 || sdt_fail "line mode: b did not show the self-test again"
tui_keys r Enter
rerun_wait_seen '^\[ OK \] Does sshd answer this machine' 30 || sdt_fail "line mode: the self-test did not pass after r"
rerun_wait_seen '^These results are from before the rerun' 5 || sdt_fail "line mode: the steps from before the rerun were not named"
assert_seen '^  [0-9]+\. \[FAIL\] Is sshd running\?' 'line mode: the service step [FAIL] listed as from before the rerun'
tui_keys Enter
rerun_wait_seen '^VERDICT: ok' 20 || sdt_fail "line mode: the verdict ok did not show"
assert_seen 'ran before another step ran again' 'line mode: the verdict notes the steps from before the rerun'
tui_keys s Enter
tui_wait 'Save the report as' 5 || sdt_fail "line mode: s did not ask for a file name"
tui_keys -l "$SDT_TMP/linemode.json"
tui_keys Enter
rerun_wait_seen 'saved the report to' 10 || sdt_fail "line mode: the report was not saved"
tui_keys Enter
tui_exit 15
assert_tui_exit 0 "line mode: after Enter on the verdict ok"
assert_restored
rerun_check_report "$SDT_TMP/linemode.json" "line mode"
rerun_sshd_stop
tui_finish
