#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_limit: `ufw limit ssh`: new connections are allowed, at
# most 6 in 30 s per source. Expected: ok (a first connection gets in), the
# firewall step saying the limit depends on timing.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw limit ssh
sys_must ufw --force enable
wire_banner "$CLI" "$SRV_ADDR" 22 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause ok
assert_exit 0
assert_json '[.steps[] | select(.id == "firewall") | .status] | any(. == "pass" or . == "warn")' \
    'the firewall step passes or warns'
sys_finish
