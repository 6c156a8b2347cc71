#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_tcp_wrappers_from: TCP wrappers judged for the client.
# The server's hosts.allow lets sshd's clients in by name ("sshd: .test"),
# hosts.deny refuses the rest ("sshd: ALL"). The client 192.0.2.1 is
# cli.test in the server's /etc/hosts, both ways, so libwrap lets it in;
# 192.0.2.99 has no name ("unknown") and is refused.
# Expected: --from 192.0.2.1: ok, certain (the name looked up as libwrap
# does); --from 192.0.2.99: tcp_wrappers, certain, naming hosts.deny;
# without --from: not certain, the client named as unchecked.
# Needs an sshd linked with libwrap (Debian 12's is); skipped otherwise.
#   CLI 192.0.2.1 (cli.test) ==== SRV 192.0.2.2 (sshd :22; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen ldd nc jq

ldd /usr/sbin/sshd 2>/dev/null | grep -q 'libwrap' ||
    sdt_skip "/usr/sbin/sshd is not linked with libwrap: TCP wrappers do not apply to it"

topo_direct
sshd_setup "$SRV"
printf 'sshd: .test\n' >>"/etc/netns/$SRV/hosts.allow"
printf 'sshd: ALL\n' >>"/etc/netns/$SRV/hosts.deny"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2\.0-OpenSSH'

run_doctor_server "$SRV" --from 192.0.2.1
assert_server_report 22
assert_cause ok
assert_exit 0
assert_json '.verdict.for == ["192.0.2.1"]' 'judged for 192.0.2.1'
assert_json '.steps[] | select(.id == "tcp_wrappers") | .evidence | any(test("its name is cli\\.test"))' \
    'the client'"'"'s name, looked up as libwrap does'

run_doctor_server "$SRV" --from 192.0.2.99
assert_cause tcp_wrappers
assert_json '.verdict.confidence == "certain"' 'certain for the client given'
assert_exit 1
assert_verdict_names '/etc/hosts\.deny' 'the file /etc/hosts.deny'

run_doctor_server "$SRV"
assert_json '.verdict.confidence != "certain"' 'not certain without knowing the client'
assert_json '[.verdict.unchecked[]] | any(test("--from"))' 'the client named as not checked'
sdt_finish
