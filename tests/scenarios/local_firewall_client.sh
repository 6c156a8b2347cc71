#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario local_firewall_client: the client's own outbound rule drops its
# SYNs to port 22 (iptables -A OUTPUT ... -j DROP on the client); the server
# is fine. The SYNs never leave the client.
# Expected: verdict local_firewall, certain, the rule named, the fix runs on
# the client and removes that rule; exit 1.
#   CLI 192.0.2.1 (OUTPUT DROP dport 22) ==== SRV 192.0.2.2 (sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables nc jq

topo_direct
sshd_start "$SRV" 22
sdt_in "$CLI" iptables -w 10 -A OUTPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"

wire_nc "$CLI" "$SRV_ADDR" 22 'timed out|not permitted'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause local_firewall
assert_exit 1
assert_json '.verdict.confidence == "certain"' 'certain'
assert_json '.verdict.fix_on == "client"' 'the fix runs on the client'
assert_verdict_names '-A OUTPUT -p tcp (-m tcp )?--dport 22 -j DROP' 'the client'"'"'s rule'
assert_json '.verdict.fix_command | test("^sudo iptables -D OUTPUT -p tcp (-m tcp )?--dport 22 -j DROP$")' \
    'a fix command that removes that very rule'
sdt_finish
