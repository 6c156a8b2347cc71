#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario firewall_reject_port_unreach: sshd runs on port 22, but an iptables
# rule on the server answers SYNs to it with ICMP port unreachable (the
# default of -j REJECT). Linux TCP itself never sends that for TCP.
# Expected: verdict firewall_reject, exit 1, outcome icmp.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22,
#                      iptables -j REJECT --reject-with icmp-port-unreachable)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables nc jq tcpdump

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable \
    || sdt_die "iptables rule"

# nc reports this ICMP error as "Connection refused", like a RST.
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
wire_tcpdump "$CLI" "$CLI_IF" 6 'icmp' \
    'ICMP 192\.0\.2\.2 tcp port 22 unreachable' \
    -- sdt_in "$CLI" nc -z -w 3 "$SRV_ADDR" 22

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause firewall_reject
assert_exit 1
assert_outcome_if_captured icmp
if [ "$(sdt_jq '.capture.available')" = true ]; then
    assert_json '.steps[] | select(.id == "tcp_connect") | .summary | test("ICMP error") and (test("no answer") | not)' \
        'the TCP step says the ICMP error the capture saw, not "no answer"'
fi
sdt_finish
