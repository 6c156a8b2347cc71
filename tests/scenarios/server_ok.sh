#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_ok: ssh-doctor on the server itself (--side server), where a
# real OpenSSH sshd listens on port 22 of every address with a valid
# configuration, nothing filters, nothing wraps.
# Expected: verdict ok, exit 0; the self-test to 192.0.2.2:22 is answered by a
# SYN-ACK and sshd's identification.
# Without HOST and without --side, ssh-doctor must take the server side too.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22; ssh-doctor runs here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 22

# The setup is right when sshd -t is content, sshd owns the port on both
# families, and OpenSSH's own client from the other host gets the banner.
wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("sshd"'
wire_listeners "$SRV" '^LISTEN .* \[::\]:22 .*users:\(\("sshd"'
wire_ssh "$CLI" "$SRV_ADDR" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause ok
assert_exit 0
assert_verdict_names 'SSH-2\.0-OpenSSH' "sshd's identification (SSH-2.0-OpenSSH...)"
assert_selftest_seen "$SRV_ADDR" 22 synack
assert_selftest_logged 'Connection from 192\.0\.2\.2 port [0-9]+ on 192\.0\.2\.2 port 22\b' \
    '"Connection from 192.0.2.2 port N on 192.0.2.2 port 22"'

# No HOST, no --side: this machine as the server.
run_doctor "$SRV"
assert_json '.side == "server"' 'with no HOST: side "server"'
assert_cause ok
assert_exit 0
sdt_finish
