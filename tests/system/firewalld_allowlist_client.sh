#!/bin/bash
# SPDX-License-Identifier: MIT
# System test firewalld_allowlist_client: the public zone without the ssh
# service, a rich rule letting 192.0.2.128/25 reach SSH. Judged for a
# client inside (192.0.2.130, which really gets in): ok. Judged for our
# client 192.0.2.1: local_firewall, certain, and firewall-cmd's own rich
# rule for that one source, made permanent and loaded; never the ssh
# service for everyone. Typed at the console, it lets the client in while
# another source outside the list (192.0.2.3) stays out, also after
# firewalld reloads.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --zone=public --remove-service=ssh
sys_must firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="192.0.2.128/25" service name="ssh" accept'
sys_must firewall-cmd --reload
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out|No route to host' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_cause ok
assert_confidence certain
assert_exit 0
assert_json '.verdict.for == ["192.0.2.130"]' 'verdict.for names the client inside the list'

sys_doctor --from 192.0.2.1
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.128/25'
assert_fix_has "firewall-cmd --permanent --zone=public --add-rich-rule='rule family=\"ipv4\" source address=\"192.0.2.1\""
assert_fix_has 'firewall-cmd --reload'
assert_fix_lacks '--add-service'
assert_fix_lacks '--add-port'
assert_fix_lacks 'nft '
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130
# the fix is in the permanent configuration: a reload keeps it
sys_must firewall-cmd --reload
assert_gets_in 192.0.2.1
assert_kept_out 192.0.2.3
sys_finish
