#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario ok: a real OpenSSH sshd listens on port 22 of the server.
# Expected: verdict ok, exit 0; the SYN was answered by a SYN-ACK.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_start "$SRV" 22

# The setup is right when OpenSSH's own client gets the server's banner.
wire_ssh "$CLI" "$SRV_ADDR" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

# By name, through the client's /etc/hosts.
run_doctor "$CLI" srv.test
assert_client_report 22
assert_cause ok
assert_exit 0
assert_json '.target.addresses | index("192.0.2.2") != null' 'srv.test resolved to 192.0.2.2'
assert_outcome_if_captured synack
# The route step's "you would type" needs the address: "ip route get
# srv.test" fails with a name. Typed on the client, the command works.
assert_json '.steps[] | select(.id == "route") | .command == "ip route get 192.0.2.2"' \
    'the route step says "ip route get 192.0.2.2", the address, not the name'
route_cmd=$(sdt_jq '.steps[] | select(.id == "route") | .command')
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$route_cmd" = "ip route get 192.0.2.2" ] &&
        sdt_in "$CLI" ip route get 192.0.2.2 2>&1 | grep -q '^192\.0\.2\.2 dev '; then
    sdt_pass "typed on the client, \"$route_cmd\" shows the route"
else
    sdt_fail "the route step's command \"$route_cmd\" does not show the route when typed on the client"
fi
sdt_finish
