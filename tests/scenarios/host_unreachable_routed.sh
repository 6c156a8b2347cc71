#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario host_unreachable_routed: the target 192.0.2.150 sits behind a
# router, on the router's server-side subnet, but no host has it; the router's
# ARP fails and it answers the client's SYN with ICMP host unreachable.
# Expected: verdict host_unreachable, exit 1, outcome icmp; the TCP step
# stops waiting when the router's answer comes, also for the other ports'
# attempts (whose own errors the router rate-limits away). The time to the
# verdict is printed next to nc's (measured, not asserted).
#   CLI 192.0.2.10 == RTR 192.0.2.1 | 192.0.2.129 == SRV 192.0.2.130 (sshd :22)
#                                                    192.0.2.150: nobody
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq tcpdump

topo_routed
sshd_start "$SRV" 22
ABSENT=192.0.2.150

# The router's answer takes its ARP timeout (about 3 s).
t0=$(date +%s%N)
wire_nc "$CLI" "$ABSENT" 22 'No route to host' 8
NC_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
wire_tcpdump "$CLI" "$CLI_IF" 12 'icmp' \
    '192\.0\.2\.1 > 192\.0\.2\.10: ICMP host 192\.0\.2\.150 unreachable' \
    -- sdt_in "$CLI" nc -z -w 8 "$ABSENT" 22

run_doctor "$CLI" "$ABSENT"
assert_client_report 22
assert_cause host_unreachable
assert_exit 1
assert_outcome_if_captured icmp
assert_json '[.steps[] | select(.id == "tcp_connect") | .summary | test("host unreachable from 192\\.0\\.2\\.1")] == [true]' \
    'the TCP step says what the router said: host unreachable'
printf 'time to the answer: nc -zv: %d ms; ssh-doctor, to its verdict: %d ms\n' "$NC_MS" "$SDT_MS"
sdt_finish
