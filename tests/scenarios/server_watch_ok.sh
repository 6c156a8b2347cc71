#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_watch_ok: nothing is wrong; the client's attempt arrives
# and is answered. Expected: ok, judged for the client seen.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
sshd_start "$SRV" 22
wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2\.0-OpenSSH'

sdt_bg tries "$CLI" sh -c "sleep 1; nc -w 2 $SRV_ADDR 22 </dev/null"
run_doctor_server "$SRV" --watch 15
assert_server_report 22
assert_cause ok
assert_exit 0
assert_json '.verdict.for == ["192.0.2.1"]' 'judged for the source seen'
assert_json '.steps[] | select(.id == "watch") | .status == "pass"' 'the watch step saw TCP get through'
sdt_finish
