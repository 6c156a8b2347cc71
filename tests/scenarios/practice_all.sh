#!/bin/bash
# SPDX-License-Identifier: MIT
# The practice lab's self-check: `ssh-doctor --practice all --json` stages
# every scenario of assets/lab/ in a sandbox of network namespaces,
# diagnoses it from the client and from the server's console, and removes
# it. Expected: one JSON document valid against doc/practice.schema.json,
# every scenario's client and server verdicts what the scenario file says
# (expect.client, expect.server), exit 0; afterwards nothing of the sandbox
# remains and the host's rule sets and /etc are unchanged.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin sshd ssh ssh-keygen iptables nft jq
sdt_need_doctor

practice_host_snapshot "$SDT_TMP/host-before.txt"
SDT_REPORT="$SDT_TMP/practice.json"
t0=$(date +%s%N)
"$SSH_DOCTOR" --practice all --json >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null &
pid=$!
wait "$pid"
SDT_RC=$?
sdt_log "ssh-doctor --practice all --json exited $SDT_RC after $(( ($(date +%s%N) - t0) / 1000000 )) ms"

SDT_CHECKS=$((SDT_CHECKS + 1))
if out=$(/usr/bin/python3 "$(dirname "$0")/../tools/validate-report.py" "$PRACTICE_SCHEMA" "$SDT_REPORT" 2>&1); then
    sdt_pass "stdout is one document, valid against doc/practice.schema.json"
else
    sdt_fail "stdout is not valid against doc/practice.schema.json: $out"
fi
assert_exit 0
assert_json '.total >= 18 and (.scenarios | length) == .total' 'at least 18 scenarios, each reported'
assert_json '.failed == 0 and .passed == .total' 'every scenario passed'
for id in $(jq -r '.scenarios[].id' "$SDT_REPORT" 2>/dev/null); do
    assert_json ".scenarios[] | select(.id == \"$id\") | .client.cause == .expect.client and .server.cause == .expect.server" \
        "$id: client $(sdt_jq ".scenarios[] | select(.id == \"$id\") | .client.cause") (expected $(sdt_jq ".scenarios[] | select(.id == \"$id\") | .expect.client")), server $(sdt_jq ".scenarios[] | select(.id == \"$id\") | .server.cause") (expected $(sdt_jq ".scenarios[] | select(.id == \"$id\") | .expect.server"))"
done
for cause in port_closed wrong_port firewall_drop firewall_reject middlebox_reset not_ssh \
             tcp_wrappers connection_limit host_unreachable dns_failure sshd_config_error \
             listen_address port_in_use local_firewall fail2ban_ban upstream_block; do
    assert_json "[.scenarios[] | .cause, .expect.client, .expect.server] | index(\"$cause\") != null" \
        "a scenario stages or finds $cause"
done
jq -r '.scenarios[] | "  \(.id): staged in \(.stage_ms) ms, removed in \(.teardown_ms) ms; ssh said: \(.ssh.error // "-")"' \
    "$SDT_REPORT" 2>/dev/null
assert_sandbox_gone "$pid"
assert_host_unchanged "$SDT_TMP/host-before.txt"
sdt_finish
