#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario middlebox_reset: sshd runs on the server, but the router between
# client and server resets every connection to port 22 (iptables FORWARD
# REJECT --reject-with tcp-reset). The RST claims to come from the server,
# but it arrives with TTL 64 (one hop less than the server's own packets,
# TTL 63) and TOS 0 (the server's own RSTs echo the SYN's TOS).
# Expected: verdict middlebox_reset, exit 1, outcome rst.
#   CLI 192.0.2.10 == RTR 192.0.2.1 | 192.0.2.129 == SRV 192.0.2.130 (sshd :22)
#                     (FORWARD tcp dport 22 REJECT tcp-reset)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables nc jq tcpdump

topo_routed
sshd_start "$SRV" 22
sdt_in "$RTR" iptables -w 10 -A FORWARD -p tcp --dport 22 -j REJECT --reject-with tcp-reset \
    || sdt_die "iptables rule in the router"

wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
wire_tcpdump "$CLI" "$CLI_IF" 8 'tcp[tcpflags] & tcp-rst != 0' \
    'tos 0x0, ttl 64.*192\.0\.2\.130\.22 > .*Flags \[R' \
    'tos 0x28, ttl 63.*192\.0\.2\.130\.23 > .*Flags \[R' \
    -- sdt_in "$CLI" bash -c "nc -z -T af11 -w 3 $SRV_ADDR 22; nc -z -T af11 -w 3 $SRV_ADDR 23"

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause middlebox_reset
assert_exit 1
assert_outcome_if_captured rst
sdt_finish
