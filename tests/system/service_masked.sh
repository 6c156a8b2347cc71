#!/bin/bash
# SPDX-License-Identifier: MIT
# System test service_masked: `systemctl mask --now ssh`. A masked unit
# cannot be started or enabled until it is unmasked, so the fix must unmask
# it first.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl mask --now ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause sshd_not_running
assert_confidence certain
assert_exit 1
assert_fix_has 'systemctl unmask ssh'
assert_fix_has 'systemctl enable --now ssh'
assert_evidence_has 'masked'
sys_try_fix
sys_finish
