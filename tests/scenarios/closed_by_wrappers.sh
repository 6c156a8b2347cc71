#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario closed_by_wrappers: a real sshd whose TCP wrappers refuse everyone
# ("sshd: ALL" in the server's own /etc/hosts.deny). Debian's sshd is linked
# with libwrap; libwrap's refusal sends no byte, waits 5 s (clean_exit's
# sleep(5)) and then closes. From the client: accepted, silence, then closed.
# Expected: verdict closed_by_server, exit 1, outcome synack.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22, hosts.deny "sshd: ALL")
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen ldd nc jq

if ! ldd /usr/sbin/sshd 2>/dev/null | grep -q 'libwrap'; then
    sdt_skip "this sshd is not linked with libwrap, so hosts.deny does not apply to it"
fi

topo_direct
sshd_setup "$SRV"
printf 'sshd: ALL\n' >>"/etc/netns/$SRV/hosts.deny"
sshd_start "$SRV" 22

# Connected, no byte at all, closed by the server after about 5 s.
wire_wrapped_close "$CLI" "$SRV_ADDR" 22

run_doctor "$CLI" "$SRV_ADDR"
assert_client_report 22
assert_cause closed_by_server
assert_exit 1
assert_outcome_if_captured synack
sdt_finish
