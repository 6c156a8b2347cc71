#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_listen_address: sshd runs, but "ListenAddress 127.0.0.1"
# keeps it on loopback, so a client on the link reaching 192.0.2.2:22 gets
# "Connection refused" while ssh to localhost works.
# Expected: verdict listen_address, exit 1, the verdict naming 127.0.0.1 (what
# sshd listens on) and 192.0.2.2 (the address clients use); the self-test to
# 192.0.2.2:22 gets the host's own RST.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd 127.0.0.1:22 only; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'ListenAddress 127.0.0.1\n' >>"$SSHD_CONFIG"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 127\.0\.0\.1:22 .*users:\(\("sshd"'
if sdt_in "$SRV" ss -Htln | grep -Ev ' 127\.0\.0\.1:22 ' | grep -q .; then
    sdt_die "sshd listens somewhere else than 127.0.0.1:22"
fi
wire_ssh "$SRV" 127.0.0.1 22 'Remote protocol version 2\.0, remote software version OpenSSH'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause listen_address
assert_exit 1
assert_verdict_names '127\.0\.0\.1' 'the address sshd listens on (127.0.0.1)'
assert_verdict_names '192\.0\.2\.2' 'the address clients use (192.0.2.2)'
assert_selftest_seen "$SRV_ADDR" 22 rst
sdt_finish
