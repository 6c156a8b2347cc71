#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario host_unreachable_no_route: the client has routes for its own /26
# and the server's /26 only; the target 192.0.2.70 is in neither, so connect()
# fails at once with "Network is unreachable" and nothing is sent.
# Expected: verdict host_unreachable, exit 1.
#   CLI 192.0.2.10 == RTR 192.0.2.1 | 192.0.2.129 == SRV 192.0.2.130
#   192.0.2.70: no route on the client
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc jq

topo_routed
NOROUTE=192.0.2.70

wire_nc "$CLI" "$NOROUTE" 22 'Network is unreachable'

run_doctor "$CLI" "$NOROUTE"
assert_client_report 22
assert_cause host_unreachable
assert_exit 1
assert_json '.capture.outcome != "synack" and .capture.outcome != "rst"' 'no SYN-ACK or RST in the capture'
sdt_finish
