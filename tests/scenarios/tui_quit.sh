#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: q at every step of the full-screen wizard (TERM=xterm-256color,
# 80x24) on a refused target, and SIGTERM in the middle of a run.
# Expected: exit 3 before the verdict shows, 1 on it (port_closed), 143 after
# SIGTERM; each time the shell prompt comes back, the terminal modes are as
# before, the alternate screen was left and the cursor shows.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
tui_quit_each xterm-256color
