#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_watch_drop: a DROP for one source only (the client's
# address) in the server's INPUT chain. Without knowing the client the
# firewall step cannot blame it for certain; with the watch step the
# client's real attempt arrives, nothing answers it, and the verdict is
# local_firewall, certain, judged for the address seen.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22; DROP -s 192.0.2.1 dport 22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq iptables

topo_direct
sshd_setup "$SRV"
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -A INPUT -s "$CLI_ADDR" -p tcp --dport 22 -j DROP || sdt_die "server rule"
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2

sdt_bg tries "$CLI" sh -c "for i in 1 2 3; do sleep 1; nc -z -w 2 $SRV_ADDR 22; done"
run_doctor_server "$SRV" --watch 15
assert_server_report 22
assert_cause local_firewall
assert_json '.verdict.confidence == "certain"' 'certain for the client seen'
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'judged for the source seen, 192.0.2.1'
assert_json '.steps[] | select(.id == "watch") | .evidence | any(test("192\\.0\\.2\\.1 sent"))' \
    'the watch step names the source'
assert_json '.verdict.evidence | any(test("nothing answered"))' 'the evidence says nothing answered'
assert_max_ms 12000 'the watch stops soon after the attempt, not at the limit'
sdt_log "watch: a verdict after ${SDT_MS} ms"
sdt_finish
