#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_allowlist_client: ufw denies incoming by default and lets
# SSH in from 192.0.2.128/25 only. Judged for a client inside the list
# (192.0.2.130, which really gets in): ok. Judged for our client 192.0.2.1,
# outside it: local_firewall, certain, and ufw's own command that adds that
# one source, never `ufw allow 22/tcp`. Judged for both of the client's
# addresses (192.0.2.1 and 2001:db8::1, which the list keeps out too), the
# fix lets in each. Typed at the console, it lets the client in by both
# while other sources outside the list (192.0.2.3, 2001:db8::3) stay out.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw default deny incoming
sys_must ufw allow from 192.0.2.128/25 to any port 22 proto tcp
sys_must ufw --force enable
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
sys_client_addr 2001:db8::3
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_cause ok
assert_confidence certain
assert_exit 0
assert_json '.verdict.for == ["192.0.2.130"]' 'verdict.for names the client inside the list'

sys_doctor --from 192.0.2.1
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.128/25'
assert_fix_has 'ufw allow from 192.0.2.1 to any port 22 proto tcp'
assert_fix_lacks 'ufw allow 22/tcp'
assert_fix_lacks 'ufw allow ssh'
assert_fix_lacks 'iptables'

sys_doctor --from 192.0.2.1,2001:db8::1
assert_cause local_firewall
assert_confidence certain
assert_json '.verdict.for == ["192.0.2.1", "2001:db8::1"]' 'verdict.for names both addresses of the client'
assert_fix_has 'ufw allow from 192.0.2.1 to any port 22 proto tcp'
assert_fix_has 'ufw allow from 2001:db8::1 to any port 22 proto tcp'
assert_fix_lacks 'ufw allow 22/tcp'
sys_try_fix --from 192.0.2.1,2001:db8::1
assert_gets_in 2001:db8::1
assert_kept_out 192.0.2.3
assert_kept_out 2001:db8::3
assert_gets_in 192.0.2.130
sys_finish
