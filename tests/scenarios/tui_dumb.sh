#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: TERM=dumb (no cursor addressing) gets the line mode. A
# refused target (nothing listens on the server's port 22) is walked to its
# verdict with Enter in an 80x24 tmux pane.
# Expected: every step as text with its status in words, the RST as a packet
# line, the cause in words, the keys at the prompt, exit 1, the terminal as
# it was. Then, with stdout a pipe and stdin not a terminal, the batch text
# report to the verdict without a prompt.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc
tui_begin
topo_direct
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

tui_start 80 24 dumb "$CLI"
tui_run "$SRV_ADDR"
tui_wait '^Step 1 of [0-9]+: ' 10 || sdt_fail "the first step did not show within 10 s"
tui_walk '^VERDICT: port_closed' 60 || sdt_fail "the verdict port_closed did not show within 60 s"
assert_seen '^\[ OK \] Does the name resolve' 'the name step passed, tagged [ OK ]'
assert_seen '^\[FAIL\] Does anything answer on the port' 'the connect step tagged [FAIL]'
assert_seen '^  < RST,ACK 192\.0\.2\.2:22 > ' 'the RST as a packet line'
assert_seen 'nothing listens on port 22' 'the cause in words'
assert_seen '^Enter: next step, b back, r run again, d details, \? help, s save, q quit$' 'the keys at the prompt'
SDT_CHECKS=$((SDT_CHECKS + 1))
if tui_raw | grep -q $'\e'; then
    sdt_fail "expected no escape sequence on a dumb terminal"
else
    sdt_pass "no escape sequence on a dumb terminal"
fi
tui_keys Enter
tui_exit 10
assert_tui_exit 1 "after the verdict port_closed"
assert_restored

# Output to a pipe: the batch text report, the steps and the verdict
# without a prompt (prompts only ever go to a terminal).
SDT_CHECKS=$((SDT_CHECKS + 1))
piped=$(sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" "$SRV_ADDR" </dev/null 2>"$SDT_TMP/doctor.stderr")
rc=$?
printf '%s\n' "$piped" >"$SDT_TMP/piped.out"
if [ "$rc" = 1 ] && grep -q '^\[FAIL\] Does anything answer' <<<"$piped" \
        && grep -q '^VERDICT: port_closed' <<<"$piped" && ! grep -q 'Enter: next step' <<<"$piped"; then
    sdt_pass "stdout a pipe, stdin not a terminal: the steps and the verdict, no prompt, exit 1"
else
    sdt_fail "stdout a pipe, stdin not a terminal: expected the batch report to the verdict without a prompt and exit 1, got exit $rc (output in piped.out)"
    tail -n 20 "$SDT_TMP/piped.out"
fi
tui_finish
