#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_sshd_not_running: OpenSSH is installed and its configuration
# is valid (sshd -t exits 0), but no sshd runs in the server's network
# namespace, so nothing listens and clients get "Connection refused".
# Expected: verdict sshd_not_running, exit 1; the self-test to 192.0.2.2:22 is
# answered by the host's own RST.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (/etc/ssh ready, no sshd; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'Port 22\n' >>"$SSHD_CONFIG"

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^$'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause sshd_not_running
assert_exit 1
assert_selftest_seen "$SRV_ADDR" 22 rst
sdt_finish
