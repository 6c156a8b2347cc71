#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario firewall_reject_tcp_reset: sshd runs on port 22, but an iptables
# rule on the server answers SYNs to it with a RST of its own making. From the
# client this looks like a closed port, except for the TOS byte: the rule's
# RST carries TOS 0, the host's own RSTs (for other ports) echo the SYN's.
# Expected: verdict firewall_reject, exit 1, outcome rst.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22,
#                      iptables -j REJECT --reject-with tcp-reset)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables nc jq tcpdump

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset \
    || sdt_die "iptables rule"

wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
# SYNs with TOS 0x28 (AF11): port 22's RST has TOS 0, port 23's echoes 0x28.
wire_tcpdump "$CLI" "$CLI_IF" 8 'tcp[tcpflags] & tcp-rst != 0' \
    'tos 0x0, ttl 64.*192\.0\.2\.2\.22 > .*Flags \[R' \
    'tos 0x28, ttl 64.*192\.0\.2\.2\.23 > .*Flags \[R' \
    -- sdt_in "$CLI" bash -c "nc -z -T af11 -w 3 $SRV_ADDR 22; nc -z -T af11 -w 3 $SRV_ADDR 23"

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause firewall_reject
assert_exit 1
assert_outcome_if_captured rst
sdt_finish
