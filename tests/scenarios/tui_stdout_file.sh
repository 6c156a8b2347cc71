#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: `ssh-doctor HOST > out.txt` typed at a terminal. Prompts
# only ever go to a terminal: with stdout a file, ssh-doctor runs as
# --batch although stdin is a terminal that could answer.
# Expected: it ends by itself (no key pressed) with exit 1; the file holds
# the text report to the verdict, no prompt and no escape sequence; the
# terminal is as it was.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc
tui_begin
topo_direct
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

tui_start 80 24 xterm-256color "$CLI"
out="$SDT_TMP/out.txt"
sdt_log "tmux: ssh-doctor $SRV_ADDR > out.txt"
tui_tmux send-keys -t tui -l "S0=\$(stty -g); $SSH_DOCTOR $SRV_ADDR >$out; echo EXIT=\$?; [ \"\$(stty -g)\" = \"\$S0\" ] && echo TTY=same || echo TTY=changed"
tui_tmux send-keys -t tui Enter
tui_exit 60
assert_tui_exit 1 "with no key pressed, after the verdict port_closed"
assert_restored

SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q '^\[FAIL\] Does anything answer' "$out" && grep -q '^VERDICT: port_closed' "$out"; then
    sdt_pass "the file holds the text report to the verdict"
else
    sdt_fail "expected the text report with VERDICT: port_closed in the file; it holds: $(head -c 600 "$out")"
fi
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -qE 'Enter: next step|^> |next step' "$out"; then
    sdt_fail "a prompt went into the file: $(grep -E 'Enter: next step|^> |next step' "$out" | head -n 3)"
else
    sdt_pass "no prompt in the file"
fi
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q $'\e' "$out"; then
    sdt_fail "an escape sequence went into the file"
else
    sdt_pass "no escape sequence in the file"
fi
tui_finish
