#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario silent_host: nothing answers at all from the server: not ping,
# not port 22, not any other port (its firewall drops everything, as it
# would look if it were switched off behind a silent router).
# Expected: verdict firewall_drop (no answer at all), worded for what the
# evidence says: "Nothing answers at all", the host may be off or
# everything filtered, check from its console; no firewall command to type.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (iptables INPUT policy DROP)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin iptables nc jq

topo_direct
sdt_in "$SRV" iptables -w 10 -P INPUT DROP || sdt_die "iptables policy"

wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause firewall_drop
assert_exit 1
assert_json '.verdict.confidence == "possible"' 'confidence possible'
assert_json '.verdict.title == "Nothing answers at all"' 'the title says what the evidence says'
assert_json '.verdict.summary | test("switched off") and test("drops everything")' \
    'the summary names both readings: the host is off, or everything is filtered'
assert_json '.verdict.fix | test("console")' 'the fix says to look from the console'
assert_json '.verdict.fix_command == null and (.verdict.fix_variants | length) == 0' \
    'no firewall command to type for a host that answers nothing'
assert_json '[.verdict.summary, .verdict.fix] | all(test("ufw") | not)' 'no ufw'
assert_json '.verdict.alternatives | index("host_unreachable") != null' 'host_unreachable not ruled out'
assert_json '.steps[] | select(.id == "other_ports") | .status == "warn"' \
    'other ports: not [ OK ] when no port answered at all'
sdt_finish
