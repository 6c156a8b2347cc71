#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_firewalld: firewalld's zone lacks the ssh service;
# ssh-doctor --fix --yes --from 192.0.2.1 lets that client in with
# firewall-cmd --permanent (a rich rule for its address, not the service
# for everyone) and a reload, and the rule survives a reboot.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl enable --now firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --remove-service=ssh
sys_must firewall-cmd --reload
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out|No route to host' 2
sys_fix --from 192.0.2.1
assert_fixed local_firewall firewall-cmd
assert_json '.fix.actions[0].argv | any(test("^--add-rich-rule=.*192\\.0\\.2\\.1"))' 'a rich rule for the client'
assert_json '.fix.actions[0].argv | any(. == "--permanent")' 'made --permanent'
assert_json '.fix.actions[0].undo_command | test("--remove-rich-rule=")' 'undone by removing that rich rule'
assert_json '[.fix.actions[].argv[]] | any(test("add-service")) | not' 'the ssh service is not opened to everyone'

sys_reboot
sys_wait_active firewalld.service
sys_expect_banner 22
sys_finish
