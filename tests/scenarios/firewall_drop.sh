#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario firewall_drop: sshd runs on port 22, but the server's iptables
# drops every SYN to it; nothing at all comes back.
# Expected: verdict firewall_drop, exit 1, outcome silence — and an answer in
# seconds, not after the kernel's two-minute connect timeout.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22, iptables INPUT DROP dport 22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables nc jq

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"

wire_nc "$CLI" "$SRV_ADDR" 22 'timed out'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause firewall_drop
assert_exit 1
assert_outcome_if_captured silence
assert_max_ms 20000
sdt_finish
