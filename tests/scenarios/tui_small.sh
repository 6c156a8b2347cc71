#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the full-screen wizard in a 40x12 terminal (xterm-256color),
# smaller than the 80x24 it needs.
# Expected: it says the size it needs and how to set it on a serial line
# ("stty rows R cols C"); q quits with exit 3 (nothing was diagnosed) and the
# terminal as it was.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc
tui_begin
topo_direct

tui_start 40 12 xterm-256color "$CLI"
tui_run "$SRV_ADDR"
tui_wait 'stty rows [0-9]+ cols [0-9]+' 10 || sdt_fail "no size advice within 10 s"
assert_seen '80.{0,12}24' 'the size it needs (80 by 24)'
assert_seen 'stty rows [0-9]+ cols [0-9]+' 'how to set the size on a serial line'
tui_keys q
tui_exit 10
assert_tui_exit 3 "after q on the too-small terminal"
assert_restored
tui_finish
