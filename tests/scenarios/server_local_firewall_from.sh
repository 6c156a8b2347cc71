#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_local_firewall_from: a DROP for some sources only
# (iptables "-A INPUT -s 192.0.2.0/25 -p tcp --dport 22 -j DROP"). The
# client at 192.0.2.1 is inside the dropped range and times out; a second
# client address, 192.0.2.200, is outside it and gets in. lo is accepted
# first, so the server's self-test gets in too.
# Expected: without --from the verdict is not certain, says which sources
# are blocked and asks for --from; with --from 192.0.2.1 it is
# local_firewall, certain, naming the rule, with a fix that lets that one
# client in before the rule (deleting the rule would let the whole /25 in,
# which it was written to keep out): typed on the server, the client gets
# in and 192.0.2.3, also in the /25, still times out; with --from
# 192.0.2.200 it is ok, certain.
#   CLI 192.0.2.1, 192.0.2.200 ==== SRV 192.0.2.2 (sshd :22; iptables DROP
#                                    from 192.0.2.0/25; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq iptables

topo_direct
ip -n "$CLI" addr add 192.0.2.200/24 dev "$CLI_IF" || sdt_die "second client address"
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -A INPUT -i lo -j ACCEPT || sdt_die "iptables lo"
sdt_in "$SRV" iptables -A INPUT -s 192.0.2.0/25 -p tcp --dport 22 -j DROP || sdt_die "iptables rule"

wire_ruleset "$SRV" '^-A INPUT -s 192\.0\.2\.0/25 -p tcp -m tcp --dport 22 -j DROP$'
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
out=$(sdt_in "$CLI" timeout 5 nc -s 192.0.2.200 -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
[[ "$out" == SSH-2.0-* ]] || sdt_die "192.0.2.200 should reach sshd, got: ${out:-<nothing>}"

run_doctor_server "$SRV"
assert_server_report 22
assert_json '.verdict.confidence != "certain"' 'without --from, not certain'
assert_verdict_names '192\.0\.2\.0/25' 'the sources blocked'
assert_json '(.verdict.unchecked // []) | any(test("--from"))' 'unchecked asks for --from'

run_doctor_server "$SRV" --from 192.0.2.1
assert_server_report 22
assert_cause local_firewall
assert_json '.verdict.confidence == "certain"' 'certain for the client inside the dropped range'
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'judged for 192.0.2.1'
assert_verdict_names '-A INPUT -s 192\.0\.2\.0/25 -p tcp -m tcp --dport 22 -j DROP' 'the rule'
assert_json '.verdict.fix_command | startswith("sudo iptables -I INPUT 2 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT")' \
    'a fix that lets the client alone in, before the rule'
assert_json '.verdict.fix_command | test("-D INPUT") | not' 'the rule for the rest of the /25 is not deleted'
assert_json '[.steps[] | select(.id == "firewall") | .status] == ["fail"]' 'the firewall step fails, as the verdict says'

# the fix, typed on the server (as root: no sudo)
fix=$(sdt_jq '.verdict.fix_command' | sed -E 's/(^|&& *)sudo /\1/g')
sdt_in "$SRV" sh -c "$fix" || sdt_die "the fix failed: $fix"
sdt_log "fix, typed on the server: $fix"
ip -n "$CLI" addr add 192.0.2.3/24 dev "$CLI_IF" || sdt_die "third client address"
SDT_CHECKS=$((SDT_CHECKS + 1))
out=$(sdt_in "$CLI" timeout 5 nc -s 192.0.2.1 -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
if [[ "$out" == SSH-2.0-* ]]; then sdt_pass "after the fix 192.0.2.1 gets in"; else sdt_fail "after the fix 192.0.2.1 still gets: ${out:-<nothing>}"; fi
SDT_CHECKS=$((SDT_CHECKS + 1))
out=$(sdt_in "$CLI" timeout 5 nc -s 192.0.2.3 -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
if [[ "$out" == SSH-2.0-* ]]; then sdt_fail "after the fix 192.0.2.3 (in the /25) gets in: the fix opened more than the client"; else sdt_pass "192.0.2.3, in the /25, still gets nothing"; fi

run_doctor_server "$SRV" --from 192.0.2.200
assert_server_report 22
assert_cause ok
assert_json '.verdict.confidence == "certain"' 'certain for the client outside the dropped range'
assert_exit 0
assert_json '[.steps[] | select(.id == "firewall") | .status] == ["pass"]' 'the firewall step passes, as the verdict says'
sdt_finish
