#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_port_in_use: another program (socat, one dual-stack socket
# on [::]:22 that takes IPv4 too) holds port 22, so sshd cannot bind either
# family ("Bind to port 22 on 0.0.0.0 failed: Address already in use.",
# "Cannot bind any address.") and exits. Clients connect, but to socat,
# which closes at once without an SSH identification.
# Expected: verdict port_in_use (it outranks "not running": it is why sshd
# does not run), exit 1, the verdict naming socat and port 22; the self-test
# to 192.0.2.2:22 is answered by socat's SYN-ACK.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (socat [::]:22, sshd gave up;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq socat

topo_direct
sshd_setup "$SRV"
printf 'Port 22\n' >>"$SSHD_CONFIG"
sdt_bg holder "$SRV" socat TCP6-LISTEN:22,ipv6only=0,reuseaddr,fork SYSTEM:true
sdt_wait_listen "$SRV" 22 "$SDT_LAST_PID"

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* \*:22 .*users:\(\("socat"'
sshd_start_fail "$SRV" 'Bind to port 22 on 0\.0\.0\.0 failed: Address already in use'
grep -q 'Cannot bind any address' "$SDT_TMP/sshd.log" || sdt_die "sshd did not say 'Cannot bind any address'"
# socat accepts the connection and closes it without a byte.
wire_nc "$CLI" "$SRV_ADDR" 22 'succeeded'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause port_in_use
assert_exit 1
assert_verdict_names 'socat' 'the program holding the port (socat)'
assert_verdict_names '\b22\b' 'port 22'
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish
