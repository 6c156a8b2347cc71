#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_listen_address_other_port: sshd runs, but only on
# 127.0.0.1 port 4242 ("ListenAddress 127.0.0.1", "Port 4242"); the person
# asks about port 22, where nothing listens. A client on the link gets
# "Connection refused" on 22 and on 4242 alike, so `ssh -p 4242 ADDR` is no
# answer: sshd must also listen on the address clients use.
# Expected: verdict listen_address, exit 1, naming 127.0.0.1 and 4242; never
# wrong_port, and no fix telling the client to use -p 4242.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd 127.0.0.1:4242 only; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'ListenAddress 127.0.0.1\n' >>"$SSHD_CONFIG"
sshd_start "$SRV" 4242

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 127\.0\.0\.1:4242 .*users:\(\("sshd"'
wire_ssh "$SRV" 127.0.0.1 4242 'Remote protocol version 2\.0, remote software version OpenSSH'
wire_nc "$CLI" "$SRV_ADDR" 4242 'Connection refused'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV" -p 22
assert_server_report 22
assert_cause listen_address
assert_exit 1
assert_verdict_names '127\.0\.0\.1' 'the address sshd listens on (127.0.0.1)'
assert_verdict_names '\b4242\b' 'the port sshd listens on (4242)'
assert_json '.verdict.fix_command == null or (.verdict.fix_command | test("-p 4242") | not)' \
    'no fix command sends the client to port 4242, which refuses it too'
assert_json '.verdict.summary | test("\\bnot port 22\\b")' 'the summary says sshd is not on port 22 either'
assert_json '[.verdict.evidence[] | select(test("192\\.0\\.2\\.2 port 4242: refused"))] | length == 1' \
    'the evidence says port 4242 refused the self-test on 192.0.2.2'
sdt_finish
