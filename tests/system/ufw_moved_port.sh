#!/bin/bash
# SPDX-License-Identifier: MIT
# System test ufw_moved_port: sshd moved to Port 2222, ufw allows 2222 only,
# the client tries 22. Expected: wrong_port, naming 2222.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

printf 'Port 2222\n' | sys_write /etc/ssh/sshd_config.d/port.conf
sys_must systemctl restart ssh.service
sys_must ufw allow 2222/tcp
sys_must ufw --force enable
wire_banner "$CLI" "$SRV_ADDR" 2222 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause wrong_port
assert_exit 1
assert_evidence_has '2222'
sys_finish
