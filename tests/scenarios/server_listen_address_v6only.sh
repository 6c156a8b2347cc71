#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_listen_address_v6only: "ListenAddress ::" alone. sshd opens
# its IPv6 sockets v6-only (IPV6_V6ONLY), so [::]:22 takes IPv6 clients only
# and every IPv4 client gets "Connection refused", though `ss -tln` shows a
# wildcard listener on port 22 and /proc/net/tcp6 cannot tell v6-only apart
# (ss -e shows "v6only:1").
# Expected: verdict listen_address, exit 1, the verdict naming 192.0.2.2 (the
# IPv4 address clients use); the self-test gets the host's own RST at
# 192.0.2.2:22 and a SYN-ACK at [2001:db8::2]:22.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2, 2001:db8::2 (sshd [::]:22 v6-only;
#                                                 ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'ListenAddress ::\n' >>"$SSHD_CONFIG"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* \[::\]:22 .*users:\(\("sshd"'
if sdt_in "$SRV" ss -Htln | grep -Ev ' \[::\]:22 ' | grep -q .; then
    sdt_die "sshd listens somewhere else than [::]:22"
fi
sdt_in "$SRV" ss -Htlne 'sport = :22' | grep -q 'v6only:1' || sdt_die "[::]:22 is not v6-only"
sdt_log "wire: ss -tlne: [::]:22 is v6only:1"
wire_ssh "$CLI" "$SRV_ADDR6" 22 'Remote protocol version 2\.0, remote software version OpenSSH'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause listen_address
assert_exit 1
assert_verdict_names '192\.0\.2\.2' 'the address clients use (192.0.2.2)'
assert_selftest_seen "$SRV_ADDR" 22 rst
assert_selftest_seen "[$SRV_ADDR6]" 22 synack
sdt_finish
