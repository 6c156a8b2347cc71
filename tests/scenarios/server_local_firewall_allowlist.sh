#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_local_firewall_allowlist: an allow-list. iptables' INPUT
# policy is DROP; lo is accepted, and port 22 only from 192.0.2.128/25. The
# client has two addresses: 192.0.2.200 (inside, gets in) and 192.0.2.1
# (outside, times out).
# Expected: --from 192.0.2.200 is ok, saying it is among the sources
# allowed; --from 192.0.2.1 is local_firewall, certain, with a fix that lets
# 192.0.2.1 in and nobody else (never "accept from everywhere"). That fix,
# typed on the server, lets the client in.
#   CLI 192.0.2.1, 192.0.2.200 ==== SRV 192.0.2.2 (sshd :22; iptables policy
#                                    DROP, 22 from 192.0.2.128/25; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq iptables

topo_direct
ip -n "$CLI" addr add 192.0.2.200/24 dev "$CLI_IF" || sdt_die "second client address"
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -A INPUT -i lo -j ACCEPT || sdt_die "iptables lo"
sdt_in "$SRV" iptables -A INPUT -s 192.0.2.128/25 -p tcp --dport 22 -j ACCEPT || sdt_die "iptables allow"
sdt_in "$SRV" iptables -P INPUT DROP || sdt_die "iptables policy"

wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
out=$(sdt_in "$CLI" timeout 5 nc -s 192.0.2.200 -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
[[ "$out" == SSH-2.0-* ]] || sdt_die "192.0.2.200 should reach sshd, got: ${out:-<nothing>}"

run_doctor_server "$SRV" --from 192.0.2.200
assert_server_report 22
assert_cause ok
assert_exit 0
assert_verdict_names '192\.0\.2\.200 is among the sources allowed: 192\.0\.2\.128/25' 'the allow-list that admits the client'

run_doctor_server "$SRV" --from 192.0.2.1
assert_server_report 22
assert_cause local_firewall
assert_exit 1
assert_json '.verdict.confidence == "certain"' 'certain for the client outside the allow-list'
assert_json '.verdict.fix_command | test("^sudo iptables -A INPUT -s 192\\.0\\.2\\.1 -p tcp --dport 22 -j ACCEPT")' \
    'a fix that lets 192.0.2.1 in, before the policy'
assert_json '.verdict.fix_command | test("-s 192\\.0\\.2\\.1 ") and (test("0\\.0\\.0\\.0/0") | not)' \
    'the fix names the client, never every source'
assert_json '[.steps[] | select(.id == "firewall") | .status] == ["fail"]' 'the firewall step fails, as the verdict says'

# the fix, typed at the server's console
fix=$(sdt_jq '.verdict.fix_command' | sed -E 's/(^|&& *)sudo /\1/g')
sdt_log "fix, typed on the server: $fix"
sdt_in "$SRV" sh -c "$fix" || sdt_die "the fix command failed: $fix"
SDT_CHECKS=$((SDT_CHECKS + 1))
out=$(sdt_in "$CLI" timeout 5 nc -s 192.0.2.1 -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
if [[ "$out" == SSH-2.0-* ]]; then
    sdt_pass "after the fix 192.0.2.1 gets \"$(tr -d '\r\n' <<<"$out")\""
else
    sdt_fail "after the fix 192.0.2.1 still gets no SSH identification: ${out:-<nothing>}"
fi
run_doctor_server "$SRV" --from 192.0.2.1
assert_cause ok
sdt_finish
