#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_local_firewall_nft: sshd runs on port 22; the server's own
# nftables (table inet filter, chain input) accepts everything on lo, then
# rejects TCP to port 22 with ICMP administratively prohibited. The server
# can reach itself (over lo, also at 192.0.2.2), but every other host is
# refused ("No route to host" in nc, ICMP 3/13).
# Expected: verdict local_firewall, exit 1, the verdict naming the rule
# (chain input, its text as nft lists it); the self-test to 192.0.2.2:22,
# which goes over lo, is answered by a SYN-ACK: the verdict must come from
# the ruleset, not from the self-test alone.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22; nft: iif lo accept, tcp dport
#                                    22 reject; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq nft

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" nft -f - <<'NFT' || sdt_die "nft ruleset"
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		iif "lo" accept
		tcp dport 22 reject with icmpx type admin-prohibited
	}
}
NFT

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("sshd"'
wire_ruleset "$SRV" 'tcp dport 22 reject with icmpx admin-prohibited'
wire_nc "$CLI" "$SRV_ADDR" 22 'No route to host'
wire_nc "$SRV" "$SRV_ADDR" 22 'succeeded'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause local_firewall
assert_exit 1
assert_verdict_names '\binput\b' 'the chain (input)'
assert_verdict_names 'tcp dport 22 reject with icmpx (type )?admin-prohibited' 'the rule as nft lists it'
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish
