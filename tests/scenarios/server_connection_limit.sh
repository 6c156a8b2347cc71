#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_connection_limit: sshd runs with "MaxStartups 1" and a
# client on the link holds one unauthenticated connection open, so sshd
# refuses every further one: it writes "Exceeded MaxStartups\r\n" and closes
# (OpenSSH 9.2), logging "drop connection #1 ... past MaxStartups".
# Expected: verdict connection_limit, exit 1, the verdict naming MaxStartups;
# the self-test to 192.0.2.2:22 is answered by a SYN-ACK (sshd accepts, then
# refuses).
#   CLI 192.0.2.1 (nc holding one connection) ==== SRV 192.0.2.2 (sshd :22,
#                               MaxStartups 1; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'MaxStartups 1\n' >>"$SSHD_CONFIG"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
sdt_hold_preauth "$CLI" "$SRV_ADDR" 22 1
wire_banner "$CLI" "$SRV_ADDR" 22 '^Exceeded MaxStartups'
grep -q 'past MaxStartups' "$SDT_TMP/sshd.log" || sdt_die "sshd did not log the MaxStartups drop"
sdt_log "wire: sshd log: $(grep 'past MaxStartups' "$SDT_TMP/sshd.log" | head -n 1)"

run_doctor_server "$SRV"
assert_server_report 22
assert_cause connection_limit
assert_exit 1
assert_verdict_names 'Exceeded MaxStartups' 'what sshd answered ("Exceeded MaxStartups")'
assert_verdict_names 'MaxStartups (is )?1\b' 'the limit (MaxStartups 1)'
assert_selftest_seen "$SRV_ADDR" 22 synack
assert_selftest_logged 'drop connection #[0-9]+ from \[192\.0\.2\.2\]:[0-9]+ on \[192\.0\.2\.2\]:22 past MaxStartups' \
    '"drop connection #N from [192.0.2.2]:P on [192.0.2.2]:22 past MaxStartups"'
sdt_finish
