#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_wrong_port: sshd runs and works, but on port 2222
# ("Port 2222" in sshd_config); the person asks about port 22, where nothing
# listens and clients get "Connection refused".
# Expected: verdict wrong_port, exit 1, the verdict naming 2222; the self-test
# to 192.0.2.2:22 gets the host's own RST.
# Asked about port 2222 instead, the same server is ok.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :2222; ssh-doctor -p 22 here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 2222

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:2222 .*users:\(\("sshd"'
if sdt_in "$SRV" ss -Htln 'sport = :22' | grep -q .; then
    sdt_die "something listens on port 22"
fi
wire_ssh "$CLI" "$SRV_ADDR" 2222 'Remote protocol version 2\.0, remote software version OpenSSH'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV" -p 22
assert_server_report 22
assert_cause wrong_port
assert_exit 1
assert_verdict_names '\b2222\b' 'port 2222'
assert_selftest_seen "$SRV_ADDR" 22 rst

run_doctor_server "$SRV" -p 2222
assert_server_report 2222
assert_cause ok
assert_exit 0
assert_selftest_seen "$SRV_ADDR" 2222 synack
sdt_finish
