#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the full-screen wizard (xterm-256color) resized in the middle
# of walking a refused target: 80x24, then 100x30, then back to 80x24.
# Expected: after growing, the screen uses the new width; after shrinking,
# the walk goes on to the verdict with the step list, the RST and the cause
# port_closed in words; q leaves exit 1 and the terminal as it was.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc
tui_begin
topo_direct
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

tui_start 80 24 xterm-256color "$CLI"
tui_run "$SRV_ADDR"
tui_wait "$TUI_TAGS" 15 || sdt_fail "no step showed within 15 s"
tui_keys Enter
tui_settle 20

tui_tmux resize-window -t tui -x 100 -y 30 || sdt_die "tmux resize-window 100x30"
mv "$SDT_TMP/screens.txt" "$SDT_TMP/screens-80x24.txt"
: >"$SDT_TMP/screens.txt"
tui_settle 20
SDT_CHECKS=$((SDT_CHECKS + 1))
if tui_screen | awk 'length($0) > 80 { found = 1 } END { exit !found }'; then
    sdt_pass "at 100x30 the screen uses more than 80 columns"
else
    sdt_fail "expected the screen to follow the resize to 100x30 (no line longer than 80 columns)"
fi

tui_tmux resize-window -t tui -x 80 -y 24 || sdt_die "tmux resize-window 80x24"
tui_refused_verdict
tui_finish
