#!/bin/bash
# SPDX-License-Identifier: MIT
# System test service_disabled: ssh.service stopped and disabled at boot
# ("refused after a reboot"). Expected: sshd_not_running, certain, and a fix
# that also enables it: systemctl enable --now ssh.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl disable --now ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause sshd_not_running
assert_confidence certain
assert_exit 1
assert_fix_has 'systemctl enable --now ssh'
assert_evidence_has 'not enabled|disabled'
sys_try_fix
sys_finish
