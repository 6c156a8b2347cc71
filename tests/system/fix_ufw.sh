#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_ufw: ufw denies port 22 to everyone; ssh-doctor --fix
# --yes --from 192.0.2.1 lets that client in with ufw itself (a rule put
# before ufw's deny, so the deny still holds for the rest), and the rule
# survives a reboot (ufw writes user.rules).
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw deny 22/tcp
sys_must ufw --force enable
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_fix --from 192.0.2.1
assert_fixed local_firewall ufw
assert_json '.fix.actions[0].argv[1:] == ["prepend", "allow", "from", "192.0.2.1", "to", "any", "port", "22", "proto", "tcp"]' \
    'ufw prepend allow from the client only'
assert_json '.fix.actions[0].undo_command | test("ufw --force delete allow from 192.0.2.1")' 'undone with ufw delete'
assert_json '.fix.actions[0].persistent' 'ufw keeps it across a reboot'
sys_must sh -c 'ufw status | grep -q "22/tcp *DENY"'

sys_reboot
sys_expect_banner 22
sys_must sh -c 'ufw status | grep -q "192.0.2.1"'
sys_finish
