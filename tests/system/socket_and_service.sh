#!/bin/bash
# SPDX-License-Identifier: MIT
# System test socket_and_service: ssh.socket active on 2222 (ListenStream
# override) and ssh.service running too, as after `systemctl start ssh.socket
# ssh.service`. Started with the socket active, Debian's sshd takes the
# socket systemd hands it (Accept=no) and ignores sshd_config's Port 22: sshd
# runs, yet clients on 22 are refused. Expected: socket_activation_port,
# certain, naming 2222; ssh.service is running, so the cause is not that sshd
# is down.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_in mkdir -p /etc/systemd/system/ssh.socket.d
printf '[Socket]\nListenStream=\nListenStream=2222\n' | sys_write /etc/systemd/system/ssh.socket.d/port.conf
sys_must systemctl daemon-reload
# systemd refuses to start a socket whose service already runs: socket first
sys_must systemctl stop ssh.service
sys_must systemctl start ssh.socket
sys_must systemctl start ssh.service
sys_wait_active ssh.service
sys_wait_active ssh.socket
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
wire_banner "$CLI" "$SRV_ADDR" 2222 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause socket_activation_port
assert_confidence certain
assert_exit 1
assert_evidence_has '2222'
assert_step service pass
sys_try_fix
sys_finish
