#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario closed_by_server: port 22 accepts the connection and closes it at
# once, before any byte (as a crashing sshd or a refusing wrapper does).
# Expected: verdict closed_by_server, exit 1, outcome synack.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (socat :22 closing every connection)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin socat nc ssh jq

topo_direct
listen_close "$SRV" 22

wire_nc "$CLI" "$SRV_ADDR" 22 'succeeded'
wire_ssh "$CLI" "$SRV_ADDR" 22 'kex_exchange_identification: (Connection closed by remote host|read: Connection reset by peer)'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause closed_by_server
assert_exit 1
assert_outcome_if_captured synack
sdt_finish
