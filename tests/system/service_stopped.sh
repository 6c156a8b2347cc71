#!/bin/bash
# SPDX-License-Identifier: MIT
# System test service_stopped: `systemctl stop ssh` on a stock server. Under
# systemd /run/sshd is ssh.service's RuntimeDirectory and is gone while it is
# stopped, so `sshd -t` fails on it: that is normal and is not a
# configuration error. Expected: sshd_not_running, certain, with the start
# command for the unit systemd knows (ssh on Debian).
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl stop ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause sshd_not_running
assert_confidence certain
assert_exit 1
assert_fix_has 'systemctl'
assert_fix_has 'ssh'
assert_fix_lacks 'sshd -t'
assert_step sshd_config pass
sys_try_fix
sys_finish
