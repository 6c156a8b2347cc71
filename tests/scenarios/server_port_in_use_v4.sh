#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_port_in_use_v4: another program (socat) holds 0.0.0.0:22
# only. sshd starts anyway: its IPv4 bind fails ("Bind to port 22 on 0.0.0.0
# failed: Address already in use.") but it listens on [::]:22 (v6-only), so
# it runs, answers IPv6 clients, and every IPv4 client reaches socat, which
# closes without an SSH identification.
# Expected: verdict port_in_use although sshd runs, exit 1, the verdict
# naming socat; the self-test to 192.0.2.2:22 is answered by socat's SYN-ACK.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (socat 0.0.0.0:22, sshd [::]:22;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq socat

topo_direct
sshd_setup "$SRV"
printf 'Port 22\n' >>"$SSHD_CONFIG"
sdt_bg holder "$SRV" socat TCP4-LISTEN:22,reuseaddr,fork SYSTEM:true
sdt_wait_listen "$SRV" 22 "$SDT_LAST_PID"
sdt_bg sshd "$SRV" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config -o PidFile=none
SSHD_PID=$SDT_LAST_PID
for ((i = 0; i < 50; i++)); do
    grep -q 'Server listening on :: port 22' "$SDT_TMP/sshd.log" 2>/dev/null && break
    kill -0 "$SSHD_PID" 2>/dev/null || sdt_die "sshd exited: $(tr '\n' ' ' <"$SDT_TMP/sshd.log")"
    sleep 0.1
done
grep -q 'Bind to port 22 on 0\.0\.0\.0 failed: Address already in use' "$SDT_TMP/sshd.log" \
    || sdt_die "sshd did not report the IPv4 bind failure: $(tr '\n' ' ' <"$SDT_TMP/sshd.log")"
sdt_log "wire: sshd: $(tr '\r\n' '  ' <"$SDT_TMP/sshd.log")"

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("socat"'
wire_listeners "$SRV" '^LISTEN .* \[::\]:22 .*users:\(\("sshd"'
wire_ssh "$CLI" "$SRV_ADDR6" 22 'Remote protocol version 2\.0, remote software version OpenSSH'
wire_ssh "$CLI" "$SRV_ADDR" 22 'Connection closed by|kex_exchange_identification'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause port_in_use
assert_exit 1
assert_verdict_names 'socat' 'the program holding the port (socat)'
assert_verdict_names '0\.0\.0\.0' 'the address it holds (0.0.0.0)'
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish
