#!/bin/bash
# SPDX-License-Identifier: MIT
# System test firewalld_source_reject: the public zone keeps the ssh service,
# and a rich rule rejects SSH from 192.0.2.0/28 only. Judged for a client
# outside it (192.0.2.130, which really gets in): not a firewall cause.
# Judged for our client 192.0.2.1, inside it: local_firewall, certain,
# naming the rich rule. The fix lets that one address in with a rich rule
# of its own that firewalld puts before its reject rules (a negative
# priority: an accept rule of priority 0 comes after them and does
# nothing); removing the reject would let the whole /28 in. Typed at the
# console, the client gets in while 192.0.2.3, also in the /28, stays out.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="192.0.2.0/28" service name="ssh" reject'
sys_must firewall-cmd --reload
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|No route to host|timed out' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_json '.verdict.cause != "local_firewall"' 'the firewall is not the cause for a client outside the /28'
assert_json '[.steps[] | select(.id == "firewall") | .status] == ["pass"]' 'the firewall step passes for it'

sys_doctor --from 192.0.2.1
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.0/28'
assert_fix_has 'firewall-cmd --permanent --zone=public --add-rich-rule='
assert_fix_has 'source address="192.0.2.1"'
assert_fix_has 'firewall-cmd --reload'
assert_fix_lacks 'remove-rich-rule'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130
sys_finish
