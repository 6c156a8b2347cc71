#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_deny: `ufw deny 22/tcp`. Expected: local_firewall, certain,
# and the fix is ufw's own (`ufw delete deny 22/tcp`): a rule changed behind
# ufw's back with iptables comes back at the next `ufw reload`.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw deny 22/tcp
sys_must ufw --force enable
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'ufw delete deny 22/tcp'
assert_fix_lacks 'iptables'
sys_finish
