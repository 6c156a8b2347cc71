#!/bin/bash
# SPDX-License-Identifier: MIT
# System test nft_source_drop: nftables (no front end) drops SSH from
# 192.0.2.0/28 only (`table inet filter`, chain input: ip saddr 192.0.2.0/28
# tcp dport 22 drop). Judged for a client outside the network (192.0.2.130,
# which really gets in): ok, likely: the server's own address 192.0.2.2 is
# in the /28, so its self-test to that address is dropped as well, and the
# verdict says so instead of blaming the firewall for the client. Judged for our client 192.0.2.1,
# inside it: local_firewall, certain, naming the rule. The fix puts an
# accept for that one address before the drop; deleting the drop would let
# the whole /28 in, which the rule was written to keep out. Typed at the
# console, the client gets in while another source of the /28 (192.0.2.3)
# stays out.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must nft add table inet filter
sys_must nft add chain inet filter input '{ type filter hook input priority 0; policy accept; }'
sys_must nft add rule inet filter input ip saddr 192.0.2.0/28 tcp dport 22 drop
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_cause ok
assert_confidence likely
assert_exit 0
assert_evidence_has 'holds this machine.s own address 192\\.0\\.2\\.2'
assert_json '[.verdict.unchecked[]] | any(test("192\\.0\\.2\\.2"))' 'what the self-test could not see is named as unchecked'
assert_json '.verdict.for == ["192.0.2.130"]' 'verdict.for names the client outside the network'

sys_doctor
assert_json '.verdict.confidence != "certain"' 'without --from the drop for some sources is not certain either way'
assert_evidence_has '192\\.0\\.2\\.0/28'

sys_doctor --from 192.0.2.1
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.0/28'
assert_fix_has 'nft insert rule inet filter input position'
assert_fix_has 'ip saddr 192.0.2.1 tcp dport 22 accept'
assert_fix_lacks 'delete'
assert_json '[.verdict.prevention[]] | any(test("nftables.conf"))' 'says the rule must be saved for the next boot'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130
sys_finish
