#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_source_deny: ufw lets SSH in (`ufw allow 22/tcp`) but
# denies it first from 192.0.2.0/28 (`ufw insert 1 deny from 192.0.2.0/28 to
# any port 22 proto tcp`). Judged for a client outside the /28 (192.0.2.130,
# which really gets in): not a firewall cause. Judged for our client
# 192.0.2.1, inside it: local_firewall, certain. The fix is ufw's own and
# lets that one address in ahead of the deny (`ufw prepend allow from
# 192.0.2.1 ...`); deleting the deny would let the whole /28 in. Typed at
# the console, the client gets in while 192.0.2.3, also in the /28, stays
# out.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw allow 22/tcp
sys_must ufw insert 1 deny from 192.0.2.0/28 to any port 22 proto tcp
sys_must ufw --force enable
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_json '.verdict.cause != "local_firewall"' 'the firewall is not the cause for a client outside the /28'

sys_doctor --from 192.0.2.1
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.0/28'
assert_fix_has 'ufw prepend allow from 192.0.2.1 to any port 22 proto tcp'
assert_fix_lacks 'delete'
assert_fix_lacks 'iptables'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130
sys_finish
