#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_match_users: sshd answers, but a Match block for the
# client's network denies the login: "Match Address 192.0.2.0/25" with
# "DenyUsers root". That is "Permission denied" after connecting, never
# "Connection refused". Judged for the client (--from 192.0.2.1, user root
# by default; alice@ as the target names another user), the verdict is ok
# and says that root would be refused, which sshd -T -C found.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'Port 22\nMatch Address 192.0.2.0/25\n    DenyUsers root\n' >>"$SSHD_CONFIG"
sshd_start "$SRV"
sdt_wait_listen "$SRV" 22 "$SSHD_PID"
wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2\.0-OpenSSH'

run_doctor_server "$SRV" --from 192.0.2.1
assert_server_report 22
assert_cause ok
assert_exit 0
assert_json '.verdict.evidence | any(test("refuses the login of root from 192\\.0\\.2\\.1.*DenyUsers"))' \
    'the verdict says root would be refused from 192.0.2.1'

run_doctor_server "$SRV" --from 192.0.2.1 alice@localhost
assert_cause ok
assert_json '.verdict.evidence | any(test("Permission denied")) | not' 'alice is not refused'
sdt_finish
