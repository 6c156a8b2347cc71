#!/bin/bash
# SPDX-License-Identifier: MIT
# System test iptables_mangle: a DROP for port 22 in the mangle table's INPUT
# chain. Expected: local_firewall, certain, the rule removed from mangle.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must iptables -t mangle -A INPUT -p tcp --dport 22 -j DROP
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'iptables -t mangle -D INPUT'
sys_finish
