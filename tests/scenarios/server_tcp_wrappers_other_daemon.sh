#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_tcp_wrappers_other_daemon: hosts.deny refuses everyone, but
# only for other daemons ("in.telnetd: ALL", "vsftpd: ALL EXCEPT LOCAL"), and
# hosts.allow names sshd for the test net; sshd (linked with libwrap on
# Debian) lets the client in. A wrappers file full of denials is not a cause
# by itself.
# Expected: verdict ok, exit 0; the self-test to 192.0.2.2:22 is answered by
# a SYN-ACK and sshd's identification.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22; hosts.deny for other daemons;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'sshd: 192.0.2.0/24 127.0.0.1 [2001:db8::]/64 [::1]\n' >>"/etc/netns/$SRV/hosts.allow"
printf 'in.telnetd: ALL\nvsftpd: ALL EXCEPT LOCAL\n' >>"/etc/netns/$SRV/hosts.deny"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("sshd"'
wire_ssh "$CLI" "$SRV_ADDR" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause ok
assert_exit 0
assert_json '[.steps[] | select(.id == "tcp_wrappers") | .status] == ["pass"]' 'the tcp_wrappers step passes'
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish
