#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test: the practice lab crashes (SIGSEGV) while its own page holds
# the terminal at 80x24 on a vt100, with a sandbox staged. Expected: the
# terminal as it was (modes, the normal screen, a visible cursor), the shell
# prompt back, and nothing of the sandbox left: the crash hands it to a
# fresh copy of the program, which removes it.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin sshd ssh ssh-keygen iptables
tui_begin
sdt_need_doctor

practice_tmux_start vt100

tui_run --practice
tui_wait 'pick a scenario' 15 || sdt_fail "the menu did not show"
pid=$(tui_doctor_pid)
letter=$(grep -oE '[a-z]\) Accepted, then closed in silence' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter"
tui_wait 'hang up on you' 20 || sdt_fail "the scenario's story did not show"
practice_wait_staged "$pid" || sdt_fail "the sandbox of pid $pid was not staged"
kill -SEGV "$pid"
assert_restored
for ((i = 0; i < 100; i++)); do
    ip netns list | grep -q "^sdl${pid}[crs]" || break
    sleep 0.1
done
assert_sandbox_gone "$pid"
tui_finish
