#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test of the practice lab in the line mode (TERM=dumb), as on a
# console without cursor addressing: the menu, a scenario's story with ssh's
# own error line, the client's flow step by step, a wrong guess (told so,
# with the cause explained), the server's console ('g') with a right guess,
# then q. Expected: exit 0 and nothing of the sandbox left.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin sshd ssh ssh-keygen iptables
tui_begin
sdt_need_doctor

practice_tmux_start dumb

tui_run --practice
tui_wait 'pick a scenario' 15 || sdt_fail "the menu did not show"
assert_seen 'Level 1: first steps' 'the menu grouped by level'
pid=$(tui_doctor_pid)
letter=$(tr '\n' ' ' <<<"$TUI_SCREEN" | grep -oE '[a-z]\) Refused after a reboot' | head -c 1)
tui_keys "$letter" Enter
tui_wait 'Connection refused' 20 || sdt_fail "the story with ssh's error did not show"
assert_seen 'ssh: connect to host lab-server port 22: Connection refused' "ssh's own error line"
tui_keys Enter
tui_walk 'what do you think the cause is' 60 || sdt_fail "the question before the verdict did not show"
letter=$(grep -oE '[a-z]\) A firewall drops the connection' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter" Enter
tui_wait 'not what the evidence says|Enter or q: finish' 15 || sdt_fail "the wrong guess was not judged"
tui_keys q Enter
tui_wait 'The cause: Nothing listens on the port' 20 || sdt_fail "the end screen did not show"
assert_seen 'From the client you said: A firewall drops' 'the wrong guess told as such'
assert_seen 'not what the' 'and that the evidence disagrees'
tui_keys g Enter
tui_walk 'what do you think the cause is' 60 || sdt_fail "the server console's question did not show"
letter=$(grep -oE '[a-z]\) The SSH server is not running' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter" Enter
tui_wait 'Right\.' 15 || sdt_fail "the right guess was not judged"
assert_seen 'You said: The SSH server is not running\. Right\.' 'the right guess told as such' 
tui_keys q Enter
tui_wait '\[g server console' 20 || sdt_fail "the end screen did not come back"
tui_keys q Enter
tui_exit 30
assert_tui_exit 0 'after q on the end screen'
[ -n "$pid" ] && assert_sandbox_gone "$pid"
tui_finish
