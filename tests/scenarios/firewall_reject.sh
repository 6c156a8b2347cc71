#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario firewall_reject: sshd runs on port 22, but an nftables rule on the
# server answers SYNs to it with ICMP "administratively prohibited".
# Expected: verdict firewall_reject, exit 1, outcome icmp.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22,
#                      nft: tcp dport 22 reject with icmp type admin-prohibited)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nft nc jq tcpdump

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" nft -f - <<'NFT' || sdt_die "nftables ruleset"
table ip sdt_filter {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 22 reject with icmp type admin-prohibited
    }
}
NFT

wire_nc "$CLI" "$SRV_ADDR" 22 'No route to host'
wire_tcpdump "$CLI" "$CLI_IF" 6 'icmp' \
    'ICMP host 192\.0\.2\.2 unreachable - admin prohibited' \
    -- sdt_in "$CLI" nc -z -w 3 "$SRV_ADDR" 22

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause firewall_reject
assert_exit 1
assert_outcome_if_captured icmp
sdt_finish
