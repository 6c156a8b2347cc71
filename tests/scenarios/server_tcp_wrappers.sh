#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_tcp_wrappers: sshd runs on port 22, and the server's own
# /etc/hosts.deny says "sshd: ALL" (line 2). Whether that refuses anyone
# depends on the sshd binary: OpenSSH dropped TCP wrappers in 6.7, but
# Debian's and Ubuntu's sshd is still linked with libwrap.so.0 (checked:
# `ldd /usr/sbin/sshd` on Debian 12, OpenSSH 9.2p1), so here it does: sshd
# accepts, sends no byte, and libwrap closes after 5 s.
# Expected with a libwrap sshd: verdict tcp_wrappers, exit 1, the verdict
# naming /etc/hosts.deny and its "sshd: ALL" line; the self-test to
# 192.0.2.2:22 is answered by a SYN-ACK (wrappers act after accept()).
# An sshd without libwrap ignores hosts.deny: the honest verdict is then ok
# (exit 0), with the refusing line only as a warning, never as the cause;
# the scenario checks that instead when it runs on such a system.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22, hosts.deny "sshd: ALL";
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen ldd nc jq

libwrap=0
ldd /usr/sbin/sshd 2>/dev/null | grep -q 'libwrap' && libwrap=1
sdt_log "wire: /usr/sbin/sshd is $([ "$libwrap" = 1 ] || printf 'not ')linked with libwrap"

topo_direct
sshd_setup "$SRV"
printf 'sshd: ALL\n' >>"/etc/netns/$SRV/hosts.deny"
[ "$(sed -n 2p "/etc/netns/$SRV/hosts.deny")" = "sshd: ALL" ] || sdt_die "hosts.deny line 2 is not 'sshd: ALL'"
sshd_start "$SRV" 22

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("sshd"'
if [ "$libwrap" = 1 ]; then
    # Accepted, no byte at all, closed by libwrap after about 5 s.
    wire_wrapped_close "$CLI" "$SRV_ADDR" 22
else
    wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2\.0-OpenSSH'
fi

run_doctor_server "$SRV"
assert_server_report 22
if [ "$libwrap" = 1 ]; then
    assert_cause tcp_wrappers
    assert_exit 1
    assert_verdict_names '/etc/hosts\.deny' 'the file /etc/hosts.deny'
    assert_verdict_names 'sshd: ALL' 'the refusing rule "sshd: ALL"'
    assert_verdict_names '(line 2|:2)\b' 'line 2'
else
    assert_cause ok
    assert_exit 0
    assert_json '[.steps[] | select(.status == "warn") | .summary, (.evidence // [])[]]
        | map(strings) | any(test("hosts\\.deny"))' 'a warning naming hosts.deny'
fi
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish
