#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the full-screen wizard at 80x24 with TERM=linux walks a
# refused target (nothing listens on the server's port 22) to its verdict.
# Expected: a screen listing the steps with their status in words, the RST
# in the capture pane, the cause port_closed in words; q leaves exit 1 and
# the terminal as it was.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
tui_refused linux
