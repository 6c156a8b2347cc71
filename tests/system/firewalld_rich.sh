#!/bin/bash
# SPDX-License-Identifier: MIT
# System test firewalld_rich: the ssh service removed, a rich rule lets
# 198.51.100.0/24 in; our client 192.0.2.1 is outside it. The server side must
# name the source allowed, not be certain without knowing the client, and
# never open SSH to everyone.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start firewalld.service
sys_wait_active firewalld.service
sys_must firewall-cmd --permanent --remove-service=ssh
sys_must firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="198.51.100.0/24" service name="ssh" accept'
sys_must firewall-cmd --reload
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out|No route to host' 2
sys_doctor
assert_json '.verdict.confidence != "certain" or .verdict.cause == "local_firewall"' \
    'not certain unless it names the firewall'
assert_evidence_has '198\\.51\\.100\\.0/24'
assert_fix_lacks '--add-service=ssh'
sys_finish
