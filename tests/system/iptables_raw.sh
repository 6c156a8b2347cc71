#!/bin/bash
# SPDX-License-Identifier: MIT
# System test iptables_raw: a DROP for port 22 in the raw table's PREROUTING
# chain, which an incoming SYN meets before filter INPUT. Expected:
# local_firewall, certain, the rule removed from the raw table.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must iptables -t raw -A PREROUTING -p tcp --dport 22 -j DROP
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'iptables -t raw -D PREROUTING'
sys_finish
