#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario firewall_reject_v6: sshd runs on port 22, but an ip6tables rule on
# the server answers SYNs over IPv6 with ICMPv6 "administratively prohibited"
# (destination unreachable, code 1).
# Expected: verdict firewall_reject, exit 1, outcome icmp.
#   CLI 2001:db8::1 ==== SRV 2001:db8::2 (sshd :22,
#                        ip6tables -j REJECT --reject-with icmp6-adm-prohibited)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen ip6tables nc jq tcpdump

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" ip6tables -w 10 -A INPUT -p tcp --dport 22 -j REJECT --reject-with icmp6-adm-prohibited \
    || sdt_die "ip6tables rule"

wire_nc "$CLI" "$SRV_ADDR6" 22 'Permission denied|No route to host'
wire_tcpdump "$CLI" "$CLI_IF" 6 'icmp6 and ip6[40] == 1' \
    '2001:db8::2 > 2001:db8::1: .*ICMP6, destination unreachable, +unreachable prohibited' \
    -- sdt_in "$CLI" nc -z -w 3 "$SRV_ADDR6" 22

run_doctor "$CLI" "$SRV_ADDR6"
assert_client_report 22
assert_cause firewall_reject
assert_exit 1
assert_outcome_if_captured icmp
sdt_finish
