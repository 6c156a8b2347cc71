#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_reject: `ufw reject 22/tcp`: clients are refused at once
# (a RST from the rule). Expected: local_firewall, certain, fix
# `ufw delete reject 22/tcp`.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw reject 22/tcp
sys_must ufw --force enable
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause local_firewall
assert_confidence certain
assert_exit 1
assert_fix_has 'ufw delete reject 22/tcp'
sys_finish
