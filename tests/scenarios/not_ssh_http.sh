#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario not_ssh_http: a web server on port 22. It says nothing first; it
# answers the client's first line (an SSH client sends its identification
# string at once, RFC 4253 4.2) with "HTTP/1.0 400 Bad Request" and closes.
# Expected: verdict not_ssh, exit 1, outcome synack, the HTTP status quoted.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (socat :22 answering as a web server)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin socat nc ssh jq

topo_direct
listen_http "$SRV" 22

wire_banner "$CLI" "$SRV_ADDR" 22 '^HTTP/1\.0 400 Bad Request' $'SSH-2.0-OpenSSH_9.2\r\n'
wire_ssh "$CLI" "$SRV_ADDR" 22 'banner line 0: HTTP/1\.0 400 Bad Request'

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause not_ssh
assert_exit 1
assert_json 'tostring | contains("HTTP/1.0 400")' 'the report quotes the HTTP answer'
assert_outcome_if_captured synack
sdt_finish
