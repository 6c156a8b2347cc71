#!/bin/bash
# SPDX-License-Identifier: MIT
# System test healthy: a stock Debian server as it boots, ssh.service
# enabled and running, no firewall. Expected: ok, certain, exit 0; a client
# on the link gets the server's identification.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause ok
assert_confidence certain
assert_exit 0
assert_step service pass
assert_step self_test pass
sys_finish
