#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_subnet: ufw lets SSH in only from 198.51.100.0/24; the
# default policy drops the rest, our client (192.0.2.1) among them. Without
# knowing the client, the server side must say who may connect and must not
# be certain; it must never offer to open SSH to everyone.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw allow from 198.51.100.0/24 to any port 22 proto tcp
sys_must ufw --force enable
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_doctor
assert_json '.verdict.confidence != "certain" or .verdict.cause == "local_firewall"' \
    'not certain unless it names the firewall'
assert_evidence_has '198\\.51\\.100\\.0/24'
assert_fix_lacks 'ufw allow 22/tcp'
assert_fix_lacks 'ufw allow ssh'
sys_finish
