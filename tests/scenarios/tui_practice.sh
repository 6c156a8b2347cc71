#!/bin/bash
# SPDX-License-Identifier: MIT
# Terminal test of the practice lab: a learner's walk at 80x24 with
# TERM=vt100. The menu, a scenario's story with ssh's own error line, the
# client's flow in the wizard, a wrong guess (told so, with the evidence),
# the server's console ('g') with a right guess, the end screen with the
# cause's explanation, then q. Expected: exit 0, the terminal as it was,
# nothing of the sandbox left.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin sshd ssh ssh-keygen iptables
tui_begin
sdt_need_doctor

practice_tmux_start vt100

tui_run --practice
tui_wait 'pick a scenario' 15 || sdt_fail "the menu did not show"
assert_seen 'Level 1: first steps' 'the menu grouped by level'
assert_seen 'surprise me' '"surprise me" in the menu'
pid=$(tui_doctor_pid)
letter=$(grep -oE '[a-z]\) Refused after a reboot' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter"
tui_wait 'Connection refused' 20 || sdt_fail "the story with ssh's error did not show"
assert_seen 'rebooted last night' 'the story'
assert_seen '\$ ssh lab-server' 'the command the learner typed'
assert_seen 'ssh: connect to host lab-server port 22: Connection refused' "ssh's own error line"
tui_keys Enter
tui_walk 'what do you think the cause is' 60 || sdt_fail "the question before the verdict did not show"
assert_step_list 5
assert_seen 'Packets on sdl[0-9]+c0' 'the capture pane inside the client namespace'
# a wrong answer: "A firewall drops the connection"
letter=$(grep -oE '[a-z]\) A firewall drops the connection' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter"
tui_wait 'The evidence says' 10 || sdt_fail "the wrong guess was not judged"
assert_seen '\[FAIL\] You said: A firewall drops the connection' 'the wrong guess told as such'
assert_seen 'What decides it' 'the deciding evidence'
tui_keys g
tui_walk 'what do you think the cause is' 60 || sdt_fail "the server console's question did not show"
assert_seen 'server side' "the server's console"
letter=$(grep -oE '[a-z]\) The SSH server is not running' <<<"$TUI_SCREEN" | head -c 1)
tui_keys "$letter"
tui_wait 'Right\.' 10 || sdt_fail "the right guess was not judged"
assert_seen '\[ OK \] You said: The SSH server is not running\. Right\.' 'the right guess told as such'
tui_keys q
tui_wait 'The cause: Nothing listens on the port' 20 || sdt_fail "the end screen did not show"
assert_seen 'From the client you said' 'what the learner got right and wrong'
assert_seen 'nobody started it' "the cause's explanation"
tui_keys q
tui_exit 20
assert_tui_exit 0 'after q on the end screen'
assert_restored
[ -n "$pid" ] && assert_sandbox_gone "$pid"
tui_finish
