#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_local_firewall: sshd runs on port 22, but the server's own
# iptables drops every TCP packet to port 22 (filter INPUT, "-p tcp --dport
# 22 -j DROP"; on Debian 12 iptables is the nf_tables back end, so the rule
# shows in `nft list ruleset` as well). IPv4 clients time out; the rule
# also applies to the server's connections to itself, over lo. As so often,
# nobody told ip6tables: IPv6 clients still get in.
# Expected: verdict local_firewall, exit 1, the verdict naming the rule
# (chain INPUT, its text as iptables-save or nft lists it); the self-test's
# SYN to 192.0.2.2:22 meets silence, its SYN to [2001:db8::2]:22 a SYN-ACK.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22, iptables INPUT DROP dport 22;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq iptables nft

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -A INPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"

wire_sshd_check "$SRV" 0 ''
wire_listeners "$SRV" '^LISTEN .* 0\.0\.0\.0:22 .*users:\(\("sshd"'
wire_ruleset "$SRV" '^-A INPUT -p tcp -m tcp --dport 22 -j DROP$'
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
wire_ssh "$CLI" "$SRV_ADDR6" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause local_firewall
assert_exit 1
assert_verdict_names '\bINPUT\b' 'the chain (INPUT)'
assert_verdict_names '-A INPUT -p tcp -m tcp --dport 22 -j DROP|tcp dport 22 (counter )?drop' \
    'the rule as listed (iptables-save or nft)'
assert_json '.verdict.fix_command | test("^sudo iptables -D INPUT -p tcp -m tcp --dport 22 -j DROP$|^sudo nft insert rule ip filter INPUT tcp dport 22 accept$")' \
    'a fix command that undoes that very rule'
assert_selftest_seen "$SRV_ADDR" 22 silence
assert_selftest_seen "[$SRV_ADDR6]" 22 synack
sdt_finish
