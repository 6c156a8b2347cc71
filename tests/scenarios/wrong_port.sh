#!/bin/bash
# Scenario wrong_port: sshd listens on port 2222 only; the client asks for
# 22 and gets a RST there. The report must find SSH on 2222 and say so.
# Expected: verdict wrong_port, exit 1, outcome rst, 2222 in summary or fix.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :2222 only)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 2222

wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
wire_ssh "$CLI" "$SRV_ADDR" 2222 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause wrong_port
assert_exit 1
assert_json '((.verdict.summary // "") + " " + (.verdict.fix // "")) | test("\\b2222\\b")' \
    'verdict summary or fix names port 2222'
assert_outcome_if_captured rst
sdt_finish
