#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario port_closed_v6: as port_closed, over IPv6: nothing listens on
# [2001:db8::2]:22 and the host answers the SYN with a RST.
# Expected: verdict port_closed, exit 1, outcome rst.
#   CLI 2001:db8::1 ==== SRV 2001:db8::2 (no listener)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin nc jq

topo_direct

wire_nc "$CLI" "$SRV_ADDR6" 22 'Connection refused'

run_doctor "$CLI" "$SRV_ADDR6"
assert_client_report 22
assert_cause port_closed
assert_exit 1
assert_outcome_if_captured rst
sdt_finish
