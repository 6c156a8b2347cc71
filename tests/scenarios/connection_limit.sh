#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario connection_limit: a real sshd with "MaxStartups 1"; the client
# holds one unauthenticated connection open, so sshd refuses every further
# one. OpenSSH (checked with 9.2) writes "Exceeded MaxStartups\r\n" to the
# refused connection and closes it.
# Expected: verdict connection_limit, exit 1, outcome synack, the message quoted.
#   CLI 192.0.2.1 (nc holding one connection) ==== SRV 192.0.2.2 (sshd :22,
#                                                  MaxStartups 1)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'MaxStartups 1\n' >>"$SSHD_CONFIG"
sshd_start "$SRV" 22

# Hold one connection in the pre-authentication state (LoginGraceTime is
# 170 s in the test config, longer than the scenario).
sdt_bg hold "$CLI" nc -d "$SRV_ADDR" 22
for ((i = 0; i < 50; i++)); do
    grep -q '^SSH-2.0-' "$SDT_TMP/hold.log" 2>/dev/null && break
    sleep 0.1
done
grep -q '^SSH-2.0-' "$SDT_TMP/hold.log" || sdt_die "the held connection got no SSH banner"
sdt_log "wire: one connection held open"

wire_banner "$CLI" "$SRV_ADDR" 22 '^Exceeded MaxStartups'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause connection_limit
assert_exit 1
assert_json 'tostring | contains("Exceeded MaxStartups")' 'the report quotes "Exceeded MaxStartups"'
assert_outcome_if_captured synack
sdt_finish
