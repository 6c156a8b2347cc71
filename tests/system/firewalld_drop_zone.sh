#!/bin/bash
# SPDX-License-Identifier: MIT
# System test firewalld_drop_zone: the server's interface is put in
# firewalld's drop zone: every SYN is dropped. Expected: local_firewall,
# certain, fix by firewall-cmd.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --zone=drop --change-interface="$SRV_IF"
sys_must firewall-cmd --reload
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'firewall-cmd'
assert_evidence_has 'drop'
sys_finish
