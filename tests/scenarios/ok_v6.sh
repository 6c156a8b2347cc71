#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario ok_v6: as ok, over IPv6: a real sshd answers on [2001:db8::2]:22.
# Expected: verdict ok, exit 0, outcome synack.
#   CLI 2001:db8::1 ==== SRV 2001:db8::2 (sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen jq

topo_direct
sshd_start "$SRV" 22

wire_ssh "$CLI" "$SRV_ADDR6" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor "$CLI" "$SRV_ADDR6"
assert_client_report 22
assert_cause ok
assert_exit 0
assert_json '.target.addresses | index("2001:db8::2") != null' 'target address 2001:db8::2'
assert_outcome_if_captured synack
sdt_finish
