#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario port_closed_noping: nothing listens on port 22, and the server's
# firewall drops ping (ICMP echo requests), as many hosts do. A host that
# ignores ping is not down: the RST to our SYN proves it is up.
# Expected: verdict port_closed (not host_unreachable), exit 1, outcome rst;
# the ping step does not pass and says that no reply is not proof of a dead
# host.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener; iptables drops echo-request)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc jq iptables

topo_direct
sdt_in "$SRV" iptables -A INPUT -p icmp --icmp-type echo-request -j DROP || sdt_die "iptables rule"

wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor "$CLI" "$SRV_ADDR"
# The rule's counter shows ssh-doctor's echo requests met it.
dropped=$(sdt_in "$SRV" iptables -L INPUT -v -n -x | awk '/icmptype 8/ { print $1; exit }')
[ "${dropped:-0}" -gt 0 ] || sdt_die "the server's ping DROP rule saw no packet (counter: ${dropped:-none})"
sdt_log "wire: the server dropped $dropped echo request(s)"
assert_client_report 22
assert_cause port_closed
assert_exit 1
assert_outcome_if_captured rst
assert_json '[.steps[] | select(.id == "ping" and .status != "pass")] | length == 1' \
    'the ping step does not pass'
assert_json '.verdict.alternatives | index("host_unreachable") | not' \
    'host_unreachable is ruled out by the RST'
sdt_finish
