#!/bin/bash
# SPDX-License-Identifier: MIT
# System test firewalld_no_ssh: firewalld running, the ssh service removed
# from the default zone. Expected: local_firewall, certain, and the fix is
# firewall-cmd's, permanent: --add-service=ssh, then --reload.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --remove-service=ssh
sys_must firewall-cmd --reload
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out|No route to host' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'firewall-cmd'
assert_fix_has '--add-service=ssh'
sys_finish
