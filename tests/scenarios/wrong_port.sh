#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario wrong_port: sshd listens on port 2222 only; the client asks for
# 22 and gets a RST there. The report must find SSH on 2222 and say so.
# Expected: verdict wrong_port, exit 1, outcome rst, 2222 in summary or fix.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :2222 only)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 2222

wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
wire_ssh "$CLI" "$SRV_ADDR" 2222 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause wrong_port
assert_exit 1
assert_json '((.verdict.summary // "") + " " + (.verdict.fix // "")) | test("\\b2222\\b")' \
    'verdict summary or fix names port 2222'
assert_outcome_if_captured rst
assert_json '.steps[] | select(.id == "other_ports") | .status == "fail"' \
    'other ports: the check that found SSH moved says [FAIL]'
# The ~/.ssh/config lines the fix gives, copied as they are, make ssh use
# port 2222 for that host (ssh -G prints the configuration ssh would use).
jq -r '.verdict.fix' "$SDT_REPORT" | sed -n '/^Host /,/^    Port /p' >"$SDT_TMP/ssh_config"
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(wc -l <"$SDT_TMP/ssh_config")" = 2 ] &&
    ssh -G -F "$SDT_TMP/ssh_config" "$SRV_ADDR" 2>/dev/null | grep -qx 'port 2222'; then
    sdt_pass "the fix's ~/.ssh/config lines, as given, make 'ssh -G $SRV_ADDR' say port 2222"
else
    sdt_fail "the fix's ~/.ssh/config lines do not give port 2222: $(tr '\n' '|' <"$SDT_TMP/ssh_config")"
fi
sdt_finish
