#!/bin/bash
# SPDX-License-Identifier: MIT
# System test iptables_legacy: a DROP for port 22 loaded with iptables-legacy
# while the nft back end is the default: `iptables-save` only warns that
# legacy tables exist. Expected: local_firewall, certain, the rule named and
# removed with iptables-legacy.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must iptables-legacy -A INPUT -p tcp --dport 22 -j DROP
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'iptables-legacy -D INPUT'
sys_finish
