#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario port_closed: the server is up but nothing listens on port 22, so
# its own TCP stack answers the SYN with a RST.
# Expected: verdict port_closed, exit 1, outcome rst.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc jq tcpdump

topo_direct

# The host's own RST echoes the SYN's TOS byte (see DESIGN.md, wire facts).
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
wire_tcpdump "$CLI" "$CLI_IF" 6 'tcp[tcpflags] & tcp-rst != 0' \
    'tos 0x28, ttl 64.*192\.0\.2\.2\.22 > .*Flags \[R' \
    -- sdt_in "$CLI" nc -z -T af11 -w 3 "$SRV_ADDR" 22

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause port_closed
assert_exit 1
assert_outcome_if_captured rst
sdt_finish
