#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the keys a terminal emulator sends for PgDn, PgUp, Home
# and End (ESC [ 6 ~, ESC [ 5 ~, ESC [ 1 ~ / ESC [ H / ESC O H,
# ESC [ 4 ~ / ESC [ F / ESC O F), which the vt100 terminfo entry does not
# name, scroll the verdict view at 80x24 with TERM=vt100 instead of leaving
# it as ESC ("back") would; a lone ESC still goes back. The diagnosis
# replays a capture file the test suite made (tests/fixtures/pcap), so
# nothing is sent.
# Expected: each sequence keeps the verdict view and moves it as its key
# says; ESC alone shows the steps; q leaves exit 1 and the terminal as it
# was.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin tmux
tui_begin
sdt_need_doctor
PCAP=${SSHD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fixtures/pcap/rst-en10mb.pcap

practice_tmux_start vt100
tui_run --replay "$PCAP" 192.0.2.130
tui_walk 'Nothing listens on the port' 30 || sdt_fail "the verdict did not show"

# The verdict view's first line of text, and whether the view is still it.
verdict_top() { tui_screen | sed -n 2p; }
in_verdict() { tui_screen | grep -q 'b steps  d details'; }

# raw KEYS...: sends the bytes as they are (-H: hexadecimal), in one write
raw() { tui_tmux send-keys -t tui -H "$@"; }

# expect_scroll WHAT HEX... — the sequence keeps the verdict view and moves
# its text (the top line changes).
expect_scroll() {
    local what=$1 before i; shift
    before=$(verdict_top)
    raw "$@"
    for ((i = 0; i < 20; i++)); do
        sleep 0.1
        tui_capture
        [ "$(verdict_top)" != "$before" ] && break
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if in_verdict && [ "$(verdict_top)" != "$before" ]; then
        sdt_pass "$what scrolls the verdict view (top line now: $(verdict_top | cut -c1-50))"
    else
        sdt_fail "$what: expected the verdict view to scroll, the screen is: $(tui_screen | head -n 4 | tr '\n' '|')"
    fi
}

TOP=$(verdict_top)
expect_scroll 'PgDn (ESC [ 6 ~)' 1b 5b 36 7e
expect_scroll 'PgUp (ESC [ 5 ~)' 1b 5b 35 7e
expect_scroll 'End (ESC [ 4 ~)' 1b 5b 34 7e
expect_scroll 'Home (ESC [ 1 ~)' 1b 5b 31 7e
expect_scroll 'End (ESC [ F)' 1b 5b 46
expect_scroll 'Home (ESC [ H)' 1b 5b 48
expect_scroll 'End (ESC O F)' 1b 4f 46
expect_scroll 'Home (ESC O H)' 1b 4f 48
SDT_CHECKS=$((SDT_CHECKS + 1))
[ "$(verdict_top)" = "$TOP" ] && sdt_pass "Home brings the first line back" \
    || sdt_fail "expected Home to show the first line again ($TOP), got $(verdict_top)"

# ESC alone is still "back": the steps show.
raw 1b
SDT_CHECKS=$((SDT_CHECKS + 1))
if tui_wait 'Step [0-9]+ of [0-9]+' 5 && ! in_verdict; then
    sdt_pass "ESC alone goes back to the steps"
else
    sdt_fail "ESC alone: expected the steps, got $(tui_screen | head -n 3 | tr '\n' '|')"
fi

tui_keys q
tui_exit 20
assert_tui_exit 1 "after q (a cause was found)"
assert_restored
tui_finish
