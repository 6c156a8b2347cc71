#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario host_unreachable: the target 192.0.2.99 is on the client's link,
# but no host has it: ARP gets no answer and connect() fails with "No route
# to host" (EHOSTUNREACH) after about 3 s; ssh-doctor reads the kernel's
# neighbour table instead and concludes after about 1 s. No packet ever
# comes back, so the capture outcome is not judged here, but the capture
# shows the ARP question that nobody answered.
# Expected: verdict host_unreachable, exit 1; ARP who-has
# 192.0.2.99 in the capture and the verdict's evidence.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22)      192.0.2.99: nobody
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 22
ABSENT=192.0.2.99

# ARP gives up after about 3 s (3 probes, 1 s apart).
wire_nc "$CLI" "$ABSENT" 22 'No route to host' 8

run_doctor "$CLI" "$ABSENT"
assert_client_report 22
assert_cause host_unreachable
assert_exit 1
assert_json '.capture.outcome != "synack" and .capture.outcome != "rst"' 'no SYN-ACK or RST in the capture'
assert_json '[.verdict.evidence[] | select(test("ARP for 192\\.0\\.2\\.99"))] | length > 0' \
    'the verdict names the ARP question nobody answered'
if [ "$(sdt_jq '.capture.available')" = true ]; then
    assert_json '[.capture.packets[] | select(.direction == "out" and (.summary | test("^ARP who-has 192\\.0\\.2\\.99 ")))] | length > 0' \
        'the capture shows ARP who-has 192.0.2.99'
fi
sdt_finish
