#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario not_ssh: port 22 accepts connections, but what answers is a mail
# server greeting ("220 ... ESMTP"), not an SSH identification string.
# Expected: verdict not_ssh, exit 1, outcome synack, the greeting quoted.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (socat :22 sending an SMTP greeting)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin socat nc ssh jq

topo_direct
listen_greeting "$SRV" 22 '220 mail.test ESMTP test-smtpd ready\r\n'

wire_banner "$CLI" "$SRV_ADDR" 22 '^220 mail\.test ESMTP'
wire_ssh "$CLI" "$SRV_ADDR" 22 'banner line 0: 220 mail\.test ESMTP'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause not_ssh
assert_exit 1
assert_json 'tostring | contains("220 mail.test ESMTP")' 'the report quotes the greeting'
assert_outcome_if_captured synack
sdt_finish
