#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_allow: ufw enabled with `ufw allow 22/tcp` (Ubuntu's way).
# Every client gets in. Expected: ok, certain, exit 0; the firewall step
# passes.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw allow 22/tcp
sys_must ufw --force enable
wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause ok
assert_confidence certain
assert_exit 0
assert_step firewall pass
sys_finish
