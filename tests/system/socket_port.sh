#!/bin/bash
# SPDX-License-Identifier: MIT
# System test socket_port: socket activation with ssh.socket's ListenStream
# overridden to 2222 while sshd_config says Port 22, ssh.service stopped.
# sshd -t fails on the missing /run/sshd (ssh.service's RuntimeDirectory):
# normal until the service starts, and not the cause. Clients on 22 are
# refused. Expected: socket_activation_port, certain, naming 2222.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_in mkdir -p /etc/systemd/system/ssh.socket.d
printf '[Socket]\nListenStream=\nListenStream=2222\n' | sys_write /etc/systemd/system/ssh.socket.d/port.conf
sys_must systemctl daemon-reload
sys_must systemctl disable --now ssh.service
sys_must systemctl enable --now ssh.socket
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
wire_banner "$CLI" "$SRV_ADDR" 2222 '^SSH-2.0-OpenSSH'
sys_doctor
assert_cause socket_activation_port
assert_confidence certain
assert_exit 1
assert_evidence_has '2222'
assert_step sshd_config pass
sys_try_fix
sys_finish
