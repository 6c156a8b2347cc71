#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_watch_upstream: the client's SYNs never reach the server:
# the router between them drops them (as a cloud security group would).
# ssh-doctor on the server, told to watch (--watch), sees no attempt from
# another machine while the client tries. Expected: upstream_block, exit 1;
# nothing on the server blamed; the wait ends at the limit given.
#   CLI 192.0.2.10 == RTR (drops tcp/22) == SRV 192.0.2.130 (sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq iptables

topo_routed
sshd_setup "$SRV"
sshd_start "$SRV" 22
sdt_in "$RTR" iptables -A FORWARD -p tcp --dport 22 -j DROP || sdt_die "router rule"
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2

# the client keeps trying while ssh-doctor watches
sdt_bg tries "$CLI" sh -c "for i in 1 2 3 4; do sleep 1; nc -z -w 2 $SRV_ADDR 22; done"
run_doctor_server "$SRV" --watch 6
assert_server_report 22
assert_cause upstream_block
assert_exit 1
assert_json '.steps[] | select(.id == "watch") | .status == "fail"' 'the watch step saw no attempt'
assert_json '[.verdict.unchecked[]] | any(test("security group"))' 'what lies in front is named as unchecked'
sdt_log "watch: a verdict after ${SDT_MS} ms (limit 6 s)"
sdt_finish
